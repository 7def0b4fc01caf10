"""SQL on a raw DuckDB connection: insert rows with the stored column types, queries with list parameters.

The corpus view (:mod:`eventwire.corpus.update`) works on the connection directly, in its own
transactions; :class:`eventwire.store.db.Store` inserts through :func:`insert_arrow` too. Column
types come from the schema's owner, :func:`eventwire.store.schema.table_schemas`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from eventwire.store.schema import table_schemas


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, ignore: bool = False) -> None:
    """Insert an Arrow table's rows into ``table``, by column name (``INSERT OR IGNORE`` when ``ignore``).

    Raises:
        duckdb.Error: a column the table does not have, a value it refuses, a duplicate key.
    """
    if data.num_rows == 0:
        return
    col_sql = ", ".join(f'"{c}"' for c in data.column_names)
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    con.register("_ew_rows", data)
    try:
        con.execute(f'{verb} INTO "{table}" ({col_sql}) SELECT {col_sql} FROM _ew_rows')
    finally:
        con.unregister("_ew_rows")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the columns of the first row) into ``table``, each value converted to
    the column's stored type (:func:`~eventwire.store.schema.table_schemas`).

    Raises:
        KeyError: a column the table does not have.
        pyarrow.ArrowException: a value that does not fit its column's type.
        duckdb.Error: as :func:`insert_arrow`.
    """
    if not rows:
        return
    cols = list(rows[0].keys())
    full = table_schemas()[table]
    schema = pa.schema([full.field(c) for c in cols])
    insert_arrow(con, table, pa.Table.from_pylist(rows, schema=schema))


#: The placeholder of a list parameter in the SQL given to :func:`with_lists` and the functions on it.
UNNEST = "(SELECT unnest(?))"


#: Lists up to this long are written into the SQL as literals (DuckDB then looks them up in the ART
#: index of a primary key: ~5 ms for 200 ids in a 16,000-article database, against ~85 ms for a hash
#: join with a registered table); longer lists travel as Arrow tables. DuckDB's ``index_scan_max_count``
#: is 2048.
INLINE_MAX = 2000


def literal(v: str) -> str:
    """A SQL string literal. The values given are ids, hashes and anchors the program made (no user
    input), quoted all the same.

    Raises:
        ValueError: ``v`` holds a NUL character.
    """
    if "\x00" in v:
        raise ValueError("NUL in a SQL literal")
    return "'" + v.replace("'", "''") + "'"


def with_lists(con: duckdb.DuckDBPyConnection, sql: str, lists: Sequence[Iterable[str]], read: Callable[[Any], Any]) -> Any:
    """Run ``sql`` whose ``(SELECT unnest(?))`` placeholders take the string ``lists`` in order; return
    ``read(cursor)``.

    A short list (:data:`INLINE_MAX`) becomes a literal list, so an index on the column can serve
    it; a longer one travels as a registered Arrow table, not as a bound Python list (DuckDB converts
    a bound Python list value by value, about 0.3 ms per string in DuckDB 1.4).

    Raises:
        ValueError: fewer lists than placeholders, or a NUL in a value (:func:`literal`).
    """
    names = []
    try:
        for i, values in enumerate(lists):
            values = list(values)
            if len(values) <= INLINE_MAX:
                lit = "(" + ", ".join(literal(str(v)) for v in values) + ")" if values else "(SELECT NULL WHERE false)"
                sql = sql.replace(UNNEST, lit, 1)
                continue
            name = f"_ew_list{i}"
            con.register(name, pa.table({"v": pa.array(values, pa.string())}))
            names.append(name)
            sql = sql.replace(UNNEST, f"(SELECT v FROM {name})", 1)
        if UNNEST in sql:
            raise ValueError("more list placeholders than lists")
        return read(con.execute(sql))
    finally:
        for name in names:
            con.unregister(name)


def fetch(con: duckdb.DuckDBPyConnection, sql: str, *lists: Iterable[str]) -> list[tuple]:
    """``sql``'s rows, its list placeholders filled with ``lists`` (:func:`with_lists`)."""
    return with_lists(con, sql, lists, lambda c: c.fetchall())


def fetchone(con: duckdb.DuckDBPyConnection, sql: str, *lists: Iterable[str]) -> tuple | None:
    """``sql``'s first row (``None`` when it has none), list placeholders as :func:`fetch`."""
    return with_lists(con, sql, lists, lambda c: c.fetchone())


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str, *lists: Iterable[str]) -> pa.Table:
    """``sql``'s result as an Arrow table, list placeholders as :func:`fetch`."""
    return with_lists(con, sql, lists, lambda c: c.fetch_arrow_table())


def execute(con: duckdb.DuckDBPyConnection, sql: str, *lists: Iterable[str]) -> None:
    """Run ``sql`` (an UPDATE or DELETE), list placeholders as :func:`fetch`."""
    with_lists(con, sql, lists, lambda c: None)


def dicts(con: duckdb.DuckDBPyConnection, sql: str, *lists: Iterable[str]) -> list[dict[str, Any]]:
    """``sql``'s rows as dicts (column name -> value), list placeholders as :func:`fetch`."""
    def rows(cur):
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    return with_lists(con, sql, lists, rows)
