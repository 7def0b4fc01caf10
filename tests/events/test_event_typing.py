"""Typing: the codebook, and the combination of dictionary and classifier (with a fake classifier)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from eventwire.events import event_typing as ty
from eventwire.events.codebook import codebook
from eventwire.events.coder import EventCoder
from eventwire.nlp.pipeline import fill_from_doc
from eventwire.records import Article


def test_codebook_facts():
    cb = codebook()
    assert len(cb.cameo) == 316
    c = cb.get("0256")
    assert (c.base, c.root, c.plover_type, c.quad_class, c.goldstein) == ("025", "02", "REQUEST", 1, -0.3)
    assert cb.get("190").plover_type == "ASSAULT" and cb.get("190").goldstein == -10.0
    assert cb.get("163").plover_type == "COERCE"  # CAMEO2PLOVER: sanctions are COERCE/restrict
    assert cb.get("0841").plover_type == "RETREAT" and cb.get("0841").plover_mode == "release"
    assert cb.get("083").plover_type == "CONCEDE"
    assert cb.get("010").plover_type == ""  # statements have no PLOVER type
    assert cb.get("057").name == "Sign formal agreement"
    with pytest.raises(KeyError):
        cb.get("999")
    assert cb.plover["ASSAULT"]["quad"] == 4 and "crowd-control" in cb.plover["ASSAULT"]["modes"]


@dataclass
class Pred:
    root: str
    probs: dict
    model: str = "fake-1"


@pytest.mark.parametrize("dict_code,dict_plover,conf,pred,expect", [
    ("040", "CONSULT", 0.8, None, ("040", "dictionary", 0.8)),
    ("040", "CONSULT", 0.8, Pred("CONSULT", {"CONSULT": 0.9}), ("040", "both", 0.98)),
    ("0841", "RETREAT", 0.7, Pred("YIELD", {"YIELD": 0.6}), ("0841", "both", 0.88)),
    ("051", "SUPPORT", 0.6, Pred("ACCUSE", {"ACCUSE": 0.95, "SUPPORT": 0.02}), ("112", "classifier", 0.855)),
    ("051", "SUPPORT", 0.9, Pred("ACCUSE", {"ACCUSE": 0.95, "SUPPORT": 0.02}), ("051", "dictionary", 0.459)),
    (None, None, 0.0, Pred("ASSAULT", {"ASSAULT": 0.9}), ("190", "classifier", 0.72)),
    (None, None, 0.0, Pred("ASSAULT", {"ASSAULT": 0.5}), (None, "", 0.0)),
])
def test_combine(dict_code, dict_plover, conf, pred, expect):
    d = ty.combine(dict_code, dict_plover, conf, pred)
    assert (d.cameo, d.decided_by, d.confidence) == expect


class FakeClassifier:
    """Says ACCUSE with p=0.97 for every input; records how it was called."""

    def __init__(self):
        self.calls = []

    def predict(self, inputs):
        self.calls.append(list(inputs))
        return [Pred("ACCUSE", {"ACCUSE": 0.97, "CONSULT": 0.01, "REQUEST": 0.01}) for _ in inputs]


def _code(text, nlp, clf):
    ty.set_classifier(clf, reason="test: no classifier")
    try:
        art = Article(article_id="x", doc_id="x", title=None, body=text, published="2024-01-01")
        doc = nlp(text)
        fill_from_doc(art, doc)
        EventCoder(use_classifier=True).code(art, doc)
        return art
    finally:
        ty._STATUS.update(loaded=None, reason="")


def test_coder_asks_the_classifier_once_per_article_only_where_it_can_change_the_outcome(nlp, monkeypatch):
    text = "Kenya met Somalia. Uganda praised Kenya. Sudan thanked Egypt."
    clf = FakeClassifier()
    art = _code(text, nlp, clf)
    assert clf.calls == []  # strong dictionary rules are not sent to the classifier
    assert {e.decided_by for e in art.events} == {"dictionary"} and len(art.events) == 3
    monkeypatch.setattr(ty, "WEAK_RULE", 0.99)  # every rule weak: all three candidates are asked, in one batch
    clf = FakeClassifier()
    art = _code(text, nlp, clf)
    assert len(clf.calls) == 1 and len(clf.calls[0]) == 3
    inp = clf.calls[0][0]
    s, e = inp.trigger
    assert inp.sentence[s:e] == "met"
    assert inp.sentence[inp.source[0]:inp.source[1]] == "Kenya" and inp.sentence[inp.target[0]:inp.target[1]] == "Somalia"
    by = {e.trigger: e for e in art.events}
    assert by["met"].decided_by == "classifier" and by["met"].cameo_code == "112"  # weak rule overridden (p 0.97)
    assert "fake-1(ACCUSE:0.97)" in by["met"].coder
    # each input carries the coder's own parse of its sentence (a model with parse features reuses it)
    for it in clf.calls[0]:
        assert it.parse is not None and it.parse.text == it.sentence
    assert [it.parse.start_char for it in clf.calls[0]] == [0, text.index("Uganda"), text.index("Sudan")]


def test_negated_candidate_keeps_the_dictionary_code():
    d = ty.combine("166", "SANCTION", 0.5, Pred("REJECT", {"REJECT": 0.95}), modality="negation")
    assert (d.cameo, d.decided_by) == ("166", "dictionary")
    assert ty.combine("166", "SANCTION", 0.5, Pred("REJECT", {"REJECT": 0.95})).cameo == "120"


def test_coder_without_classifier_records_the_reason(nlp, monkeypatch):
    art = _code("Kenya met Somalia.", nlp, None)
    assert [e.decided_by for e in art.events] == ["dictionary"]
    assert art.warnings == []  # a strong rule did not need the classifier: nothing is missing
    monkeypatch.setattr(ty, "WEAK_RULE", 0.99)
    art = _code("Kenya met Somalia.", nlp, None)
    assert [e.decided_by for e in art.events] == ["dictionary"]
    assert any("dictionary only (test: no classifier)" in w for w in art.warnings)


def test_missing_classifier_module_degrades(monkeypatch):
    import builtins

    real = builtins.__import__

    def fake_import(name, *a, **k):
        if name == "eventwire.events.classifier":
            raise ModuleNotFoundError("No module named 'eventwire.events.classifier'")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    ty._STATUS.update(loaded=None, reason="")
    try:
        assert ty.load_classifier() is None
        assert "classifier module not available" in ty.classifier_status()
    finally:
        ty._STATUS.update(loaded=None, reason="")
