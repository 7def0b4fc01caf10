"""``eventwire eval gum DIR``: the knowledge layer against GUM's Wikinews articles.

Each GUM document comes as three files sharing a stem: ``.xml`` (tokens one per line with PTB tags,
paragraphs, ``<quote>`` spans, ``<date when=... | from=... to=...>``), ``.tsv`` (WebAnno: entity
mentions with types, Wikification and coreference) and ``.conllu`` (the gold UD parse). The three
tokenisations are identical (checked; a document where they differ is reported and skipped).

How the articles are rebuilt: tokens are joined with English spacing rules into paragraphs; the first
``<head>`` is the title and the first paragraph, a dateline such as "Friday, July 21, 2017", is the
publication date (like a date line under the title in our plain-text reader); both are left out of
the body and out of scoring. The body is annotated by the normal pipeline (spaCy + registered
annotators).

Scores:

* **NER by type**: gold = GUM mentions of type person, place, organization or event that carry a
  Wikification identity and whose head token (gold UD parse) is a proper noun (``NP``/``NPS``), i.e.
  named mentions. spaCy labels map PERSON->person, GPE/LOC/FAC->place, ORG->organization,
  EVENT->event (other labels are not scored). A prediction matches a gold mention of the same type
  when its span contains the gold head token (one-to-one, greedy); ``exact`` also requires the same
  boundaries after dropping a leading "the" and a trailing "'s". The geoparser's places (rules
  ``ner``/``ner-org``/``ner-relabel``/``locative``/``seat``) are scored as a second "place" system.
* **Quotes**: gold = ``<quote>`` spans; predictions = direct quotes. Match when the character
  intersection over union, quote marks excluded, is at least 0.5.
* **Speaker accuracy**: GUM has no speaker annotation, so the gold speaker is derived from the gold
  parse: the subject of a communication verb outside the quote in the quote's sentence (or the
  sentence before it when that ends with a colon, or the one after), expanded to its coreference
  chain (tsv). A matched quote's speaker is correct when the predicted speaker span overlaps any
  mention of that chain. Quotes without a derivable gold speaker are not counted (the count is shown).
* **Dates**: gold ``<date when=...>`` and ``<date from=... to=...>`` in the body (``notBefore``/
  ``notAfter`` are vague and skipped, counted). Correct when an overlapping time expression has
  ``value == when`` (seconds dropped), or ``range_start``/``range_end == from``/``to``.
"""
from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventwire.records import Article

GUM_TYPES = ("person", "place", "organization", "event")
SPACY_TO_GUM = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "organization",
                "EVENT": "event"}
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m",
                    "’s", "'", "...", "…"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#"}


@dataclass
class GoldMention:
    """A gold entity mention: body offsets, GUM type, entity id, Wikification, head token, tokens."""

    start: int
    end: int
    type: str
    eid: str
    identity: str | None
    head: int  # token index
    proper: bool
    toks: list[int] = field(default_factory=list)


@dataclass
class GumDoc:
    """One rebuilt GUM article with its gold annotations (offsets into ``body``)."""

    name: str
    title: str
    body: str
    published: str
    tok_span: list[tuple[int, int] | None] = field(default_factory=list)  # token -> body offsets
    mentions: list[GoldMention] = field(default_factory=list)
    chains: dict[str, str] = field(default_factory=dict)  # entity id -> chain root
    quotes: list[tuple[int, int]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    speakers: list[set[str] | None] = field(default_factory=list)  # per quote: entity chain ids of the speaker
    skipped_vague_dates: int = 0


def _parse_attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in re.findall(r'(\w+)="([^"]*)"', tag)}


def read_doc(xml_path: Path) -> GumDoc:
    """Rebuild one GUM article from its ``.xml``, ``.tsv`` and ``.conllu`` files.

    Raises:
        ValueError: the three files do not have the same tokens.
    """
    lines = xml_path.read_text(encoding="utf-8").splitlines()
    attrs = _parse_attrs(lines[0]) if lines and lines[0].startswith("<text") else {}
    # pass 1: tokens with paragraph index and element membership
    toks: list[dict[str, Any]] = []
    para = -1
    open_quote: list[int] = []
    quotes_tok: list[tuple[int, int]] = []
    open_dates: list[tuple[int, dict]] = []
    dates_tok: list[tuple[int, int, dict]] = []
    in_w = False
    w_first = False
    in_head = 0
    n_heads = 0
    for ln in lines[1:]:
        if ln.startswith("<"):
            m = re.match(r"<(/?)(\w+)", ln)
            if not m:
                continue
            close, tag = m.group(1) == "/", m.group(2)
            if tag in ("p", "head", "caption") and not close:
                para += 1
                if tag == "head":
                    n_heads += 1
                    in_head = n_heads
            elif tag == "head" and close:
                in_head = 0
            elif tag == "quote":
                if close:
                    if open_quote:
                        quotes_tok.append((open_quote.pop(), len(toks)))
                else:
                    open_quote.append(len(toks))
            elif tag == "date":
                if close:
                    if open_dates:
                        s, a = open_dates.pop()
                        dates_tok.append((s, len(toks), a))
                else:
                    open_dates.append((len(toks), _parse_attrs(ln)))
            elif tag == "w":
                in_w, w_first = not close, True
            continue
        parts = ln.split("\t")
        if not parts or not parts[0]:
            continue
        toks.append({"text": parts[0], "pos": parts[1] if len(parts) > 1 else "", "para": para,
                     "title": in_head == 1 and para == 0, "glue": in_w and not w_first})
        if in_w:
            w_first = False
    # paragraph 0 is the title; the first non-title paragraph is the dateline
    body_paras = sorted({t["para"] for t in toks if not t["title"]})
    dateline_para = body_paras[0] if body_paras else None
    published = attrs.get("dateCreated", "")
    for s, e, a in dates_tok:
        if toks[s]["para"] == dateline_para and a.get("when"):
            published = a["when"]
            break
    # pass 2: text with offsets
    title_parts: list[str] = []
    body = ""
    spans: list[tuple[int, int] | None] = []
    cur_para = None
    prev: dict | None = None
    for t in toks:
        if t["title"]:
            title_parts.append(t["text"])
            spans.append(None)
            continue
        if t["para"] == dateline_para:
            spans.append(None)
            continue
        if t["para"] != cur_para:
            if body:
                body += "\n\n"
            cur_para = t["para"]
            prev = None
        elif prev is not None and not _glue(prev, t):
            body += " "
        s = len(body)
        body += t["text"]
        spans.append((s, len(body)))
        prev = t
    doc = GumDoc(xml_path.stem, " ".join(title_parts), body, published, spans)
    # quotes and dates in the body
    for s, e in quotes_tok:
        cs = _char_span(spans, s, e)
        if cs:
            doc.quotes.append(cs)
    for s, e, a in dates_tok:
        cs = _char_span(spans, s, e)
        if not cs:
            continue
        if "when" in a or ("from" in a and "to" in a):
            doc.dates.append({"start": cs[0], "end": cs[1], **a})
        else:
            doc.skipped_vague_dates += 1
    _read_tsv(doc, xml_path.with_suffix(".tsv"), toks)
    heads, deps = _read_conllu(xml_path.with_suffix(".conllu"), len(toks))
    for m in doc.mentions:
        m.head = _mention_head(m, heads, doc.tok_span)
        m.proper = toks[m.head]["pos"] in ("NP", "NPS")
    doc.speakers = _gold_speakers(doc, toks, heads, deps, quotes_tok)
    return doc


def _glue(prev: dict, t: dict) -> bool:
    if t["glue"]:
        return True
    if t["text"] in _NO_SPACE_BEFORE or t["pos"] in ("POS", "''") or t["pos"] == "HYPH" or prev["pos"] == "HYPH":
        return t["pos"] != "``"
    if prev["pos"] == "``" or prev["text"] in _NO_SPACE_AFTER:
        return True
    return False


def _char_span(spans: list, s: int, e: int) -> tuple[int, int] | None:
    inside = [spans[i] for i in range(s, e) if spans[i] is not None]
    return (inside[0][0], inside[-1][1]) if inside else None


def _read_tsv(doc: GumDoc, path: Path, toks: list) -> None:
    ents: dict[str, dict[str, Any]] = {}
    links: list[tuple[str, str]] = []
    k = -1
    tok_index: dict[str, int] = {}
    for ln in path.read_text(encoding="utf-8").splitlines():
        if not ln or ln.startswith("#"):
            continue
        cols = ln.split("\t")
        if len(cols) < 9 or not re.match(r"\d+-\d+$", cols[0]):
            continue
        k += 1
        tok_index[cols[0]] = k
        types = cols[3].split("|") if cols[3] != "_" else []
        idents = cols[6].split("|") if cols[6] != "_" else []
        id_of = {}
        for ty in types:
            m = re.match(r"(\w+)\[(\d+)\]$", ty)
            if m:
                e = ents.setdefault(m[2], {"type": m[1], "toks": [], "identity": None})
                e["toks"].append(k)
                id_of[m[2]] = True
        for iden in idents:
            m = re.match(r"(.+)\[(\d+)\]$", iden)
            if m and m[2] in ents:
                ents[m[2]]["identity"] = m[1]
        if cols[8] not in ("_", ""):
            for tgt in cols[8].split("|"):
                m = re.search(r"\[(\d+)_(\d+)\]", tgt)
                if m:
                    links.append((m[2], m[1]))
    if k + 1 != len(toks):
        raise ValueError(f"{path.name}: {k + 1} tsv tokens, {len(toks)} xml tokens")
    parent = {e: e for e in ents}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in links:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    doc.chains = {e: find(e) for e in ents}
    for eid, e in ents.items():
        cs = _char_span(doc.tok_span, min(e["toks"]), max(e["toks"]) + 1)
        if cs is None or any(doc.tok_span[i] is None for i in e["toks"]):
            continue
        doc.mentions.append(GoldMention(cs[0], cs[1], e["type"], eid, e["identity"], min(e["toks"]), False, e["toks"]))


def _read_conllu(path: Path, n: int) -> tuple[list[int], list[str]]:
    heads, deps = [], []
    base = 0
    sent: list[tuple[int, str]] = []
    for ln in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not ln.strip():
            for h, d in sent:
                heads.append(base + h - 1 if h > 0 else -1)
                deps.append(d)
            base += len(sent)
            sent = []
            continue
        if ln.startswith("#"):
            continue
        cols = ln.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        sent.append((int(cols[6]) if cols[6].isdigit() else 0, cols[7]))
    if len(heads) != n:
        raise ValueError(f"{path.name}: {len(heads)} conllu tokens, {n} xml tokens")
    return heads, deps


def _mention_head(m: GoldMention, heads: list[int], spans: list) -> int:
    toks = m.toks or [m.head]
    tokset = set(toks)
    for t in sorted(toks):
        if heads[t] not in tokset:
            return t
    return toks[0]


def _gold_speakers(doc: GumDoc, toks: list, heads: list[int], deps: list[str],
                   quotes_tok: list[tuple[int, int]]) -> list[set[str] | None]:
    """For each gold quote in the body, the coreference chains of its speaker (derived; see module doc)."""
    # sentences: the token range covered by each root's tree (the conllu gives one tree per sentence)
    roots = [i for i, h in enumerate(heads) if h == -1]
    bounds: list[tuple[int, int]] = []
    kids: dict[int, list[int]] = defaultdict(list)
    for i, h in enumerate(heads):
        if h >= 0:
            kids[h].append(i)
    for r in roots:
        lo = hi = r
        stack = [r]
        while stack:
            x = stack.pop()
            lo, hi = min(lo, x), max(hi, x)
            stack.extend(kids[x])
        bounds.append((lo, hi + 1))
    bounds.sort()
    sent_of = [0] * len(heads)
    for si, (lo, hi) in enumerate(bounds):
        for i in range(lo, hi):
            sent_of[i] = si
    out: list[set[str] | None] = []
    mention_by_tok: dict[int, list[GoldMention]] = defaultdict(list)
    for m in doc.mentions:
        for t in m.toks:
            mention_by_tok[t].append(m)
    for qs, qe in quotes_tok:
        if _char_span(doc.tok_span, qs, qe) is None:
            continue
        inside = set(range(qs, qe))
        found = None
        cands = [sent_of[qs], sent_of[max(qs, qe - 1)]]
        for si in dict.fromkeys(cands + [sent_of[qs] - 1, sent_of[max(qs, qe - 1)] + 1]):
            if si < 0 or si >= len(bounds):
                continue
            lo, hi = bounds[si]
            if si == sent_of[qs] - 1 and not any(toks[i]["text"] == ":" for i in range(max(lo, hi - 2), hi)):
                continue
            for i in range(lo, hi):
                if i in inside or not _is_cue(toks[i]["text"], toks[i]["pos"]):
                    continue
                subj = [j for j in kids[i] if deps[j].startswith("nsubj") and j not in inside]
                if subj:
                    found = subj[0]
                    break
            if found is not None:
                break
        if found is None:
            out.append(None)
            continue
        ms = sorted(mention_by_tok.get(found, []), key=lambda m: m.end - m.start)
        out.append({doc.chains.get(m.eid, m.eid) for m in ms[:1]} if ms else None)
    return out


_CUE_FORMS = {"said", "says", "say", "saying", "told", "tells", "tell", "added", "adds", "stated", "states",
              "explained", "explains", "noted", "notes", "wrote", "writes", "claimed", "claims", "argued", "argues",
              "announced", "declared", "continued", "asked", "replied", "responded", "stressed", "warned",
              "insisted", "commented", "remarked", "reported", "confirmed", "acknowledged", "admitted", "suggested",
              "according", "tweeted", "posted", "concluded", "observed", "recalled", "reiterated", "described"}


def _is_cue(word: str, pos: str) -> bool:
    return pos.startswith("V") and word.lower() in _CUE_FORMS


# -- scoring --------------------------------------------------------------------------------------

def _prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "predicted": npred, "gold": ngold}


def _strip(body: str, s: int, e: int) -> tuple[int, int]:
    seg = body[s:e]
    m = re.match(r"^(?:the\s+|The\s+)?", seg)
    s2 = s + (m.end() if m else 0)
    e2 = e
    if body[s2:e2].endswith(("'s", "’s")):
        e2 -= 2
    while e2 > s2 and body[e2 - 1] in " ,.":
        e2 -= 1
    return s2, e2


def _qstrip(body: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (body[s] in "\"'“”‘’ \n" or body[s].isspace()):
        s += 1
    while e > s and (body[e - 1] in "\"'“”‘’ .,;:!?\n"):
        e -= 1
    return s, e


def evaluate(directory: Path, nlp=None) -> dict[str, Any]:
    """Score the knowledge layer on every GUM document in ``directory``.

    Returns:
        ``{"documents", "ner": {type: P/R/F1...}, "ner_exact", "places_geoparser", "quotes",
        "speakers", "dates", "skipped"}`` (see module docstring).

    Raises:
        FileNotFoundError: no ``*.xml`` file in ``directory``.
    """
    from eventwire.nlp.pipeline import annotate

    paths = sorted(Path(directory).glob("*.xml"))
    if not paths:
        raise FileNotFoundError(f"no GUM .xml files in {directory}")
    docs, skipped = [], []
    for p in paths:
        try:
            docs.append(read_doc(p))
        except (ValueError, OSError) as exc:
            skipped.append(f"{p.name}: {exc}")
    arts = [Article(d.name, d.name, d.title, d.body, published=d.published, language="en") for d in docs]
    annotate(arts, nlp)

    ner = {t: Counter() for t in GUM_TYPES}
    ner_exact = {t: Counter() for t in GUM_TYPES}
    geo = Counter()
    quotes = Counter()
    spk = Counter()
    dates = Counter()
    date_errors: list[str] = []
    for d, a in zip(docs, arts):
        gold = [m for m in d.mentions if m.type in GUM_TYPES and m.identity and m.proper]
        preds = [(e.start, e.end, SPACY_TO_GUM[e.label]) for e in a.entities if e.label in SPACY_TO_GUM]
        for t in GUM_TYPES:
            g = [m for m in gold if m.type == t]
            pr = [p for p in preds if p[2] == t]
            ner[t].update(tp=_match_heads(g, pr, d), pred=len(pr), gold=len(g))
            gs = {_strip(d.body, m.start, m.end) for m in g}
            ps = {_strip(d.body, s, e) for s, e, _ in pr}
            ner_exact[t].update(tp=len(gs & ps), pred=len(ps), gold=len(gs))
        gplaces = [m for m in gold if m.type == "place"]
        pplaces = [(p.start, p.end, "place") for p in a.places
                   if p.rule.split(":")[0] in ("ner", "ner-org", "ner-relabel", "locative", "seat")]
        geo.update(tp=_match_heads(gplaces, pplaces, d), pred=len(pplaces), gold=len(gplaces))
        # quotes
        direct = [q for q in a.quotes if q.kind == "direct"]
        used: set[int] = set()
        for qi, (gs_, ge_) in enumerate(d.quotes):
            g0, g1 = _qstrip(d.body, gs_, ge_)
            best, best_iou = None, 0.0
            for k, q in enumerate(direct):
                if k in used:
                    continue
                p0, p1 = _qstrip(d.body, q.start, q.end)
                inter = max(0, min(g1, p1) - max(g0, p0))
                union = max(g1, p1) - min(g0, p0)
                iou = inter / union if union else 0.0
                if iou > best_iou:
                    best, best_iou = k, iou
            gold_spk = d.speakers[qi] if qi < len(d.speakers) else None
            if gold_spk:
                spk["with_gold_speaker"] += 1
            if best is not None and best_iou >= 0.5:
                used.add(best)
                quotes["tp"] += 1
                if gold_spk:
                    spk["matched"] += 1
                    q = direct[best]
                    if q.speaker_start is not None and _speaker_ok(d, q.speaker_start, q.speaker_end, gold_spk):
                        spk["correct"] += 1
        quotes.update(pred=len(direct), gold=len(d.quotes))
        # dates
        for g in d.dates:
            dates["gold"] += 1
            hits = [t for t in a.times if t.start < g["end"] and g["start"] < t.end]
            if not hits:
                date_errors.append(f"{d.name}: missed {d.body[g['start']:g['end']]!r}")
                continue
            dates["detected"] += 1
            t = hits[0]
            if "when" in g:
                ok = (t.value or "") == re.sub(r":00$", "", g["when"])
            else:
                ok = (t.range_start, t.range_end) == (g["from"], g["to"])
            if ok:
                dates["correct"] += 1
            else:
                date_errors.append(f"{d.name}: {d.body[g['start']:g['end']]!r} -> {t.value} "
                                   f"[{t.range_start}..{t.range_end}], gold {g.get('when') or (g['from'], g['to'])}")
    out: dict[str, Any] = {"documents": len(docs), "skipped": skipped}
    out["ner"] = {t: _prf(c["tp"], c["pred"], c["gold"]) for t, c in ner.items()}
    tot = sum((c for c in ner.values()), Counter())
    out["ner"]["micro"] = _prf(tot["tp"], tot["pred"], tot["gold"])
    out["ner_exact"] = {t: _prf(c["tp"], c["pred"], c["gold"]) for t, c in ner_exact.items()}
    out["places_geoparser"] = _prf(geo["tp"], geo["pred"], geo["gold"])
    out["quotes"] = _prf(quotes["tp"], quotes["pred"], quotes["gold"])
    out["speakers"] = {"gold_quotes_with_derived_speaker": spk["with_gold_speaker"], "matched": spk["matched"],
                       "correct": spk["correct"],
                       "accuracy": round(spk["correct"] / spk["matched"], 3) if spk["matched"] else 0.0}
    out["dates"] = {"gold": dates["gold"], "detected": dates["detected"], "correct": dates["correct"],
                    "accuracy": round(dates["correct"] / dates["gold"], 3) if dates["gold"] else 0.0,
                    "accuracy_of_detected": round(dates["correct"] / dates["detected"], 3) if dates["detected"] else 0.0,
                    "vague_skipped": sum(d.skipped_vague_dates for d in docs), "errors": date_errors}
    return out


def _match_heads(gold: list[GoldMention], preds: list[tuple[int, int, str]], d: GumDoc) -> int:
    tp = 0
    used: set[int] = set()
    for m in gold:
        hs = d.tok_span[m.head]
        if hs is None:
            continue
        for k, (s, e, _) in enumerate(preds):
            if k not in used and s <= hs[0] and hs[1] <= e:
                used.add(k)
                tp += 1
                break
    return tp


def _speaker_ok(d: GumDoc, s: int, e: int, chains: set[str]) -> bool:
    for m in d.mentions:
        if d.chains.get(m.eid, m.eid) in chains and m.start < e and s < m.end:
            return True
    return False
