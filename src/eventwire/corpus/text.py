"""Text features of an article for the corpus view: word shingles, a body hash, language-independent
anchors, and the time an article was first seen.

* :func:`words` / :func:`shingles`: the body as lower-case word tokens and their word 3-grams (the
  units of near-duplicate detection; Broder's "resemblance" of shingle sets).
* :func:`body_hash`: hash of the normalised word sequence: two bodies that differ only in case,
  punctuation or spacing are *exact* duplicates.
* :func:`anchors`: the tokens a translation keeps: numbers (``17``, ``2021``; separators dropped so
  ``17,000`` and ``17.000`` agree), dates as month-day pairs and weekdays mapped to numbers (``October
  9`` and ``9. Oktober`` both give ``@10-09``; ``Thursday``/``Donnerstag`` give ``~4``), and
  capitalised words folded to ASCII lower case (names: ``Shaheen``, ``Doha``, ``Taliban``). Each
  anchor comes with the rank of its first occurrence, so the order of facts can be compared across
  languages.
* :func:`seen_at`: the publication time as a naive UTC ``datetime`` (first day of the period for a
  month or year), the time the corpus orders articles by.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache

from eventwire import lexicon
from eventwire.dates import MONTHS, WEEKDAYS, parse_published  # noqa: F401 (parse_published: re-exported)

#: Words per shingle. 3-word shingles: one edited word changes at most 3 shingles, and two
#: independently written reports share almost none (measured in docs/corpus.md).
SHINGLE_WORDS = 3

_WORD = re.compile(r"\w+", re.UNICODE)
# a token: a number with inner separators (17,000 / 1.5 / 13:24 stays two numbers), or a word
_TOKEN = re.compile(r"(?<!\d)\d{1,3}(?:[.,'\u2019 ]\d{3})+(?![\d.,]\d)|\d+|[^\W\d_]+|[.!?:\u2026\"\u201c\u201e\u00ab\u00bb]", re.UNICODE)
_OPENERS = set(".!?:\u2026\"\u201c\u201e\u00ab\u00bb")


@lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """ASCII-fold and lower-case: NFKD, combining marks removed (``Düsseldorf`` -> ``dusseldorf``)."""
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (Unicode ``\\w+`` runs, NFKC-normalised)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def shingles(tokens: list[str], n: int = SHINGLE_WORDS) -> list[bytes]:
    """Distinct word ``n``-grams of ``tokens`` as UTF-8 bytes, in first-occurrence order.

    A text shorter than ``n`` words gives one shingle (the whole text); an empty text gives none.
    """
    if not tokens:
        return []
    if len(tokens) < n:
        return [" ".join(tokens).encode("utf-8")]
    seen = dict.fromkeys(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return [s.encode("utf-8") for s in seen]


def body_hash(tokens: list[str]) -> str:
    """Exact-duplicate key: 32 hex chars of BLAKE2b over the normalised word sequence."""
    return hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=16).hexdigest()


# -- anchors -------------------------------------------------------------------------------------

# Month and weekday names (lexicon tables month_names, weekday_names, through eventwire.dates),
# ASCII-folded: "9. Oktober" and "October 9" give the same anchor.
_MONTHS: dict[str, int] = {fold(n): m for n, m in MONTHS.items()}
_WEEKDAYS: dict[str, int] = {fold(n): d for n, d in WEEKDAYS.items()}

# Capitalised words that are not names: sentence openers, pronouns, articles, titles (en, de, fr, es,
# it, nl), ASCII-folded. Written for eventwire. Months and weekdays are handled above.
_NOT_NAMES = lexicon.words("not_names")


def _is_capitalised(tok: str) -> bool:
    return tok[0].isupper()


def anchors(text: str) -> list[tuple[str, int]]:
    """Language-independent anchors of ``text`` with the rank of their first occurrence.

    Anchors (see the module docstring): ``#<digits>`` numbers of two or more digits (separators
    dropped), ``@MM-DD``
    month-day dates and ``@MM`` months, ``~N`` weekdays (1 = Monday), and capitalised words of two or
    more letters (all-caps) or three or more letters, ASCII-folded, a final ``s`` of words longer
    than four letters dropped (``Afghanistans`` -> ``afghanistan``), stop words removed. A
    capitalised word seen only at the start of a sentence or quotation is dropped (``Talks``).

    Returns:
        ``[(anchor, rank), ...]`` in order of first occurrence; ``rank`` counts anchors from 0.
    """
    toks = _TOKEN.findall(unicodedata.normalize("NFKC", text))
    out: dict[str, int] = {}
    # a capitalised word that only ever opens a sentence ("Talks", "Instead") is not taken as a name
    initial_only: dict[str, int] = {}
    mid: set[str] = set()

    def add(a: str) -> None:
        if a not in out:
            out[a] = len(out)

    for i, tok in enumerate(toks):
        c = tok[0]
        if c.isdigit():
            digits = re.sub(r"\D", "", tok)
            if len(digits) >= 2:
                add("#" + digits)
            continue
        if not c.isalpha():
            continue
        f = fold(tok)
        month = _MONTHS.get(f)
        if month is not None:
            day = None
            for j in (i - 1, i - 2, i + 1):  # "9 October", "9. Oktober", "20 mai", "October 9"
                if 0 <= j < len(toks) and toks[j].isdigit() and len(toks[j]) <= 2 and 1 <= int(toks[j]) <= 31:
                    day = int(toks[j])
                    break
            # French, Spanish, Italian months are lower case; a short lower-case word ("may", "mar")
            # is a month only next to a day number
            if day or len(f) > 3 or _is_capitalised(tok):
                add(f"@{month:02d}-{day:02d}" if day else f"@{month:02d}")
                continue
        wd = _WEEKDAYS.get(f)
        if wd is not None:
            add(f"~{wd}")
            continue
        if not _is_capitalised(tok) or f in _NOT_NAMES:
            continue
        if not (tok.isupper() and len(tok) >= 2 or len(tok) >= 3):
            continue
        if len(f) > 4 and f.endswith("s"):
            f = f[:-1]
        if i == 0 or toks[i - 1] in _OPENERS:
            if f not in out and f not in initial_only:
                initial_only[f] = len(out)
                out[f] = len(out)  # keep its place; dropped below unless seen mid-sentence
            continue
        mid.add(f)
        add(f)
    ranked = [a for a in out if a not in initial_only or a in mid]
    return [(a, r) for r, a in enumerate(ranked)]


# -- time ----------------------------------------------------------------------------------------

def seen_at(published: str | None, stored_at: datetime | None) -> tuple[datetime, str]:
    """When the corpus takes an article to have appeared: ``(naive UTC datetime, basis)``.

    The publication time when it parses (basis ``published``), else the time the article was
    stored (basis ``stored``), else now.
    """
    dt = parse_published(published)
    if dt is not None:
        return dt, "published"
    if stored_at is not None:
        if stored_at.tzinfo is not None:
            stored_at = stored_at.astimezone(timezone.utc).replace(tzinfo=None)
        return stored_at, "stored"
    return datetime.now(timezone.utc).replace(tzinfo=None), "stored"
