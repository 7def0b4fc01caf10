"""Reviews of coded events: store a reviewer's verdict and export the reviews as gold JSONL.

A review says of one stored event that it is ``correct`` (the coder's codes and actors are right),
``wrong`` (no such event should be coded from this sentence: a false positive) or ``fixed`` (there is
an event here, with the corrected codes and actor codes given). A ``missed`` review adds an event the
coder did not find (a false negative): a sentence of an article, its trigger words, actor codes and
codes, with no stored event behind it (``event_id`` null, :func:`add_missed`). Every review is kept with who made it
and when (``reviews`` table, schema migration 2); the latest review of an event is the one that counts.

The gold JSONL written by :func:`export_gold` has one object per reviewed event (latest review)::

    {"review_id", "event_id", "article_id", "sent_idx", "sentence_start", "sentence_end",
     "sentence", "trigger", "trigger_start", "trigger_end", "verdict",
     "gold": null | {"cameo_code", "plover_type", "plover_mode", "quad_class", "modality",
                     "sources": [actor code, ...], "targets": [actor code, ...]},
     "coder": {same keys as gold: the coder's output at review time} | null (a missed event),
     "reviewer", "reviewed_at" (ISO 8601 UTC), "note", "reviews" (number of reviews of this event)}

Sentences are located by ``article_id`` and character offsets, which stay stable across re-runs
(article ids are content hashes), so ``eventwire eval reviews`` can score a new coder's events
against the gold even when event ids change.
"""
from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from typing import Any

import duckdb

VERDICTS = ("correct", "wrong", "fixed")
#: The verdict of an event the coder missed, added by a reviewer (:func:`add_missed`).
MISSED = "missed"
#: The modality values of the event coder (records.Event.modality).
MODALITIES = ("asserted", "future", "intent", "negation", "hypothetical", "historical")
#: CAMEO 1.1b3 event codes are 2 (root), 3 (base) or 4 digits.
CAMEO_RE = re.compile(r"^\d{2,4}$")
#: Actor codes: ISO3 country or IGO etc. followed by sector codes (``USAGOV``, ``IGOUNO``, ``AFGINS``).
ACTOR_CODE_RE = re.compile(r"^[A-Z0-9]{3,30}$")
MAX_NOTE = 2000
MAX_REVIEWER = 80


#: CAMEO 1.1b3 international region codes (actor codebook, table 3.3): valid first parts of an actor code.
CAMEO_REGIONS = frozenset("""AFR ASA BLK CRB CAU CFR CAS CEU EIN EAF EEU EUR LAM MEA MDT NAF NMR PGS SCN SAM SAS
SEA SAF WAF WST""".split())


@lru_cache(maxsize=1)
def _actor_vocabulary() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(whole codes, first parts, later parts) of the actor codes eventwire knows: every code of the
    built-in dictionaries (countries, their capitals' ``GOV``, ``organizations.json`` with its dated
    codes, role sectors, persons' sectors), the CAMEO international region codes and the CAMEO
    role/sector codes."""
    from importlib import resources

    from eventwire.actors.dictionary import countries
    from eventwire.store.export import ACTOR_TYPES

    base = resources.files("eventwire.data") / "actors"
    codes: set[str] = set()
    for e in json.loads((base / "organizations.json").read_text(encoding="utf-8"))["entries"]:
        codes.add(e["code"])
        codes.update(d[0] for d in e.get("dated") or [])
    roles = {ln.split("\t")[1] for ln in (base / "roles.tsv").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#") and ln.count("\t") >= 2}
    iso3 = set(countries()) | CAMEO_REGIONS
    parts = [[c[i:i + 3] for i in range(0, len(c), 3)] for c in codes if len(c) % 3 == 0]
    firsts = iso3 | {p[0] for p in parts if p} | set(ACTOR_TYPES) | roles
    laters = set(ACTOR_TYPES) | roles | {x for p in parts for x in p[1:]}
    return frozenset(codes | iso3), frozenset(firsts), frozenset(laters)


def actor_code_problem(code: str) -> str | None:
    """Why ``code`` is not an actor code eventwire knows, or ``None`` when it is one.

    A code is known when it is one of the built-in dictionaries' codes, or is made of 3-letter parts:
    a country (ISO3), a CAMEO region (``EUR``, ``WST``) or another known first part (``IGO``, ``NGO``, a
    sector for an actor without a country), then CAMEO role/sector codes or known group codes (``USAGOVMIL``, ``IGOUNOWFP``,
    ``AFGINSTAL``). ``ZZZZZZ`` is not.
    """
    if not ACTOR_CODE_RE.match(code):
        return f"{code!r} is not an actor code (3-30 upper-case letters/digits, e.g. USAGOV)"
    whole, firsts, laters = _actor_vocabulary()
    if code in whole:
        return None
    if len(code) % 3:
        return f"{code!r} is not an actor code: its parts are 3 letters each (e.g. USA + GOV)"
    parts = [code[i:i + 3] for i in range(0, len(code), 3)]
    if parts[0] not in firsts:
        return f"{code!r}: {parts[0]!r} is neither an ISO 3166 country code nor a known actor prefix (IGO, NGO, ...)"
    bad = [p for p in parts[1:] if p not in laters]
    if bad:
        return f"{code!r}: {', '.join(repr(b) for b in bad)} is not a CAMEO sector or a known group code"
    return None


class ReviewError(ValueError):
    """A review is invalid (unknown verdict, malformed code, unknown event); the message says which."""


@dataclass(slots=True)
class ReviewInput:
    """What a reviewer submits for one event.

    Attributes:
        verdict: ``correct``, ``wrong`` or ``fixed``.
        reviewer: who reviews (free text, 1-80 characters).
        cameo_code, plover_type, plover_mode, quad_class, modality, sources, targets: the corrected
            values for ``fixed`` (each ``None`` keeps the coder's value); ignored otherwise.
        note: optional free-text comment (at most 2000 characters).
    """

    verdict: str
    reviewer: str
    cameo_code: str | None = None
    plover_type: str | None = None
    plover_mode: str | None = None
    quad_class: int | None = None
    modality: str | None = None
    sources: list[str] | None = None
    targets: list[str] | None = None
    note: str | None = None


GOLD_FIELDS = ("cameo_code", "plover_type", "plover_mode", "quad_class", "modality", "sources", "targets")


def coder_values(event: dict[str, Any]) -> dict[str, Any]:
    """The scored fields of a stored event row: codes, modality, and actor codes (text when uncoded)."""
    def codes(actors: Any) -> list[str]:
        return [a.get("code") or a.get("text") or "" for a in (actors or [])]

    return {"cameo_code": event.get("cameo_code"), "plover_type": event.get("plover_type"),
            "plover_mode": event.get("plover_mode"), "quad_class": event.get("quad_class"),
            "modality": event.get("modality"), "sources": codes(event.get("sources")),
            "targets": codes(event.get("targets"))}


def validate(inp: ReviewInput) -> None:
    """Check a review's values; raises :class:`ReviewError` naming the first bad field."""
    if inp.verdict not in (*VERDICTS, MISSED):
        raise ReviewError(f"verdict must be one of {', '.join(VERDICTS)}")
    who = (inp.reviewer or "").strip()
    if not who or len(who) > MAX_REVIEWER:
        raise ReviewError(f"reviewer must be 1-{MAX_REVIEWER} characters")
    if inp.note and len(inp.note) > MAX_NOTE:
        raise ReviewError(f"note must be at most {MAX_NOTE} characters")
    if inp.verdict not in ("fixed", MISSED):
        return
    from eventwire.events.codebook import codebook

    book = codebook()
    if inp.cameo_code is not None and not CAMEO_RE.match(inp.cameo_code):
        raise ReviewError("cameo_code must be a CAMEO code of 2-4 digits (e.g. 036, 1121)")
    if inp.cameo_code is not None and not book.is_code(inp.cameo_code):
        raise ReviewError(f"cameo_code {inp.cameo_code!r} is not a CAMEO 1.1b3 event code (e.g. 036, 1121)")
    if inp.plover_type not in (None, "") and inp.plover_type not in book.plover:
        raise ReviewError(f"plover_type {inp.plover_type!r} is not a PLOVER event type; one of "
                          f"{', '.join(book.plover)}")
    if inp.quad_class is not None and inp.quad_class not in (1, 2, 3, 4):
        raise ReviewError("quad_class must be 1, 2, 3 or 4")
    if inp.modality is not None and inp.modality not in MODALITIES:
        raise ReviewError(f"modality must be one of {', '.join(MODALITIES)}")
    for name in ("sources", "targets"):
        codes = getattr(inp, name)
        if codes is None:
            continue
        if len(codes) > 20:
            raise ReviewError(f"{name}: at most 20 actor codes")
        for c in codes:
            problem = actor_code_problem(c)
            if problem:
                raise ReviewError(f"{name}: {problem}")


def _check_mode(gold: dict[str, Any], inp: ReviewInput) -> None:
    """A corrected PLOVER mode must be one of the (corrected) type's modes (PLOVER manual)."""
    from eventwire.events.codebook import codebook

    mode, ptype = gold.get("plover_mode"), gold.get("plover_type")
    if inp.plover_mode in (None, "") or not mode:
        return
    modes = codebook().plover.get(ptype or "", {}).get("modes", [])
    if mode not in modes:
        raise ReviewError(f"plover_mode {mode!r} is not a mode of {ptype or 'an event without a PLOVER type'}"
                          + (f"; one of {', '.join(modes)}" if modes else ""))


def add_review(con: duckdb.DuckDBPyConnection, event: dict[str, Any], inp: ReviewInput) -> dict[str, Any]:
    """Validate and store one review of ``event`` (a row of ``events`` as a dict); return the stored row.

    Raises:
        ReviewError: invalid values (see :func:`validate`).
        duckdb.Error: the database is read-only or lacks the ``reviews`` table (schema < 2).
    """
    if inp.verdict == MISSED:
        raise ReviewError("a missed event is added from its article (add_missed), not as a review of an event")
    validate(inp)
    orig = coder_values(event)
    if inp.verdict == "wrong":
        gold: dict[str, Any] = {k: None for k in GOLD_FIELDS}
    elif inp.verdict == "correct":
        gold = dict(orig)
    else:
        gold = {k: (getattr(inp, k) if getattr(inp, k) not in (None, "") else orig[k]) for k in GOLD_FIELDS}
        if inp.plover_type not in (None, "", orig["plover_type"]) and inp.plover_mode in (None, "") \
                and gold["plover_mode"]:
            from eventwire.events.codebook import codebook

            if gold["plover_mode"] not in codebook().plover.get(gold["plover_type"], {}).get("modes", []):
                gold["plover_mode"] = None  # the coder's mode belongs to the type the reviewer replaced
        _check_mode(gold, inp)
        if gold == orig:
            raise ReviewError("a 'fixed' review must change at least one value (codes, modality or actors); "
                              "if the coder was right, the verdict is 'correct'")
    row = {
        "review_id": uuid.uuid4().hex, "event_id": event["event_id"], "article_id": event["article_id"],
        "sent_idx": event.get("sent_idx"), "sentence_start": event.get("sentence_start"),
        "sentence_end": event.get("sentence_end"), "trigger_start": event.get("trigger_start"),
        "trigger_end": event.get("trigger_end"), "verdict": inp.verdict, **gold,
        "original": json.dumps(orig, ensure_ascii=False), "note": (inp.note or "").strip() or None,
        "reviewer": inp.reviewer.strip(), "reviewed_at": datetime.now(timezone.utc),
    }
    cols = list(row)
    con.execute(f"INSERT INTO reviews ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [row[c] for c in cols])
    return row


def add_missed(con: duckdb.DuckDBPyConnection, article: dict[str, Any], sentence: tuple[int, int, int],
               inp: ReviewInput, trigger: str | None = None) -> dict[str, Any]:
    """Store an event the coder missed: a ``missed`` review of no stored event; return the stored row.

    Args:
        article: the article (``article_id``, ``body``).
        sentence: ``(idx, char_start, char_end)`` of the sentence that reports the event.
        inp: the reviewer, ``cameo_code`` (required), actor codes (``sources`` required), modality
            (default ``asserted``), optional ``plover_type``/``plover_mode`` (default: the CAMEO code's
            in the CAMEO->PLOVER map) and note; ``verdict`` must be ``missed``.
        trigger: the words of the sentence that express the event (located in it; optional).

    Raises:
        ReviewError: a missing or unknown code (as :func:`validate`), no source actor, a trigger that is
            not in the sentence.
    """
    from eventwire.events.codebook import codebook

    if inp.verdict != MISSED:
        raise ReviewError("add_missed stores the verdict 'missed' only")
    if not inp.cameo_code:
        raise ReviewError("cameo_code is needed for a missed event (e.g. 042 for a visit)")
    if not inp.sources:
        raise ReviewError("sources: a missed event needs at least one source actor code")
    validate(inp)
    info = codebook().get(inp.cameo_code)
    idx, s0, s1 = sentence
    t0 = t1 = None
    if trigger and trigger.strip():
        pos = article["body"].find(trigger.strip(), s0, s1)
        if pos < 0:
            raise ReviewError(f"trigger {trigger.strip()!r} is not in sentence {idx}")
        t0, t1 = pos, pos + len(trigger.strip())
    gold = {"cameo_code": inp.cameo_code, "plover_type": inp.plover_type or info.plover_type or None,
            "plover_mode": inp.plover_mode or None, "quad_class": inp.quad_class or info.quad_class,
            "modality": inp.modality or "asserted", "sources": list(inp.sources), "targets": list(inp.targets or [])}
    if not inp.plover_type and not inp.plover_mode and info.plover_mode:
        gold["plover_mode"] = info.plover_mode
    _check_mode(gold, inp)
    row = {
        "review_id": uuid.uuid4().hex, "event_id": None, "article_id": article["article_id"], "sent_idx": idx,
        "sentence_start": s0, "sentence_end": s1, "trigger_start": t0, "trigger_end": t1, "verdict": MISSED,
        **gold, "original": None, "note": (inp.note or "").strip() or None, "reviewer": inp.reviewer.strip(),
        "reviewed_at": datetime.now(timezone.utc),
    }
    cols = list(row)
    con.execute(f"INSERT INTO reviews ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [row[c] for c in cols])
    return row


def missed_for_article(con: duckdb.DuckDBPyConnection, article_id: str) -> list[dict[str, Any]]:
    """The missed events added for one article, in the order they were added."""
    if not has_reviews_table(con):
        return []
    return _rows(con.execute("SELECT * FROM reviews WHERE article_id = ? AND verdict = ? ORDER BY reviewed_at",
                             [article_id, MISSED]))


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def has_reviews_table(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database has the ``reviews`` table (schema version 2 or later)."""
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'reviews'").fetchone()[0])


def reviews_for_event(con: duckdb.DuckDBPyConnection, event_id: str) -> list[dict[str, Any]]:
    """All reviews of one event, newest first (empty when the database has no ``reviews`` table)."""
    if not has_reviews_table(con):
        return []
    return _rows(con.execute("SELECT * FROM reviews WHERE event_id = ? ORDER BY reviewed_at DESC", [event_id]))


def latest_reviews(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, Any]]:
    """The latest review of every reviewed event (and every missed event a reviewer added), with the
    sentence and trigger, oldest first."""
    if not has_reviews_table(con):
        return
    cur = con.execute("""
        WITH ranked AS (
            SELECT r.*, count(*) OVER (PARTITION BY coalesce(r.event_id, r.review_id)) AS reviews,
                   row_number() OVER (PARTITION BY coalesce(r.event_id, r.review_id)
                                      ORDER BY r.reviewed_at DESC, r.review_id) AS rn
            FROM reviews r)
        SELECT ranked.* EXCLUDE (rn),
               substr(a.body, ranked.sentence_start + 1, ranked.sentence_end - ranked.sentence_start) AS sentence,
               substr(a.body, ranked.trigger_start + 1, ranked.trigger_end - ranked.trigger_start) AS trigger
        FROM ranked LEFT JOIN articles a ON a.article_id = ranked.article_id
        WHERE rn = 1 ORDER BY reviewed_at, review_id""")
    names = [d[0] for d in cur.description]
    while True:
        batch = cur.fetchmany(500)
        if not batch:
            return
        for r in batch:
            yield dict(zip(names, r))


def gold_record(r: dict[str, Any]) -> dict[str, Any]:
    """One gold JSONL object from a :func:`latest_reviews` row (format in the module docstring)."""
    gold = None if r["verdict"] == "wrong" else {k: r[k] for k in GOLD_FIELDS}
    if gold is not None:
        gold["sources"] = list(gold["sources"] or [])
        gold["targets"] = list(gold["targets"] or [])
    reviewed_at = r["reviewed_at"]
    return {
        "review_id": r["review_id"], "event_id": r["event_id"], "article_id": r["article_id"],
        "sent_idx": r["sent_idx"], "sentence_start": r["sentence_start"], "sentence_end": r["sentence_end"],
        "sentence": r.get("sentence"), "trigger": r.get("trigger"), "trigger_start": r["trigger_start"],
        "trigger_end": r["trigger_end"], "verdict": r["verdict"], "gold": gold,
        "coder": json.loads(r["original"]) if r.get("original") else None,
        "reviewer": r["reviewer"],
        "reviewed_at": reviewed_at.astimezone(timezone.utc).isoformat() if reviewed_at else None,
        "note": r.get("note"), "reviews": r.get("reviews", 1),
    }


def export_gold(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """Gold JSONL lines (with trailing newline), one per reviewed event, streamed."""
    for r in latest_reviews(con):
        yield json.dumps(gold_record(r), ensure_ascii=False) + "\n"
