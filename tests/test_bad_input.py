"""Bad input: each broken file gives a clear, per-file reason in the errors table and the run goes on."""
from __future__ import annotations

import gzip

import duckdb
import pytest

from eventwire.runner import RunConfig, run

GOOD = "Leaders meet in Geneva\n\nMarch 3, 2024\n\nThe foreign ministers of France and Germany met in Geneva on Monday to discuss the crisis.\n"


@pytest.fixture()
def corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "latin1.txt").write_bytes("Treffen in Zürich\n\nDie Außenminister trafen sich am Montag in Zürich.\n".encode("latin-1"))
    (d / "invalid-utf8.txt").write_bytes(b"Talks in Doha\n\nThe envoy said \xff\xfe the talks \xc3 would resume in Doha on Monday.\n" + b"\x81\x8d" * 3)
    payload = gzip.compress(("<html><body><article><p>" + "word " * 500 + "</p></article></body></html>").encode())
    (d / "truncated.html.gz").write_bytes(payload[: len(payload) // 2])
    with open(d / "huge.txt", "wb") as fh:  # 50 MB
        fh.write(b"Huge title\n\n")
        chunk = b"The ministers met again and again to talk about the same things. " * 1000
        for _ in range(50_000_000 // len(chunk) + 1):
            fh.write(chunk)
    (d / "no-article.html").write_text(
        "<html><head><title>Page not found</title></head><body><nav>Home | News</nav><h1>404</h1>"
        "<p>Sorry, this page does not exist.</p></body></html>", encoding="utf-8")
    (d / "notes.docx").write_bytes(b"PK\x03\x04")
    return d


def _errors(db):
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source, stage, severity, reason FROM errors ORDER BY source").fetchall()
    docs = con.execute("SELECT source, status FROM documents ORDER BY source").fetchall()
    arts = con.execute("SELECT source, body FROM articles ORDER BY source").fetchall()
    con.close()
    return rows, docs, arts


def test_each_bad_input_has_its_reason_and_run_goes_on(corpus, tmp_path):
    db = tmp_path / "t.duckdb"
    stats, status = run([str(corpus)], RunConfig(db=str(db)))
    assert status == "done"
    rows, docs, arts = _errors(db)
    by_file = {}
    for source, stage, severity, reason in rows:
        by_file.setdefault(source.rsplit("/", 1)[1], []).append((severity, reason))
    assert by_file["empty.txt"] == [("skipped", "empty file")]
    assert by_file["binary.txt"] == [("error", "binary content (NUL or control bytes): not a text document")]
    assert by_file["truncated.html.gz"] == [("error", "truncated or corrupt gzip file")]
    assert by_file["huge.txt"] == [("error", "file too large")]
    assert by_file["no-article.html"][0][0] == "skipped"
    assert by_file["no-article.html"][0][1].startswith("no article")
    assert by_file["notes.docx"] == [("skipped", "unsupported file type '.docx'")]
    # invalid UTF-8 and Latin-1 are decoded (with a warning for the replaced bytes), not lost
    assert by_file["invalid-utf8.txt"][0][0] == "warning"
    assert "invalid UTF-8" in by_file["invalid-utf8.txt"][0][1] or "decoded as" in by_file["invalid-utf8.txt"][0][1]
    bodies = {s.rsplit("/", 1)[1]: b for s, b in arts}
    assert set(bodies) == {"good.txt", "latin1.txt", "invalid-utf8.txt"}
    assert "Zürich" in bodies["latin1.txt"]
    assert "would resume in Doha on Monday" in bodies["invalid-utf8.txt"]
    assert stats.articles == 3
    assert stats.failed == 3 and stats.skipped == 3  # binary, truncated, huge; empty, docx, no-article


def test_run_with_only_bad_input_exits_nonzero(tmp_path):
    from typer.testing import CliRunner

    from eventwire.cli import app

    d = tmp_path / "bad"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "x.bin").write_bytes(b"\x00\x01")
    res = CliRunner().invoke(app, ["run", str(d), "--db", str(tmp_path / "t.duckdb"), "-q"])
    assert res.exit_code == 1
    assert "empty file" in res.output
    assert "unsupported file type '.bin'" in res.output


def test_missing_path_is_argument_error(tmp_path):
    from typer.testing import CliRunner

    from eventwire.cli import app

    res = CliRunner().invoke(app, ["run", str(tmp_path / "nope"), "--db", str(tmp_path / "t.duckdb")])
    assert res.exit_code == 2
    assert "no such file or directory" in res.output
    assert not (tmp_path / "t.duckdb").exists()


def test_deeply_nested_html_finishes(tmp_path):
    d = tmp_path / "n"
    d.mkdir()
    html = "<html><body>" + "<div>" * 5000 + "<p>" + "deep text " * 100 + "</p>" + "</div>" * 5000 + "</body></html>"
    (d / "deep.html").write_text(html, encoding="utf-8")
    stats, status = run([str(d)], RunConfig(db=str(tmp_path / "t.duckdb")))
    assert status == "done"
    assert stats.processed == 1  # extracted or recorded as a problem: either way, the run finished
