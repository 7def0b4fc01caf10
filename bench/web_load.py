"""Load test of ``eventwire serve``: N concurrent clients for S seconds over every page and API route.

Loopback only (the server listens on 127.0.0.1) and bounded in time: each client stops after
``--seconds``; each request has a 30 s timeout. The server runs as a subprocess (``eventwire serve``,
read-only) on a database of ``--db`` (built first with ``--build N``: ``eventwire run`` on N generated
articles, about 7 events each, when the file does not exist). Each client loops over the routes in
its own order. Reported: requests/s, errors, latency percentiles overall and per route, and the
server's peak RSS (``VmHWM``).

Usage::

    .venv/bin/python bench/web_load.py --db /tmp/web.duckdb --build 1500 --clients 20 --seconds 60 [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


def build(db: Path, n: int) -> None:
    """A database of ``n`` generated articles run through the whole pipeline."""
    from eventwire.bench import generate_corpus

    corpus = db.with_suffix(".jsonl")
    with open(corpus, "w", encoding="utf-8") as fh:
        for i, (title, body) in enumerate(generate_corpus(n, seed=21)):
            fh.write(json.dumps({"title": title, "text": body, "published": f"2024-{1 + i % 6:02d}-{1 + i % 28:02d}",
                                 "url": f"https://example.org/n/{i}"}) + "\n")
    exe = Path(sys.executable).with_name("eventwire")
    subprocess.run([str(exe), "run", str(corpus), "--db", str(db), "-q", "--batch-size", "32"], check=True)


def routes(db: Path) -> list[tuple[str, str]]:
    """(route name, URL path) for every page and GET API route, with ids taken from the database."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        ev = con.execute("SELECT event_id, article_id FROM events ORDER BY event_id LIMIT 1 OFFSET 100").fetchone()
        agg = con.execute("SELECT agg_event_id FROM aggregated_events ORDER BY agg_event_id LIMIT 1 OFFSET 50").fetchone()[0]
        story = con.execute("SELECT story_id FROM stories ORDER BY n_articles DESC, story_id LIMIT 1").fetchone()[0]
        n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()
    event_id, article_id = ev
    r = [("page /", "/"), ("page /events", "/events"), ("page /events?country", "/events?country=FRA"),
         ("page /events/{id}", f"/events/{event_id}"), ("page /articles/{id}", f"/articles/{article_id}"),
         ("page /stories", "/stories"), ("page /stories/{id}", f"/stories/{story}"), ("page /map", "/map"),
         ("page /network", "/network"), ("page /search", "/search?q=ministers"), ("page /reviews", "/reviews"),
         ("page /api", "/api"),
         ("api meta", "/api/meta"), ("api stats", "/api/stats"), ("api stats/daily", "/api/stats/daily"),
         ("api stats/breakdown", "/api/stats/breakdown?by=plover_type"), ("api actor-pairs", "/api/actor-pairs?limit=20"),
         ("api network", "/api/network"), ("api map", "/api/map"), ("api facets", "/api/facets"),
         ("api events", "/api/events?limit=50"), ("api events?actor&quad", "/api/events?actor=fra&quad=3&limit=50"),
         ("api events.csv?quad", "/api/events.csv?quad=4"), ("api events/{id}", f"/api/events/{event_id}"),
         ("api aggregated-events", "/api/aggregated-events?limit=50"),
         ("api aggregated-events.csv?quad", "/api/aggregated-events.csv?quad=4"),
         ("api aggregated-events/{id}", f"/api/aggregated-events/{agg}"), ("api stories", "/api/stories"),
         ("api stories/{id}", f"/api/stories/{story}"), ("api reviews", "/api/reviews"),
         ("api articles/{id}", f"/api/articles/{article_id}"), ("api search", "/api/search?q=ministers")]
    print(f"database: {n:,} events; {len(r)} routes", flush=True)
    return r


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def load(base: str, rts: list[tuple[str, str]], clients: int, seconds: float) -> dict:
    results: list[tuple[str, float, bool]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(i: int) -> None:
        order = rts[:]
        random.Random(i).shuffle(order)
        k = 0
        mine = []
        while time.monotonic() < stop_at:
            name, path = order[k % len(order)]
            k += 1
            t = time.perf_counter()
            ok = True
            try:
                with urllib.request.urlopen(base + path, timeout=30) as resp:
                    resp.read()
                    ok = resp.status == 200
            except (urllib.error.URLError, OSError, TimeoutError):
                ok = False
            mine.append((name, time.perf_counter() - t, ok))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = [d for _, d, _ in results]
    per = {}
    for name, _ in rts:
        ds = [d for n, d, _ in results if n == name]
        per[name] = {"n": len(ds), "errors": sum(1 for n, _, ok in results if n == name and not ok),
                     "p50_ms": round(1000 * pct(ds, 50)), "p95_ms": round(1000 * pct(ds, 95))}
    return {"clients": clients, "seconds": round(wall, 1), "requests": len(results),
            "req_per_s": round(len(results) / wall, 1), "errors": sum(1 for *_, ok in results if not ok),
            "p50_ms": round(1000 * pct(lat, 50)), "p95_ms": round(1000 * pct(lat, 95)),
            "p99_ms": round(1000 * pct(lat, 99)), "mean_ms": round(1000 * statistics.fmean(lat)) if lat else None,
            "routes": per}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--build", type=int, default=1500, help="articles to generate when --db does not exist")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not args.db.exists():
        build(args.db, args.build)
    rts = routes(args.db)
    port = free_port()
    exe = Path(sys.executable).with_name("eventwire")
    server = subprocess.Popen([str(exe), "serve", "--db", str(args.db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/api/meta", timeout=5).read()
                break
            except (urllib.error.URLError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server did not start: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)
        for _, path in rts:  # warm-up: one request per route, alone (first-use costs are not load)
            try:
                urllib.request.urlopen(base + path, timeout=60).read()
            except urllib.error.HTTPError as exc:
                raise SystemExit(f"{path}: HTTP {exc.code}: {exc.read().decode()[:300]}")
        cpu0 = cpu_seconds(server.pid)
        res = load(base, rts, args.clients, args.seconds)
        res["server_cpu_ms_per_request"] = round(1000 * (cpu_seconds(server.pid) - cpu0) / max(1, res["requests"]), 1)
        res["server_peak_rss_mb"] = round(peak_rss_mb(server.pid))
        res["load_average"] = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    print(f"{res['clients']} clients, {res['seconds']} s: {res['requests']:,} requests, {res['req_per_s']} req/s, "
          f"{res['errors']} errors; p50 {res['p50_ms']} ms, p95 {res['p95_ms']} ms, p99 {res['p99_ms']} ms; "
          f"server CPU {res['server_cpu_ms_per_request']} ms/request, peak RSS {res['server_peak_rss_mb']} MB; "
          f"load average {res['load_average']}")
    for name, r in sorted(res["routes"].items(), key=lambda kv: -kv[1]["p95_ms"]):
        print(f"  {name:34s} n={r['n']:5d} err={r['errors']:3d} p50 {r['p50_ms']:6d} ms  p95 {r['p95_ms']:6d} ms")


if __name__ == "__main__":
    main()
