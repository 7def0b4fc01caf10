"""Per-stage wall-clock accounting for benchmarks (``eventwire bench``).

Stages wrap their work in ``with stage("name"):``; the totals accumulate in a process-wide counter that
:func:`snapshot` returns and :func:`reset` clears. The cost is two ``perf_counter`` calls per use.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

_TOTALS: Counter[str] = Counter()


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall-clock seconds spent in the ``with`` block to stage ``name``."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        _TOTALS[name] += time.perf_counter() - t0


def snapshot() -> dict[str, float]:
    """Seconds per stage accumulated so far in this process."""
    return dict(_TOTALS)


def reset() -> None:
    """Clear the accumulated times."""
    _TOTALS.clear()
