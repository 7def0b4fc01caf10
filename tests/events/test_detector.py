"""The learned event detector (events/detector.py) and its training (train/detector.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from eventwire.events import detector as ew_detector
from eventwire.events.detector import NONE, Detector, candidate_pairs, char_span, sentence_mentions, trigger_token


@pytest.fixture(scope="module")
def parsed(nlp):
    from eventwire.actors.dictionary import dictionary_from_env
    from eventwire.actors.resolver import ArticleActors

    doc = nlp("Iranian Foreign Minister Mohammad Javad Zarif slammed the United Nations over Yemen.")
    return doc, ArticleActors(doc, dictionary_from_env(), None, [])


def test_mentions_and_candidates_of_a_sentence(parsed):
    doc, aa = parsed
    sent = next(doc.sents)
    ms = sentence_mentions(sent, aa)
    spans = [char_span(sent, r) for r in ms]
    texts = [sent.text[s:e] for s, e in spans]
    assert texts[0].endswith("Zarif") and "United Nations" in texts[1] and texts[2] == "Yemen"
    pairs = candidate_pairs(ms)
    # 3 actors: 6 ordered pairs (both directions) and 3 source-only candidates
    assert len(pairs) == 9 and (ms[0], ms[1]) in pairs and (ms[1], ms[0]) in pairs
    assert [p for p in pairs if p[1] is None] == [(m, None) for m in ms]
    assert trigger_token(sent, ms[0], ms[1]).lemma_ == "slam"


def _tiny_model(tmp_path, threshold=0.5):
    from eventwire.train.detector import LABELS, LinearDetector

    rows = []
    for i, lab in enumerate(LABELS):
        for k in range(3):
            rows.append({"text": f"@ a @ {lab.lower()} word{k} # b #", "feats": {f"trig={lab.lower()}": 1.0},
                         "label": lab, "sid": str(i)})
    model = LinearDetector(4.0).fit(rows)
    meta = model.export(tmp_path, threshold, {})
    return model, rows, meta


def test_exported_model_gives_the_trained_probabilities(tmp_path):
    from eventwire.train.detector import LABELS

    model, rows, meta = _tiny_model(tmp_path)
    det = Detector.load(tmp_path)
    assert det.threshold == 0.5 and det.model_id == "event-detector-linear/1.0.0"
    got = det.backend.proba([r["text"] for r in rows], [r["feats"] for r in rows])
    want = model.proba(rows)[:, [LABELS.index(c) for c in det.backend.classes]]
    assert np.abs(got - want).max() < 1e-4
    assert sorted(det.backend.classes) == sorted(LABELS)


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="detector.json"):
        Detector.load(tmp_path)
    _tiny_model(tmp_path)
    voc = json.loads((tmp_path / "detector_vocab.json").read_text())
    voc["classes"] = ["ACCUSE"] * len(voc["classes"])
    (tmp_path / "detector_vocab.json").write_text(json.dumps(voc))
    with pytest.raises(ValueError, match="PLOVER roots"):
        Detector.load(tmp_path)


class _Always:
    """A stand-in detector: every candidate has p_event 0.9, own root ACCUSE."""

    model_id = "test/0"
    threshold = 0.5
    meta: dict = {}

    def score(self, items):
        return np.full(len(items), 0.9), ["ACCUSE"] * len(items)


def test_coder_adds_a_detector_event_only_where_the_rules_found_nothing(nlp):
    from eventwire.events.coder import EventCoder
    from eventwire.events import event_typing
    from eventwire.records import Article

    text = "Iran upbraided the United Nations. Iran accused Israel of the attack."
    art = Article(article_id="a", doc_id="a", title=None, body=text, language="en")
    doc = nlp(text)
    event_typing.set_classifier(None, "off for the test")
    try:
        ew_detector.set_detector(None)
        rules = EventCoder(use_classifier=False).code(art, doc)
        assert [e.decided_by for e in rules] == ["dictionary"] and rules[0].sent_idx == 1
        ew_detector.set_detector(_Always())
        evs = EventCoder(use_classifier=False).code(art, doc)
    finally:
        ew_detector.set_detector(None)
        event_typing.set_classifier(None, "")
        event_typing._STATUS["loaded"] = None
        ew_detector._STATE["loaded"] = None
    det = [e for e in evs if e.decided_by == "detector"]
    assert len(det) == 1 and det[0].sent_idx == 0  # the second sentence has the rules' event
    e = det[0]
    assert (e.plover_type, e.cameo_code, e.modality) == ("ACCUSE", "112", "asserted")
    assert e.sources[0].country == "IRN" and e.targets[0].code == "IGOUNO"
    assert e.trigger == "upbraided" and e.coder.startswith("eventwire-detector/1 + test/0(p_event 0.90)")
    assert e.confidence == 0.9


def test_recorder_collects_candidates_instead_of_deciding(nlp):
    from eventwire.events.coder import EventCoder
    from eventwire.records import Article

    text = "Iran upbraided the United Nations."
    art = Article(article_id="r", doc_id="r", title=None, body=text, language="en")
    ew_detector.RECORDER = []
    try:
        ew_detector.set_detector(_Always())
        evs = EventCoder(use_classifier=False).code(art, nlp(text))
        rec = ew_detector.RECORDER
    finally:
        ew_detector.RECORDER = None
        ew_detector.set_detector(None)
        ew_detector._STATE["loaded"] = None
    assert evs == []
    assert len(rec) == 4  # IRN -> UN, UN -> IRN, IRN alone, UN alone
    assert rec[0]["text"] == "@ Iran @ upbraided the # United Nations #." and rec[0]["rules"] == 0
    assert rec[0]["feats"]["trig=upbraid"] == 1.0


def test_end_to_end_simulation_counts_rule_and_detector_events():
    from eventwire.evaluate.datasets import PlvItem
    from eventwire.train.detector import Sentence, end_to_end

    g1 = PlvItem("1", "x", [(0, 1)], [(2, 3)], "ACCUSE", 3)
    g2 = PlvItem("2", "y", [(0, 1)], [(2, 3)], "AGREE", 1)
    sents = [Sentence("1", "x", [g1], 0, 0, [False]), Sentence("2", "y", [g2], 1, 1, [True])]
    cands = [{"sid": "1", "sent_idx": 0, "rules": 0, "label": "ACCUSE"},
             {"sid": "1", "sent_idx": 0, "rules": 0, "label": NONE},
             {"sid": "2", "sent_idx": 0, "rules": 1, "label": "AGREE"}]
    p = np.array([0.8, 0.3, 0.99])
    r = end_to_end(sents, cands, p, ["ACCUSE", "ACCUSE", "AGREE"], 0.5)
    # sentence 1: the detector's ACCUSE candidate is kept and right; sentence 2: the rules' event
    assert (r["recall"], r["precision"], r["events"]) == (1.0, 1.0, 2)
    r = end_to_end(sents, cands, p, ["ACCUSE", "ACCUSE", "AGREE"], 0.9)
    assert (r["recall"], r["precision"], r["events"]) == (0.5, 1.0, 1)
    r = end_to_end(sents, cands, p, ["REJECT", "ACCUSE", "AGREE"], 0.5)  # wrong root: an unmatched event
    assert (r["recall"], r["precision"], r["events"]) == (0.5, 0.5, 2)


def test_trigger_filter_and_passive_subjects(nlp):
    from eventwire.actors.dictionary import dictionary_from_env
    from eventwire.actors.resolver import ArticleActors
    from eventwire.events.detector import trigger_ok

    assert trigger_ok("upbraid", "VERB") and trigger_ok("kill", "VERB")
    assert not trigger_ok("consider", "VERB") and not trigger_ok("say", "VERB") and not trigger_ok("be", "AUX")
    assert not trigger_ok("come", "VERB") and not trigger_ok("strike", "NOUN")
    doc = nlp("Haniyeh was killed by Israel.")
    aa = ArticleActors(doc, dictionary_from_env(), None, [])
    ms = sentence_mentions(next(doc.sents), aa)
    assert [doc[m.start:m.end].text for m in ms][-1] == "Israel"
    pairs = candidate_pairs(ms, [], doc)
    # the passive subject is never a source: only "Israel" is
    assert {doc[s.start:s.end].text for s, _ in pairs} == {"Israel"}


class _Clf:
    """A stand-in classifier answering ``root`` for every input."""

    def __init__(self, root):
        self.root = root

    def predict(self, items):
        from eventwire.events.classifier import TypingPrediction

        return [TypingPrediction(self.root, {self.root: 0.8}, "clf/0") for _ in items]


@pytest.mark.parametrize("clf_root, kept", [("ACCUSE", True), ("AGREE", False)])
def test_detector_event_needs_the_classifier_to_agree(nlp, clf_root, kept):
    from eventwire.events import event_typing
    from eventwire.events.coder import EventCoder
    from eventwire.records import Article

    text = "Iran upbraided the United Nations."
    art = Article(article_id="c", doc_id="c", title=None, body=text, language="en")
    event_typing.set_classifier(_Clf(clf_root))
    ew_detector.set_detector(_Always())
    try:
        evs = EventCoder(link_candidates=False).code(art, nlp(text))
    finally:
        ew_detector.set_detector(None)
        ew_detector._STATE["loaded"] = None
        event_typing.set_classifier(None, "")
        event_typing._STATUS["loaded"] = None
    det = [e for e in evs if e.decided_by == "detector"]
    assert len(det) == int(kept)
    if kept:
        assert det[0].plover_type == "ACCUSE" and det[0].confidence == round(0.9 * 0.8, 3)
        assert det[0].coder.endswith("+ clf/0(ACCUSE:0.80)")


def test_covered_by_a_rule_event_in_either_direction():
    from eventwire.events.detector import covered

    rule = [([(0, 4)], [(20, 26)])]  # a rule event: source chars 0-4, target 20-26
    assert covered((0, 4), (20, 26), rule) and covered((21, 25), (0, 3), rule)  # same two actors, either way
    assert covered((0, 4), None, rule)  # a source-only candidate of one of its actors
    assert not covered((0, 4), (30, 35), rule) and not covered((8, 12), (20, 26), rule)
    assert not covered((0, 4), (20, 26), [])


def test_end_to_end_simulation_in_sentences_with_rule_candidates():
    from eventwire.evaluate.datasets import PlvItem
    from eventwire.train.detector import Sentence, end_to_end

    g = PlvItem("1", "x", [(0, 1)], [(2, 3)], "ACCUSE", 3)
    sents = [Sentence("1", "x", [g], 1, 0, [False])]  # one rule event, not the gold one
    cands = [{"sid": "1", "sent_idx": 0, "rules": 1, "covered": False, "label": "ACCUSE"},
             {"sid": "1", "sent_idx": 0, "rules": 1, "covered": True, "label": "ACCUSE"}]
    p = np.array([0.7, 0.99])
    off = end_to_end(sents, cands, p, ["ACCUSE", "ACCUSE"], 0.5)
    assert (off["recall"], off["events"]) == (0.0, 1)
    on = end_to_end(sents, cands, p, ["ACCUSE", "ACCUSE"], 0.5, with_rules=0.6)
    assert (on["recall"], on["precision"], on["events"]) == (1.0, 0.5, 2)  # the uncovered candidate only
    assert end_to_end(sents, cands, p, ["ACCUSE", "ACCUSE"], 0.5, with_rules=0.8)["events"] == 1


def test_sentences_with_a_rule_event_only_with_a_threshold_for_them(nlp):
    from eventwire.events.coder import EventCoder
    from eventwire.records import Article

    text = "Iran accused Israel of the attack and upbraided the United Nations."
    got = {}
    for meta in ({}, {"threshold_with_rules": 0.5}):
        det = _Always()
        det.meta = meta
        ew_detector.set_detector(det)
        try:
            art = Article(article_id="w", doc_id="w", title=None, body=text, language="en")
            got[bool(meta)] = EventCoder(use_classifier=False).code(art, nlp(text))
        finally:
            ew_detector.set_detector(None)
            ew_detector._STATE["loaded"] = None
    assert [e.decided_by for e in got[False]] == ["dictionary"]
    extra = [e for e in got[True] if e.decided_by == "detector"]
    assert len(extra) == 1 and len(got[True]) == 2
    # not the rule event's two actors again
    actors = {a.code for a in extra[0].sources + extra[0].targets}
    assert actors != {"IRN", "ISR"} and "IGOUNO" in actors
