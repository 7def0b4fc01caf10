"""Input shards: the unit of work of a Dask run, and the unit a rerun skips when it is done.

A shard is a group of input files, in the order a local run reads them (:func:`eventwire.ingest.files.iter_paths`):
consecutive files are grouped until the group holds ``max_files`` files or ``max_bytes`` bytes, and a
file of ``max_bytes`` or more (a WARC file, a big JSONL file) is a shard of its own. Sharding looks at
paths and sizes only, never at file contents, so it works for every reader registered in
:data:`eventwire.ingest.files.READERS`, including readers added later.

A shard's id hashes the path, size and modification time of each of its files: the same inputs give
the same shards (and a rerun skips those already done); a changed file gives a new shard.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from eventwire.ids import stable_id
from eventwire.ingest.files import iter_paths

#: Default cap on files per shard.
SHARD_FILES = 256
#: Default cap on bytes per shard (on disk; a file this large is a shard of its own).
SHARD_BYTES = 64_000_000


@dataclass(frozen=True, slots=True)
class Shard:
    """A group of input files processed by one task.

    Attributes:
        shard_id: 20 hex chars, a hash of the files' paths, sizes and modification times.
        paths: the files, as a local run would name them (``Document.source``).
        size_bytes: their total size on disk.
        index: position of the shard in the run (0, 1, ...), in reading order.
    """

    shard_id: str
    paths: tuple[str, ...]
    size_bytes: int
    index: int


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:  # unreadable: the reader records the problem when the shard runs
        return 0, 0
    return st.st_size, st.st_mtime_ns


def iter_shards(paths: Iterable[str | os.PathLike[str]], max_files: int = SHARD_FILES,
                max_bytes: int = SHARD_BYTES) -> Iterator[Shard]:
    """Group the files under ``paths`` into shards, lazily (memory: one shard at a time).

    Args:
        paths: files and directories, as given to ``eventwire run``.
        max_files: at most this many files per shard (>= 1).
        max_bytes: at most about this many bytes per shard; a larger file is alone in its shard.

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

    for p in iter_paths(paths):
        path = str(p)
        fsize, mtime = _stat(path)
        if fsize >= max_bytes:
            if group:
                yield flush()
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
