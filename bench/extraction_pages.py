"""Time HTML extraction (:func:`eventwire.extract.html.extract_html`) on hard pages and on real ones.

    .venv/bin/python bench/extraction_pages.py [--repeats 3]

Pages, all generated here except the last:

* ``scripts_10mb``: a normal article inside 10 MB of inline scripts and a base64 image (what large news
  pages are made of);
* ``text_9mb``: 9 MB of distinct text paragraphs (pathological: cut at ``MAX_HTML_CHARS``);
* ``nested_50k``: 50,000 nested ``<div>`` around one paragraph;
* ``fundus``: the median over the fundus test pages of ../shared (if present), per page.

Prints one JSON line: seconds per page (median of ``--repeats``), and the page sizes.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from pathlib import Path


def _pages() -> dict[str, str]:
    para = "".join(f"<p>Paragraph {i}: the army and rebel commanders agreed on Thursday to a three-day truce to "
                   f"allow aid into the besieged city, the mediators said.</p>" for i in range(30))
    scripts = ("<html><head><title>Truce agreed | Example</title><script>var blob = '" + "a" * 9_500_000 + "';</script>"
               "</head><body><img src=\"data:image/png;base64," + "A" * 500_000 + "\"><article><h1>Truce agreed</h1>"
               + para + "</article></body></html>")
    text = "<html><body><article>" + "".join(
        f"<p>Item {i}: ministers met again and talked about the ceasefire, the prisoners and the border.</p>"
        for i in range(100_000)) + "</article></body></html>"
    nested = "<html><body>" + "<div>" * 50_000 + "<p>" + "Deep text about talks in Doha. " * 20 + "</p>" + "</div>" * 50_000 + "</body></html>"
    return {"scripts_10mb": scripts, "text_9mb": text, "nested_50k": nested}


def _time(fn, repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from eventwire.extract.html import NoArticle, extract_html
    from eventwire.ingest.decode import decode_bytes

    def run(html: str, url: str | None = None) -> None:
        try:
            extract_html(html, url)
        except NoArticle:
            pass

    out: dict = {"repeats": args.repeats, "seconds": {}, "chars": {}}
    run("<html><body><p>warm up</p></body></html>")
    for name, html in _pages().items():
        out["chars"][name] = len(html)
        out["seconds"][name] = round(_time(lambda h=html: run(h), args.repeats), 3)
    root = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction" / "fundus"
    if root.is_dir():
        pages = [(decode_bytes(gzip.decompress(p.read_bytes()), html=True).text) for p in sorted(root.rglob("*.html.gz"))]
        per_page = [_time(lambda h=h: run(h), 1) for h in pages]
        out["seconds"]["fundus_median_page"] = round(statistics.median(per_page), 3)
        out["seconds"]["fundus_max_page"] = round(max(per_page), 3)
        out["fundus_pages"] = len(pages)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
