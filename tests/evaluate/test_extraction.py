"""``eventwire eval extraction``: the measures, and the command on a part of the fundus pages."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.evaluate.extraction import MEASURES, author_f1, body_f1, date_day_match, datetime_match, title_match
from tests.conftest import shared_path


def test_title_match_ignores_only_whitespace_and_invisible_characters():
    assert title_match("Trump plant Helikopterlandeplatz", "Trump plant Helikopter\u00adlandeplatz")
    assert title_match("Ein bisschen Fortschritt", "Ein bisschen Fortschritt\u200b ")
    assert title_match("Babiš a Hrad", "Babiš a\u00a0Hrad")
    assert not title_match("Kohberger’s lawyers", "Kohberger's lawyers")  # quote styles count
    assert not title_match("talks", "Talks")
    assert not title_match(None, "Talks")


def test_author_f1():
    assert author_f1(["Jane Doe", "JOHN ROE"], ["John Roe", "Jane  Doe"]) == 1.0
    assert author_f1(["Jane Doe"], ["Jane Doe", "John Roe"]) == pytest.approx(2 / 3)
    assert author_f1([], []) == 1.0 and author_f1(["X"], []) == 0.0 and author_f1([], ["X"]) == 0.0


def test_dates():
    gold = "2024-05-03 15:47:42.389000+00:00"
    assert datetime_match("2024-05-03T17:47+02:00", gold)           # same instant, to the minute
    assert not datetime_match("2024-05-03T17:47", gold)             # no offset: not exact
    assert not datetime_match("2024-05-03T15:48+00:00", gold)
    assert date_day_match("2024-05-04T01:30+02:00", "2024-05-03 23:30:00+00:00")  # converted to the gold offset
    assert not date_day_match("2024-05-04", "2024-05-03 23:30:00+00:00")
    assert datetime_match("2024-04-24", "2024-04-24 00:00:00")       # fundus's date-only form
    assert not datetime_match("2024-04-24", "2024-04-24 00:00:00+00:00")
    assert not date_day_match(None, gold)


def test_body_f1():
    assert body_f1("The talks, resumed.", "the talks resumed") == 1.0
    assert body_f1("a b c d", "a b") == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert body_f1("", "a") == 0.0


@pytest.fixture(scope="module")
def fundus_part(tmp_path_factory):
    """A fundus-layout folder holding links to three countries' folders (nothing is copied)."""
    root = shared_path("data", "extraction", "fundus")
    part = tmp_path_factory.mktemp("fundus-part")
    for cc in ("fr", "es", "za"):
        (part / cc).symlink_to(root / cc, target_is_directory=True)
    return part


def test_eval_command_on_part_of_fundus_beats_trafilatura(fundus_part, tmp_path):
    details = tmp_path / "d.json"
    res = CliRunner().invoke(app, ["eval", "extraction", str(fundus_part), "--details", str(details)])
    assert res.exit_code == 0, res.output
    for label in ("title exact match", "authors F1 (set)", "publication date (day)", "body token F1", "trafilatura alone"):
        assert label in res.output
    print("\n" + res.output)
    d = json.loads(details.read_text(encoding="utf-8"))
    assert d["pages"] == 26 and len(d["scores"]) == 2 * 26
    ours, traf = d["means"]["eventwire"], d["means"]["trafilatura"]
    for m in MEASURES:
        assert ours[m] >= traf[m], m
    assert ours["failed"] == 0
    assert ours["title"] >= 0.90 and ours["date_day"] >= 0.95 and ours["authors_f1"] >= 0.85
    assert ours["body_f1"] >= 0.90 and ours["datetime"] >= 0.90


def test_eval_command_refuses_a_folder_without_pages(tmp_path):
    res = CliRunner().invoke(app, ["eval", "extraction", str(tmp_path)])
    assert res.exit_code == 2 and "no fundus pages" in res.output
    res = CliRunner().invoke(app, ["eval", "extraction", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "no such directory" in res.output
