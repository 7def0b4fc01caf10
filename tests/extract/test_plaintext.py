"""Plain-text extraction: the seed article's metadata exactly, and the layouts it generalises to."""
from __future__ import annotations

import pytest

from eventwire.extract import extract
from eventwire.extract.plaintext import parse_plaintext, split_blocks
from eventwire.ingest import iter_documents
from eventwire.records import Document


def _seed_article(seed_path):
    (doc,) = list(iter_documents([seed_path]))
    assert isinstance(doc, Document)
    return extract(doc)


def test_seed_article_section_exact(seed_path, seed_expected):
    exp = seed_expected["article"]
    a = _seed_article(seed_path)
    assert a.title == exp["title"]
    assert a.outlet == exp["outlet"]
    assert a.published == exp["published"]
    assert a.page_date == exp["page_date"]
    assert a.language == exp["language"]
    assert a.translated_from == exp["translated_from"]
    assert a.body.startswith(exp["body_starts_with"])
    assert a.body.endswith(exp["body_ends_with"])
    for bad in exp["body_must_not_contain"]:
        assert bad not in a.body, bad
    assert a.boilerplate == exp["boilerplate_lines"]
    assert a.cited_sources == exp["cited_sources"]
    assert a.extractor == "plaintext"


def test_seed_title_not_duplicated_in_body(seed_path):
    a = _seed_article(seed_path)
    assert "Talks between the US and Taliban delegations are scheduled" not in a.body
    # 17 non-empty lines - page date - 2 title lines - dateline - 2 boilerplate lines = 11 paragraphs
    assert len(a.body.split("\n\n")) == 11


@pytest.mark.parametrize("dateline, expected", [
    ("October 9. 2021 13:24", "2021-10-09T13:24"),
    ("09.10.2021, 13:24 Uhr", "2021-10-09T13:24"),
    ("9 Oct 2021", "2021-10-09"),
    ("2021-10-09T13:24:00+02:00", "2021-10-09T13:24+02:00"),
    ("Saturday, October 9, 2021", "2021-10-09"),
    ("Published: 9 October 2021 13:24", "2021-10-09T13:24"),
    ("9 octobre 2021 à 13h24", "2021-10-09T13:24"),
])
def test_dateline_formats(dateline, expected):
    text = f"A headline about talks\n\n{dateline}\n\nThe first paragraph of the body says something long enough.\n"
    p = parse_plaintext(text)
    assert p.title == "A headline about talks"
    assert p.published == expected
    assert p.page_date is None
    assert p.body == "The first paragraph of the body says something long enough."


def test_page_date_above_title_is_not_publication():
    p = parse_plaintext("July 27, 2024\n\nTitle of the story\n\nOctober 9. 2021 13:24\n\nBody text here.\n")
    assert (p.page_date, p.published, p.title) == ("2024-07-27", "2021-10-09T13:24", "Title of the story")


def test_byline_and_pipe_suffix():
    p = parse_plaintext("Rebels seize town | Some Daily Paper\n\nBy Jane Doe and John Roe\n\nRebels seized the town on Monday.\n")
    assert p.title == "Rebels seize town"
    assert p.outlet == "Some Daily Paper"
    assert p.authors == ["Jane Doe", "John Roe"]
    assert p.body == "Rebels seized the town on Monday."


def test_sentence_with_date_is_body_not_dateline():
    p = parse_plaintext("Title here\n\nTalks resumed on October 9, 2021 in Doha.\n\nMore text.\n")
    assert p.published is None
    assert p.body.startswith("Talks resumed on October 9, 2021 in Doha.")


def test_hard_wrapped_paragraphs_are_joined():
    text = ("Title\n\n"
            "The minister said on Monday that the government would not accept the\n"
            "proposal and that talks would continue next week in the capital city\n"
            "of the country.\n\nSecond paragraph.\n")
    blocks = split_blocks(text)
    assert blocks[1] == ("The minister said on Monday that the government would not accept the proposal and "
                         "that talks would continue next week in the capital city of the country.")


def test_hint_title_is_used_and_duplicate_dropped():
    p = parse_plaintext("Leaders meet in Rome\n\nThe leaders met in Rome on Friday.", {"title": "Leaders meet in Rome"})
    assert p.title is None  # the caller uses the hint
    assert p.body == "The leaders met in Rome on Friday."


def test_messy_example(tmp_path):
    from tests.conftest import EXAMPLES

    (doc,) = list(iter_documents([EXAMPLES / "txt" / "messy-republished-kyiv.txt"]))
    a = extract(doc)
    assert a.title == "Ukraine and Poland agree to reopen border crossing for grain trucks"
    assert a.outlet == "Deutsche Welle"
    assert (a.page_date, a.published) == ("2025-11-02", "2024-03-14T09:15")
    assert a.translated_from == "de"
    assert len(a.boilerplate) == 5
    assert "Lesen Sie auch" not in a.body and "Photo: Reuters" not in a.body
    assert a.body.endswith("This article was translated from German.")
