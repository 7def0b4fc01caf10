"""The lexicon: the word lists the rules use, kept as data in ``eventwire/data/lexicon/*.tsv``.

One table per concept (reporting verbs, hedging adverbs, light verbs, quotation cue verbs, currency
words, actor sectors, ...), written by the eventwire developers; each module that applies a rule
loads its tables once, at import (``REPORTING = lexicon.words("reporting_verbs")``). What a table
means and which rule reads it is said in the table's header and at the constant that holds it.

File format (UTF-8, tab-separated)::

    # reporting_verbs: verbs that report speech ... (free text)
    # columns: lemma
    say
    tell

Lines starting with ``#`` and blank lines are comments. ``# columns:`` names the columns; every row
has that many fields (a last empty field may be left out). Entries are unique within a table.

Raises :class:`LexiconError` (with the file and line) for a missing table, a row with the wrong
number of fields or a repeated entry.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

#: Package directory of the tables (``eventwire/data/lexicon``).
PACKAGE = "eventwire.data"
DIRECTORY = "lexicon"


class LexiconError(ValueError):
    """A lexicon table is missing or malformed (file and line in the message)."""


_LOADED: set[str] = set()


def names() -> list[str]:
    """Every table shipped in ``data/lexicon/`` (file names without ``.tsv``), sorted."""
    root = resources.files(PACKAGE) / DIRECTORY
    return sorted(p.name[:-4] for p in root.iterdir() if p.name.endswith(".tsv"))


def loaded() -> frozenset[str]:
    """The tables read so far in this process (the lexicon test checks every table is read by a module)."""
    return frozenset(_LOADED)


@lru_cache(maxsize=None)
def table(name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """``(columns, rows)`` of the table ``name``, rows in file order, each padded to the column count.

    Raises:
        LexiconError: no such table, no ``# columns:`` line, a row with more fields than columns, or a
            first field repeated.
    """
    path = resources.files(PACKAGE) / DIRECTORY / f"{name}.tsv"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"no lexicon table {name!r} (data/lexicon/{name}.tsv)") from None
    out = parse(name, text)
    _LOADED.add(name)
    return out


def parse(name: str, text: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """``(columns, rows)`` of a table's text (the format of the module docstring).

    Raises:
        LexiconError: as :func:`table` (``name.tsv:line`` in the message).
    """
    columns: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}
    for ln, line in enumerate(text.splitlines(), 1):
        if line.startswith("# columns:"):
            columns = tuple(line[len("# columns:"):].split())
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if not columns:
            raise LexiconError(f"{name}.tsv:{ln}: a row before the '# columns:' line")
        fields = tuple(f.strip() for f in line.split("\t"))
        if len(fields) > len(columns):
            raise LexiconError(f"{name}.tsv:{ln}: {len(fields)} fields, the table has {len(columns)} columns")
        fields += ("",) * (len(columns) - len(fields))
        if fields[0] in seen:
            raise LexiconError(f"{name}.tsv:{ln}: {fields[0]!r} repeats line {seen[fields[0]]}")
        seen[fields[0]] = ln
        rows.append(fields)
    return columns, tuple(rows)


def words(name: str) -> frozenset[str]:
    """The entries (first column) of the table ``name``.

    Raises:
        LexiconError: as :func:`table`.
    """
    return frozenset(r[0] for r in table(name)[1])


def ordered(name: str) -> tuple[str, ...]:
    """The entries (first column) of the table ``name``, in file order (for lists whose order matters)."""
    return tuple(r[0] for r in table(name)[1])


def mapping(name: str) -> dict[str, str | None]:
    """The first column of the table ``name`` -> its second column (``None`` where it is empty).

    Raises:
        LexiconError: as :func:`table`; also a table with fewer than two columns.
    """
    cols, rows = table(name)
    if len(cols) < 2:
        raise LexiconError(f"{name}.tsv: a mapping needs two columns, it has {len(cols)}")
    return {r[0]: r[1] or None for r in rows}


def numbers(name: str) -> dict[str, int | float]:
    """The first column of the table ``name`` -> its second column as a number (``int`` when written
    without a point or exponent, else ``float``).

    Raises:
        LexiconError: as :func:`mapping`; also a value that is not a number.
    """
    out: dict[str, int | float] = {}
    for k, v in mapping(name).items():
        try:
            out[k] = int(v) if v is not None and v.lstrip("-").isdigit() else float(v or "")
        except ValueError:
            raise LexiconError(f"{name}.tsv: {k!r}: {v!r} is not a number") from None
    return out


def tagged(name: str, tag: str) -> frozenset[str]:
    """The entries of the table ``name`` whose ``tags`` column (space-separated) holds ``tag``.

    Raises:
        LexiconError: as :func:`table`; also a table without a ``tags`` column, or a tag no entry has
            (a misspelt tag must not give an empty set).
    """
    cols, rows = table(name)
    if "tags" not in cols:
        raise LexiconError(f"{name}.tsv: no 'tags' column")
    i = cols.index("tags")
    out = frozenset(r[0] for r in rows if tag in r[i].split())
    if not out:
        raise LexiconError(f"{name}.tsv: no entry has the tag {tag!r}")
    return out
