"""Trigger patterns of data/events/triggers.tsv (general patterns found on the PLV development half).

Every sentence here was written for this test; each asserts the CAMEO code, the PLOVER type and the
actor codes the rule must give, or that nothing is coded where nothing happened.
"""
from __future__ import annotations

import pytest

from eventwire.nlp.pipeline import annotate
from eventwire.records import Article


def events(text: str):
    art = Article(article_id="t", doc_id="t", title=None, body=text, published="2024-05-10", language="en")
    annotate([art])
    return [(e.trigger, e.cameo_code, e.plover_type, e.modality,
             [a.code for a in e.sources], [a.code for a in e.targets]) for e in art.events]


@pytest.mark.parametrize("text, expected", [
    ("Germany sent 200 soldiers to Lithuania on Monday.", ("sent", "070", "AID", ["DEU"], ["LTU"])),
    ("France upgraded its ties with Vietnam.", ("upgraded", "050", "SUPPORT", ["FRA"], ["VNM"])),
    ("The Iranian president phoned the Turkish president on Sunday.",
     ("phoned", "041", "CONSULT", ["IRNGOV"], ["TURGOV"])),
    ("Japan's prime minister travelled to Australia.", ("travelled", "042", "CONSULT", ["JPNGOV"], ["AUS"])),
    ("Canada pledged support for Ukraine.", ("pledged", "051", "SUPPORT", ["CAN"], ["UKR"])),
    ("Argentina spurned an offer from Britain.", ("spurned", "120", "REJECT", ["ARG"], ["GBR"])),
    ("Poland turned down a request from Belarus.", ("turned", "120", "REJECT", ["POL"], ["BLR"])),
    ("The Netherlands returned the artifacts to Indonesia.", ("returned", "0842", "RETREAT", ["NLD"], ["IDN"])),
    ("Israeli troops opened fire on Palestinian protesters.", ("opened", "190", "ASSAULT", ["ISRMIL"], ["PSEOPP"])),
    ("France expelled diplomats from Russia on Monday.", ("expelled", "166", "SANCTION", ["FRA"], ["RUS"])),
    ("France expelled two Russian diplomats from Paris.", ("expelled", "166", "SANCTION", ["FRA"], ["RUSGOV"])),
])
def test_general_trigger_patterns(text, expected):
    trigger, cameo, plover, sources, targets = expected
    found = events(text)
    assert (trigger, cameo, plover, "asserted", sources, targets) in found, found


def test_nothing_is_coded_inside_what_someone_is_accused_of():
    found = events("Police arrested an opposition leader accused of attacking the Interior Ministry.")
    assert [f[0] for f in found] == ["arrested"]
    assert found[0][1] == "173"


def test_insisting_that_one_will_act_is_not_a_demand():
    assert events("Iran insisted that it will continue enrichment.") == []


def test_support_as_a_noun_is_not_coded_without_a_light_verb():
    # "support" as a noun needs a verb that gives it (pledge, voice, express...): a mention is not an event
    assert events("Support for Ukraine was the topic of the conference.") == []


def test_petrarch_verb_dictionary_as_user_triggers(tmp_path, monkeypatch):
    # issue 18: a PETRARCH verb dictionary loads through EVENTWIRE_TRIGGERS as petrarch-verbs:FILE
    # (a tiny one written here, in PETRARCH's format)
    from eventwire.events.patterns import PatternError, check_triggers, trigger_specs, with_user_triggers

    f = tmp_path / "verbs.txt"
    f.write_text("--- UPBRAID [111] ---\nUPBRAID\nCASTIGATE\n- * OVER &ISSUE [112]\n\n&ISSUE\n+POLICY\n+PLAN\n",
                 encoding="utf-8")
    mine = tmp_path / "mine.tsv"
    mine.write_text("scold\tV\t-\t111\tobj\t0.8\n", encoding="utf-8")
    value = f"petrarch-verbs:{f}:{mine}"
    assert trigger_specs(value) == (f"petrarch-verbs:{f}", str(mine))
    d = with_user_triggers(trigger_specs(value))
    assert {p.cameo for p in d.get("upbraid", "V")} >= {"111", "112"}
    assert [p.cameo for p in d.get("castigate", "V")][-1] == "111"
    assert d.get("scold", "V")[0].cameo == "111" and d.get("meet", "V")  # the built-in ones stay
    monkeypatch.setenv("EVENTWIRE_TRIGGERS", value)
    assert check_triggers() == 2 * 3 + 1  # two verbs x (the block code + "over policy" + "over plan"), and mine
    with pytest.raises(PatternError, match="no such PETRARCH verb dictionary"):
        with_user_triggers((f"petrarch-verbs:{tmp_path / 'missing.txt'}",))
