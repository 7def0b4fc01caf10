"""Sources -> Documents: walk files and directories and hand each file to the reader for its kind.

Readers are generators of :class:`~eventwire.records.Document` (something to process) and
:class:`~eventwire.records.Problem` (something that could not be read, with its reason). A broken file
yields a Problem and the walk goes on; nothing is skipped silently.

Supported kinds (by file name suffix, case-insensitive):

==================================  =======  ==================================================
suffix                              kind     one document per
==================================  =======  ==================================================
``.txt`` (+``.gz``)                 txt      file
``.html`` ``.htm`` ``.xhtml`` (+gz) html     file
``.jsonl`` ``.ndjson`` (+``.gz``)   jsonl    line: ``text`` or ``html``, optional ``url``,
                                             ``title``, ``published``, ``outlet``, ``language``
==================================  =======  ==================================================

More readers register themselves in :data:`eventwire.ingest.base.READERS`: WARC
(:mod:`eventwire.ingest.warc`), RSS/Atom/JSON Feed files (:mod:`eventwire.ingest.feeds`); URLs are read
by :mod:`eventwire.ingest.http`.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventwire.ids import content_id
from eventwire.ingest.base import DEFAULT_MAX_BYTES, READERS, DocumentTooLarge, read_whole, reader_for, register
from eventwire.ingest.decode import CONTROL, BinaryContent, decode_bytes
from eventwire.records import Document, Problem

#: JSONL fields copied into ``Document.hints``.
JSONL_HINTS = ("url", "title", "published", "outlet", "language", "authors", "fetched_at")

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


def url_scheme(p: object) -> str | None:
    """The scheme of a URL argument (``http``, ``ftp``...), lower case; ``None`` for a file path."""
    m = _SCHEME.match(p) if isinstance(p, str) else None
    return m.group(1).lower() if m else None


def iter_paths(paths: Iterable[str | os.PathLike[str]], problems: list[Problem] | None = None) -> Iterator[Path]:
    """The regular files under ``paths`` (:func:`walk` without its Problems).

    Args:
        paths: files and directories.
        problems: if given, the Problems :func:`walk` meets (unreadable directories, link loops,
            non-regular files) are appended to it, so the caller can record them.

    Raises:
        FileNotFoundError: a given path does not exist.
    """
    for item in walk(paths):
        if isinstance(item, Problem):
            if problems is not None:
                problems.append(item)
        else:
            yield item


_FILE_TYPES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _not_regular(path: Path) -> Problem | None:
    """The Problem for a path that is not a regular file (never opened: a FIFO would block the run
    forever, a device never ends), or for a broken symbolic link; ``None`` for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if path.is_symlink():
            return Problem(str(path), "read", "skipped", "broken symbolic link",
                           f"target {os.readlink(path)!r} does not exist")
        return Problem(str(path), "read", "error", "cannot read file", repr(exc))
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")
    return Problem(str(path), "read", "skipped", "not a regular file: not opened", f"{path} is {what}")


def walk(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Problem]:
    """Every regular file under ``paths``, and a Problem for what cannot be read.

    Files are given as they are; directories are walked recursively, each directory's files first
    (sorted by name), then its subdirectories (sorted). Symbolic links to directories are followed
    (what a user who links a folder into the input tree expects), with loop protection: a directory
    already read in this walk (``bad/loop -> .``, or two links to one folder) is not read again and is
    recorded as skipped with the reason. Problems (severity, reason):

    * ``error``, ``cannot read directory``: a directory that cannot be listed (permissions);
    * ``skipped``, ``directory already read (symbolic link loop or second link)``;
    * ``skipped``, ``not a regular file: not opened``: a FIFO, socket or device (never opened);
    * ``skipped``, ``broken symbolic link``.

    Raises:
        FileNotFoundError: a given path does not exist.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from _walk_dir(path)
        elif path.exists() or path.is_symlink():
            yield _not_regular(path) or path
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")


def _walk_dir(top: Path) -> Iterator[Path | Problem]:
    errors: list[Problem] = []

    def onerror(exc: OSError) -> None:
        errors.append(Problem(str(exc.filename or top), "read", "error", "cannot read directory",
                              f"{exc.strerror or exc}: its files are not read"))

    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, onerror=onerror, followlinks=True):
        yield from errors
        errors.clear()
        try:
            st = os.stat(root)
        except OSError as exc:
            yield Problem(root, "read", "error", "cannot read directory", repr(exc))
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            yield Problem(root, "read", "skipped", "directory already read (symbolic link loop or second link)",
                          f"{root} -> {os.path.realpath(root)}: not read again")
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs.sort()
        for f in sorted(files):
            path = Path(root) / f
            yield _not_regular(path) or path
    yield from errors


def iter_documents(paths: Iterable[str | os.PathLike[str]], max_bytes: int = DEFAULT_MAX_BYTES,
                   http=None) -> Iterator[Document | Problem]:
    """Read every file under ``paths`` (and every URL) into Documents, and Problems for what cannot be read.

    Args:
        paths: files and directories (walked recursively), and ``http(s)://`` URLs of pages or feeds.
        max_bytes: cap on one document's raw size; larger ones become a Problem.
        http: settings of the polite HTTP client for URLs (:class:`eventwire.ingest.http.HttpConfig`);
            defaults apply when ``None``.

    Yields:
        :class:`Document` or :class:`Problem`, in a deterministic order (inputs in the order given,
        directories in a sorted walk).

    Raises:
        FileNotFoundError: a given path does not exist (checked lazily, when reached).
    """
    client = None
    try:
        for p in paths:
            if isinstance(p, str) and p.lower().startswith(("http://", "https://")):
                from eventwire.ingest.http import HttpConfig, PoliteClient, read_url

                if client is None:
                    cfg = http or HttpConfig()
                    cfg.max_bytes = min(cfg.max_bytes, max_bytes)
                    client = PoliteClient(cfg)
                yield from read_url(p, client, max_bytes)
                continue
            scheme = url_scheme(p)
            if scheme is not None:
                yield Problem(str(p), "read", "skipped", f"unsupported URL scheme '{scheme}://'",
                              "only http:// and https:// URLs are fetched")
                continue
            for path in walk([p]):
                if isinstance(path, Problem):
                    yield path
                    continue
                found = reader_for(path)
                if found is None:
                    suffix = "".join(path.suffixes[-2:]) or "(none)"
                    yield Problem(str(path), "read", "skipped", f"unsupported file type '{suffix}'",
                                  "supported: " + ", ".join(sorted(READERS)))
                    continue
                _, reader = found
                try:
                    yield from reader(path, max_bytes)
                except OSError as exc:
                    yield Problem(str(path), "read", "error", "cannot read file", repr(exc))
    finally:
        if client is not None:
            client.close()


# ---------------------------------------------------------------------------------------------
# the readers of plain text, HTML and JSON Lines


def _whole_file(path: Path, max_bytes: int, kind: str) -> Iterator[Document | Problem]:
    data = read_whole(path, max_bytes)
    if isinstance(data, Problem):
        yield data
        return
    yield Document(doc_id=content_id(data), source=str(path), kind=kind, data=data, size=len(data))


@register(".txt", ".txt.gz")
def read_txt(path: Path, max_bytes: int) -> Iterator[Document | Problem]:
    """One plain-text article per ``.txt`` file, gzipped or not (decoded later, in extraction)."""
    yield from _whole_file(path, max_bytes, "txt")


@register(".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
def read_html(path: Path, max_bytes: int) -> Iterator[Document | Problem]:
    """One web page per ``.html``/``.htm`` file, gzipped or not."""
    yield from _whole_file(path, max_bytes, "html")


@register(".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
def read_jsonl(path: Path, max_bytes: int) -> Iterator[Document | Problem]:
    """One article per line of a JSON Lines file.

    Each line is an object with ``text`` (plain text) or ``html`` (a page), and optionally ``url``,
    ``title``, ``published``, ``outlet``, ``language``, ``authors``. A blank line is recorded as skipped
    (:func:`blank_line`); a bad line (invalid JSON, not an object, neither field, too large) becomes a
    Problem naming its line number and the other lines are still read. A truncated ``.gz`` keeps the
    lines read before the damage.
    """
    src = str(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    n = 0
    seen_any = False
    try:
        with opener(path, "rb") as fh:
            for n, raw in enumerate(fh, start=1):
                if not raw.strip():
                    yield blank_line(src, n)
                    continue
                seen_any = True
                yield jsonl_line(src, n, raw, max_bytes)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield Problem(src, "read", "error", "truncated or corrupt gzip file",
                      f"stopped after line {n}: {exc}")
        return
    if not seen_any:
        yield Problem(src, "read", "skipped", "empty file", "no JSON lines")


def blank_line(src: str, n: int) -> Problem:
    """The record of blank line ``n`` (1-based) of a JSONL file: skipped, reason ``blank line``, so that
    every line of an input is accounted for (it used to be counted nowhere)."""
    return Problem(src, "read", "skipped", "blank line", "", member=f"line {n}")


def jsonl_line(src: str, n: int, raw: bytes, max_bytes: int) -> Document | Problem:
    """Line ``n`` (1-based, not blank) of a JSONL file as a Document, or a Problem naming the line."""
    member = f"line {n}"
    if len(raw) > max_bytes:
        return Problem(src, "read", "error", "JSONL record too large", str(DocumentTooLarge(len(raw), max_bytes)),
                       member=member)
    return _jsonl_record(src, member, raw.strip())


#: Characters removed from JSONL text fields: C0 control characters except tab, line feed, form feed
#: and carriage return (a NUL inside a word, "condemned\x00", would reach the stored body and the
#: event trigger), and DEL: :data:`eventwire.ingest.decode.CONTROL`, which decoding removes from raw text.
_CONTROL = CONTROL
#: A UTF-16 surrogate code point on its own (JSON allows ``"\ud800"``; it cannot be encoded as UTF-8).
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str, name: str, warnings: list[str]) -> str:
    """``value`` without control characters and with lone surrogates replaced by U+FFFD, appending a
    warning naming the field ``name`` to ``warnings`` for each kind of repair made."""
    if _CONTROL.search(value):
        n = len(_CONTROL.findall(value))
        value = _CONTROL.sub("", value)
        warnings.append(f"JSONL field '{name}': {n} control character(s) (NUL etc.) removed")
    if _SURROGATE.search(value):
        n = len(_SURROGATE.findall(value))
        value = _SURROGATE.sub("\ufffd", value)
        warnings.append(f"JSONL field '{name}': {n} lone surrogate(s) replaced by U+FFFD")
    return value


def jsonl_hints(obj: dict) -> tuple[dict[str, Any], list[str]]:
    """The metadata fields of a JSONL record (:data:`JSONL_HINTS`) checked for type.

    Every field must be a string, except ``authors``: a list of strings or one string (made a list of
    one). A value of another type is dropped with a warning naming the field and the type found (it is
    never stored as ``"[a, b]"`` or ``"None"``); non-string members of ``authors`` are dropped the same
    way and the strings kept. Strings are cleaned by :func:`clean_text`.

    Returns:
        (hints, warnings).
    """
    hints: dict[str, Any] = {}
    warnings: list[str] = []
    for k in JSONL_HINTS:
        v = obj.get(k)
        if v is None or v == "":
            continue
        if k == "authors":
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list):
                warnings.append(f"JSONL field 'authors' ignored: expected a list of strings, got {type(v).__name__}")
                continue
            bad = sorted({type(a).__name__ for a in v if not isinstance(a, str)})
            if bad:
                warnings.append("JSONL field 'authors': non-string value(s) ignored (" + ", ".join(bad) + ")")
            names = [clean_text(a, k, warnings).strip() for a in v if isinstance(a, str)]
            if names := [a for a in names if a]:
                hints[k] = names
            continue
        if not isinstance(v, str):
            warnings.append(f"JSONL field '{k}' ignored: expected a string, got {type(v).__name__}")
            continue
        v = clean_text(v, k, warnings)
        if v.strip():
            hints[k] = v
    return hints, warnings


def _jsonl_record(src: str, member: str, raw: bytes) -> Document | Problem:
    doc_id = content_id(raw)
    try:
        decoded = decode_bytes(raw)
        obj = json.loads(decoded.text)
    except BinaryContent as exc:
        return Problem(src, "read", "error", "binary content", str(exc), member=member, doc_id=doc_id)
    except json.JSONDecodeError as exc:
        return Problem(src, "read", "error", "invalid JSON", str(exc), member=member, doc_id=doc_id)
    except RecursionError:  # "[[[[..." 100,000 deep: the decoder's recursion limit, not the run's end
        return Problem(src, "read", "error", "invalid JSON: nested too deeply",
                       f"more levels of arrays/objects than Python's JSON decoder takes ({len(raw):,} bytes)",
                       member=member, doc_id=doc_id)
    if not isinstance(obj, dict):
        return Problem(src, "read", "error", "JSONL line is not an object",
                       f"got {type(obj).__name__}", member=member, doc_id=doc_id)
    body_text, body_html = obj.get("text"), obj.get("html")
    if not isinstance(body_text, str) and not isinstance(body_html, str):
        wrong = [f"'{k}' is {type(obj[k]).__name__}" for k in ("text", "html") if obj.get(k) is not None]
        if wrong:
            return Problem(src, "read", "error", "JSONL field 'text'/'html' is not a string", "; ".join(wrong),
                           member=member, doc_id=doc_id)
        return Problem(src, "read", "error", "JSONL record has no 'text' or 'html' field",
                       "keys: " + ", ".join(sorted(obj))[:200], member=member, doc_id=doc_id)
    hints, warnings = jsonl_hints(obj)
    warnings = [f"JSONL line: {w}" for w in decoded.warnings] + warnings  # bytes replaced, controls removed
    for k, v in (("text", body_text), ("html", body_html)):
        if v is not None and not isinstance(v, str):
            warnings.append(f"JSONL field '{k}' ignored: expected a string, got {type(v).__name__}")
    if isinstance(body_text, str) and body_text.strip():
        return Document(doc_id=doc_id, source=src, member=member, kind="jsonl",
                        text=clean_text(body_text, "text", warnings), hints=hints, size=len(raw), warnings=warnings)
    if isinstance(body_html, str) and body_html.strip():
        return Document(doc_id=doc_id, source=src, member=member, kind="jsonl",
                        html=clean_text(body_html, "html", warnings), hints=hints, size=len(raw), warnings=warnings)
    return Problem(src, "read", "skipped", "empty article", "'text'/'html' is empty",
                   member=member, doc_id=doc_id)
