"""The data model: one place for every record that flows through eventwire.

Data flows one way (the stages, what each annotator requires and assigns, and where knowledge lives:
docs/architecture.md)::

    Document (bytes + where they came from)
      -> Article (clean body, title, dates, outlet, language, provenance)
        -> annotations on the Article: sentences, entities, places, time expressions,
           quotes, amounts, events (with actors, codes, modality, evidence)

Conventions, shared by every record:

* Offsets are character offsets into ``Article.body`` (Python ``str`` indices), half-open
  ``[start, end)``; ``Article.body[start:end] == text`` always holds for a span.
* Times are ISO 8601 strings that keep their granularity (``2021-10``, ``2021-10-09``,
  ``2021-10-09T13:24``); a UTC offset only when the source gives one.
* Ids are stable: derived from content hashes (:func:`eventwire.ids.stable_id`), so the same input
  always yields the same ids and a re-run adds nothing.
* Codes use the field's standards: CAMEO 1.1b3 event codes, PLOVER event types/modes, QuadClass
  (1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict), Goldstein
  scale (-10..+10), actor codes as ISO 3166-1 alpha-3 country + sector (``USA`` + ``GOV``), GeoNames ids.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# ---------------------------------------------------------------------------------------------
# Sources and documents


@dataclass(slots=True)
class Document:
    """Raw input as read from a source, before any extraction.

    Attributes:
        doc_id: stable id, a hash of the raw content (:func:`eventwire.ids.content_id`).
        source: file path or URL the bytes came from.
        member: position inside a container source (``"line 12"`` of a JSONL file, a WARC record id,
            a feed entry id); ``None`` for a whole file.
        kind: reader that produced it: ``txt``, ``html``, ``jsonl``, ``warc``, ``feed``, ``url``.
        data: the raw bytes (``txt``/``html``), or ``None`` when the container gave text.
        text: text given by a container (a JSONL ``text`` field), else ``None``.
        html: HTML given by a container (a JSONL ``html`` field or a WARC record), else ``None``.
        hints: metadata given by the container (``url``, ``title``, ``published``, ``outlet``,
            ``language``, ``charset``, ``fetched_at``) that extraction may use.
        size: size of the raw content in bytes.
        warnings: non-fatal problems met while reading (e.g. invalid UTF-8 replaced).
    """

    doc_id: str
    source: str
    kind: str
    member: str | None = None
    data: bytes | None = None
    text: str | None = None
    html: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)
    size: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Problem:
    """A document or file that could not be (fully) processed, recorded with its reason.

    Attributes:
        source: file path or URL.
        member: position inside the source, if any.
        doc_id: the document's id when it was read far enough to have one.
        stage: where it happened: ``read``, ``extract``, ``nlp``, ``annotate``, ``store``.
        severity: ``skipped`` (not an input we handle, e.g. an unsupported file type or an empty file),
            ``error`` (the document is lost for this run) or ``warning`` (processed, with a caveat).
        reason: a short, stable, human-readable reason (``"empty file"``, ``"truncated gzip stream"``).
        detail: longer detail (exception text, sizes); may be empty.
    """

    source: str
    stage: str
    severity: str
    reason: str
    detail: str = ""
    member: str | None = None
    doc_id: str | None = None


# ---------------------------------------------------------------------------------------------
# Annotations (all offsets into Article.body)


@dataclass(slots=True)
class Sentence:
    """A sentence of the body: its index in the article and its ``[start, end)`` offsets."""

    idx: int
    start: int
    end: int


@dataclass(slots=True)
class Entity:
    """A named-entity mention.

    Attributes:
        start, end: offsets into the body; ``text`` is ``body[start:end]``.
        label: spaCy/OntoNotes label (``PERSON``, ``ORG``, ``GPE``, ``NORP``, ``LOC``, ``FAC``, ...).
        sent_idx: index of the sentence holding it.
        country: ISO 3166-1 alpha-3 country the entity belongs to, when known.
        actor_code: CAMEO-style actor code (``USAGOV``) when the actor coder resolved it.
        source: what produced it: ``spacy`` (statistical NER) or ``dictionary`` (actor dictionaries).
    """

    start: int
    end: int
    text: str
    label: str
    sent_idx: int = -1
    country: str | None = None
    actor_code: str | None = None
    source: str = "spacy"


@dataclass(slots=True)
class Place:
    """A toponym, resolved against the gazetteer when possible.

    An unresolved toponym keeps ``geonameid=None`` and its text: it is never dropped.

    Attributes:
        geonameid: GeoNames id; ``None`` when unresolved.
        name: canonical place name; country ISO3 in ``country``; ``admin1`` the first-level division code.
        lat, lon: WGS84 degrees.
        feature_class: GeoNames feature class (``P`` populated place, ``A`` country/admin area, ...).
        feature_code: GeoNames feature code (``PPLC`` capital, ``PCLI`` independent country, ...).
        role: ``mention`` or ``event_location``; ``confidence`` in [0, 1]; ``rule`` tells why.
    """

    start: int
    end: int
    text: str
    geonameid: int | None = None
    name: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature_class: str | None = None
    feature_code: str | None = None
    role: str = "mention"
    confidence: float = 0.0
    rule: str = ""


@dataclass(slots=True)
class TimeExpr:
    """A date or time expression resolved against the publication date.

    Attributes:
        value: ISO 8601 value at its granularity (``2021-10-07``, ``2021-09``, ``2001``), or ``None``
            when it could not be resolved.
        granularity: ``year``, ``month``, ``week``, ``day``, ``minute``, ...
        range_start, range_end: ISO dates bounding the value (inclusive) when it is a range.
        anchor: the ISO date it was resolved against (usually the publication date).
        rule: the rule that resolved it.
    """

    start: int
    end: int
    text: str
    value: str | None = None
    granularity: str | None = None
    range_start: str | None = None
    range_end: str | None = None
    anchor: str | None = None
    rule: str = ""


@dataclass(slots=True)
class Quote:
    """A quotation (direct or indirect) with its speaker.

    Attributes:
        kind: ``direct`` (inside quotation marks) or ``indirect`` (reported speech).
        speaker_text, speaker_start, speaker_end: the speaker mention, if found.
        speaker_code: actor code of the speaker (``USAGOV``), if resolved.
        cue, cue_start, cue_end: the verb or phrase introducing the quote (``said``, ``according to``).
        via: an outlet or agency the quote was given to (``told Reuters``), if any.
        rule: how the quote and its speaker were found (evidence).
    """

    start: int
    end: int
    text: str
    kind: str = "direct"
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_code: str | None = None
    speaker_country: str | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    via: str | None = None
    rule: str = ""


@dataclass(slots=True)
class Amount:
    """A number with its unit and what it counts (``17 billion euros``, ``dozens of Americans``).

    Attributes:
        value: the number as a float (``1.7e10``), or the lower bound for vague quantities
            (``dozens`` -> 24); ``approximate`` marks vague or hedged numbers.
        unit: currency or unit (``EUR``, ``km``) or ``None`` for counts.
        counted: the head noun counted (``Americans``, ``people``).
    """

    start: int
    end: int
    text: str
    value: float | None = None
    unit: str | None = None
    counted: str | None = None
    approximate: bool = False


@dataclass(slots=True)
class Actor:
    """One political actor taking part in an event.

    Attributes:
        text, start, end: the mention in the body.
        name: canonical name (``United States``, ``Taliban``).
        code: full actor code, ISO3 country + sector codes (``USAGOV``, ``AFGINS``, ``IGOUNO``).
        country: ISO 3166-1 alpha-3 (``None`` for international or unknown actors).
        sector: primary sector code (``GOV``, ``MIL``, ``REB``, ``INS``, ``IGO``, ...), if any.
        qid: Wikidata QID where known.
    """

    text: str
    start: int
    end: int
    name: str | None = None
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    qid: str | None = None


@dataclass(slots=True)
class Event:
    """A coded event: who did what to whom, where, when, according to whom.

    Attributes:
        sent_idx, sentence_start, sentence_end: the evidence sentence.
        trigger, trigger_start, trigger_end: the word(s) that express the event.
        sources, targets: actors as lists (PLOVER ``actor`` / ``recipient``); never one joined code.
        cameo_code: full CAMEO 1.1b3 code (``0256``); ``cameo_base`` its 3-digit base (``025``);
            ``cameo_root`` its 2-digit root (``02``).
        plover_type, plover_mode: PLOVER event type and mode.
        quad_class: 1-4; goldstein: Goldstein scale value of the CAMEO code.
        modality: ``asserted``, ``future``, ``intent``, ``negation``, ``hypothetical`` or ``historical``.
        confidence: in [0, 1]; coder: the rule or model that fired; decided_by: ``dictionary``,
            ``classifier`` or ``both`` (the rules found it), or ``detector`` (the learned detector of
            :mod:`eventwire.events.detector` found it where the rules found nothing).
        attribution_text, attribution_code: who says so (speaker or cited agency), kept apart from
            the source actor.
        location_*: where the event happens, from the knowledge layer; ``location_rule`` how it was
            chosen: ``sentence`` (a place in the event's sentence), ``context`` (a nearby sentence),
            ``dateline`` (no place named: the dateline, a fallback) or ``none``.
        date, date_granularity: when (``None``: the text gives no date for the event).
    """

    sent_idx: int
    sentence_start: int
    sentence_end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    sources: list[Actor] = field(default_factory=list)
    targets: list[Actor] = field(default_factory=list)
    cameo_code: str | None = None
    cameo_base: str | None = None
    cameo_root: str | None = None
    plover_type: str | None = None
    plover_mode: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    modality: str = "asserted"
    confidence: float = 0.0
    coder: str = ""
    decided_by: str = ""
    attribution_text: str | None = None
    attribution_code: str | None = None
    location_text: str | None = None
    location_geonameid: int | None = None
    location_country: str | None = None
    location_lat: float | None = None
    location_lon: float | None = None
    location_rule: str | None = None
    date: str | None = None
    date_granularity: str | None = None


# ---------------------------------------------------------------------------------------------
# Articles


@dataclass(slots=True)
class Article:
    """A clean news article with its metadata, provenance and annotations.

    Attributes:
        article_id: stable id (derived from ``doc_id``); doc_id: the document it came from.
        title, body: cleaned title and body text; every annotation offset points into ``body``.
        url, canonical_url: where it was published.
        published: publication time (ISO 8601 at its granularity, with UTC offset only when given).
        modified: last-modified time, same format.
        page_date: a date stamped on the page that is *not* the publication date (e.g. a republisher's
            date line above the title).
        outlet, outlet_domain: publishing outlet name and its domain.
        authors: all authors, in page order.
        language: ISO 639-1 code of the body; translated_from: ISO 639-1 of the original, if the text
            is a translation.
        boilerplate: lines removed from the body (related links, share prompts, photo credits), verbatim.
        cited_sources: agencies and outlets named as sources (canonical names).
        wire: the wire agency when the body is wire copy (``(AP) --``), else ``None``.
        dateline_place: the place of a wire dateline (``KABUL (Reuters) -`` -> ``KABUL``).
        extractor: which extractor produced it (``plaintext``, ``trafilatura``, ...).
        warnings: non-fatal notes from extraction and annotation.
    """

    article_id: str
    doc_id: str
    title: str | None
    body: str
    source: str = ""
    url: str | None = None
    canonical_url: str | None = None
    published: str | None = None
    modified: str | None = None
    page_date: str | None = None
    outlet: str | None = None
    outlet_domain: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    translated_from: str | None = None
    boilerplate: list[str] = field(default_factory=list)
    cited_sources: list[str] = field(default_factory=list)
    wire: str | None = None
    dateline_place: str | None = None
    extractor: str = ""
    warnings: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    ANNOTATIONS = ("sentences", "entities", "places", "times", "quotes", "amounts", "events")

    def metadata(self) -> dict[str, Any]:
        """The article's own fields (no annotations) as a plain ``dict``."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in self.ANNOTATIONS}

    def to_record(self) -> dict[str, Any]:
        """The article and everything found in it, as one JSON-serialisable ``dict``.

        This is the ``--jsonl`` output format: article fields at the top level and one list per
        annotation kind (``entities``, ``places``, ``times``, ``quotes``, ``amounts``, ``events``).
        """
        rec = self.metadata()
        for name in self.ANNOTATIONS:
            rec[name] = [asdict(x) for x in getattr(self, name)]
        return rec


@dataclass(slots=True)
class Outcome:
    """What processing one document produced: its article (or ``None``) and any problems."""

    document: Document
    status: str  # 'article', 'no_article' or 'error'
    article: Article | None = None
    problems: list[Problem] = field(default_factory=list)
