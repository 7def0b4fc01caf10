"""Modality and attribution of an event trigger, read from the dependency parse.

Modality is one of ``asserted``, ``future``, ``intent``, ``negation``, ``hypothetical``,
``historical``. It is decided on the *clause chain* of the trigger: the trigger and the words governing
it through ``xcomp``/``ccomp``/``acomp``/``conj``/``pcomp`` links (and, for a noun trigger, the verb
whose subject or object it is), up to a reporting verb ("said", "told") or the sentence root:

* ``negation``: a ``neg`` dependent ("not", "never", "n't") or the determiner "no" anywhere on the
  chain, a subject or object that is nobody ("No country attacked", "sent no troops"); a governing
  "refuse", "decline", "fail", "deny", "avoid", "dispute" ("denied that Moscow had sent ..."); "It is
  false/untrue that" (:data:`FALSE_ADJ`); "refrained from", "stopped short of", "prevented ... from",
  "without", "instead of", "rather than" + gerund (:data:`ABSTAIN_HEADS`); "has/is yet to"; a negated
  reporting or belief verb ("No one believes X attacked Y", "did not say that"); a report noun declared
  false or denied ("Rumors that X invaded Y were false", "rejected claims that").
* ``hypothetical``: "if"/"unless" clauses on the chain; modal "could", "might", "may", "should", "must";
  "would" outside reported speech; noun modifiers "possible", "proposed", "potential"; governing
  "unlikely", "likely", "possible" (:data:`DOUBT_ADJ`), "doubt/suspect that"; obligations "ought to",
  "has/needs to", "is obliged/required/supposed to" (:data:`OBLIGATION`); hearsay ("rumours that",
  "unconfirmed reports that").
* hedges ("allegedly", "reportedly", "the alleged attack", "claimed that", "its claim that") leave the
  modality ``asserted`` (CAMEO and GDELT code alleged events) and are returned in
  :attr:`ModalityResult.hedge`; the coder records them in the event's rule and lowers its confidence.
* ``historical``: a year in the clause more than one year before the publication year ("the US
  invasion in 2001" in a 2021 article, "in the 1990s"); an event in a subordinate clause with its own
  subject that dates the main clause ("after the US and Israel attacked Iran", "shortly after Russia
  invaded Ukraine"). The event context annotator (``event_context``) also marks events whose own sentence
  dates them more than a year back.
* ``future``: "will", "shall", "'ll", "going to"; "would" inside reported speech ("said Minsk would
  respond"); governing "schedule", "expect", "plan", "set", "due"; "next week/month/year",
  "tomorrow"; noun modifiers "planned", "upcoming", "next".
* ``intent``: governing "want", "wish", "intend", "hope", "seek", "aim", "try", "attempt", "offer",
  "promise", "pledge", "vow", "threaten"; adjectives "ready", "willing", "prepared", "eager",
  "determined" ("is ready to work with").

Precedence: negation > hypothetical > historical > the first of future/intent met walking up from the
trigger > asserted. A planned, wished, denied or conditional event is never ``asserted``.

Attribution (who says so) is kept apart from the source actor: the subject of the reporting verb the
trigger's clause depends on, an "according to X" phrase, or the speaker of a quotation holding the
trigger.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire import lexicon

if TYPE_CHECKING:
    from spacy.tokens import Token

REPORTING = lexicon.words("reporting_verbs")
#: Verbs of speaking and reporting: they introduce what someone says, so they are never an event typed by
#: the PLOVER classifier (which reads the type of the reported content into them: "Hungary should not veto
#: aid, the prime minister said" is not a REJECT by the prime minister). A dictionary pattern on them
#: ("said X must" a demand) still types them.
SPEECH_VERBS = REPORTING | lexicon.words("speech_verbs")
NEGATING = lexicon.words("negating_verbs")
#: Adjectives that declare what they govern untrue ("It is false that X attacked Y", "claims ... are baseless").
FALSE_ADJ = lexicon.words("false_adjectives")
#: Adjectives that make what they govern only possible or doubtful ("is unlikely to attack",
#: "It is possible that ...", "is likely to meet": a prediction, not a report).
DOUBT_ADJ = lexicon.words("doubt_adjectives")
#: Verbs that doubt their complement clause ("Analysts doubt that X attacked Y").
DOUBT_VERBS = lexicon.words("doubt_verbs")
#: Words governing "from"/"of" + gerund that say the gerund's event did not happen ("refrained from
#: attacking", "stopped short of recognising", "was prevented from entering"); "instead of", "rather than",
#: "without" do the same with any head.
ABSTAIN_HEADS = lexicon.words("abstain_heads")
NEG_PREPS = lexicon.words("negating_preps")
#: Governors of an obligation ("ought to withdraw", "has to withdraw", "is obliged/required/supposed to"):
#: what is owed has not happened (``hypothetical``, like the modal auxiliaries "should" and "must").
OBLIGATION = lexicon.words("obligation_words")
#: Adverbs and noun modifiers that hedge a report without denying it ("Serbia allegedly attacked ...", "the
#: reported attack"): the event stays ``asserted`` (CAMEO and GDELT code alleged events) and the hedge is
#: recorded (:attr:`ModalityResult.hedge`).
HEDGE_ADV = lexicon.words("hedge_adverbs")
HEDGE_MODS = lexicon.words("hedge_modifiers")
#: Subjects that say nobody did it ("No one believes ...", "Nobody attacked ...", "None of them met ...").
NO_SUBJECTS = lexicon.words("no_subjects")
INTENT_VERBS = lexicon.words("intent_verbs")
INTENT_ADJ = lexicon.words("intent_adjectives")
FUTURE_VERBS = lexicon.words("future_verbs")
FUTURE_AUX = lexicon.words("future_auxiliaries")
HYPO_AUX = lexicon.words("hypothetical_auxiliaries")
FUTURE_MODS = lexicon.words("future_modifiers")
HYPO_MODS = lexicon.words("hypothetical_modifiers")
CHAIN_DEPS = frozenset({"xcomp", "ccomp", "acomp", "conj", "pcomp", "auxpass", "oprd"})
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)(s)?\b")


@dataclass(slots=True)
class ModalityResult:
    """Modality of a trigger and the evidence for it.

    Attributes:
        modality: one of the six values above.
        cue: the word that decided it (``"wants"``, ``"not"``, ``"2001"``), or ``""`` for asserted.
        reporting_verb: the reporting verb the clause depends on, if any (for attribution).
        hedge: a word that hedges the report without denying it ("allegedly", "reportedly", "alleged",
            "claims that ..."), or ``""``. It does not change ``modality``.
    """

    modality: str
    cue: str = ""
    reporting_verb: "Token | None" = None
    hedge: str = ""


def chain(trigger: "Token", max_steps: int = 8) -> list["Token"]:
    """The trigger's clause chain: the trigger, then its governors through clausal links.

    For a noun trigger the governing verb is included ("talks ... are scheduled", "held a meeting").
    Stops below a reporting verb (which is returned as the last element when reached).
    """
    out = [trigger]
    t = trigger
    for _ in range(max_steps):
        if t.dep_ == "ROOT" or t.head.i == t.i:
            break
        h = t.head
        if t.pos_ in ("NOUN", "PROPN") and t.i == trigger.i:
            if t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr"):
                out.append(h)
                t = h
                continue
            if t.dep_ == "pobj" and h.dep_ == "prep" and h.head.pos_ in ("VERB", "AUX"):
                out.append(h.head)
                t = h.head
                continue
            break
        if t.dep_ in CHAIN_DEPS or (t.dep_ == "advcl" and _is_purpose(t)):
            out.append(h)
            if h.lemma_.lower() in REPORTING:
                break
            t = h
            continue
        break
    return out


def _is_purpose(t: "Token") -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)


def modality(trigger: "Token", pub_year: int | None = None, in_reported_speech: bool | None = None) -> ModalityResult:
    """Decide the modality of ``trigger`` (a verb or noun token) from the parse.

    Args:
        trigger: the trigger token.
        pub_year: the publication year, for ``historical`` (no historical marking without it).
        in_reported_speech: override for whether the clause is reported speech.
    """
    ch = chain(trigger)
    rep = ch[-1] if len(ch) > 1 and ch[-1].lemma_.lower() in REPORTING else None
    reported = in_reported_speech if in_reported_speech is not None else rep is not None
    negation = hypo = hist = hedge = ""
    first: tuple[str, str] | None = None
    for k, t in enumerate(ch):
        if rep is not None and t.i == rep.i:
            break
        lem = t.lemma_.lower()
        for c in t.children:
            d, low = c.dep_, c.lower_
            if d == "neg" or (d == "det" and low == "no") or (d == "advmod" and low in ("never", "no")):
                negation = negation or c.text
            elif d in ("nsubj", "nsubjpass", "dobj") and t.pos_ in ("VERB", "AUX") and _nobody(c):
                negation = negation or _nobody(c)  # "No country recognised X", "sent no troops"
            elif d == "advmod" and low in HEDGE_ADV:
                hedge = hedge or c.text
            elif d == "amod" and k == 0 and t.pos_ in ("NOUN", "PROPN") and low in HEDGE_MODS:
                if low in ("unconfirmed", "unverified"):
                    hypo = hypo or c.text
                else:
                    hedge = hedge or c.text
            elif d in ("aux", "auxpass"):
                if low in FUTURE_AUX:
                    first = first or ("future", c.text)
                elif low == "would":
                    if reported:
                        first = first or ("future", c.text)
                    else:
                        hypo = hypo or c.text
                elif low in HYPO_AUX and low != "can":
                    hypo = hypo or c.text
            elif d == "mark" and low in ("if", "unless", "whether"):
                hypo = hypo or c.text
            elif d == "amod" and t.pos_ in ("NOUN", "PROPN"):
                if low in FUTURE_MODS:
                    first = first or ("future", c.text)
                elif low in HYPO_MODS:
                    hypo = hypo or c.text
            elif d == "acl" and k == 0 and t.pos_ in ("NOUN", "PROPN") and c.tag_ in ("VBN", "VBD") and \
                    c.lemma_.lower() in FUTURE_VERBS | {"plan"} and not any(x.dep_ == "nsubj" for x in c.children):
                first = first or ("future", c.text)  # "the meeting planned for Friday", "talks scheduled for"
            elif d in ("npadvmod", "advmod") and low in ("tomorrow", "soon"):
                first = first or ("future", c.text)
            elif d == "npadvmod" and any(g.lower_ in ("next", "coming") for g in c.children):
                first = first or ("future", "next " + c.text)
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
            hypo = hypo or "if"
        if k > 0:
            below = ch[k - 1]
            if t.pos_ == "ADP" and below.dep_ in ("pcomp", "pobj"):
                # "refrained from attacking", "stopped short of attacking", "without attacking",
                # "instead of attacking", "rather than attacking"
                gov = t.head.lemma_.lower() if t.head.i != t.i else ""
                if (t.lower_ in NEG_PREPS or (t.lower_ in ("from", "of") and gov in ABSTAIN_HEADS)
                        or (t.lower_ == "of" and gov == "instead") or (t.lower_ == "than" and gov == "rather")):
                    negation = negation or (f"{t.head.text} {t.text}" if t.head.i != t.i else t.text)
            comp = below.dep_ in ("xcomp", "ccomp")
            if below.dep_ == "ccomp" and any(c.dep_ == "acomp" and c.lemma_.lower() in FALSE_ADJ for c in t.children):
                negation = negation or next(c.text for c in t.children if c.lemma_.lower() in FALSE_ADJ)
            elif comp and any(c.dep_ == "acomp" and c.lemma_.lower() in DOUBT_ADJ for c in t.children):
                hypo = hypo or next(c.text for c in t.children if c.lemma_.lower() in DOUBT_ADJ)  # "It is unlikely that"
            if comp and any(c.dep_ == "advmod" and c.lower_ == "yet" for c in t.children) and below.dep_ == "xcomp":
                negation = negation or "yet to"  # "has yet to sign", "is yet to meet": not (yet) happened
            if lem in NEGATING and below.dep_ in ("xcomp", "ccomp") and below.i > t.i:
                negation = negation or t.text
            elif lem in FALSE_ADJ and t.pos_ == "ADJ" and below.dep_ == "ccomp":
                negation = negation or t.text
            elif lem in DOUBT_ADJ and t.pos_ == "ADJ" and comp:
                hypo = hypo or t.text  # "Serbia is unlikely to attack", "is likely to meet"
            elif lem in DOUBT_VERBS and below.dep_ == "ccomp" and below.i > t.i:
                hypo = hypo or t.text  # "Analysts doubt that ..."
            elif (lem in OBLIGATION or t.lower_ in OBLIGATION) and below.dep_ == "xcomp":
                hypo = hypo or t.text  # "ought to withdraw", "needs to", "is required to"
            elif lem == "have" and below.dep_ == "xcomp" and t.tag_ in ("VBZ", "VBP", "VB") and not any(
                    c.lower_ == "yet" for c in t.children) and any(c.dep_ == "aux" and c.lower_ == "to"
                                                                   for c in below.children):
                hypo = hypo or t.text  # "Serbia has to withdraw" (present obligation; "had to" happened)
            elif lem in ("allege", "claim") and below.dep_ == "ccomp" and below.i > t.i:
                hedge = hedge or t.text  # "Kosovo alleged that Serbia attacked ...": a claim, attributed
            if lem in INTENT_VERBS and ch[k - 1].dep_ == "xcomp":
                first = first or ("intent", t.text)
            elif lem in INTENT_ADJ and t.pos_ == "ADJ":
                first = first or ("intent", t.text)
            elif lem in FUTURE_VERBS and (ch[k - 1].dep_ == "xcomp" or ch[k - 1].dep_ in ("nsubjpass",)):
                first = first or ("future", t.text)
            elif lem == "go" and ch[k - 1].dep_ == "xcomp" and t.tag_ == "VBG":
                first = first or ("future", t.text)
    if rep is not None:
        # "No one believes X attacked Y", "Officials did not say that ...": a negated report asserts nothing
        neg = next((c.text for c in rep.children if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never")),
                   "") or next((_nobody(c) for c in rep.children if c.dep_ == "nsubj" and _nobody(c)), "")
        wh = len(ch) > 1 and any(c.tag_ in ("WRB", "WP", "WDT") and c.i < ch[-2].i for c in ch[-2].children)
        if neg and not wh:  # ("did not say when they met" leaves the meeting asserted)
            negation = negation or neg
        elif rep.lemma_.lower() in ("claim", "allege"):
            hedge = hedge or rep.text
        for subj in (c for c in rep.children if c.dep_ == "nsubj"):
            # "Unconfirmed reports said ...", "Rumours say ...": hearsay as the speaker
            cue = next((m.text for m in subj.children if m.dep_ == "amod" and m.lower_ in ("unconfirmed", "unverified")),
                       "") or (subj.text if subj.lemma_.lower() in HEARSAY_NOUNS else "")
            if cue:
                hypo = hypo or cue
    kind, cue = _report_clause(ch[-1] if rep is None else ch[-2] if len(ch) > 1 else trigger)
    if kind == "negation":
        negation = negation or cue
    elif kind == "hypothetical":
        hypo = hypo or cue
    elif kind == "hedge":
        hedge = hedge or cue
    if pub_year:
        hist = _historical_cue(trigger, pub_year)
    hist = hist or _background_clause(ch)
    if negation:
        return ModalityResult("negation", negation, rep, hedge)
    if hypo:
        return ModalityResult("hypothetical", hypo, rep, hedge)
    if hist:
        return ModalityResult("historical", hist, rep, hedge)
    if first:
        return ModalityResult(first[0], first[1], rep, hedge)
    return ModalityResult("asserted", "", rep, hedge)


def _nobody(t: "Token") -> str:
    """The word that makes subject or object ``t`` nobody/nothing ("No one", "nobody", "no troops",
    "none of them"), or ``""``."""
    if t.lower_ in NO_SUBJECTS or (t.lower_ == "one" and any(c.lower_ == "no" for c in t.children)):
        return t.text if t.lower_ != "one" else "no one"
    return next((c.text for c in t.children if c.dep_ == "det" and c.lower_ == "no"), "")


#: Subordinators of a clause that places its event before the main one ("after X attacked Y").
BACKGROUND_MARKS = lexicon.words("background_marks")


def _background_clause(ch: list["Token"]) -> str:
    """"after the US and Israel attacked Iran", "shortly after Russia invaded Ukraine": an event in a
    subordinate clause with its own subject that dates the main clause is background (``historical``).

    A clause without its own subject ("after discussing the matter with ...") continues the main
    clause's story and is not background.
    """
    for t in ch[:2]:
        if t.pos_ not in ("VERB", "AUX"):
            continue
        if t.dep_ in ("advcl", "pcomp") and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            for c in t.children:
                if c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS:
                    return c.text
            if t.dep_ == "pcomp" and t.head.lower_ in BACKGROUND_MARKS:
                return t.head.text
        break
    return ""


REPORT_NOUNS = lexicon.words("report_nouns")
DENYING = lexicon.words("denying_verbs")


#: Report nouns whose content is hearsay: an event only rumoured is ``hypothetical``.
HEARSAY_NOUNS = lexicon.words("hearsay_nouns")


def _report_clause(top: "Token") -> tuple[str, str]:
    """The modality a report noun gives the clause it holds (``top`` is the clause's head verb).

    * denied ("denying reports that the bloc would invite Damascus", "rumours ... were dismissed") or
      declared false ("Rumors that Serbia invaded Kosovo were false", "claims that ... are baseless"):
      ``("negation", cue)``;
    * hearsay ("rumours that ...", "speculation that ...", "unconfirmed reports that ...", "reports
      that ... could not be confirmed"): ``("hypothetical", cue)``;
    * a report, claim or allegation otherwise: ``("hedge", noun)``;
    * not inside a report noun's clause: ``("", "")``.
    """
    if top.dep_ not in ("acl", "ccomp", "relcl") or top.head.i == top.i:
        return "", ""
    noun = top.head
    nl = noun.lemma_.lower()
    if noun.pos_ not in ("NOUN", "PROPN") or (nl not in REPORT_NOUNS and nl not in HEARSAY_NOUNS):
        return "", ""
    verb = noun.head if noun.head.i != noun.i else None
    if verb is not None:
        vl = verb.lemma_.lower()
        if vl in DENYING and noun.dep_ in ("dobj", "nsubjpass"):
            return "negation", verb.text
        if noun.dep_ in ("nsubj", "nsubjpass"):
            false = [c for c in verb.children if c.dep_ in ("acomp", "oprd", "attr") and c.lemma_.lower() in FALSE_ADJ]
            if false:
                return "negation", false[0].text
            if vl in FALSE_ADJ:
                return "negation", verb.text
            if any(c.dep_ == "neg" for c in verb.children):
                return "hypothetical", next(c.text for c in verb.children if c.dep_ == "neg")  # "were not confirmed"
    unconf = next((c.text for c in noun.children if c.dep_ == "amod" and c.lower_ in ("unconfirmed", "unverified")), "")
    if unconf:
        return "hypothetical", unconf
    if nl in HEARSAY_NOUNS:
        return "hypothetical", noun.text
    return "hedge", noun.text


def _historical_cue(trigger: "Token", pub_year: int) -> str:
    """A year (or decade) in the trigger's own clause that is more than a year before ``pub_year``."""
    doc = trigger.doc
    if trigger.pos_ in ("NOUN", "PROPN"):
        toks = list(trigger.subtree)
        if trigger.head.i != trigger.i and trigger.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj"):
            toks += [t for c in trigger.head.children if c.dep_ in ("prep", "npadvmod") and c.i != trigger.i
                     for t in c.subtree]
    else:
        toks = [t for c in trigger.children if c.dep_ in ("prep", "npadvmod", "advmod", "pobj", "dobj")
                for t in c.subtree]
    if len(toks) > 80:
        toks = toks[:80]
    for t in toks:
        if t.ent_type_ != "DATE" and not t.like_num:
            continue
        m = _YEAR.fullmatch(t.text) or _YEAR.fullmatch(t.text.rstrip("'"))
        if not m:
            continue
        year = int(m.group(1))
        if t.ent_type_ != "DATE" and not (t.i > 0 and doc[t.i - 1].lower_ in ("in", "since", "of", "the")):
            continue
        if year + (9 if m.group(2) else 0) < pub_year - 1:
            return t.text
    return ""
