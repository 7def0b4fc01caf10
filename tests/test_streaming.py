"""Streaming: the runner keeps no whole-corpus structures (duplicates are found through the database
and the ids in flight), input counting reads in constant memory, and runs report their own figures."""
from __future__ import annotations

import shutil

from eventwire.runbase import MAX_REASONS, OTHER_REASONS, RunStats
from eventwire.runner import RunConfig, count_inputs, count_lines, run
from eventwire.records import Problem
from tests.conftest import EXAMPLES


def test_count_lines_in_chunks(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"text": "a"}\n' + b'{"text": "' + b"x" * 3_000_000 + b'"}\n{"text": "c"}')
    assert count_lines(f, chunk=4096) == 3
    f.write_bytes(b"one\ntwo\n")
    assert count_lines(f) == 2
    f.write_bytes(b"")
    assert count_lines(f) == 0


def test_count_inputs(tmp_path):
    dirs = [str(EXAMPLES / d) for d in ("txt", "html", "jsonl")]
    assert count_inputs(dirs) == 4 + 3 + 5  # 7 files that are not JSONL + 5 JSONL lines
    assert count_inputs([str(EXAMPLES)]) is None  # examples/feeds: entries are not counted without parsing
    (tmp_path / "x.warc.gz").write_bytes(b"")
    assert count_inputs([str(tmp_path)]) is None
    (tmp_path / "x.warc.gz").unlink()
    (tmp_path / "p.html.gz").write_bytes(b"")
    assert count_inputs([str(tmp_path)]) == 1


def _dupes(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(EXAMPLES / "txt" / "santiago-protests.txt", d / name)
    return d


def test_duplicates_across_batches_are_stored_once(tmp_path):
    d = _dupes(tmp_path)
    db = str(tmp_path / "x.duckdb")
    stats, _ = run([str(d)], RunConfig(db=db, batch_size=1))
    assert stats.articles == 1 and stats.already_done == 2 and stats.processed == 1
    again, _ = run([str(d)], RunConfig(db=db, batch_size=1, reprocess=True))
    assert again.articles == 1 and again.already_done == 2 and again.processed == 1


def test_duplicates_in_flight_with_workers(tmp_path):
    d = _dupes(tmp_path)
    stats, _ = run([str(d)], RunConfig(db=str(tmp_path / "w.duckdb"), batch_size=1, workers=2))
    assert stats.articles == 1 and stats.already_done == 2
    assert len(stats.workers_info) >= 1 and stats.stages.get("spacy", 0) > 0 and stats.stages.get("store", 0) > 0
    assert all(w["peak_rss_mb"] > 100 for w in stats.workers_info.values())
    assert 0 < stats.startup_s < stats.elapsed_s


def test_one_process_run_reports_its_figures(tmp_path):
    stats, _ = run([str(EXAMPLES / "txt")], RunConfig(db=str(tmp_path / "x.duckdb")))
    d = stats.as_dict()
    assert d["workers_info"]["main"]["peak_rss_mb"] == stats.peak_rss_mb > 100
    assert d["stages"]["spacy"] > 0 and d["stages"]["extract"] > 0 and d["stages"]["store"] > 0


def test_reasons_are_bounded():
    s = RunStats()
    for i in range(MAX_REASONS + 50):
        s.add_problem(Problem("f", "extract", "error", f"extraction failed: ValueError: unique message {i}"))
    assert len(s.reasons) == MAX_REASONS + 1
    assert s.reasons[("error", OTHER_REASONS)] == 50


def test_annotate_does_not_grow_the_string_store(nlp):
    from eventwire.nlp.pipeline import annotate
    from eventwire.records import Article

    def arts(k):
        return [Article(f"a{k}{i}", f"d{k}{i}", "t", f"Minister Qorvathin{k}x{i} met Zelbrunova{k}y{i} in Vandorix{k}z{i} "
                        f"on Monday, officials said. They discussed {k * 1000 + i} tonnes of grain.", language="en")
                for i in range(20)]

    annotate(arts(0), nlp)  # warm-up: strings the pipeline adds once
    before = len(nlp.vocab.strings)
    batch = arts(1)
    annotate(batch, nlp)
    assert len(nlp.vocab.strings) == before
    assert any(e.text.startswith("Qorvathin1x") or e.text.startswith("Zelbrunova1y") for a in batch for e in a.entities)
    # the same text parsed outside a memory zone does add its new words
    nlp(batch[0].body.replace("1x", "2x"))
    assert len(nlp.vocab.strings) > before
