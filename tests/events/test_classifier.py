"""The PLOVER root classifier: input format, CV splitter, the shipped model (loads offline, valid labels)."""
from __future__ import annotations

import json
import math
import socket

import numpy as np
import pytest

from eventwire.events.classifier import (DEFAULT_MODEL_DIR, PLOVER_ROOTS, ROOT_QUAD_CLASS, PloverClassifier,
                                         TypingInput, TypingPrediction, _LinearBackend, format_input,
                                         item_parse_features, parse_features, plv_root, quad_class)
from eventwire.evaluate.datasets import PlvItem, lede, read_ngec, read_plv
from eventwire.train.folds import cv_folds, stratified_folds
from tests.conftest import shared_path


def test_label_set_and_quad_mapping():
    assert len(PLOVER_ROOTS) == 15 and set(PLOVER_ROOTS) == set(ROOT_QUAD_CLASS)
    assert plv_root("concede") == "YIELD" and plv_root("RETREAT") == "YIELD" and plv_root("ASSAULT") == "ASSAULT"
    assert plv_root("EXPLODE") is None and plv_root(None) is None
    # PLOVER manual: REQUEST is verbal conflict, PROTEST material conflict, CONSULT verbal cooperation
    assert quad_class("REQUEST") == 3 and quad_class("PROTEST") == 4 and quad_class("CONSULT") == 1
    assert quad_class("RETREAT") == 2 and quad_class("YIELD") == 2
    with pytest.raises(KeyError):
        quad_class("EXPLODE")


def test_format_input_marks_spans():
    s = "Pakistan refused a request from India to cross its airspace, Pakistan said."
    it = TypingInput(s, source=[(0, 8), (61, 69)], target=(32, 37))
    assert format_input(it) == ("@ Pakistan @ refused a request from # India # to cross its airspace, "
                                "@ Pakistan @ said.")
    assert format_input(TypingInput(s)) == s
    # a target nested in the source
    assert format_input(TypingInput("Iraqi fighters agreed.", (0, 14), (0, 5))) == "@ # Iraqi # fighters @ agreed."
    with pytest.raises(ValueError):
        format_input(TypingInput(s, source=(0, 500)))
    with pytest.raises(ValueError):
        format_input(TypingInput(s, source=("a", "b")))


def test_format_input_long_sentence_keeps_the_actors():
    filler = "word " * 300
    s = filler + "Russia attacked Ukraine." + " more" * 200
    a = s.index("Russia")
    b = s.index("Ukraine")
    text = format_input(TypingInput(s, (a, a + 6), (b, b + 7)), max_chars=200)
    assert "@ Russia @ attacked # Ukraine #" in text
    assert len(text) <= 200 + 8  # the window plus the markers


def _fake_plv(n_per_label: int) -> list[PlvItem]:
    items = []
    for lab in PLOVER_ROOTS[:5]:
        for i in range(n_per_label):
            items.append(PlvItem(f"{lab}{i}", f"{lab} sentence {i}", [(0, 3)], [], lab, ROOT_QUAD_CLASS[lab]))
    return items


def test_cv_folds_never_leak_test_or_ngec_into_training():
    plv = _fake_plv(11)  # 55 items, 5 labels
    folds = cv_folds(plv, n_ngec=30, k=5, seed=13)
    assert len(folds) == 5
    seen_test = []
    for f in folds:
        assert not set(f.train_plv) & set(f.test_plv)                 # no test item in its training part
        assert set(f.train_plv) | set(f.test_plv) == set(range(len(plv)))
        assert f.train_ngec == tuple(range(30))                         # NGEC: always training, all of it
        seen_test += f.test_plv
        # stratified: every label in every test fold (11 per label over 5 folds -> 2 or 3)
        counts = {lab: sum(plv[i].root == lab for i in f.test_plv) for lab in PLOVER_ROOTS[:5]}
        assert all(c in (2, 3) for c in counts.values())
    assert sorted(seen_test) == list(range(len(plv)))                  # each PLV item tested exactly once
    # the test folds index PLV items only: an index >= len(plv) would be an NGEC item
    assert max(seen_test) < len(plv)
    # deterministic, and another seed gives another split
    assert cv_folds(plv, 30, 5, 13) == folds
    assert [f.test_plv for f in cv_folds(plv, 30, 5, 14)] != [f.test_plv for f in folds]
    sizes = [len(t) for t in stratified_folds([x.root for x in plv], 5, 13)]
    assert max(sizes) - min(sizes) <= 1
    with pytest.raises(ValueError):
        stratified_folds(["A", "B"], 3)


def test_lede_takes_first_sentences():
    assert lede("First one here. Second one, Mr. X said. Third.", 2) == "First one here. Second one, Mr. X said."


@pytest.mark.shared
def test_training_files_read_and_map():
    d = shared_path("data", "events", "train")
    plv = read_plv(d / "plv_train.tsv")
    assert len(plv) == 1050 and {x.root for x in plv} == set(PLOVER_ROOTS)
    ngec = read_ngec(d / "ngec_synthetic_stories.csv")
    assert len(ngec) == 4500
    assert {x.root for x in ngec} == set(PLOVER_ROOTS)
    assert all(x.root == "YIELD" for x in ngec if x.plover_type in ("CONCEDE", "RETREAT"))
    assert sum(x.plover_type in ("CONCEDE", "RETREAT") for x in ngec) == 780 + 276


@pytest.fixture(scope="module")
def shipped():
    return PloverClassifier.load()


def test_shipped_model_loads_offline_and_predicts_valid_labels(shipped, monkeypatch):
    # no network while predicting: any socket use fails the test
    def no_net(*a, **k):
        raise AssertionError("the classifier tried to use the network")

    monkeypatch.setattr(socket, "socket", no_net)
    monkeypatch.setattr(socket, "create_connection", no_net)
    assert PloverClassifier.load() is shipped  # cached once per process
    assert shipped.path == DEFAULT_MODEL_DIR
    s1 = "Russian forces shelled the Ukrainian city of Kharkiv on Monday, killing four civilians."
    s2 = "The European Union sent 20 tonnes of medical supplies and food to Sudan."
    s3 = "The opposition accused the government of rigging the election."
    items = [TypingInput(s1, (0, 14), (27, 54)), TypingInput(s2, (0, 18), (66, 71)),
             TypingInput(s3, (0, 14), (24, 38)), TypingInput("Nothing.", None, None)]
    preds = shipped.predict(items)
    assert len(preds) == 4
    for p in preds:
        assert isinstance(p, TypingPrediction)
        assert p.root in PLOVER_ROOTS
        assert set(p.probs) == set(PLOVER_ROOTS)
        assert sum(p.probs.values()) == pytest.approx(1.0, abs=1e-4)
        assert p.probs[p.root] == max(p.probs.values())
        assert p.model == f"{shipped.meta['name']}/{shipped.meta['version']}"
    # clear cases the model must get right
    assert preds[0].root == "ASSAULT"
    assert preds[1].root == "AID"
    assert preds[2].root == "ACCUSE"
    # batching does not change the answers (probabilities move a little: int8 dynamic quantization
    # scales activations per batch)
    one = [shipped.predict([it])[0] for it in items]
    for a, b in zip(one, preds):
        assert a.root == b.root and a.probs[a.root] == pytest.approx(b.probs[b.root], abs=0.03)
    assert shipped.predict([]) == []


def test_shipped_model_meta_is_complete(shipped):
    m = shipped.meta
    assert m["labels"] == list(PLOVER_ROOTS)
    assert m["version"] and m["name"]
    cv = m["cross_validation"]
    assert cv and 0 < cv["macro_f1"] <= 1 and 0 < cv["quad_macro_f1"] <= 1
    size = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.iterdir() if f.is_file())
    assert size < 40_000_000  # small enough to ship in the wheel


# --- parse features and the run-time linear / ensemble backends (no scikit-learn needed) ----------

ACCUSE_S = "The opposition accused the government of rigging the election."


def test_parse_features_from_a_doc_or_a_sentence_span(nlp):
    f = parse_features(nlp(ACCUSE_S), (0, 14), (24, 38))
    assert set(f) == {"obj=government", "path=accuse", "prep=of", "sdep=nsubj", "tdep=dobj", "trig=accuse",
                      "trigpos=VERB"}
    assert set(f.values()) == {1.0}
    # the same sentence inside an article: the Span's char offsets are relative to the sentence
    sent = list(nlp("Talks failed. " + ACCUSE_S).sents)[1]
    assert sent.text == ACCUSE_S and parse_features(sent, (0, 14), (24, 38)) == f
    g = parse_features(nlp("Russia will not attack Ukraine."), (0, 6), (23, 30))
    assert {"trig=attack", "neg", "modal=will", "obj=ukraine"} <= set(g)
    with pytest.raises(ValueError):
        parse_features(nlp(ACCUSE_S), (0, 500), None)
    # no actors: the trigger is the sentence root
    assert "trig=accuse" in parse_features(nlp(ACCUSE_S), None, None)


def test_item_parse_features_uses_the_given_parse_and_checks_it(nlp):
    it = TypingInput(ACCUSE_S, (0, 14), (24, 38))
    sent = list(nlp("Talks failed. " + ACCUSE_S).sents)[1]
    given = TypingInput(ACCUSE_S, (0, 14), (24, 38), parse=sent)
    assert given == it  # the parse is not compared
    assert item_parse_features([it, given]) == [parse_features(sent, (0, 14), (24, 38))] * 2
    wrong = TypingInput(ACCUSE_S, (0, 14), (24, 38), parse=list(nlp("Talks failed. " + ACCUSE_S).sents)[0])
    with pytest.raises(ValueError, match="differs from the sentence"):
        item_parse_features([wrong])


LIN_LABELS = ["ACCUSE", "AGREE"]


def _write_linear(folder, coef, intercept, temperature=1.0):
    """A hand-made linear model: terms 'accused', 'met', '@ accused'; one parse feature 'trig=accuse'."""
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / "lin.npz", coef=np.array(coef, dtype=np.float32),
                        intercept=np.array(intercept, dtype=np.float32), idf=np.array([1.0, 2.0, 1.5], dtype=np.float32))
    (folder / "lin.json").write_text(json.dumps({"terms": ["accused", "met", "@ accused"], "features": ["trig=accuse"],
                                                 "classes": LIN_LABELS}), encoding="utf-8")
    return {"backend": "linear", "files": {"weights": "lin.npz", "vocabulary": "lin.json"},
            "temperature": temperature, "token_pattern": r"[@#]|\w+"}


def test_linear_backend_scores_by_hand(tmp_path):
    part = _write_linear(tmp_path, [[2.0, -1.0, 1.0, 0.5], [-1.0, 2.0, 0.0, 0.0]], [0.1, -0.1], temperature=0.5)
    b = _LinearBackend(tmp_path, part)
    text = "@ Iran @ accused # Iraq # and Iraq accused Iran"  # 'accused' twice, '@ accused' once
    z = b.scores([text, "nothing here"], [{"trig=accuse": 1.0}, {}])
    # sublinear tf: accused 1 + ln 2 (idf 1), '@ accused' 1 (idf 1.5); L2-normalised
    w_acc, w_bi = 1 + math.log(2), 1.5
    n = math.hypot(w_acc, w_bi)
    assert z[0][0] == pytest.approx(0.1 + 2 * w_acc / n + 1 * w_bi / n + 0.5, abs=1e-5)
    assert z[0][1] == pytest.approx(-0.1 - w_acc / n, abs=1e-5)
    assert z[1].tolist() == pytest.approx([0.1, -0.1], abs=1e-6)  # no known term, no feature: the intercept
    p = b.proba([text], [{"trig=accuse": 1.0}])[0]
    e = [math.exp(v / 0.5) for v in z[0]]
    assert p.tolist() == pytest.approx([e[0] / sum(e), e[1] / sum(e)], abs=1e-6)
    with pytest.raises(ValueError, match="do not fit"):
        _LinearBackend(tmp_path / "bad", _write_linear(tmp_path / "bad", [[1.0, 2.0]], [0.0]))


def test_ensemble_model_weights_its_components_and_reuses_the_parse(tmp_path, nlp):
    a = {**_write_linear(tmp_path, [[2.0, -1.0, 1.0, 0.5], [-1.0, 2.0, 0.0, 0.0]], [0.1, -0.1]),
         "route": "linear-a", "weight": 3}
    b = {**_write_linear(tmp_path / "b", [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]], [0.0, 0.0]),
         "route": "linear-b", "weight": 1}
    b["files"] = {k: "b/" + v for k, v in b["files"].items()}
    meta = {"name": "test-ensemble", "version": "0.1", "labels": LIN_LABELS, "backend": "ensemble",
            "components": [a, b]}
    (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    clf = PloverClassifier.load(tmp_path)
    assert [(n, w) for n, w, _ in clf.components] == [("linear-a", 0.75), ("linear-b", 0.25)] and clf.needs_parse
    it = TypingInput(ACCUSE_S, (0, 14), (24, 38))
    comps = clf.component_proba([it])
    assert set(comps) == {"linear-a", "linear-b"}
    # linear-b only sees the parse feature trig=accuse (+2 for AGREE): softmax(0, 2)
    assert comps["linear-b"][0].tolist() == pytest.approx([1 / (1 + math.e ** 2), 1 - 1 / (1 + math.e ** 2)], abs=1e-6)
    p = clf.predict_proba([it])[0]
    assert p.tolist() == pytest.approx((0.75 * comps["linear-a"][0] + 0.25 * comps["linear-b"][0]).tolist(), abs=1e-9)
    assert p.sum() == pytest.approx(1.0)
    # the coder's parse of the sentence inside its article gives the same answer as parsing it alone
    sent = list(nlp("Talks failed. " + ACCUSE_S).sents)[1]
    assert np.allclose(clf.predict_proba([TypingInput(ACCUSE_S, (0, 14), (24, 38), parse=sent)])[0], p)
    pred = clf.predict([it])[0]
    assert pred.model == "test-ensemble/0.1" and pred.root == LIN_LABELS[int(p.argmax())]
    # a broken ensemble is refused with its reason
    for bad, msg in [({"components": []}, "needs 'components'"),
                     ({"components": [a, {**b, "route": "linear-a"}]}, "distinct"),
                     ({"components": [a, {**b, "backend": "tflite"}]}, "unknown backend"),
                     ({"components": [{**a, "weight": 0}, {**b, "weight": 0}]}, "sum to more than 0")]:
        with pytest.raises(ValueError, match=msg):
            PloverClassifier(tmp_path, {**meta, **bad})



# --- training options (no torch needed) ------------------------------------------------------------

def test_recipe_settings_parse_and_reject_bad_keys(capsys):
    from eventwire.train import cli as train
    from eventwire.train.routes import FineTuneConfig, make_route, parse_config

    cfg = parse_config(["epochs=3", "label_smoothing=0.1", "ngec_pretrain_epochs=2"])
    assert (cfg.epochs, cfg.label_smoothing, cfg.ngec_pretrain_epochs) == (3, 0.1, 2)
    assert isinstance(cfg.epochs, int) and cfg.lr == FineTuneConfig().lr  # the others keep the recipe
    for bad in (["nope=1"], ["epochs"], ["epochs=three"]):
        with pytest.raises(ValueError):
            parse_config(bad)
    with pytest.raises(ValueError, match="takes no fine-tuning config"):
        make_route("linear-ngram", cfg)
    with pytest.raises(KeyError):
        make_route("no-such-route")
    assert train.main(["--set", "nope=1"]) == 2
    assert "bad fine-tuning setting 'nope=1'" in capsys.readouterr().err


@pytest.mark.shared
def test_calibrated_linear_parse_exports_to_the_numpy_backend(tmp_path):
    # scikit-learn (in the dev and train extras) trains the linear model; it is not a run-time dependency
    from eventwire.train.routes import LABELS, LinearParse

    plv = read_plv(shared_path("data", "events", "train", "plv_train.tsv"))
    by: dict[str, list] = {}
    for x in plv:
        by.setdefault(x.root, []).append(x)
    train_items = [x for v in by.values() for x in v[:12]]  # every label, 180 sentences
    test_items = [x.typing_input() for v in by.values() for x in v[12:14]]
    route = LinearParse(calibrate=True)
    route.fit([x.typing_input() for x in train_items], [x.root for x in train_items], 13)
    # the inner-CV temperature is inside the grid, and it does not change the argmax
    assert 0.02 <= route.temperature <= 5.0 and route.temperature != 1.0
    p = route.predict_proba(test_items)
    assert p.shape == (len(test_items), len(LABELS)) and np.allclose(p.sum(axis=1), 1.0)
    assert (p.argmax(axis=1) == route._scores(test_items).argmax(axis=1)).all()
    part = route.export(tmp_path, test_items)  # raises if the numpy backend's scores differ
    assert part["backend"] == "linear" and part["temperature"] == route.temperature
    rt = _LinearBackend(tmp_path, part)
    feats = route._feats(test_items)
    assert np.allclose(rt.proba([format_input(it) for it in test_items], feats), p, atol=1e-4)
