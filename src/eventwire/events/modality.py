"""Modality and attribution of an event trigger, read from the dependency parse.

Modality is one of ``asserted``, ``future``, ``intent``, ``negation``, ``hypothetical``,
``historical``. It is decided on the *clause chain* of the trigger: the trigger and the words governing
it through ``xcomp``/``ccomp``/``acomp``/``conj``/``pcomp`` links (and, for a noun trigger, the verb
whose subject or object it is), up to a reporting verb ("said", "told") or the sentence root:

* ``negation``: a ``neg`` dependent ("not", "never", "n't") or the determiner "no" anywhere on the
  chain; a governing "refuse", "decline", "fail", "deny" ("denied that Moscow had sent ...").
* ``hypothetical``: "if"/"unless" clauses on the chain; modal "could", "might", "may", "should", "must";
  "would" outside reported speech; noun modifiers "possible", "proposed", "potential".
* ``historical``: a year in the clause more than one year before the publication year ("the US
  invasion in 2001" in a 2021 article, "in the 1990s"); an event in a subordinate clause with its own
  subject that dates the main clause ("after the US and Israel attacked Iran", "shortly after Russia
  invaded Ukraine"). The event context annotator (order 600) also marks events whose own sentence
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

if TYPE_CHECKING:
    from spacy.tokens import Token

REPORTING = frozenset({"say", "tell", "add", "state", "announce", "stress", "claim", "insist", "write", "explain",
                       "continue", "report", "confirm", "note", "declare", "warn", "reply", "told", "said",
                       "assert", "argue", "emphasize", "emphasise", "underline", "acknowledge", "believe",
                       "think", "indicate", "suggest", "reiterate", "tweet"})
NEGATING = frozenset({"refuse", "decline", "fail", "deny", "reject"})
INTENT_VERBS = frozenset({"want", "wish", "intend", "hope", "seek", "aim", "try", "attempt", "offer", "promise",
                          "pledge", "vow", "threaten", "plan", "prepare", "strive", "desire", "agree", "decide",
                          "consider", "propose", "push"})
INTENT_ADJ = frozenset({"ready", "willing", "prepared", "eager", "determined", "keen", "open"})
FUTURE_VERBS = frozenset({"schedule", "expect", "set", "due", "slate"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "’ll"})
HYPO_AUX = frozenset({"could", "might", "may", "should", "must", "ought", "can"})
FUTURE_MODS = frozenset({"planned", "upcoming", "next", "forthcoming", "future", "scheduled", "coming"})
HYPO_MODS = frozenset({"possible", "proposed", "potential", "hypothetical", "prospective"})
CHAIN_DEPS = frozenset({"xcomp", "ccomp", "acomp", "conj", "pcomp", "auxpass", "oprd"})
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)(s)?\b")


@dataclass(slots=True)
class ModalityResult:
    """Modality of a trigger and the evidence for it.

    Attributes:
        modality: one of the six values above.
        cue: the word that decided it (``"wants"``, ``"not"``, ``"2001"``), or ``""`` for asserted.
        reporting_verb: the reporting verb the clause depends on, if any (for attribution).
    """

    modality: str
    cue: str = ""
    reporting_verb: "Token | None" = None


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
    negation = hypo = hist = ""
    first: tuple[str, str] | None = None
    for k, t in enumerate(ch):
        if rep is not None and t.i == rep.i:
            break
        lem = t.lemma_.lower()
        for c in t.children:
            d, low = c.dep_, c.lower_
            if d == "neg" or (d == "det" and low == "no") or (d == "advmod" and low in ("never", "no")):
                negation = negation or c.text
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
            elif d in ("npadvmod", "advmod") and low in ("tomorrow", "soon"):
                first = first or ("future", c.text)
            elif d == "npadvmod" and any(g.lower_ in ("next", "coming") for g in c.children):
                first = first or ("future", "next " + c.text)
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
            hypo = hypo or "if"
        if k > 0:
            if lem in NEGATING and ch[k - 1].dep_ in ("xcomp", "ccomp") and ch[k - 1].i > t.i:
                negation = negation or t.text
            elif lem in INTENT_VERBS and ch[k - 1].dep_ == "xcomp":
                first = first or ("intent", t.text)
            elif lem in INTENT_ADJ and t.pos_ == "ADJ":
                first = first or ("intent", t.text)
            elif lem in FUTURE_VERBS and (ch[k - 1].dep_ == "xcomp" or ch[k - 1].dep_ in ("nsubjpass",)):
                first = first or ("future", t.text)
            elif lem == "go" and ch[k - 1].dep_ == "xcomp" and t.tag_ == "VBG":
                first = first or ("future", t.text)
    denied = _denied_report(ch[-1] if rep is None else ch[-2] if len(ch) > 1 else trigger)
    if denied:
        negation = negation or denied
    if pub_year:
        hist = _historical_cue(trigger, pub_year)
    hist = hist or _background_clause(ch)
    if negation:
        return ModalityResult("negation", negation, rep)
    if hypo:
        return ModalityResult("hypothetical", hypo, rep)
    if hist:
        return ModalityResult("historical", hist, rep)
    if first:
        return ModalityResult(first[0], first[1], rep)
    return ModalityResult("asserted", "", rep)


#: Subordinators of a clause that places its event before the main one ("after X attacked Y").
BACKGROUND_MARKS = frozenset({"after", "since", "before", "until", "following"})


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


REPORT_NOUNS = frozenset({"report", "claim", "allegation", "suggestion", "rumour", "rumor", "speculation",
                          "accusation", "assertion", "charge"})
DENYING = frozenset({"deny", "reject", "dismiss", "refute", "rebut"})


def _denied_report(top: "Token") -> str:
    """"denying reports that the bloc would invite Damascus": the clause of a denied report."""
    if top.dep_ not in ("acl", "ccomp", "relcl") or top.head.i == top.i:
        return ""
    noun = top.head
    if noun.lemma_.lower() not in REPORT_NOUNS or noun.head.i == noun.i:
        return ""
    verb = noun.head
    return verb.text if verb.lemma_.lower() in DENYING and noun.dep_ in ("dobj", "nsubjpass") else ""


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
