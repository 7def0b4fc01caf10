"""Turn text plus annotation spans into escaped HTML with highlight ``<span>`` elements.

Article text is untrusted: every character of it goes through :func:`html.escape`; the only markup is
ours (``<span class=...>``, ``<a href="/events/...">``) with class names from fixed sets and titles
escaped. Overlapping spans are handled by cutting the text at every span boundary: each piece gets
the classes of every span covering it.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

_CLASS_RE = re.compile(r"^[a-z0-9-]+$")


@dataclass(slots=True)
class Span:
    """A highlight: ``[start, end)`` offsets into the text, CSS classes, a tooltip, an optional link."""

    start: int
    end: int
    classes: tuple[str, ...]
    title: str = ""
    href: str | None = None


def highlight(text: str, spans: list[Span]) -> str:
    """``text`` as escaped HTML with ``spans`` wrapped in ``<span class="hl ...">`` (links for spans
    with ``href``; the first covering link wins). Spans outside the text are clipped or dropped.

    Raises:
        ValueError: a class name that is not lower-case letters, digits and dashes.
    """
    n = len(text)
    good = []
    for s in spans:
        a, b = max(0, s.start), min(n, s.end)
        if a >= b:
            continue
        for c in s.classes:
            if not _CLASS_RE.match(c):
                raise ValueError(f"bad class name {c!r}")
        good.append(Span(a, b, s.classes, s.title, s.href))
    cuts = sorted({0, n, *[s.start for s in good], *[s.end for s in good]})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = html.escape(text[a:b])
        cover = [s for s in good if s.start <= a and s.end >= b]
        if not cover:
            out.append(piece)
            continue
        classes = sorted({c for s in cover for c in s.classes})
        titles = list(dict.fromkeys(s.title for s in cover if s.title))
        attrs = f' class="hl {" ".join(classes)}"'
        if titles:
            attrs += f' title="{html.escape(" · ".join(titles), quote=True)}"'
        href = next((s.href for s in cover if s.href), None)
        if href:
            out.append(f'<a href="{html.escape(href, quote=True)}"{attrs}>{piece}</a>')
        else:
            out.append(f"<span{attrs}>{piece}</span>")
    return "".join(out)


def _label(x: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(x or "").lower()).strip("-") or "x"


def event_label(e: dict[str, Any]) -> str:
    """A one-line description of an event: ``SRC -> TGT: CAMEO code, PLOVER type (modality)``."""
    src = ", ".join(a.get("code") or a.get("text") or "?" for a in (e.get("sources") or [])) or "?"
    tgt = ", ".join(a.get("code") or a.get("text") or "?" for a in (e.get("targets") or [])) or "?"
    return (f"{src} → {tgt}: CAMEO {e.get('cameo_code') or '?'}, {e.get('plover_type') or '?'}"
            f" ({e.get('modality') or '?'})")


def article_spans(art: dict[str, Any], show: set[str] | None = None) -> list[Span]:
    """Highlight spans of an article page: entities (class ``ent ent-<label>``), places, times,
    quotes (``quote``, the speaker ``speaker``), amounts, and event triggers and actors
    (``trig``, ``src``, ``tgt``; triggers link to the event page)."""
    spans: list[Span] = []
    want = show or {"entities", "places", "times", "quotes", "amounts", "events"}
    if "entities" in want:
        for e in art.get("entities", []):
            t = e["label"] + (f" {e['actor_code']}" if e.get("actor_code") else "")
            spans.append(Span(e["char_start"], e["char_end"], ("ent", f"ent-{_label(e['label'])}"), t))
    if "places" in want:
        for p in art.get("places", []):
            t = f"place: {p.get('name') or p['text']}" + (f" (GeoNames {p['geonameid']}, {p.get('country') or '?'})"
                                                         if p.get("geonameid") else " (unresolved)")
            spans.append(Span(p["char_start"], p["char_end"], ("place",), t))
    if "times" in want:
        for t in art.get("times", []):
            spans.append(Span(t["char_start"], t["char_end"], ("time",), f"time: {t.get('value') or '?'}"))
    if "amounts" in want:
        for m in art.get("amounts", []):
            spans.append(Span(m["char_start"], m["char_end"], ("amount",),
                              f"amount: {m.get('value')} {m.get('unit') or ''} {m.get('counted') or ''}".strip()))
    if "quotes" in want:
        for q in art.get("quotes", []):
            who = q.get("speaker_text") or "?"
            spans.append(Span(q["char_start"], q["char_end"], ("quote",),
                              f"{q.get('kind') or ''} quote, speaker: {who}" + (f" ({q['speaker_code']})"
                                                                               if q.get("speaker_code") else "")))
            if q.get("speaker_start") is not None and q.get("speaker_end") is not None:
                spans.append(Span(q["speaker_start"], q["speaker_end"], ("speaker",), f"speaker {who}"))
    if "events" in want:
        for e in art.get("events", []):
            lab = event_label(e)
            href = "/events/" + quote(str(e["event_id"]), safe="")
            spans.append(Span(e["trigger_start"], e["trigger_end"], ("trig", f"mod-{_label(e.get('modality'))}",
                                                                     f"quad-{_label(e.get('quad_class'))}"),
                              "event: " + lab, href))
            for side, cls in (("sources", "src"), ("targets", "tgt")):
                for a in e.get(side) or []:
                    if a.get("char_start") is not None and a.get("char_end") is not None:
                        spans.append(Span(a["char_start"], a["char_end"], (cls,),
                                          f"{'source' if cls == 'src' else 'target'}: {a.get('code') or a.get('text')}"))
    return spans


def evidence_html(e: dict[str, Any]) -> str:
    """The event's evidence sentence as escaped HTML with the trigger (``trig``), source actors
    (``src``) and target actors (``tgt``) highlighted. Offsets are body offsets; the sentence starts at
    ``sentence_start``."""
    sent = e.get("sentence") or ""
    base = e.get("sentence_start") or 0
    spans = [Span(e["trigger_start"] - base, e["trigger_end"] - base, ("trig",), f"trigger: {e.get('trigger')}")]
    for side, cls, word in (("sources", "src", "source"), ("targets", "tgt", "target")):
        for a in e.get(side) or []:
            if a.get("char_start") is None or a.get("char_end") is None:
                continue
            spans.append(Span(a["char_start"] - base, a["char_end"] - base, (cls,),
                              f"{word}: {a.get('code') or '?'} {a.get('name') or ''}".strip()))
    return highlight(sent, spans)


def mention_html(m: dict[str, Any]) -> str:
    """A mention's evidence sentence (``sentence``, starting at body offset ``sentence_start``) as
    escaped HTML with its trigger (``trig``), source (``src``) and target (``tgt``) actor highlighted
    from the ``event_mentions`` offsets (body offsets; missing offsets are skipped)."""
    sent = m.get("sentence") or ""
    base = m.get("sentence_start") or 0
    spans = []
    for a, b, cls, title in ((m.get("trigger_start"), m.get("trigger_end"), "trig", f"trigger: {m.get('trigger')}"),
                             (m.get("source_start"), m.get("source_end"), "src", f"source: {m.get('source_code') or '?'}"),
                             (m.get("target_start"), m.get("target_end"), "tgt", f"target: {m.get('target_code') or '?'}")):
        if a is not None and b is not None:
            spans.append(Span(a - base, b - base, (cls,), title))
    return highlight(sent, spans)
