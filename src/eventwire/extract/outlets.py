"""The outlet registry: news outlets and agencies as data (``eventwire/data/outlets.json``).

Each entry has ``name``, ``aliases``, ``domains``, ``country`` (ISO 3166-1 alpha-3), ``languages``
(ISO 639-1 codes of every language the outlet publishes in, main language first), ``type`` (``wire``,
``public``, ``state-affiliated``, ``private``) and ``agency`` (``true`` for news agencies, whatever their
ownership). The registry is written by the project from public facts about each outlet; like fundus's
per-publisher knowledge, it is kept as data, apart from the engine. ``eventwire/data/outlets.json``
holds over 350 outlets and agencies from about 90 countries.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Outlet:
    """One registry entry (see module docstring for the fields)."""

    name: str
    domains: tuple[str, ...]
    country: str | None
    languages: tuple[str, ...]
    type: str
    aliases: tuple[str, ...] = field(default=())
    agency: bool = False

    @property
    def language(self) -> str | None:
        """The outlet's main language (the first of :attr:`languages`), or ``None``."""
        return self.languages[0] if self.languages else None

    @property
    def is_agency(self) -> bool:
        """True for news agencies (wire services, public and state agencies) that other outlets cite."""
        return self.agency or self.type == "wire"

    def publishes_in(self, language: str | None) -> bool:
        """True when ``language`` (ISO 639-1) is one of the outlet's languages; ``False`` for ``None``."""
        return bool(language) and language.split("-")[0].lower() in self.languages


class Registry:
    """Lookup of outlets by domain, by name or alias.

    Args:
        outlets: the entries; by default the packaged registry (:func:`default_registry`).
    """

    def __init__(self, outlets: list[Outlet]):
        self.outlets = outlets
        self._by_domain: dict[str, Outlet] = {}
        self._by_name: dict[str, Outlet] = {}
        for o in outlets:
            for d in o.domains:
                self._by_domain[d.lower()] = o
            for n in (o.name, *o.aliases):
                self._by_name.setdefault(n.casefold(), o)

    def by_domain(self, url_or_host: str | None) -> Outlet | None:
        """The outlet whose domain is ``url_or_host``'s host or a parent of it (``www.bbc.co.uk`` -> BBC)."""
        if not url_or_host:
            return None
        host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
        host = (host or "").lower().strip(".")
        while host:
            if host in self._by_domain:
                return self._by_domain[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None

    def by_name(self, name: str | None) -> Outlet | None:
        """The outlet named ``name`` (name or alias, case-insensitive), else ``None``."""
        if not name:
            return None
        return self._by_name.get(name.strip().casefold())

    def names(self) -> list[str]:
        """Every name and alias, longest first (for building matchers)."""
        return sorted(self._by_name, key=len, reverse=True)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The packaged registry, loaded once per process."""
    raw = json.loads(resources.files("eventwire.data").joinpath("outlets.json").read_text("utf-8"))
    return Registry([
        Outlet(
            name=o["name"],
            domains=tuple(o.get("domains", ())),
            country=o.get("country"),
            languages=tuple(o.get("languages") or ([o["language"]] if o.get("language") else [])),
            type=o.get("type", "private"),
            aliases=tuple(o.get("aliases", ())),
            agency=bool(o.get("agency", False)),
        )
        for o in raw["outlets"]
    ])


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without a leading ``www.`` (``https://www.bbc.co.uk/x`` -> ``bbc.co.uk``)."""
    if not url:
        return None
    host = urlsplit(url).hostname
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
