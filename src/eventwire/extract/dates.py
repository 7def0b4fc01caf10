"""Parse publication dates and datelines into ISO 8601 strings that keep their granularity.

Parsing is dateparser's (``DateDataParser`` with ``RETURN_TIME_AS_PERIOD``, which tells whether a time
of day was given); this module adds what a news pipeline needs around it:

* granularity-preserving ISO output: ``2021``, ``2021-10``, ``2021-10-09``, ``2021-10-09T13:24``,
  ``2021-10-09T13:24:05+02:00`` (UTC offset only when the text gives one);
* recognising a line that is *only* a date (``October 9. 2021 13:24``, ``09.10.2021, 13:24 Uhr``,
  ``Published: 9 Oct 2021``) as opposed to a sentence that mentions one;
* day-first preference for European numeric dates (``09.10.2021`` is 9 October).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

#: Words that may surround a date on a date-only line (en, de, fr, es), lower case.
_DATE_WORDS = {
    # months
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "januar", "jänner", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "janvier",
    "février", "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
    "noviembre", "diciembre",
    # weekdays
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed",
    "thu", "fri", "sat", "sun", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
    "sonntag", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes",
    "miércoles", "jueves", "viernes", "sábado", "domingo",
    # glue and time words
    "uhr", "um", "at", "à", "a", "las", "h", "am", "pm", "a.m", "p.m", "de", "del", "le", "the", "of", "on",
    "utc", "gmt", "cet", "cest", "mez", "mesz", "et", "est", "edt", "pst", "pdt", "bst", "ct", "cdt", "cst",
    "mt", "mdt", "mst", "pt", "eet", "eest", "msk", "ist", "jst", "kst", "hkt", "sgt", "aest", "aedt",
    # prefixes of date lines
    "published", "updated", "posted", "last", "modified", "date", "stand", "veröffentlicht", "aktualisiert",
    "publié", "mis", "jour", "publicado", "actualizado",
}
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


#: English month names and abbreviations -> month number.
_MONTHS = {name: i + 1 for i, names in enumerate((
    ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",), ("June", "Jun"),
    ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
    ("December", "Dec"))) for name in names}
#: The commonest English date line, ``March 3, 2024 10:00`` (also ``Mar. 3 2024``, ``March 3, 2024, 9:05``):
#: read directly, with the same result as dateparser (tests/test_metadata.py compares them on every
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
