"""The geoparser annotator (``places``): toponyms in the body -> :class:`~eventwire.records.Place`.

Mentions come from four rules:

* ``ner``: spaCy ``GPE``/``LOC``/``FAC`` entities (a leading "the" and a trailing "'s" trimmed). A seat of
  government ("the Kremlin", "the White House") resolves to its city. ``ORG`` entities count too when
  they are a seat, a country or a national capital (``ner-org``: NER often calls "Washington" in
  "Washington said" an organisation).
* ``ner-relabel``: a ``PERSON`` or ``ORG`` entity that is a gazetteer place by its form: a country's
  name ("*Mali*'s Gao region"), a name with a division word ("*Zaporizhzhia Oblast*", "Kandahar
  Province") or followed by one ("*Gao* region"). Its entity label becomes ``GPE``.
* ``demonym``: an adjectival ``NORP`` that is a country's demonym ("the *Qatari* capital", "*Afghan*
  allies") gives that country (plural nouns such as "Americans" are people, not places).
* ``locative``: a capitalised word that spaCy missed or mislabelled (``PERSON``/``ORG``, e.g. "through
  central *Santiago*"), object of a locative preposition (in, at, near, through, ...), whose best
  gazetteer match is a country, division, continent, capital or city over 100,000 people.
* ``struck``: the same test for the direct object of a verb of armed attack (``strike_verbs``:
  "shelled *Aleppo*", "attacked *Gao*", which NER often calls a group or a person); ``named``: the same
  for the "of" phrase of a settlement noun (``settlement_nouns``: "the town of *Gao*").
* ``capital``: "the Qatari capital", "the Chilean capital" (no name given) -> that country's capital.

Roles (``Place.role``): ``event_location`` when the toponym (or the noun it is in apposition to, or
the division word it names: "*Mali*'s *Gao* region") is the object of a locative preposition attached
to a verb, an event noun or a verb's object ("held *in Doha*", "the meeting *in the Qatari capital*",
"attacked a base *in Gao*"); ``actor`` for metonymy, when it is the subject of a verb or the agent of a
passive ("*Washington* said", "*Kabul* wants", "*the Kremlin* denied") - such places are never used as
event locations; ``dateline`` for the wire dateline ("NAIROBI -"); ``mention`` otherwise.

Unknown toponyms are kept with ``geonameid=None``, their text and the reason in ``rule``; each mention
is resolved on its own, so one failure never empties the others.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire import lexicon
from eventwire.geo.gazcache import get_gazetteer
from eventwire.geo.gazetteer import GeoRecord
from eventwire.geo.resolve import DIVISION_WORDS, Choice, choose
from eventwire.nlp.annotators import annotator
from eventwire.records import Article, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

log = logging.getLogger(__name__)

#: Prepositions that place something somewhere (not "from"/"to": origin and destination).
#: "on", "over", "between", "into" are left out: "sanctions on Belarus", "talks between Kyiv and Moscow".
LOC_PREPS = lexicon.words("place_preps")
#: Nouns naming something that happens somewhere ("the meeting in Doha").
EVENT_NOUNS = lexicon.words("event_nouns")
#: Nouns that make "X is the <noun>" a description of a place, not metonymy.
GEO_NOUNS = lexicon.words("geo_nouns")
#: Verbs of armed attack whose mislabelled capitalised object may be a toponym ("shelled Aleppo").
STRIKE_VERBS = lexicon.words("strike_verbs")
#: Nouns that name a place through an "of" phrase ("the town of Gao").
SETTLEMENT_NOUNS = lexicon.words("settlement_nouns")
_SUBJ = frozenset({"nsubj", "nsubjpass", "csubj"})


@dataclass
class _Mention:
    start: int  # token indices, half-open
    end: int
    rule: str
    record: GeoRecord | None = None  # preset for demonyms, seats and capitals
    confidence: float = 0.0
    note: str = ""


def _trim(span: "Span") -> tuple[int, int]:
    s, e = span.start, span.end
    doc = span.doc
    while s < e and doc[s].lower_ in ("the", "a", "an"):
        s += 1
    while e > s and doc[e - 1].text in ("'s", "’s", "'", "’"):
        e -= 1
    return s, e


def _head(doc: "Doc", s: int, e: int) -> "Token":
    return doc[s:e].root


def role_of(tok: "Token") -> str:
    """The role of a toponym whose head token is ``tok`` (see module docstring)."""
    t = tok
    for _ in range(6):  # climb appositions, coordinations and "the town of X" ("Doha" -> "capital")
        if t.dep_ in ("appos", "conj") and t.head is not t:
            t = t.head
        elif t.dep_ in ("compound", "poss") and t.head.lower_ in DIVISION_WORDS | GEO_NOUNS:
            t = t.head  # "in Mali's Gao region": Gao and Mali stand where "region" stands
        elif t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_.lower() in GEO_NOUNS:
            t = t.head.head
        else:
            break
    if t.dep_ in _SUBJ and not _descriptive(t.head):
        return "actor"
    if t.dep_ == "pobj" and t.head.dep_ == "agent":
        return "actor"
    if t.dep_ == "pobj" and t.head.lower_ in LOC_PREPS:
        gov = t.head.head
        if gov.pos_ in ("VERB", "AUX") or gov.lemma_.lower() in EVENT_NOUNS or gov.lower_ in EVENT_NOUNS:
            return "event_location"
        if gov.pos_ in ("NOUN", "PROPN") and gov.dep_ in ("dobj", "nsubjpass") and gov.head.pos_ == "VERB":
            return "event_location"  # "attacked an army base in Gao": the verb's object is there
    return "mention"


def _descriptive(verb: "Token") -> bool:
    """True when a clause only describes the place ("Doha is the capital", "Kabul lies in a valley")."""
    if verb.lemma_ in ("lie", "border", "sit", "stretch", "locate", "situate"):
        return True
    if verb.lemma_ == "be":
        for ch in verb.children:
            if ch.dep_ == "attr" and ch.lemma_.lower() in GEO_NOUNS:
                return True
            if ch.dep_ == "prep" and ch.lower_ in LOC_PREPS:
                return True
    return False


def _adjectival(tok: "Token") -> bool:
    return tok.tag_ not in ("NNS", "NNPS") and (tok.pos_ == "ADJ" or tok.dep_ in ("amod", "compound", "nmod"))


def find_mentions(doc: "Doc", article: Article) -> list[_Mention]:
    """Candidate toponym mentions in a parsed body, by the rules of the module docstring."""
    gaz = get_gazetteer()
    out: list[_Mention] = []
    taken: set[int] = set()
    ent_label = {}
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            ent_label[i] = ent.label_
        if ent.label_ not in ("GPE", "LOC", "FAC", "ORG", "NORP", "PERSON"):
            continue
        s, e = _trim(ent)
        if s >= e:
            continue
        text = doc[s:e].text
        if ent.label_ in ("GPE", "LOC", "FAC", "ORG"):
            # ORG too: metonyms that NER calls organisations ("the Kremlin", "Washington")
            seat = gaz.seat(text)
            if seat is not None:
                out.append(_Mention(s, e, "seat", seat, 0.8, f"seat of government in {seat.name}"))
                taken.update(range(s, e))
            elif ent.label_ != "ORG":
                out.append(_Mention(s, e, "ner"))
                taken.update(range(s, e))
            elif any(c.primary and (c.record.kind == "country" or c.record.feature_code == "PPLC")
                     for c in gaz.lookup(text)):
                out.append(_Mention(s, e, "ner-org"))
                taken.update(range(s, e))
            elif (why := _place_form(gaz, text, doc[e].lower_ if e < len(doc) else "")) is not None:
                out.append(_Mention(s, e, "ner-relabel", note=f"ORG {why}"))
                taken.update(range(s, e))
        elif ent.label_ == "PERSON":
            why = _place_form(gaz, text, doc[e].lower_ if e < len(doc) else "")
            if why is not None:
                out.append(_Mention(s, e, "ner-relabel", note=f"PERSON {why}"))
                taken.update(range(s, e))
        else:  # NORP
            rec = gaz.demonym(doc[s:e].text)
            if rec is not None and _adjectival(doc[s:e].root):
                out.append(_Mention(s, e, "demonym", rec, 0.9, f"demonym of {rec.name}"))
                taken.update(range(s, e))
    # "the Qatari capital" / "the Chilean capital" without a name in apposition
    for tok in doc:
        if tok.lower_ != "capital" or tok.pos_ != "NOUN":
            continue
        if any(ch.dep_ == "appos" for ch in tok.children):
            continue
        for ch in tok.children:
            if ch.dep_ in ("amod", "compound", "poss") and ch.i < tok.i:
                rec = gaz.demonym(ch.text) if ch.tag_ not in ("NNP",) or ent_label.get(ch.i) == "NORP" else None
                if rec is None and ent_label.get(ch.i) == "GPE":
                    cands = [c for c in gaz.lookup(ch.text) if c.record.kind == "country"]
                    rec = cands[0].record if cands else None
                cap = gaz.capital_of.get(rec.country) if rec is not None else None
                if cap is not None:
                    out.append(_Mention(ch.i, tok.i + 1, "capital", cap, 0.85, f"the capital of {rec.name}"))
                break
    # capitalised words in locative position that NER missed or mislabelled
    for tok in doc:
        if tok.i in taken:
            continue
        locative = tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS
        struck = tok.dep_ == "dobj" and tok.head.pos_ == "VERB" and tok.head.lemma_.lower() in STRIKE_VERBS
        named = (tok.dep_ == "pobj" and tok.head.lower_ == "of"
                 and tok.head.head.lemma_.lower() in SETTLEMENT_NOUNS and tok.head.head.i < tok.i)
        if not (locative or struck or named):
            continue
        if not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN", "ADJ"):
            continue
        label = ent_label.get(tok.i)
        if label not in (None, "PERSON", "ORG") and not (
                label == "NORP" and gaz.demonym(tok.text) is None):  # "shelled Aleppo" tagged NORP
            continue
        s = tok.i
        while s - 1 >= 0 and doc[s - 1].head.i == tok.i and doc[s - 1].dep_ == "compound" and doc[s - 1].text[:1].isupper():
            s -= 1
        if any(i in taken for i in range(s, tok.i + 1)):
            continue
        cands = gaz.lookup(doc[s:tok.i + 1].text)
        strong = [c for c in cands if c.primary and (c.record.kind in ("country", "continent")
                  or (c.record.kind == "adm1" and c.record.lat is not None)
                  or c.record.feature_code == "PPLC" or c.record.population >= 100_000)]
        if strong:
            out.append(_Mention(s, tok.i + 1, "locative" if locative else "struck" if struck else "named"))
            taken.update(range(s, tok.i + 1))
    out.sort(key=lambda m: (m.start, m.end))
    return out


def _division_form(text: str) -> str | None:
    """The name without its trailing division word ("Zaporizhzhia Oblast" -> "Zaporizhzhia"), else ``None``."""
    words = text.split()
    if len(words) > 1 and words[-1].lower() in DIVISION_WORDS:
        return " ".join(words[:-1])
    return None


def _place_form(gaz, text: str, next_word: str) -> str | None:
    """Why a span NER called a person or an organisation is a place (see ``ner-relabel`` in the module
    docstring), or ``None``."""
    base = _division_form(text)
    if base is not None and gaz.lookup(base):
        return "named with a division word"
    cands = gaz.lookup(text)
    if next_word in DIVISION_WORDS and any(c.record.kind in ("adm1", "city") for c in cands):
        return f"followed by '{next_word}'"
    if any(c.primary and c.record.kind == "country" for c in cands):
        return "is a country's name"
    return None


def _country_of(m: _Mention, choice: Choice | None) -> str | None:
    rec = m.record or (choice.record if choice else None)
    return rec.country if rec is not None and rec.kind == "country" else None


@annotator("places", assigns=("places", "entities.label"))
def annotate_places(article: Article, doc: "Doc") -> None:
    """Find and resolve the toponyms of ``article`` (parsed as ``doc``) into ``article.places``."""
    gaz = get_gazetteer()
    mentions = find_mentions(doc, article)
    sent_of = {}
    for si, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            sent_of[i] = si
    # pass 1: countries the article names (country names and demonyms: nearly unambiguous)
    article_countries: set[str] = set()
    sentence_countries: dict[int, set[str]] = {}
    article_divisions: set[tuple[str, str]] = set()  # (ISO3, ADM1 code) of divisions the article names
    first: dict[int, Choice] = {}
    for k, m in enumerate(mentions):
        if m.record is not None:
            c = m.record.country if m.record.kind == "country" else None
        else:
            text = doc[m.start:m.end].text
            cands = gaz.lookup(text) or gaz.lookup(_division_form(text) or "")
            ch = choose(cands)
            first[k] = ch
            c = ch.record.country if ch.record is not None and ch.record.kind == "country" else None
            nxt = doc[m.end].lower_ if m.end < len(doc) else ""
            if c is None and ch.record is not None and (_division_form(text) or nxt in DIVISION_WORDS):
                c = ch.record.country  # a named division ("Zaporizhzhia Oblast") is nearly unambiguous too
            r = ch.record
            if r is not None and r.kind == "adm1" and r.admin1 and r.country and ch.confidence >= 0.75:
                article_divisions.add((r.country, r.admin1))  # "Florida": its cities rank first
        if c:
            article_countries.add(c)
            sentence_countries.setdefault(sent_of.get(m.start, -1), set()).add(c)
    if article.dateline_place:
        for c in gaz.lookup(article.dateline_place)[:1]:
            if c.record.country:
                article_countries.add(c.record.country)
    # pass 2: resolve every mention with the context
    places: list[Place] = []
    for k, m in enumerate(mentions):
        span = doc[m.start:m.end]
        try:
            if m.record is not None:
                rec, conf, rule = m.record, m.confidence, f"{m.rule}: {m.note}"
            else:
                nxt = doc[m.end].lower_ if m.end < len(doc) else ""
                hint = nxt in DIVISION_WORDS
                cands = gaz.lookup(span.text)
                base = _division_form(span.text)
                if base is not None:  # "Zaporizhzhia Oblast", "Kandahar Province": the division's forms
                    hint = True
                    cands = cands or gaz.lookup(base)
                dem = gaz.demonym(span.text) if not cands else None
                if dem is not None:  # NER sometimes calls a demonym a GPE ("Ukrainian")
                    rec, conf, rule = dem, 0.9, f"{m.rule}: demonym of {dem.name}"
                else:
                    ch = choose(cands, article_countries,
                                sentence_countries.get(sent_of.get(m.start, -1), set()), hint, article_divisions)
                    rec, conf, rule = ch.record, ch.confidence, f"{m.rule}: {ch.rule}"
                    if hint and rec is not None and rec.kind == "city" and (div := gaz.division_of(rec)) is not None:
                        # "Zaporizhzhia Oblast": the division around the city of that name
                        rule += f", the division around {rec.name}"
                        rec = div
                if m.note:
                    rule += f" ({m.note})"
            role = role_of(span.root)
            if m.rule == "demonym":
                role = "mention"
            places.append(_place(span, rec, conf, rule, role))
        except Exception as exc:  # one bad mention must not lose the others
            log.debug("place resolution failed", exc_info=True)
            article.warnings.append(f"place '{span.text}' not resolved: {type(exc).__name__}: {exc}")
            places.append(_place(span, None, 0.0, f"{m.rule}: error {type(exc).__name__}", "mention"))
    dl = (article.dateline_place or "").casefold()
    # the wire dateline ("NAIROBI -", "MANILA, Philippines (AP) --") is the body's prefix up to its dash;
    # a later "met in Nairobi" is not part of it even though it names the same place
    head = _DATELINE_PREFIX.match(article.body)
    prefix_end = head.end() if head else 0
    for p in places:
        if (dl and p.end <= prefix_end and dl.startswith(p.text.casefold())) or (
                p.start <= 2 and p.text.isupper() and re.match(r"\s*(?:[,(]|[-–—])", article.body[p.end:p.end + 3])):
            p.role = "dateline"
    article.places = places
    relabelled = [(doc[m.start:m.end].start_char, doc[m.start:m.end].end_char) for m in mentions if m.rule == "ner-relabel"]
    if relabelled:
        for ent in article.entities:
            if ent.label in ("PERSON", "ORG") and any(ent.start <= a and b <= ent.end for a, b in relabelled):
                ent.label = "GPE"


_DATELINE_PREFIX = re.compile(r"[^\n]{0,80}?(?:\s[-–—]+\s|\)\s*[-–—:]+\s*)")


def _place(span: "Span", rec: GeoRecord | None, conf: float, rule: str, role: str) -> Place:
    p = Place(span.start_char, span.end_char, span.text, role=role, confidence=conf if rec else 0.0, rule=rule)
    if rec is not None:
        p.geonameid, p.name, p.country, p.admin1 = rec.geonameid, rec.name, rec.country, rec.admin1
        p.lat, p.lon, p.feature_class, p.feature_code = rec.lat, rec.lon, rec.feature_class, rec.feature_code
    return p
