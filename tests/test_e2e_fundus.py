"""End to end: ``eventwire run`` on the seed and the 258 fundus pages, checked in the database."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from eventwire.evaluate.extraction import title_match
from eventwire.evaluate.fundus import iter_cases
from tests.conftest import shared_path

#: Guard against regressions: the exact-title share (``eventwire eval extraction``'s definition, which
#: ignores whitespace runs and invisible characters) must not fall below this; measured: 221/258 = 85.7%.
TITLE_FLOOR = 0.85


@pytest.fixture(scope="module")
def fundus_db(tmp_path_factory):
    seed = shared_path("seed", "doha-talks.txt")
    fundus = shared_path("data", "extraction", "fundus")
    db = tmp_path_factory.mktemp("e2e") / "fundus.duckdb"
    exe = Path(sys.executable).with_name("eventwire")
    proc = subprocess.run([str(exe), "run", str(seed), str(fundus), "--db", str(db), "--workers", "2", "-q"],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return db, fundus, seed, proc.stdout


@pytest.mark.slow
def test_every_fundus_page_yields_an_article(fundus_db):
    db, fundus, seed, _ = fundus_db
    cases = list(iter_cases(fundus))
    assert len(cases) == 258
    con = duckdb.connect(str(db), read_only=True)
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT d.source, a.title, a.body FROM documents d LEFT JOIN articles a USING (doc_id)").fetchall()}
    missing = [c.path.name for c in cases if not rows.get(str(c.path), (None, None))[1]]
    untitled = [c.path.name for c in cases if str(c.path) in rows and not rows[str(c.path)][0]]
    assert missing == [], f"pages without an article: {missing}"
    assert untitled == [], f"pages without a title: {untitled}"
    # the same measure as the eval: the expected titles keep trailing spaces, no-break and ideographic
    # spaces and zero-width spaces (15 pages), which a stored title never has
    equal = sum(1 for c in cases if title_match(rows[str(c.path)][0], c.title))
    raw_equal = sum(1 for c in cases if rows[str(c.path)][0] == c.title)
    print(f"\nfundus titles equal to expected: {equal}/{len(cases)} = {equal / len(cases):.1%} "
          f"(byte-identical: {raw_equal / len(cases):.1%})")
    assert equal / len(cases) >= TITLE_FLOOR
    seed_row = con.execute("SELECT title, published, page_date, outlet FROM articles WHERE source = ?",
                           [str(seed)]).fetchone()
    assert seed_row == ("Talks between the US and Taliban delegations are scheduled in Doha",
                        "2021-10-09T13:24", "2024-07-27", "RT DE")
    con.close()


@pytest.mark.slow
def test_fundus_run_records_every_skipped_file(fundus_db):
    db, fundus, _, stdout = fundus_db
    con = duckdb.connect(str(db), read_only=True)
    skipped = dict(con.execute(
        "SELECT reason, count(*) FROM errors WHERE severity = 'skipped' AND stage = 'read' GROUP BY reason").fetchall())
    con.close()
    n_json = len(list(fundus.rglob("*.json")))
    n_info = len(list(fundus.rglob("meta.info")))
    assert skipped.get("unsupported file type '.info'") == n_info
    # .json files are read as JSON Feeds; fundus's expected-value files are not feeds, and say so
    assert skipped.get("not a feed") == n_json
    assert "articles kept" in stdout
