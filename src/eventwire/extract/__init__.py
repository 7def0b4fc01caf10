"""Document -> Article: decode, pick the extractor for the document's kind, add metadata and provenance.

:func:`extract` is the stage function. It raises :class:`NoArticle` when the document holds no article
(and says why) and :class:`ExtractionError` when it cannot be read; the runner records both and goes on.
"""
from __future__ import annotations

import re

from eventwire.dates import parse_date
from eventwire.extract.html import NoArticle, extract_html, word_count
from eventwire.extract.language import detect_language
from eventwire.extract.outlets import default_registry, domain_of
from eventwire.extract.plaintext import parse_plaintext
from eventwire.extract.provenance import cited_sources, split_wire_credits, translated_from, wire_dateline
from eventwire.ids import stable_id
from eventwire.ingest.decode import BinaryContent, decode_bytes
from eventwire.records import Article, Document

__all__ = ["extract", "NoArticle", "ExtractionError"]


#: A feed entry shorter than this (words) is a summary or teaser, not the article: its page holds the
#: article (``eventwire run FEED_URL`` fetches it).
FEED_MIN_WORDS = 100


class ExtractionError(ValueError):
    """The document cannot be turned into text (binary content, undecodable)."""


def _norm_time(value: object) -> str | None:
    """Normalise a container-given time (``published`` hint) to ISO 8601 at its granularity."""
    if value in (None, ""):
        return None
    parsed = parse_date(str(value))
    return parsed.iso if parsed else None


#: A container-given language is flagged (kept, with a warning) when CLD2 finds another language in at
#: least this share of the text.
LANGUAGE_DISAGREE_CONF = 0.9
_LANG_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$")


def _given_str(hints: dict, key: str, warnings: list[str]) -> str | None:
    """The container's ``hints[key]`` when it is a non-empty string; any other value is ignored with a
    warning (``outlet value ignored: not a string (int)``)."""
    value = hints.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        warnings.append(f"{key} value ignored: not a string ({type(value).__name__})")
        return None
    return value.strip() or None


def _given_language(hints: dict, warnings: list[str]) -> str | None:
    """The container's ``language`` as an ISO 639-1 code (``"en-US"``, ``"EN"``, ``"eng"``, ``"English"``
    -> ``"en"``; ISO 639-3 only codes stay 3 letters), or ``None`` (with a warning when a value was
    given but is no language pycountry knows)."""
    value = _given_str(hints, "language", warnings)
    if not value:
        return None
    import pycountry

    m = _LANG_CODE.match(value.lower())
    code = m.group(1) if m else None
    lang = None
    if code:
        lang = pycountry.languages.get(**{"alpha_2" if len(code) == 2 else "alpha_3": code})
    if lang is None:
        try:  # a language name ("English", "German")
            lang = pycountry.languages.lookup(value)
        except LookupError:
            warnings.append(f"language value {value[:40]!r} not understood; detected from the text instead")
            return None
    return getattr(lang, "alpha_2", None) or lang.alpha_3


def extract(doc: Document) -> Article:
    """Turn one :class:`Document` into an :class:`Article`.

    Plain text (``.txt`` files, JSONL ``text``, feed entries) goes through :func:`parse_plaintext`; HTML
    (files, JSONL ``html``, WARC records, fetched pages) through :func:`extract_html`. Container hints
    (JSONL ``url``, ``title``, ``published``, ``outlet``, ``language``, ``authors``; a feed entry's
    values) take precedence over what the text gives (an outlet named in a title suffix, a date line,
    the detected language), except for pages fetched from a feed (kind ``url``), whose own metadata
    wins and the feed's values only fill gaps.

    Raises:
        NoArticle: no article in the document (empty body, a page without main text).
        ExtractionError: the bytes are not text.
    """
    hints = doc.hints or {}
    warnings = list(doc.warnings)
    url = hints.get("url") if isinstance(hints.get("url"), str) else None
    reg = default_registry()
    page_date = None
    boilerplate: list[str] = []
    authors: list[str] = []
    modified = canonical_url = None
    if doc.text is not None or doc.kind == "txt":
        text = doc.text
        if text is None:
            try:
                decoded = decode_bytes(doc.data or b"", hints.get("charset"))
            except BinaryContent as exc:
                raise ExtractionError(str(exc)) from exc
            text, warnings = decoded.text, warnings + decoded.warnings
        parsed = parse_plaintext(text, hints)
        warnings += parsed.warnings
        title = hints.get("title") or parsed.title
        body, published, page_date = parsed.body, parsed.published, parsed.page_date
        outlet_name, boilerplate, authors = parsed.outlet, parsed.boilerplate, parsed.authors
        extractor, lang_hint = "plaintext", hints.get("language")
    else:
        html = doc.html
        if html is None:
            try:
                decoded = decode_bytes(doc.data or b"", hints.get("charset"), html=True)
            except BinaryContent as exc:
                raise ExtractionError(str(exc)) from exc
            html, warnings = decoded.text, warnings + decoded.warnings
        fields = extract_html(html, url)
        # a page fetched for a feed entry speaks for itself; the feed's values only fill gaps
        page_first = doc.kind == "url"
        title = (fields.title or hints.get("title")) if page_first else (hints.get("title") or fields.title)
        body, published, url = fields.body, fields.published, fields.url or url
        modified, canonical_url = fields.modified, fields.canonical_url
        warnings += fields.warnings
        outlet_name, boilerplate, authors = fields.outlet, fields.boilerplate, fields.authors
        extractor, lang_hint = fields.extractor, fields.language or hints.get("language")
    if not body.strip():
        if title:
            raise NoArticle("no article: only a title, no body text", f"title {str(title)[:120]!r}")
        raise NoArticle("empty body: no article text after removing the header and boilerplate")
    if doc.kind == "feed" and (n := word_count(body)) < FEED_MIN_WORDS:
        raise NoArticle("feed entry has only a summary",
                        f"{n} words < {FEED_MIN_WORDS}; run eventwire on the feed URL to fetch the entries' pages")
    page_first = doc.kind == "url"
    if hints.get("published") and not (page_first and published):
        given = _norm_time(hints["published"])
        if given is None:  # a value the container gives is never dropped without a reason
            warnings.append(f"published value {str(hints['published'])[:40]!r} not understood; "
                            + ("the text's date kept" if published else "left empty"))
        published = given or published
    if isinstance(hints.get("authors"), list) and not (page_first and authors):
        authors = [str(a) for a in hints["authors"]]
    domain = domain_of(url)
    given_outlet = _given_str(hints, "outlet", warnings)
    if given_outlet:  # the container names the outlet: nothing guessed from the text or URL replaces it
        entry = reg.by_name(given_outlet)
        outlet = entry.name if entry else given_outlet
    else:
        entry = reg.by_domain(domain) or reg.by_name(outlet_name)
        outlet = entry.name if entry else outlet_name
    wire, dateline_place, n_dateline = wire_dateline(body, reg)
    if n_dateline and body[n_dateline:].strip():
        # the dateline leaves the body: its place is dateline_place, its agency the wire. It says where
        # the story was filed, not where its events happened (an event is located from its text).
        body = body[n_dateline:]
    body, credits = split_wire_credits(body)
    boilerplate = [*boilerplate, *credits]
    if wire and not outlet:  # a wire story on a page that names no outlet: the agency published it
        entry = entry or reg.by_name(wire)
        outlet = entry.name if entry else wire
    given_lang = None if page_first else _given_language(hints, warnings)
    if given_lang:  # the container's language wins; a clear disagreement with the text is flagged
        language = given_lang
        detected, conf = detect_language(body)
        if detected and detected != given_lang and conf >= LANGUAGE_DISAGREE_CONF:
            warnings.append(f"language given as '{given_lang}' but the text reads as '{detected}' "
                            f"({conf:.0%} of the text, CLD2); kept '{given_lang}'")
    else:
        language, _conf = detect_language(body, lang_hint)
    return Article(
        article_id=stable_id("article", doc.doc_id),
        doc_id=doc.doc_id,
        title=title,
        body=body,
        source=doc.source + (f"#{doc.member}" if doc.member else ""),
        url=url,
        canonical_url=canonical_url,
        published=published,
        modified=modified,
        page_date=page_date,
        outlet=outlet,
        outlet_domain=domain,
        authors=authors,
        language=language,
        translated_from=translated_from(body, language, entry.languages if entry else None),
        boilerplate=boilerplate,
        cited_sources=[c for c in cited_sources(body, reg) if c != outlet],  # "told Al Jazeera" in Al Jazeera
        wire=wire,
        dateline_place=dateline_place,
        extractor=extractor,
        warnings=warnings,
    )
