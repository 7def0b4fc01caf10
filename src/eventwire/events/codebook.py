"""The CAMEO 1.1b3 and PLOVER codebooks as shipped in ``eventwire/data/codebooks``.

* ``cameo.tsv``: one row per CAMEO 1.1b3 event code (316 codes): name (CAMEO manual ch. 6), Goldstein
  value, QuadClass (1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
  conflict, by CAMEO root), PLOVER type/mode/context (``CAMEO2PLOVER-2021.txt``; CAMEO 02 "appeal",
  dropped by PLOVER, is mapped to REQUEST by eventwire; CAMEO 01 statements have no PLOVER type).
  Written by ``scripts/build_cameo_codebook.py``.
* ``plover.json``: PLOVER types with quad category, PLOVER score, modes and our own short definitions.

Everything is loaded once per process (:func:`codebook`).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code with the facts attached to it.

    Attributes:
        code: full code as a string (``"0256"``); base: 3-digit base (``"025"``); root: 2-digit root.
        name: the code's name in the CAMEO 1.1b3 manual.
        goldstein: Goldstein scale value in [-10, 10].
        quad_class: 1-4 (CAMEO QuadClass by root).
        plover_type, plover_mode: PLOVER equivalents ("" when none).
        plover_context: the map's PLOVER contexts of the code (``163`` -> ``("diplomatic",)``; may be empty).
    """

    code: str
    base: str
    root: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str
    plover_mode: str
    plover_context: tuple[str, ...] = ()


class Codebook:
    """CAMEO codes and PLOVER types, loaded from the package data.

    Raises:
        FileNotFoundError: the package data is missing (a broken install).
    """

    def __init__(self) -> None:
        base = resources.files("eventwire.data") / "codebooks"
        self.cameo: dict[str, CameoCode] = {}
        with (base / "cameo.tsv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh, delimiter="\t"):
                code = r["code"]
                self.cameo[code] = CameoCode(code, code[:3], code[:2], r["name"], float(r["goldstein"]),
                                             int(r["quad_class"]), r["plover_type"], r["plover_mode"],
                                             tuple(c for c in r["plover_context"].split(";") if c))
        self.plover: dict = json.loads((base / "plover.json").read_text(encoding="utf-8"))["types"]

    def get(self, code: str) -> CameoCode:
        """The entry of a CAMEO code; a 4-digit code missing from the table falls back to its base.

        Raises:
            KeyError: not a CAMEO 1.1b3 code.
        """
        if code in self.cameo:
            return self.cameo[code]
        if len(code) == 4 and code[:3] in self.cameo:
            return self.cameo[code[:3]]
        raise KeyError(f"not a CAMEO 1.1b3 event code: {code!r}")

    def is_code(self, code: str) -> bool:
        """True when ``code`` is a CAMEO 1.1b3 event code."""
        return code in self.cameo

    def plover_quad(self, plover_type: str) -> int | None:
        """PLOVER's own quad category of a type (PLOVER manual table 7.2), or ``None``."""
        t = self.plover.get(plover_type)
        return t["quad"] if t else None


@lru_cache(maxsize=1)
def codebook() -> Codebook:
    """The process-wide codebook (loaded once)."""
    return Codebook()
