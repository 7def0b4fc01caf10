"""A generator of bad inputs for the standing robustness suite (issue 14, item 8).

:func:`generate` writes one folder per kind of bad input under a root folder and returns the
:class:`Kind` list: its name, and the *units* it made: the files, and for JSON Lines files every line
(``member`` ``line N``), that must each end as a ``documents`` row or an ``errors`` row (the
invariant checked by ``tests/test_robustness_suite.py``). Some kinds are good inputs in a bad form
(UTF-16 without BOM, a file behind a symbolic link): they must become articles.

Usage: ``python tests/bad_inputs.py OUTDIR`` writes the inputs (to attack a build by hand).
Written for eventwire; every text is made up.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: A run over the inputs uses this ``--max-bytes`` (the oversized kinds are made just above it).
MAX_BYTES = 1_000_000

ARTICLE = ("Ministers meet in Geneva over the border crisis\n\nMarch 3, 2024\n\n"
           "GENEVA, March 3 (Reuters) - The foreign ministers of France and Germany met in Geneva on Monday "
           "to discuss the border crisis, officials said. \"We agreed on the next steps,\" the French "
           "minister told reporters after the talks. Thousands of farmers protested outside the hall, and "
           "police arrested twelve people.\n")


def article(i: int | str) -> str:
    """A distinct short news article (plain text with a title and a date line)."""
    return ARTICLE.replace("border crisis", f"border crisis number {i}").replace("twelve", f"{i} and twelve")


def page(i: int | str, extra: str = "") -> str:
    """A distinct web page holding :func:`article` ``i``."""
    body = article(i).split("\n\n", 2)[2]
    return (f"<html><head><title>Ministers meet {i}</title>{extra}</head><body><article><h1>Ministers meet {i}</h1>"
            f"<p>{body}</p><p>{body}</p></article></body></html>")


@dataclass
class Kind:
    """One kind of bad input: its name, the units it wrote (``(path, member)``; member ``None`` for
    a whole file) and whether each unit should become an article (``None``: either way)."""

    name: str
    units: list[tuple[str, str | None]] = field(default_factory=list)
    articles: int | None = None  # how many articles the kind must give (None: not checked)
    #: paths recorded at their own level (a FIFO, a link loop): they must appear in ``errors.source``
    special: list[str] = field(default_factory=list)


def _w(path: Path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def _jsonl(path: Path, lines: list[bytes | str]) -> list[tuple[str, str | None]]:
    raw = b"".join((ln.encode("utf-8") if isinstance(ln, str) else ln) + b"\n" for ln in lines)
    src = _w(path, raw)
    return [(src, f"line {n}") for n in range(1, len(lines) + 1)]


def _rec(text: str, **kw) -> str:
    return json.dumps({"text": text, **kw})


def _warc_record(body: bytes, rid: str, ctype: bytes = b"text/html; charset=utf-8", status: bytes = b"200 OK") -> bytes:
    http = b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\n\r\n" + body
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:" + rid.encode() + b">\r\n"
            b"WARC-Target-URI: https://example.org/" + rid.encode() + b"\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % len(http))
    return head + http + b"\r\n\r\n"


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")


def _kinds() -> dict[str, Callable[[Path], Kind]]:
    rnd = random.Random(14)
    k: dict[str, Callable[[Path], Kind]] = {}

    def kind(name: str, articles: int | None = None):
        def deco(fn: Callable[[Path], list[tuple[str, str | None]] | tuple]):
            def make(d: Path) -> Kind:
                out = fn(d)
                units, special = (out if isinstance(out, tuple) else (out, []))
                return Kind(name, units, articles, special)
            k[name] = make
            return fn
        return deco

    # -- plain text and encodings ---------------------------------------------------------------
    kind("empty-file", 0)(lambda d: [(_w(d / "empty.txt", b""), None)])
    kind("whitespace-only", 0)(lambda d: [(_w(d / "blank.txt", b" \n\t\n\r\n   "), None)])
    kind("random-binary-as-txt", 0)(lambda d: [(_w(d / "noise.txt", bytes(rnd.randrange(256) for _ in range(6000))), None)])
    kind("pdf-bytes-as-txt", 0)(lambda d: [(_w(d / "paper.txt", b"%PDF-1.4\n" + bytes(range(256)) * 20), None)])
    kind("a-few-nul-bytes", 1)(lambda d: [(_w(d / "nul.txt", article("nul").encode().replace(b"officials", b"offi\x00cials", 1)
                                              .replace(b"police", b"pol\x00ice", 1)), None)])
    kind("control-bytes", 1)(lambda d: [(_w(d / "ctrl.txt", article("ctrl").encode().replace(b"talks", b"ta\x01\x02lks")), None)])
    kind("utf8-with-three-bad-bytes", 1)(lambda d: [(_w(d / "badbytes.txt", (article("bad bytes") + " Zölle, Gespräche, „gut“. " * 20)
                                                        .encode().replace(b"Monday", b"Mon\xffday", 1)
                                                        .replace(b"officials", b"offi\xfecials", 1)
                                                        .replace(b"police", b"pol\xffice", 1)), None)])
    kind("cp1252-text", 1)(lambda d: [(_w(d / "cp1252.txt", (article("cp") + " Le ministre a déclaré « très bien ».").encode("cp1252")), None)])
    kind("utf16-with-bom", 1)(lambda d: [(_w(d / "u16.txt", article("utf16 bom").encode("utf-16")), None)])
    kind("utf16-without-bom", 1)(lambda d: [(_w(d / "u16le.txt", article("utf16 le").encode("utf-16-le")), None)])
    kind("only-a-bom", 0)(lambda d: [(_w(d / "bom.txt", b"\xef\xbb\xbf"), None)])
    kind("mojibake", 1)(lambda d: [(_w(d / "mojibake.txt", article("moji").replace("said.", "said. Itâ€™s â€œgoodâ€\x9d.").encode()), None)])
    kind("one-huge-line", None)(lambda d: [(_w(d / "hugeline.txt", "Title\n\n" + "x" * 900_000), None)])
    kind("oversized-file", 0)(lambda d: [(_w(d / "huge.txt", article("huge") + "word " * (MAX_BYTES // 5)), None)])
    kind("only-a-title", None)(lambda d: [(_w(d / "title.txt", "Ministers meet in Geneva\n"), None)])
    kind("undecodable-file-name", 1)(lambda d: [(_w(Path(os.fsdecode(os.fsencode(str(d)) + b"/bad\xffname.txt")), article("fname")), None)])
    kind("very-long-file-name", 1)(lambda d: [(_w(d / ("n" * 240 + ".txt"), article("longname")), None)])
    kind("newline-in-file-name", 1)(lambda d: [(_w(d / "new\nline\tname.txt", article("newline name")), None)])
    kind("unsupported-type", 0)(lambda d: [(_w(d / "report.pdf", b"%PDF-1.4 nothing"), None)])
    kind("no-extension", 0)(lambda d: [(_w(d / "README", article("noext")), None)])
    kind("hidden-file", 1)(lambda d: [(_w(d / ".hidden.txt", article("hidden")), None)])
    kind("directory-named-like-a-file", 1)(lambda d: [(_w(d / "folder.txt" / "inside.txt", article("inside")), None)])
    kind("same-content-twice", 1)(lambda d: [(_w(d / "a.txt", article("twice")), None), (_w(d / "b.txt", article("twice")), None)])

    # -- HTML -----------------------------------------------------------------------------------
    kind("html-without-article", 0)(lambda d: [(_w(d / "nav.html", "<html><body><nav><a href='/'>Home</a> <a href='/x'>World</a></nav></body></html>"), None)])
    kind("html-deep-nesting", None)(lambda d: [(_w(d / "deep.html", "<html><body>" + "<div>" * 20000 + "<p>" + article("deep") + "</p>" + "</div>" * 20000 + "</body></html>"), None)])
    kind("html-huge-attribute", None)(lambda d: [(_w(d / "attr.html", page("attr").replace("<article>", "<article data-x='" + "a" * 500_000 + "'>")), None)])
    kind("html-entity-expansion", None)(lambda d: [(_w(d / "laughs.xhtml", LAUGHS + "<html><body><p>&lol9;</p><article><p>" + article("laughs") + "</p></article></body></html>"), None)])
    kind("html-script-only", 0)(lambda d: [(_w(d / "script.html", "<html><body><script>" + "var x = 1;" * 2000 + "</script></body></html>"), None)])
    kind("html-charset-lie", 1)(lambda d: [(_w(d / "lie.html", page("charset lie", '<meta charset="utf-16">')), None)])
    kind("html-unknown-charset", 1)(lambda d: [(_w(d / "unknown.html", page("unknown charset", '<meta charset="x-no-such">')), None)])
    kind("html-gzip-bomb", 0)(lambda d: [(_w(d / "bomb.html.gz", gzip.compress(b"<html><body><p>" + b"a" * (40 * MAX_BYTES) + b"</p></body></html>")), None)])
    kind("html-gzip-truncated", 0)(lambda d: [(_w(d / "cut.html.gz", gzip.compress(page("cut").encode())[:-60]), None)])
    kind("html-gzip-not-gzip", 0)(lambda d: [(_w(d / "plain.html.gz", page("notgz")), None)])
    kind("html-malformed-tags", None)(lambda d: [(_w(d / "tags.html", "<html><body><p<p<<>><article>" + article("tags") + "</p></div></span><<//>>"), None)])
    kind("html-null-bytes-everywhere", 0)(lambda d: [(_w(d / "nulls.html", page("nulls").replace("e", "e\x00")), None)])

    # -- JSON Lines -----------------------------------------------------------------------------
    kind("jsonl-blank-lines", 2)(lambda d: _jsonl(d / "blank.jsonl", [_rec(article("jb1")), "", "   ", _rec(article("jb2")), "\t"]))
    kind("jsonl-invalid-json", 1)(lambda d: _jsonl(d / "invalid.jsonl", ["{not json", _rec(article("ji")), '{"text": "unterminated']))
    kind("jsonl-not-an-object", 0)(lambda d: _jsonl(d / "notobj.jsonl", ["[1, 2]", "42", '"text"', "null", "true"]))
    kind("jsonl-no-text-field", 0)(lambda d: _jsonl(d / "nofield.jsonl", ['{"url": "https://x.org/a"}', '{"body": "x"}']))
    kind("jsonl-text-not-a-string", 0)(lambda d: _jsonl(d / "types.jsonl", ['{"text": 42}', '{"text": ["a"]}', '{"html": {"x": 1}}']))
    kind("jsonl-wrong-metadata-types", 1)(lambda d: _jsonl(d / "meta.jsonl", [_rec(article("jm"), title=42, published=[2024], authors={"a": 1})]))
    kind("jsonl-deep-nesting", 0)(lambda d: _jsonl(d / "nested.jsonl", ["[" * 100_000 + "]" * 100_000, '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}"]))
    kind("jsonl-huge-line", 1)(lambda d: _jsonl(d / "hugeline.jsonl", [_rec("word " * (MAX_BYTES // 4)), _rec(article("after huge"))]))
    kind("jsonl-duplicate-lines", 1)(lambda d: _jsonl(d / "dups.jsonl", [_rec(article("jd"))] * 3))
    kind("jsonl-gzip-truncated", None)(lambda d: (lambda raw: ([(_w(d / "cut.jsonl.gz", gzip.compress(raw)[: len(gzip.compress(raw)) // 2]), None)]))(
        "".join(_rec(article(f"jt{i}")) + "\n" for i in range(6)).encode()))
    kind("jsonl-gzip-bomb", 0)(lambda d: [(_w(d / "bomb.jsonl.gz", gzip.compress(b'{"text": "' + b"a" * (20 * MAX_BYTES) + b'"}\n')), "line 1")])
    kind("jsonl-lone-surrogates", 1)(lambda d: _jsonl(d / "surrogate.jsonl", ['{"text": ' + json.dumps(article("sur"))[:-1] + '\\ud800", "title": "\\udc00"}']))
    kind("jsonl-nul-escapes", 1)(lambda d: _jsonl(d / "nul.jsonl", ['{"text": ' + json.dumps(article("jn")).replace("officials", "offi\\u0000cials") + "}"]))
    kind("jsonl-crlf-lines", 2)(lambda d: [(_w(d / "crlf.jsonl", (_rec(article("c1")) + "\r\n" + _rec(article("c2")) + "\r\n").encode()), "line 1"),
                                          (str(d / "crlf.jsonl"), "line 2")])
    kind("jsonl-bom-first-line", 1)(lambda d: [(_w(d / "bom.jsonl", b"\xef\xbb\xbf" + _rec(article("jbom")).encode() + b"\n"), "line 1")])
    kind("jsonl-empty-text", 0)(lambda d: _jsonl(d / "emptytext.jsonl", ['{"text": ""}', '{"text": "   ", "html": ""}']))
    kind("jsonl-empty-file", 0)(lambda d: [(_w(d / "zero.jsonl", b""), None)])
    kind("jsonl-binary-line", 1)(lambda d: _jsonl(d / "binline.jsonl", [bytes(rnd.randrange(256) for _ in range(300)).replace(b"\n", b" "), _rec(article("jbin"))]))

    # -- WARC and feeds -------------------------------------------------------------------------
    kind("warc-truncated-record", 2)(lambda d: [(_w(d / "cut.warc", (_warc_record(page("w1").encode(), "1") + _warc_record(page("w2").encode(), "2"))[:-300]), None)])
    kind("warc-not-a-warc", 0)(lambda d: [(_w(d / "garbage.warc", b"this is not a web archive\n" * 50), None)])
    kind("warc-no-html-records", 0)(lambda d: [(_w(d / "images.warc", _warc_record(b"\x89PNG...", "3", b"image/png") + _warc_record(b"gone", "4", status=b"404 Not Found")), None)])
    kind("warc-gzip-truncated", None)(lambda d: [(_w(d / "cut.warc.gz", gzip.compress(_warc_record(page("wg").encode(), "5") * 1)[:-40]), None)])
    kind("rss-entity-expansion", None)(lambda d: [(_w(d / "laughs.rss", LAUGHS.replace("lolz", "rss") + "<rss><channel><title>&lol9;</title><item><title>x</title>"
                                                     "<description>&lol9;</description></item></channel></rss>"), None)])
    kind("rss-external-entity", None)(lambda d: [(_w(d / "xxe.rss", '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                                    "<rss><channel><item><title>t</title><description>&xxe;</description></item></channel></rss>"), None)])
    kind("rss-malformed-xml", None)(lambda d: [(_w(d / "broken.rss", "<rss><channel><item><title>unclosed"), None)])
    kind("json-feed-deep-nesting", 0)(lambda d: [(_w(d / "deep.json", "[" * 100_000 + "]" * 100_000), None)])
    kind("json-feed-invalid", 0)(lambda d: [(_w(d / "feed.json", '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1, '), None)])
    kind("atom-teaser-only", 0)(lambda d: [(_w(d / "teaser.atom", '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>f</title>'
                                                 "<entry><title>Ministers meet</title><id>1</id><summary>Short.</summary></entry></feed>"), None)])

    # -- the file system ------------------------------------------------------------------------
    def fifo(d: Path):
        d.mkdir(parents=True, exist_ok=True)
        os.mkfifo(d / "pipe.txt")
        return [], [str(d / "pipe.txt")]

    def loop(d: Path):
        _w(d / "real.txt", article("loop"))
        os.symlink(".", d / "loop")
        return [(str(d / "real.txt"), None)], [str(d / "loop")]

    def broken(d: Path):
        d.mkdir(parents=True, exist_ok=True)
        os.symlink(d / "nowhere.txt", d / "broken.txt")
        return [], [str(d / "broken.txt")]

    def linked(d: Path):
        target = _w(d / "target" / "t.md", article("linked"))  # not read itself (.md)
        os.symlink(target, d / "link.txt")
        return [(str(d / "link.txt"), None), (target, None)]

    def device(d: Path):
        d.mkdir(parents=True, exist_ok=True)
        os.symlink("/dev/zero", d / "zero.txt")
        return [], [str(d / "zero.txt")]

    kind("fifo", 0)(fifo)
    kind("symlink-loop", 1)(loop)
    kind("broken-symlink", 0)(broken)
    kind("symlink-to-a-file", 1)(linked)
    kind("symlink-to-a-device", 0)(device)
    return k


KINDS = _kinds()


def generate(root: Path) -> list[Kind]:
    """Write every kind under ``root/<kind name>/`` and return the kinds with their units."""
    root.mkdir(parents=True, exist_ok=True)
    return [make(root / name) for name, make in KINDS.items()]


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-inputs")
    kinds = generate(out)
    print(f"{len(kinds)} kinds, {sum(len(k.units) + len(k.special) for k in kinds)} units in {out}")
