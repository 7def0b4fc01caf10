"""``eventwire eval plv``: runs on a small hand-made file and on the training file, labels figures honestly."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.evaluate.datasets import read_plv
from tests.conftest import shared_path

runner = CliRunner()

ROWS = [
    ("1", "<s>Russian forces</s> shelled <t>the Ukrainian city of Kharkiv</t> on Monday, killing four civilians.", "ASSAULT", "4"),
    ("2", "<s>The European Union</s> sent 20 tonnes of medical supplies and food to <t>Sudan</t>.", "AID", "2"),
    ("3", "<s>The opposition</s> accused <t>the government</t> of rigging the election.", "ACCUSE", "3"),
    ("4", "<s>Iran</s> rejected <t>the European</t> proposal for new talks.", "REJECT", "3"),
    ("5", "<s>The prime minister</s> met <t>his Japanese counterpart</t> in Tokyo on Friday.", "CONSULT", "1"),
]


def _write(path, rows=ROWS):
    lines = ["sentence_id\tmarked_sentence\tgold_root\tgold_penta"] + ["\t".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_eval_plv_on_held_out_file(tmp_path):
    f = _write(tmp_path / "gold.tsv")
    res = runner.invoke(app, ["eval", "plv", str(f), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["sentences"] == 5 and out["file_is_training_data"] is False
    assert "cross_validation" not in out
    sm = out["shipped_model"]
    assert sm["n"] == 5 and sm["meaning"].startswith("held-out")
    assert 0.0 <= sm["accuracy"] <= 1.0 and len(sm["confusion"]) == 15
    assert sum(map(sum, sm["confusion"])) == 5
    # clear cases: the shipped model gets most of them
    assert sm["accuracy"] >= 0.6
    e2e = out["end_to_end"]
    assert e2e["n_gold"] == 5 and e2e["gold_matched"] <= 5 and e2e["found_events"] >= e2e["events_matched"]
    # the human-readable report
    res = runner.invoke(app, ["eval", "plv", str(f), "--no-e2e"])
    assert res.exit_code == 0, res.output
    assert "macro-F1" in res.stdout and "Confusion matrix" in res.stdout and "held-out" in res.stdout
    # the readable confusion matrix: fits 80 columns, one row per root with the counts of the JSON report
    lines = res.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    top = next(i for i, x in enumerate(lines) if x.startswith("gold\\pred"))
    assert lines[top].split()[1:] == ["ACC", "AGR", "AID", "ASL", "COE", "CNS", "COP", "MOB", "PRT", "REJ", "REQ",
                                      "SAN", "SUP", "THR", "YLD", "n"]
    rows = [lines[top + 1 + i].split() for i in range(15)]
    assert [r[0] for r in rows] == sm["labels"]
    assert [[int(v) if v != "." else 0 for v in r[1:16]] for r in rows] == sm["confusion"]
    assert [int(r[16]) for r in rows] == [sum(r) for r in sm["confusion"]]
    assert "YLD=YIELD" in res.stdout


def test_eval_plv_bad_input(tmp_path):
    res = runner.invoke(app, ["eval", "plv", str(tmp_path / "missing.tsv")])
    assert res.exit_code == 2
    bad = tmp_path / "bad.tsv"
    bad.write_text("sentence_id\tmarked_sentence\tgold_root\n1\t<s>A</s> met <t>B</t>.\tMEETUP\n", encoding="utf-8")
    res = runner.invoke(app, ["eval", "plv", str(bad)])
    assert res.exit_code == 2 and "MEETUP" in res.output


@pytest.mark.shared
def test_eval_plv_on_training_file_headlines_cv():
    f = shared_path("data", "events", "train", "plv_train.tsv")
    res = runner.invoke(app, ["eval", "plv", str(f), "--no-e2e", "--limit", "40", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["file_is_training_data"] is True
    assert out["shipped_model"]["meaning"].startswith("TRAINING-SET")
    cv = out["cross_validation"]
    assert cv["recorded_at_training"] is True and "5-fold" in cv["protocol"]
    assert 0.5 < cv["macro_f1"] < 1.0
    assert len(cv["confusion"]) == 15 and sum(map(sum, cv["confusion"])) == 1050  # all PLV sentences, out of fold
    res = runner.invoke(app, ["eval", "plv", str(f), "--no-e2e", "--limit", "40"])
    assert "Headline, cross-validated" in res.stdout and "TRAINING-SET" in res.stdout
    # on its training file the matrix shown is the cross-validated one (the shipped model's own would flatter it)
    assert "Confusion matrix (cross-validated, out-of-fold predictions" in res.stdout.replace("\n", " ")
    lines = res.stdout.splitlines()
    top = next(i for i, x in enumerate(lines) if x.startswith("gold\\pred"))
    totals = {lines[top + 1 + i].split()[0]: int(lines[top + 1 + i].split()[-1]) for i in range(15)}
    gold = Counter(x.root for x in read_plv(f))
    assert totals == {lab: gold[lab] for lab in totals} and sum(totals.values()) == 1050
    for name, part in (cv.get("components") or {}).items():  # an ensemble reports its parts' figures too
        assert f"its {name} part alone" in res.stdout and 0.5 < part["macro_f1"] < 1.0


def test_cross_validation_is_handed_in(tmp_path):
    """evaluate.plv imports no training code: the CV of --cv is the function it is given."""
    from eventwire.evaluate import plv

    f = _write(tmp_path / "gold.tsv")
    with pytest.raises(plv.EvalError, match="--cv needs a cross-validation function"):
        plv.evaluate_file(f, cv=2, e2e=False)
    calls = []

    class Report:
        def summary(self):
            return {"route": "fake", "accuracy": 0.5}

        class scores:
            @staticmethod
            def to_dict():
                return {"n": 5}

    def fake_cv(route, items, ngec_items, k, seed, log):
        calls.append((route, [it.root for it in items], ngec_items, k, seed))
        return Report()

    out = plv.evaluate_file(f, cv=2, seed=7, route="linear-ngram", e2e=False, cross_validate=fake_cv)
    assert calls == [("linear-ngram", ["ASSAULT", "AID", "ACCUSE", "REJECT", "CONSULT"], [], 2, 7)]
    assert out["cross_validation"] == {"route": "fake", "accuracy": 0.5, "scores": {"n": 5}}
