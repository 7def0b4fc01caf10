"""The stored schema's one owner (store.schema.table_schemas) and the SQL helpers on a raw connection (store.sql)."""
from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa
import pytest

from eventwire.store import sql
from eventwire.store.db import Store
from eventwire.store.schema import CORPUS_TABLES, table_schemas


def test_table_schemas_are_the_migrated_tables():
    with Store(":memory:") as s:
        tables = {r[0] for r in s.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(table_schemas()) == tables
        for t in tables:
            assert table_schemas()[t].equals(s.con.execute(f'SELECT * FROM "{t}" LIMIT 0').fetch_arrow_table().schema), t
    assert set(CORPUS_TABLES) <= tables
    assert table_schemas()["article_anchors"].field("rank").type == pa.int16()
    assert table_schemas()["article_corpus"].field("minhash").type == pa.binary()


def test_insert_rows_converts_to_the_column_types():
    with Store(":memory:") as s:
        seen = datetime(2024, 3, 1, 12, 0)
        sql.insert_rows(s.con, "article_anchors", [
            {"article_id": "a1", "anchor": "paris", "rank": 3, "seen_at": seen, "language": "en"},
            {"article_id": "a1", "anchor": "talks", "rank": 7, "seen_at": seen, "language": None}])
        rows = s.con.execute("SELECT anchor, rank, typeof(rank), seen_at, language FROM article_anchors ORDER BY rank").fetchall()
        assert rows == [("paris", 3, "SMALLINT", seen, "en"), ("talks", 7, "SMALLINT", seen, None)]
        now = datetime(2024, 3, 2, tzinfo=timezone.utc)
        sql.insert_rows(s.con, "anchor_df", [{"anchor": "paris", "df": 2}])
        assert s.con.execute("SELECT df FROM anchor_df").fetchall() == [(2,)]
        with pytest.raises(KeyError):
            sql.insert_rows(s.con, "anchor_df", [{"anchor": "x", "df": 1, "no_such_column": now}])
        with pytest.raises(pa.ArrowInvalid):  # a rank above SMALLINT's range does not fit its column
            sql.insert_rows(s.con, "article_anchors", [{"article_id": "a2", "anchor": "x", "rank": 40_000}])
        sql.insert_rows(s.con, "anchor_df", [])  # nothing to insert: nothing happens
        assert s.con.execute("SELECT count(*) FROM anchor_df").fetchone() == (1,)


def test_list_parameters_short_and_long_give_the_same_rows():
    with Store(":memory:") as s:
        ids = [f"a{i}" for i in range(sql.INLINE_MAX + 10)]
        sql.insert_rows(s.con, "anchor_df", [{"anchor": x, "df": i} for i, x in enumerate(ids)])
        q = "SELECT anchor, df FROM anchor_df WHERE anchor IN (SELECT unnest(?)) ORDER BY df"
        short = sql.fetch(s.con, q, ids[:5])          # written into the SQL as literals
        assert short == [(f"a{i}", i) for i in range(5)]
        long = sql.fetch(s.con, q, ids)               # travels as a registered Arrow table
        assert len(long) == len(ids) and long[:5] == short
        assert sql.fetchone(s.con, "SELECT count(*) FROM anchor_df WHERE anchor IN (SELECT unnest(?))", ["a1", "zz"]) == (1,)
        assert sql.dicts(s.con, q, ["a2"]) == [{"anchor": "a2", "df": 2}]
        assert sql.fetch(s.con, q, []) == []
        sql.execute(s.con, "DELETE FROM anchor_df WHERE anchor IN (SELECT unnest(?))", ids[:3])
        assert sql.fetch_arrow(s.con, "SELECT count(*) AS n FROM anchor_df").column("n").to_pylist() == [len(ids) - 3]
        with pytest.raises(ValueError, match="more list placeholders"):
            sql.fetch(s.con, q)
        with pytest.raises(ValueError, match="NUL"):
            sql.fetch(s.con, q, ["a\x00"])
