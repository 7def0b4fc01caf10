"""The command line: --help on every command, the run summary, exit codes, the installed script."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def _commands():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def test_every_command_has_help():
    cmds = _commands()
    assert "run" in cmds and "bench" in cmds
    for name in cmds:
        res = runner.invoke(app, [name, "--help"])
        assert res.exit_code == 0, name
        assert "Usage:" in res.output and len(res.output) > 200, name
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0 and all(c in top.output for c in cmds)


def test_help_paragraphs_are_reflowed_not_hard_wrapped():
    """Typer keeps the docstrings' single line breaks after the first paragraph, and rich wrapped those
    lines again ('... the same command     / again resumes an / interrupted run'): every command's
    help, sub-commands included, has its paragraphs on one line each."""
    import typer.main

    def walk(cmd, name):
        yield name, cmd
        for sub_name, sub in getattr(cmd, "commands", {}).items():  # a group (typer's own click)
            yield from walk(sub, f"{name} {sub_name}")

    seen = dict(walk(typer.main.get_command(app), "eventwire"))
    assert {"eventwire run", "eventwire export", "eventwire corpus stats", "eventwire eval plv"} <= set(seen)
    for name, cmd in seen.items():
        for para in (cmd.help or "").split("\n\n"):
            assert "\n" not in para, (name, para)
    assert seen["eventwire run"].help.split("\n\n")[1].startswith(
        "Documents already in the database are skipped, so running the same command again resumes an "
        "interrupted run and adds nothing to a finished one.")
    res = runner.invoke(app, ["run", "--help"], terminal_width=200)
    assert "again resumes an interrupted run and adds nothing to a finished one" in res.output


def test_reflow_help_keeps_marked_and_bulleted_paragraphs():
    from eventwire.cli import reflow_help

    doc = """First line
    goes on.

    Second paragraph
    wrapped here.

    \b
    kept
    as is

    - a list
    - stays

    \f
    internal notes"""
    assert reflow_help(doc) == ("First line goes on.\n\nSecond paragraph wrapped here.\n\n\b\nkept\nas is"
                                "\n\n- a list\n- stays")


def test_run_prints_summary(tmp_path):
    res = runner.invoke(app, ["run", str(EXAMPLES / "txt"), "--db", str(tmp_path / "x.duckdb"), "-q"])
    assert res.exit_code == 0, res.output
    for label in ("documents read", "articles kept", "skipped", "failed", "entities", "events", "quotes", "documents/s"):
        assert label in res.output
    import re

    assert re.search(r"articles kept\s*│\s*4\s*│", res.output)


def test_run_json_summary(tmp_path):
    import json

    res = runner.invoke(app, ["run", str(EXAMPLES / "jsonl"), "--db", str(tmp_path / "x.duckdb"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout[res.stdout.index("{"):])
    assert data["articles"] == 5 and data["documents"] == 5 and data["failed"] == 0


def test_run_on_an_empty_folder_says_nothing_was_found(tmp_path):
    """An empty folder read nothing and printed only 'no article could be processed' under an empty
    summary: the message says that no documents were found, and where."""
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(app, ["run", str(empty), "--db", str(tmp_path / "x.duckdb"), "-q"], terminal_width=300)
    assert res.exit_code == 1
    assert f"no documents found in {empty}: no files in it" in res.output
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF-1.4")  # read, but skipped with its reason
    res = runner.invoke(app, ["run", str(empty), "--db", str(tmp_path / "x.duckdb"), "-q"], terminal_width=300)
    assert res.exit_code == 1
    assert "unsupported file type '.pdf'" in res.output and "no article could be processed" in res.output
    assert "no documents found" not in res.output


def test_bad_option_is_usage_error(tmp_path):
    res = runner.invoke(app, ["run", str(EXAMPLES), "--workers", "0"])
    assert res.exit_code == 2


@pytest.mark.slow
def test_installed_script_with_two_workers(tmp_path):
    exe = Path(sys.executable).with_name("eventwire")
    db = tmp_path / "w.duckdb"
    proc = subprocess.run([str(exe), "run", str(EXAMPLES), "--db", str(db), "--workers", "2", "--batch-size", "2", "-q"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "articles kept" in proc.stdout
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 14
    con.close()
