"""Actor dictionaries: phrases that name political actors, and the codes they get.

An :class:`ActorDictionary` maps token sequences ("United States", "US", "the Kremlin", "Taliban",
"foreign minister") to :class:`ActorEntry` records and finds them in a parsed spaCy ``Doc`` with a
longest-match scan over tokens (one dict look-up per token, so it costs little next to parsing).

Built-in data (``eventwire/data/actors``, written by us):

* every ISO 3166-1 country from ``pycountry`` plus ``countries.tsv`` (short names, demonyms, capitals
  and seats used as metonyms, Wikidata QIDs);
* ``organizations.json``: IGOs and their agencies, non-state armed groups, state bodies, news agencies;
* ``roles.tsv``: role nouns ("spokesman", "delegation", "police") and the sector they give.

User dictionaries (see docs/event-coding.md) use the same JSON format as ``organizations.json`` or a
simple TSV (``name<TAB>code<TAB>country<TAB>sector<TAB>qid``); PETRARCH actor and agent dictionaries
are read by :meth:`ActorDictionary.load_petrarch_actors` / :meth:`ActorDictionary.load_petrarch_agents`.
Load extra dictionaries for ``eventwire run`` by listing them in the ``EVENTWIRE_DICTIONARIES``
environment variable (``os.pathsep``-separated; prefix a PETRARCH file with ``petrarch-actors:`` or
``petrarch-agents:``).
"""
from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire import lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Kinds of entries. ``country``, ``capital`` (capital or seat of government, a metonym for it),
#: ``demonym``, ``org`` (IGO, state body, NGO, company), ``group`` (non-state armed group), ``media``,
#: ``intl`` (vague international actors: "the international community", "Western countries"),
#: ``role`` (role noun giving a sector), ``person`` (a named person from a user dictionary).
KINDS = ("country", "capital", "demonym", "org", "group", "media", "intl", "role", "person")

#: Sectors that name armed non-state actors (CAMEO 1.1b3 actor codebook, tables 3.1 and 3.2).
ARMED_SECTORS = lexicon.tagged("actor_sectors", "armed")


class DictionaryError(ValueError):
    """A dictionary file could not be read (its path and line are in the message)."""


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """What a dictionary phrase stands for.

    Attributes:
        name: canonical name (``"United States"``, ``"Taliban"``, ``"spokesman"``).
        code: actor code (``"USA"``, ``"IGOUNO"``, ``"AFGINSTAL"``); for a role, the sector suffix
            (``"GOV"``) or a PETRARCH agent code (``"~GOVFRM"``, ``"NGO~"``).
        kind: one of :data:`KINDS`.
        country: ISO 3166-1 alpha-3, when the actor belongs to one country.
        sector: primary sector code (``GOV``, ``MIL``, ``IGO``, ``INS``, ...), if any.
        qid: Wikidata QID, where known.
        region: CAMEO region code for international actors tied to a region (``EUR`` for the EU).
        role_kind: for roles: ``person``, ``body``, ``armed`` or ``spokes`` (see ``roles.tsv``).
        origin: where the entry came from (``builtin``, a file path).
        dated: PETRARCH date restrictions: ``((code, first, last), ...)`` with ISO dates or ``""``.
    """

    name: str
    code: str
    kind: str
    country: str | None = None
    sector: str | None = None
    qid: str | None = None
    region: str | None = None
    role_kind: str | None = None
    origin: str = "builtin"
    dated: tuple[tuple[str, str, str], ...] = ()

    def code_on(self, date: str | None) -> str:
        """The code in force on ``date`` (ISO ``YYYY-MM-DD``; PETRARCH date restrictions), else ``code``."""
        if not self.dated or not date:
            return self.code
        d = date[:10]
        for code, lo, hi in self.dated:
            if (not lo or d >= lo) and (not hi or d <= hi):
                return code
        return self.code

    def on(self, date: str | None) -> tuple[str, str | None, str | None]:
        """``(code, country, sector)`` in force on ``date``.

        For entries whose code changes with the date (people: "Donald Trump" is ``USAGOV`` from
        2025-01-20, ``USAELI`` before; "Mark Rutte" is ``NLDGOV``, then ``IGOWSTNAT``), the country and
        sector follow the code: a code that does not start with the entry's country (an IGO code) has
        no country, and the sector is the 3 letters after the country (``IGO`` for IGO codes).
        """
        code = self.code_on(date)
        if not self.dated:
            return code, self.country, self.sector
        if self.country and code.startswith(self.country):
            return code, self.country, code[3:6] or None
        if code.startswith("IGO"):
            return code, None, "IGO"
        return code, self.country, self.sector


@dataclass(slots=True)
class Match:
    """A dictionary phrase found in a ``Doc``: tokens ``[start, end)`` and the entry."""

    start: int
    end: int
    entry: ActorEntry


@dataclass(slots=True)
class _Phrase:
    tokens: tuple[str, ...]
    entry: ActorEntry
    case_sensitive: bool
    prefix_last: bool = False  # PETRARCH stems: the last word may be a prefix ("ARGENTIN")


@dataclass(slots=True)
class ActorDictionary:
    """Phrases -> :class:`ActorEntry`, matched over spaCy tokens.

    Matching is case-insensitive, except that (a) entries marked case-sensitive (short all-caps names
    such as ``US``, ``AU``, ``WHO``) must match exactly, and (b) names of countries, capitals,
    organisations and groups must start with a capital letter in the text (so "turkey" or "chad" in
    lower case are not countries). Role phrases match on the lower-cased text or on the lemma.
    """

    _by_first: dict[str, list[_Phrase]] = field(default_factory=dict)
    _prefixes: dict[str, list[_Phrase]] = field(default_factory=dict)
    size: int = 0

    # -- building -----------------------------------------------------------------------------

    def add(self, phrase: str, entry: ActorEntry, case_sensitive: bool | None = None,
            prefix_last: bool = False) -> None:
        """Add one phrase for ``entry``.

        Args:
            phrase: the words as they appear in text (tokenised like spaCy's English tokenizer).
            case_sensitive: match the exact case; default: True for short all-caps names (``US``).
            prefix_last: the phrase's last word also matches longer words it starts (PETRARCH stems).
        """
        toks = tuple(_tokenize(phrase))
        if not toks:
            return
        if case_sensitive is None:
            case_sensitive = len(phrase) <= 4 and phrase.isupper() and phrase.isalpha()
        key = toks if case_sensitive else tuple(t.lower() for t in toks)
        p = _Phrase(key, entry, case_sensitive, prefix_last)
        if prefix_last and len(toks) == 1:
            self._prefixes.setdefault(key[0].lower(), []).append(p)
        else:
            self._by_first.setdefault(key[0].lower(), []).append(p)
        self.size += 1

    def finalize(self) -> None:
        """Sort candidate phrases longest first (call after adding; the loaders do)."""
        for lst in self._by_first.values():
            lst.sort(key=lambda p: -len(p.tokens))

    def extend(self, other: "ActorDictionary") -> None:
        """Add every phrase of ``other`` (later phrases win ties with earlier ones of equal length)."""
        for k, lst in other._by_first.items():
            self._by_first.setdefault(k, [])[:0] = lst
        for k, lst in other._prefixes.items():
            self._prefixes.setdefault(k, [])[:0] = lst
        self.size += other.size
        self.finalize()

    # -- matching -----------------------------------------------------------------------------

    def match(self, doc: "Doc") -> list[Match]:
        """All non-overlapping matches in ``doc``, left to right, longest first at each position."""
        out: list[Match] = []
        texts = [t.text for t in doc]
        lowers = [t.lower_ for t in doc]
        lemmas = [t.lemma_ for t in doc]
        n = len(texts)
        i = 0
        by_first, prefixes = self._by_first, self._prefixes
        while i < n:
            low = lowers[i]
            best: tuple[int, _Phrase] | None = None
            cands = by_first.get(low)
            if cands is None:
                lem = lemmas[i].lower()
                if lem != low:
                    cands = by_first.get(lem)
            if cands:
                for p in cands:
                    ln = len(p.tokens)
                    if i + ln > n:
                        continue
                    if self._matches(texts, lowers, lemmas, i, p):
                        best = (ln, p)
                        break
            if best is None and prefixes:
                for k in range(min(len(low), 20), 2, -1):
                    for p in prefixes.get(low[:k], ()):
                        if _case_ok(texts[i], p):
                            best = (1, p)
                            break
                    if best:
                        break
            if best:
                out.append(Match(i, i + best[0], best[1].entry))
                i += best[0]
            else:
                i += 1
        return out

    @staticmethod
    def _matches(texts: list[str], lowers: list[str], lemmas: list[str], i: int, p: _Phrase) -> bool:
        last = len(p.tokens) - 1
        for j, want in enumerate(p.tokens):
            if p.case_sensitive:
                t = texts[i + j]
                if t != want and not (t.isupper() and t.lower() == want.lower()):
                    return False
            else:
                low = lowers[i + j]
                if low != want and _norm(low) != want:
                    if p.entry.kind == "role" and j == last and lemmas[i + j].lower() == want:
                        continue
                    if p.prefix_last and j == last and low.startswith(want):
                        continue
                    return False
        return _case_ok(texts[i], p)

    # -- loading ------------------------------------------------------------------------------

    def load_json(self, path: str | Path, origin: str | None = None) -> int:
        """Load a dictionary in eventwire's JSON format (see ``organizations.json``); returns entries read.

        Raises:
            DictionaryError: the file is not valid JSON or an entry lacks ``names``/``code``.
        """
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DictionaryError(f"{path}: cannot read actor dictionary: {exc}") from exc
        entries = data["entries"] if isinstance(data, dict) else data
        for k, e in enumerate(entries):
            self._add_json_entry(e, origin or str(path), f"{path}: entry {k + 1}")
        self.finalize()
        return len(entries)

    def _add_json_entry(self, e: dict[str, Any], origin: str, where: str) -> None:
        if not isinstance(e, dict) or not e.get("names") or not e.get("code"):
            raise DictionaryError(f"{where}: needs 'names' (a list) and 'code'")
        kind = e.get("kind") or ("group" if e.get("group") else "media" if e.get("media") else
                                 "intl" if e.get("sector") == "INT" or e["code"] in ("INT", "WST") else "org")
        if kind not in KINDS:
            raise DictionaryError(f"{where}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        names = e["names"] if isinstance(e["names"], list) else [e["names"]]
        dated = e.get("dated") or []
        if not isinstance(dated, list) or not all(isinstance(x, list) and len(x) == 3 for x in dated):
            raise DictionaryError(f"{where}: 'dated' must be a list of [code, from, to] (ISO dates or \"\")")
        entry = ActorEntry(name=e.get("canonical") or names[0], code=e["code"], kind=kind,
                           country=e.get("country") or None, sector=e.get("sector") or None,
                           qid=e.get("qid") or None, region=e.get("region") or None,
                           role_kind=e.get("role_kind"), origin=origin,
                           dated=tuple((str(c), str(lo or ""), str(hi or "")) for c, lo, hi in dated))
        for nm in names:
            self.add(nm, entry, case_sensitive=True if e.get("case_sensitive") and nm.isupper() else None)

    def load_tsv(self, path: str | Path) -> int:
        """Load a simple TSV dictionary: ``name<TAB>code[<TAB>country<TAB>sector<TAB>qid<TAB>kind]``.

        ``#`` starts a comment line; several names for one actor may be given as ``name1;name2``.

        Raises:
            DictionaryError: a line has fewer than two columns.
        """
        path = Path(path)
        n = 0
        with path.open(encoding="utf-8") as fh:
            for ln, line in enumerate(fh, 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                cols = [c.strip() for c in line.rstrip("\n").split("\t")]
                if len(cols) < 2 or not cols[0] or not cols[1]:
                    raise DictionaryError(f"{path}:{ln}: expected 'name<TAB>code[<TAB>country<TAB>sector<TAB>qid<TAB>kind]'")
                cols += [""] * (6 - len(cols))
                self._add_json_entry({"names": cols[0].split(";"), "code": cols[1], "country": cols[2],
                                      "sector": cols[3], "qid": cols[4], "kind": cols[5] or None},
                                     str(path), f"{path}:{ln}")
                n += 1
        self.finalize()
        return n

    def load_persons(self, path: str | Path, text: str | None = None, origin: str | None = None) -> int:
        """Load a person dictionary in the ``persons.tsv`` format: ``names<TAB>country<TAB>roles<TAB>qid``.

        ``names`` are ``;``-separated; ``roles`` are space-separated ``CODE`` or ``CODE:FROM..TO`` (ISO
        dates, either end open): a 3-letter code is a sector appended to the country, a longer one a full
        actor code. Outside every dated role the undated role applies, else ``country + "ELI"`` (CAMEO
        elites: former officials). Articles without a date get the open-ended role, else the undated
        one, else ELI.

        Raises:
            DictionaryError: a line has fewer than three columns or a malformed role.
        """
        text = Path(path).read_text(encoding="utf-8") if text is None else text
        n = 0
        for ln, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = [c.strip() for c in line.split("\t")]
            if len(cols) < 3 or not cols[0] or not cols[1] or not cols[2]:
                raise DictionaryError(f"{path}:{ln}: expected 'names<TAB>country<TAB>roles[<TAB>qid]'")
            names, country, roles = cols[0].split(";"), cols[1], cols[2].split()
            qid = cols[3] if len(cols) > 3 and cols[3] else None
            undated, dated, current = None, [], None
            for r in roles:
                code, _, span = r.partition(":")
                full = code if len(code) > 3 else country + code
                if not span:
                    undated = full
                    continue
                lo, sep, hi = span.partition("..")
                if not sep or any(x and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", x) for x in (lo, hi)):
                    raise DictionaryError(f"{path}:{ln}: role {r!r} should be CODE:YYYY-MM-DD..YYYY-MM-DD")
                dated.append((full, lo, hi))
                if not hi:
                    current = full
            other = undated or country + "ELI"
            if dated:  # outside the dated roles: the undated role or ELI
                dated.append((other, "", ""))
            default = current or undated or other
            sector = default[3:6] if default.startswith(country) else ("IGO" if default.startswith("IGO") else None)
            entry = ActorEntry(name=names[0], code=default, kind="person", country=country, sector=sector,
                               qid=qid, origin=origin or str(path), dated=tuple(dated))
            for nm in names:
                if nm.strip():
                    self.add(nm.strip(), entry, case_sensitive=len(nm) <= 3)
            n += 1
        self.finalize()
        return n

    def load_file(self, spec: str) -> int:
        """Load a dictionary named by ``spec``: ``petrarch-actors:PATH``, ``petrarch-agents:PATH``,
        or a ``.json`` / ``.tsv`` path in eventwire's format.

        Raises:
            DictionaryError: unknown format or unreadable file.
        """
        if spec.startswith("petrarch-actors:"):
            return self.load_petrarch_actors(spec.split(":", 1)[1])
        if spec.startswith("petrarch-agents:"):
            return self.load_petrarch_agents(spec.split(":", 1)[1])
        suffix = Path(spec).suffix.lower()
        if suffix == ".json":
            return self.load_json(spec)
        if suffix in (".tsv", ".txt"):
            return self.load_tsv(spec)
        raise DictionaryError(f"{spec}: unknown dictionary format (use .json, .tsv, petrarch-actors:, petrarch-agents:)")

    # -- PETRARCH formats ----------------------------------------------------------------------

    def load_petrarch_actors(self, path: str | Path) -> int:
        """Read a PETRARCH/TABARI actor dictionary (``NAME [CODE]``, ``+SYNONYM`` lines, date-restricted
        ``[CODE <YYYYMMDD]``, ``[CODE YYYYMMDD-YYYYMMDD]``, ``[CODE >YYYYMMDD]`` lines, ``#`` comments).

        Words are separated by ``_`` or spaces; a name ending in ``_`` matches whole words only, other
        names' last word also matches longer words (TABARI stems, e.g. ``ARGENTIN``).

        Returns:
            Number of actors (groups of synonyms) read.
        """
        path = Path(path)
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise DictionaryError(f"{path}: {exc}") from exc
        groups: list[tuple[list[str], list[tuple[str, str, str]]]] = []
        cur: tuple[list[str], list[tuple[str, str, str]]] | None = None
        for raw in lines:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip() or line.strip().startswith("<"):
                continue
            stripped = line.strip()
            if raw[:1] in (" ", "\t") and stripped.startswith("[") and cur is not None:
                cur[1].extend(_petrarch_codes(stripped))
                continue
            if stripped.startswith("+") and cur is not None:
                cur[0].append(stripped[1:].split("[")[0].strip())
                cur[1].extend(_petrarch_codes(stripped))
                continue
            name = stripped.split("[")[0].strip()
            cur = ([name], list(_petrarch_codes(stripped)))
            groups.append(cur)
        n = 0
        for names, codes in groups:
            undated = [c for c, lo, hi in codes if not lo and not hi]
            dated = tuple(c for c in codes if c[1] or c[2])
            if not codes:
                continue
            code = undated[-1] if undated else codes[-1][0]
            if code in ("---", "+++", "###"):
                code = ""
            entry = ActorEntry(name=names[0].replace("_", " ").title(), code=code, kind="country",
                               country=None, origin=f"petrarch:{path.name}", dated=dated)
            for nm in names:
                if nm:
                    self._add_petrarch_phrase(nm, entry)
            n += 1
        self.finalize()
        return n

    def load_petrarch_agents(self, path: str | Path) -> int:
        """Read a PETRARCH agent dictionary: ``PHRASE {PLURAL ...} [~SUFFIX]`` or ``[PREFIX~]`` lines and
        ``!MACRO! = A, B`` substitution macros. Agents become role entries whose code is the suffix
        (``~GOV``) or prefix (``NGO~``) added to the actor they modify.

        Returns:
            Number of agent lines read.
        """
        path = Path(path)
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise DictionaryError(f"{path}: {exc}") from exc
        macros: dict[str, list[str]] = {}
        n = 0
        for raw in lines:
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith("<"):
                continue
            m = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
            if m:
                macros[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
                continue
            cm = re.search(r"\[\s*([^\]]*?)\s*\]", line)
            if not cm:
                continue
            code = cm.group(1).replace(" ", "")
            head = line[:cm.start()]
            plurals = []
            pm = re.search(r"\{([^}]*)\}", head)
            if pm:
                plurals = pm.group(1).split()
                head = head[:pm.start()]
            phrase = head.strip()
            if not phrase or "~" not in code:
                continue
            forms = _expand_macros(phrase, macros)
            if pm is None:  # no braces: the plural is formed by adding S
                forms += [f + "S" for f in forms]
            else:  # braces list the plural forms; empty braces: no plural
                for pl in plurals:
                    forms += _expand_macros(pl, macros)
            entry = ActorEntry(name=phrase.replace("_", " ").lower(), code=code, kind="role",
                               sector=code.strip("~"), role_kind="body", origin=f"petrarch:{path.name}")
            for f in dict.fromkeys(forms):
                self._add_petrarch_phrase(f, entry, stem=False)
            n += 1
        self.finalize()
        return n

    def _add_petrarch_phrase(self, name: str, entry: ActorEntry, stem: bool = True) -> None:
        exact = name.endswith("_")
        words = " ".join(w for w in re.split(r"[_\s]+", name.strip("_ ")) if w)
        if words:
            self.add(words, entry, case_sensitive=False, prefix_last=stem and not exact and len(words) >= 5)


def _petrarch_codes(text: str) -> Iterable[tuple[str, str, str]]:
    """Codes in ``[...]`` blocks with PETRARCH date restrictions, as ``(code, first, last)`` ISO dates."""
    for block in re.findall(r"\[([^\]]*)\]", text):
        b = block.strip()
        m = re.match(r"^(\S+)\s*(?:([<>])\s*(\d{6,8})|(\d{6,8})\s*-\s*(\d{6,8}))?$", b)
        if not m:
            continue
        code = m.group(1)
        if m.group(2) == "<":
            yield code, "", _iso(m.group(3), end=True)
        elif m.group(2) == ">":
            yield code, _iso(m.group(3)), ""
        elif m.group(4):
            yield code, _iso(m.group(4)), _iso(m.group(5), end=True)
        else:
            yield code, "", ""


def _iso(d: str, end: bool = False) -> str:
    if len(d) == 6:  # YYMMDD (TABARI): 19xx before 30, else 20xx
        yy = int(d[:2])
        d = ("19" if yy >= 30 else "20") + d
    iso = f"{d[:4]}-{d[4:6]}-{d[6:8]}"
    return iso


def _expand_macros(phrase: str, macros: dict[str, list[str]]) -> list[str]:
    forms = [phrase]
    for name, subs in macros.items():
        nxt = []
        for f in forms:
            if name in f:
                nxt.extend(f.replace(name, s) for s in subs)
            else:
                nxt.append(f)
        forms = nxt
    return forms


_CAPITALISED_KINDS = frozenset({"country", "capital", "demonym", "org", "group", "media", "person"})


def _case_ok(t: str, p: _Phrase) -> bool:
    if p.entry.kind not in _CAPITALISED_KINDS or p.case_sensitive or p.entry.origin.startswith("petrarch"):
        return True
    return t[:1].isupper() or (p.tokens[0][:1].islower() and not p.tokens[0][:1].isalpha()) or \
        p.tokens[0] in ("the", "al", "al-qaeda", "al-shabaab", "al-qaida", "dpa")


def _norm(s: str) -> str:
    return s.replace("\u2019", "'").replace("\u2018", "'")


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def _tokenize(phrase: str) -> list[str]:
    return [_norm(t.text) for t in _tokenizer()(phrase.strip()) if not t.is_space]


# ---------------------------------------------------------------------------------------------
# Built-in dictionaries


def _data(*parts: str):
    return resources.files("eventwire.data").joinpath("actors", *parts)


@dataclass(frozen=True, slots=True)
class CountryInfo:
    """A country as eventwire knows it: ISO3, canonical name, Wikidata QID."""

    iso3: str
    name: str
    qid: str | None


@lru_cache(maxsize=1)
def countries() -> dict[str, CountryInfo]:
    """ISO3 -> :class:`CountryInfo` for every ISO 3166-1 country (pycountry + ``countries.tsv``), and the
    rows of ``countries.tsv`` pycountry lacks (Kosovo, ``XKX``), named by their first name."""
    out = {}
    for iso3, row in _country_rows().items():
        out[iso3] = CountryInfo(iso3, row["canonical"], row["qid"] or None)
    return out


@lru_cache(maxsize=1)
def _country_rows() -> dict[str, dict[str, Any]]:
    import pycountry

    rows: dict[str, dict[str, Any]] = {}
    text = _data("countries.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        cols += [""] * (5 - len(cols))
        iso3, names, dems, caps, qid = cols[:5]
        rows[iso3] = {"names": [n for n in names.split(";") if n], "demonyms": [d for d in dems.split(";") if d],
                      "capitals": [c for c in caps.split(";") if c], "qid": qid.strip()}
    for c in pycountry.countries:
        row = rows.setdefault(c.alpha_3, {"names": [], "demonyms": [], "capitals": [], "qid": ""})
        official = [getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)]
        row["canonical"] = row["names"][0] if row["names"] else (official[0] or c.name)
        for nm in official:
            if nm and "," not in nm and nm not in row["names"]:
                row["names"].append(nm)
    for iso3, row in rows.items():  # rows pycountry lacks (Kosovo, XKX): their first name
        row.setdefault("canonical", row["names"][0] if row["names"] else iso3)
    return rows


@lru_cache(maxsize=1)
def builtin_dictionary() -> ActorDictionary:
    """The built-in dictionary (countries, capitals, demonyms, organisations, groups, roles), built once."""
    d = ActorDictionary()
    for iso3, row in _country_rows().items():
        base = dict(country=iso3, qid=row["qid"] or None)
        name = row["canonical"]
        ent = ActorEntry(name=name, code=iso3, kind="country", **base)
        for nm in row["names"]:
            d.add(nm, ent)
            if not nm.lower().startswith("the ") and nm in ("Netherlands", "Philippines", "Bahamas", "Gambia",
                                                           "United States", "United Kingdom", "Congo"):
                d.add("the " + nm, ent)
        dem = ActorEntry(name=name, code=iso3, kind="demonym", **base)
        for nm in row["demonyms"]:
            d.add(nm, dem)
        cap = ActorEntry(name=name, code=iso3 + "GOV", kind="capital", sector="GOV", **base)
        for nm in row["capitals"]:
            d.add(nm, cap)
    d.load_json(str(_data("organizations.json")), origin="builtin")
    d.load_persons("persons.tsv", _data("persons.tsv").read_text(encoding="utf-8"), origin="builtin")
    with _data("roles.tsv").open(encoding="utf-8") as fh:
        for row in csv.reader((ln for ln in fh if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            phrase, sector, kind = row[0], row[1], row[2]
            entry = ActorEntry(name=phrase, code=sector, kind="role", sector=sector, role_kind=kind)
            d.add(phrase, entry)
            if kind in ("person", "spokes") or not phrase.endswith("s"):  # capitalised plurals have no lemma
                plural = phrase[:-1] + "ies" if phrase.endswith("y") and phrase[-2:-1] not in "aeiou" else \
                    phrase + ("es" if phrase.endswith(("s", "sh", "ch")) else "s")
                d.add(plural, entry)
    d.finalize()
    return d


def dictionary_from_env() -> ActorDictionary:
    """The built-in dictionary plus the files listed in ``EVENTWIRE_DICTIONARIES`` (if any).

    Raises:
        DictionaryError: a listed file cannot be read.
    """
    return with_user_dictionaries(tuple(parse_dictionary_specs(os.environ.get("EVENTWIRE_DICTIONARIES", ""))))


def parse_dictionary_specs(value: str) -> list[str]:
    """Split an ``EVENTWIRE_DICTIONARIES`` value into specs (``os.pathsep``-separated; a
    ``petrarch-actors:`` / ``petrarch-agents:`` prefix stays with the path after it)."""
    parts = [p for p in value.split(os.pathsep) if p.strip()]
    out: list[str] = []
    k = 0
    while k < len(parts):
        p = parts[k].strip()
        if p in ("petrarch-actors", "petrarch-agents") and k + 1 < len(parts):
            out.append(f"{p}:{parts[k + 1].strip()}")
            k += 2
            continue
        out.append(p)
        k += 1
    return out


@lru_cache(maxsize=8)
def with_user_dictionaries(specs: tuple[str, ...], builtin: bool = True) -> ActorDictionary:
    """A dictionary made of the built-in one (unless ``builtin=False``) and the files in ``specs``
    (see :meth:`ActorDictionary.load_file`); user phrases take precedence. Cached per ``specs``."""
    d = ActorDictionary()
    if builtin:
        d.extend(builtin_dictionary())
    for spec in specs:
        user = ActorDictionary()
        user.load_file(spec)
        d.extend(user)
    return d


def merged_entry(base: ActorEntry, **changes: Any) -> ActorEntry:
    """``base`` with some fields changed (entries are immutable)."""
    return replace(base, **changes)
