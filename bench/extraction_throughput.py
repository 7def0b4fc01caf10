"""Extraction throughput: eventwire's HTML extraction next to ``trafilatura.extract`` on the fundus pages.

    .venv/bin/python bench/extraction_throughput.py [--repeats 2] [--root ../shared/data/extraction/fundus]

For every page (decompressed and decoded once, before timing), in one process after a warm-up pass:

* ``eventwire``: :func:`eventwire.extract.html.extract_html` (trafilatura's body plus our metadata
  layer: JSON-LD, meta tags, titles, authors, dates, boilerplate, the no-article rules); a page
  refused as no article counts with the time it took;
* ``trafilatura``: ``trafilatura.extract(html, url=url)`` with its defaults (text only).

The two run on the same page one after the other (so load changes on a shared machine touch both
alike); the best of ``--repeats`` passes per page is kept. Prints one JSON line: pages, seconds per
page (total of the per-page best / pages) for each, pages per second and the ratio eventwire /
trafilatura.
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

FUNDUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction" / "fundus"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--root", type=Path, default=FUNDUS)
    args = ap.parse_args()
    import trafilatura

    from eventwire.evaluate.fundus import iter_cases
    from eventwire.extract.html import NoArticle, extract_html

    pages = [(p.url, gzip.decompress(p.path.read_bytes()).decode("utf-8", "replace")) for p in iter_cases(args.root)]
    if not pages:
        raise SystemExit(f"no fundus pages under {args.root}")

    def ew(html: str, url: str | None) -> None:
        try:
            extract_html(html, url)
        except NoArticle:
            pass

    for url, html in pages[:5]:  # warm-up: imports, caches, first-use loading
        ew(html, url)
        trafilatura.extract(html, url=url)
    best_ew = [float("inf")] * len(pages)
    best_tr = [float("inf")] * len(pages)
    for _ in range(args.repeats):
        for i, (url, html) in enumerate(pages):
            t = time.perf_counter()
            ew(html, url)
            best_ew[i] = min(best_ew[i], time.perf_counter() - t)
            t = time.perf_counter()
            trafilatura.extract(html, url=url)
            best_tr[i] = min(best_tr[i], time.perf_counter() - t)
    e, t = sum(best_ew) / len(pages), sum(best_tr) / len(pages)
    print(json.dumps({"pages": len(pages), "eventwire_s_per_page": round(e, 4), "trafilatura_s_per_page": round(t, 4),
                      "eventwire_pages_per_s": round(1 / e, 1), "trafilatura_pages_per_s": round(1 / t, 1),
                      "ratio": round(e / t, 2)}))


if __name__ == "__main__":
    main()
