"""The fundus test-data layout: pages (``<Publisher>_<date>.html.gz``) with expected values.

Layout of ``../shared/data/extraction/fundus/<cc>/``:

* ``<Publisher>_<YYYY_MM_DD>.html.gz``: a crawled page;
* ``<Publisher>.json``: expected values keyed by parser version (``"V1"``, ``"V2"``, ...), each with
  ``title``, ``authors``, ``publishing_date``, ``body`` (``summary`` + ``sections`` of ``headline`` and
  ``paragraphs``), ``topics``;
* ``meta.info``: per page file, its ``url`` and ``crawl_date``.

A publisher's pages, sorted by file name (their dates), pair with its versions in numeric order: in
fundus each parser version is valid from a date on, and each test page was crawled in its version's
time (checked on the data: every page's expected body text occurs in that page).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class FundusCase:
    """One page and what fundus expects from it.

    Attributes:
        path: the ``.html.gz`` file; publisher: the publisher's name; country: the folder (``de``).
        url, crawl_date: from ``meta.info``.
        title, authors, published: expected values (``published`` as fundus gives it, with zone).
        body: expected body text (summary and paragraphs joined by blank lines); headlines excluded.
        version: the parser version key.
    """

    path: Path
    publisher: str
    country: str
    version: str
    url: str | None = None
    crawl_date: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    body: str = ""


def _body_text(body: dict | None) -> str:
    if not body:
        return ""
    parts = list(body.get("summary") or [])
    for sec in body.get("sections") or []:
        parts.extend(sec.get("paragraphs") or [])
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _version_key(v: str) -> tuple[int, str]:
    m = re.search(r"\d+", v)
    return (int(m.group()) if m else 0, v)


def iter_cases(root: Path) -> Iterator[FundusCase]:
    """Every page under ``root`` (the ``fundus`` folder) with its expected values, sorted by path.

    Raises:
        ValueError: a publisher has more pages than versions (the layout is not what we expect).
    """
    for cc_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        meta_path = cc_dir / "meta.info"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        for exp_path in sorted(cc_dir.glob("*.json")):
            publisher = exp_path.stem
            expected = json.loads(exp_path.read_text(encoding="utf-8"))
            versions = sorted(expected, key=_version_key)
            pages = sorted(cc_dir.glob(f"{publisher}_*.html.gz"))
            pages = [p for p in pages if re.fullmatch(rf"{re.escape(publisher)}_\d{{4}}_\d{{2}}_\d{{2}}\.html\.gz", p.name)]
            if len(pages) > len(versions):
                raise ValueError(f"{exp_path}: {len(pages)} pages but {len(versions)} versions")
            for page, version in zip(pages, versions[len(versions) - len(pages):] if len(pages) < len(versions) else versions):
                e = expected[version]
                m = meta.get(page.name, {})
                yield FundusCase(
                    path=page, publisher=publisher, country=cc_dir.name, version=version,
                    url=m.get("url"), crawl_date=m.get("crawl_date"), title=e.get("title"),
                    authors=list(e.get("authors") or []), published=e.get("publishing_date"),
                    body=_body_text(e.get("body")),
                )
