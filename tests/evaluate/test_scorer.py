"""The PLV scorer (eventwire.evaluate.plv) on hand-made examples with known values, and the PLV reader."""
from __future__ import annotations

import pytest

from eventwire.evaluate.datasets import PlvItem, read_plv, unmark
from eventwire.evaluate.metrics import classification_scores
from eventwire.evaluate.plv import ROOT_ABBREV, confusion_text, end_to_end_scores, event_matches, spans_match
from eventwire.records import Actor, Event


def test_scores_on_hand_made_example():
    # gold:  ACCUSE ACCUSE ACCUSE AGREE AGREE ASSAULT
    # pred:  ACCUSE ACCUSE AGREE  AGREE ACCUSE ASSAULT
    gold = ["ACCUSE", "ACCUSE", "ACCUSE", "AGREE", "AGREE", "ASSAULT"]
    pred = ["ACCUSE", "ACCUSE", "AGREE", "AGREE", "ACCUSE", "ASSAULT"]
    r = classification_scores(gold, pred)
    assert r.n == 6
    assert r.accuracy == pytest.approx(4 / 6)
    per = {c.label: c for c in r.per_class}
    # ACCUSE: tp 2, predicted 3, gold 3 -> P = R = F1 = 2/3
    assert per["ACCUSE"].precision == pytest.approx(2 / 3)
    assert per["ACCUSE"].recall == pytest.approx(2 / 3)
    assert per["ACCUSE"].f1 == pytest.approx(2 / 3)
    # AGREE: tp 1, predicted 2, gold 2 -> 1/2
    assert per["AGREE"].f1 == pytest.approx(0.5)
    assert per["ASSAULT"].f1 == pytest.approx(1.0)
    assert per["ACCUSE"].support == 3 and per["YIELD"].support == 0
    # macro over the 3 labels seen: (2/3 + 1/2 + 1) / 3
    assert r.macro_f1 == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)
    # quads: ACCUSE 3, AGREE 1, ASSAULT 4
    # gold q: 3 3 3 1 1 4 ; pred q: 3 3 1 1 3 4 -> q3 P 2/3 R 2/3; q1 P 1/2 R 1/2; q4 1
    assert r.quad_accuracy == pytest.approx(4 / 6)
    assert r.quad_macro_f1 == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)
    i, j, k = r.labels.index("ACCUSE"), r.labels.index("AGREE"), r.labels.index("ASSAULT")
    assert r.confusion[i][i] == 2 and r.confusion[i][j] == 1 and r.confusion[j][i] == 1
    assert r.confusion[j][j] == 1 and r.confusion[k][k] == 1
    assert sum(map(sum, r.confusion)) == 6
    assert r.quad_confusion[2][0] == 1 and r.quad_confusion[0][2] == 1  # gold 3 -> pred 1, gold 1 -> pred 3


def test_quad_f1_differs_from_root_f1_when_errors_stay_in_group():
    # ACCUSE (3) mistaken for REJECT (3): root wrong, quad right
    gold = ["ACCUSE", "REJECT", "AID", "AID"]
    pred = ["REJECT", "REJECT", "AID", "YIELD"]  # AID/YIELD both quad 2
    r = classification_scores(gold, pred)
    assert r.accuracy == pytest.approx(0.5)
    assert r.quad_accuracy == pytest.approx(1.0)
    assert r.quad_macro_f1 == pytest.approx(1.0)
    # ACCUSE f1 0, REJECT P 1/2 R 1 -> 2/3, AID P 1 R 1/2 -> 2/3, YIELD 0
    assert r.macro_f1 == pytest.approx((0 + 2 / 3 + 2 / 3 + 0) / 4)


def test_gold_quad_column_is_used_and_merged_types_accepted():
    r = classification_scores(["COERCE", "RETREAT"], ["COERCE", "YIELD"], gold_quad=[3, 2])
    assert r.accuracy == 1.0
    assert r.quad_accuracy == 0.5  # gold_penta says 3 for this COERCE, the root maps to 4


def test_scorer_rejects_bad_input():
    with pytest.raises(ValueError):
        classification_scores(["ACCUSE"], ["ACCUSE", "AGREE"])
    with pytest.raises(ValueError, match="outside the PLOVER roots"):
        classification_scores(["ACCUSE"], ["EXPLODE"])
    with pytest.raises(ValueError):
        classification_scores([], [])


def test_unmark_spans_and_nesting():
    text, src, tgt = unmark("<s>Pakistan</s> refused <t>India</t>'s request, <s>Pakistan</s> said.")
    assert text == "Pakistan refused India's request, Pakistan said."
    assert [text[a:b] for a, b in src] == ["Pakistan", "Pakistan"]
    assert [text[a:b] for a, b in tgt] == ["India"]
    text, src, tgt = unmark("<s><t>Iraqi</t> fighters</s> agreed.")
    assert text[src[0][0]:src[0][1]] == "Iraqi fighters" and text[tgt[0][0]:tgt[0][1]] == "Iraqi"
    with pytest.raises(ValueError):
        unmark("<s>a <s>b</s></s>")
    with pytest.raises(ValueError):
        unmark("<s>a")


def test_read_plv_reports_line_of_bad_row(tmp_path):
    p = tmp_path / "bad.tsv"
    p.write_text("sentence_id\tmarked_sentence\tgold_root\n1\t<s>A</s> hit <t>B</t>.\tASSAULT\n"
                 "2\t<s>A</s> met <t>B</t>.\tMEETUP\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.tsv:3: unknown gold_root 'MEETUP'"):
        read_plv(p)


def _event(src, tgt, plover_type):
    return Event(0, 0, 40, "x", 0, 1, sources=[Actor("s", *s) for s in src], targets=[Actor("t", *t) for t in tgt],
                 plover_type=plover_type)


def test_end_to_end_scorer_with_constructed_events():
    # "Iranian Foreign Minister Zarif condemned the U.S. decision." source 0-30, target 41-58
    item = PlvItem("1", "Iranian Foreign Minister Zarif condemned the U.S. decision.", [(0, 30)], [(41, 58)], "ACCUSE", 3)
    item2 = PlvItem("2", "Pakistan rejected India's request.", [(0, 8)], [(18, 23)], "REJECT", 3)
    item3 = PlvItem("3", "The rebels retreated.", [(0, 10)], [], "YIELD", 2)
    good = _event([(25, 30)], [(45, 49)], "ACCUSE")           # overlapping spans, right type
    wrong_type = _event([(0, 30)], [(41, 58)], "REJECT")      # right roles, wrong type
    wrong_role = _event([(31, 40)], [(41, 58)], "ACCUSE")     # source does not overlap
    retreat = _event([(4, 10)], [], "RETREAT")                # RETREAT counts as YIELD; no target either side
    assert spans_match((25, 30), (0, 30)) and not spans_match((30, 35), (0, 30))
    assert event_matches(good, item) and not event_matches(wrong_type, item)
    assert event_matches(wrong_type, item, check_type=False) and not event_matches(wrong_role, item, check_type=False)
    assert event_matches(retreat, item3)
    r = end_to_end_scores([item, item2, item3], [[good, wrong_type, wrong_role], [], [retreat]])
    assert r.n_gold == 3 and r.found_events == 4
    assert r.gold_matched == 2 and r.events_matched == 2 and r.roles_matched == 2
    assert r.recall == pytest.approx(2 / 3) and r.precision == pytest.approx(0.5)
    assert r.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    # offsets: the same event in a body where the sentence starts at 100
    shifted = _event([(125, 130)], [(145, 149)], "ACCUSE")
    assert end_to_end_scores([item], [[shifted]], offsets=[100]).gold_matched == 1
    with pytest.raises(ValueError):
        end_to_end_scores([item], [])


def test_confusion_text_small_matrix_exact():
    lines = confusion_text(["ACCUSE", "AGREE", "ASSAULT"], [[2, 1, 0], [1, 1, 0], [0, 0, 1000]], width=40)
    assert lines == [
        "gold\\pred   ACC  AGR  ASL     n",
        "ACCUSE        2    1    .     3",
        "AGREE         1    1    .     2",
        "ASSAULT       .    . 1000  1000",
        "columns (predicted): ACC=ACCUSE",
        "                     AGR=AGREE",
        "                     ASL=ASSAULT",
    ]
    bold = confusion_text(["ACCUSE", "AGREE"], [[3, 0], [1, 2]], bold_diagonal=True)
    assert bold[1] == "ACCUSE    [bold]   3[/]   .     3"
    assert bold[2] == "AGREE        1[bold]   2[/]     3"
    with pytest.raises(ValueError):
        confusion_text(["ACCUSE", "AGREE"], [[1, 0]])
    with pytest.raises(ValueError):
        confusion_text([], [])


def test_confusion_text_of_the_15_roots_fits_80_columns():
    from eventwire.events.classifier import PLOVER_ROOTS

    assert set(ROOT_ABBREV) == set(PLOVER_ROOTS) and len(set(ROOT_ABBREV.values())) == 15
    gold = [lab for lab in PLOVER_ROOTS for _ in range(70)]  # 70 each: the diagonal reaches 3 digits below
    pred = [PLOVER_ROOTS[(i + 1) % 15] if k % 10 == 0 else lab
            for i, lab in enumerate(PLOVER_ROOTS) for k in range(70)]
    r = classification_scores(gold, pred)
    lines = confusion_text(r.labels, r.confusion)
    assert max(len(x) for x in lines) <= 80
    assert len(lines) == 1 + 15 + 4  # header, one row per root, the legend on 4 lines
    row = lines[1 + r.labels.index("COOPERATE")].split()
    assert row[0] == "COOPERATE" and row[-1] == "70"
    # 63 right, 7 predicted as the next root (MOBILIZE)
    assert row[1 + r.labels.index("COOPERATE")] == "63" and row[1 + r.labels.index("MOBILIZE")] == "7"
    assert row.count(".") == 13
