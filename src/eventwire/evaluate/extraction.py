"""``eventwire eval extraction DIR``: article extraction scored on the fundus test pages.

For every page of the fundus layout (:mod:`eventwire.evaluate.fundus`) two systems are run:

* **eventwire**: the extraction stage (:func:`eventwire.extract.extract`) on the page as a
  ``Document`` whose only hint is the page URL from ``meta.info`` (what a crawler knows);
* **trafilatura alone**: ``trafilatura.bare_extraction(html, url=url, with_metadata=True,
  include_comments=False)`` (the same trafilatura call eventwire starts from, without our layer).

Measures (all per page, then averaged over pages; definitions are ours):

* ``title``: exact match after collapsing whitespace runs (also no-break and ideographic spaces) to
  one space, stripping, and removing invisible format characters (soft hyphens, zero-width spaces);
  case, punctuation and quote styles count;
* ``authors F1``: F1 between the sets of author names (case-folded, whitespace-collapsed); a page
  whose expected list is empty scores 1 when the prediction is empty too, else 0;
* ``date (day)``: the calendar day of the publication time equals the expected one (when both carry
  a UTC offset, ours is first converted to the expected offset);
* ``datetime``: the publication time equals the expected one to the minute: the same instant when
  both carry a UTC offset; the same wall-clock time when the expected one has none; a prediction
  without an offset never matches an expected one that has one. fundus writes a date-only value as
  midnight without an offset (``2024-04-24 00:00:00``); a day-only prediction of that day matches it;
* ``body F1``: F1 between the multisets of word tokens (``\\w+``, case-folded) of the body and the
  expected body (fundus's summary and paragraphs; headlines excluded).

A page where a system raises or finds no article scores 0 on every measure for that system.
"""
from __future__ import annotations

import gzip
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from eventwire.evaluate.fundus import FundusCase, iter_cases

MEASURES = ("title", "authors_f1", "date_day", "datetime", "body_f1")
#: Targets from issue 4 (share of pages, or mean F1).
TARGETS = {"title": 0.95, "authors_f1": 0.85, "date_day": 0.95, "body_f1": 0.90}
_TOKEN = re.compile(r"\w+", re.U)


# ---------------------------------------------------------------------------------------------
# measures


_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff]")


def _ws(s: str | None) -> str:
    """NFC, invisible format characters (soft hyphen, zero-width space/joiners, BOM) removed,
    whitespace runs (incl. no-break and ideographic spaces) collapsed to one space, stripped."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", s or "")).split())


def title_match(pred: str | None, gold: str | None) -> bool:
    """Exact title match after whitespace collapsing (case and punctuation count)."""
    return bool(gold) and _ws(pred) == _ws(gold)


def author_f1(pred: Iterable[str], gold: Iterable[str]) -> float:
    """F1 in [0, 1] between two sets of author names (case-folded, whitespace-collapsed)."""
    p = {_ws(a).casefold() for a in pred if _ws(a)}
    g = {_ws(a).casefold() for a in gold if _ws(a)}
    if not g:
        return 1.0 if not p else 0.0
    if not p:
        return 0.0
    tp = len(p & g)
    if tp == 0:
        return 0.0
    prec, rec = tp / len(p), tp / len(g)
    return 2 * prec * rec / (prec + rec)


def parse_when(value: str | None) -> datetime | None:
    """Parse an ISO 8601 value (``2021-10-09``, ``2021-10-09T13:24+02:00``, fundus's
    ``2021-10-09 13:24:00+00:00``) into a ``datetime`` (aware when an offset is given), or ``None``."""
    if not value:
        return None
    s = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        return None


def _granularity_day_only(value: str) -> bool:
    return len(value.strip()) <= 10


def date_day_match(pred: str | None, gold: str | None) -> bool:
    """Same calendar day (ours converted to the expected UTC offset when both have one)."""
    p, g = parse_when(pred), parse_when(gold)
    if p is None or g is None:
        return False
    if p.tzinfo is not None and g.tzinfo is not None:
        p = p.astimezone(g.tzinfo)
    return p.date() == g.date()


def datetime_match(pred: str | None, gold: str | None) -> bool:
    """Same publication time to the minute (see the module docstring for offsets and date-only values)."""
    if not pred or not gold:
        return False
    p, g = parse_when(pred), parse_when(gold)
    if p is None or g is None:
        return False
    if _granularity_day_only(pred):
        return g.tzinfo is None and (g.hour, g.minute, g.second) == (0, 0, 0) and p.date() == g.date()
    p, g = p.replace(second=0, microsecond=0), g.replace(second=0, microsecond=0)
    if g.tzinfo is not None:
        if p.tzinfo is None:
            return False
        return p == g
    return p.replace(tzinfo=None) == g


def tokens(text: str | None) -> Counter:
    """Word tokens (``\\w+``, case-folded) of ``text`` as a multiset."""
    return Counter(t.casefold() for t in _TOKEN.findall(text or ""))


def body_f1(pred: str | None, gold: str | None) -> float:
    """Bag-of-words F1 in [0, 1] between ``pred`` and ``gold`` (see :func:`tokens`)."""
    p, g = tokens(pred), tokens(gold)
    if not g:
        return 1.0 if not p else 0.0
    tp = sum((p & g).values())
    if tp == 0:
        return 0.0
    prec, rec = tp / sum(p.values()), tp / sum(g.values())
    return 2 * prec * rec / (prec + rec)


# ---------------------------------------------------------------------------------------------
# systems


@dataclass(slots=True)
class Prediction:
    """What one system found on one page (``error`` set when it failed or found no article)."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    body: str = ""
    error: str | None = None


def run_eventwire(html_bytes: bytes, url: str | None) -> Prediction:
    """eventwire's extraction stage on one page (raw bytes, as the file reader would give them)."""
    from eventwire.extract import NoArticle, extract
    from eventwire.ids import content_id
    from eventwire.records import Document

    doc = Document(doc_id=content_id(html_bytes), source="eval", kind="html", data=html_bytes,
                   hints={"url": url} if url else {}, size=len(html_bytes))
    try:
        a = extract(doc)
    except NoArticle as exc:
        return Prediction(error=f"no article: {exc.reason}")
    except Exception as exc:  # scored as a miss and reported, never hidden
        return Prediction(error=f"{type(exc).__name__}: {exc}"[:200])
    return Prediction(a.title, list(a.authors), a.published, a.body)


def run_trafilatura(html_bytes: bytes, url: str | None) -> Prediction:
    """trafilatura alone: ``bare_extraction`` with metadata, no comments; its ``author`` split on ``;``."""
    import trafilatura

    from eventwire.ingest.decode import decode_bytes

    html = decode_bytes(html_bytes, html=True).text
    try:
        res = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:
        return Prediction(error=f"{type(exc).__name__}: {exc}"[:200])
    if res is None:
        return Prediction(error="no main text")
    authors = [a.strip() for a in (res.author or "").split(";") if a.strip()]
    return Prediction(res.title, authors, res.date, res.text or "")


SYSTEMS: dict[str, Callable[[bytes, str | None], Prediction]] = {
    "eventwire": run_eventwire,
    "trafilatura": run_trafilatura,
}


# ---------------------------------------------------------------------------------------------
# scoring


@dataclass(slots=True)
class PageScore:
    """Scores of one system on one page."""

    page: str
    system: str
    title: bool
    authors_f1: float
    date_day: bool
    datetime: bool
    body_f1: float
    prediction: Prediction
    expected_title: str | None = None
    expected_authors: list[str] = field(default_factory=list)
    expected_published: str | None = None


def score(case: FundusCase, system: str, pred: Prediction) -> PageScore:
    """Score one prediction against one case (a failed prediction scores 0 everywhere)."""
    if pred.error:
        return PageScore(case.path.name, system, False, 0.0, False, False, 0.0, pred,
                         case.title, case.authors, case.published)
    return PageScore(
        page=case.path.name, system=system,
        title=title_match(pred.title, case.title),
        authors_f1=author_f1(pred.authors, case.authors),
        date_day=date_day_match(pred.published, case.published),
        datetime=datetime_match(pred.published, case.published),
        body_f1=body_f1(pred.body, case.body),
        prediction=pred, expected_title=case.title, expected_authors=case.authors,
        expected_published=case.published,
    )


def _score_case(case: FundusCase) -> list[PageScore]:
    html_bytes = gzip.decompress(case.path.read_bytes())
    return [score(case, name, fn(html_bytes, case.url)) for name, fn in SYSTEMS.items()]


@dataclass(slots=True)
class Report:
    """Per-page scores and the means per system and measure."""

    pages: int
    scores: list[PageScore]
    means: dict[str, dict[str, float]]  # system -> measure -> mean over pages

    def as_dict(self) -> dict:
        return {"pages": self.pages, "means": self.means, "targets": TARGETS,
                "scores": [{**{k: v for k, v in asdict(s).items() if k != "prediction"},
                            "predicted": {k: v for k, v in asdict(s.prediction).items() if k != "body"}}
                           for s in self.scores]}


def evaluate(root: Path, workers: int = 1, on_page: Callable[[int], None] | None = None) -> Report:
    """Run both systems on every page under ``root`` (the fundus folder) and score them.

    Args:
        root: the ``fundus`` folder (``<cc>/<Publisher>_<date>.html.gz`` + ``<Publisher>.json``).
        workers: processes to use (each page is independent).
        on_page: called with the number of pages done, for progress display.

    Raises:
        FileNotFoundError: ``root`` does not exist. ValueError: no page found under it.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"no such directory: {root}")
    cases = list(iter_cases(root))
    if not cases:
        raise ValueError(f"no fundus pages under {root}")
    results: list[list[PageScore]] = []
    if workers <= 1:
        for i, c in enumerate(cases, 1):
            results.append(_score_case(c))
            if on_page:
                on_page(i)
    else:
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
            for i, r in enumerate(pool.map(_score_case, cases, chunksize=4), 1):
                results.append(r)
                if on_page:
                    on_page(i)
    flat = [s for r in results for s in r]
    means: dict[str, dict[str, float]] = {}
    for name in SYSTEMS:
        mine = [s for s in flat if s.system == name]
        means[name] = {m: sum(float(getattr(s, m)) for s in mine) / len(mine) for m in MEASURES}
        means[name]["failed"] = sum(1 for s in mine if s.prediction.error)
    return Report(len(cases), flat, means)
