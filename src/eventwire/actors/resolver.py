"""Actor resolution over one parsed article: noun phrase -> actors with codes.

:class:`ArticleActors` answers "which actors does the noun phrase headed by this token name?" using
the dictionary matches (:mod:`eventwire.actors.dictionary`) and the dependency parse:

* a country, capital, demonym, organisation or group named by the phrase itself ("the Taliban",
  "Washington, DC" -> USA GOV, "the US State Department" -> USA GOV);
* a role noun with a country or organisation beside it: compound/adjective/possessive modifiers
  ("A US delegation", "Kenya's foreign minister", "Eritrean troops") or an ``of/from/for/in`` phrase
  ("a spokesman for the US State Department", "envoys from Ethiopia and Eritrea", "the head of the
  Afghan Red Crescent Society", "officials in Kabul") -> country + the role's sector;
* people: a name in the person dictionary (``persons.tsv``: leaders with the offices they held when,
  "Trump" is ``USAGOV`` in 2025 and ``USAELI`` in 2022), else the actor of its apposition or title
  ("the Taliban spokesman ..., Sohail Shaheen"; "Russian Foreign Minister Sergei Lavrov"); later
  mentions of the surname reuse it; "former" makes an office holder CAMEO's elite (``ISRELI``);
* a quantity or crowd noun stands for the people of its "of" phrase ("thousands of students",
  "a crowd of protesters"; lexicon ``quantity_heads``);
* places resolved by the knowledge layer stand for their country ("attacked Kirkuk" -> IRQ, "a court
  in Lyon" -> FRA JUD);
* organisations that spaCy finds but the dictionary does not: country from a country name or demonym
  inside the name, sector from a role word or a keyword inside it ("Afghan Red Crescent Society" ->
  AFG NGO);
* definite descriptions referring back: "the spokesman" -> the last spokesperson with a known
  organisation; "the extremist group", "the militants" -> the last armed group named; "the
  delegation" -> the last delegation with a country;
* bare social roles ("police", "students") and definite domestic roles ("the government") take the
  one country their sentence names ("Students protested to the Ukrainian government" -> UKR EDU), else
  the article's only country, else the wire dateline's country when the story is about it, else stay
  without country (the bare CAMEO role code, ``COP``).

Actor codes: ISO3 + sector (``USAGOV``), CAMEO organisation codes (``IGOUNO``), group codes
(``AFGINSTAL``); PETRARCH agent codes are appended (``~GOVFRM``) or prefixed (``NGO~``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire import lexicon
from eventwire.actors.dictionary import ARMED_SECTORS, ActorDictionary, ActorEntry, Match, countries
from eventwire.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from eventwire.records import Place

#: Dependency labels of modifiers that may carry a role noun's country or organisation.
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "npadvmod", "nummod"})
#: Prepositions that attach a role noun to its country or organisation ("spokesman for the ministry").
OWNER_PREPS = lexicon.words("owner_preps")
#: Sectors a bare role may take from the article's dominant country ("police", "the government").
DOMESTIC_SECTORS = lexicon.tagged("actor_sectors", "domestic")
#: Sectors of social groups whose bare mention ("police", "students") belongs to the story's country;
#: other bare roles ("officials") take it only when definite ("the government", "the army").
SOCIAL_SECTORS = lexicon.tagged("actor_sectors", "social")
#: Keywords inside an organisation's name that give its sector (CAMEO 1.1b3 actor codebook, table 3.1).
ORG_SECTOR_WORDS = lexicon.mapping("org_sector_words")
PRONOUNS = lexicon.words("pronouns")
#: Rules of actors whose country comes from the sentence or dateline, or is unknown (never owners of other roles).
CONTEXT_RULES = frozenset({"role+sentence-country", "role+article-country", "role+dateline-country", "role-only"})
#: GeoNames feature classes of places that may stand for their country as actors (populated places,
#: administrative areas, regions): "attacked Kirkuk" -> IRQ, "police in Lyon" -> FRA.
PLACE_ACTOR_CLASSES = frozenset({"P", "A", "L"})
#: Nouns that name a place through an "of" phrase: "the town of Gao" stands for the place Gao.
SETTLEMENT_NOUNS = lexicon.words("settlement_nouns")
#: Facilities that stand for their owner in an event ("attacked an army base in X", "stormed a police
#: headquarters", "demolished the home of X").
FACILITY_NOUNS = lexicon.words("facility_nouns")
#: Prepositions that give a facility's owner or location.
FACILITY_PREPS = lexicon.words("facility_preps")
#: Weapons and strikes that stand for whoever used them ("A U.S. military airstrike killed ...").
INSTRUMENT_NOUNS = lexicon.words("instrument_nouns")
#: Modifiers that make a person a former office holder (CAMEO 1.1b3 actor codebook 3.2.4: ELI).
FORMER = lexicon.words("former_words")
#: nouns whose "of" phrase says who they are ("thousands of students", "a crowd of protesters")
QUANTITY_HEADS = lexicon.words("quantity_heads")
#: actor kinds that stand for a country: a role they own takes the role's sector ("police in Lagos" -> NGACOP)
COUNTRY_KINDS = ("country", "demonym", "capital", "place")
#: Nouns that refer to the two parties of the story with "both" or "the two" ("both sides").
ROLE_OF_PAIR_NOUN = lexicon.mapping("pair_noun_sectors")
PAIR_NOUNS = lexicon.words("pair_nouns")


@dataclass(slots=True)
class Ref:
    """An actor found for a noun phrase.

    Attributes:
        name, code, country, sector, qid, region: as in :class:`~eventwire.records.Actor` (``region``:
            CAMEO region of an international actor, e.g. ``EUR`` for the European Union).
        start, end: token span of the mention in the ``Doc``.
        rule: how it was found (``dictionary``, ``role+country``, ``apposition``, ``coref:spokes``, ...).
        certainty: in (0, 1]: 1 for a named actor, lower for references resolved from context.
        kind: ``country``, ``org``, ``group``, ``person``, ``intl``, ``role`` (a composite) ...
        role_kind: the role's kind when a role noun was involved (``spokes``, ``armed``, ...).
    """

    name: str | None
    code: str | None
    country: str | None
    sector: str | None
    qid: str | None
    start: int
    end: int
    rule: str
    certainty: float = 1.0
    kind: str = "country"
    role_kind: str | None = None
    region: str | None = None
    head_lemma: str = ""

    def to_actor(self, doc: "Doc") -> Actor:
        """The :class:`~eventwire.records.Actor` record (char offsets into the parsed text)."""
        span = doc[self.start:self.end]
        return Actor(text=span.text, start=span.start_char, end=span.end_char, name=self.name,
                     code=self.code or None, country=self.country, sector=self.sector, qid=self.qid)

    def with_certainty(self, c: float) -> "Ref":
        """Set ``certainty`` and return the same ref."""
        self.certainty = c
        return self

    @property
    def key(self) -> str:
        """What the actor is, for comparisons (its code, else its name)."""
        return self.code or self.name or ""


def _entry_refs(e: ActorEntry, start: int, end: int, date: str | None, rule: str = "dictionary") -> list[Ref]:
    """Refs of a dictionary entry; a PETRARCH code list ``FRO/BIL/SAM`` names several actors."""
    ref = _entry_ref(e, start, end, date, rule)
    if ref.code and "/" in ref.code:
        return [Ref(ref.name, c, ref.country, ref.sector, ref.qid, start, end, rule, 1.0, ref.kind, ref.role_kind,
                    ref.region) for c in ref.code.split("/") if c]
    return [ref]


def _entry_ref(e: ActorEntry, start: int, end: int, date: str | None, rule: str = "dictionary") -> Ref:
    code, country, sector = e.on(date)
    if e.kind == "capital":
        sector = sector or "GOV"
    return Ref(e.name, code, country, sector, e.qid, start, end, rule, 1.0, e.kind, e.role_kind, e.region)


def compose(base: Ref, role: ActorEntry, start: int, end: int, rule: str) -> Ref:
    """A role noun applied to the actor that owns it: ``US`` + ``delegation`` -> ``USAGOV``.

    A plain country (or PETRARCH actor) takes the role's sector; an organisation, group or a person
    keeps its own code (a "Taliban spokesman" is coded as the Taliban). PETRARCH agent codes are added
    as suffix (``~GOVFRM``) or prefix (``NGO~``).
    """
    code, sector = base.code, base.sector
    rc = role.code
    if "~" in rc:  # PETRARCH agent
        part = rc.replace("~", "")
        if rc.startswith("~"):
            code = (code or "") + ("" if (code or "").endswith(part) else part)
        else:
            code = part + (code or "")
        sector = sector or part[:3]
    elif base.kind in COUNTRY_KINDS and (base.code or "") and len(base.code) == 3:
        code, sector = base.code + role.sector, role.sector
    elif base.kind in COUNTRY_KINDS and not sector:
        code, sector = (base.code or "") + role.sector, role.sector
    return Ref(base.name, code, base.country, sector, base.qid, start, end, rule,
               base.certainty, "role" if base.kind in COUNTRY_KINDS else base.kind,
               role.role_kind, base.region, role.name)


class ArticleActors:
    """Actor look-ups for one parsed article (built once per article; results are cached).

    Args:
        doc: the parsed body.
        dictionary: the actor dictionary to match.
        date: the article's date (ISO), for date-restricted (PETRARCH) dictionary entries.
    """

    def __init__(self, doc: "Doc", dictionary: ActorDictionary, date: str | None = None,
                 places: "Iterable[Place] | None" = None):
        self.doc = doc
        self.date = date
        all_matches = dictionary.match(doc)
        self.matches: list[Match] = [m for m in all_matches if not _dateline(doc, m)]
        self.match_at: dict[int, Match] = {}
        for m in self.matches:
            for i in range(m.start, m.end):
                self.match_at[i] = m
        #: the wire dateline's country ("MANILA, Philippines (AP) -"), from the dictionary or the places
        self.dateline_country: str | None = next(
            (m.entry.country for m in all_matches if m.entry.country and _dateline(doc, m)), None)
        #: resolved places (knowledge layer) that may stand for their country: token -> (start, end, place)
        self.place_at: dict[int, tuple[int, int, "Place"]] = {}
        for pl in places or ():
            if not pl.country or pl.geonameid is None:
                continue
            if pl.role == "dateline":
                self.dateline_country = self.dateline_country or pl.country
                continue
            if (pl.feature_class or "") not in PLACE_ACTOR_CLASSES:
                continue
            span = doc.char_span(pl.start, pl.end, alignment_mode="expand")
            if span is None or not len(span) or any(i in self.match_at for i in range(span.start, span.end)):
                continue
            for i in range(span.start, span.end):
                self.place_at[i] = (span.start, span.end, pl)
        self._cache: dict[int, list[Ref]] = {}
        self._busy: set[int] = set()
        self.ent_at: dict[int, object] = {}
        for e in doc.ents:
            for i in range(e.start, e.end):
                self.ent_at[i] = e
        #: tokens "former", "ex-..." (CAMEO elites)
        self._former_at: set[int] = {t.i for t in doc if t.lower_ in FORMER or t.lower_.startswith("ex-")}
        self._sent_country: dict[int, str | None] = {}
        self._story_dl: str | None = None
        self._counts: Counter | None = None
        #: the actors of the last event with two or more parties, for "both sides", "the two leaders",
        #: "each other" (set by the event coder as it goes through the article; set before the persons
        #: are registered, whose look-ups may meet such a phrase)
        self.last_pair: list[Ref] = []
        self.persons: dict[str, Ref | None] = {}
        self._register_persons()

    # -- public ---------------------------------------------------------------------------------

    def refs(self, tok: "Token") -> list[Ref]:
        """Actors named by the noun phrase headed by ``tok`` (conjuncts not included)."""
        i = tok.i
        if i in self._cache:
            return self._cache[i]
        if i in self._busy:  # a cycle in a strange parse
            return []
        self._busy.add(i)
        try:
            out = self._resolve(tok)
            if out and self._former_at and any(j in self._former_at for j in range(tok.left_edge.i, tok.i)):
                out = [_elite(r) for r in out]  # "former prime minister Shimon Peres"
        finally:
            self._busy.discard(i)
        self._cache[i] = out
        return out

    def refs_with_conj(self, tok: "Token") -> list[Ref]:
        """Actors of ``tok`` and of its coordinated phrases ("the EU, Norway ... and the US")."""
        out = list(self.refs(tok))
        for c in tok.conjuncts:
            out.extend(self.refs(c))
        # lists parsed as appositions: "The EU, Norway, Sweden and the United States"
        named = ("country", "org", "group", "intl", "capital")
        if out and all(r.kind in named for r in out):
            for c in tok.children:
                if c.dep_ == "appos":
                    more = [r for x in [c, *c.conjuncts] for r in self.refs(x)]
                    if more and all(r.kind in named for r in more):
                        out.extend(more)
        return _dedupe(out)

    def sentence_country(self, tok: "Token") -> str | None:
        """The country a bare role in ``tok``'s sentence belongs to, when the sentence says it.

        The one country named in the sentence (a country, demonym, capital or known person from the
        dictionary, or a resolved place from the knowledge layer): "Students and academics protested to the Ukrainian
        government" -> UKR. ``None`` when the sentence names no country or several.
        """
        sent = tok.sent
        if sent.start in self._sent_country:
            return self._sent_country[sent.start]
        found: set[str] = set()
        for i in range(sent.start, sent.end):
            m = self.match_at.get(i)
            if m is not None and m.start == i and m.entry.country and m.entry.kind in ("country", "demonym", "capital",
                                                                                       "person"):
                found.add(m.entry.country)
            p = self.place_at.get(i)
            if p is not None and p[0] == i:
                found.add(p[2].country)
        out = next(iter(found)) if len(found) == 1 else None
        self._sent_country[sent.start] = out
        return out

    def _country_counts(self) -> Counter:
        """Mentions per country: dictionary countries, demonyms, capitals and resolved places."""
        if self._counts is None:
            cnt = Counter(m.entry.country for m in self.matches
                          if m.entry.country and m.entry.kind in ("country", "demonym", "capital"))
            cnt.update(p[2].country for i, p in self.place_at.items() if p[0] == i)
            self._counts = cnt
        return self._counts

    def only_country(self) -> str | None:
        """The article's country when it names exactly one (at least twice): no other to confuse it with."""
        cnt = self._country_counts()
        if len(cnt) == 1:
            (c, n), = cnt.items()
            return c if n >= 2 else None
        return None

    def story_dateline_country(self) -> str | None:
        """The dateline's country when the story is about it: the article names that country at least
        as often as any other ("SANTIAGO, Chile (AP) - ... police" is Chilean police, but in "BRUSSELS
        (Reuters) - ... Belarusian officials ..." Belgium is only where the reporter sits)."""
        if self._story_dl is None:
            self._story_dl = ""
            dl = self.dateline_country
            if dl:
                cnt = self._country_counts()
                if cnt[dl] and cnt[dl] >= max(cnt.values()):
                    self._story_dl = dl
        return self._story_dl or None

    def entity_ref(self, start_tok: int, end_tok: int) -> Ref | None:
        """The actor of a mention spanning tokens ``[start_tok, end_tok)`` (for entities and quote speakers)."""
        span = self.doc[start_tok:end_tok]
        if not len(span):
            return None
        refs = self.refs(span.root)
        if refs:
            return refs[0]
        for i in range(start_tok, end_tok):
            m = self.match_at.get(i)
            if m and m.entry.kind != "role":
                return _entry_ref(m.entry, m.start, m.end, self.date)
        return None

    # -- resolution -----------------------------------------------------------------------------

    def _resolve(self, tok: "Token") -> list[Ref]:
        pair = self._pair(tok)
        if pair is not None:
            return pair
        counted = self._counted(tok)
        if counted:
            return counted
        m = self.match_at.get(tok.i)
        if m is not None and m.entry.kind != "role":
            ref = _entry_ref(m.entry, m.start, m.end, self.date)
            if m.entry.kind == "demonym" and tok.pos_ == "ADJ":
                return []
            if m.entry.kind == "intl" and ref.code == "WST":
                return [ref]
            if m.entry.kind in ("country", "capital") and self._inside_person(tok):
                return []
            refs = _entry_refs(m.entry, m.start, m.end, self.date)
            title = self._title(tok, m)
            if title is not None and all(r.code and len(r.code) == 3 and r.code.isalpha() for r in refs):
                # a person listed with a bare country code ("Romendacil [BRE]") and a title ("Bree
                # President Romendacil"): the title's sector is added (BREGOV)
                rt, rm = title
                return [compose(Ref(r.name, r.code, r.country, None, r.qid, r.start, r.end, r.rule, 1.0, "country",
                                    None, r.region), rm.entry, min(rt.i, r.start), r.end, "title+" + r.rule)
                        for r in refs]
            return refs
        if m is not None and m.entry.kind == "role":
            if tok.i != m.end - 1 and tok.i != _span_root(self.doc, m).i:
                return []
            return self._role(tok, m.entry, m)
        if tok.pos_ == "PRON":
            return []
        ent = self.ent_at.get(tok.i)
        if ent is not None and ent.label_ == "PERSON":
            person = self._person(tok, ent)
            if person or tok.i not in self.place_at:
                return person
            # an unknown "person" the geoparser read as a well-known place ("attacked Gao"): the place
        if tok.pos_ == "PROPN" and self.persons.get(tok.lower_) is not None:  # a known surname the NER missed
            ref = self.persons[tok.lower_]
            return [_moved(ref, _trim(self.doc, tok.left_edge.i, tok.i), tok.i + 1, ref.rule, ref.certainty)]
        if ent is not None and ent.label_ in ("ORG", "NORP", "GPE", "FAC"):
            r = self._org_from_name(ent)
            if r:
                return [r]
        pl = self.place_at.get(tok.i)
        if pl is not None and (pl[1] - 1 == tok.i or self.doc[pl[0]:pl[1]].root.i == tok.i):
            return [self._place_ref(pl, tok)]
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in SETTLEMENT_NOUNS:
            for c in tok.children:  # "the town of Gao": the place named
                if c.dep_ == "prep" and c.lower_ == "of":
                    for o in c.children:
                        opl = self.place_at.get(o.i)
                        if o.dep_ == "pobj" and opl is not None and opl[1] - 1 == o.i:
                            ref = self._place_ref(opl, o)
                            return [_moved(ref, _trim(self.doc, tok.left_edge.i, tok.i), ref.end, "place", ref.certainty)]
        if tok.pos_ == "NOUN":
            lemma = tok.lemma_.lower()
            if lemma in FACILITY_NOUNS or lemma in INSTRUMENT_NOUNS:
                owned = self._owned(tok, lemma in FACILITY_NOUNS)
                if owned:
                    return owned
        # an unlisted head with an owner ("the Polish side", "Kabul's position")
        if tok.pos_ in ("NOUN", "PROPN") and tok.lemma_.lower() in ("side", "camp", "leadership"):
            owners = self._owners(tok)
            return [compose(o, ActorEntry(tok.lemma_, "GOV", "role", sector="GOV", role_kind="body"),
                            min(o.start, tok.left_edge.i), max(tok.i + 1, o.end), "role+" + o.kind)
                    for o in owners]
        return []

    def _counted(self, tok: "Token") -> list[Ref]:
        """The actors of the "of" phrase of a quantity or crowd noun ``tok`` (lexicon ``quantity_heads``):
        "Thousands of students" are students, "tens of thousands of workers" workers, "a crowd of
        protesters" protesters. The mention then spans the whole phrase and keeps the counted noun's
        rule. ``[]`` when ``tok`` is not
        such a noun or its "of" phrase names no actor ("thousands of dollars", "hundreds of homes")."""
        if tok.pos_ not in ("NOUN", "NUM") or tok.lemma_.lower() not in QUANTITY_HEADS:
            return []
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of" and c.i > tok.i:
                for p in c.children:
                    if p.dep_ == "pobj":
                        start = _trim(self.doc, tok.left_edge.i, tok.i)
                        # the rule stays the counted noun's: the filters on context-country and bare
                        # roles treat "thousands of people" as they treat "people"
                        return [_moved(r, min(start, r.start), max(r.end, p.i + 1), r.rule, r.certainty)
                                for r in self.refs_with_conj(p)]
        return []

    def _title(self, tok: "Token", m: Match) -> "tuple[Token, Match] | None":
        """A role noun used as a title before the name ending at ``tok`` ("President" in "Bree
        President Romendacil"), if any."""
        for c in tok.children:
            if c.dep_ in ("compound", "amod") and c.i < m.start:
                rm = self.match_at.get(c.i)
                if rm is not None and rm.entry.kind == "role" and rm.entry.role_kind in ("person", "spokes", "body"):
                    return c, rm
        return None

    def _owned(self, tok: "Token", facility: bool) -> list[Ref]:
        """Who a facility or a weapon belongs to.

        Facilities ("an army base in northern Afghanistan" -> AFG MIL, "the home of a Palestinian man"
        -> PSE CVL, "a migrant camp in Calais" -> FRA REF) take the role that modifies them with the
        country of their location or owner; weapons and strikes ("A U.S. military airstrike" -> USA MIL,
        "a car bombing by the Islamic State" -> IMGMOSISI) stand for whoever used them.
        """
        role: tuple["Token", Match] | None = None
        owners: list[Ref] = []
        for c in tok.children:
            if c.i < tok.i and c.dep_ in MODIFIER_DEPS:
                m = self.match_at.get(c.i)
                if m is not None and m.entry.kind == "role":
                    role = (c, m)
                else:
                    owners.extend(r for r in self.modifier_refs(c) if r.rule not in CONTEXT_RULES)
            elif c.dep_ == "prep" and c.lower_ in (FACILITY_PREPS if facility else ("by",)):
                for pobj in c.children:
                    if pobj.dep_ == "pobj":
                        found = [r for r in self.refs_with_conj(pobj) if r.rule not in CONTEXT_RULES]
                        if not found and facility:  # "in Nigeria's Borno state"
                            for x in pobj.children:
                                if x.dep_ in MODIFIER_DEPS and x.i < pobj.i:
                                    found.extend(r for r in self.modifier_refs(x) if r.rule not in CONTEXT_RULES)
                        owners.extend(found)
        start = _trim(self.doc, tok.left_edge.i, tok.i)
        if role is not None:
            rt, m = role
            if owners:
                return [compose(o, m.entry, min(start, o.start), max(tok.i + 1, o.end), "owned+" + o.kind)
                        .with_certainty(0.8) for o in _dedupe(owners)[:2]]
            own = self.refs(rt)
            if not own and facility and m.entry.sector in DOMESTIC_SECTORS:  # "an army camp" in the story's country
                ctx = self.sentence_country(tok) or self.only_country()
                if ctx:
                    info = countries().get(ctx)
                    base = Ref(info.name if info else ctx, ctx, ctx, None, info.qid if info else None, start, start,
                               "context")
                    return [compose(base, m.entry, start, tok.i + 1, "role+sentence-country").with_certainty(0.6)]
            return [_moved(r, start, tok.i + 1, "owned:" + r.rule, 0.8) for r in own]
        return [_moved(o, min(start, o.start), max(tok.i + 1, o.end), "owned:" + o.rule, 0.8)
                for o in _dedupe(owners)[:2]]

    def _place_ref(self, pl: tuple[int, int, "Place"], tok: "Token") -> Ref:
        """A resolved place standing for its country ("attacked Kirkuk" -> IRQ, "police in Lyon" -> FRA)."""
        start, end, place = pl
        info = countries().get(place.country)
        return Ref(info.name if info else place.country, place.country, place.country, None,
                   info.qid if info else None, start, max(end, tok.i + 1), "place", 0.85, "place", None, None,
                   place.name or place.text)

    def _pair(self, tok: "Token") -> list[Ref] | None:
        """"both sides", "the two delegations", "each other" -> the last two-party event's actors."""
        low = tok.lower_
        if low in ("other", "another") and any(c.lower_ in ("each", "one") for c in tok.children):
            return [_moved(r, tok.i, tok.i + 1, "pair:" + r.rule, 0.7) for r in self.last_pair] or None
        if tok.pos_ not in ("NOUN", "PROPN") or tok.lemma_.lower() not in PAIR_NOUNS:
            return None
        if not any(c.lower_ in ("both", "two") and c.dep_ in ("det", "predet", "nummod", "amod") for c in tok.children):
            return None
        if not self.last_pair:
            return None
        role = ROLE_OF_PAIR_NOUN.get(tok.lemma_.lower())
        out = []
        for r in self.last_pair:
            if role and r.country:  # "both governments" -> each party's country + GOV
                info = countries().get(r.country)
                base = Ref(info.name if info else r.country, r.country, r.country, None, info.qid if info else None,
                           tok.left_edge.i, tok.i + 1, "pair")
                out.append(compose(base, ActorEntry(tok.lemma_, role, "role", sector=role, role_kind="body"),
                                   tok.left_edge.i, tok.i + 1, "pair:" + r.rule).with_certainty(0.7))
            else:
                out.append(_moved(r, tok.left_edge.i, tok.i + 1, "pair:" + r.rule, 0.7))
        return out

    def set_pair(self, refs: list[Ref], from_token: int) -> None:
        """Remember the two parties of the last event ("both sides" from now on refers to them).

        Cached look-ups from ``from_token`` on are forgotten, since they may depend on the pair.
        """
        if len({r.key for r in refs}) != 2 or len({r.country or r.code for r in refs}) != 2 or any(
                r.rule in CONTEXT_RULES or not (r.country or (r.code or "").startswith("IGO")) for r in refs):
            return  # two named parties of different countries (or IGOs)
        self.last_pair = list(refs)
        for k in [k for k in self._cache if k >= from_token]:
            del self._cache[k]

    def _inside_person(self, tok: "Token") -> bool:
        e = self.ent_at.get(tok.i)
        return e is not None and e.label_ == "PERSON" and len(e) > 1

    def _owners(self, head: "Token") -> list[Ref]:
        """Actors that own a role noun: its modifiers, else its of/from/for/in phrase."""
        out: list[Ref] = []
        own = self.match_at.get(head.i)
        stack = [c for c in head.children if c.i < head.i and c.dep_ in MODIFIER_DEPS]
        while stack:
            c = stack.pop(0)
            if own is not None and own.start <= c.i < own.end:  # part of the role phrase itself
                stack.extend(x for x in c.children if x.i < c.i and x.dep_ in MODIFIER_DEPS)
                continue
            out.extend(r for r in self.modifier_refs(c)
                       if r.rule not in CONTEXT_RULES and not r.rule.startswith("coref"))
        if out:
            return _dedupe(out)
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in OWNER_PREPS:
                for p in c.children:
                    if p.dep_ == "pobj":
                        out.extend(r for r in self.refs_with_conj(p)
                                   if (r.code or r.country) and r.rule not in CONTEXT_RULES)
        if not out and head.dep_ == "compound" and head.head.i > head.i:
            pass
        return _dedupe(out)

    def modifier_refs(self, c: "Token") -> list[Ref]:
        """Actors named by a modifier token ("Eritrean" in "Eritrean troops", "US" in "US delegation")."""
        m = self.match_at.get(c.i)
        if m is not None and m.entry.kind != "role":
            if m.entry.kind in ("country", "capital") and self._inside_person(c):
                return []
            out = _entry_refs(m.entry, m.start, m.end, self.date)
            for cc in c.conjuncts:  # "US and Taliban delegations"
                mm = self.match_at.get(cc.i)
                if mm is not None and mm.entry.kind != "role":
                    out.append(_entry_ref(mm.entry, mm.start, mm.end, self.date))
            return out
        if c.dep_ == "poss" or (m is not None and m.entry.kind == "role") or self.ent_at.get(c.i) is not None:
            return self.refs(c)
        pl = self.place_at.get(c.i)
        if pl is not None:  # "a Delhi court"
            return [self._place_ref(pl, c)]
        # a compound chain: "the government guest house" -> look one level further; but "Doha-based"
        # names where the actor sits, not who it belongs to
        if c.lemma_.lower() in ("base", "based", "born", "bear", "trained", "train", "backed", "back"):
            return []
        out = []
        for cc in c.children:
            if cc.dep_ in MODIFIER_DEPS and cc.i < c.i:
                mm = self.match_at.get(cc.i)
                if mm is not None and mm.entry.kind != "role":
                    out.append(_entry_ref(mm.entry, mm.start, mm.end, self.date))
        return out

    def _role(self, tok: "Token", role: ActorEntry, m: Match, titled: bool = False) -> list[Ref]:
        """Actors of a role noun ``tok``: with its owners, a referent named before, the sentence's or the
        dateline's country, or the bare role code. ``titled``: the role is a title on a person's name
        ("President Gloria Arroyo")."""
        owners = self._owners(tok)
        # "group of protesters": the group is its members
        if not owners and role.role_kind == "armed" and tok.lemma_.lower() in ("group", "organisation", "organization"):
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return self.refs_with_conj(p)
        start = _trim(self.doc, min(tok.left_edge.i, m.start), tok.i)
        if owners:
            out = []
            for o in owners:
                if o.rule.startswith("pair") and o.country:  # "commanders from both sides" -> each country
                    info = countries().get(o.country)
                    o = Ref(info.name if info else o.country, o.country, o.country, None, info.qid if info else None,
                            o.start, o.end, o.rule, o.certainty, "country")
                if o.code in ("INT", "WST") and role.role_kind in ("person", "body", "spokes"):
                    out.append(Ref(o.name, o.code, None, o.sector, None, min(start, o.start), max(tok.i + 1, o.end),
                                   "role+intl", o.certainty, "intl", role.role_kind, o.region, role.name))
                    continue
                out.append(compose(o, role, min(start, o.start), max(tok.i + 1, o.end), "role+" + o.kind))
            return out
        definite = any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "these", "those", "its", "their")
                       for c in tok.children)
        if role.role_kind == "spokes":
            prev = self._previous(tok.i, lambda r: r.role_kind == "spokes" and bool(r.code))
            if prev:
                return [_moved(prev, start, tok.i + 1, "coref:spokes", 0.8)]
        elif role.role_kind == "igo":
            if definite:
                prev = self._previous(tok.i, lambda r: r.sector == "IGO" and r.kind in ("org", "intl"))
                if prev:
                    return [_moved(prev, start, tok.i + 1, "coref:igo", 0.75)]
            return []
        elif role.role_kind == "armed" and definite:
            prev = self._previous(tok.i, lambda r: (r.sector in ARMED_SECTORS) and r.kind in ("group", "role"))
            if prev:
                return [_moved(prev, start, tok.i + 1, "coref:armed-group", 0.75)]
            return []
        elif definite:
            lemma = tok.lemma_.lower()
            prev = self._previous(tok.i, lambda r: r.head_lemma.split()[-1:] == [lemma] and bool(r.country))
            if prev:
                return [_moved(prev, start, tok.i + 1, "coref:role", 0.75)]
        if role.origin.startswith("petrarch"):
            return [Ref(None, "---" + role.code.replace("~", ""), None, role.sector, None, start, tok.i + 1,
                        "role-only", 0.4, "role", role.role_kind)]
        if role.sector not in DOMESTIC_SECTORS and role.role_kind not in ("armed", "people") or (
                role.role_kind == "spokes" and not titled):
            return []
        if role.role_kind == "armed" and tok.lemma_.lower() in ("group", "organisation", "organization", "movement"):
            return []  # "the group" alone is not an armed group
        if not (definite or titled or role.sector in SOCIAL_SECTORS or role.role_kind in ("armed", "people")):
            return []  # "officials said": no actor without an owner
        # the country the sentence names, else the wire dateline's; never a guess from elsewhere
        ctx, why = self.sentence_country(tok), "role+sentence-country"
        if ctx is None and self.only_country():
            ctx, why = self.only_country(), "role+article-country"
        if ctx is None and self.story_dateline_country():
            ctx, why = self.story_dateline_country(), "role+dateline-country"
        if ctx:
            info = countries().get(ctx)
            base = Ref(info.name if info else ctx, ctx, ctx, None, info.qid if info else None, start, start, "context")
            return [compose(base, role, start, tok.i + 1, why).with_certainty(0.6)]
        # country unknown: the role alone (GDELT-style bare role code, e.g. "COP")
        return [Ref(None, role.sector, None, role.sector, None, start, tok.i + 1, "role-only", 0.5, "role",
                    role.role_kind, None, role.name)]

    def _previous(self, before: int, pred) -> Ref | None:
        """The last actor before token ``before`` (role composites and named groups) satisfying ``pred``."""
        best = None
        for m in self.matches:
            if m.start >= before:
                break
            if m.entry.kind in ("group", "org"):
                r = _entry_ref(m.entry, m.start, m.end, self.date)
                if pred(r):
                    best = r
                continue
            if m.entry.kind != "role":
                continue
            root = _span_root(self.doc, m)
            for r in self.refs(root):
                if r.rule.startswith("coref") or r.rule in CONTEXT_RULES:
                    if not pred(r):
                        continue
                if pred(r):
                    best = r
        return best

    # -- people -------------------------------------------------------------------------------

    def _register_persons(self) -> None:
        """Actors of the people named in the article, for later mentions by full name or surname.

        A name in the person dictionary keeps its dictionary actor; others get the actor of their
        apposition or title. A surname shared by two different people ("Shehbaz Sharif", "Ahmed
        Sharif") refers to neither.
        """
        full_of: dict[str, str] = {}
        for ent in self.doc.ents:
            if ent.label_ != "PERSON":
                continue
            m = self.match_at.get(ent.root.i)
            if m is not None and m.entry.kind == "person" and ent.start <= m.start and m.end <= ent.end:
                ref = _entry_ref(m.entry, ent.start, ent.end, self.date, "person:dictionary")
            else:
                ref = self._person_from_context(ent)
            full = ent.text.lower()
            if ref is not None:
                self.persons.setdefault(full, ref)
            if len(ent) > 1:
                sur = ent[-1].text.lower()
                if sur in full_of and full_of[sur] != full:
                    self.persons[sur] = None  # ambiguous surname
                elif ref is not None:
                    self.persons.setdefault(sur, ref)
                full_of.setdefault(sur, full)

    def _person_from_context(self, ent) -> Ref | None:
        root = ent.root
        cands: list[Ref] = []
        # "the Taliban spokesman ..., Sohail Shaheen" / "Sohail Shaheen, the Taliban spokesman"
        if root.dep_ == "appos":
            cands.extend(r for r in self.refs(root.head) if r.kind != "person")
        for c in root.children:
            if c.dep_ == "appos":
                cands.extend(r for r in self.refs(c) if r.kind != "person")
        # titles: "Russian Foreign Minister Sergei Lavrov", "Kenya's President William Ruto"
        if not cands:
            for c in root.children:
                if c.dep_ in ("compound", "amod", "poss") and c.i < ent.start:
                    m = self.match_at.get(c.i)
                    if m is not None and m.entry.kind == "role":
                        cands.extend(self._role(c, m.entry, m, titled=True))
                    elif m is not None and m.entry.kind in ("country", "demonym", "org", "group", "capital"):
                        cands.append(_entry_ref(m.entry, m.start, m.end, self.date))
        # "spokesman Zabihullah Mujahid" parsed with the name as the head of a role compound
        if not cands and root.dep_ == "compound":
            m = self.match_at.get(root.head.i)
            if m is not None and m.entry.kind == "role":
                cands.extend(self._role(root.head, m.entry, m, titled=True))
        cands = [c for c in cands if c.code or c.country]
        if not cands:
            return None
        c = cands[0]
        return Ref(c.name if c.country or c.kind != "role" else ent.text, c.code, c.country, c.sector, c.qid,
                   ent.start, ent.end, "person:" + c.rule,
                   c.certainty * 0.95, "person", c.role_kind, c.region, c.head_lemma)

    def _person(self, tok: "Token", ent) -> list[Ref]:
        ref = self.persons.get(ent.text.lower())
        if ref is None and len(ent) == 1:
            ref = self.persons.get(ent[-1].text.lower())
        if ref is None:
            ref = self._person_from_context(ent)
        if ref is None:
            return []
        return [_moved(ref, min(ent.start, tok.left_edge.i), ent.end, ref.rule, ref.certainty)]

    def _org_from_name(self, ent) -> Ref | None:
        """An organisation spaCy found that the dictionary lacks: country and sector from its words."""
        country = None
        sector = None
        for t in ent:
            m = self.match_at.get(t.i)
            if m is None:
                continue
            if m.entry.kind in ("country", "demonym", "capital") and country is None:
                country = m.entry.country
            elif m.entry.kind == "role" and sector is None:
                sector = m.entry.sector
            elif m.entry.kind in ("org", "group", "media", "intl"):
                return _entry_ref(m.entry, ent.start, ent.end, self.date, rule="dictionary-in-name")
        if country is None or ent.label_ in ("GPE", "NORP"):
            return None
        if sector is None:
            for t in ent:
                sector = ORG_SECTOR_WORDS.get(t.lower_)
                if sector:
                    break
        info = countries().get(country)
        name = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
        return Ref(name, country + (sector or ""), country, sector, None, ent.start, ent.end, "org-name",
                   0.85, "org", None, None, info.name if info else "")


def _elite(r: Ref) -> Ref:
    """A person or role marked "former" ("former prime minister", "former security officials"): CAMEO's
    elite code, country + ``ELI`` (CAMEO 1.1b3 actor codebook 3.2.4)."""
    cc = r.country or ((r.code or "")[:3] if r.kind == "role" and (r.code or "")[:3].isalpha()
                       and not (r.code or "").startswith(("IGO", "NGO")) else None)
    if cc and r.kind in ("person", "role"):
        return Ref(r.name, cc + "ELI", r.country, "ELI", r.qid, r.start, r.end, r.rule + "+former",
                   r.certainty, r.kind, r.role_kind, r.region, r.head_lemma)
    return r


def _moved(r: Ref, start: int, end: int, rule: str, certainty: float) -> Ref:
    return Ref(r.name, r.code, r.country, r.sector, r.qid, start, end, rule, min(certainty, r.certainty),
               r.kind, r.role_kind, r.region, r.head_lemma)


def _trim(doc: "Doc", start: int, head: int) -> int:
    """Move a mention's start past leading punctuation and a dateline ("NAIROBI - Envoys ...")."""
    while start < head and (doc[start].is_punct or (doc[start].text.isupper() and len(doc[start]) >= 4
                                                     and doc[start].ent_type_ == "GPE")):
        start += 1
    return start


def _dateline(doc: "Doc", m: Match) -> bool:
    """A place in a wire dateline: "MANILA, Philippines (AP) -", "NAIROBI -", "RIYADH:" (not an actor)."""
    if m.entry.kind not in ("capital", "country"):
        return False

    def para_start(i: int) -> bool:
        return i == 0 or "\n" in doc[i - 1].text_with_ws or doc[i - 1].is_space

    def caps_from_para(end: int) -> bool:
        """Tokens before ``end`` back to a paragraph start are one all-caps place name ("THE HAGUE")."""
        i = end
        while i > 0 and doc[i - 1].text.isupper() and not para_start(i):
            i -= 1
        run = doc[i:end]
        return (len(run) > 0 and para_start(i) and all(t.text.isupper() for t in run)
                and sum(len(t.text) for t in run) >= 4)

    nxt = doc[m.end] if m.end < len(doc) else None
    if caps_from_para(m.end):
        return nxt is not None and nxt.text in (",", "(", "-", "--", "\u2013", "\u2014", ":")
    # the country after the city: "MANILA, Philippines (AP) -", "THE HAGUE, Netherlands --"
    return (m.start >= 2 and doc[m.start - 1].text == "," and caps_from_para(m.start - 1)
            and nxt is not None and nxt.text in ("(", "-", "--", "\u2013", "\u2014", ":"))


def _span_root(doc: "Doc", m: Match):
    return doc[m.start:m.end].root


def _dedupe(refs: list[Ref]) -> list[Ref]:
    seen = set()
    out = []
    for r in refs:
        k = (r.key, r.start)
        if k in seen:
            continue
        seen.add(k)
        out.append(r)
    return out
