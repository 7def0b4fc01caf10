"""Input shards: the unit of work of a Dask run, and the unit a rerun skips when it is done.

A shard is a group of input files, in the order a local run reads them (:func:`eventwire.ingest.files.iter_paths`):
consecutive files are grouped until the group holds ``max_files`` files or ``max_bytes`` bytes, and a
file of ``max_bytes`` or more (a WARC file, a big JSONL file) is a shard of its own. Sharding looks at
paths and sizes only, so it works for every reader registered in
:data:`eventwire.ingest.base.READERS`, including readers added later.

One exception: a big uncompressed JSON Lines file (``.jsonl``, ``.ndjson``) is cut into line ranges of
about ``max_bytes`` (cut at line ends), one shard each, so that a single large dump still spreads
over the workers. A range is read exactly as the JSONL reader reads the whole file (same documents,
same ``line N`` members, same problems): :func:`iter_jsonl_range`.

A shard's id hashes the path, size and modification time of each of its files: the same inputs give
the same shards (and a rerun skips those already done); a changed file gives a new shard.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from eventwire.ids import stable_id
from eventwire.ingest.files import iter_paths
from eventwire.records import Document, Problem

#: Default cap on files per shard.
SHARD_FILES = 256
#: Default cap on bytes per shard (on disk; a file this large is a shard of its own, and a JSONL
#: file this large is cut into line ranges). 8 MB of JSONL is about 4,500 news articles.
SHARD_BYTES = 8_000_000
#: Suffixes of line-oriented files that may be cut into line ranges.
SPLITTABLE = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class Shard:
    """A group of input files processed by one task.

    Attributes:
        shard_id: 20 hex chars, a hash of the files' paths, sizes and modification times.
        paths: the files, as a local run would name them (``Document.source``).
        size_bytes: their total size on disk.
        index: position of the shard in the run (0, 1, ...), in reading order.
        line_range: for a piece of a big JSONL file (then ``paths`` holds that one file):
            ``(byte_start, byte_end, first_line)``, the byte offsets of whole lines and the number of
            the first one (1-based); ``None`` for whole files.
    """

    shard_id: str
    paths: tuple[str, ...]
    size_bytes: int
    index: int
    line_range: tuple[int, int, int] | None = None

    def read(self, max_bytes: int) -> Iterator[Document | Problem]:
        """The shard's documents and problems, as a local run reads them."""
        from eventwire.ingest import iter_documents

        if self.line_range is None:
            return iter_documents(self.paths, max_bytes)
        return iter_jsonl_range(self.paths[0], *self.line_range, max_bytes=max_bytes)


def line_cuts(path: str, every: int, chunk: int = 1 << 20) -> Iterator[tuple[int, int, int]]:
    """Cut a file into ranges of whole lines of about ``every`` bytes, streaming (constant memory).

    Yields:
        ``(byte_start, byte_end, first_line)`` covering the file, in order; ``first_line`` is 1-based.
    """
    start, line, pos, lines_in_range = 0, 1, 0, 0
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            i = 0
            while True:
                nl = block.find(b"\n", i)
                if nl < 0:
                    break
                lines_in_range += 1
                i = nl + 1
                if pos + i - start >= every:
                    yield start, pos + i, line
                    start, line, lines_in_range = pos + i, line + lines_in_range, 0
            pos += len(block)
    if pos > start:
        yield start, pos, line


def iter_jsonl_range(path: str, byte_start: int, byte_end: int, first_line: int,
                     max_bytes: int) -> Iterator[Document | Problem]:
    """Read the lines of a JSONL file between two byte offsets exactly as
    :func:`eventwire.ingest.files.read_jsonl` reads them in the whole file (blank lines skipped, a bad
    line a Problem naming its line number), numbering lines from ``first_line``.

    Raises:
        OSError: the file cannot be read.
    """
    from eventwire.ingest.files import blank_line, jsonl_line

    with open(path, "rb") as fh:
        fh.seek(byte_start)
        pos, n = byte_start, first_line - 1
        while pos < byte_end:
            raw = fh.readline()
            if not raw:
                break
            pos += len(raw)
            n += 1
            if not raw.strip():
                yield blank_line(path, n)
                continue
            yield jsonl_line(path, n, raw, max_bytes)


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:  # unreadable: the reader records the problem when the shard runs
        return 0, 0
    return st.st_size, st.st_mtime_ns


def iter_shards(paths: Iterable[str | os.PathLike[str]], max_files: int = SHARD_FILES,
                max_bytes: int = SHARD_BYTES, problems: list[Problem] | None = None) -> Iterator[Shard]:
    """Group the files under ``paths`` into shards, lazily (memory: one shard at a time).

    Args:
        paths: files and directories, as given to ``eventwire run``.
        max_files: at most this many files per shard (>= 1).
        max_bytes: at most about this many bytes per shard; a larger file is alone in its shard.
        problems: if given, what the walk cannot read (unreadable directories, symbolic link loops,
            FIFOs and other non-regular files; :func:`eventwire.ingest.files.walk`) is appended to it,
            for the caller to record: such paths are in no shard.

    Yields:
        :class:`Shard` in reading order.

    Raises:
        ValueError: ``max_files`` or ``max_bytes`` below 1.
        FileNotFoundError: a given path does not exist.
    """
    if max_files < 1 or max_bytes < 1:
        raise ValueError("max_files and max_bytes must be at least 1")
    group: list[str] = []
    keys: list[str] = []
    size = 0
    index = 0

    def flush() -> Shard:
        nonlocal group, keys, size, index
        shard = Shard(stable_id("shard", *keys), tuple(group), size, index)
        group, keys, size, index = [], [], 0, index + 1
        return shard

    for p in iter_paths(paths, problems):
        path = str(p)
        fsize, mtime = _stat(path)
        if fsize >= max_bytes:
            if group:
                yield flush()
            if path.lower().endswith(SPLITTABLE):
                for start, end, first in line_cuts(path, max_bytes):
                    key = f"{path}\x1e{fsize}\x1e{mtime}\x1e{start}-{end}"
                    yield Shard(stable_id("shard", key), (path,), end - start, index, (start, end, first))
                    index += 1
                continue
            group, keys, size = [path], [f"{path}\x1e{fsize}\x1e{mtime}"], fsize
            yield flush()
            continue
        if group and (len(group) >= max_files or size + fsize > max_bytes):
            yield flush()
        group.append(path)
        keys.append(f"{path}\x1e{fsize}\x1e{mtime}")
        size += fsize
    if group:
        yield flush()
