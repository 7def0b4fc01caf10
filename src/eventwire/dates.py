"""Dates, in one module: the parsers of extraction, temporal grounding and the corpus view, and the
month and weekday names they share.

* :func:`parse_date` / :func:`date_line` (extraction): a publication date or a date line in any common
  news format -> :class:`ParsedDate` (below);
* :func:`parse_published` (corpus view): a stored ISO 8601 value at any granularity -> a naive UTC
  ``datetime``;
* :func:`last_day` (temporal grounding, the event coder, event context): the last day an ISO value
  covers;
* :data:`MONTHS`, :data:`WEEKDAYS` and their English and date-line subsets, from the lexicon tables
  ``month_names.tsv`` and ``weekday_names.tsv`` (relative expressions themselves are resolved in
  :mod:`eventwire.temporal.resolve`).

Text dates: parsing is dateparser's (``DateDataParser`` with ``RETURN_TIME_AS_PERIOD``, which tells whether a time
of day was given); this module adds what a news pipeline needs around it:

* granularity-preserving ISO output: ``2021``, ``2021-10``, ``2021-10-09``, ``2021-10-09T13:24``,
  ``2021-10-09T13:24:05+02:00`` (UTC offset only when the text gives one);
* recognising a line that is *only* a date (``October 9. 2021 13:24``, ``09.10.2021, 13:24 Uhr``,
  ``Published: 9 Oct 2021``) as opposed to a sentence that mentions one;
* day-first preference for European numeric dates (``09.10.2021`` is 9 October).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from eventwire import lexicon

_MONTH_ROWS = lexicon.table("month_names")[1]
_WEEKDAY_ROWS = lexicon.table("weekday_names")[1]
#: Languages whose dates dateparser reads on date lines (:func:`parse_date`'s default).
DATE_LINE_LANGUAGES = ("en", "de", "fr", "es")


def _names(rows, languages: tuple[str, ...] | None = None, kinds: tuple[str, ...] = ("name", "abbr")) -> dict[str, int]:
    return {n: int(v) for n, v, langs, kind in rows
            if kind in kinds and (languages is None or set(langs.split()) & set(languages))}


#: Every month name and abbreviation (all languages and kinds, as written, lower case) -> month number.
MONTHS = _names(_MONTH_ROWS, kinds=("name", "abbr", "ascii"))
#: English month names and abbreviations ("january", "jan", "sept") -> month number.
EN_MONTHS = _names(_MONTH_ROWS, ("en",))
#: Month names of the date-line languages (as written, no ASCII transliterations).
DATE_LINE_MONTHS = frozenset(_names(_MONTH_ROWS, DATE_LINE_LANGUAGES))
#: Every weekday name (all languages, both German names of Saturday) -> ISO weekday (1 Monday .. 7 Sunday).
WEEKDAYS = _names(_WEEKDAY_ROWS, kinds=("name", "variant"))
#: English weekday names ("monday" .. "sunday", no abbreviations) -> ISO weekday.
EN_WEEKDAYS = _names(_WEEKDAY_ROWS, ("en",), kinds=("name",))
#: Weekday names and English abbreviations of the date-line languages.
DATE_LINE_WEEKDAYS = frozenset(_names(_WEEKDAY_ROWS, DATE_LINE_LANGUAGES))
#: Words that may surround a date on a date-only line (en, de, fr, es), lower case: month and weekday
#: names and the glue, time-zone and prefix words of ``date_line_words.tsv``.
_DATE_WORDS = DATE_LINE_MONTHS | DATE_LINE_WEEKDAYS | lexicon.words("date_line_words")
_PREFIX = re.compile(
    r"^\s*(?:(?:first\s+)?published|updated|last\s+updated|posted|modified|date|stand|veröffentlicht|"
    r"aktualisiert|publié\s+le|mis\s+à\s+jour\s+le|publicado|actualizado)\s*(?:on|am|:)?\s*[:\-–]?\s*",
    re.I,
)
_WORD = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]+)*", re.U)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_HAS_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)|\b\d{1,2}[./-]\d{1,2}[./-]\d{2}\b")


#: Generic North American zone names (no standard/daylight letter): their offset depends on the date,
#: so they are resolved with the IANA zone (``ET`` in October is EDT, -04:00; in January EST, -05:00).
_GENERIC_TZ = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles"}
_GENERIC_TZ_RE = re.compile(r"\s+(ET|CT|MT|PT)\s*$")


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed date: ISO 8601 ``iso`` string at ``granularity`` (``year``/``month``/``day``/``minute``/
    ``second``), the ``datetime`` itself and whether a UTC offset was given (``has_tz``)."""

    iso: str
    granularity: str
    value: datetime
    has_tz: bool


@lru_cache(maxsize=4)
def _parser(languages: tuple[str, ...]):
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(languages),
        settings={
            "RETURN_TIME_AS_PERIOD": True,
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["year"],
        },
    )


def to_iso(value: datetime, period: str) -> ParsedDate:
    """Format ``value`` at the granularity dateparser reported (``time``, ``day``, ``month``, ``year``)."""
    has_tz = value.tzinfo is not None and value.utcoffset() is not None
    if period == "year":
        return ParsedDate(f"{value.year:04d}", "year", value, False)
    if period == "month":
        return ParsedDate(f"{value.year:04d}-{value.month:02d}", "month", value, False)
    if period == "time":
        gran = "second" if value.second else "minute"
        fmt = "%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M"
        iso = value.strftime(fmt)
        if has_tz:
            off = value.utcoffset()
            total = int(off.total_seconds()) // 60
            sign = "+" if total >= 0 else "-"
            iso += f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
        return ParsedDate(iso, gran, value, has_tz)
    return ParsedDate(value.strftime("%Y-%m-%d"), "day", value, False)


def parse_date(text: str, languages: tuple[str, ...] = ("en", "de", "fr", "es")) -> ParsedDate | None:
    """Parse a date/time string (any common news format) into a :class:`ParsedDate`.

    A year must be present (relative expressions such as "3 hours ago" are the knowledge layer's job).
    Returns ``None`` when nothing parses. Numeric dates are read day-first (``09.10.2021`` = 9 Oct).
    """
    s = _PREFIX.sub("", text.strip())
    s = re.sub(r"(\d)\.\s+(\d{4})", r"\1 \2", s)  # "October 9. 2021" -> "October 9 2021"
    s = re.sub(r"\s*\|\s*", " ", s).strip(" ,;|")
    if not s or not _HAS_YEAR.search(s):
        return None
    if _ISO.fullmatch(s):
        iso = _parse_iso(s)
        if iso:
            return iso
    if languages[:1] == ("en",) and (m := _ENGLISH_DATE.fullmatch(s)) and (fast := _english_date(m)) is not None:
        return fast
    return _dateparser_date(s, languages)


#: English month names and abbreviations, capitalised as in a date line ("January", "Jan") -> month number.
_MONTHS = {name.capitalize(): i for name, i in EN_MONTHS.items()}
#: The commonest English date line, ``March 3, 2024 10:00`` (also ``Mar. 3 2024``, ``March 3, 2024, 9:05``):
#: read directly, with the same result as dateparser (tests/extract/test_metadata.py compares them on every
#: month, day and form), which takes ~1.5 ms per call.
_ENGLISH_DATE = re.compile(
    r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.? (?P<d>[0-9]{1,2}),? (?P<y>(?:19|20)[0-9][0-9])"
    r"(?:,? (?P<H>[0-9]{1,2}):(?P<M>[0-9][0-9]))?")


def _english_date(m: re.Match[str]) -> ParsedDate | None:
    """A :data:`_ENGLISH_DATE` match as a :class:`ParsedDate` (``None`` for an impossible date or time,
    left to dateparser)."""
    try:
        if m["H"] is None:
            return to_iso(datetime(int(m["y"]), _MONTHS[m["mon"]], int(m["d"])), "day")
        return to_iso(datetime(int(m["y"]), _MONTHS[m["mon"]], int(m["d"]), int(m["H"]), int(m["M"])), "time")
    except ValueError:
        return None


def _dateparser_date(s: str, languages: tuple[str, ...]) -> ParsedDate | None:
    """:func:`parse_date` by dateparser (with the generic North American zones resolved)."""
    zone = None
    if (gm := _GENERIC_TZ_RE.search(s)):
        zone, s = _GENERIC_TZ[gm.group(1)], s[: gm.start()]
    data = _parser(languages).get_date_data(s)
    if data is None or data.date_obj is None:
        return None
    value = data.date_obj
    if zone and data.period == "time" and value.tzinfo is None:
        from zoneinfo import ZoneInfo

        value = value.replace(tzinfo=ZoneInfo(zone))
    return to_iso(value, data.period or "day")


def _parse_iso(s: str) -> ParsedDate | None:
    try:
        value = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(s) <= 10:
        return to_iso(value, "day")
    return to_iso(value, "time")


def date_line(line: str) -> ParsedDate | None:
    """Parse ``line`` only if it is a date line: short, holds a year, and nothing but date words.

    ``"October 9. 2021 13:24"`` and ``"Published: 09.10.2021, 13:24 Uhr"`` are date lines;
    ``"Talks resumed on October 9, 2021"`` is not (it has other words).
    """
    s = line.strip()
    if not s or len(s) > 80 or not _HAS_YEAR.search(s):
        return None
    if _ISO.fullmatch(s):
        return parse_date(s)
    other = [w for w in _WORD.findall(s) if w.lower().strip(".") not in _DATE_WORDS]
    if other:
        return None
    return parse_date(s)


_ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_published(value: str | None) -> datetime | None:
    """A naive UTC ``datetime`` for an ISO 8601 publication time at any granularity, or ``None``.

    ``2021-10-09T13:24`` (no zone: taken as printed), ``2025-08-11T06:20:00Z`` and ``...+02:00``
    (converted to UTC), ``2021-10`` (the 1st), ``2021`` (1 January). Unparseable values give ``None``.
    """
    if not value:
        return None
    m = _ISO_PREFIX.match(value.strip())
    if not m:
        return None
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        dt = datetime(int(y), int(mo or 1), int(d or 1), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    if tz:
        if tz == "Z":
            off = 0
        else:
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            off = sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))
        dt = dt - timedelta(minutes=off)
    return dt


def last_day(value: str | None) -> date | None:
    """The last day covered by an ISO date value at any granularity ("2024" -> 2024-12-31, "2024-02" ->
    2024-02-29, "2024-02-10" -> itself; a trailing time or range end after the date is ignored), or
    ``None`` when ``value`` does not start with a valid date."""
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value or "")
    if not m:
        return None
    try:
        y = int(m[1])
        if m[3]:
            return date(y, int(m[2]), int(m[3]))
        if m[2]:
            return date(y, int(m[2]), calendar.monthrange(y, int(m[2]))[1])
        return date(y, 12, 31)
    except ValueError:
        return None
