"""The lexicon (data/lexicon/*.tsv): every table loads, says what it is and who reads it, and every entry
of every table reaches the constant of the module that reads it."""
from __future__ import annotations

import importlib
import re

import pytest

from eventwire import lexicon
from eventwire.lexicon import LexiconError, parse
from eventwire.nlp.annotators import load_annotators

READ_BY = re.compile(r"(eventwire\.[\w.]+) \(([A-Z_, \n#]+)\)")


def _header(name: str) -> str:
    from importlib import resources

    text = (resources.files("eventwire.data") / "lexicon" / f"{name}.tsv").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if line.startswith("#"))


def _consumers(name: str) -> list[tuple[str, str]]:
    head = _header(name)
    i = head.index("# Read by ")
    out = []
    for mod, names in READ_BY.findall(head[i:]):
        out += [(mod, n.strip()) for n in names.replace("#", " ").split(",") if n.strip()]
    return out


def test_every_table_is_read_by_a_module_and_says_what_it_is():
    load_annotators()  # imports every rule module
    tables = lexicon.names()
    assert len(tables) >= 60
    for name in tables:  # and the readers outside the annotators (corpus.text, ...), as each table names them
        for mod, _const in _consumers(name):
            importlib.import_module(mod)
    assert set(tables) <= lexicon.loaded(), sorted(set(tables) - lexicon.loaded())
    for name in tables:
        head = _header(name)
        assert head.startswith(f"# {name}: ") and len(head.split("\n")[0]) > len(name) + 20, name
        assert "# columns: " in head and _consumers(name), name


@pytest.mark.parametrize("name", lexicon.names())
def test_every_entry_reaches_its_consumer(name):
    cols, rows = lexicon.table(name)
    assert rows, f"{name} is empty"
    assert len({r[0] for r in rows}) == len(rows)
    seen: set[str] = set()
    for mod, const in _consumers(name):
        value = getattr(importlib.import_module(mod), const)
        seen |= set(value)
    missing = [r[0] for r in rows if r[0] not in seen]
    assert not missing, f"{name}: entries no consumer holds: {missing}"


def test_tables_keep_their_values():
    from eventwire.amounts.annotate import CURRENCY_WORDS, SCALES, VAGUE, WORD_NUMBERS
    from eventwire.events.coder import INTENT_CODE, LINK_PREPS, OFFICIAL_CODES, OFFICIAL_SECTORS
    from eventwire.events.modality import REPORTING, SPEECH_VERBS

    assert WORD_NUMBERS["dozen"] == 12 and isinstance(WORD_NUMBERS["dozen"], int)
    assert SCALES["bn"] == 1e9 and VAGUE["dozens"] == 24 and VAGUE["millions"] == 2e6
    assert CURRENCY_WORDS["dinar"] is None and CURRENCY_WORDS["yen"] == "JPY"  # empty: no single code
    assert INTENT_CODE["057"] == "030" and INTENT_CODE["0834"] == "0344"
    assert LINK_PREPS[:3] == ("to", "with", "against")  # order kept
    assert OFFICIAL_CODES == {"14": ("114", "official-protest")}
    assert OFFICIAL_SECTORS == {"GOV", "MIL", "IGO", "LEG", "JUD", "SPY", "COP"}
    assert REPORTING < SPEECH_VERBS and "say" in REPORTING and "testify" in SPEECH_VERBS - REPORTING


@pytest.mark.parametrize("text, message", [
    ("say\n", "t.tsv:1: a row before the '# columns:' line"),
    ("# columns: word\nsay\ttell\n", "t.tsv:2: 2 fields, the table has 1 columns"),
    ("# columns: word\nsay\n# c\nsay\n", "t.tsv:4: 'say' repeats line 2"),
])
def test_a_malformed_table_is_a_clear_error(text, message):
    with pytest.raises(LexiconError, match=re.escape(message)):
        parse("t", text)


def test_missing_tables_and_tags_are_clear_errors():
    with pytest.raises(LexiconError, match="no lexicon table 'no_such_table'"):
        lexicon.words("no_such_table")
    with pytest.raises(LexiconError, match="no entry has the tag 'oficial'"):
        lexicon.tagged("actor_sectors", "oficial")
    with pytest.raises(LexiconError, match="a mapping needs two columns"):
        lexicon.mapping("reporting_verbs")
    assert parse("t", "# columns: word value\nx\n") == (("word", "value"), (("x", ""),))
