"""Modality rules for negating, doubting, obliging and hedging matrix predicates (events/modality.py).

Every rule is checked on sentences written for it: the modality of the embedded event, that no
``asserted`` event is stored for it, and that the plain asserted sentence it resembles stays asserted.
"""
from __future__ import annotations

import pytest

from eventwire.nlp.pipeline import annotate
from eventwire.records import Article


def code(text: str, published: str | None = "2024-03-04") -> Article:
    art = Article(article_id="t", doc_id="t", title=None, body=text, published=published, language="en")
    annotate([art], None)
    return art


def on(art: Article, trigger: str):
    evs = [e for e in art.events if e.trigger.lower() == trigger.lower()]
    assert evs, f"no event on {trigger!r}: {[(e.trigger, e.cameo_code, e.modality) for e in art.events]}"
    return evs[0]


def assert_not_asserted(art: Article, trigger: str | None = None) -> None:
    """No asserted event in ``art`` (on ``trigger`` only, when given)."""
    bad = [(e.trigger, e.cameo_code, e.modality) for e in art.events
           if e.modality == "asserted" and (trigger is None or e.trigger.lower() == trigger.lower())]
    assert not bad, f"asserted events in {art.body!r}: {bad}"


# -- negation: the matrix predicate says the event did not happen ----------------------------------

@pytest.mark.parametrize("text,trigger", [
    ("It is false that Serbia attacked Kosovo.", "attacked"),          # false/untrue that ...
    ("It is untrue that Serbia invaded Albania.", "invaded"),
    ("It is not true that Serbia attacked Kosovo.", "attacked"),
    ("Serbia refrained from attacking Kosovo.", "attacking"),            # refrain/abstain from
    ("Serbia withdrew its troops without attacking Kosovo.", "attacking"),  # without
    ("Police prevented Serbia from attacking Kosovo.", "attacking"),   # prevent ... from
    ("Serbia has yet to sign the agreement with Kosovo.", "sign"),     # yet to
    ("Serbia is yet to meet Kosovo.", "meet"),
    ("Serbia failed to sign the agreement with Kosovo.", "sign"),      # fail to
    ("Serbia avoided attacking Kosovo.", "attacking"),                 # avoid
    ("No one believes Serbia attacked Kosovo.", "attacked"),           # a negated belief/report
    ("Nobody thinks Serbia attacked Kosovo.", "attacked"),
    ("Officials did not say that Serbia attacked Kosovo.", "attacked"),
    ("Rumors that Serbia invaded Kosovo were false.", "invaded"),      # report nouns declared false
    ("Claims that Serbia attacked Kosovo are baseless.", "attacked"),
    ("Belgrade rejected claims that Serbia attacked Kosovo.", "attacked"),  # ... or denied
    ("Serbia denied that Albania attacked Kosovo.", "attacked"),       # the denial is about the embedded event
])
def test_negating_predicates_give_negation(text, trigger):
    art = code(text)
    ev = on(art, trigger)
    assert ev.modality == "negation", (ev.modality, ev.coder)
    assert_not_asserted(art, trigger if "withdrew" in text else None)  # (the withdrawal did happen)


def test_stop_short_of_and_negated_subjects_store_nothing_asserted():
    for text in ("Serbia stopped short of attacking Kosovo.", "No country attacked Kosovo.",
                 "Serbia sent no troops to Kosovo."):
        assert_not_asserted(code(text))


# -- hypothetical: doubted, unlikely, hearsay, owed --------------------------------------------------

@pytest.mark.parametrize("text,trigger", [
    ("Serbia is unlikely to attack Kosovo.", "attack"),                # unlikely/likely/possible
    ("It is unlikely that Serbia will attack Kosovo.", "attack"),
    ("Serbia is likely to attack Kosovo.", "attack"),
    ("Analysts doubt that Serbia attacked Kosovo.", "attacked"),       # doubt that
    ("Rumours that Serbia attacked Kosovo spread on Monday.", "attacked"),  # hearsay nouns
    ("There were unconfirmed reports that Serbia attacked Kosovo.", "attacked"),
    ("Unconfirmed reports said that Serbia attacked Kosovo.", "attacked"),
    ("Serbia ought to withdraw from Kosovo.", "withdraw"),             # obligation
    ("Serbia has to withdraw from Kosovo.", "withdraw"),
    ("Serbia is obliged to withdraw from Kosovo.", "withdraw"),
    ("Serbia needs to withdraw from Kosovo.", "withdraw"),
    ("Serbia should attack Kosovo.", "attack"),                        # should/must (modal auxiliaries)
    ("Serbia must withdraw from Kosovo.", "withdraw"),
])
def test_doubting_and_obliging_predicates_give_hypothetical(text, trigger):
    art = code(text)
    ev = on(art, trigger)
    assert ev.modality == "hypothetical", (ev.modality, ev.coder)
    assert_not_asserted(art)


# -- hedges: kept asserted, recorded -------------------------------------------------------------------

@pytest.mark.parametrize("text,trigger,word", [
    ("Serbia allegedly attacked Kosovo police on Friday.", "attacked", "allegedly"),
    ("Serbia reportedly attacked Kosovo on Friday.", "attacked", "reportedly"),
    ("The alleged attack by Serbia on Kosovo killed two people.", "attack", "alleged"),
    ("Kosovo alleged that Serbia attacked Albania.", "attacked", "alleged"),
    ("Kosovo repeated its claim that Serbia attacked Albania.", "attacked", "claim"),
])
def test_hedges_stay_asserted_with_the_hedge_recorded(text, trigger, word):
    art = code(text)
    ev = on(art, trigger)
    assert ev.modality == "asserted"
    assert f";hedge={word}" in ev.coder, ev.coder
    plain = on(code(text.replace(word + " ", "").replace("allegedly ", "")), trigger) if word in (
        "allegedly", "reportedly") else None
    if plain is not None:  # the same sentence without the hedge: no hedge, a higher confidence
        assert ";hedge=" not in plain.coder and plain.confidence > ev.confidence


# -- no over-correction ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,trigger", [
    ("Serbia attacked Kosovo on Friday.", "attacked"),
    ("It is true that Serbia attacked Kosovo.", "attacked"),
    ("Serbia was wrong to attack Kosovo.", "attack"),
    ("Serbia had to withdraw from Kosovo.", "withdraw"),
    ("Serbia attacked Kosovo without warning.", "attacked"),
    ("Serbia, which has yet to recognise Kosovo, attacked Albania.", "attacked"),
    ("Serbia attacked Kosovo after refraining from it for years.", "attacked"),
    ("The Serbian president said Serbia attacked Kosovo.", "attacked"),
    ("Officials did not say when Serbia attacked Kosovo.", "attacked"),
    ("Serbia attacked Kosovo, Asian News International reported.", "attacked"),
])
def test_plain_reports_stay_asserted(text, trigger):
    ev = on(code(text), trigger)
    assert ev.modality == "asserted", (ev.modality, ev.coder)
    assert ";hedge=" not in ev.coder


def test_the_denier_is_not_negated_only_the_denied_event():
    art = code("Serbia denied that Albania attacked Kosovo, and Serbia condemned Albania.")
    assert on(art, "attacked").modality == "negation"
    assert on(art, "condemned").modality == "asserted"


# -- speech verbs are never typed by the classifier -------------------------------------------------

class _RejectEverything:
    """A stand-in classifier: REJECT with p=0.99 for every input (``model`` ``fake-reject``)."""

    def predict(self, inputs):
        from types import SimpleNamespace
        return [SimpleNamespace(root="REJECT", probs={"REJECT": 0.99}, model="fake-reject") for _ in inputs]


def _code_with(clf, text: str) -> Article:
    from eventwire.events import event_typing as ty
    from eventwire.events.coder import EventCoder
    from eventwire.nlp.pipeline import fill_from_doc, load_nlp

    ty.set_classifier(clf)
    try:
        art = Article(article_id="x", doc_id="x", title=None, body=text, published="2024-03-04")
        doc = load_nlp()(text)
        fill_from_doc(art, doc)
        EventCoder(use_classifier=True).code(art, doc)
        return art
    finally:
        ty._STATUS.update(loaded=None, reason="")


def test_a_speech_verb_is_never_an_event_typed_by_the_classifier(monkeypatch):
    from eventwire.events import event_typing as ty

    art = _code_with(_RejectEverything(), "Hungary should not veto aid to Ukraine, the Czech prime minister said.")
    said = on(art, "said")
    # the dictionary's appeal stands (the speaker asks Hungary not to veto): not a REJECT by the speaker,
    # and not an appeal *for aid* (what is asked is negated)
    assert (said.cameo_code, said.decided_by, said.modality) == ("020", "dictionary", "asserted")
    assert [a.code for a in said.sources] == ["CZEGOV"] and [a.code for a in said.targets] == ["HUN"]
    assert all(e.trigger != "veto" or e.modality != "asserted" for e in art.events)
    # the same stand-in still overrides a weak rule on an ordinary verb: the guard is about speech verbs
    monkeypatch.setattr(ty, "WEAK_RULE", 0.99)
    met = on(_code_with(_RejectEverything(), "Kenya met Somalia."), "met")
    assert (met.cameo_code, met.decided_by) == ("120", "classifier")
    told = _code_with(_RejectEverything(), "Kenya told Somalia about the border.")
    assert all(e.decided_by != "classifier" for e in told.events), [(e.trigger, e.cameo_code) for e in told.events]


def test_a_demand_not_to_act_is_the_family_base_code():
    said = on(code("The Czech prime minister said Hungary must not block aid to Ukraine."), "said")
    assert said.cameo_code == "100" and "content-negated" in said.coder
    assert on(code("Hungary should send aid to Ukraine, the Czech prime minister said."), "said").cameo_code == "023"


# -- tense-aware event dates ------------------------------------------------------------------------

MONDAY = "2024-03-04"  # a Monday: the previous Friday is 2024-03-01, the next one 2024-03-08


@pytest.mark.parametrize("text,trigger,expected", [
    ("Serbia is due to meet Kosovo on Friday.", "meet", "2024-03-08"),        # due to
    ("Serbia will meet Kosovo on Friday.", "meet", "2024-03-08"),             # will
    ("Serbia plans to meet Kosovo on Friday.", "meet", "2024-03-08"),         # plans to
    ("Serbia is scheduled to meet Kosovo on Friday.", "meet", "2024-03-08"),  # scheduled
    ("Serbia is set to sign the agreement with Kosovo on Friday.", "sign", "2024-03-08"),
    ("Serbia wants to meet Kosovo on Friday.", "meet", "2024-03-08"),
    ("The meeting between Serbia and Kosovo planned for Friday was welcomed.", "meeting", "2024-03-08"),
    ("Serbia met Kosovo on Friday.", "met", "2024-03-01"),                    # past: backwards
    ("Serbia attacked Kosovo on Friday.", "attacked", "2024-03-01"),
    ("Serbia was scheduled to meet Kosovo on Friday.", "meet", "2024-03-01"),  # a plan told in the past
    ("Serbia will meet Kosovo next Friday.", "meet", "2024-03-08"),
    ("Serbia met Kosovo last Friday.", "met", "2024-03-01"),
])
def test_bare_weekdays_follow_the_event_tense(text, trigger, expected):
    ev = on(code(text, published=MONDAY), trigger)
    assert (ev.date, ev.date_granularity) == (expected, "day")


def test_the_time_expression_itself_resolves_forward_in_a_planned_clause():
    art = code("Serbia is due to meet Kosovo on Friday.", published=MONDAY)
    assert [(t.text, t.value) for t in art.times] == [("Friday", "2024-03-08")]


def test_the_event_modality_corrects_a_weekday_the_clause_tense_missed():
    from eventwire.context.annotate import _tense_aware_weekday
    from eventwire.records import Event, TimeExpr
    from datetime import date

    te = TimeExpr(0, 6, "Friday", "2024-03-01", "day", None, None, MONDAY, "weekday: latest one on/before the anchor")
    ev = Event(sent_idx=0, sentence_start=0, sentence_end=10, trigger="meet", trigger_start=0, trigger_end=4,
               modality="future")
    assert _tense_aware_weekday(ev, te, date(2024, 3, 4)) == "2024-03-08"
    assert _tense_aware_weekday(ev, te, date(2024, 3, 4), "past") is None  # "was scheduled to meet on Friday"
    ev.modality = "asserted"
    assert _tense_aware_weekday(ev, te, date(2024, 3, 4)) is None  # a past Friday for a past event stays
    fut = TimeExpr(0, 6, "Friday", "2024-03-08", "day", None, None, MONDAY, "weekday in a future-tense clause")
    assert _tense_aware_weekday(ev, fut, date(2024, 3, 4)) == "2024-03-01"  # an asserted event has happened
    last = TimeExpr(0, 11, "last Friday", "2024-03-01", "day", None, None, MONDAY, "last <weekday>")
    ev.modality = "future"
    assert _tense_aware_weekday(ev, last, date(2024, 3, 4)) is None  # "last Friday" says its direction
