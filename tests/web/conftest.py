"""Fixtures of the web app's in-process tests: a private copy of the web test database and FastAPI test
clients on it, one with the write token :data:`TOKEN` and one read-only."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventwire.web.app import create_app

TOKEN = "api-test-token-0123456789abcdef"
HOST = ["testserver"]


@pytest.fixture
def db(tmp_path, web_db_template) -> Path:
    p = tmp_path / "web.duckdb"
    shutil.copy(web_db_template, p)
    return p


@pytest.fixture
def client(db):
    app = create_app(db, write_token=TOKEN, allowed_hosts=HOST)
    with TestClient(app) as c:
        yield c
    app.state.ew.con.close()


@pytest.fixture
def ro_client(db):
    app = create_app(db, allowed_hosts=HOST)
    with TestClient(app) as c:
        yield c
    app.state.ew.con.close()
