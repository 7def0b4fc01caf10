"""Quotes (marks, speakers, cues, via, indirect speech) and amounts."""
from __future__ import annotations

import pytest

from eventwire.quotes.annotate import find_direct
from eventwire.records import Article


def _spans(body):
    return [(body[r.start:r.end], r.unbalanced) for r in find_direct(body)]


def test_quote_marks():
    assert _spans('He said "we will win the vote" today.') == [("we will win the vote", False)]
    assert _spans("He said “we will win the vote,” today.") == [("we will win the vote", False)]
    assert _spans("She said ‘we will not give up on this’ and left.") == [("we will not give up on this", False)]
    # apostrophes are not quotes
    assert _spans("Afghanistan’s government and the Taliban's ranks don't change.") == []
    # German-style marks
    assert _spans("Er sagte „wir kommen morgen wieder“ und ging.") == [("wir kommen morgen wieder", False)]


def test_multi_paragraph_and_unbalanced_quotes():
    body = "“This is the first paragraph of the quote.\n\n“And this is the second one,” he said.\n\nNext."
    (q, unb), = _spans(body)
    assert q.startswith("This is the first") and q.endswith("the second one") and not unb
    body = "He wrote: “This quote never closes at the end of its paragraph\n\nA new paragraph."
    (q, unb), = _spans(body)
    assert q == "This quote never closes at the end of its paragraph" and unb


def _annotate(text: str):
    from eventwire.amounts.annotate import annotate_amounts
    from eventwire.nlp.pipeline import fill_from_doc, load_nlp
    from eventwire.quotes.annotate import annotate_quotes
    from eventwire.temporal.annotate import annotate_times

    nlp = load_nlp()
    a = Article("a", "d", "t", text, published="2024-04-05T18:05")
    doc = nlp(text)
    fill_from_doc(a, doc)
    annotate_times(a, doc)
    annotate_quotes(a, doc)
    annotate_amounts(a, doc)
    return a


def test_speakers_cues_and_via():
    a = _annotate(
        '"We were told last year that the debt would be forgiven. Nothing has happened," said Camila Reyes, '
        "a spokeswoman for the Confederation of Chilean Students.\n\n"
        "“Both sides have agreed to keep talking,” the Kenyan foreign minister told Reuters after the session.\n\n"
        "John Smith spoke to the press. He said: “We will rebuild every house in this town.”\n\n"
        "According to the interior ministry, at least 30 people were arrested on Friday.\n\n"
        "The minister said that the border would reopen next week.")
    q = {x.text[:20]: x for x in a.quotes}
    reyes = q["We were told last ye"]
    assert reyes.kind == "direct" and reyes.speaker_text == "Camila Reyes" and reyes.cue == "said"
    assert a.body[reyes.speaker_start:reyes.speaker_end] == "Camila Reyes"
    kenya = q["Both sides have agre"]
    assert kenya.speaker_text == "the Kenyan foreign minister" and kenya.cue == "told" and kenya.via == "Reuters"
    smith = q["We will rebuild ever"]
    assert smith.speaker_text == "John Smith"  # "He" resolved to the person named before
    acc = next(x for x in a.quotes if x.text.startswith("at least 30 people"))
    assert acc.kind == "indirect" and acc.cue == "according to" and "interior ministry" in acc.speaker_text
    ind = next(x for x in a.quotes if x.text.startswith("the border would reopen"))
    assert ind.kind == "indirect" and ind.speaker_text == "The minister" and ind.cue == "said"
    for x in a.quotes:
        assert a.body[x.start:x.end] == x.text and x.rule


def test_amounts():
    a = _annotate("Dozens of Americans and thousands of Afghans were left behind. At least 30 people were killed "
                  "and 12 officers were injured. Costs reached more than 17 billion euros, up 3.5%. "
                  "Tens of thousands of people marched in 2001, and $82 million was pledged.")
    got = {x.text: x for x in a.amounts}
    assert (got["Dozens of Americans"].value, got["Dozens of Americans"].counted) == (24.0, "Americans")
    assert got["thousands of Afghans"].approximate
    assert (got["30 people"].value, got["30 people"].counted, got["30 people"].approximate) == (30.0, "people", True)
    assert got["12 officers"].approximate is False
    assert (got["17 billion euros"].value, got["17 billion euros"].unit) == (17e9, "EUR")
    assert got["3.5%"].unit == "%"
    assert got["Tens of thousands of people"].value == 20000.0
    assert (got["$82 million"].value, got["$82 million"].unit) == (82e6, "USD")
    assert not any(x.text == "2001" for x in a.amounts)  # a year is a date, not an amount


@pytest.mark.parametrize("text", [
    "",
    "No places, no dates, no quotes here at all.",
    "A " + "very " * 600 + "long sentence without a full stop",
    "- apples\n- pears\n- 3 bananas\n- “quoted item”\n- Paris\n- Monday",
    "PROTESTERS MARCH IN SANTIAGO ON FRIDAY, POLICE SAY “THEY WILL NOT STOP THE MARCH TODAY”",
    "Die Außenminister trafen sich am Montag in Zürich und sagten: „Wir reden weiter.“",
    "Путин заявил в понедельник, что переговоры в Москве продолжатся.",
    '"""""\'\'\'“”“”‘’ ,,, ... 12 34 % $ € 2001 1999s',
])
def test_bad_input_does_not_crash(text):
    from eventwire.nlp.pipeline import annotate

    a = Article("a", "d", "t", text, published="2024-03-05", language="en")
    problems = annotate([a])
    assert problems == [], [p.detail for p in problems]
    assert not any("failed" in w for w in a.warnings), a.warnings
    for kind in ("places", "times", "quotes", "amounts"):
        for x in getattr(a, kind):
            assert 0 <= x.start <= x.end <= len(text) and text[x.start:x.end] == x.text


def test_vague_amount_alone_and_year_like_numbers():
    """'thousands' with no counted noun is an amount (it once crashed the annotator); a bare year is not."""
    from eventwire.nlp.pipeline import annotate
    from eventwire.records import Article

    a = Article(article_id="x", doc_id="x", title="t",
                body="Police said thousands had gathered. They were there in 2001 and 1,800 people came.")
    annotate([a])
    assert a.warnings == []
    assert [(x.text, x.value, x.counted, x.approximate) for x in a.amounts] == [
        ("thousands", 2000.0, None, True), ("1,800 people", 1800.0, "people", False)]
