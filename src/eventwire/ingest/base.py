"""What every reader shares: the registry of readers by file suffix, the size cap, whole-file reading.

A reader is a generator of :class:`~eventwire.records.Document` (something to process) and
:class:`~eventwire.records.Problem` (something that could not be read, with its reason), registered
for its file suffixes with :func:`register`. The readers are :mod:`eventwire.ingest.files` (plain
text, HTML, JSON Lines), :mod:`eventwire.ingest.warc` and :mod:`eventwire.ingest.feeds`; importing
:mod:`eventwire.ingest` registers them all. :func:`eventwire.ingest.files.iter_documents` hands each
file to the reader of its suffix (:func:`reader_for`).
"""
from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from eventwire.ids import content_id
from eventwire.records import Document, Problem

#: Default cap on one document's raw size, in bytes (20 MB). Larger documents are refused with a
#: stated reason: a news article is rarely above 2 MB of HTML.
DEFAULT_MAX_BYTES = 20_000_000

Reader = Callable[[Path, int], Iterator[Document | Problem]]

#: Suffix -> reader. Longest suffix wins (``.html.gz`` before ``.gz``).
READERS: dict[str, Reader] = {}

def register(*suffixes: str) -> Callable[[Reader], Reader]:
    """Decorator: register a reader for the given file suffixes (lower case, with the dot)."""

    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            READERS[s] = fn
        return fn

    return deco


def reader_for(path: Path) -> tuple[str, Reader] | None:
    """The (suffix, reader) for ``path``: the longest registered suffix that ends its name."""
    name = path.name.lower()
    best = None
    for suffix, fn in READERS.items():
        if name.endswith(suffix) and (best is None or len(suffix) > len(best[0])):
            best = (suffix, fn)
    return best


def read_capped(path: Path, max_bytes: int) -> bytes:
    """Read a file (transparently gunzipping ``*.gz``), refusing more than ``max_bytes``.

    Raises:
        DocumentTooLarge: the (decompressed) content exceeds ``max_bytes``.
        TruncatedInput: a ``.gz`` file is truncated or corrupt.
        OSError: the file cannot be opened.
    """
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise TruncatedInput(f"truncated or corrupt gzip stream: {exc}") from exc
    else:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentTooLarge(size, max_bytes)
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise DocumentTooLarge(len(data), max_bytes)
    return data


class DocumentTooLarge(ValueError):
    """A document's raw content exceeds the size cap (``--max-bytes``)."""

    def __init__(self, size: int, cap: int):
        self.size, self.cap = size, cap
        more = "more than " if size == cap + 1 else ""
        super().__init__(f"too large: {more}{size:,} bytes > cap {cap:,} bytes (--max-bytes)")


class TruncatedInput(ValueError):
    """A compressed input ends early or is corrupt."""


def read_whole(path: Path, max_bytes: int) -> bytes | Problem:
    """A whole file's bytes (gunzipped), or the Problem that stops it: too large, a truncated or corrupt
    gzip stream, or empty (nothing but whitespace)."""
    src = str(path)
    try:
        data = read_capped(path, max_bytes)
    except DocumentTooLarge as exc:
        return Problem(src, "read", "error", "file too large", str(exc))
    except TruncatedInput as exc:
        return Problem(src, "read", "error", "truncated or corrupt gzip file", str(exc))
    if not data.strip():
        return Problem(src, "read", "skipped", "empty file", f"{len(data)} bytes, no text", doc_id=content_id(data))
    return data
