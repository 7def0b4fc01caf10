"""Stopping a command on Ctrl-C (SIGINT) or SIGTERM, the same way, with the conventional exit codes.

The command line (:func:`eventwire.cli.main`) installs :func:`handling`: both signals raise
:class:`Stopped`, a ``KeyboardInterrupt``, so every ``except KeyboardInterrupt`` clean-up path of the
runners (run recorded ``interrupted``, committed batches kept) serves SIGTERM too. The process then
exits with ``128 + signal number``: 130 for Ctrl-C, 143 for SIGTERM (what shells and service managers
expect, :func:`exit_code`).

Two ways a stop used to be lost, and what this module gives against them:

* DuckDB turns a signal met inside a query into a plain ``RuntimeError("Query interrupted")`` (or
  ``duckdb.InterruptException``), which an ``except Exception`` that retries a batch document by
  document swallowed, and the run went on to exit 0. Such handlers call :func:`reraise_if_stopping`
  first: the stop is remembered (:func:`requested`) whatever became of the exception.
* A second Ctrl-C during the final clean-up (recording the run, DuckDB's CHECKPOINT) gave a traceback
  and exit 1. Clean-up runs inside :func:`deferred`: a signal there is remembered and raised when the
  clean-up is over.
"""
from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The signals handled: Ctrl-C and the polite kill (``kill PID``, ``docker stop``, Slurm's time limit).
SIGNALS = (signal.SIGINT, signal.SIGTERM)

_requested: int | None = None   # the first stop signal received since install (or reset)
_deferred: int | None = None    # a signal received inside deferred(), raised when it ends
_depth = 0


class Stopped(KeyboardInterrupt):
    """Raised by the signal handler: the command was asked to stop by signal ``signum``."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def _handler(signum: int, frame: Any) -> None:
    global _requested, _deferred
    if _requested is None:
        _requested = signum
    if _depth:
        _deferred = _deferred or signum
        return
    raise Stopped(signum)


def requested() -> int | None:
    """The stop signal received (SIGINT or SIGTERM), or ``None``."""
    return _requested


def check() -> None:
    """Raise :class:`Stopped` when a stop signal was received (and met as something else)."""
    if _requested is not None:
        raise Stopped(_requested)


def reset() -> None:
    """Forget a received signal (tests; a new command in the same process)."""
    global _requested, _deferred
    _requested = _deferred = None


@contextmanager
def handling() -> Iterator[None]:
    """Handle SIGINT and SIGTERM by raising :class:`Stopped` for the duration of the block (main
    thread only; elsewhere the block runs with the handlers unchanged). The previous handlers are
    put back afterwards."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reset()
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextmanager
def deferred() -> Iterator[None]:
    """Run a block that must not be cut (recording a run's end, the final checkpoint): a stop signal
    received inside it is held, and raised as :class:`Stopped` when the block ends (unless the block
    already raises). Nests."""
    global _depth, _deferred
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
    if _depth == 0 and _deferred is not None:
        signum, _deferred = _deferred, None
        raise Stopped(signum)


def reraise_if_stopping(exc: BaseException) -> None:
    """Raise :class:`Stopped` (from ``exc``) when a stop signal was received, or when ``exc`` is
    DuckDB's interruption of a query; otherwise return, so the caller handles ``exc`` as an error.
    Call it first in every ``except Exception`` that goes on working."""
    if _requested is not None:
        raise Stopped(_requested) from exc
    import duckdb

    if isinstance(exc, duckdb.InterruptException) or (
            isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted"):
        raise Stopped(signal.SIGINT) from exc


def exit_code(exc: BaseException | None = None) -> int:
    """The exit code of a stopped command: ``128 + signal`` (130 Ctrl-C, 143 SIGTERM); 130 for a
    ``KeyboardInterrupt`` raised without a signal handler."""
    if isinstance(exc, Stopped):
        return 128 + exc.signum
    if _requested is not None:
        return 128 + _requested
    return 128 + signal.SIGINT
