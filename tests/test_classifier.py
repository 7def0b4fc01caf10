"""The PLOVER root classifier: input format, CV splitter, the shipped model (loads offline, valid labels)."""
from __future__ import annotations

import socket

import pytest

from eventwire.events.classifier import (DEFAULT_MODEL_DIR, PLOVER_ROOTS, ROOT_QUAD_CLASS, PloverClassifier,
                                         TypingInput, TypingPrediction, format_input, plv_root, quad_class)
from eventwire.events.train import PlvItem, cv_folds, lede, read_ngec, read_plv, stratified_folds
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
