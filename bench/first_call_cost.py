"""What the first documents of a process cost: loading on first use (dateparser's locales, trafilatura
and htmldate, the gazetteer, spaCy) and what the worker warm-up moves to start time.

    .venv/bin/python bench/first_call_cost.py [--pages 20]

Each scenario runs in a fresh process (nothing cached between them) on the first ``--pages`` fundus
pages (``../shared/data/extraction/fundus``), extraction only (``eventwire.extract.extract``):

* ``cold``: no warm-up; the wall-clock seconds of the first page, and the median of the others;
* ``warm``: :func:`eventwire.runbase.warm_up` first (what every worker does at start; timed), then the
  same pages;
* ``dateparser_all_locales``: what a string reaching htmldate's slow fallback costs the first time
  (htmldate's ``get_external_parser``, all locales, on a string no locale parses) and the second time.
  The count of such calls in the extraction of every fundus page is printed too: when it is 0, no
  page pays it.

Prints one JSON object per scenario.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

FUNDUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction" / "fundus"

_PAGES = """
import gzip, json, statistics, sys, time
from pathlib import Path
pages = sorted(Path({root!r}).glob("*/*.html.gz"))[:{n}]
t0 = time.perf_counter()
from eventwire.extract import NoArticle, extract
from eventwire.records import Document
imp = time.perf_counter() - t0
warm = None
if {warm}:
    from eventwire.runbase import warm_up
    t = time.perf_counter(); warm_up(); warm = time.perf_counter() - t
times = []
for p in pages:
    data = gzip.decompress(p.read_bytes())
    t = time.perf_counter()
    try:
        extract(Document(doc_id=p.name, source=str(p), kind="html", data=data))
    except NoArticle:
        pass
    times.append(time.perf_counter() - t)
print(json.dumps({{"scenario": "warm" if {warm} else "cold", "import_s": round(imp, 2),
                  "warm_up_s": None if warm is None else round(warm, 2), "first_page_s": round(times[0], 3),
                  "median_other_pages_s": round(statistics.median(times[1:]), 4), "pages": len(times)}}))
"""

_DATEPARSER = """
import gzip, json, time
from pathlib import Path
from htmldate import extractors
calls = []
orig = extractors._external_date
extractors._external_date = lambda s: (calls.append(s), orig(s))[1]
from eventwire.extract.html import extract_html
from eventwire.extract import NoArticle
for p in sorted(Path({root!r}).glob("*/*.html.gz")):
    try:
        extract_html(gzip.decompress(p.read_bytes()).decode("utf-8", "replace"))
    except NoArticle:
        pass
t = time.perf_counter(); extractors.get_external_parser().get_date_data("Sunday 33 Foo 2021 blah")
first = time.perf_counter() - t
t = time.perf_counter(); extractors.get_external_parser().get_date_data("Monday 34 Bar 2022 blah")
second = time.perf_counter() - t
print(json.dumps({{"scenario": "dateparser_all_locales", "first_s": round(first, 2), "second_s": round(second, 3),
                  "fundus_pages_reaching_it": len(calls)}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--root", type=Path, default=FUNDUS)
    args = ap.parse_args()
    if not args.root.is_dir():
        sys.exit(f"fundus pages not found: {args.root}")
    for code in (_PAGES.format(root=str(args.root), n=args.pages, warm=False),
                 _PAGES.format(root=str(args.root), n=args.pages, warm=True),
                 _DATEPARSER.format(root=str(args.root))):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(out.stderr[-2000:])
        print(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
