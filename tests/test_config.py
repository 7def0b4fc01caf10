"""User triggers and dictionaries without Python: --triggers / --dictionaries, EVENTWIRE_TRIGGERS and the
[run] table of eventwire.toml, with clear errors (exit 2, nothing stored) for bad files."""
from __future__ import annotations

import json
import os

import duckdb
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.config import ConfigError, RunSettings, apply, find_config, read_config

#: A sentence the built-in triggers give no event ("serenade" is no trigger), with two known actors.
TEXT = "Kenya serenaded Somalia on Monday, officials said in Nairobi.\n"
#: A user trigger making "serenade" CAMEO 051 (praise or endorse), target the object.
TRIGGER = "# lemma\tpos\twhen\tcameo\ttarget\tconf\nserenade\tV\t-\t051\tobj\t0.8\n"


@pytest.fixture
def clean_env(monkeypatch):
    """The CLI writes the two variables into os.environ: monkeypatch restores them after the test."""
    monkeypatch.delenv("EVENTWIRE_TRIGGERS", raising=False)
    monkeypatch.delenv("EVENTWIRE_DICTIONARIES", raising=False)
    return monkeypatch


def _events(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT trigger, cameo_code, source_code, target_code FROM events ORDER BY trigger_start").fetchall()
    finally:
        con.close()


def _run(tmp_path, *extra, name="x"):
    doc = tmp_path / "news.txt"
    doc.write_text(TEXT, encoding="utf-8")
    db = tmp_path / f"{name}.duckdb"
    res = CliRunner().invoke(app, ["run", str(doc), "--db", str(db), "-q", "--no-corpus", *extra])
    return res, db


def test_a_user_trigger_file_adds_an_event_from_the_command_line(tmp_path, clean_env):
    res, db = _run(tmp_path, name="plain")
    assert res.exit_code == 0, res.output
    assert _events(db) == []  # no built-in trigger
    trig = tmp_path / "mine.tsv"
    trig.write_text(TRIGGER, encoding="utf-8")
    res, db = _run(tmp_path, "--triggers", str(trig), name="mine")
    assert res.exit_code == 0, res.output
    assert _events(db) == [("serenaded", "051", "KEN", "SOM")]
    assert os.environ["EVENTWIRE_TRIGGERS"] == str(trig)  # what worker processes read


def test_triggers_from_the_environment_and_from_eventwire_toml(tmp_path, clean_env):
    trig = tmp_path / "mine.tsv"
    trig.write_text(TRIGGER, encoding="utf-8")
    clean_env.setenv("EVENTWIRE_TRIGGERS", str(trig))
    res, db = _run(tmp_path, name="env")
    assert res.exit_code == 0, res.output
    assert _events(db) == [("serenaded", "051", "KEN", "SOM")]
    clean_env.delenv("EVENTWIRE_TRIGGERS")
    # eventwire.toml in the current directory; its relative paths are read from its own directory
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "t.tsv").write_text(TRIGGER, encoding="utf-8")
    (conf / "eventwire.toml").write_text('[run]\ntriggers = ["t.tsv"]\n', encoding="utf-8")
    clean_env.chdir(conf)
    res, db = _run(tmp_path, name="toml")
    assert res.exit_code == 0, res.output
    assert _events(db) == [("serenaded", "051", "KEN", "SOM")]
    clean_env.delenv("EVENTWIRE_TRIGGERS")
    clean_env.chdir(tmp_path)
    res, db = _run(tmp_path, "--config", str(conf / "eventwire.toml"), name="config")
    assert res.exit_code == 0, res.output
    assert _events(db) == [("serenaded", "051", "KEN", "SOM")]


def test_a_user_dictionary_from_the_command_line(tmp_path, clean_env):
    actors = tmp_path / "mine.json"
    actors.write_text(json.dumps({"entries": [{"names": ["Northern Front"], "code": "XYZREBNF", "country": "XYZ",
                                               "sector": "REB", "kind": "group"}]}), encoding="utf-8")
    doc = tmp_path / "front.txt"
    doc.write_text("The Northern Front attacked Somalia on Monday, officials said.\n", encoding="utf-8")
    db = tmp_path / "d.duckdb"
    res = CliRunner().invoke(app, ["run", str(doc), "--db", str(db), "-q", "--no-corpus", "--dictionaries", str(actors)])
    assert res.exit_code == 0, res.output
    assert ("attacked", "190", "XYZREBNF", "SOM") in _events(db)


@pytest.mark.parametrize("content, message", [
    (None, "mine.tsv: cannot read the trigger file"),
    ("serenade\tV\t051\n", "mine.tsv:1: expected lemma, pos, when, cameo, target[, conf]"),
    ("# c\nserenade\tV\t-\t999\tobj\t0.8\n", "mine.tsv:2: '999' is not a CAMEO 1.1b3 code"),
    ("serenade\tX\t-\t051\tobj\n", "mine.tsv:1: pos must be V or N, not 'X'"),
    ("serenade\tV\t-\t051\tobj\thigh\n", "mine.tsv:1: conf must be a number in [0, 1], not 'high'"),
    ("serenade\tV\tobject:song\t051\tobj\n", "mine.tsv:1: unknown condition 'object:song'"),
    # '-' (as in the when column) or 'none' was taken for a preposition: no event, no error
    ("march\tV\t-\t141\t-\t0.8\n", "mine.tsv:1: target '-' is not a slot"),
    ("march\tV\t-\t141\tnone\t0.8\n", "mine.tsv:1: target 'none' is not a slot"),
    ("march\tV\t-\t141\twith,None\n", "mine.tsv:1: target 'None' is not a slot"),
])
def test_a_bad_trigger_file_stops_the_run_with_a_clear_message(tmp_path, clean_env, content, message):
    trig = tmp_path / "mine.tsv"
    if content is not None:
        trig.write_text(content, encoding="utf-8")
    res, db = _run(tmp_path, "--triggers", str(trig))
    assert res.exit_code == 2, res.output
    flat = " ".join(res.output.split())
    assert "--triggers" in flat and message in flat, res.output
    assert "Traceback" not in res.output and not db.exists()
    # the same file through the environment names the variable
    clean_env.setenv("EVENTWIRE_TRIGGERS", str(trig))
    res, db = _run(tmp_path)
    assert res.exit_code == 2 and "EVENTWIRE_TRIGGERS" in res.output and not db.exists()


@pytest.mark.parametrize("toml, message", [
    ('[run]\ntrigers = ["t.tsv"]\n', "unknown key(s) in [run]: trigers (known: dictionaries, triggers)"),
    ("[run\n", "not valid TOML"),
    ("run = 3\n", "[run] must be a table"),
    ("[run]\ntriggers = [1]\n", "[run] triggers must be a list of file paths"),
])
def test_a_bad_configuration_file_is_a_clear_error(tmp_path, clean_env, toml, message):
    conf = tmp_path / "eventwire.toml"
    conf.write_text(toml, encoding="utf-8")
    res, db = _run(tmp_path, "--config", str(conf))
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.output.split()) and not db.exists()
    with pytest.raises(ConfigError, match="eventwire.toml"):
        read_config(conf)


def test_a_bad_trigger_named_in_eventwire_toml_names_the_file(tmp_path, clean_env):
    (tmp_path / "t.tsv").write_text("serenade\tV\t-\t999\tobj\n", encoding="utf-8")
    conf = tmp_path / "eventwire.toml"
    conf.write_text('[run]\ntriggers = ["t.tsv"]\n', encoding="utf-8")
    res, db = _run(tmp_path, "--config", str(conf))
    flat = " ".join(res.output.split())
    assert res.exit_code == 2 and "eventwire.toml [run] triggers" in flat and "t.tsv:1: '999'" in flat, res.output


def test_missing_config_file_and_precedence(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        find_config(tmp_path / "nope.toml")
    assert find_config(cwd=tmp_path) == RunSettings()  # no eventwire.toml: nothing set
    s = RunSettings(path=tmp_path / "eventwire.toml", dictionaries=["/f/a.json"], triggers=["/f/t.tsv"])
    env = {"EVENTWIRE_TRIGGERS": "/env/t.tsv"}
    origins = apply(s, dictionaries=None, triggers=["/cli/t.tsv"], environ=env).origins
    # command line over the environment over the file
    assert env == {"EVENTWIRE_TRIGGERS": "/cli/t.tsv", "EVENTWIRE_DICTIONARIES": "/f/a.json"}
    assert origins == {"EVENTWIRE_TRIGGERS": "--triggers",
                       "EVENTWIRE_DICTIONARIES": f"{s.path} [run] dictionaries"}
    env = {"EVENTWIRE_TRIGGERS": "/env/t.tsv"}
    assert apply(s, environ=env).origins["EVENTWIRE_TRIGGERS"] == "EVENTWIRE_TRIGGERS"
    assert env["EVENTWIRE_TRIGGERS"] == "/env/t.tsv"


def test_petrarch_prefixes_keep_their_place_in_the_toml(tmp_path):
    conf = tmp_path / "eventwire.toml"
    conf.write_text('[run]\ndictionaries = ["petrarch-actors:a.txt", "/abs/b.json"]\n', encoding="utf-8")
    assert read_config(conf).dictionaries == [f"petrarch-actors:{tmp_path / 'a.txt'}", "/abs/b.json"]
