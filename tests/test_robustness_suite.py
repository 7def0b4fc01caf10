"""The standing robustness suite (issue 14, item 8): every kind of bad input of ``tests/bad_inputs.py``
in one run, and the invariant "every document is an article or a recorded reason, and the corpus view
is complete", with no crash (no exception caught as a bug anywhere in the pipeline).

The counts are printed (``pytest -s``) for the issue's closing note.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from eventwire.corpus.update import pending_articles
from eventwire.runner import RunConfig, run
from eventwire.store.db import safe_str
from tests.bad_inputs import KINDS, MAX_BYTES, generate

#: Reasons that mean an exception was caught as a bug (the pipeline's last-resort handlers).
CRASH = re.compile(r"^(extraction failed: |annotator '.*' failed|spaCy failed|cannot store: |corpus update failed|"
                   r"article not added to the corpus view)")


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    root = tmp_path_factory.mktemp("robustness")
    kinds = generate(root / "in")
    db = root / "x.duckdb"
    stats, status = run([str(root / "in")], RunConfig(db=str(db), max_bytes=MAX_BYTES, batch_size=8))
    con = duckdb.connect(str(db), read_only=True)
    yield kinds, stats, status, con, root / "in"
    con.close()


def _accounting(kinds, con):
    docs = {(s, m) for s, m in con.execute("SELECT source, member FROM documents").fetchall()}
    errs = {(s, m) for s, m in con.execute("SELECT source, member FROM errors").fetchall()}
    sources = {s for s, _ in docs | errs}
    missing: dict[str, list] = defaultdict(list)
    n_units = 0
    for k in kinds:
        for src, member in k.units:
            n_units += 1
            src = safe_str(src)
            if member is None:
                ok = src in sources
            else:  # a line: its own row, or a record of its whole file (a truncated .gz)
                ok = (src, member) in docs or (src, member) in errs or (src, None) in errs
            if not ok:
                missing[k.name].append((src, member))
        for src in k.special:
            n_units += 1
            if safe_str(src) not in sources:
                missing[k.name].append((src, "(special)"))
    return n_units, dict(missing)


def test_every_unit_of_every_kind_is_an_article_or_a_recorded_reason(suite):
    kinds, stats, status, con, root = suite
    assert len(kinds) == len(KINDS) >= 50
    n_units, missing = _accounting(kinds, con)
    crashes = con.execute("SELECT source, member, reason FROM errors").fetchall()
    crashes = [c for c in crashes if CRASH.match(c[2] or "")]
    print(f"\nrobustness suite: {len(kinds)} kinds, {n_units} units, {stats.documents} documents read, "
          f"{stats.articles} articles, {len(crashes)} crashes, {sum(map(len, missing.values()))} unaccounted")
    assert status == "done"
    assert missing == {}
    assert crashes == []


def test_each_kind_gives_the_articles_it_should(suite):
    kinds, _, _, con, root = suite
    by_source = defaultdict(int)
    for (src,) in con.execute("SELECT source FROM articles").fetchall():
        rel = Path(src).relative_to(safe_str(str(root)))
        by_source[rel.parts[0]] += 1
    wrong = {k.name: (by_source.get(k.name, 0), k.articles) for k in kinds
             if k.articles is not None and by_source.get(k.name, 0) != k.articles}
    assert wrong == {}


def test_the_corpus_view_is_complete(suite):
    _, stats, _, con, _ = suite
    new, stale = pending_articles(con)
    assert (new, stale) == ([], [])
    assert con.execute("SELECT count(*) FROM article_corpus").fetchone()[0] == \
        con.execute("SELECT count(*) FROM articles").fetchone()[0] == stats.articles > 0
    assert con.execute("SELECT count(*) FROM errors WHERE stage = 'corpus'").fetchone()[0] == 0


def test_no_external_entity_or_expansion_reaches_the_database(suite):
    _, _, _, con, _ = suite
    hits = con.execute("SELECT count(*) FROM articles WHERE body LIKE '%root:x:0:0%' OR body LIKE '%lollollollol%' "
                       "OR title LIKE '%lollollollol%'").fetchone()[0]
    assert hits == 0
