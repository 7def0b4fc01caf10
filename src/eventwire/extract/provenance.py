"""Provenance: cited sources, wire datelines and translation.

* ``cited_sources``: agencies and outlets named as sources ("according to Reuters", "told AFP",
  "the news agency France Press agency", "said Reuters:"), mapped to the registry's canonical names.
* Wire datelines at the start of a body: ``KABUL (Reuters) -``, ``DOHA, Oct 9 (AP) —`` give the wire
  agency and the dateline place.
* ``translated_from``: a translation marker in the text ("translated from German"), or a text whose
  language is none of the languages its outlet publishes in (an English text from RT DE, which
  publishes only in German, is a translation; the English copy of France 24, which publishes in
  French, English, Arabic and Spanish, is not).
"""
from __future__ import annotations

import re
from functools import lru_cache

from eventwire.extract.outlets import Registry, default_registry

_CUE_BEFORE = re.compile(
    r"(?:according\s+to|told|tells|telling|quoted\s+by|cited\s+by|citing|reported\s+by|reports?\s+(?:by|from|in)|"
    r"report\s+(?:from|by|in)|interview\s+with|said\s+to|speaking\s+to|via|news\s+agency|agency|newspaper|"
    r"broadcaster|outlet|daily|website|channel|wire\s+service|said|reported|wrote)\s*(?:the\s+|a\s+|an\s+)?"
    r"(?:[\w-]+\s+){0,4}$",
    re.I,
)
_CUE_AFTER = re.compile(
    r"^\s*(?:'s\s+)?(?:\w+\s+){0,2}(?:reported|reports|said|says|quoted|cited|wrote|writes|learned|learnt|"
    r"news agency|agency reported|correspondent|was told|has learned)\b|^\s*\)|^\s*:",
    re.I,
)
_TRANSLATED = re.compile(
    r"\b(?:translated\s+from(?:\s+the)?\s+(?P<lang>[A-Z][a-z]+)|machine[- ]translated|machine\s+translation|"
    r"this\s+(?:article|text|story)\s+(?:was|has\s+been)\s+(?:machine[- ])?translated(?:\s+from(?:\s+the)?\s+(?P<lang2>[A-Z][a-z]+))?|aus\s+dem\s+(?P<de>[A-Z][a-z]+)\s+übersetzt|"
    r"traduit\s+de\s+l'(?P<fr>\w+)|traducido\s+del\s+(?P<es>\w+))",
    re.I,
)
_LANG_NAMES = {
    "german": "de", "french": "fr", "spanish": "es", "russian": "ru", "arabic": "ar", "chinese": "zh",
    "italian": "it", "portuguese": "pt", "turkish": "tr", "ukrainian": "uk", "persian": "fa", "farsi": "fa",
    "japanese": "ja", "korean": "ko", "dutch": "nl", "polish": "pl", "englischen": "en", "english": "en",
    "russischen": "ru", "französischen": "fr", "anglais": "en", "allemand": "de", "inglés": "en", "alemán": "de",
}
_UP = r"[A-ZÀ-ÖØ-Þ]"
_LOW = r"[a-zß-öø-ÿ'’\-]"
_PLACE = (
    rf"(?:{_UP}[A-ZÀ-ÖØ-Þ.'’\-]+(?:\s+{_UP}[A-ZÀ-ÖØ-Þ.'’\-]+){{0,3}}(?:,\s*{_UP}[A-Za-zÀ-ÿ.'’\- ]{{1,30}}?)?"
    rf"|{_UP}{_LOW}+(?:[\s\-]{_UP}{_LOW}+){{0,2}}(?:,\s*{_UP}{_LOW}+)?)"
)
_DATE = (r"(?:,\s*(?:[A-Z][a-z]{2,9}\.?\s+\d{1,2}|\d{1,2}\.?\s+[A-ZÄÖÜ][a-zäéû]{2,9}\.?)(?:,?\s+\d{4})?"
         r"|,\s*\d{1,2}\.\d{1,2}\.(?:\d{2,4})?)?")
#: A wire dateline: ``KABUL (Reuters) -``, ``DOHA, Oct 9 (AP) —``, ``LA CROSSE, Wis. (AP) —``,
#: ``Berlin (dpa) -``, ``Kabul, 9. Oktober (Reuters) -``, ``WASHINGTON (AP/Reuters) —``.
_WIRE = re.compile(
    rf"^\s*(?P<place>{_PLACE})?{_DATE}\s*\((?P<agency>[A-Za-z][A-Za-z .&/,-]{{1,40}})\)\s*(?:[-–—]+|:)\s*"
)
#: Capitalised labels that open a body like a dateline but are not places.
_NOT_PLACES = {"UPDATE", "UPDATED", "BREAKING", "BREAKING NEWS", "EXCLUSIVE", "WATCH", "LIVE", "ANALYSIS", "OPINION",
               "EDITORIAL", "FACTBOX", "EXPLAINER", "CORRECTED", "CORRECTION", "REFILE", "WRAPUP", "VIDEO", "PHOTOS",
               "NOTE", "EDITOR'S NOTE", "FILE", "FILE PHOTO", "WARNING", "ALERT", "URGENT", "FLASH", "NEW", "SPECIAL",
               "INTERVIEW", "COMMENT", "REVIEW", "FEATURE", "PODCAST", "TRANSCRIPT", "FACT CHECK", "Q", "A", "UPDATE 1",
               "UPDATE 2", "UPDATE 3", "EILMELDUNG", "KOMMENTAR", "ANALYSE", "EXKLUSIV", "DIRECT", "EN DIRECT", "ÚLTIMA HORA"}
#: A dateline without an agency, place in capitals: ``DOHA, Qatar —``, ``NEW DELHI:``.
_PLACE_ONLY = re.compile(
    r"^\s*(?P<place>[A-Z]{2,}(?:[ \-][A-Z]{2,}){0,3}(?:,\s*[A-Z][A-Za-z.'\- ]{1,30}?)?)" + _DATE + r"\s*(?:[-–—]+|:)\s+(?=\S)"
)


#: Characters that ``re.IGNORECASE`` matches with an ASCII letter although ``str.lower`` does not give
#: that letter (Python ``re`` documentation: U+0130, U+0131, U+017F, U+212A).
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_ASCII_RUN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4)
def _alias_index(names: tuple[str, ...]) -> tuple[dict[str, tuple[tuple[int, str | None], ...]], tuple[int, ...]]:
    """Names grouped by their first run of ASCII letters and digits, lower-cased (``"Agence France-Presse"``
    -> ``"agence"``), each with its lower-cased form when the whole name is ASCII; and the names that
    cannot be grouped so (not starting with such a run, or the run followed by a non-ASCII
    character): positions in ``names``."""
    by_run: dict[str, list[tuple[int, str | None]]] = {}
    always: list[int] = []
    for i, n in enumerate(names):
        low = n.lower()
        m = _ASCII_RUN.match(low)
        if m is None or not n[: m.end()].isascii() or not low[m.end(): m.end() + 1].isascii():
            always.append(i)
        else:
            by_run.setdefault(m.group(0), []).append((i, low if n.isascii() else None))
    return {k: tuple(v) for k, v in by_run.items()}, tuple(always)


def _candidates(names: tuple[str, ...], text: str) -> tuple[int, ...]:
    """Positions in ``names`` of the names that may occur in ``text`` (a superset of those that do).

    ``re.IGNORECASE`` matches an ASCII letter only with itself, its other case and the four
    characters of :data:`_ASCII_FOLD`, so a case-insensitive match of an ASCII name is, in the text
    folded with :data:`_ASCII_FOLD` and lower-cased, the lower-cased name; and a match of a name
    starting with a run of ASCII letters and digits starts such a run of the folded text (the match
    follows no word character). Names failing these tests cannot match and are left out of the
    pattern: alternatives that match nowhere do not change what the pattern finds, and a pattern of
    the few names a text may hold runs much faster than one of all of them."""
    by_run, always = _alias_index(names)
    folded = text.translate(_ASCII_FOLD).lower()
    runs = set(_ASCII_RUN.findall(folded))
    found = list(always)
    for r in runs.intersection(by_run):
        found.extend(i for i, low in by_run[r] if low is None or low in folded)
    return tuple(sorted(found))


@lru_cache(maxsize=1024)
def _alias_pattern(reg_id: int, names: tuple[str, ...], which: tuple[int, ...] | None = None) -> re.Pattern[str] | None:
    """The pattern of the registry's names (longest first), or of the names at positions ``which``
    only (in the same order); ``None`` for no names."""
    chosen = names if which is None else [names[i] for i in which]
    if not chosen:
        return None
    alts = "|".join(re.escape(n) for n in chosen)
    return re.compile(r"(?<![\w-])(?:" + alts + r")(?![\w-])", re.I)


def _names(reg: Registry) -> tuple[str, ...]:
    out = []
    for o in reg.outlets:
        for n in (o.name, *o.aliases):
            out.append(n)
    return tuple(sorted(set(out), key=len, reverse=True))


def cited_sources(text: str, registry: Registry | None = None) -> list[str]:
    """Canonical names of agencies/outlets the text cites as sources, in order of first mention.

    A registry name or alias counts when a citation cue surrounds it (``according to``, ``told``,
    ``news agency``, ``reported``, ``said X:``), or when it is the full name of a news agency. Short
    aliases (``AP``, ``AFP``, ``dpa``, at most 4 characters) and one-word names must match with their
    case, and short aliases always need a cue (``MENA`` is also a region, ``AA`` an airline).
    """
    reg = registry or default_registry()
    names = _names(reg)
    pat = _alias_pattern(id(reg), names, _candidates(names, text))
    if pat is None:
        return []
    found: list[str] = []
    for m in pat.finditer(text):
        alias = m.group(0)
        entry = reg.by_name(alias)
        if entry is None:
            continue
        canonical_aliases = (entry.name, *entry.aliases)
        short = len(alias) <= 4
        if (short or " " not in alias) and alias not in canonical_aliases:
            continue  # 'ap' in running text is not AP, 'time' is not Time magazine
        before = text[max(0, m.start() - 80): m.start()]
        after = text[m.end(): m.end() + 40]
        cue = bool(_CUE_BEFORE.search(before) or _CUE_AFTER.match(after))
        if cue or (entry.is_agency and not short):
            if entry.name not in found:
                found.append(entry.name)
    return found


def wire_dateline(body: str, registry: Registry | None = None) -> tuple[str | None, str | None, int]:
    """Detect a dateline at the start of ``body``: the wire agency and the place.

    ``KABUL (Reuters) - ...`` -> ``("Reuters", "KABUL", 18)``; ``DOHA, Oct 9 (AP) — ...`` ->
    ``("Associated Press", "DOHA", 19)``; ``Berlin (dpa) - ...`` -> ``("Deutsche Presse-Agentur",
    "Berlin", 15)``; ``(AP/Reuters)`` gives the first agency. A capitalised place with no agency
    (``DOHA, Qatar — ...``) gives ``(None, "DOHA, Qatar", n)``.

    Returns:
        (agency canonical name or ``None``, dateline place or ``None``, length of the dateline prefix
        in characters); ``(None, None, 0)`` when there is none. Only parentheses naming registry
        agencies or outlets count, so ``(Updated) -`` is not a wire.
    """
    head = body[:250]
    m = _WIRE.match(head)
    if m:
        reg = registry or default_registry()
        for part in re.split(r"\s*[/,&]\s*|\s+and\s+", m.group("agency").strip()):
            entry = reg.by_name(part.strip())
            if entry is not None:
                place = (m.group("place") or "").strip(" ,") or None
                return entry.name, place, m.end()
    m = _PLACE_ONLY.match(head)
    if m and m.group("place").split(",")[0].strip().upper() not in _NOT_PLACES:
        return None, m.group("place").strip(" ,"), m.end()
    return None, None, 0


#: A wire story's credit line: "(Reporting by ...; Editing by ...)", "(Additional reporting by ...)",
#: "Writing by ...", alone in its paragraph or closing the last one.
_CREDITS = re.compile(
    r"(?:^|\n|(?<=[.!?\"”’])[ \t]+)[ \t]*(?P<line>"
    r"\([ \t]*(?:additional |compiled and )?(?:reporting|writing|editing|compiled|compiling|research) by\b[^()\n]{1,400}\)"
    r"|(?:additional )?(?:reporting|writing) by\b[^\n.]{1,300};[ \t]*editing by\b[^\n]{1,200}"
    r")[ \t]*\s*$", re.I)


def split_wire_credits(body: str) -> tuple[str, list[str]]:
    """Remove a wire story's closing credit line from ``body``.

    ``"... soldiers.\n\n(Reporting by A; Editing by B)"`` -> ``("... soldiers.", ["(Reporting by A;
    Editing by B)"])``; the line may also close the last paragraph. A credit line is parenthesised
    ("(Reporting by ...)", "(Additional reporting by ...)", "(Writing by ...)"), or a line "Reporting
    by ...; Editing by ..." (Reuters' style). Only the body's end is searched (a credit line is the
    story's last line).

    Returns:
        (the body without the credit line, right-stripped; the removed lines: empty or one).
    """
    m = _CREDITS.search(body[-500:])
    if not m:
        return body, []
    start = len(body) - len(body[-500:]) + m.start("line")
    rest = body[:start].rstrip()
    if not rest:
        return body, []
    return rest, [m.group("line").strip()]


def translated_from(text: str, language: str | None, outlet_languages: str | tuple[str, ...] | list[str] | None) -> str | None:
    """The ISO 639-1 language the text was translated from, or ``None``.

    Args:
        text: the body; language: its detected ISO 639-1 language;
        outlet_languages: the languages the outlet publishes in, main language first (a single code
            is accepted too).

    Evidence, in order: an explicit marker naming the language ("translated from German"); a text
    whose language is none of the outlet's languages (then the outlet's main language is the
    original); a marker without a language gives ``"und"`` (undetermined).
    """
    if isinstance(outlet_languages, str):
        outlet_languages = (outlet_languages,)
    outlet_languages = tuple(outlet_languages or ())
    markers = list(_TRANSLATED.finditer(text))
    for m in markers:
        for g in ("lang", "lang2", "de", "fr", "es"):
            name = m.group(g)
            if name and name.lower() in _LANG_NAMES:
                code = _LANG_NAMES[name.lower()]
                if code != language:
                    return code
    if language and outlet_languages and language not in outlet_languages:
        return outlet_languages[0]
    if markers:
        return "und"
    return None
