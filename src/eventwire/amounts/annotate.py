"""The amount annotator (``amounts``, after ``times``): numbers with their unit and what they count -> :class:`~eventwire.records.Amount`.

A number is a run of numeric tokens ("17", "1.5", "40,000", "two", "17 billion") or a vague quantity
("dozens", "hundreds", "thousands", "tens of thousands", "scores"). Numbers inside date/time
expressions (``article.times``, spaCy ``DATE``/``TIME``/``ORDINAL``) and inside names are skipped.

* ``value``: the number as a float; vague quantities get their lower bound (the smallest plural):
  dozens 24, scores 40, hundreds 200, thousands 2,000, tens of thousands 20,000, hundreds of
  thousands 200,000, millions 2,000,000, billions 2e9.
* ``unit``: ISO 4217 currency from a symbol or word ("$", "€", "euros" -> ``EUR``), ``%`` for percent,
  or a measure ("km", "tonnes", "barrels"); ``None`` for counts.
* ``counted``: for counts, the noun counted ("30 *people* were killed", "dozens of *Americans*").
* ``approximate``: vague quantities and hedged numbers ("about", "nearly", "more than", "at least",
  "an estimated", "up to", ...).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from eventwire import lexicon
from eventwire.nlp.annotators import annotator
from eventwire.records import Amount, Article

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

WORD_NUMBERS = lexicon.numbers("number_words")
SCALES = lexicon.numbers("number_scales")
VAGUE = lexicon.numbers("vague_quantities")
CURRENCY_SYMBOLS = lexicon.mapping("currency_symbols")
CURRENCY_WORDS = lexicon.mapping("currency_words")
MEASURES = lexicon.mapping("measure_units")
HEDGES = lexicon.words("amount_hedges")


_NUMBER = re.compile(r"\d+(\.\d+)?")
_SCALED_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(bn|m|k)")
_YEAR_LIKE = re.compile(r"1[5-9]\d\d|20\d\d")


def _num_value(tok: "Token") -> float | None:
    t = tok.lower_.replace(",", "")
    if _NUMBER.fullmatch(t):
        return float(t)
    if t in WORD_NUMBERS:
        return float(WORD_NUMBERS[t])
    m = _SCALED_NUMBER.fullmatch(t)
    if m:
        return float(m[1]) * SCALES[m[2]]
    return None


@annotator("amounts", requires=("times",), assigns=("amounts",))
def annotate_amounts(article: Article, doc: "Doc") -> None:
    """Find the amounts of ``article`` (parsed as ``doc``) into ``article.amounts``."""
    skip: set[int] = set()  # tokens inside date/time expressions
    for t in article.times:
        span = doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is not None:
            skip.update(range(span.start, span.end))
    banned = {i for e in doc.ents if e.label_ in ("DATE", "TIME", "ORDINAL", "PERSON", "ORG", "GPE", "FAC",
                                                   "WORK_OF_ART", "LAW", "PRODUCT", "EVENT") for i in range(e.start, e.end)}
    out: list[Amount] = []
    i, n = 0, len(doc)
    while i < n:
        tok = doc[i]
        if i in banned or i in skip:
            i += 1
            continue
        low = tok.lower_
        value: float | None = None
        approximate = False
        j = i
        if low in VAGUE and tok.tag_ in ("NNS", "CD") or (low in ("tens", "hundreds") and i + 2 < n and doc[i + 1].lower_ == "of"
                                                          and doc[i + 2].lower_ in ("thousands", "millions")):
            value = float(VAGUE.get(low, 0))
            approximate = True
            if low in ("tens", "hundreds") and i + 2 < n and doc[i + 1].lower_ == "of" and doc[i + 2].lower_ in VAGUE:
                # "tens of thousands" = 20 x 1,000; "hundreds of thousands" = 200 x 1,000
                value = (20 if low == "tens" else 200) * (VAGUE[doc[i + 2].lower_] / 2)
                j = i + 2
        elif (tok.like_num or _num_value(tok) is not None) and tok.pos_ in ("NUM", "ADJ", "NOUN", "PROPN", "X", "SYM", "DET"):
            v = _num_value(tok)
            if v is None or (low == "one" and tok.dep_ != "nummod"):
                i += 1
                continue
            value = v
            while j + 1 < n and doc[j + 1].lower_ in SCALES and doc[j + 1].lower_ not in ("m", "k"):
                value *= SCALES[doc[j + 1].lower_]
                j += 1
        if value is None:
            i += 1
            continue
        start_i = i
        unit = None
        # currency symbol before
        if i > 0 and doc[i - 1].text in CURRENCY_SYMBOLS:
            unit = CURRENCY_SYMBOLS[doc[i - 1].text]
            start_i = i - 1
        # hedges before
        k = start_i - 1
        while k >= 0 and k >= start_i - 3 and (doc[k].lower_ in HEDGES or doc[k].lower_ in ("an", "a")):
            if doc[k].lower_ in HEDGES:
                approximate = True
            k -= 1
        end_j = j
        counted = None
        nxt = doc[j + 1] if j + 1 < n else None
        if nxt is not None and unit is None:
            two = f"{nxt.lower_} {doc[j + 2].lower_}" if j + 2 < n else ""
            lem = nxt.lemma_.lower()
            if two in MEASURES or two.rstrip("s") in MEASURES:
                unit, end_j = MEASURES.get(two) or MEASURES[two.rstrip("s")], j + 2
            elif nxt.text in ("%",) or lem in MEASURES or nxt.lower_ in MEASURES:
                unit, end_j = MEASURES.get(lem) or MEASURES.get(nxt.lower_), j + 1
            elif lem in CURRENCY_WORDS or nxt.lower_.rstrip("s") in CURRENCY_WORDS:
                code = CURRENCY_WORDS.get(lem, CURRENCY_WORDS.get(nxt.lower_.rstrip("s")))
                unit, end_j = code or nxt.text, j + 1
        if unit is None:
            counted, end_c = _counted(doc, i, j)
            if counted is not None:
                end_j = end_c
        if unit is None and counted is None and not approximate and _YEAR_LIKE.fullmatch(doc[i].text):
            i = j + 1  # a bare year-like number ("in 2001"), not an amount
            continue
        span = doc[start_i:end_j + 1]
        out.append(Amount(span.start_char, span.end_char, span.text, float(value), unit, counted, approximate))
        i = end_j + 1
    article.amounts = out


def _counted(doc: "Doc", i: int, j: int) -> tuple[str | None, int]:
    """The noun a number counts and the index of the last token of the amount phrase."""
    last = doc[j]
    # "dozens of Americans", "thousands of Afghans", "17 of the victims"
    if j + 1 < len(doc) and doc[j + 1].lower_ == "of":
        for c in doc[j + 1].children:
            if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN") and c.i - j <= 6:
                return c.text, c.i
    # "30 people", "25 Belarusian officials": the number modifies its head noun
    for t in (doc[i], last):
        if t.dep_ in ("nummod", "quantmod", "compound") and t.head.pos_ in ("NOUN", "PROPN") and t.head.i > j and t.head.i - j <= 4:
            return t.head.text, t.head.i
    return None, j
