"""The duplicate and story rules on generated copies: small edits are found, distinct stories are not."""
from __future__ import annotations

import itertools
import random

import pytest

from eventwire.corpus import dedup, stories
from eventwire.corpus.text import anchors, shingles, words
from tests import corpus_gen

GEN = corpus_gen.build()
BY_NAME = {g.name: g for g in GEN}


def sh(text: str) -> set[bytes]:
    return set(shingles(words(text)))


def anc(text: str) -> dict[str, int]:
    return dict(anchors(text))


def edit(text: str, n: int, rng: random.Random) -> str:
    """``n`` random word substitutions."""
    ws = text.split(" ")
    for _ in range(n):
        ws[rng.randrange(len(ws))] = rng.choice(["alpha", "beta", "gamma", "delta"])
    return " ".join(ws)


@pytest.mark.parametrize("share", [0.01, 0.03, 0.05, 0.08])
def test_small_edits_are_near_duplicates(share):
    """Up to 8% of the words replaced at random (each edit changes up to 3 shingles)."""
    rng = random.Random(int(share * 100))
    for g in GEN:
        if g.kind == "original" and g.language == "en":
            n_edits = max(1, round(share * len(g.body.split())))
            m = dedup.verify_near(sh(g.body), sh(edit(g.body, n_edits, rng)))
            assert m is not None and m.kind == "near", (g.name, n_edits)
            assert m.jaccard < 1.0


def test_generated_copies_are_found_and_distinct_articles_are_not():
    for g in GEN:
        if g.kind in ("near", "cut"):
            assert dedup.verify_near(sh(g.body), sh(BY_NAME[g.copy_of].body)) is not None, g.name
    for a, b in itertools.combinations([g for g in GEN if g.kind in ("original", "report")], 2):
        assert dedup.verify_near(sh(a.body), sh(b.body)) is None, (a.name, b.name)


def test_containment_rule_needs_a_long_enough_copy():
    body = BY_NAME["c-original"].body
    lead = body.split("\n\n")[0]  # one paragraph: fewer than MIN_CONTAINED_SHINGLES shingles
    assert len(sh(lead)) < dedup.MIN_CONTAINED_SHINGLES
    assert dedup.verify_near(sh(lead), sh(body)) is None
    two = "\n\n".join(body.split("\n\n")[:2])
    m = dedup.verify_near(sh(two), sh(body))
    assert m is not None and m.containment == 1.0 and m.jaccard < dedup.NEAR_JACCARD


def test_shingle_similarity_values():
    assert dedup.shingle_similarity({b"a", b"b"}, {b"b", b"c", b"d"}) == (0.25, 0.5)
    assert dedup.shingle_similarity(set(), {b"a"}) == (0.0, 0.0)


def test_translations_are_found():
    weights: dict[str, float] = {}
    for g in GEN:
        if g.kind == "translation":
            o = BY_NAME[g.copy_of]
            m = dedup.verify_translation(anc(g.body), anc(o.body), len(g.body), len(o.body), weights)
            assert m is not None and m.kind == "translation", g.name
            assert m.order_tau >= 0.9 and m.anchor_overlap >= dedup.ANCHOR_OVERLAP


def test_other_stories_in_another_language_are_not_translations():
    weights: dict[str, float] = {}
    translations = [g for g in GEN if g.kind == "translation"]
    for t in translations:
        for o in GEN:
            if o.language == t.language or o.story == t.story:
                continue
            assert dedup.verify_translation(anc(t.body), anc(o.body), len(t.body), len(o.body), weights) is None, \
                (t.name, o.name)
    # an independent report of the same happening is not a translation either (other figures, other length)
    a_de, a_report = BY_NAME["a-german"], BY_NAME["a-report"]
    assert dedup.verify_translation(anc(a_de.body), anc(a_report.body), len(a_de.body), len(a_report.body),
                                    weights) is None


def test_translation_rule_parts():
    a = {"oslo": 0, "eln": 1, "#23": 2, "#2300": 3, "@06-03": 4, "ferreyra": 5, "quintero": 6, "havana": 7}
    same_order = {"x": 0, "oslo": 1, "eln": 2, "#23": 3, "#2300": 4, "@06-03": 5, "ferreyra": 6, "quintero": 7}
    assert dedup.verify_translation(a, same_order, 1000, 1200, {}) is not None
    reversed_ = {k: 10 - v for k, v in same_order.items()}
    assert dedup.verify_translation(a, reversed_, 1000, 1200, {}) is None  # facts in another order
    assert dedup.verify_translation(a, same_order, 1000, 1700, {}) is None  # length ratio 1.7
    other_numbers = {**{k: v for k, v in same_order.items() if not k.startswith(("#", "@"))},
                     "#12": 8, "#400": 9, "@05-15": 10}
    assert dedup.verify_translation(a, other_numbers, 1000, 1100, {}) is None
    assert dedup.kendall_tau([(0, 0), (1, 1), (2, 2)]) == 1.0
    assert dedup.kendall_tau([(0, 2), (1, 1), (2, 0)]) == -1.0
    assert dedup.number_jaccard({"#1": 0}, {"a": 0}) == 1.0  # too few numbers to compare


def test_idf_weights_rare_anchors_more():
    assert dedup.idf(1, 1000) > dedup.idf(500, 1000) > 0
    w = {"common": dedup.idf(900, 1000), "rare": dedup.idf(1, 1000), "x": dedup.idf(1, 1000)}
    assert dedup.anchor_overlap({"common": 0, "rare": 1}, {"rare": 0}, w) == 1.0
    assert dedup.anchor_overlap({"common": 0, "rare": 1}, {"common": 0, "x": 1}, w) < 0.5


def test_story_rule_groups_reports_and_separates_same_topic_happenings():
    weights: dict[str, float] = {}
    same = [("a-original", "a-report"), ("d-original", "d-report")]
    other = [("a-original", "b-original"), ("a-report", "b-original"), ("d-original", "e-original"),
             ("d-report", "e-original"), ("a-original", "c-original"), ("c-original", "f-original")]
    for x, y in same:
        assert stories.anchor_cosine(anc(BY_NAME[x].body), anc(BY_NAME[y].body), weights) >= stories.STORY_COSINE
    for x, y in other:
        assert stories.anchor_cosine(anc(BY_NAME[x].body), anc(BY_NAME[y].body), weights) < stories.STORY_COSINE


def test_union_find():
    uf = dedup.UnionFind(["a", "b", "c", "d"])
    uf.union("a", "b")
    uf.union("c", "b")
    groups = sorted(sorted(g) for g in uf.groups().values())
    assert groups == [["a", "b", "c"], ["d"]]
