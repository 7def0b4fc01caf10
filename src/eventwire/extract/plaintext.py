"""Plain-text articles (text dumps, saved pages, JSONL ``text``) -> title, dates, byline, clean body.

The layout this parser understands is the one news text dumps share (the seed ``doha-talks.txt`` is
the reference)::

    July 27, 2024                      <- a date line above the title: the page date, not publication
    Talks ... in Doha – RT DE          <- the title, with an outlet suffix
    Talks ... in Doha – RT DE          <- the title again (duplicated by the dump): dropped
    October 9. 2021 13:24              <- a date line below the title: the publication time
    By Jane Doe                        <- an optional byline
    Posted 20190315 by the press desk  <- (or) a "posted" line: the publication date, here compact
    A US delegation wants to ...       <- the body: paragraphs separated by blank lines
    See also  What Prince Harry ...    <- boilerplate lines: removed from the body, kept apart

Blocks are separated by blank lines; a text with no blank lines is read one line per block. Hard-wrapped
paragraphs (lines broken at a fixed width) are re-joined. No-break spaces (U+00A0) become spaces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from eventwire.extract.boilerplate import split_boilerplate
from eventwire.dates import date_line
from eventwire.extract.titles import split_title

#: A header block longer than this (words) is body text, not a title.
MAX_TITLE_WORDS = 30
#: Only the first few blocks can be header blocks (date lines, title, byline).
MAX_HEADER_BLOCKS = 8

#: A "posted" line of a text dump: "Posted 20190315 by the press office.", "Published 2022/07 in the
#: annual report.", "Published on June 3, 2024": a publication date with a few words around it.
_POSTED = re.compile(
    r"^\s*(?:posted|published|first\s+published|veröffentlicht|publié|publicado)(?:\s+(?:on|am|le|el)|\s*:)?\s+"
    r"(?P<date>[^\s].{0,40}?)(?:\s+(?:by|in|at|on|von|par|por)\s+[^\n]{1,80}?)?\s*\.?\s*$", re.I)
_COMPACT = re.compile(r"((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")


def posted_line(block: str):
    """The publication date of a "posted" line (see :data:`_POSTED`), else ``None``. The date may be
    compact (``20190315`` -> 2019-03-15) or month-only (``2022/07`` -> ``2022-07``, month granularity:
    no day is invented); otherwise it is read as a date line (:func:`eventwire.dates.date_line`)."""
    if len(block.split()) > 15 or not (m := _POSTED.match(block)):
        return None
    value = m.group("date").strip()
    if (c := _COMPACT.fullmatch(value)):
        from datetime import date, datetime

        try:
            d = date(int(c[1]), int(c[2]), int(c[3]))
        except ValueError:
            return None
        from eventwire.dates import ParsedDate

        return ParsedDate(d.isoformat(), "day", datetime(d.year, d.month, d.day), False)
    return date_line(value)


_BYLINE = re.compile(r"^\s*(?:by|von|par|por|written by|reporting by)\s+(?P<names>[^\n]{2,120})$", re.I)
_SENT_END = re.compile(r"[.!?…:;»”\"']\s*$")


@dataclass(slots=True)
class ParsedText:
    """Result of :func:`parse_plaintext`.

    Attributes:
        title: clean title or ``None``; outlet: outlet named in the title suffix, if any.
        body: clean body, paragraphs separated by ``"\\n\\n"``.
        published: ISO publication time from the dateline below the title; page_date: ISO date of a
            date line above the title.
        authors: names from a byline; boilerplate: removed body lines, verbatim.
        raw_title: the title line as it appeared (with its suffix).
    """

    title: str | None
    body: str
    published: str | None = None
    page_date: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    raw_title: str | None = None
    warnings: list[str] = field(default_factory=list)


def split_blocks(text: str) -> list[str]:
    """Split ``text`` into blocks: by blank lines, or by lines when there is no blank line.

    Hard-wrapped blocks (every line but the last at least 50 characters and none ending a sentence,
    and no line a date line) are joined with spaces; other multi-line blocks keep one line per block.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").lstrip("\ufeff")
    if re.search(r"\n[ \t]*\n", text):
        raw_blocks = re.split(r"\n[ \t]*\n", text)
    else:
        raw_blocks = text.split("\n")
    blocks: list[str] = []
    for b in raw_blocks:
        lines = [ln.rstrip() for ln in b.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) == 1:
            blocks.append(lines[0].strip())
            continue
        # a date line is a line of its own: "A long headline ... regime" + "June 12, 2025" is a title
        # and its date line, not one hard-wrapped line (issue 13: the title swallowed the date)
        wrapped = (all(len(ln) >= 50 and not _SENT_END.search(ln) for ln in lines[:-1])
                   and not any(date_line(ln) is not None for ln in lines))
        if wrapped:
            blocks.append(" ".join(ln.strip() for ln in lines))
        else:
            blocks.extend(ln.strip() for ln in lines)
    return blocks


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s.casefold()).strip()  # noqa: E731
    return norm(a) == norm(b)


def _is_title_like(block: str) -> bool:
    words = block.split()
    if not words or len(words) > MAX_TITLE_WORDS:
        return False
    # a title does not end in a full stop (it may end in ?, !, a quote, or an outlet suffix)
    return not block.rstrip().endswith((".", ";", ","))


def parse_plaintext(text: str, hints: dict | None = None) -> ParsedText:
    """Parse a plain-text article (see the module docstring for the layout).

    Args:
        text: the decoded text.
        hints: metadata from the container (``title``, ``published``, ``outlet``); when ``title`` is
            given, no title is taken from the text, except that a first block equal to it is dropped.

    Returns:
        A :class:`ParsedText`. The body may be empty (the caller decides what that means), e.g. when
        every block is a header block. A text that is one line (with or without a final full stop,
        after any date lines) is the body, with no title.
    """
    hints = hints or {}
    blocks = split_blocks(text)
    hint_title = hints.get("title") if isinstance(hints.get("title"), str) else None
    raw_title: str | None = None
    page_date = published = None
    authors: list[str] = []
    warnings: list[str] = []
    i = 0
    while i < len(blocks) and i < MAX_HEADER_BLOCKS:
        b = blocks[i]
        d = date_line(b) or posted_line(b)
        if d is not None:
            if raw_title is None and hint_title is None and page_date is None:
                page_date = d.iso
            elif published is None:
                published = d.iso
            else:
                warnings.append(f"extra date line in header ignored: {b!r}")
            i += 1
            continue
        if (m := _BYLINE.match(b)) and len(b.split()) <= 15:
            names, when = _byline_date(m.group("names"))
            authors.extend(_split_names(names))
            if when is not None and published is None and (raw_title is not None or hint_title):
                published = when.iso
            i += 1
            continue
        if raw_title is not None and _same(b, raw_title):
            i += 1  # duplicated title line
            continue
        if hint_title and _same(split_title(b)[0] or b, split_title(hint_title)[0] or hint_title):
            i += 1
            continue
        if raw_title is None and hint_title is None and _is_title_like(b) and i + 1 < len(blocks):
            raw_title = b
            i += 1
            continue
        break
    # A text of one block (after any date lines) is a body, even without a final full stop: a snippet
    # or a one-sentence story cannot be told from a headline, and dropping it as "only a title" lost
    # 31% of one gold set's snippets (issue 18). It gets no title: the text does not say it has one.
    if page_date and not published and raw_title is None and hint_title is None:
        # a lone date line with no title above the body: it dates the text itself
        published, page_date = page_date, None
    kept, removed = split_boilerplate(blocks[i:])
    title, outlet = split_title(raw_title) if raw_title else (None, None)
    return ParsedText(
        title=title,
        body="\n\n".join(kept),
        published=published,
        page_date=page_date,
        outlet=outlet,
        authors=authors,
        boilerplate=removed,
        raw_title=raw_title,
        warnings=warnings,
    )


def _byline_date(s: str):
    """Split ``"Jane Doe, October 9, 2021"`` / ``"Jane Doe | 09.10.2021 13:24"`` into the names and the
    parsed date (``None`` when no trailing date)."""
    for m in re.finditer(r"\s*(?:[,|–—]|\s-\s)\s*", s):
        d = date_line(s[m.end():])
        if d is not None:
            return s[: m.start()], d
    return s, None


def _split_names(s: str) -> list[str]:
    s = re.sub(r"\s*[|,;]\s*(?:[A-Z][a-z]+ )?(?:correspondent|reporter|editor|staff).*$", "", s, flags=re.I)
    parts = re.split(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|&)\s*", s)
    return [p.strip() for p in parts if p.strip()]
