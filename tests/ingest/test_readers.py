"""Readers: each input kind becomes Documents, and what cannot be read becomes a Problem with a reason."""
from __future__ import annotations

import gzip
import json

from eventwire.extract import extract
from eventwire.ingest import iter_documents
from eventwire.ingest.decode import decode_bytes
from eventwire.records import Document, Problem

HTML = """<html><head><title>Rebels and army agree truce | Example Times</title>
<meta property="og:site_name" content="Example Times"><meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2024-05-02T10:00:00+02:00"></head>
<body><nav>Home News Sport</nav><article><h1>Rebels and army agree truce</h1>
<p>The army and rebel commanders agreed on Thursday to a three-day truce to allow aid into the besieged city,
the mediators said in a statement released in the capital.</p>
<p>Aid agencies welcomed the truce and said convoys carrying food and medicine were ready to leave at dawn.</p>
<p>Read more: How the siege began</p></article></body></html>"""


def _all(paths):
    return list(iter_documents(paths))


def test_txt_reader(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Title\n\nBody text of the article.\n", encoding="utf-8")
    (doc,) = _all([f])
    assert isinstance(doc, Document)
    assert (doc.kind, doc.source, doc.member, doc.size) == ("txt", str(f), None, f.stat().st_size)
    assert len(doc.doc_id) == 24


def test_html_and_html_gz_reader_same_id(tmp_path):
    (tmp_path / "p.html").write_text(HTML, encoding="utf-8")
    with gzip.open(tmp_path / "q.html.gz", "wt", encoding="utf-8") as fh:
        fh.write(HTML)
    a, b = _all([tmp_path])
    assert a.kind == b.kind == "html"
    assert a.doc_id == b.doc_id  # same content, same id
    art = extract(b)
    assert art.title == "Rebels and army agree truce"
    assert art.outlet == "Example Times"
    assert art.authors == ["Ana Ruiz"]
    assert art.body.startswith("The army and rebel commanders agreed on Thursday")
    assert art.boilerplate == ["Read more: How the siege began"]
    assert "Home News Sport" not in art.body


def test_jsonl_reader_text_html_and_bad_lines(tmp_path):
    f = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "Ministers met in Rome on Friday to discuss trade.", "title": "Ministers meet",
                    "url": "https://www.reuters.com/world/x", "published": "2024-02-02T08:00:00Z", "outlet": "Reuters"}),
        "",
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"url": "https://x.org/no-body"}),
        json.dumps({"html": HTML, "url": "https://example.com/truce"}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = _all([f])
    docs = [i for i in items if isinstance(i, Document)]
    probs = [i for i in items if isinstance(i, Problem)]
    assert [d.member for d in docs] == ["line 1", "line 6"]
    assert docs[0].text.startswith("Ministers met") and docs[0].hints["outlet"] == "Reuters"
    assert docs[1].html is not None
    assert [(p.member, p.reason) for p in probs] == [
        ("line 2", "blank line"),  # recorded, not dropped (issue 14)
        ("line 3", "invalid JSON"),
        ("line 4", "JSONL line is not an object"),
        ("line 5", "JSONL record has no 'text' or 'html' field"),
    ]
    a = extract(docs[0])
    assert (a.title, a.published, a.outlet, a.outlet_domain) == (
        "Ministers meet", "2024-02-02T08:00+00:00", "Reuters", "reuters.com")
    assert a.body == "Ministers met in Rome on Friday to discuss trade."


def test_unsupported_and_directory_walk_is_sorted(tmp_path):
    """A directory's files come first (sorted), then its subdirectories (sorted)."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("T\n\nBody.", encoding="utf-8")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "c.txt").write_text("T\n\nOther body.", encoding="utf-8")
    items = _all([tmp_path])
    assert [type(i).__name__ for i in items] == ["Problem", "Document", "Document"]
    assert items[0].reason == "unsupported file type '.pdf'" and items[0].severity == "skipped"
    assert items[1].source.endswith("/c.txt") and items[2].source.endswith("b/z.txt")


def test_decode_charsets():
    assert decode_bytes("Zürich".encode("cp1252")).text == "Zürich"
    assert decode_bytes("\ufeffhello".encode("utf-8")).text == "hello"
    assert decode_bytes("caf\u00e9".encode("utf-16")).text == "café"
    meta = '<meta charset="iso-8859-1"><p>Gen\u00e8ve</p>'.encode("latin-1")
    d = decode_bytes(meta, html=True)
    assert "Genève" in d.text and d.charset == "iso8859-1"
    moji = "The minister’s statement".encode("utf-8").decode("cp1252").encode("utf-8")
    d = decode_bytes(moji)
    assert d.text == "The minister’s statement"
    assert d.warnings and d.warnings[0].startswith("mojibake repaired")


TXT = """Army and rebels agree truce in Goma
May 2, 2024

GOMA - The army and rebel commanders agreed on Thursday to a three-day truce, the mediators said.
"""


def test_txt_gz_reader_is_the_txt_reader_gunzipped(tmp_path):
    """A gzipped plain-text dump (``.txt.gz``) was 'unsupported file type' while ``.html.gz`` and
    ``.jsonl.gz`` were read: it is the same document as its ``.txt``, and the progress bar counts it."""
    from eventwire.runner import count_inputs

    (tmp_path / "a.txt").write_text(TXT, encoding="utf-8")
    with gzip.open(tmp_path / "b.TXT.GZ", "wt", encoding="utf-8") as fh:
        fh.write(TXT)
    a, b = sorted(_all([tmp_path]), key=lambda d: d.source)
    assert isinstance(b, Document) and b.source.endswith("b.TXT.GZ")
    assert a.kind == b.kind == "txt"
    assert a.doc_id == b.doc_id and b.data == TXT.encode("utf-8")
    art = extract(b)
    assert art.title == "Army and rebels agree truce in Goma"
    assert art.published == "2024-05-02"
    assert art.body.startswith("The army and rebel commanders agreed on Thursday")
    assert count_inputs([str(tmp_path)]) == 2


def test_txt_gz_truncated_is_a_stated_error(tmp_path):
    f = tmp_path / "cut.txt.gz"
    f.write_bytes(gzip.compress(TXT.encode("utf-8"))[:-20])
    (p,) = _all([f])
    assert isinstance(p, Problem)
    assert (p.severity, p.reason) == ("error", "truncated or corrupt gzip file")
