"""The rule-based event coder: sentences -> events (who did what to whom, with modality and evidence).

Runs as the annotator ``events`` (after places, times and the ``actors`` annotator, whose resolved
mentions it reads: :mod:`eventwire.actors.annotate`; it writes only ``article.events``). For each
article it

1. takes the article's actor mentions (:class:`~eventwire.actors.resolver.ArticleActors`) and
   quotation speakers from the actors annotator (resolving them itself when used outside the pipeline);
2. finds triggers: tokens whose lemma has a pattern in the trigger dictionary (verbs and nouns,
   :mod:`eventwire.events.patterns`), skipping words that only spell out what a request, offer or
   refusal is about ("urged X *to release* ...");
3. fills the roles from the dependency parse: subject / passive agent -> source; object / passive
   subject / the pattern's preposition ("meet *with*", "call *on*", "talks *between* X and Y") ->
   target; coordinated phrases give several actors in one event; subjects are inherited through
   ``xcomp``/``conj``/``advcl`` ("X wants to meet Y", "after discussing ..."); pronouns are resolved to
   the subject of the reporting verb ("Shaheen said he had met ..."), to a quotation's speaker, or to
   the main subject of the sentence just before when it agrees ("he" a person, "they" a group);
   "including ..." lists expand vague targets ("envoys from several Western countries. Including the
   European Union, Norway, ..."); coordinated actors of a symmetric event become a dyad marked
   ``reciprocal`` ("Armenia and Azerbaijan agreed" -> ARM -> AZE); argument constraints drop word
   senses that are not events (``req:`` in :mod:`eventwire.events.patterns`: "released the new
   guidance"); nominal references to known events ("described Russia's invasion of Ukraine as") are not
   coded, and background clauses ("after the US and Israel attacked Iran") are ``historical``;
4. decides modality and attribution (:mod:`eventwire.events.modality`) and the CAMEO code: the
   pattern's code, refined by what is asked for or offered (:func:`~eventwire.events.patterns.classify_content`);
   cooperative events (CAMEO 04-08) that are only planned or intended become the matching CAMEO 03
   "express intent" code and PLOVER AGREE (PLOVER manual 3.1), keeping their ``future``/``intent``
   modality;
5. combines the dictionary's type with the PLOVER classifier when it is installed
   (:mod:`eventwire.events.event_typing`, one batched call per article) and stores the events with their
   evidence (sentence, trigger/source/target offsets, rule, confidence).

Sentences longer than :data:`MAX_SENTENCE_TOKENS` tokens and sentences written mostly in capitals are
not coded (their parse is unreliable; precision first).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from eventwire import lexicon
from eventwire.actors.annotate import actor_mentions, coref, default_actors, reporting_antecedent
from eventwire.actors.dictionary import ActorDictionary, dictionary_from_env
from eventwire.dates import last_day
from eventwire.actors.resolver import CONTEXT_RULES, PRONOUNS, ArticleActors, Ref, compose
from eventwire.events import detector as ew_detector
from eventwire.events.codebook import codebook
from eventwire.events.modality import BACKGROUND_MARKS, REPORTING, SPEECH_VERBS, ModalityResult, chain, modality
from eventwire.events.patterns import (FAMILY_BASE, PERSON_NOUNS, Pattern, TriggerDictionary, classify_content,
                                       trigger_specs, triggers_from_env, with_user_triggers)
from eventwire.events.event_typing import (ROOT_CAMEO, Decision, classifier_status, combine, load_classifier,
                                           needs_classifier, typing_input)
from eventwire.nlp.annotators import annotator
from eventwire.records import Article, Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

log = logging.getLogger(__name__)

#: Sentences with more tokens than this are not coded (lists, run-on text; the parse is unreliable).
MAX_SENTENCE_TOKENS = 150
#: Triggers whose subject may be several actors with no target (PLOVER: all are actors, no recipient).
RECIPROCAL = lexicon.words("reciprocal_verbs")
#: Verbs whose clausal complement says what is demanded, threatened or refused (not a separate event).
CONTENT_GOVERNORS = lexicon.words("content_governors")
#: Object-control verbs: in "X urged Y to leave", Y is the subject of "leave".
OBJECT_CONTROL = lexicon.words("object_control_verbs")
#: CAMEO 04-08 codes -> the CAMEO 03 "express intent" code used when the event is planned or intended.
INTENT_CODE = lexicon.mapping("intent_codes")
CODER_ID = "eventwire-rules/1"
#: Confidence factor of a hedged report ("allegedly", "reportedly", "claims that ..."): the event stays
#: ``asserted`` (CAMEO and GDELT code alleged events) with ``;hedge=<word>`` in its rule (set by hand).
HEDGE_FACTOR = 0.8
#: Prepositions introducing the topic of talks or statements ("on reopening", "about sending").
TOPIC_PREPS = lexicon.words("topic_preps")
#: Verbs whose subject takes part in the event named by their object ("held talks", "attended the summit").
LIGHT_VERBS = lexicon.words("light_verbs")
#: A background clause ("after X attacked Y") dated by itself within this many days before publication is news.
RECENT_DAYS = 7
#: Target prepositions whose object may be something an actor did ("regret over India's actions").
OWNER_SLOTS = lexicon.words("owner_slots")
#: Verbs whose subject is talked about, not told as news ("the invasion was a mistake", "has a ring to it").
STATIVE_VERBS = lexicon.words("stative_verbs")
#: Prepositions whose object is an earlier event that dates the clause ("two months after Russia's invasion").
BACKGROUND_PREPS = lexicon.words("background_preps")
#: Prepositions of place: what they introduce is where, not whom.
LOCATIVE_PREPS = lexicon.words("locative_preps")
#: Adjuncts whose words do not say what is requested or offered ("... following a meeting with").
ADJUNCT_PREPS = lexicon.words("adjunct_preps")
#: Prepositions that introduce the recipient inside a requested, offered or refused clause.
CLAUSE_TARGET_PREPS = lexicon.words("clause_target_preps")
#: Sectors of civil society: their offers and promises are not political events (``req:srcpol``).
NONPOLITICAL_SECTORS = lexicon.tagged("actor_sectors", "nonpolitical")
#: Prepositions whose object may be the recipient of an unlisted verb ("flew medicine into X", "sided with X").
LINK_PREPS = lexicon.ordered("link_preps")
#: Verbs that never make an actor-verb-actor link an event by themselves (being, having, naming, reporting,
#: perceiving, and verbs whose object is a topic): their "links" are left to the trigger dictionary.
LINK_STOP = lexicon.words("link_stop_verbs")
#: The pattern of an actor-verb-actor link whose verb has no dictionary type (typed by the classifier alone).
LINK_PATTERN = Pattern("*", "V", "", ("obj", "dat") + LINK_PREPS, confidence=0.5, rule="link/V")
#: Nouns of groups of people: a noun modifying them names the group ("strike team", "aid workers"), not
#: what is asked for or offered.
GROUP_NOUNS = lexicon.words("group_nouns")
#: Sectors whose "protest" is a verbal, official complaint (CAMEO 114), not a demonstration (CAMEO 14).
OFFICIAL_SECTORS = lexicon.tagged("actor_sectors", "official")
#: CAMEO root -> (code, rule) of the event when every source is official (``official_codes.tsv``: 14 -> 114).
OFFICIAL_CODES = {root: (code, rule) for root, code, rule in lexicon.table("official_codes")[1]}


@dataclass(slots=True)
class Candidate:
    """A trigger with its roles, before typing (internal)."""

    trigger: "Token"
    pattern: Pattern
    cameo: str
    sources: list[Ref]
    targets: list[Ref]
    mod: ModalityResult
    rule: str
    confidence: float
    sent_idx: int
    attribution: tuple[str | None, str | None] = (None, None)
    notes: list[str] = field(default_factory=list)


class EventCoder:
    """Codes events in parsed articles.

    Args:
        actors: actor dictionary (default: built-in plus ``EVENTWIRE_DICTIONARIES``).
        triggers: trigger dictionary (default: the built-in ``triggers.tsv`` plus ``EVENTWIRE_TRIGGERS``).
        use_classifier: combine with the PLOVER classifier when it is installed.
        keep_unknown_codes: keep codes that are not CAMEO 1.1b3 (PETRARCH test dictionaries) instead
            of dropping such events.
        link_candidates: also propose clear actor-verb-actor links whose verb has no dictionary type
            (:meth:`_clear_link`), for the classifier alone to type (with ``use_classifier`` only).
        use_detector: in sentences without a rule candidate, let the learned detector
            (:mod:`eventwire.events.detector`) find an event when its model is installed.
    """

    def __init__(self, actors: ActorDictionary | None = None, triggers: TriggerDictionary | None = None,
                 use_classifier: bool = True, keep_unknown_codes: bool = False, link_candidates: bool = True,
                 use_detector: bool = True):
        self.actors = actors if actors is not None else dictionary_from_env()
        self.triggers = triggers if triggers is not None else triggers_from_env()
        self.use_classifier = use_classifier
        self.use_detector = use_detector
        self.keep_unknown_codes = keep_unknown_codes
        #: candidates linking two actors through a verb without a dictionary type (typed by the classifier
        #: alone, ``typing.CLASSIFIER_ALONE``; dropped when typing is dictionary-only)
        self.link_candidates = use_classifier and link_candidates
        self.codebook = codebook()
        self._time_toks: dict[int, date | None] = {}  # per article: token -> last day of its time expression
        self._pub: date | None = None

    # -- the annotator ----------------------------------------------------------------------------

    def code(self, article: Article, doc: "Doc") -> list[Event]:
        """Code ``article`` (parsed as ``doc``) into ``article.events``. Outside the pipeline (the actors
        annotator has not run on ``doc`` with this coder's dictionary) the actors are resolved first,
        which also writes the entity and quote-speaker codes (:func:`~eventwire.actors.annotate.code_actors`).

        Returns:
            The events (also stored in ``article.events``).
        """
        pub_year = int(article.published[:4]) if article.published and article.published[:4].isdigit() else None
        found = actor_mentions(article, doc, self.actors)
        aa = found.mentions
        self._time_toks = {}
        for te in article.times:
            span = doc.char_span(te.start, te.end, alignment_mode="expand") if te.value else None
            if span is not None:
                end = last_day(te.range_end or te.value)
                for i in range(span.start, span.end):
                    self._time_toks[i] = end
        self._pub = last_day(article.published[:10]) if article.published else None
        self._rejected: set[int] = set()
        sents = list(doc.sents)
        quotes = found.speakers
        #: (end token of the sentence, actors of its main subject), for "he", "she", "they" in the next one
        memory: list[tuple[int, list[Ref]]] = []
        cands: list[Candidate] = []
        per_sent: list[tuple[int, int]] = []  # (codable sentence, its rule candidates), for the detector
        for si, sent in enumerate(sents):
            if not _codable(sent):
                continue
            found = self._sentence(sent, si, aa, pub_year, memory, quotes, sents)
            cands.extend(found)
            per_sent.append((si, len(found)))
            root_subj = self._root_subject(sent, aa, memory, quotes)
            if root_subj:
                memory.append((sent.end, root_subj))
        events = self._type_and_build(article, doc, cands)
        with_events = {e.sent_idx for e in events}
        rule_pairs: dict[int, list] = {}  # sentence -> the char spans (in it) of each rule event's actors
        for e in events:
            ss = sents[e.sent_idx].start_char
            rule_pairs.setdefault(e.sent_idx, []).append(([(a.start - ss, a.end - ss) for a in e.sources],
                                                          [(a.start - ss, a.end - ss) for a in e.targets]))
        if ew_detector.RECORDER is not None:
            for si, n in per_sent:
                ew_detector.record(article.article_id, si, sents[si], aa, n, int(si in with_events),
                                   rule_pairs.get(si, []))
        elif self.use_detector and per_sent:
            # where the detector looks: sentences without a rule candidate, or (a model trained so) without a
            # rule event (candidates the typing dropped, e.g. links the classifier was not sure of); with a
            # model that has a threshold for them, also the other sentences, for actors no rule event has
            no_event = ew_detector.looks_where() == "no_event"
            t_rules = ew_detector.threshold_with_rules()
            todo = []
            for si, n in per_sent:
                if si not in with_events if no_event else n == 0:
                    todo.append((si, sents[si], None, []))
                elif t_rules is not None:
                    todo.append((si, sents[si], t_rules, rule_pairs.get(si, [])))
            if todo:
                events += self._detected(article, doc, aa, todo, pub_year, quotes)
        article.events = events
        return events

    def _detected(self, article: Article, doc: "Doc", aa: ArticleActors, sents: list[tuple[int, "Span", Any, list]],
                  pub_year: int | None, quotes) -> list[Event]:
        """Events of the learned detector (:mod:`eventwire.events.detector`) in ``sents`` (sentence index,
        sentence, threshold or ``None`` for the model's, the rule events' actor spans to leave out): typed by the classifier (else the detector's own root), kept only when the
        classifier's root is the detector's own; the rules' modality, intent code, attribution and
        evidence; ``decided_by="detector"``."""
        found = []
        for si, sent, threshold, rule_pairs in sents:  # (threshold None: the model's)
            hit = ew_detector.detect(sent, aa, threshold, rule_pairs)
            if hit is not None and ew_detector.trigger_token(sent, *hit[0]).i not in self._rejected:
                # (a trigger word the rules' requirements turned down, "the U.S. releases two indicators",
                # stays no event)
                found.append((si, sent, *hit))
        if not found:
            return []
        det = ew_detector.load_detector()
        clf = load_classifier() if self.use_classifier else None
        preds: list[Any] = [None] * len(found)
        if clf is not None:
            inputs = []
            for si, sent, (src, tgt), _, _ in found:
                tok = ew_detector.trigger_token(sent, src, tgt)
                trg = (tok.idx - sent.start_char, tok.idx + len(tok) - sent.start_char)
                inputs.append(typing_input(sent.text, ew_detector.char_span(sent, src), ew_detector.char_span(sent, tgt),
                                           trg, parse=sent))
            try:
                preds = clf.predict(inputs)
            except Exception as exc:  # the detector's own root stands when the classifier fails
                article.warnings.append(f"event detection: classifier failed, detector's root: {type(exc).__name__}: {exc}")
        events = []
        for (si, sent, (src, tgt), p_event, droot), pred in zip(found, preds):
            if pred is not None and pred.root != droot:
                continue  # the two models disagree on what happened: no event (precision first, docs/detector.md)
            root = pred.root if pred is not None else droot
            cameo = ROOT_CAMEO.get(root)
            if cameo is None:
                continue
            tok = ew_detector.trigger_token(sent, src, tgt)
            mod = modality(tok, pub_year)
            if mod.modality == "asserted":
                # "Serbia stopped short of attacking Kosovo": a verb between the trigger and the target
                # that did not happen (or only might) says so for the event
                for v in ew_detector.path_verbs(sent, tok, tgt):
                    m = modality(v, pub_year)
                    if m.modality != "asserted":
                        mod = m
                        break
            if mod.modality in ("future", "intent") and cameo[:2] in ("04", "05", "06", "07", "08"):
                cameo = INTENT_CODE.get(cameo) or INTENT_CODE.get(cameo[:2]) or cameo
            info = self.codebook.cameo.get(cameo)
            if info is None:
                continue
            attribution = self._attribution(tok, mod, aa, [], quotes)
            coder = f"{ew_detector.DETECTOR_ID} + {det.model_id if det else '?'}(p_event {p_event:.2f})"
            conf = p_event
            if pred is not None:
                coder += f" + {pred.model}({pred.root}:{pred.confidence:.2f})"
                conf = p_event * pred.confidence
            events.append(Event(
                sent_idx=si, sentence_start=sent.start_char, sentence_end=sent.end_char, trigger=tok.text,
                trigger_start=tok.idx, trigger_end=tok.idx + len(tok), sources=[src.to_actor(doc)],
                targets=[tgt.to_actor(doc)] if tgt is not None else [], cameo_code=cameo, cameo_base=cameo[:3],
                cameo_root=cameo[:2], plover_type=info.plover_type or None, plover_mode=info.plover_mode or None,
                quad_class=info.quad_class, goldstein=info.goldstein, modality=mod.modality, coder=coder,
                decided_by="detector", confidence=round(conf * HEDGE_FACTOR if mod.hedge else conf, 3),
                attribution_text=attribution[0], attribution_code=attribution[1]))
        return events

    # -- sentences ------------------------------------------------------------------------------

    def _sentence(self, sent: "Span", si: int, aa: ArticleActors, pub_year: int | None,
                  memory: list[tuple[int, list[Ref]]], quotes, sents) -> list[Candidate]:
        out: list[Candidate] = []
        consumed: set[int] = set()
        content_toks: set[int] = set()
        alleged: set[int] = set()
        trig: list[tuple["Token", Pattern]] = []
        for tok in sent:
            pos = "V" if tok.pos_ == "VERB" else "N" if tok.pos_ in ("NOUN", "PROPN") else None
            if pos is None:
                continue
            lemma = tok.lemma_.lower()
            pats = self.triggers.get(lemma, pos) or (self.triggers.get(tok.lower_, pos) if tok.lower_ != lemma else [])
            if not pats:
                continue
            p = self._pick(tok, pats, pos, aa)
            if p is None:
                self._rejected.add(tok.i)  # the rules' requirements say this word is no event here
                continue
            trig.append((tok, p))
            if p.family or lemma in CONTENT_GOVERNORS:
                for h in self._content_heads(tok, p, aa):
                    content_toks.update(t.i for t in h.subtree)
            for c in tok.children:  # "accused X of attacking Y": what X is accused of is not an event
                if c.dep_ == "prep" and c.lower_ in ("of", "for"):
                    for g in c.children:
                        if g.dep_ == "pcomp":
                            alleged.update(t.i for t in g.subtree)
            if p.obj and pos == "V" and not p.cameo.startswith("045"):
                # (a mediator's object, "hosted talks between X and Y", is the others' own event)
                for c in tok.children:
                    if c.dep_ == "dobj":
                        consumed.add(c.i)
        content_toks |= alleged
        for tok, p in trig:
            if tok.i in consumed or tok.i in alleged or (tok.i in content_toks and not p.family):
                continue  # ("arrested a man for allegedly offering cash to girls": no offer is coded)
            if p.pos == "V" and tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and (
                    tok.head.head.pos_ in ("NOUN", "PROPN") or tok.head.lower_ in TOPIC_PREPS):
                continue  # "talks on reopening the crossing": the topic, not an event
            if tok.i in content_toks and p.family and self._content_parent_is_family(tok, trig):
                continue
            if (p.pos == "V" and tok.dep_ == "acl" and tok.head.pos_ == "NOUN"
                    and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) and not aa.refs(tok.head)):
                continue  # "a policy to ban people aged 14 from buying cigarettes": what a plan says, not an event
            out.extend(self._candidates(tok, p, si, aa, pub_year, memory, quotes, sents))
        if self.link_candidates:
            typed = {c.trigger.i for c in out} | consumed | content_toks
            pairs = {_pair_key(c) for c in out}
            for tok in sent:
                if tok.i in typed or not self._clear_link(tok, aa):
                    continue
                if any(t.i in typed for c in tok.children if c.dep_ in ("dobj", "prep", "xcomp", "ccomp")
                       for t in c.subtree):
                    continue  # "launched an attack on X": the dictionary's nominal trigger is the event
                for c in self._candidates(tok, LINK_PATTERN, si, aa, pub_year, memory, quotes, sents):
                    if _pair_key(c) in pairs or any(r.rule.startswith("role-only") or aa.doc[r.start].pos_ == "PRON"
                                                    for r in c.sources + c.targets):
                        continue  # one interaction, one event; no vague or pronoun-only actors
                    pairs.add(_pair_key(c))
                    out.append(c)
        return out

    def _clear_link(self, v: "Token", aa: ArticleActors) -> bool:
        """A cheap test for an actor-verb-actor link with no dictionary type: a verb (not a modifier, not
        one of :data:`LINK_STOP` or the reporting verbs) with a subject or passive agent, and a direct
        object, indirect object or :data:`LINK_PREPS` phrase that names an actor ("The Taliban spurned
        offers by the Kabul government", "flew medicine into Afghanistan"). Places ("in X") never count."""
        if v.pos_ != "VERB" or v.dep_ in ("amod", "acl", "compound", "pcomp", "csubj") or v.tag_ == "VBG" and v.dep_ != "ROOT":
            return False
        lemma = v.lemma_.lower()
        if lemma in LINK_STOP or lemma in SPEECH_VERBS or lemma in STATIVE_VERBS:
            return False
        if not any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in v.children) and v.dep_ not in ("xcomp", "conj"):
            return False
        if any(c.dep_ in ("oprd", "attr") or (c.dep_ == "prep" and c.lower_ == "as") for c in v.children):
            return False  # "characterized Sinwar as the mastermind": describing, not acting

        def named(t: "Token") -> bool:
            return any(aa.match_at.get(x.i) is not None or x.ent_type_ in ("ORG", "GPE", "NORP", "PERSON")
                       for x in t.subtree)

        for c in v.children:
            if c.dep_ in ("dobj", "dative") and c.pos_ != "PRON" and named(c):
                return True
            if c.dep_ == "prep" and c.lower_ in LINK_PREPS and named(c):
                return True
        return False

    def _content_parent_is_family(self, tok: "Token", trig) -> bool:
        anc = {t.i for t in tok.ancestors}
        return any(t.i in anc for t, p in trig if p.family or t.lemma_.lower() in CONTENT_GOVERNORS)

    def _pick(self, tok: "Token", pats: list[Pattern], pos: str, aa: ArticleActors) -> Pattern | None:
        for p in pats:
            if p.req and not self._req_ok(tok, p, aa):
                continue
            if p.obj:
                objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
                if not any(o.lemma_.lower() in p.obj or o.lower_ in p.obj for o in objs):
                    continue
            if p.prt and not any(c.dep_ == "prt" and c.lower_ in p.prt for c in tok.children):
                continue
            if p.prep:
                heads = [tok]
                if pos == "N" and tok.dep_ in ("dobj", "nsubjpass", "nsubj"):
                    heads.append(tok.head)
                if pos == "N" and p.gov and tok.dep_ == "pobj" and tok.head.head.i != tok.head.i:
                    heads.append(tok.head.head)  # "went on strike": the "on" hangs on the verb
                if not any(_prep_like(c, p.prep) for h in heads for c in h.children):
                    continue
            if p.gov:
                if pos != "N" or _governor(tok, p) is None:
                    continue
            if p.mod and (pos != "N" or not any(
                    c.i < tok.i and c.dep_ in ("compound", "amod") and c.lemma_.lower() in p.mod for c in tok.children)):
                continue  # "hunger strike": mod:hunger
            if p.obj_words and not _follows(tok, p.obj_words):
                continue
            return p
        return None

    @staticmethod
    def _req_ok(tok: "Token", p: Pattern, aa: ArticleActors) -> bool:
        """The pattern's requirements that the parse alone decides (``person``, ``intrans``)."""
        if "intrans" in p.req and any(c.dep_ in ("dobj", "ccomp") for c in tok.children):
            return False  # "India demonstrated restraint", "they demonstrated that ...": not a protest
        if "noclause" in p.req and any(c.dep_ in ("ccomp", "oprd") for c in tok.children):
            return False  # "recognised (that) the court was likely to rule": acknowledging, not recognition;
            # "called the decision a mistake": naming, not a call
        for modal, words in (("must", ("must",)), ("should", ("should", "ought"))):
            if modal in p.req and not any(
                    c.dep_ == "ccomp" and any(a.dep_ == "aux" and a.lower_ in words for a in c.children)
                    for c in tok.children):
                return False  # "said North Korea must disarm": a demand; "... should": an appeal
        if "person" in p.req:
            objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
            if not any(o.lemma_.lower() in PERSON_NOUNS or o.lower_ in PERSON_NOUNS
                       or (o.pos_ != "PRON" and aa.refs_with_conj(o)) for o in objs):
                return False  # "released the new guidance", "releases two indicators"
        return True

    # -- roles ----------------------------------------------------------------------------------

    def _candidates(self, tok: "Token", p: Pattern, si: int, aa: ArticleActors, pub_year: int | None,
                    memory: list[tuple[int, list[Ref]]], quotes, sents) -> list[Candidate]:
        noun = p.pos == "N"
        notes: list[str] = []
        background = ""
        if noun and not p.family:
            background = self._reference(tok, p)
            if background == "reference":
                return []  # "described Russia's invasion of Ukraine as ...": a known event, not news
        if p.family in ("demand", "appeal") and not noun and _says_own_intent(tok):
            return []  # "insisting that it will only negotiate with the US": its own intent, not a demand
        sources: list[Ref] = []
        targets: list[Ref] = []
        if noun:
            sources, targets = self._noun_roles(tok, p, aa, memory, quotes, notes)
        else:
            sources = self._subject(tok, aa, memory, quotes, notes)
            targets = self._targets(tok, p, aa, notes)
            if not sources and targets and len(targets) >= 2 and "between" in notes:
                sources, targets = targets[:1], targets[1:]
            coordinated = len(_one_per_code(sources)) >= 2 and tok.lemma_.lower() in RECIPROCAL
            if not targets and (p.family or tok.lemma_.lower() in CONTENT_GOVERNORS) and not coordinated:
                # (coordinated subjects of a symmetric verb agree with each other: "Trump and Putin agreed
                # to share information on North Korea" is a dyad of the two)
                # "agreed to lend $1 billion to Indonesia", "refused to meet with X", "threatened to shell X"
                for h in self._content_heads(tok, p, aa):
                    targets = self._clause_targets(h, aa)
                    if targets:
                        notes.append("target-in-clause")
                        break
        targets = self._expand_vague(targets, tok, aa, sents, si)
        sources = self._expand_vague(sources, tok, aa, sents, si)
        if any(t.rule.startswith("pair:") and t.end - t.start == 1 and self_other(aa.doc[t.start]) for t in targets):
            targets = []  # "accused each other": a reciprocal event
            notes.append("reciprocal")
        src_spans = {(r.start, r.end) for r in sources}
        src_keys = {_same_key(r) for r in sources if r.code}
        src_countries = {r.country for r in sources if r.country}
        # a place in the source's own country is where the event happens, not its recipient; the
        # source's own country as a whole is not its recipient either ("Trump said the US must ...")
        # (but an owner named in the object is meant: "Merkel defended Germany's decision")
        owner = "owner-of-object" in notes
        kept = [t for t in targets if owner or not (t.kind in ("place", "country") and t.sector is None
                                                    and t.country in src_countries)]
        # an armed attack on a place of the source's own country, named as itself ("Syrian forces shelled
        # Aleppo"), is still an attack: with no other target it is coded without one (CAMEO 18-20, force);
        # not a facility located there ("stormed a migrant camp in Calais": its people are the target)
        home_place = bool(targets) and not kept and p.cameo[:2] in ("18", "19", "20") and all(
            t.kind == "place" and t.rule == "place" for t in targets)
        targets = kept
        targets = [t for t in targets if (t.start, t.end) not in src_spans and not (
            t.code and _same_key(t) in src_keys and not _other_office(t, sources, aa.doc))]
        # ordinary people without owner ("people", "a man") are victims and targets, not sources; nor is a
        # town or region ("Plymouth protests erupt")
        sources = [r for r in sources if not (r.role_kind == "people" and r.rule in CONTEXT_RULES)
                   and r.kind != "place"]
        # coordinated mentions of one actor ("students and academics" -> UKREDU) count once
        sources, targets = _one_per_code(sources), _one_per_code(targets)
        if not sources:
            return []
        lemma = tok.lemma_.lower()
        if not targets:
            if len(sources) >= 2 and (lemma in RECIPROCAL or "reciprocal" in notes):
                # coordinated actors of a symmetric event ("Armenia and Azerbaijan agreed", "Indian and
                # Chinese soldiers clashed"): a dyad, the first as source, the others as targets
                if "reciprocal" not in notes:
                    notes.append("reciprocal")
                sources, targets = sources[:1], sources[1:]
            elif home_place:
                notes.append("home-place")
            elif not p.target_optional:
                return []
        if "target" in p.req and not targets:
            return []
        if "srcpol" in p.req and not any(_political(r) for r in sources):
            return []  # "the company offered ...", "she offered a solution"
        codes = self._codes(tok, p, aa)
        if p.family and ({"content", "content|target"} & p.req) and all(c == FAMILY_BASE[p.family] for c, _ in codes):
            if "content" in p.req or not targets:
                return []  # "offer a two-year programme", "agreed a spending target": no political content
        mod = modality(tok, pub_year)
        if background and mod.modality in ("asserted", "future", "intent"):
            mod = ModalityResult("historical", background, mod.reporting_verb)
        elif mod.modality == "historical" and mod.cue.lower() in BACKGROUND_MARKS and self._pub is not None:
            # "shortly after India launched missile strikes on early Wednesday": a subordinate event dated
            # by itself within the last week is news, not background
            clause = tok if tok.pos_ in ("VERB", "AUX") else tok.head
            ends = [self._time_toks[t.i] for t in clause.subtree if self._time_toks.get(t.i)]
            if ends and max(ends) >= self._pub - timedelta(days=RECENT_DAYS):
                mod = ModalityResult("asserted", "", mod.reporting_verb)
        attribution = self._attribution(tok, mod, aa, memory, quotes)
        official = OFFICIAL_CODES.get(codes[0][0][:2]) if codes else None
        if official and sources and all(r.sector in OFFICIAL_SECTORS for r in sources):
            if not targets:
                return []  # an official "protest" with no one to protest to: not a demonstration
            codes = [official]
        aa.set_pair(list(sources) + list(targets), tok.sent.end)
        out = []
        for cameo, why in codes:
            if mod.modality in ("future", "intent"):
                ic = INTENT_CODE.get(cameo) or INTENT_CODE.get(cameo[:3]) or INTENT_CODE.get(cameo[:2])
                if ic and cameo[:2] in ("04", "05", "06", "07", "08"):
                    why = (why + ";" if why else "") + f"{mod.modality}->{ic}"
                    cameo = ic
            cert = min([r.certainty for r in sources] + [r.certainty for r in targets] or [1.0])
            conf = round(p.confidence * (0.5 + 0.5 * cert), 3)
            rule = p.rule + (f";{why}" if why else "") + (";" + ",".join(notes) if notes else "") + (
                f";hedge={mod.hedge.lower()}" if mod.hedge else "")
            out.append(Candidate(tok, p, cameo, sources, targets, mod, rule, conf, si, attribution, notes))
        return out

    def _subject(self, v: "Token", aa: ArticleActors, memory, quotes, notes: list[str], depth: int = 0) -> list[Ref]:
        """Source actors of verb ``v``: its subject, its passive agent, or an inherited subject."""
        if depth > 6:
            return []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        if passive:
            for c in v.children:
                if c.dep_ == "agent":
                    for pobj in c.children:
                        if pobj.dep_ == "pobj":
                            notes.append("passive")
                            return self._np(pobj, aa, memory, quotes, notes)
            return []
        subjects = [c for c in v.children if c.dep_ in ("nsubj", "csubj")]
        for c in reversed(subjects):  # the closest first ("MANILA, Philippines (AP) - The Philippines accused")
            if c.lower_ in ("who", "which", "that") and v.dep_ == "relcl":
                return self._np(v.head, aa, memory, quotes, notes)
            refs = self._np(c, aa, memory, quotes, notes)
            if refs:
                return refs
        if subjects or any(c.dep_ == "expl" for c in v.children):
            return []
        h = v.head
        if h.i == v.i:
            return []
        if v.dep_ == "xcomp":
            raised = next((c for c in h.children if c.dep_ == "nsubjpass"), None)
            if raised is not None and not any(c.dep_ == "agent" for c in h.children):
                notes.append("raised")  # "X is expected to visit Y"
                return self._np(raised, aa, memory, quotes, notes)
            if h.lemma_.lower() in OBJECT_CONTROL:
                for c in h.children:
                    if c.dep_ in ("dobj", "dative"):
                        return self._np(c, aa, memory, quotes, notes)
            if h.pos_ == "ADJ" and h.dep_ in ("acomp", "amod") and h.head.i != h.i:
                notes.append("inherited")
                return self._subject(h.head, aa, memory, quotes, notes, depth + 1)
            notes.append("inherited")
            return self._subject(h, aa, memory, quotes, notes, depth + 1)
        if v.dep_ in ("conj", "advcl", "pcomp") or (v.dep_ == "pobj" and h.dep_ == "prep"):
            base = h.head if v.dep_ in ("pcomp", "pobj") and h.dep_ == "prep" else h
            if base.pos_ in ("VERB", "AUX", "ADJ"):
                notes.append("inherited")
                return self._subject(base, aa, memory, quotes, notes, depth + 1)
        return []

    def _np(self, tok: "Token", aa: ArticleActors, memory, quotes, notes) -> list[Ref]:
        if tok.pos_ == "PRON" or tok.lower_ in PRONOUNS:
            refs = self._pronoun(tok, aa, memory, quotes)
            if refs:
                notes.append("pronoun")
            return refs
        return aa.refs_with_conj(tok)

    def _pronoun(self, tok: "Token", aa: ArticleActors, memory, quotes) -> list[Ref]:
        low = tok.lower_
        if low not in PRONOUNS:
            return []
        # "Shaheen said (that) he had held a meeting": the reporting verb's subject
        refs = reporting_antecedent(tok, aa)
        if refs:
            return refs
        # "we", "I" inside a quotation: its speaker
        for qs, qe, ref, _ in quotes:
            if ref is not None and qs <= tok.idx < qe and low in ("we", "i"):
                same = tok.sent.start <= ref.start and ref.end <= tok.sent.end
                return [coref(ref, tok, 0.8, keep_span=same)]
        if low not in ("he", "she", "they"):
            return []
        # the main subject of the sentence just before, if it agrees in number: "he"/"she" a person,
        # "they" a group, body or several actors
        if memory and memory[-1][0] == tok.sent.start:
            refs = memory[-1][1]
            if low == "they":
                ok = len(refs) > 1 or all(r.kind in ("group", "org", "intl") or r.role_kind in ("body", "armed")
                                          for r in refs)
            else:
                ok = len(refs) == 1 and (refs[0].kind == "person" or refs[0].role_kind in ("person", "spokes"))
            if ok:
                return [coref(r, tok, 0.7) for r in refs]
        return []

    def _targets(self, v: "Token", p: Pattern, aa: ArticleActors, notes: list[str]) -> list[Ref]:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        dobj = next((c for c in v.children if c.dep_ == "dobj"), None)
        for slot in p.targets:
            if slot == "obj":
                if passive:
                    subj = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
                    if subj is not None and not p.obj:
                        refs = aa.refs_with_conj(subj)
                        if refs:
                            return refs
                    continue
                if dobj is not None and p.obj:
                    # the required object names people ("accepted 300 refugees from Libya", "hosted a
                    # US delegation"): when it resolves to an actor, that actor is the target
                    refs = aa.refs_with_conj(dobj)
                    if refs:
                        notes.append("object-actor")
                        return [self._origin(r, v, dobj, aa) if r.rule in CONTEXT_RULES else r for r in refs]
                    continue
                if dobj is not None and not p.obj:
                    refs = aa.refs_with_conj(dobj)
                    if refs:
                        return refs
                    for c in dobj.children:  # "rejected a proposal from X", "criticised the EU move"
                        if c.dep_ == "prep" and c.lower_ in ("from", "by", "of"):
                            for pobj in c.children:
                                if pobj.dep_ == "pobj":
                                    refs = aa.refs_with_conj(pobj)
                                    if refs:
                                        notes.append("owner-of-object")
                                        return refs
                        elif c.dep_ in ("poss", "compound") and c.i < dobj.i:
                            refs = aa.refs_with_conj(c)
                            if refs:
                                notes.append("owner-of-object")
                                return refs
            elif slot in ("vp", "vpall"):  # the first actor anywhere in the verb's object and prep phrases
                places_too = slot == "vpall"  # PETRARCH's convention: locations count too
                for c in v.children:
                    if c.dep_ in ("dobj", "prep", "dative", "attr", "oprd") and c.i > v.i:
                        if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS and not places_too:
                            continue
                        skip: set[int] = set()
                        for t in c.subtree:
                            if t.dep_ in ("relcl", "ccomp", "advcl", "xcomp"):
                                break
                            if t.dep_ == "prep" and t.lower_ in LOCATIVE_PREPS and not places_too:
                                break  # "condemned the thuggery seen in towns in England": a place, not a target
                            if t.i in skip:
                                continue
                            if (not places_too and c.dep_ == "dobj" and t.dep_ == "prep" and t.head.i != v.i
                                    and t.lower_ not in ("by", "of", "from", "with", "between", "about")):
                                # inside the object only its author or partner counts: "condemned an attack by X",
                                # "welcomed the resumption of ties with X", not
                                # "condemned the attack on X", "praised the response to X"
                                skip.update(x.i for x in t.subtree)
                                continue
                            if aa.match_at.get(t.i) is None and not t.ent_type_:
                                continue
                            # a modifier of a phrase that names an actor itself: the phrase ("Gondor's
                            # government", "Gondor police"), not the modifier alone
                            h = t
                            while h.dep_ in ("poss", "compound", "amod", "nmod") and h.head.i > h.i and h.head.i != h.i:
                                h = h.head
                            refs = aa.refs_with_conj(h) if h.i != t.i else []
                            refs = refs or aa.refs_with_conj(t)
                            refs = [r for r in refs if places_too or r.kind != "place"]
                            if refs:
                                notes.append("in-object-phrase")
                                return refs
            elif slot == "ccompsubj":  # "demanded that the prime minister apologize", "said X must disarm"
                for c in v.children:
                    if c.dep_ == "ccomp":
                        for sj in c.children:
                            if sj.dep_ in ("nsubj", "nsubjpass") and sj.pos_ != "PRON":
                                refs = aa.refs_with_conj(sj)
                                if refs:
                                    notes.append("subject-of-clause")
                                    return refs
            elif slot == "dat":
                for c in v.children:
                    if c.dep_ == "dative":
                        refs = aa.refs_with_conj(c)
                        if refs:
                            return refs
                if p.obj and dobj is None:
                    continue
            else:
                heads = [v] + ([dobj] if dobj is not None else [])
                for h in heads:
                    for c in h.children:
                        if c.dep_ in ("prep", "agent", "dative") and c.lower_ == slot:
                            for pobj in c.children:
                                if pobj.dep_ == "pobj":
                                    refs = aa.refs_with_conj(pobj)
                                    if refs:
                                        if slot == "between":
                                            notes.append("between")
                                        return refs
                                    if slot in OWNER_SLOTS:  # "regret over India's military actions"
                                        for x in pobj.children:
                                            if x.dep_ == "poss" and x.i < pobj.i:
                                                refs = aa.refs_with_conj(x)
                                                if refs:
                                                    notes.append("owner-of-object")
                                                    return refs
        return []

    @staticmethod
    def _origin(r: Ref, v: "Token", obj: "Token", aa: ArticleActors) -> Ref:
        """A people role object whose country came only from context ("accepted migrants"): the country
        of a ``from`` phrase on the verb or the object ("accepted 300 refugees from Libya" -> LBY REF),
        else the bare role (the sentence's country is the source's own, not the people's)."""
        m = aa.match_at.get(obj.i)
        for h in (obj, v):
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ == "from":
                    for pobj in c.children:
                        owners = [o for o in aa.refs_with_conj(pobj) if o.country and o.rule not in CONTEXT_RULES]
                        if pobj.dep_ == "pobj" and owners and m is not None and m.entry.kind == "role":
                            return compose(owners[0], m.entry, r.start, r.end, "role+origin").with_certainty(0.8)
        return Ref(None, r.sector, None, r.sector, None, r.start, r.end, "role-only", 0.5, "role", r.role_kind,
                   None, r.head_lemma)

    def _reference(self, n: "Token", p: Pattern) -> str:
        """Is a nominal trigger news, or a reference to an event the reader already knows?

        Returns ``""`` (news: the noun is the subject of its clause, the object of a light verb, "killed
        in an attack", or it carries its own date), the preposition for a background event ("two months
        after Russia's invasion": ``historical``), or ``"reference"`` (the object of another verb,
        "referring to the Russian invasion of Ukraine", "described Russia's invasion as": not coded).
        """
        if n.dep_ in ("nsubj", "nsubjpass") and n.head.lemma_.lower() in STATIVE_VERBS:
            return "reference"  # "Russia's invasion of Ukraine ... does have a sort of ring to it"
        if n.dep_ in ("nsubj", "nsubjpass", "ROOT") or n.head.i == n.i:
            return ""
        if p.gov or (n.dep_ in ("dobj", "attr", "nsubjpass") and n.head.lemma_.lower() in LIGHT_VERBS):
            return ""
        if any(t.i in self._time_toks for t in n.subtree):
            return ""  # "the attack on Monday": dated by itself (the context annotator decides if it is old)
        if n.dep_ == "pobj":
            prep = n.head
            if prep.lower_ in BACKGROUND_PREPS:
                return prep.text
            if prep.lower_ in ("in", "during", "amid", "through") and prep.head.pos_ in ("VERB", "AUX"):
                return ""  # "killed in an attack by ...": the event being told
            if prep.lower_ in ("between", "with", "on", "of", "for") and prep.head.i == n.i:
                return ""
        if n.dep_ in ("conj", "appos") and n.head.pos_ in ("NOUN", "PROPN"):
            return self._reference(n.head, p)
        return "reference"

    def _clause_targets(self, h: "Token", aa: ArticleActors) -> list[Ref]:
        """The recipient named inside a requested, offered or refused clause: its object, indirect
        object or a to/with/against/on phrase ("agreed to provide Sri Lanka with ...", "refused to send
        peacekeepers to Iraq"); not places where it happens ("in Louisiana")."""
        for c in h.children:
            if c.i < h.i and c.dep_ != "dative":
                continue
            if c.dep_ == "dative" and c.pos_ == "ADP" and c.lower_ in CLAUSE_TARGET_PREPS:
                c_children = [c]  # "lend $1 billion to Indonesia": "to" parsed as a dative
            elif c.dep_ in ("dobj", "dative") and c.pos_ != "PRON":
                refs = aa.refs_with_conj(c)
                if refs:
                    return refs
                c_children = c.children
            elif c.dep_ == "prep" and (c.lower_ in CLAUSE_TARGET_PREPS or (c.lower_ == "for" and h.pos_ == "NOUN")):
                c_children = [c]  # (an offered thing's "for": "pledged his full support for X")
            else:
                continue
            for x in c_children:
                if x.dep_ in ("prep", "dative") and x.pos_ == "ADP" and (
                        x.lower_ in CLAUSE_TARGET_PREPS or (x.lower_ == "for" and h.pos_ == "NOUN")):
                    for pobj in x.children:
                        if pobj.dep_ == "pobj":
                            refs = aa.refs_with_conj(pobj)
                            if refs:
                                return refs
        return []

    def _noun_roles(self, n: "Token", p: Pattern, aa: ArticleActors, memory, quotes, notes) -> tuple[list[Ref], list[Ref]]:
        sources: list[Ref] = []
        targets: list[Ref] = []
        # the verb giving the noun: a light verb, or one the pattern requires ("voiced solidarity with X":
        # ``gov:voice|express``), whose subject is the source and whose prepositions may name the target
        gov = n.head if n.dep_ in ("dobj", "attr", "nsubjpass") and (
            n.head.lemma_.lower() in LIGHT_VERBS or n.head.lemma_.lower() in p.gov) else None
        if gov is None and n.dep_ == "pobj" and p.gov:
            gov = _governor(n, p)  # "Workers went on strike": ``gov:go prep:on``
        relcl = next((c for c in n.children if c.dep_ == "relcl"), None)
        # participants named on the noun: "talks between X and Y", "US-Taliban talks", "Russia's invasion"
        for slot in p.targets:
            for h in [n] + [x for x in (gov, relcl) if x is not None]:
                for c in h.children:
                    if slot == "dat" and h is gov and c.dep_ == "dative" and c.pos_ != "ADP":
                        targets.extend(aa.refs_with_conj(c))  # "gave Putin a deadline"
                    elif c.dep_ == "prep" and c.lower_ == slot:
                        for pobj in c.children:
                            if pobj.dep_ == "pobj":
                                targets.extend(aa.refs_with_conj(pobj))
                if targets:
                    break
            if targets:
                if slot == "between" and not sources and len(targets) >= 2:
                    sources, targets = targets[:1], targets[1:]
                    notes.append("between")
                break
        mods: list[Ref] = []
        for c in n.children:
            if c.i < n.i and c.dep_ in ("poss", "compound", "amod", "nmod"):
                if c.dep_ == "amod" and aa.match_at.get(c.i) is not None and aa.match_at[c.i].entry.kind == "demonym":
                    mods.extend(aa.modifier_refs(c))
                else:
                    mods.extend(aa.refs_with_conj(c) if c.dep_ != "amod" else [])
        if not sources and mods:
            sources = mods[:1]
            if not targets and len(mods) >= 2:
                targets = mods[1:]
        if not sources:
            for c in n.children:
                if c.dep_ == "prep" and c.lower_ == "by":
                    for pobj in c.children:
                        if pobj.dep_ == "pobj":
                            sources = aa.refs_with_conj(pobj)
        if not sources and gov is not None and n.dep_ != "nsubjpass":
            sources = self._subject(gov, aa, memory, quotes, notes)
            if sources:
                notes.append("light-verb")
        if not sources and relcl is not None:
            sources = self._subject(relcl, aa, memory, quotes, notes)
        if not sources and n.dep_ == "pobj" and n.head.dep_ == "prep" and n.head.head.lemma_ == "be":
            sources = self._subject(n.head.head, aa, memory, quotes, notes)  # "X is in need of ..."
        if not sources and p.family in ("appeal", "demand"):
            rep = modality_chain_reporter(n)
            if rep is not None:
                for c in rep.children:
                    if c.dep_ == "nsubj":
                        sources = self._np(c, aa, memory, quotes, notes)
                        if sources:
                            notes.append("speaker")
        return sources, targets

    def _expand_vague(self, refs: list[Ref], tok: "Token", aa: ArticleActors, sents, si: int) -> list[Ref]:
        """Replace vague actors ("several Western countries") by an "including ..." list when one follows."""
        if not refs or not all(r.code in ("WST", "INT") or (r.code or "").startswith("WST") for r in refs):
            return refs
        sent = sents[si]
        listed = []
        for t in sent:
            if t.lower_ == "including" and t.i > tok.i:
                listed = self._listed(t, aa)
                break
        if not listed and si + 1 < len(sents):
            nxt = sents[si + 1]
            first = next((t for t in nxt if not t.is_punct and not t.is_space), None)
            if first is not None and first.lower_ in ("including", "among"):
                listed = self._listed(first, aa)
        return listed or refs

    def _listed(self, t: "Token", aa: ArticleActors) -> list[Ref]:
        out: list[Ref] = []
        for c in t.subtree if len(list(t.subtree)) > 1 else t.sent:
            m = aa.match_at.get(c.i)
            if m is not None and m.start == c.i and m.entry.kind in ("country", "org", "intl", "group", "capital"):
                out.extend(aa.refs(aa.doc[m.start:m.end].root))
        return _dedupe(out)

    def _root_subject(self, sent: "Span", aa: ArticleActors, memory, quotes) -> list[Ref]:
        """Actors of the sentence's main subject (a pronoun resolved as in :meth:`_pronoun`)."""
        root = sent.root
        for c in root.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return [r for r in self._np(c, aa, memory, quotes, []) if r.kind != "place"]
        return []

    # -- typing ----------------------------------------------------------------------------------

    def _content_heads(self, tok: "Token", p: Pattern, aa: ArticleActors) -> list["Token"]:
        heads = []
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp"):
                heads.append(c)
                heads.extend(x for x in c.conjuncts if x.i > c.i)
            elif c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("for", "that") for m in c.children):
                heads.append(c)
            elif c.dep_ == "prep" and c.lower_ in ("for", "of") and (p.family or p.lemma == "need"):
                heads.extend(x for x in c.children if x.dep_ in ("pobj", "pcomp"))
            elif c.dep_ == "dobj" and p.family and c.pos_ != "PROPN" and not aa.refs_with_conj(c):
                heads.append(c)
        return heads

    def _codes(self, tok: "Token", p: Pattern, aa: ArticleActors) -> list[tuple[str, str]]:
        fam = p.family
        if not fam:
            return [(p.cameo, "")]
        heads = self._content_heads(tok, p, aa)
        out: list[tuple[str, str]] = []
        seen = set()
        others = {h.i for h in heads}
        for h in heads:
            lemmas = set()
            skip: set[int] = set()
            for t in h.subtree:
                if t.i in others and t.i != h.i:
                    break
                if t.i in skip:
                    continue
                if t.i != h.i and (t.dep_ in ("relcl", "advcl", "npadvmod") or (
                        t.dep_ == "prep" and t.lower_ in ADJUNCT_PREPS)):
                    skip.update(x.i for x in t.subtree)  # "... following a meeting with police chiefs"
                    continue
                if t.dep_ == "compound" and (t.head.lemma_.lower() in GROUP_NOUNS
                                             or t.head.lemma_.lower() in PERSON_NOUNS):
                    continue  # "a strike team of health workers" is people, not a strike
                lemmas.add(t.lemma_.lower())
                lemmas.add(t.lower_)
                if len(lemmas) > 60:
                    break
            cat = classify_content(lemmas)
            if cat is not None and any(c.dep_ == "neg" for c in h.children):
                # "said Hungary should not veto aid": what is asked is that something not happen; the
                # content's words do not say what is asked for (not an appeal for aid)
                out.append((FAMILY_BASE[fam], "content-negated"))
                continue
            if cat is None:
                code = self._intent_of_trigger(h, aa) if fam == "intent" else None
                if code and code not in seen:  # "agreed to lend $1 billion to Indonesia": 0331
                    seen.add(code)
                    out.append((code, f"content-trigger={h.lemma_.lower()}"))
                continue
            code = cat.codes[fam]
            if code not in seen:
                seen.add(code)
                out.append((code, f"content={cat.name}"))
        # one demand is one event: a code whose more specific form was also found is dropped
        # ("provide aid and humanitarian relief": 0233, not 023 and 0233)
        out = [(c, w) for c, w in out if not any(o != c and o.startswith(c) for o, _ in out)]
        return out or [(FAMILY_BASE[fam], "")]

    def _intent_of_trigger(self, h: "Token", aa: ArticleActors) -> str | None:
        """The CAMEO 03 code of a promised or agreed action that is itself a cooperative trigger (CAMEO
        04-08: "agreed to lend" -> 071 -> 0331, PLOVER manual 3.1), or ``None``."""
        if h.pos_ != "VERB":
            return None
        lemma = h.lemma_.lower()
        pats = self.triggers.get(lemma, "V")
        p = self._pick(h, pats, "V", aa) if pats else None
        if p is None or p.family or p.cameo[:2] not in ("04", "05", "06", "07", "08"):
            return None
        return INTENT_CODE.get(p.cameo) or INTENT_CODE.get(p.cameo[:3]) or INTENT_CODE.get(p.cameo[:2])

    def _attribution(self, tok: "Token", mod: ModalityResult, aa: ArticleActors, memory, quotes) -> tuple[str | None, str | None]:
        rep = mod.reporting_verb
        while rep is not None:
            for c in rep.children:
                if c.dep_ == "nsubj":
                    refs = self._np(c, aa, memory, quotes, [])
                    text = _np_text(c)
                    return text, (refs[0].code if refs else None)
            # "Shaheen said that ... and stressed that ...": the coordinated reporting verb's subject
            nxt = rep.head if rep.head.i != rep.i else None
            while nxt is not None and nxt.lemma_.lower() not in REPORTING and nxt.head.i != nxt.i:
                nxt = nxt.head
            rep = nxt if nxt is not None and nxt.lemma_.lower() in REPORTING else None
        sent = tok.sent
        for t in sent:
            if t.lower_ == "according":
                for c in t.children:
                    if c.lower_ == "to":
                        for pobj in c.children:
                            if pobj.dep_ == "pobj":
                                refs = aa.refs_with_conj(pobj)
                                return _np_text(pobj), (refs[0].code if refs else None)
        for qs, qe, ref, speaker_text in quotes:
            if qs <= tok.idx < qe and speaker_text:
                return speaker_text, (ref.code if ref else None)
        # "..., a spokesman said." where the trigger's clause is the reporting verb's complement
        root = sent.root
        if root.i != tok.i and root.lemma_.lower() in REPORTING and tok in root.subtree:
            for c in root.children:
                if c.dep_ == "nsubj" and c.i > tok.i:
                    refs = self._np(c, aa, memory, quotes, [])
                    return _np_text(c), (refs[0].code if refs else None)
        return None, None

    def _type_and_build(self, article: Article, doc: "Doc", cands: list[Candidate]) -> list[Event]:
        if not cands:
            return []
        preds: list[Any | None] = [None] * len(cands)
        ask = [i for i, c in enumerate(cands) if needs_classifier(c.cameo or None, c.confidence)]
        # loaded on first need only: a corpus whose candidates are all strong rules never pays for it
        clf = load_classifier() if self.use_classifier and ask else None
        if clf is not None and ask:
            inputs = []
            for c in (cands[i] for i in ask):
                sent = c.trigger.sent
                base = sent.start_char
                src = (doc[c.sources[0].start].idx - base, doc[c.sources[0].end - 1].idx + len(doc[c.sources[0].end - 1]) - base) if c.sources else None
                tgt = (doc[c.targets[0].start].idx - base, doc[c.targets[0].end - 1].idx + len(doc[c.targets[0].end - 1]) - base) if c.targets else None
                trg = (c.trigger.idx - base, c.trigger.idx + len(c.trigger) - base)
                inputs.append(typing_input(sent.text, src, tgt, trg, parse=sent))
            try:
                for i, pred in zip(ask, clf.predict(inputs)):
                    preds[i] = pred
            except Exception as exc:  # a classifier failure must not lose the dictionary's events
                article.warnings.append(f"event typing: classifier failed, dictionary only: {type(exc).__name__}: {exc}")
                preds = [None] * len(cands)
        elif self.use_classifier and ask:
            reason = classifier_status()
            if reason:
                msg = f"event typing: dictionary only ({reason})"
                if msg not in article.warnings:
                    article.warnings.append(msg)
        events: list[Event] = []
        seen = set()
        for c, pred in zip(cands, preds):
            info = self.codebook.cameo.get(c.cameo) if c.cameo else None
            if info is None and c.cameo and not self.keep_unknown_codes:
                continue
            plover = info.plover_type if info else None
            dec: Decision = combine(c.cameo or None, plover, c.confidence, pred, c.mod.modality)
            if dec.decided_by == "classifier" and c.trigger.lemma_.lower() in SPEECH_VERBS:
                # a speech verb's type is never the classifier's: it reads the reported content into "said"
                # ("Hungary should not veto aid, the prime minister said" is no REJECT by the prime minister)
                dec = combine(c.cameo or None, plover, c.confidence, None, c.mod.modality)
            if dec.cameo is None:
                continue
            if dec.decided_by == "classifier" and c.mod.modality in ("future", "intent") and dec.cameo[:2] in (
                    "04", "05", "06", "07", "08"):
                dec.cameo = INTENT_CODE.get(dec.cameo) or INTENT_CODE.get(dec.cameo[:2]) or dec.cameo  # PLOVER 3.1
            info = self.codebook.cameo.get(dec.cameo) if dec.cameo != c.cameo else info
            sent = c.trigger.sent
            key = (c.sent_idx, c.trigger.i, dec.cameo)
            if key in seen:
                continue
            seen.add(key)
            coder = f"{CODER_ID}:{c.rule}"
            if dec.model:
                coder += f" + {dec.model}({dec.classifier_root}:{dec.classifier_p:.2f})"
            ev = Event(
                sent_idx=c.sent_idx, sentence_start=sent.start_char, sentence_end=sent.end_char,
                trigger=c.trigger.text, trigger_start=c.trigger.idx, trigger_end=c.trigger.idx + len(c.trigger),
                sources=[r.to_actor(doc) for r in c.sources], targets=[r.to_actor(doc) for r in c.targets],
                cameo_code=dec.cameo, cameo_base=dec.cameo[:3] if info else None,
                cameo_root=dec.cameo[:2] if info else None,
                plover_type=(info.plover_type or None) if info else None,
                plover_mode=(info.plover_mode or None) if info else None,
                quad_class=info.quad_class if info else None, goldstein=info.goldstein if info else None,
                modality=c.mod.modality, coder=coder, decided_by=dec.decided_by,
                confidence=round(dec.confidence * HEDGE_FACTOR, 3) if c.mod.hedge else dec.confidence,
                attribution_text=c.attribution[0], attribution_code=c.attribution[1])
            events.append(ev)
        return events


def modality_chain_reporter(tok: "Token") -> "Token | None":
    """The reporting verb ("said") the trigger's clause depends on, if any."""
    ch = chain(tok)
    return ch[-1] if len(ch) > 1 and ch[-1].lemma_.lower() in REPORTING else None


def self_other(t: "Token") -> bool:
    """True for "other" in "each other" / "one another"."""
    return t.lower_ in ("other", "another")


def _political(r: Ref) -> bool:
    """A political actor: a state, an organisation, an armed group, or a role outside civil society
    (civilians, business, media, education, health, agriculture, refugees are not)."""
    return r.sector not in NONPOLITICAL_SECTORS or r.kind in ("country", "capital", "group", "intl")


def _one_per_code(refs: list[Ref]) -> list[Ref]:
    """The first mention of each actor code (unnamed persons with a bare role code stay apart)."""
    seen: set = set()
    out = []
    for r in refs:
        k = _same_key(r)
        if r.code and k in seen:
            continue
        seen.add(k)
        out.append(r)
    return out


def _says_own_intent(v: "Token") -> bool:
    """Whether a demand verb's complement clause tells what a pronoun subject will do ("insisted that it
    will only negotiate with X", "said they would ..."): a statement of intent, not a demand on someone."""
    for c in v.children:
        if c.dep_ == "ccomp" and any(x.dep_ == "nsubj" and x.lower_ in PRONOUNS for x in c.children) and any(
                x.dep_ == "aux" and x.lower_ in ("will", "would", "can", "could", "shall", "'ll") for x in c.children):
            return True
    return False


def _pair_key(c: Candidate) -> tuple[frozenset, frozenset]:
    """The actors of a candidate, for "the same interaction" (source and target keys)."""
    return frozenset(_same_key(r) for r in c.sources), frozenset(_same_key(r) for r in c.targets)


def _other_office(t: Ref, sources: list[Ref], doc: "Doc") -> bool:
    """Whether target ``t``, coded like a source, is another person or body of that actor: two office
    holders or bodies named by different words ("Romania's president refused a request from the justice
    minister": both ROUGOV, two actors), not a second mention of the same one."""
    if t.kind not in ("person", "role") or t.rule.startswith(("pronoun", "coref", "pair", "owned")) or t.rule in (
            "role+capital", "role+place"):  # "envoys ... in Nairobi": where they are, not whose
        return False
    head = _office_word(t, doc)
    for r in sources:
        if _same_key(r) != _same_key(t):
            continue
        if r.kind not in ("person", "role") or _office_word(r, doc) == head:
            return False
    return True


def _office_word(r: Ref, doc: "Doc") -> str:
    """The word naming a person's or body's office: the role noun, else the mention's last word."""
    return (r.head_lemma or doc[r.end - 1].lemma_).lower().split()[-1]


def _same_key(r: Ref) -> tuple:
    """What makes a target the same actor as a source: its code, and its name when the code has no
    country (two unnamed bare roles are the same; "President X" and "President Y" are not)."""
    return (r.code, None) if r.country or r.kind in ("org", "intl", "group") else (r.code, r.name)


def _np_text(t: "Token") -> str:
    toks = [x for x in t.subtree if x.dep_ not in ("relcl", "punct") or x.i < t.i]
    if not toks:
        return t.text
    doc = t.doc
    start, end = toks[0].i, toks[-1].i + 1
    if end - start > 12:
        start, end = t.left_edge.i, t.i + 1
    return doc[start:end].text


def _prep_like(c: "Token", preps: frozenset[str]) -> bool:
    """A preposition child in ``preps``, or a clause introduced by one ("called for X not to be ...")."""
    if c.dep_ in ("prep", "agent", "dative") and c.lower_ in preps:
        return True
    if c.dep_ in ("advcl", "xcomp", "ccomp"):
        return any(m.dep_ == "mark" and m.lower_ in preps for m in c.children)
    return False


def _governor(n: "Token", p: Pattern) -> "Token | None":
    """The verb of a ``gov:`` condition governing noun ``n``: its head ("staged a strike"), or, when the
    pattern's ``prep:`` names the preposition ``n`` is the object of, the verb that preposition hangs on
    ("went on strike": ``gov:go prep:on``). ``None`` when that verb's lemma is not in ``p.gov``."""
    h = n.head
    if h.i == n.i:
        return None
    if n.dep_ == "pobj" and p.prep and h.dep_ == "prep" and h.lower_ in p.prep and h.head.i != h.i:
        h = h.head
    return h if h.lemma_.lower() in p.gov else None


def _follows(tok: "Token", words: tuple[str, ...]) -> bool:
    nxt = [t.lower_ for t in tok.doc[tok.i + 1: min(len(tok.doc), tok.i + 12)]]
    k = 0
    for w in nxt:
        if k < len(words) and (w == words[k] or w.rstrip("s") == words[k]):
            k += 1
    return k == len(words)


def _dedupe(refs: list[Ref]) -> list[Ref]:
    seen = set()
    out = []
    for r in refs:
        if (r.key, r.start) in seen:
            continue
        seen.add((r.key, r.start))
        out.append(r)
    return out


def _codable(sent: "Span") -> bool:
    n = len(sent)
    if n < 3 or n > MAX_SENTENCE_TOKENS:
        return False
    alpha = [t for t in sent if t.is_alpha and len(t) > 1]
    if len(alpha) >= 4 and sum(1 for t in alpha if t.is_upper) / len(alpha) > 0.6:
        return False
    return True


def default_coder() -> EventCoder:
    """The process-wide coder for the current ``EVENTWIRE_DICTIONARIES`` and ``EVENTWIRE_TRIGGERS``
    (built once per pair of lists; its actor dictionary is the actors annotator's)."""
    return _coder_for(os.environ.get("EVENTWIRE_DICTIONARIES", ""), trigger_specs())


@lru_cache(maxsize=4)
def _coder_for(dictionaries: str, triggers: tuple[str, ...]) -> EventCoder:
    return EventCoder(actors=default_actors(), triggers=with_user_triggers(triggers))


@annotator("events", requires=("entities.actor_code", "quotes.speaker_code", "places", "times"),
           assigns=("events",))
def annotate_events(article: Article, doc: "Doc") -> None:
    """Annotator ``events``: code the events of ``article`` from the actors the ``actors`` annotator
    resolved (:func:`~eventwire.actors.annotate.actor_mentions`)."""
    default_coder().code(article, doc)
