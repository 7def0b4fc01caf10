"""Shared by the export tests: a read-only connection to the module's own ``db`` fixture (each test
module builds the database it needs) and :func:`run`, one export written to a string."""
from __future__ import annotations

import io

import duckdb
import pytest

from eventwire.store.export import export


@pytest.fixture()
def con(db):
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def run(con, fmt, **kw) -> str:
    """The text ``export(con, fmt, ...)`` writes (keyword arguments as :func:`eventwire.store.export.export`)."""
    buf = io.StringIO()
    export(con, fmt, buf, **kw)
    return buf.getvalue()
