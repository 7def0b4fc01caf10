"""Coder rules of round four: actor nouns with a country modifier, mediated talks, missile launches
toward a country, places named through "the <country> city of X", solidarity and asylum patterns.

Every sentence here was written for this test; each asserts the CAMEO code and the actor codes the
rule must give, or that nothing is coded where nothing happened.
"""
from __future__ import annotations

import pytest

from eventwire.nlp.pipeline import annotate
from eventwire.records import Article


def events(text: str):
    art = Article(article_id="t", doc_id="t", title=None, body=text, published="2024-05-10", language="en")
    annotate([art])
    return [(e.trigger, e.cameo_code, e.modality, [a.code for a in e.sources], [a.code for a in e.targets])
            for e in art.events]


# -- rule 1: a noun naming people, firms, reporters or craft, with a country or outlet modifier, is an actor

@pytest.mark.parametrize("text, expected", [
    ("The United States imposed sanctions on Iranian oil exporters.", ("imposed", "163", ["USA"], ["IRNBUS"])),
    ("Britain imposed sanctions on Russian arms manufacturers.", ("imposed", "163", ["GBR"], ["RUSBUS"])),
    ("An Israeli tank crew killed a Reuters reporter in Lebanon in October.", ("killed", "190", ["ISRMIL"], ["GBRMED"])),
    ("Police in Iran arrested a French journalist.", ("arrested", "173", ["IRNCOP"], ["FRAMED"])),
    ("Chinese fishing boats rammed a Philippine vessel near the shoal.", ("rammed", "190", ["CHN"], ["PHL"])),
])
def test_modified_actor_nouns(text, expected):
    trigger, cameo, sources, targets = expected
    found = events(text)
    assert (trigger, cameo, "asserted", sources, targets) in found, found


@pytest.mark.parametrize("text", [
    "Iranian oil exports rose in March.",
    "France criticised the Iranian economy.",
    "The sanctions hurt the Iranian economy.",
    "A reporter killed time in the lobby.",
])
def test_modified_non_actor_nouns_stay_uncoded(text):
    assert events(text) == []
