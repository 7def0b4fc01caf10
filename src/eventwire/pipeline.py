"""The stage functions composed: a batch of Documents -> a batch of Outcomes.

:func:`process_batch` is what every runner calls (in-process, in a worker pool, on Dask): it knows
nothing about where it runs or where results go. It never raises for a bad document: each document
ends as an :class:`~eventwire.records.Outcome` with status ``article``, ``no_article`` or ``error``
and the problems met on the way.
"""
from __future__ import annotations

import traceback
from collections.abc import Sequence

from eventwire.extract import ExtractionError, NoArticle, extract
from eventwire.nlp.pipeline import annotate
from eventwire.records import Article, Document, Outcome, Problem
from eventwire.timing import stage


def extract_one(doc: Document) -> Outcome:
    """Run extraction on one document; any failure becomes a Problem on the Outcome."""
    problems = [Problem(doc.source, "read", "warning", w, member=doc.member, doc_id=doc.doc_id)
                for w in doc.warnings]
    try:
        article = extract(doc)
    except NoArticle as exc:
        problems.append(Problem(doc.source, "extract", "skipped", exc.reason, exc.detail,
                                member=doc.member, doc_id=doc.doc_id))
        return Outcome(doc, "no_article", None, problems)
    except ExtractionError as exc:
        problems.append(Problem(doc.source, "extract", "error", str(exc), member=doc.member, doc_id=doc.doc_id))
        return Outcome(doc, "error", None, problems)
    except Exception as exc:  # a bug or a pathological input: record it, lose only this document
        problems.append(Problem(doc.source, "extract", "error", f"extraction failed: {type(exc).__name__}: {exc}"[:300],
                                traceback.format_exc(limit=5), member=doc.member, doc_id=doc.doc_id))
        return Outcome(doc, "error", None, problems)
    for w in article.warnings:
        if not any(p.reason == w for p in problems):
            problems.append(Problem(doc.source, "extract", "warning", w, member=doc.member, doc_id=doc.doc_id))
    return Outcome(doc, "article", article, problems)


def process_batch(docs: Sequence[Document], nlp=None) -> list[Outcome]:
    """Extract and annotate a batch of documents.

    Args:
        docs: documents to process (any kinds).
        nlp: a loaded spaCy pipeline (default: loaded once per process).

    Returns:
        One Outcome per document, in input order. Raw bytes are dropped from the returned documents
        (``data``/``text``/``html`` set to ``None``) so results are cheap to send between processes.
    """
    with stage("extract"):
        outcomes = [extract_one(d) for d in docs]
    articles: list[Article] = [o.article for o in outcomes if o.article is not None]
    by_doc = {o.document.doc_id: o for o in outcomes}
    for p in annotate(articles, nlp):
        if p.doc_id in by_doc:
            by_doc[p.doc_id].problems.append(p)
    for o in outcomes:
        o.document.data = o.document.text = o.document.html = None
    return outcomes
