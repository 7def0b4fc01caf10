"""Latency of the web app's main endpoints on a large events table (in-process, FastAPI TestClient).

Usage: .venv/bin/python bench/web_queries.py SOURCE.duckdb [--copies 2000] [--repeats 5]

Copies SOURCE to a temporary file, replicates its events ``copies`` times (new event ids), and prints
the median time of each endpoint over ``repeats`` requests. SOURCE: any eventwire database with
events, e.g. the web tests' fixture (``python tests/web_fixture.py fixture.duckdb``).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import duckdb

ENDPOINTS = ["/api/events?limit=50", "/api/events?actor=usa&quad=3&limit=50", "/api/events?review=unreviewed&limit=50",
             "/api/stats/daily", "/api/actor-pairs?limit=20", "/api/map", "/api/network", "/", "/events?country=ETH"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("source", type=Path)
    ap.add_argument("--copies", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    from fastapi.testclient import TestClient

    from eventwire.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.duckdb"
        shutil.copy(args.source, db)
        con = duckdb.connect(str(db))
        con.execute("CREATE TEMP TABLE e0 AS SELECT * FROM events")
        con.execute("INSERT INTO events SELECT e0.* REPLACE (e0.event_id || '-' || t.i::VARCHAR AS event_id) "
                    "FROM e0, range(1, ?) t(i)", [args.copies])
        n = con.execute("SELECT count(*) FROM events").fetchone()[0]
        con.close()
        app = create_app(db, allowed_hosts=["testserver"])
        client = TestClient(app)
        print(f"{n:,} events, median of {args.repeats} requests")
        for url in ENDPOINTS:
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                r = client.get(url)
                times.append(time.perf_counter() - t)
                r.raise_for_status()
            print(f"{url:45s} {statistics.median(times) * 1000:7.0f} ms")
        app.state.ew.con.close()


if __name__ == "__main__":
    main()
