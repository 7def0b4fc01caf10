"""Resolving one date/time expression against an anchor date (usually the publication date).

:func:`resolve` is pure (no spaCy): ``resolve("on Thursday", date(2021, 10, 9))`` gives
``2021-10-07`` (day). Values are ISO 8601 at their granularity:

==============  ===========================  =========================================
granularity     value                        example
==============  ===========================  =========================================
``minute``      ``YYYY-MM-DDThh:mm``         "13:24", "10 a.m." (on the anchor date)
``day``         ``YYYY-MM-DD``               "on Thursday", "yesterday", "July 21, 2017"
``weekend``     ``YYYY-MM-DD/YYYY-MM-DD``    "this weekend" (Saturday/Sunday interval)
``week``        ``YYYY-Www``                 "last week"
``month``       ``YYYY-MM``                  "last month", "in March", "at the end of August"
``season``      interval                     "this summer" (meteorological, northern hemisphere)
``year``        ``YYYY``                     "in 2001", "last year"
``decade``      ``YYYY/YYYY``                "the 1990s"
``century``     ``YYYY/YYYY``                "the 20th century" (1900/1999)
``range``       interval                     "the past two years"
``duration``    ISO duration ``PnY``...      "two decades", "six hours" (not a point in time)
==============  ===========================  =========================================

``range_start``/``range_end`` (inclusive ISO dates) bound every resolved value. A part of a month
("the end of August", "early March", "mid-July") keeps the month as value and narrows the range to
days 21-end, 1-10 or 11-20.

Rules for relative expressions (ours; dateparser is only the fallback for absolute forms we do not
parse ourselves):

* a bare weekday ("on Thursday") is the latest such day on or before the anchor, or the next one on
  or after it when the clause is in the future tense (``future=True``); "last"/"next" force the
  direction and skip the anchor day itself;
* "this weekend" is the weekend holding the anchor when the anchor is a Saturday or Sunday, else the
  coming one (the past one in a past-tense clause); "(over) the weekend" on a weekday is the past one
  unless the clause is in the future tense;
* a month without a year ("in March") is the latest such month on or before the anchor month, or the
  next one in a future-tense clause; a day and month without a year ("November 20") is the latest
  such date in a past-tense clause, the next in a future-tense one, else the nearest to the anchor;
* "N units ago", "last/next/this week|month|year", "earlier/later this ..." count calendar units from
  the anchor.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from eventwire import lexicon
from eventwire.dates import EN_MONTHS, EN_WEEKDAYS, last_day  # noqa: F401 (last_day: re-exported)

#: English month names and abbreviations -> month number (:data:`eventwire.dates.EN_MONTHS`).
MONTHS = dict(EN_MONTHS)
#: English weekday names -> weekday number, Monday 0 (``date.weekday()``; from :data:`eventwire.dates.EN_WEEKDAYS`).
WEEKDAYS = {name: iso - 1 for name, iso in EN_WEEKDAYS.items()}
NUMBERS = lexicon.numbers("unit_counts")
_UNITS = lexicon.mapping("time_units")
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PART = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20), "middle": (11, 20),
         "late": (21, 31), "end": (21, 31)}

_MONTH_RE = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD_RE = "(" + "|".join(WEEKDAYS) + ")"
_NUM_RE = r"(\d+|" + "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True)) + ")"
_LEAD = re.compile(r"^(?:(?:on|in|at|during|since|from|until|till|by|before|after|of|for|over|throughout|around|"
                   r"about|as of|as early as|as late as|later|earlier|the)\s+)+(?!past\b|last\b|previous\b|next\b|coming\b)")
_MOD = r"(?:(early|mid|late|the end of|end of|the beginning of|beginning of|the start of|start of|the middle of|middle of)[\s-]+)?"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolution: ISO ``value`` (``None`` when unresolved), ``granularity``, inclusive ISO range, rule."""

    value: str | None
    granularity: str | None
    range_start: str | None
    range_end: str | None
    rule: str


UNRESOLVED = Resolved(None, None, None, None, "unresolved")


def _day(d: date, rule: str) -> Resolved:
    return Resolved(d.isoformat(), "day", d.isoformat(), d.isoformat(), rule)


def _month(y: int, m: int, rule: str, part: tuple[int, int] | None = None) -> Resolved:
    last = calendar.monthrange(y, m)[1]
    a, b = part or (1, last)
    return Resolved(f"{y:04d}-{m:02d}", "month", date(y, m, a).isoformat(), date(y, m, min(b, last)).isoformat(), rule)


def _year(y: int, rule: str) -> Resolved:
    return Resolved(f"{y:04d}", "year", f"{y:04d}-01-01", f"{y:04d}-12-31", rule)


def _interval(a: date, b: date, gran: str, rule: str, value: str | None = None) -> Resolved:
    return Resolved(value or f"{a.isoformat()}/{b.isoformat()}", gran, a.isoformat(), b.isoformat(), rule)


def _week(d: date, rule: str) -> Resolved:
    y, w, _ = d.isocalendar()
    mon = d - timedelta(days=d.weekday())
    return _interval(mon, mon + timedelta(days=6), "week", rule, f"{y:04d}-W{w:02d}")


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _num(s: str) -> int | None:
    s = s.strip()
    if s.isdigit():
        return int(s)
    return NUMBERS.get(s)


def _part(mod: str | None) -> tuple[int, int] | None:
    if not mod:
        return None
    for k, v in _PART.items():
        if k in mod:
            return v
    return None


def clean(text: str) -> str:
    """Lower-case, normalise spaces and dashes, drop leading prepositions/determiners and trailing
    punctuation: ``"on Thursday,"`` -> ``"thursday"``."""
    t = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    t = re.sub(r"\s+", " ", t).strip(" ,.;:()[]\"'")
    t = re.sub(r"'s$", "", t)
    return _LEAD.sub("", t).strip()


def resolve(text: str, anchor: date | None, future: bool = False, past: bool = False) -> Resolved:
    """Resolve a date/time expression.

    Args:
        text: the expression as written (a leading preposition is allowed: "on Thursday", "in 2001").
        anchor: the date relative expressions count from (publication date); ``None`` resolves only
            absolute expressions with a year.
        future: the clause is in the future tense ("will meet on Thursday"): weekdays and months
            without a year then resolve forwards.
        past: the clause is in the past tense; a day and month without a year then resolves to the
            latest such date (with neither flag: the nearest one).

    Returns:
        A :class:`Resolved`; ``value`` is ``None`` when the expression could not be resolved.
    """
    t = clean(text)
    if not t:
        return UNRESOLVED
    # a weekday in front of a full date ("Friday, July 21, 2017") adds nothing
    t2 = re.sub(rf"^{_WD_RE},?\s+(?=\d|{_MONTH_RE})", "", t)
    mode = "future" if future else "past" if past else None
    for fn in (_absolute, _relative_fixed, _weekday, _weekend, _units, _month_only, _season, _decade,
               _time_of_day, _duration):
        r = fn(t2, anchor, mode)
        if r is not None:
            return r
    if anchor is not None or re.search(r"\d{4}", t):
        r = _dateparser(text, anchor, mode == "future")
        if r is not None:
            return r
    return UNRESOLVED


def _absolute(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2}))?", t)
    if m:
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        if m[4]:
            return Resolved(f"{d.isoformat()}T{m[4]}:{m[5]}", "minute", d.isoformat(), d.isoformat(), "ISO date-time")
        return _day(d, "ISO date")
    m = re.fullmatch(r"(\d{1,2})([./])(\d{1,2})\2(\d{4})", t)
    if m:
        a, b, y = int(m[1]), int(m[3]), int(m[4])
        dm = m[2] == "." or a > 12  # dots are day-first (German, Russian style); a > 12 must be a day
        day_, mon = (a, b) if dm else (b, a)
        try:
            return _day(date(y, mon, day_), "numeric date " + ("D.M.Y" if dm else "M/D/Y"))
        except ValueError:
            return None
    m = re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? {_MONTH_RE},?(?: (\d{{4}}))?", t)
    if m:
        return _day_month(int(m[1]), MONTHS[m[2]], int(m[3]) if m[3] else None, anchor, mode)
    m = re.fullmatch(rf"{_MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?[,.]?(?: (\d{{4}}))?", t)
    if m:
        return _day_month(int(m[2]), MONTHS[m[1]], int(m[3]) if m[3] else None, anchor, mode)
    m = re.fullmatch(rf"{_MOD}{_MONTH_RE},? (\d{{4}})", t)
    if m:
        return _month(int(m[3]), MONTHS[m[2]], "month and year", _part(m[1]))
    m = re.fullmatch(rf"(?:the )?(?:(early|mid|late|the end of|end of|the beginning of|beginning of)[\s-]+)?(?:the year )?(1\d{{3}}|20\d{{2}})", t)
    if m:
        y = int(m[2])
        if m[1]:
            part = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "end": (10, 12), "beginning": (1, 3)}
            a, b = next(v for k, v in part.items() if k in m[1])
            return Resolved(f"{y:04d}", "year", date(y, a, 1).isoformat(),
                            date(y, b, calendar.monthrange(y, b)[1]).isoformat(), "part of a year")
        return _year(y, "year")
    m = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2,4})", t)
    if m and 1000 < int(m[1]) < 2200:
        y1 = int(m[1])
        y2 = int(m[2]) if len(m[2]) == 4 else (y1 // 100) * 100 + int(m[2])
        if y2 > y1:
            return _interval(date(y1, 1, 1), date(y2, 12, 31), "range", "span of years", f"{y1:04d}/{y2:04d}")
    return None


def _day_month(d: int, mon: int, y: int | None, anchor: date | None, mode: str | None) -> Resolved | None:
    if y is None:
        if anchor is None:
            return None
        cands = []
        for yy in (anchor.year - 1, anchor.year, anchor.year + 1):
            try:
                cands.append(date(yy, mon, d))
            except ValueError:
                continue
        if not cands:
            return None
        slack = timedelta(days=14)
        if mode == "future":
            pool = [c for c in cands if c >= anchor - slack] or cands
            best = min(pool)
            rule = "day and month in a future-tense clause: next such date"
        elif mode == "past":
            pool = [c for c in cands if c <= anchor + slack] or cands
            best = max(pool)
            rule = "day and month in a past-tense clause: latest such date"
        else:
            best = min(cands, key=lambda c: abs((c - anchor).days))
            rule = "day and month: the nearest such date to the anchor"
        return _day(best, rule)
    try:
        return _day(date(y, mon, d), "full date")
    except ValueError:
        return None


def _relative_fixed(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    if anchor is None:
        return None
    if t in ("today", "tonight", "now", "this morning", "this afternoon", "this evening", "earlier today",
             "later today", "the evening", "the morning", "the afternoon", "the night", "evening", "morning",
             "afternoon", "last night", "overnight", "today's"):
        if t == "last night":
            return _day(anchor - timedelta(days=1), "last night = the day before the anchor")
        return _day(anchor, "same day as the anchor")
    if t in ("yesterday", "yesterday's"):
        return _day(anchor - timedelta(days=1), "yesterday")
    if t in ("tomorrow", "tomorrow's"):
        return _day(anchor + timedelta(days=1), "tomorrow")
    if t == "the day before yesterday":
        return _day(anchor - timedelta(days=2), "the day before yesterday")
    if t == "the day after tomorrow":
        return _day(anchor + timedelta(days=2), "the day after tomorrow")
    m = re.fullmatch(r"(yesterday|tomorrow) (morning|afternoon|evening|night)", t)
    if m:
        return _day(anchor + timedelta(days=-1 if m[1] == "yesterday" else 1), m[1])
    return None


def _weekday(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    m = re.fullmatch(rf"(last|next|this|this coming|coming|previous|early|late)? ?{_WD_RE}(?:'s)?(?: (morning|afternoon|evening|night))?", t)
    if not m or anchor is None:
        return None
    mod, wd = m[1], WEEKDAYS[m[2]]
    delta = (anchor.weekday() - wd) % 7  # days back to the latest such weekday (0 = the anchor itself)
    if mod in ("last", "previous"):
        return _day(anchor - timedelta(days=delta or 7), "last <weekday>: the one before the anchor")
    if mod in ("next", "coming", "this coming"):
        fwd = (wd - anchor.weekday()) % 7
        return _day(anchor + timedelta(days=fwd or 7), "next <weekday>: the one after the anchor")
    if mode == "future":
        fwd = (wd - anchor.weekday()) % 7
        return _day(anchor + timedelta(days=fwd), "weekday in a future-tense clause: next one on/after the anchor")
    return _day(anchor - timedelta(days=delta), "weekday: latest one on/before the anchor")


def _weekend(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    m = re.fullmatch(r"(this|the|last|next|past|previous|coming|this coming)? ?weekend", t)
    if not m or anchor is None:
        return None
    mod = m[1] or "the"
    sat_this = anchor + timedelta(days=5 - anchor.weekday())  # Saturday of the anchor's ISO week
    if mod in ("last", "past", "previous"):
        sat = sat_this - timedelta(days=7)
        rule = "last weekend"
    elif mod in ("next", "coming", "this coming"):
        sat = sat_this if anchor.weekday() < 5 else sat_this + timedelta(days=7)
        rule = "next weekend"
    elif anchor.weekday() >= 5 or mode == "future" or (mod == "this" and mode != "past"):
        sat = sat_this
        rule = "this weekend: the weekend of the anchor" if anchor.weekday() >= 5 else "this weekend: the coming one"
    else:  # "(over) the weekend", or any weekend in a past-tense clause
        sat = sat_this - timedelta(days=7)
        rule = "the weekend in a past-tense clause: the one before the anchor"
    return _interval(sat, sat + timedelta(days=1), "weekend", rule)


def _units(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    if anchor is None:
        return None
    m = re.fullmatch(r"(?:(earlier|later|early|late) )?(this|last|next|the past|the previous|the coming|previous|coming|the same|this past|this coming)"
                     r" (week|month|year)", t)
    if m:
        when, unit = m[2], m[3]
        k = (-1 if when in ("last", "previous", "the past", "the previous", "this past")
             else 1 if when in ("next", "coming", "the coming", "this coming") else 0)
        part = _part(m[1]) if unit == "month" else None
        return _shift(anchor, unit, k, f"{m[0]}", part)
    m = re.fullmatch(rf"(?:about |some |nearly |almost |more than |over |just )?{_NUM_RE} (day|week|month|year|decade)s? (ago|earlier|before|later|from now|hence)", t)
    if m:
        n = _num(m[1])
        if n is None:
            return None
        sign = -1 if m[3] in ("ago", "earlier", "before") else 1
        unit = m[2]
        if unit == "decade":
            unit, n = "year", n * 10
        return _shift(anchor, unit, sign * n, f"{n} {unit}(s) {'before' if sign < 0 else 'after'} the anchor")
    m = re.fullmatch(r"(?:the )?(past|last|previous|next|coming) (decade|century)", t)
    if m:
        days = 3652 if m[2] == "decade" else 36524
        back = m[1] not in ("next", "coming")
        a, b = (anchor - timedelta(days=days), anchor) if back else (anchor, anchor + timedelta(days=days))
        return _interval(a, b, "range", f"the {m[1]} {m[2]} from the anchor")
    m = re.fullmatch(rf"(?:the )?(?:past|last|previous|next|coming) {_NUM_RE} (day|week|month|year|decade)s", t)
    if m:
        n = _num(m[1])
        if n is None:
            return None
        back = not re.search(r"\b(next|coming)\b", t)
        days = {"day": 1, "week": 7, "month": 30, "year": 365, "decade": 3652}[m[2]] * n
        a, b = (anchor - timedelta(days=days), anchor) if back else (anchor, anchor + timedelta(days=days))
        return _interval(a, b, "range", "the past/next N units from the anchor")
    return None


def _shift(anchor: date, unit: str, k: int, rule: str, part: tuple[int, int] | None = None) -> Resolved:
    if unit == "day":
        return _day(anchor + timedelta(days=k), rule)
    if unit == "week":
        return _week(anchor + timedelta(weeks=k), rule)
    if unit == "month":
        y, m = _add_months(anchor.year, anchor.month, k)
        return _month(y, m, rule, part)
    return _year(anchor.year + k, rule)


def _month_only(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    m = re.fullmatch(rf"(?:(last|next|this|this past|the|early|mid|late|the end of|end of|the beginning of|beginning of|"
                     rf"the start of|start of|the middle of|middle of)[\s-]+)?{_MONTH_RE}", t)
    if not m or anchor is None:
        return None
    mod, mon = m[1], MONTHS[m[2]]
    y = anchor.year
    if mod == "last":
        y = y if mon < anchor.month else y - 1
        rule = "last <month>: the one before the anchor month"
    elif mod == "next":
        y = y if mon > anchor.month else y + 1
        rule = "next <month>: the one after the anchor month"
    elif mode == "future":
        y = y if mon >= anchor.month else y + 1
        rule = "month in a future-tense clause: next one on/after the anchor month"
    else:
        y = y if mon <= anchor.month else y - 1
        rule = "month: latest one on/before the anchor month"
    return _month(y, mon, rule, _part(mod))


def _season(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    m = re.fullmatch(r"(?:(this|last|next|this past|the|this coming) )?(spring|summer|autumn|fall|winter)(?: of)?(?: (\d{4}))?", t)
    if not m or (anchor is None and not m[3]):
        return None
    a, b = _SEASONS[m[2]]

    def bounds(y: int) -> tuple[date, date]:
        ye = y + 1 if a > b else y
        return date(y, a, 1), date(ye, b, calendar.monthrange(ye, b)[1])

    if m[3]:
        y = int(m[3])
        rule = "season of a given year"
    else:
        assert anchor is not None
        y0 = anchor.year if anchor.month >= a else anchor.year - 1  # latest start on/before the anchor
        inside = bounds(y0)[0] <= anchor <= bounds(y0)[1]
        if m[1] in ("last", "this past"):
            y = y0 - 1 if inside else y0
        elif m[1] in ("next", "this coming"):
            y = y0 + 1
        else:
            y = y0 + 1 if mode == "future" and not inside else y0
        rule = "season relative to the anchor"
    start, end = bounds(y)
    return _interval(start, end, "season", rule + " (meteorological, northern hemisphere)")


_DECADE_WORDS = lexicon.numbers("decade_words")


def _decade(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    m = re.fullmatch(r"(?:the )?(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)", t)
    if m:  # "the sixties": the 1900s' decade (the 2000s' ones are still rare in news)
        y = 1900 + 10 * _DECADE_WORDS[m[1]]
        return _interval(date(y, 1, 1), date(y + 9, 12, 31), "decade", "decade in words", f"{y:04d}/{y + 9:04d}")
    m = re.fullmatch(r"(?:the )?(?:(early|mid|late)[\s-]+)?(1\d|20)?'?(\d)0s", t)
    if m:
        cent = m[2]
        if cent is None:
            if anchor is None:
                return None
            cent = "19" if int(m[3]) * 10 > anchor.year % 100 else str(anchor.year // 100)
        y = int(f"{cent}{m[3]}0")
        a, b = {None: (0, 9), "early": (0, 3), "mid": (4, 6), "late": (7, 9)}[m[1]]
        return _interval(date(y + a, 1, 1), date(y + b, 12, 31), "decade", "decade", f"{y + a:04d}/{y + b:04d}")
    m = re.fullmatch(r"(?:the )?(\d{1,2})(?:st|nd|rd|th) century", t)
    if m:
        c = int(m[1])
        return _interval(date((c - 1) * 100 if c > 1 else 1, 1, 1), date((c - 1) * 100 + 99, 12, 31), "century", "century",
                         f"{(c - 1) * 100:04d}/{(c - 1) * 100 + 99:04d}")
    return None


def _time_of_day(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    if anchor is None:
        return None
    m = re.fullmatch(r"(?:around |about |at )?(\d{1,2})(?:[:.](\d{2}))? ?(a\.?m\.?|p\.?m\.?)?(?: local time| gmt| utc)?", t)
    if not m or (m[2] is None and m[3] is None):
        return None
    h, mi = int(m[1]), int(m[2] or 0)
    if m[3] and m[3].startswith("p") and h < 12:
        h += 12
    if m[3] and m[3].startswith("a") and h == 12:
        h = 0
    if h > 23 or mi > 59:
        return None
    return Resolved(f"{anchor.isoformat()}T{h:02d}:{mi:02d}", "minute", anchor.isoformat(), anchor.isoformat(),
                    "time of day on the anchor date")


def _duration(t: str, anchor: date | None, mode: str | None) -> Resolved | None:
    m = re.fullmatch(rf"(?:about |some |nearly |almost |more than |over |less than |at least |up to |around |roughly |just )?"
                     rf"{_NUM_RE}(?:[\s-]and a half)?[\s-](minute|hour|day|week|month|year|decade|century)s?(?:[\s-]long| old)?", t)
    if m:
        n = _num(m[1])
        if n is None:
            return None
        unit = m[2]
        if unit == "decade":
            n, unit = n * 10, "year"
        if unit == "century":
            n, unit = n * 100, "year"
        code = _UNITS[unit]
        value = f"PT{n}{code}" if unit in ("minute", "hour") else f"P{n}{code}"
        return Resolved(value, "duration", None, None, "duration (not a point in time)")
    if re.fullmatch(r"(?:several |many |a few |few |the past |recent )?(minutes|hours|days|weeks|months|years|decades|centuries)", t):
        return Resolved(None, "duration", None, None, "vague duration (not a point in time)")
    return None


#: An age ("50-year-old"): spaCy tags ages as DATE entities (in the bench corpus, every text that reached
#: dateparser was one), and dateparser finds no date in them (checked for 0-199 in every spelling, with
#: and without an anchor, forwards and backwards: tests/temporal/test_temporal.py), so they skip its ~0.3 ms.
_AGE = re.compile(r"\d{1,3}[- ]years?[- ]old")


def _dateparser(text: str, anchor: date | None, future: bool) -> Resolved | None:
    """Fallback: dateparser for absolute forms our patterns miss. Only accepted when the text has a
    digit or a month name (dateparser reads many plain words as relative dates), and is not an age
    (:data:`_AGE`)."""
    t = clean(text)
    if not re.search(rf"\d|\b{_MONTH_RE}\b", t) or _AGE.fullmatch(t):
        return None
    from datetime import datetime

    from dateparser.date import DateDataParser

    settings: dict = {"PREFER_DATES_FROM": "future" if future else "past", "RETURN_TIME_AS_PERIOD": True}
    if anchor is not None:
        settings["RELATIVE_BASE"] = datetime(anchor.year, anchor.month, anchor.day)
    try:  # a parser per call: cheap (~1 ms) and the only way to pass the anchor
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(t)
    except Exception:  # dateparser raises many kinds of errors on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period or "day"
    if period == "year" and re.search(r"\b1\d{3}\b|\b20\d{2}\b", t):
        return _year(d.year, "dateparser (year)")
    if period == "month":
        return _month(d.year, d.month, "dateparser (month)")
    if period == "day":
        return _day(d, "dateparser (day)")
    if period == "time":
        return Resolved(data.date_obj.strftime("%Y-%m-%dT%H:%M"), "minute", d.isoformat(), d.isoformat(), "dateparser (time)")
    return None
