"""Issue 14, item 3: every input document ends as an article or a recorded reason.

Second copies of a content and blank JSONL lines used to leave no row anywhere (only a count); a
truncated WARC record was kept without a warning; a few NUL bytes made a whole article "binary"; a
UTF-8 file with three bad bytes was decoded entirely by the statistical detector (as cp850).
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from eventwire.ingest.decode import decode_bytes, looks_binary
from eventwire.ingest.files import read_jsonl
from eventwire.ingest.warc import read_warc
from eventwire.records import Document, Problem
from eventwire.runbase import DUPLICATE_REASON
from eventwire.runner import RunConfig, run
from tests.conftest import EXAMPLES

ARTICLE = EXAMPLES / "txt" / "santiago-protests.txt"


def _errors(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT source, member, doc_id, severity, reason, detail FROM errors "
                           "WHERE reason IN (?, 'blank line') ORDER BY source, member", [DUPLICATE_REASON]).fetchall()
    finally:
        con.close()


def test_copies_and_blank_lines_are_recorded_once_and_rereads_are_not_copies(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(ARTICLE, d / "a.txt")
    shutil.copy(ARTICLE, d / "b.txt")
    text = ARTICLE.read_text(encoding="utf-8")
    line = json.dumps({"text": text, "url": "https://example.org/santiago"})
    (d / "c.jsonl").write_text(line + "\n\n   \n" + line + "\n" + json.dumps({"text": "Short note."}) + "\n",
                               encoding="utf-8")
    db = tmp_path / "x.duckdb"
    stats, status = run([str(d)], RunConfig(db=str(db), corpus=False))
    assert status == "done"
    assert stats.duplicates == 2 and stats.already_done == 2  # b.txt (copy of a.txt), c.jsonl line 4 (of line 1)

    con = duckdb.connect(str(db), read_only=True)
    firsts = {Path(s).name + (f" ({m})" if m else ""): (i, s, m) for i, s, m in con.execute(
        "SELECT doc_id, source, member FROM documents").fetchall()}
    con.close()
    assert sorted(firsts) == ["a.txt", "c.jsonl (line 1)", "c.jsonl (line 5)"]
    rows = _errors(db)
    src = {Path(r[0]).name + (f" {r[1]}" if r[1] else ""): r for r in rows}
    assert sorted(src) == ["b.txt", "c.jsonl line 2", "c.jsonl line 3", "c.jsonl line 4"]
    for key, first in (("b.txt", "a.txt"), ("c.jsonl line 4", "c.jsonl (line 1)")):
        _, _, doc_id, severity, reason, detail = src[key]
        first_id, first_source, first_member = firsts[first]
        assert (doc_id, severity, reason) == (first_id, "skipped", DUPLICATE_REASON)
        where = first_source + (f" ({first_member})" if first_member else "")
        assert detail == f"same content as document {first_id}, read from {where}"
    for key in ("c.jsonl line 2", "c.jsonl line 3"):
        assert src[key][3:5] == ("skipped", "blank line")

    # the same command again: nothing new; the same folder by another spelling is not a copy of itself
    again, _ = run([str(d)], RunConfig(db=str(db), corpus=False))
    assert again.processed == 0 and again.duplicates == 2 and _errors(db) == rows
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        third, _ = run(["./in/../in"], RunConfig(db=str(db), corpus=False))
    finally:
        os.chdir(cwd)
    # the copies are recorded under the new spelling too (errors are keyed by source), but a.txt and
    # line 1 are not copies of themselves
    assert third.processed == 0 and third.duplicates == 2
    assert {(Path(r[0]).name, r[1], r[4]) for r in _errors(db)} == {(Path(r[0]).name, r[1], r[4]) for r in rows}


def test_blank_lines_are_yielded_by_the_reader(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"text": "One."}\n\n{"text": "Two."}\n \t\n')
    items = list(read_jsonl(f, 10_000))
    assert [(type(x).__name__, x.member) for x in items] == [
        ("Document", "line 1"), ("Problem", "line 2"), ("Document", "line 3"), ("Problem", "line 4")]
    assert {x.reason for x in items if isinstance(x, Problem)} == {"blank line"}


def _warc_record(body: bytes, rid: str) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:" + rid.encode() + b">\r\n"
            b"WARC-Target-URI: https://example.org/" + rid.encode() + b"\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % len(http))
    return head + http + b"\r\n\r\n"


def test_a_truncated_warc_record_is_kept_with_a_warning(tmp_path):
    page = b"<html><body><article><p>" + b"The ministers met in Oslo on Tuesday. " * 60 + b"</p></article></body></html>"
    second = page.replace(b"Oslo", b"Bergen")
    whole = _warc_record(page, "1") + _warc_record(second, "2")
    f = tmp_path / "crawl.warc"
    f.write_bytes(whole[:-900])  # the file ends inside the second record's body
    docs = [x for x in read_warc(f, 10_000_000) if isinstance(x, Document)]
    assert [d.member for d in docs] == ["urn:uuid:1", "urn:uuid:2"]
    assert docs[0].warnings == []
    (w,) = docs[1].warnings
    assert w.startswith("WARC record truncated: ") and w.endswith("bytes read: processed what was read")
    read, declared = (int(x.replace(",", "")) for x in w.split(": ")[1].split(" bytes")[0].split(" of "))
    assert read == len(docs[1].data) and declared == len(second) and read < declared


def test_a_few_nul_bytes_do_not_make_an_article_binary():
    text = ("The minister condemned the attack on the convoy, officials said on Monday. " * 60).encode()
    data = text[:700] + b"\x00" + text[700:1500] + b"\x00\x01" + text[1500:]
    assert not looks_binary(data)
    d = decode_bytes(data)
    assert "\x00" not in d.text and "\x01" not in d.text and d.text.startswith("The minister condemned")
    assert d.warnings == ["3 control character(s) (NUL etc.) removed"]
    # real binaries still are binary: random bytes, and a text full of NULs
    assert all(looks_binary(os.urandom(8192)) for _ in range(50))
    assert looks_binary(b"\x00".join([b"abc"] * 100))


def test_a_utf8_file_with_three_bad_bytes_is_decoded_as_utf8():
    text = ("Die Gespräche über Zölle in Genf verliefen „gut“, sagte der Minister. " * 20).encode()
    a, b, c = (text.index(b" ", n) for n in (100, 600, 900))  # between characters
    data = text[:a] + b"\xff" + text[a:b] + b"\xfe" + text[b:c] + b"\xff" + text[c:]
    d = decode_bytes(data)
    assert d.charset == "utf-8"
    assert d.warnings == ["invalid UTF-8: 3 undecodable byte sequence(s) replaced by U+FFFD (the rest is valid UTF-8)"]
    assert d.text.count("\ufffd") == 3 and d.text.count("Gespräche") == 20
    # a text in a one-byte charset is still read as such
    w = decode_bytes("Le président a déclaré que les négociations à Genève étaient «bonnes».".encode("cp1252"))
    assert w.charset == "cp1252" and "président" in w.text


def test_a_dask_run_records_the_same_copies_and_blank_lines_as_a_local_run(tmp_path):
    """Copies inside one shard, copies across shards and blank lines: the same errors rows."""
    from eventwire.scale.dask_runner import run_dask

    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(ARTICLE, d / name)
    line = json.dumps({"text": ARTICLE.read_text(encoding="utf-8")})
    (d / "d.jsonl").write_text(line + "\n\n" + line + "\n", encoding="utf-8")
    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    run([str(d)], RunConfig(db=str(local_db), corpus=False))
    stats, status = run_dask([str(d)], RunConfig(db=str(dask_db), corpus=False, cluster="dask", workers=1,
                                                  shard_files=2))  # a.txt, b.txt | c.txt, d.jsonl
    assert status == "done" and stats.shards == 2
    assert stats.duplicates == 3  # b.txt, c.txt (copies of a.txt), d.jsonl line 3 (of line 1)

    def rows(db):
        return sorted((Path(r[0]).name, r[1], r[2], r[3], r[4]) for r in _errors(db))

    assert rows(dask_db) == rows(local_db)
    assert [r[4] for r in rows(local_db)].count(DUPLICATE_REASON) == 3
