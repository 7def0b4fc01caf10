"""Temporal grounding: relative and absolute expressions resolved against an anchor date."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from eventwire.temporal.resolve import resolve

SAT = date(2021, 10, 9)   # the seed's publication date, a Saturday
WED = date(2024, 3, 13)   # a Wednesday


@pytest.mark.parametrize("text,anchor,value,gran", [
    ("on Thursday", SAT, "2021-10-07", "day"),
    ("Saturday", SAT, "2021-10-09", "day"),           # the anchor's own weekday is the anchor
    ("last Saturday", SAT, "2021-10-02", "day"),
    ("next Monday", SAT, "2021-10-11", "day"),
    ("Tuesday night", WED, "2024-03-12", "day"),
    ("yesterday", WED, "2024-03-12", "day"),
    ("tomorrow", WED, "2024-03-14", "day"),
    ("this weekend", SAT, "2021-10-09/2021-10-10", "weekend"),
    ("this weekend", WED, "2024-03-16/2024-03-17", "weekend"),
    ("last weekend", WED, "2024-03-09/2024-03-10", "weekend"),
    ("last week", WED, "2024-W10", "week"),
    ("next week", WED, "2024-W12", "week"),
    ("two weeks ago", SAT, "2021-W38", "week"),
    ("last month", SAT, "2021-09", "month"),
    ("earlier this month", SAT, "2021-10", "month"),
    ("last month", date(2024, 1, 15), "2023-12", "month"),
    ("at the end of August", SAT, "2021-08", "month"),
    ("in March", SAT, "2021-03", "month"),
    ("in November", SAT, "2020-11", "month"),        # past by default: the latest November
    ("in 2001", SAT, "2001", "year"),
    ("last year", SAT, "2020", "year"),
    ("the 1990s", SAT, "1990/1999", "decade"),
    ("the '90s", SAT, "1990/1999", "decade"),
    ("the 20th century", SAT, "1900/1999", "century"),
    ("Friday, July 21, 2017", SAT, "2017-07-21", "day"),
    ("21 July 2017", SAT, "2017-07-21", "day"),
    ("July 2017", SAT, "2017-07", "month"),
    ("Sept. 5", SAT, "2021-09-05", "day"),
    ("October 9. 2021", None, "2021-10-09", "day"),
    ("14.03.2024", None, "2024-03-14", "day"),
    ("2024-03-14", None, "2024-03-14", "day"),
    ("13:24", SAT, "2021-10-09T13:24", "minute"),
    ("10 p.m.", SAT, "2021-10-09T22:00", "minute"),
    ("this summer", SAT, "2021-06-01/2021-08-31", "season"),
    ("the past two years", SAT, "2019-10-10/2021-10-09", "range"),
    ("nearly two decades", SAT, "P20Y", "duration"),
    ("six hours", SAT, "PT6H", "duration"),
    ("2014-15", SAT, "2014/2015", "range"),
])
def test_resolve(text, anchor, value, gran):
    r = resolve(text, anchor)
    assert (r.value, r.granularity) == (value, gran), r


def test_ranges_bound_the_value():
    r = resolve("at the end of August", SAT)
    assert (r.range_start, r.range_end) == ("2021-08-21", "2021-08-31")
    r = resolve("last month", SAT)
    assert (r.range_start, r.range_end) == ("2021-09-01", "2021-09-30")
    r = resolve("last week", WED)
    assert (r.range_start, r.range_end) == ("2024-03-04", "2024-03-10")


def test_future_tense_resolves_forwards():
    assert resolve("on Thursday", SAT, future=True).value == "2021-10-14"
    assert resolve("in March", SAT, future=True).value == "2022-03"
    assert resolve("this weekend", WED, future=True).value == "2024-03-16/2024-03-17"


def test_without_anchor_only_absolute_dates_resolve():
    assert resolve("on Thursday", None).value is None
    assert resolve("last month", None).value is None
    assert resolve("in 2001", None).value == "2001"


@pytest.mark.parametrize("text", ["", "recently", "soon", "the other day", "xyzzy", "a long time"])
def test_unresolvable_expressions_give_none(text):
    r = resolve(text, SAT)
    assert r.value is None


def test_ages_skip_dateparser_because_it_finds_no_date_in_them():
    """The age shortcut of ``_dateparser`` changes nothing: dateparser itself finds no date in an age,
    for every age 0-199 in every spelling the shortcut covers, with or without an anchor, either way."""
    from dateparser.date import DateDataParser

    from eventwire.temporal.resolve import _AGE, clean

    forms = [f"{n}{a}year{s}{b}old" for n in range(200) for a in "- " for s in ("", "s") for b in "- "]
    assert all(_AGE.fullmatch(clean(f)) for f in forms)
    for anchor in (None, date(2024, 3, 3), date(2019, 12, 31)):
        for future in (False, True):
            settings: dict = {"PREFER_DATES_FROM": "future" if future else "past", "RETURN_TIME_AS_PERIOD": True}
            if anchor is not None:
                settings["RELATIVE_BASE"] = datetime(anchor.year, anchor.month, anchor.day)
            parser = DateDataParser(languages=["en"], settings=settings)
            found = [f for f in forms if parser.get_date_data(f).date_obj is not None]
            assert found == [], (anchor, future, found[:5])
    assert resolve("a 50-year-old", date(2024, 3, 3)).value is None
    assert resolve("March 2024", date(2024, 3, 3)).value == "2024-03"
