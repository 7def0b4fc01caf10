"""Per-stage wall-clock accounting for benchmarks (``eventwire bench``).

Stages wrap their work in ``with stage("name"):``; the totals accumulate in a process-wide counter that
:func:`snapshot` returns and :func:`reset` clears. CPU seconds of the process (all its threads, e.g.
DuckDB's) are accumulated alongside (:func:`snapshot_cpu`): on a shared machine they are steadier than
wall-clock seconds. The cost is two ``perf_counter`` and two ``process_time`` calls per use.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

_TOTALS: Counter[str] = Counter()
_CPU: Counter[str] = Counter()


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall-clock (and CPU) seconds spent in the ``with`` block to stage ``name``.

    Nested stages count in both (the outer one includes the inner one's time)."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _TOTALS[name] += time.perf_counter() - t0
        _CPU[name] += time.process_time() - c0


def snapshot() -> dict[str, float]:
    """Wall-clock seconds per stage accumulated so far in this process."""
    return dict(_TOTALS)


def snapshot_cpu() -> dict[str, float]:
    """CPU seconds of this process (every thread) per stage accumulated so far."""
    return dict(_CPU)


def reset() -> None:
    """Clear the accumulated times."""
    _TOTALS.clear()
    _CPU.clear()


def since(before: tuple[dict[str, float], dict[str, float]]) -> tuple[dict[str, float], dict[str, float]]:
    """Wall-clock and CPU seconds per stage spent since ``before = mark()`` (stages with time only)."""
    wall, cpu = before
    dw = {k: v - wall.get(k, 0.0) for k, v in _TOTALS.items() if v - wall.get(k, 0.0) > 0}
    dc = {k: v - cpu.get(k, 0.0) for k, v in _CPU.items() if k in dw}
    return dw, dc


def mark() -> tuple[dict[str, float], dict[str, float]]:
    """The current totals, to pass to :func:`since` later."""
    return dict(_TOTALS), dict(_CPU)
