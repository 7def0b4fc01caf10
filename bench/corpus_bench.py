"""Scaling of the corpus view: incremental update cost and export memory.

1. **Incremental update.** A database is grown in steps with synthetic coded articles (random text
   over a Zipf vocabulary, names, numbers, ~300 words, ~10% near copies, 5 events each, spread
   over days) written straight to the store (no NLP). After each step the corpus view is brought up
   to date; then a fixed batch of new articles is added and its update is timed (median of
   ``--repeats``; the batch is rolled back between repeats by deleting it). The time per new
   article should stay flat as the database grows.
2. **Export memory.** ``aggregated_events`` is filled with ``--rows`` synthetic rows (SQL), and each
   export format runs in a fresh subprocess on 1/10 of the rows, on all of them, and on all of them
   three times over (3x the rows written by one process); its peak RSS (``VmHWM``) is reported. Flat
   memory: the peaks do not grow with the rows written.

Run: ``.venv/bin/python bench/corpus_bench.py [--sizes 2000,8000,32000] [--batch 200] [--rows 1000000]``
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _vocab(rng: random.Random, n: int, cap: bool = False) -> list[str]:
    letters = "abcdefghijklmnoprstuvw"
    out = set()
    while len(out) < n:
        w = "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
        out.add(w.capitalize() if cap else w)
    return sorted(out)


class SyntheticCorpus:
    """Deterministic synthetic coded articles (see the module docstring)."""

    def __init__(self, seed: int = 3):
        self.rng = random.Random(seed)
        self.words = _vocab(self.rng, 6000)
        self.names = _vocab(self.rng, 3000, cap=True)
        self.weights = [1 / (i + 1) for i in range(len(self.words))]
        self.n = 0
        self.recent: list[str] = []

    def _body(self) -> str:
        rng = self.rng
        paras = []
        for _ in range(rng.randint(4, 6)):
            sents = []
            for _ in range(rng.randint(3, 4)):
                ws = rng.choices(self.words, self.weights, k=rng.randint(10, 18))
                ws.insert(rng.randrange(len(ws)), rng.choice(self.names))
                if rng.random() < 0.4:
                    ws.insert(rng.randrange(len(ws)), str(rng.randint(10, 5000)))
                sents.append(ws[0].capitalize() + " " + " ".join(ws[1:]) + ".")
            paras.append(" ".join(sents))
        return "\n\n".join(paras)

    def articles(self, k: int):
        """The next ``k`` articles as :class:`eventwire.records.Outcome` objects."""
        from eventwire.ids import content_id, stable_id
        from eventwire.records import Actor, Article, Document, Event, Outcome

        rng = self.rng
        out = []
        for _ in range(k):
            i = self.n
            self.n += 1
            if self.recent and rng.random() < 0.1:  # a near copy of a recent article
                body = rng.choice(self.recent[-200:])
                ws = body.split(" ")
                for _ in range(5):
                    ws[rng.randrange(len(ws))] = rng.choice(self.words)
                body = "Share this article\n\n" + " ".join(ws)
            else:
                body = self._body()
            self.recent.append(body)
            day = 1 + i // 400  # ~400 articles a day
            published = f"2024-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}T{rng.randint(0, 23):02d}:00"
            doc_id = content_id(f"{i}|{body}".encode())
            a = Article(article_id=stable_id("article", doc_id), doc_id=doc_id, title=f"report {i}", body=body,
                        source=f"synthetic/{i}", url=f"https://site{i % 50}.example/{i}", published=published,
                        outlet=f"Site {i % 50}", outlet_domain=f"site{i % 50}.example", language="en",
                        extractor="synthetic")
            for e in range(5):
                s, t = rng.sample(["USAGOV", "RUSGOV", "CHNGOV", "FRAGOV", "DEUGOV", "IRNGOV", "TURGOV", "KENGOV"], 2)
                code = rng.choice(["040", "043", "051", "057", "111", "112", "120", "190"])
                a.events.append(Event(sent_idx=e, sentence_start=0, sentence_end=10, trigger="met", trigger_start=0,
                                      trigger_end=3, sources=[Actor(s, 0, 3, s, s, s[:3], "GOV")],
                                      targets=[Actor(t, 4, 7, t, t, t[:3], "GOV")], cameo_code=code,
                                      cameo_base=code[:3], cameo_root=code[:2], plover_type="CONSULT",
                                      quad_class=1, goldstein=1.0, modality="asserted", confidence=0.8,
                                      date=published[:10]))
            out.append(Outcome(Document(doc_id=doc_id, source=a.source, kind="synthetic"), "article", a))
        return out


def bench_incremental(sizes: list[int], batch: int, repeats: int, log) -> list[dict]:
    from eventwire.corpus.update import update_corpus
    from eventwire.store.db import Store

    results = []
    corpus = SyntheticCorpus()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        have = 0
        for size in sizes:
            while have < size:
                k = min(2000, size - have)
                store.write("bench", corpus.articles(k))
                have += k
            t0 = time.perf_counter()
            update_corpus(store.con)
            grow = time.perf_counter() - t0
            times = []
            saved_state = (corpus.n, list(corpus.recent), corpus.rng.getstate())
            for _ in range(repeats):
                corpus.n, corpus.recent = saved_state[0], list(saved_state[1])
                corpus.rng.setstate(saved_state[2])
                outs = corpus.articles(batch)
                store.write("bench", outs)
                t0 = time.perf_counter()
                st = update_corpus(store.con)
                times.append(time.perf_counter() - t0)
                # take the batch out again (articles and their corpus rows) so every repeat adds the same batch
                ids = [o.article.article_id for o in outs]
                store._delete_documents([o.document.doc_id for o in outs])
                update_corpus(store.con)  # retracts them from the corpus view
                assert st.articles == batch, st
                del ids
            med = statistics.median(times)
            r = {"articles_in_db": have, "batch": batch, "update_s_median": round(med, 3),
                 "ms_per_new_article": round(1000 * med / batch, 2), "catch_up_s": round(grow, 1),
                 "repeats": repeats}
            log(json.dumps(r))
            results.append(r)
        store.close()
    return results


_EXPORT_CHILD = r"""
import sys, time
sys.path.insert(0, {src!r})
import duckdb
from eventwire.store.export import export
con = duckdb.connect({db!r}, read_only=True)
t0 = time.perf_counter()
rows = 0
for _ in range({times}):  # several passes in one process: does memory keep growing with the rows written?
    rows += export(con, {fmt!r}, {out!r}, where={where!r}, all_modalities=True).rows
dt = time.perf_counter() - t0
# VmHWM: this process's peak RSS. (ru_maxrss would not do: Linux carries the parent's peak across exec.)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(rows, dt, int(hwm) // 1024)
"""


def bench_export(rows: int, log, formats: tuple[str, ...] = ("gdelt", "plover", "parquet", "csv", "jsonl")) -> list[dict]:
    import duckdb

    from eventwire.store.db import Store

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "export.duckdb")
        Store(db).close()
        con = duckdb.connect(db)
        con.execute(f"""
            INSERT INTO aggregated_events
            SELECT md5(i::VARCHAR)[:20], i, '2024-01-01'::DATE + (i % 365)::INTEGER || '',
                   '2024-01-01'::DATE + (i % 365)::INTEGER, '2024-01-01'::DATE + (i % 365)::INTEGER, 'event',
                   'asserted', 'USAGOV', 'RUSGOV', '040', 'gn:5128581', 'USAGOV', 'United States', 'USA', 'GOV', 'Q30',
                   'RUSGOV', 'Russia', 'RUS', 'GOV', 'Q159', '040', '040', '04', 'CONSULT', NULL, 1, 1.0,
                   'New York', 5128581, 'USA', 'NY', 'PPL', 40.71427, -74.00597, 1 + i % 7, 1 + i % 5, 1 + i % 6,
                   1 + i % 9, TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND, TIMESTAMP '2024-01-02', i % 2 = 0, 0.8,
                   md5((i + 1)::VARCHAR)[:20], md5((i + 2)::VARCHAR)[:20], 'https://example.org/' || i,
                   [md5((i % 1000)::VARCHAR)[:20]], now(), now()
            FROM range({rows}) t(i)""")
        # each event's best mention (in one of 1,000 articles, with a place in its source actor's words),
        # and 1 % of the coded events with two targets (the PLOVER export's compound-recipient candidates)
        con.execute(f"""
            INSERT INTO event_mentions (mention_id, agg_event_id, event_id, article_id, sent_idx, trigger,
                trigger_start, trigger_end, source_start, source_end, target_start, target_end, source_text,
                target_text, confidence, modality, seen_at)
            SELECT md5((i + 1)::VARCHAR)[:20], md5(i::VARCHAR)[:20], 'ev' || (i // 2), md5((i % 1000)::VARCHAR)[:20],
                   1, 'met', 30, 33, 0, 13, 40, 46, 'United States', 'Russia', 0.8, 'asserted',
                   TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND
            FROM range({rows}) t(i)""")
        con.execute("""
            INSERT INTO articles (article_id, doc_id, title, body, url, outlet, outlet_domain, language)
            SELECT md5(i::VARCHAR)[:20], 'd' || i, 'Article ' || i, repeat('word ', 300), 'https://example.org/a/' || i,
                   'Example', 'example.org', 'en'
            FROM range(1000) t(i)""")
        con.execute("""
            INSERT INTO places (place_id, article_id, char_start, char_end, text, geonameid, name, country, lat, lon,
                feature_class, feature_code, role)
            SELECT 'p' || i, md5(i::VARCHAR)[:20], 4, 13, 'States', 6252001, 'United States', 'USA', 39.76, -98.5,
                   'A', 'PCLI', 'actor'
            FROM range(1000) t(i)""")
        con.execute(f"""
            INSERT INTO events (event_id, targets)
            SELECT 'ev' || i, [{{'text': 'a'}}, {{'text': 'b'}}] FROM range({rows} // 2) t(i) WHERE i % 100 = 0""")
        con.close()
        for fmt in formats:
            for n, times in ((rows // 10, 1), (rows, 1), (rows, 3)):
                where = [f"global_event_id<{n}"]
                out = str(Path(tmp) / f"out.{fmt}")
                code = _EXPORT_CHILD.format(src=str(ROOT / "src"), db=db, fmt=fmt, out=out, where=where, times=times)
                res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                n_rows, secs, rss = res.stdout.split()
                r = {"format": fmt, "rows": int(n_rows), "passes": times, "seconds": round(float(secs), 2),
                     "peak_rss_mb": int(rss),
                     "out_mb": round(Path(out).stat().st_size / 2**20, 1)}
                log(json.dumps(r))
                results.append(r)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="2000,8000,32000", help="database sizes (articles), comma-separated")
    ap.add_argument("--batch", type=int, default=200, help="new articles per timed update")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rows", type=int, default=1_000_000, help="aggregated events for the export bench")
    ap.add_argument("--skip-incremental", action="store_true")
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--formats", default="gdelt,plover,parquet,csv,jsonl", help="export formats, comma-separated")
    args = ap.parse_args()
    log = lambda m: print(m, flush=True)  # noqa: E731
    if not args.skip_incremental:
        bench_incremental([int(x) for x in args.sizes.split(",")], args.batch, args.repeats, log)
    if not args.skip_export:
        bench_export(args.rows, log, tuple(args.formats.split(",")))


if __name__ == "__main__":
    main()
