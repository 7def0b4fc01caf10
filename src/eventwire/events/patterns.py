"""The trigger dictionary: which words express which CAMEO event, and where their target is.

Data: ``eventwire/data/events/triggers.tsv`` (verb and noun patterns) and ``content.tsv`` (what is
asked for, offered or refused, refining request-like codes), both written by us; the format is in the
files' headers and in docs/event-coding.md. Users may add patterns in the same format with
:meth:`TriggerDictionary.load`. A PETRARCH verb dictionary can be read (simplified) with
:func:`load_petrarch_verbs`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from eventwire import lexicon

#: Argument constraints a pattern may require (``req:`` in the ``when`` column; see :class:`Pattern`).
#: Words a user may write in the target column meaning "no target", which would be read as a
#: preposition of that name (the event then never has its target and is never coded): refused with a
#: pointer to ``opt``.
NOT_SLOTS = frozenset({"none", "null", "nil", "no", "na", "n/a"})
REQUIREMENTS = frozenset({"target", "content", "content|target", "srcpol", "person", "intrans", "noclause", "must",
                          "should"})
#: Lemmas of nouns naming people who can be released, freed, handed over ("released 20 prisoners").
PERSON_NOUNS = lexicon.words("person_nouns")

#: Code families refined by content (``02*`` appeal, ``10*`` demand, ``03*`` intent, ``12*`` refusal).
FAMILIES = {"02*": "appeal", "10*": "demand", "03*": "intent", "12*": "refuse"}
FAMILY_BASE = {"appeal": "020", "demand": "100", "intent": "030", "refuse": "120"}


class PatternError(ValueError):
    """A trigger dictionary line is malformed (path and line number in the message)."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One trigger pattern.

    Attributes:
        lemma: trigger lemma; pos: ``V`` or ``N``.
        obj: required direct-object lemmas (empty: no requirement).
        prt: required particles; prep: required prepositions; gov: required governing-verb lemmas.
        mod: nouns only: required lemmas of a modifier before the noun ("hunger strike": ``mod:hunger``).
        cameo: CAMEO code or family (``02*``); targets: target slots in order; target_optional.
        confidence: the rule's confidence; rule: a readable id (``meet/V/with``).
        obj_words: for PETRARCH-style patterns: words that must follow the trigger (any order).
        req: argument constraints (:data:`REQUIREMENTS`): ``target`` (an event only with a target
            actor), ``content`` (the request/offer/refusal must say what about, from ``content.tsv``),
            ``content|target`` (either), ``srcpol`` (the source is a political actor, not civilians,
            business, media, education or health), ``person`` (the direct object is an actor or a
            person noun such as "prisoners": "released the prisoners", not "released the guidance"),
            ``intrans`` (no direct object or complement clause: "students demonstrated", not "India
            demonstrated restraint"), ``noclause`` (no complement clause: "recognised Kosovo", not
            "recognised the court was likely to rule"), ``must``/``should`` (a complement clause with
            "must"/"should": "said North Korea must disarm" is a demand, "... should" an appeal).
    """

    lemma: str
    pos: str
    cameo: str
    targets: tuple[str, ...]
    target_optional: bool = False
    obj: frozenset[str] = frozenset()
    prt: frozenset[str] = frozenset()
    prep: frozenset[str] = frozenset()
    gov: frozenset[str] = frozenset()
    mod: frozenset[str] = frozenset()
    confidence: float = 0.7
    rule: str = ""
    obj_words: tuple[str, ...] = ()
    req: frozenset[str] = frozenset()

    @property
    def specificity(self) -> int:
        """How many conditions the pattern has (more specific patterns are tried first)."""
        return bool(self.obj) + bool(self.prt) + bool(self.prep) + bool(self.gov) + bool(self.mod) + len(self.obj_words) + (
            "person" in self.req or "intrans" in self.req)

    @property
    def family(self) -> str | None:
        """``appeal``, ``demand``, ``intent`` or ``refuse`` for a content-refined code, else ``None``."""
        return FAMILIES.get(self.cameo)


@dataclass(slots=True)
class TriggerDictionary:
    """Patterns indexed by ``(lemma, pos)``; most specific first."""

    patterns: dict[tuple[str, str], list[Pattern]] = field(default_factory=dict)

    def add(self, p: Pattern) -> None:
        """Add a pattern (user patterns added later take precedence over equally specific ones)."""
        lst = self.patterns.setdefault((p.lemma, p.pos), [])
        lst.insert(0, p)
        lst.sort(key=lambda q: -q.specificity)

    def get(self, lemma: str, pos: str) -> list[Pattern]:
        """Patterns for a lemma and part of speech (``V``/``N``), most specific first."""
        return self.patterns.get((lemma, pos), [])

    def load(self, path: str | Path, text: str | None = None) -> int:
        """Read patterns in the ``triggers.tsv`` format; returns the number read.

        Raises:
            PatternError: the file cannot be read, or a line has the wrong number of columns, an unknown
                condition, a bad code or confidence (the message gives the file and line).
        """
        from eventwire.events.codebook import codebook

        cb = codebook()
        if text is None:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise PatternError(f"{path}: cannot read the trigger file: {exc}") from exc
        n = 0
        for ln, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 5:
                raise PatternError(f"{path}:{ln}: expected lemma, pos, when, cameo, target[, conf]")
            lemma, pos, when, cameo, target = (c.strip() for c in cols[:5])
            try:
                conf = float(cols[5]) if len(cols) > 5 and cols[5].strip() else 0.7
            except ValueError:
                raise PatternError(f"{path}:{ln}: conf must be a number in [0, 1], not {cols[5].strip()!r}") from None
            if not 0.0 <= conf <= 1.0:
                raise PatternError(f"{path}:{ln}: conf must be a number in [0, 1], not {conf}")
            if pos not in ("V", "N"):
                raise PatternError(f"{path}:{ln}: pos must be V or N, not {pos!r}")
            if cameo not in FAMILIES and not cb.is_code(cameo):
                raise PatternError(f"{path}:{ln}: {cameo!r} is not a CAMEO 1.1b3 code")
            cond: dict[str, frozenset[str]] = {}
            for c in when.split():
                if c == "-":
                    continue
                k, _, v = c.partition(":")
                if k not in ("obj", "prt", "prep", "gov", "mod", "req") or not v:
                    raise PatternError(f"{path}:{ln}: unknown condition {c!r} (obj:, prt:, prep:, gov:, mod:, req:)")
                if k == "req":
                    if v not in REQUIREMENTS:
                        raise PatternError(f"{path}:{ln}: unknown requirement {v!r} ({', '.join(sorted(REQUIREMENTS))})")
                    cond["req"] = cond.get("req", frozenset()) | {v}
                    continue
                cond[k] = frozenset(v.lower().split("|"))
            slots = tuple(s.strip() for s in target.split(",") if s.strip() and s.strip() != "opt")
            for slot in slots:  # any other word is a preposition, so '-' or 'none' would find no target, silently
                if not slot.isalpha() or not slot.islower() or slot in NOT_SLOTS:
                    raise PatternError(f"{path}:{ln}: target {slot!r} is not a slot (obj, dat, vp, vpall, a "
                                       "preposition such as with or against; opt for an event without a target)")
            short = " ".join(k + ":" + "|".join(sorted(v)[:2]) + ("|…" if len(v) > 2 else "")
                             for k, v in cond.items() if k != "req")
            self.add(Pattern(lemma.lower(), pos, cameo, slots, "opt" in target.split(","),
                             confidence=conf, rule=f"{lemma}/{pos}" + (f"/{short}" if short else ""), **cond))
            n += 1
        return n


@dataclass(frozen=True, slots=True)
class ContentCategory:
    """What is asked for, offered or refused, and the CAMEO code for each family."""

    name: str
    keywords: frozenset[str]
    with_words: frozenset[str]
    codes: dict[str, str]


@lru_cache(maxsize=1)
def content_categories() -> tuple[ContentCategory, ...]:
    """The content categories of ``content.tsv``, in priority order."""
    text = (resources.files("eventwire.data") / "events" / "content.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kw, with_, appeal, demand, intent, refuse = line.split("\t")
        out.append(ContentCategory(name, frozenset(kw.split("|")), frozenset(w for w in with_.split("|") if w),
                                   {"appeal": appeal, "demand": demand, "intent": intent, "refuse": refuse}))
    return tuple(out)


def classify_content(lemmas: set[str]) -> ContentCategory | None:
    """The first content category whose keywords (and ``with`` words, if any) are among ``lemmas``."""
    for cat in content_categories():
        if cat.keywords & lemmas and (not cat.with_words or cat.with_words & lemmas):
            return cat
    return None


@lru_cache(maxsize=1)
def builtin_triggers() -> TriggerDictionary:
    """The built-in trigger dictionary (``triggers.tsv``), loaded once per process."""
    d = TriggerDictionary()
    path = resources.files("eventwire.data") / "events" / "triggers.tsv"
    d.load("triggers.tsv", path.read_text(encoding="utf-8"))
    return d


#: Environment variable listing user trigger files (``os.pathsep``-separated, ``triggers.tsv`` format).
TRIGGERS_ENV = "EVENTWIRE_TRIGGERS"


#: Prefix of a trigger spec naming a PETRARCH verb dictionary (``petrarch-verbs:/data/CAMEO.2.0.txt``),
#: read by :func:`load_petrarch_verbs`.
PETRARCH_VERBS = "petrarch-verbs"


def trigger_specs(value: str | None = None) -> tuple[str, ...]:
    """The trigger files listed in ``value`` (default: the :data:`TRIGGERS_ENV` variable), in order;
    ``petrarch-verbs:FILE`` stays one spec although ``:`` separates the list."""
    value = os.environ.get(TRIGGERS_ENV, "") if value is None else value
    parts = [p.strip() for p in value.split(os.pathsep) if p.strip()]
    out: list[str] = []
    k = 0
    while k < len(parts):
        if parts[k] == PETRARCH_VERBS and k + 1 < len(parts):
            out.append(f"{PETRARCH_VERBS}:{parts[k + 1]}")
            k += 2
            continue
        out.append(parts[k])
        k += 1
    return tuple(out)


def _load_spec(d: "TriggerDictionary", spec: str) -> int:
    """Add the patterns of one trigger spec to ``d`` (a ``triggers.tsv``-format file, or
    ``petrarch-verbs:FILE``); returns how many."""
    if spec.startswith(PETRARCH_VERBS + ":"):
        path = spec[len(PETRARCH_VERBS) + 1:]
        if not Path(path).is_file():
            raise PatternError(f"{path}: no such PETRARCH verb dictionary")
        n = 0
        for pats in load_petrarch_verbs(path).patterns.values():
            for p in pats:
                d.add(p)
                n += 1
        return n
    return d.load(spec)


@lru_cache(maxsize=8)
def with_user_triggers(specs: tuple[str, ...]) -> TriggerDictionary:
    """The built-in triggers plus the files in ``specs`` (``triggers.tsv`` format), read in order; a
    user pattern takes precedence over an equally specific built-in one. Cached per ``specs``.

    Raises:
        PatternError: a file cannot be read or has a bad line (file and line in the message).
    """
    if not specs:
        return builtin_triggers()
    d = TriggerDictionary()
    for key, pats in builtin_triggers().patterns.items():
        d.patterns[key] = list(pats)
    for spec in specs:
        _load_spec(d, spec)
    return d


def triggers_from_env() -> TriggerDictionary:
    """The built-in triggers plus the files listed in ``EVENTWIRE_TRIGGERS`` (if any).

    Raises:
        PatternError: a listed file cannot be read or has a bad line.
    """
    return with_user_triggers(trigger_specs())


def check_triggers(value: str | None = None) -> int:
    """Read the user trigger files of ``value`` (default ``EVENTWIRE_TRIGGERS``) once, so that a bad file
    stops a run before anything is processed; returns the number of user patterns.

    Raises:
        PatternError: a listed file cannot be read or has a bad line (file and line in the message).
    """
    return sum(_load_spec(TriggerDictionary(), spec) for spec in trigger_specs(value))


# ---------------------------------------------------------------------------------------------
# PETRARCH verb dictionaries (simplified reading)

_PETR_CODE = re.compile(r"\[\s*([0-9A-Za-z]{2,4}|---)(?::[0-9A-Za-z]+)?\s*\]")


def load_petrarch_verbs(path: str | Path) -> TriggerDictionary:
    """Read a PETRARCH verb dictionary into trigger patterns (a simplified reading).

    Kept: each verb block's lemma and its default code (``--- VERB [code] ---`` header and the verb
    lines under it, with their ``{...}`` inflected forms), and patterns of the form ``- * WORD ... [code]``
    (words that must follow the verb, read as "these words appear after the trigger"). Synsets
    (``&NAME``) are expanded; patterns with words before the verb, ``%``, ``^``, ``+``, ``$`` slots are
    skipped. Codes are kept as given (PETRARCH test dictionaries use WEIS-like codes), so events typed
    from such a dictionary carry those codes in ``cameo_code`` without PLOVER mapping.

    Returns:
        A :class:`TriggerDictionary` whose patterns have ``obj_words`` conditions.
    """
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    synsets: dict[str, list[str]] = {}
    cur_syn: str | None = None
    d = TriggerDictionary()
    block_code: str | None = None
    block_verbs: list[str] = []
    lines = text.splitlines()
    for raw in lines:  # first pass: synsets
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("&"):
            cur_syn = line.strip().split()[0]
            synsets[cur_syn] = []
        elif line.startswith("+") and cur_syn:
            synsets[cur_syn].append(line[1:].strip().replace("_", " ").lower())
        elif line.strip() and not line.startswith("+"):
            cur_syn = None

    def expand(words: list[str]) -> list[list[str]]:
        outs = [[]]
        for w in words:
            if w.startswith("&"):
                subs = synsets.get(w, [])
                subs = [s for sub in subs for s in ([sub] if not sub.startswith("&") else synsets.get(sub, []))]
                outs = [o + s.split() for o in outs for s in subs] or outs
            else:
                outs = [o + [w.lower()] for o in outs]
        return outs

    def add_verb(form: str, code: str, words: tuple[str, ...] = (), rule: str = "") -> None:
        if code in ("---", "+++") or not code:
            return
        lemma = form.lower().replace("_", " ").split()[0]
        d.add(Pattern(lemma, "V", code, ("obj", "dat", "vpall"), True,
                      confidence=0.7, rule=rule or f"petrarch:{lemma}", obj_words=words))

    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        s = line.strip()
        if not s or s.startswith("<") or s.startswith("&"):
            continue
        m = re.match(r"^---\s*(\S+)\s*((?:\[[^\]]*\]\s*)+)---", s)
        if m:
            codes = _PETR_CODE.findall(m.group(2))
            block_code = codes[0] if codes else None
            block_verbs = []
            continue
        if s.startswith("-"):
            cm = _PETR_CODE.search(s)
            body = s[1:cm.start()].strip() if cm else ""
            if not cm or not body or any(ch in body for ch in "%^$+"):
                continue
            toks = body.replace("_", " ").split()
            if "*" not in toks or toks.index("*") != 0:
                continue
            words = [w for w in toks[1:] if w != "*"]
            for v in block_verbs:
                for ws in expand(words):
                    add_verb(v, cm.group(1), tuple(ws), rule=f"petrarch:{v.lower()} * {' '.join(ws)}")
            continue
        if s.startswith("+"):
            continue
        if block_code is not None and re.match(r"^[A-Z][A-Z_\-']*", s):
            forms = [s.split("{")[0].split("[")[0].strip()]
            fm = re.search(r"\{([^}]*)\}", s)
            if fm:
                forms += [f.lstrip("+") for f in fm.group(1).split()]
            for f in forms:
                if f:
                    block_verbs.append(f)
                    add_verb(f, block_code)
    return d
