"""Shared fixtures. Real data is read from ../shared (never copied into the repository).

When ../shared is missing, tests that need it are skipped on a developer machine, but fail in CI
(``CI=true``): CI must run them.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", ROOT.parent / "shared")).resolve()
EXAMPLES = ROOT / "examples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test when missing (fails instead when CI=true)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        msg = f"shared data missing: {p}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + " (CI=true: shared data is required)")
        pytest.skip(msg)
    return p


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return shared_path("seed", "doha-talks.txt")


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    import json

    return json.loads(shared_path("seed", "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def nlp():
    from eventwire.nlp.pipeline import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def web_db_template(tmp_path_factory) -> Path:
    """The web tests' database (examples run through the pipeline plus hand-coded events), built once.
    Tests copy it (``shutil.copy``) before changing it."""
    from tests.web_fixture import build

    return build(tmp_path_factory.mktemp("webdb") / "template.duckdb")


@pytest.fixture(scope="session")
def web_fallback_template(tmp_path_factory, web_db_template) -> Path:
    """The web fixture without the corpus view's tables (a database from before the corpus view)."""
    import shutil

    from tests.web_fixture import drop_corpus

    db = tmp_path_factory.mktemp("webdb-nocorpus") / "template.duckdb"
    shutil.copy(web_db_template, db)
    return drop_corpus(db)


@pytest.fixture(scope="session")
def web_real_template(tmp_path_factory, seed_path) -> Path:
    """A database built by the real pipeline only (no hand-coded rows): ``examples/``, then the seed
    and the generated story A with its copies and translation. Tests copy it before changing it."""
    from tests.web_fixture import build_real

    work = tmp_path_factory.mktemp("webdb-real")
    return build_real(work / "demo.duckdb", seed_path, work)
