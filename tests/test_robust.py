"""Robustness against bad input (the tester's attack report): wrong JSONL field types, batches that
cannot be stored, bad paths, databases and options. Each case: a clear reason recorded or a clear
one-line error, nothing else lost, no traceback."""
from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.ingest.files import iter_documents
from eventwire.records import Document, Problem
from eventwire.runner import RunConfig, run

GOOD = ("Leaders meet in Geneva\n\nMarch 3, 2024\n\nThe foreign ministers of France and Germany met in Geneva "
        "on Monday to discuss the crisis.\n")
KENYA = "Kenya signed a trade agreement with Uganda in Nairobi on Monday, officials said."


def _q(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _jsonl(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- item 1: JSONL field types ------------------------------------------------------------------

def test_jsonl_wrong_field_types_become_warnings_naming_the_field(tmp_path):
    f = _jsonl(tmp_path / "t.jsonl",
               {"text": KENYA, "title": 42},
               {"text": KENYA + " 2", "title": ["a", "b"], "outlet": {"x": 1}, "url": 3, "published": 1700000000,
                "language": ["en"]},
               {"text": KENYA + " 3", "authors": "Jane Doe"},
               {"text": KENYA + " 4", "authors": [{"name": "A"}, None, 3, "Real Name"]},
               {"text": 5})
    items = list(iter_documents([str(f)]))
    docs = [i for i in items if isinstance(i, Document)]
    probs = [i for i in items if isinstance(i, Problem)]
    assert len(docs) == 4
    assert docs[0].hints == {} and docs[0].warnings == ["JSONL field 'title' ignored: expected a string, got int"]
    assert docs[1].hints == {}
    assert sorted(docs[1].warnings) == sorted([
        "JSONL field 'url' ignored: expected a string, got int",
        "JSONL field 'title' ignored: expected a string, got list",
        "JSONL field 'published' ignored: expected a string, got int",
        "JSONL field 'outlet' ignored: expected a string, got dict",
        "JSONL field 'language' ignored: expected a string, got list"])
    assert docs[2].hints == {"authors": ["Jane Doe"]} and docs[2].warnings == []
    assert docs[3].hints == {"authors": ["Real Name"]}
    assert docs[3].warnings == ["JSONL field 'authors': non-string value(s) ignored (NoneType, dict, int)"]
    assert len(probs) == 1 and probs[0].reason == "JSONL field 'text'/'html' is not a string"
    assert probs[0].detail == "'text' is int" and probs[0].member == "line 5"


def test_jsonl_title_42_does_not_stop_the_run_and_nothing_bad_is_stored(tmp_path):
    """Attack item 1: one record with a non-string title crashed the whole run (ArrowInvalid)."""
    d = tmp_path / "in"
    d.mkdir()
    _jsonl(d / "a.jsonl", {"text": KENYA, "title": 42},
           {"text": KENYA + " Trade rose.", "title": ["a", "b"], "authors": [{"name": "A"}, None, 3]})
    (d / "b.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    stats, status = run([str(d)], RunConfig(db=str(db), corpus=False))
    assert status == "done"
    assert stats.articles == 3
    titles = {r[0] for r in _q(db, "SELECT title FROM articles")}
    assert "42" not in titles and "[a, b]" not in titles and "Leaders meet in Geneva" in titles
    authors = _q(db, "SELECT authors FROM articles WHERE source LIKE '%a.jsonl'")
    assert all(not any(x in ("None", "3", "{'name': 'A'}") for x in (a or [])) for (a,) in authors)
    warnings = {r[0] for r in _q(db, "SELECT reason FROM errors WHERE severity = 'warning'")}
    assert "JSONL field 'title' ignored: expected a string, got int" in warnings
    assert _q(db, "SELECT status FROM runs") == [("done",)]


def test_jsonl_nul_and_lone_surrogate_are_cleaned_not_lost(tmp_path):
    f = tmp_path / "n.jsonl"
    f.write_text('{"text": "Serbia condemned\\u0000 the attack on Kosovo police on Friday, officials said."}\n'
                 '{"text": "Serbia condemned the attack \\ud800 on Kosovo police, officials said.", "title": "T \\udc80"}\n',
                 encoding="utf-8")
    docs = list(iter_documents([str(f)]))
    assert "\x00" not in docs[0].text and "condemned the attack" in docs[0].text
    assert docs[0].warnings == ["JSONL field 'text': 1 control character(s) (NUL etc.) removed"]
    assert "\ufffd" in docs[1].text and docs[1].hints["title"] == "T \ufffd"
    db = tmp_path / "t.duckdb"
    stats, status = run([str(f)], RunConfig(db=str(db), corpus=False))
    assert status == "done" and stats.articles == 2
    assert all("\x00" not in b for (b,) in _q(db, "SELECT body FROM articles"))


# -- item 1: defence in depth: a batch that cannot be stored ------------------------------------

def _poison(monkeypatch, module):
    """Make ``module.process_batch`` give one article a title DuckDB/Arrow cannot store as text."""
    from eventwire.pipeline import process_batch as real

    def poisoned(docs, nlp=None):
        outs = real(docs, nlp)
        for o in outs:
            if o.article is not None and "poison" in o.article.body:
                o.article.title = "lone surrogate \ud800"  # Arrow cannot encode it
        return outs

    monkeypatch.setattr(module, "process_batch", poisoned)


def _poison_tree(tmp_path, third: bool = True):
    """in/a.txt (a good article), in/b.txt (poisoned by :func:`_poison`) and, with ``third``, in/c.txt."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    (d / "b.txt").write_text("Poison pill\n\nThe poison ministers met in Geneva on Monday to talk.\n", encoding="utf-8")
    if third:
        (d / "c.txt").write_text(GOOD.replace("Geneva", "Vienna"), encoding="utf-8")
    return d


def test_unstorable_document_is_recorded_and_the_rest_of_its_batch_stored(tmp_path, monkeypatch):
    import eventwire.runner as runner

    _poison(monkeypatch, runner)
    d = _poison_tree(tmp_path)
    (d / "d.docx").write_bytes(b"PK")
    db = tmp_path / "t.duckdb"
    stats, status = run([str(d)], RunConfig(db=str(db), corpus=False))
    assert status == "done"
    assert stats.articles == 2 and stats.failed == 1
    assert sorted(r[0].rsplit("/", 1)[1] for r in _q(db, "SELECT source FROM articles")) == ["a.txt", "c.txt"]
    errs = _q(db, "SELECT source, stage, severity, reason FROM errors WHERE stage = 'store'")
    assert len(errs) == 1 and errs[0][0].endswith("b.txt") and errs[0][2] == "error"
    assert errs[0][3].startswith("cannot store: ")
    assert _q(db, "SELECT status FROM documents WHERE source LIKE '%b.txt'") == [("error",)]
    assert _q(db, "SELECT count(*) FROM errors WHERE reason = 'unsupported file type ''.docx'''") == [(1,)]
    assert _q(db, "SELECT status FROM runs") == [("done",)]


def test_dask_shard_with_unstorable_document_keeps_the_others(tmp_path, monkeypatch):
    """The Dask worker's part writer: only the offending document is lost, recorded with stage store."""
    import eventwire.scale.dask_runner as dr
    from eventwire.scale import parts as P
    from eventwire.scale.shards import iter_shards
    from eventwire.store.db import Store

    _poison(monkeypatch, dr)
    d = _poison_tree(tmp_path, third=False)
    [shard] = list(iter_shards([str(d)]))
    summary = dr.process_shard(shard, "r1", str(tmp_path / "parts"), 10_000_000, 16)
    assert summary["rows"]["articles"] == 1 and summary["rows"]["documents"] == 2
    with Store(tmp_path / "t.duckdb") as s:
        P.merge_part(s, tmp_path / "parts" / shard.shard_id, "r1")
        assert s.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        rows = s.con.execute("SELECT source, reason FROM errors WHERE stage = 'store'").fetchall()
    assert len(rows) == 1 and rows[0][0].endswith("b.txt") and rows[0][1].startswith("cannot store: ")


def test_jsonl_option_pointing_to_a_directory_fails_clearly_and_run_row_is_failed(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "jdir").mkdir()
    db = tmp_path / "t.duckdb"
    res = CliRunner().invoke(app, ["run", str(tmp_path / "a.txt"), "--db", str(db), "--jsonl", str(tmp_path / "jdir"), "-q"])
    assert res.exit_code == 2
    assert "--jsonl" in res.output and "directory" in res.output
    assert "Traceback" not in res.output
    assert not db.exists() or _q(db, "SELECT count(*) FROM runs WHERE status = 'running'") == [(0,)]


# -- item 13: empty path, other URL schemes ------------------------------------------------------

def test_empty_path_argument_is_an_argument_error(tmp_path):
    res = CliRunner().invoke(app, ["run", "", "--db", str(tmp_path / "t.duckdb")])
    assert res.exit_code == 2
    assert "empty path argument" in res.output
    assert not (tmp_path / "t.duckdb").exists()
    with pytest.raises(ValueError, match="empty path"):
        run([""], RunConfig(db=str(tmp_path / "t.duckdb")))


def test_unsupported_url_scheme_is_recorded_and_the_run_goes_on(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    res = CliRunner().invoke(app, ["run", "ftp://example.org/x.html", str(tmp_path / "a.txt"), "--db", str(db), "-q",
                                   "--no-corpus"])
    assert res.exit_code == 0, res.output
    assert _q(db, "SELECT source, severity, reason FROM errors WHERE stage = 'read'") == [
        ("ftp://example.org/x.html", "skipped", "unsupported URL scheme 'ftp://'")]
    assert _q(db, "SELECT count(*) FROM articles") == [(1,)]


# -- item 3: actor dictionaries checked at startup -----------------------------------------------

@pytest.mark.parametrize("content", [None, '{"entries": [{"names": 5}]}', "{not json", '{"x": 1}'])
def test_bad_eventwire_dictionaries_stops_the_run_before_processing(tmp_path, monkeypatch, content):
    spec = tmp_path / "dict.json"
    if content is not None:
        spec.write_text(content, encoding="utf-8")
    monkeypatch.setenv("EVENTWIRE_DICTIONARIES", str(spec))
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    res = CliRunner().invoke(app, ["run", str(tmp_path / "a.txt"), "--db", str(db), "-q"])
    assert res.exit_code == 2, res.output
    assert "EVENTWIRE_DICTIONARIES" in res.output and str(spec) in res.output
    assert "Traceback" not in res.output
    assert not db.exists()  # nothing processed, nothing stored: a rerun after the fix processes everything
    from eventwire.actors.dictionary import DictionaryError

    with pytest.raises(DictionaryError):
        run([str(tmp_path / "a.txt")], RunConfig(db=str(db)))
    assert not db.exists()


# -- item 8: databases that cannot be used ---------------------------------------------------------

def test_db_not_duckdb_or_of_another_program_is_a_clear_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    notdb = tmp_path / "notdb.duckdb"
    notdb.write_text("hello, I am a text file\n" * 100)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE meta (k INTEGER, v INTEGER)")
    con.execute("CREATE TABLE articles (x INTEGER)")
    con.close()
    for db, expected in ((notdb, "is not a DuckDB database file"), (other, "DuckDB database of another program")):
        res = CliRunner().invoke(app, ["run", str(tmp_path / "a.txt"), "--db", str(db), "-q"])
        assert res.exit_code == 2, res.output
        assert expected in res.output and "Traceback" not in res.output
        # any other command: one line and exit 2 from the entry point
        from eventwire import cli

        monkeypatch.setattr("sys.argv", ["eventwire", "corpus", "stats", "--db", str(db)])
        with pytest.raises(SystemExit) as ex:
            cli.main()
        assert ex.value.code == 2
        assert expected in capsys.readouterr().err
    assert notdb.read_text().startswith("hello")  # left as it was
    assert _q(other, "SELECT count(*) FROM information_schema.tables") == [(2,)]


def test_db_locked_by_another_process_is_a_clear_error_before_models_load(tmp_path):
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        res = CliRunner().invoke(app, ["run", str(tmp_path / "a.txt"), "--db", str(db), "-q"])
    finally:
        holder.kill()
        holder.wait()
    assert res.exit_code == 2, res.output
    assert "in use by another process" in res.output and "Traceback" not in res.output


# -- item 4: export --out -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("exp")
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    db = d / "victim.duckdb"
    run([str(d / "a.txt")], RunConfig(db=str(db)))
    return db


def test_export_refuses_to_overwrite_the_database(small_db):
    import os

    before = small_db.read_bytes()
    link = small_db.parent / "link.csv"
    if not link.exists():
        os.symlink(small_db, link)
    for out_file, word in ((small_db, "this is the database"), (small_db.parent / "victim.duckdb.wal", "database file .wal"),
                           (link, "this is the database")):
        res = CliRunner().invoke(app, ["export", "--format", "csv", "--table", "articles", "--db", str(small_db),
                                       "--out", str(out_file)])
        assert res.exit_code == 2, res.output
        assert word in res.output and "overwrite" in res.output
    assert small_db.read_bytes() == before
    assert _q(small_db, "SELECT count(*) FROM articles") == [(1,)]


def test_export_into_missing_directory_is_a_clear_error(small_db, tmp_path):
    res = CliRunner().invoke(app, ["export", "--format", "csv", "--table", "articles", "--db", str(small_db),
                                   "--out", str(tmp_path / "nodir" / "x.csv")])
    assert res.exit_code == 2
    assert "does not exist" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["export", "--format", "csv", "--table", "articles", "--db", str(small_db),
                                   "--out", str(tmp_path / "ok.csv")])
    assert res.exit_code == 0, res.output
    assert "Leaders meet in Geneva" in (tmp_path / "ok.csv").read_text()


# -- item 8: eval reviews on malformed gold lines ---------------------------------------------------

def test_eval_reviews_skips_malformed_gold_lines_with_their_line_numbers(tmp_path):
    from eventwire.evaluate.reviews import score_file
    from eventwire.store.db import Store

    db = tmp_path / "t.duckdb"
    Store(db).close()
    good = {"article_id": "a1", "sentence_start": 0, "sentence_end": 10, "verdict": "wrong", "trigger_start": 2,
            "trigger_end": 5, "coder": {"cameo_code": "190", "sources": ["SRB"], "targets": ["XKX"]}}
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"[1]\n" + b'{"event_id": 5}\n' + b'{"broken\n'
                     + json.dumps({**good, "sentence_start": "x"}).encode() + b"\n"
                     + json.dumps({**good, "verdict": "fixed"}).encode() + b"\n"
                     + json.dumps({**good, "coder": {"sources": [{"c": 1}]}}).encode() + b"\n"
                     + b'{"article_id": "\xff"}\n' + b"\n" + json.dumps(good).encode() + b"\n")
    res = score_file(gold, db)
    assert res["gold_records"] == 1
    assert res["problems"] == [
        "line 1: not an object (got list)",
        "line 2: missing article_id, sentence_start, sentence_end, verdict",
        "line 3: not JSON (Unterminated string starting at)",
        "line 4: 'sentence_start' is not an integer",
        "line 5: missing gold (needed unless the verdict is wrong)",
        "line 6: 'coder.sources' is not a list of strings",
        "line 7: not UTF-8 (invalid start byte)"]
    res = CliRunner().invoke(app, ["eval", "reviews", str(gold), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "line 1: not an object" in res.output and "Traceback" not in res.output


# -- items 5, 12: directories, links, non-regular files --------------------------------------------

def _tree(tmp_path):
    import os

    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    (d / "sub" / "b.txt").write_text(GOOD.replace("Geneva", "Vienna"), encoding="utf-8")
    os.symlink(".", d / "loop")                      # a loop
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "c.txt").write_text(GOOD.replace("Geneva", "Oslo"), encoding="utf-8")
    os.symlink(outside, d / "linked")                # a linked folder: followed
    os.mkfifo(d / "pipe.txt")                        # never opened (it would block forever)
    os.symlink(d / "nothing.txt", d / "dangling.txt")
    locked = d / "zlocked"
    locked.mkdir()
    (locked / "secret.txt").write_text(GOOD.replace("Geneva", "Bern"), encoding="utf-8")
    locked.chmod(0)
    return d, locked


def test_walk_follows_linked_folders_records_loops_fifos_and_unreadable_directories(tmp_path, monkeypatch):
    import os

    from eventwire.ingest.files import walk

    d, locked = _tree(tmp_path)
    real_scandir = os.scandir

    def scandir(path="."):  # as an unprivileged user sees a mode-0 directory (tests may run as root)
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    try:
        items = list(walk([d]))
    finally:
        locked.chmod(0o755)
    files = sorted(str(p.relative_to(d)) for p in items if not isinstance(p, Problem))
    probs = {(os.path.relpath(p.source, d), p.severity, p.reason) for p in items if isinstance(p, Problem)}
    assert files == ["a.txt", "linked/c.txt", "sub/b.txt"]
    expected = {("dangling.txt", "skipped", "broken symbolic link"),
                ("loop", "skipped", "directory already read (symbolic link loop or second link)"),
                ("pipe.txt", "skipped", "not a regular file: not opened"),
                ("zlocked", "error", "cannot read directory")}
    assert probs == expected


def test_run_over_a_tree_with_fifo_and_loop_finishes_and_records_them(tmp_path):
    d, locked = _tree(tmp_path)
    locked.chmod(0o755)
    db = tmp_path / "t.duckdb"
    stats, status = run([str(d)], RunConfig(db=str(db), corpus=False))
    assert status == "done"
    assert stats.articles == 4  # a, sub/b, linked/c, zlocked/secret (readable again)
    reasons = {r for (r,) in _q(db, "SELECT reason FROM errors WHERE stage = 'read'")}
    assert {"not a regular file: not opened", "broken symbolic link",
            "directory already read (symbolic link loop or second link)"} <= reasons
    detail = _q(db, "SELECT detail FROM errors WHERE reason = 'not a regular file: not opened'")
    assert detail == [(f"{d / 'pipe.txt'} is a named pipe (FIFO)",)]


def test_dask_shards_leave_out_fifos_and_loops_and_report_them(tmp_path):
    from eventwire.scale.shards import iter_shards

    d, locked = _tree(tmp_path)
    locked.chmod(0o755)
    problems: list[Problem] = []
    shards = list(iter_shards([str(d)], problems=problems))
    files = sorted(p for s in shards for p in s.paths)
    assert files == sorted(str(d / f) for f in ("a.txt", "linked/c.txt", "sub/b.txt", "zlocked/secret.txt"))
    assert sorted(p.reason for p in problems) == [
        "broken symbolic link", "directory already read (symbolic link loop or second link)",
        "not a regular file: not opened"]


# -- item 15: encodings, NUL, --where == ---------------------------------------------------------

def test_utf16_without_bom_is_decoded_and_real_binary_is_still_refused(tmp_path):
    from eventwire.ingest.decode import BinaryContent, decode_bytes

    text = "Talks in Oslo\nThe Norwegian prime minister met the Colombian president in Oslo on Monday.\n"
    for codec in ("utf-16-le", "utf-16-be"):
        d = decode_bytes(text.encode(codec))
        assert d.text == text and d.charset == codec
        assert d.warnings == [f"no byte-order mark; decoded as {codec} (detected)"]
    with pytest.raises(BinaryContent):
        decode_bytes(bytes(range(256)) * 40)
    with pytest.raises(BinaryContent):
        decode_bytes(b"\x00\x00\x01\x02" * 500 + b"\xff\xfe\x00\xd8" * 100)
    f = tmp_path / "utf16.txt"
    f.write_bytes(text.encode("utf-16-le"))
    stats, status = run([str(f)], RunConfig(db=str(tmp_path / "t.duckdb"), corpus=False))
    assert stats.articles == 1


def test_where_with_double_equals_is_rejected():
    from eventwire.store.export import ExportError, parse_where

    cols = {"modality": "VARCHAR", "num_articles": "INTEGER"}
    for expr in ("modality==asserted", "num_articles=>2", "num_articles<>2"):
        with pytest.raises(ExportError, match="unknown operator"):
            parse_where([expr], cols)
    [f] = parse_where(["modality=asserted"], cols)
    assert (f.column, f.op, f.value) == ("modality", "=", "asserted")


def test_worker_built_rows_convert_document_by_document_and_the_writer_stores_them_one_by_one(tmp_path, monkeypatch):
    """The worker-pool path (--workers N): a worker replaces a document whose values cannot be converted
    by its failed outcome, and the writing process stores a batch it cannot write whole one document at
    a time, so only the offending document is lost, recorded with stage store."""
    import eventwire.runner as runner
    from eventwire.ingest import iter_documents
    from eventwire.store.db import Store

    _poison(monkeypatch, runner)
    d = _poison_tree(tmp_path)
    docs = list(iter_documents([str(d)]))
    (summaries, tables), _report = runner._worker_batch(docs, "r1")
    assert [s.status for s in summaries] == ["article", "error", "article"]
    assert summaries[1].problems[-1].stage == "store"
    assert summaries[1].problems[-1].reason.startswith("cannot store: ")
    assert tables["documents"].num_rows == 3 and tables["articles"].num_rows == 2

    # the writer: a batch the database refuses whole (here: any batch holding c.txt) goes one by one
    real_write = Store.write_tables
    bad_id = docs[2].doc_id

    def refuse(self, t, problems=(), run_id="", replace=False):
        if bad_id in t["documents"].column("doc_id").to_pylist():
            raise ValueError("refused for the test")
        return real_write(self, t, problems, run_id=run_id, replace=replace)

    monkeypatch.setattr(Store, "write_tables", refuse)
    with Store(tmp_path / "t.duckdb") as s:
        failed = s.write_tables_each(tables, run_id="r1")
        assert list(failed) == [bad_id] and failed[bad_id].reason == "cannot store: ValueError: refused for the test"
        rows = s.con.execute("SELECT source, status FROM documents ORDER BY source").fetchall()
        assert [(src.rsplit("/", 1)[1], st) for src, st in rows] == [("a.txt", "article"), ("b.txt", "error"),
                                                                      ("c.txt", "error")]
        arts = s.con.execute("SELECT doc_id FROM articles").fetchall()
        assert arts == [(docs[0].doc_id,)]
        n_ents = s.con.execute("SELECT count(*) FROM entities e JOIN articles a USING (article_id)").fetchone()[0]
        assert n_ents == s.con.execute("SELECT count(*) FROM entities").fetchone()[0] > 0
        assert s.con.execute("SELECT count(*) FROM errors WHERE stage = 'store'").fetchone()[0] == 2
