"""Authoring script (not run at run time): writes ``src/eventwire/data/codebooks/cameo.tsv``.

Reads the public codebooks in ``../shared/data/codebooks`` and writes one row per CAMEO 1.1b3 event
code with the facts eventwire needs: the code, its name as printed in the CAMEO manual (chapter 6),
its Goldstein value, its QuadClass and its PLOVER type/mode from ``CAMEO2PLOVER-2021.txt``.

Usage (needs ``pypdf`` at authoring time only; it is not a dependency of eventwire)::

    .venv/bin/pip install pypdf
    .venv/bin/python scripts/build_cameo_codebook.py ../shared/data/codebooks

Sources of each column:
* ``name``: CAMEO manual 1.1b3, chapter 6 "CAMEO EVENT CODES" (ligatures normalised).
* ``goldstein``: the Goldstein (1992) scale as extended to CAMEO codes and distributed with
  CAMEO-coded data sets (the table below, written down by us); codes missing from that table (new in
  1.1b3: 155, 176, 1834) take their parent's value, flagged ``goldstein_from=parent``.
* ``quad_class``: the usual CAMEO QuadClass by root: 01-04 verbal cooperation (1), 05-08 material
  cooperation (2), 09-13 verbal conflict (3), 14-20 material conflict (4).
* ``plover_type``/``plover_mode``: ``CAMEO2PLOVER-2021.txt`` line for the code; else its base's line;
  else the root's category from the PLOVER manual table 7.1. CAMEO 01 (statements) has no PLOVER type;
  CAMEO 02 (appeals), dropped by PLOVER, is mapped to REQUEST by eventwire (documented in
  docs/event-coding.md).
"""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

GOLDSTEIN = {
    "01": 0.0, "010": 0.0, "011": -0.1, "012": -0.4, "013": 0.4, "014": 0.0, "015": 0.0, "016": 3.4,
    "017": 0.0, "018": 3.4, "019": 3.4,
    "02": 3.0, "020": 3.0, "021": 3.4, "0211": 3.4, "0212": 3.4, "0213": 3.4, "0214": 3.4, "022": 3.2,
    "023": 3.4, "0231": 3.4, "0232": 3.4, "0233": 3.4, "0234": 3.4, "024": -0.3, "0241": -0.3,
    "0242": -0.3, "0243": -0.3, "0244": -0.3, "025": -0.3, "0251": -0.3, "0252": -0.3, "0253": -0.3,
    "0254": -0.3, "0255": -0.3, "0256": -0.3, "026": 4.0, "027": 4.0, "028": 4.0,
    "03": 4.0, "030": 4.0, "031": 5.2, "0311": 5.2, "0312": 5.2, "0313": 5.2, "0314": 5.2, "032": 4.5,
    "033": 5.2, "0331": 5.2, "0332": 5.2, "0333": 5.2, "0334": 6.0, "034": 7.0, "0341": 7.0,
    "0342": 7.0, "0343": 7.0, "0344": 7.0, "035": 7.0, "0351": 7.0, "0352": 7.0, "0353": 7.0,
    "0354": 7.0, "0355": 7.0, "0356": 7.0, "036": 4.0, "037": 5.0, "038": 7.0, "039": 5.0,
    "04": 1.0, "040": 1.0, "041": 1.0, "042": 1.9, "043": 2.8, "044": 2.5, "045": 5.0, "046": 7.0,
    "05": 3.5, "050": 3.5, "051": 3.4, "052": 3.5, "053": 3.8, "054": 6.0, "055": 7.0, "056": 7.0,
    "057": 8.0,
    "06": 6.0, "060": 6.0, "061": 6.4, "062": 7.4, "063": 7.4, "064": 7.0,
    "07": 7.0, "070": 7.0, "071": 7.4, "072": 8.3, "073": 7.4, "074": 8.5, "075": 7.0,
    "08": 5.0, "080": 5.0, "081": 5.0, "0811": 5.0, "0812": 5.0, "0813": 5.0, "0814": 5.0, "082": 5.0,
    "083": 5.0, "0831": 5.0, "0832": 5.0, "0833": 5.0, "0834": 5.0, "084": 7.0, "0841": 7.0,
    "0842": 7.0, "085": 7.0, "086": 9.0, "0861": 9.0, "0862": 9.0, "0863": 9.0, "087": 9.0,
    "0871": 9.0, "0872": 9.0, "0873": 9.0, "0874": 10.0,
    "09": -2.0, "090": -2.0, "091": -2.0, "092": -2.0, "093": -2.0, "094": -2.0,
    "10": -5.0, "100": -5.0, "101": -5.0, "1011": -5.0, "1012": -5.0, "1013": -5.0, "1014": -5.0,
    "102": -5.0, "103": -5.0, "1031": -5.0, "1032": -5.0, "1033": -5.0, "1034": -5.0, "104": -5.0,
    "1041": -5.0, "1042": -5.0, "1043": -5.0, "1044": -5.0, "105": -5.0, "1051": -5.0, "1052": -5.0,
    "1053": -5.0, "1054": -5.0, "1055": -5.0, "1056": -5.0, "106": -5.0, "107": -5.0, "108": -5.0,
    "11": -2.0, "110": -2.0, "111": -2.0, "112": -2.0, "1121": -2.0, "1122": -2.0, "1123": -2.0,
    "1124": -2.0, "1125": -2.0, "113": -2.0, "114": -2.0, "115": -2.0, "116": -2.0,
    "12": -4.0, "120": -4.0, "121": -4.0, "1211": -4.0, "1212": -4.0, "122": -4.0, "1221": -4.0,
    "1222": -4.0, "1223": -4.0, "1224": -4.0, "123": -4.0, "1231": -4.0, "1232": -4.0, "1233": -4.0,
    "1234": -4.0, "124": -5.0, "1241": -5.0, "1242": -5.0, "1243": -5.0, "1244": -5.0, "1245": -5.0,
    "1246": -5.0, "125": -5.0, "126": -5.0, "127": -5.0, "128": -5.0, "129": -5.0,
    "13": -6.0, "130": -4.4, "131": -5.8, "1311": -5.8, "1312": -5.8, "1313": -5.8, "132": -5.8,
    "1321": -5.8, "1322": -5.8, "1323": -5.8, "1324": -5.8, "133": -5.8, "134": -5.8, "135": -5.8,
    "136": -7.0, "137": -7.0, "138": -7.0, "1381": -7.0, "1382": -7.0, "1383": -7.0, "1384": -7.0,
    "1385": -7.0, "139": -7.0,
    "14": -6.5, "140": -6.5, "141": -6.5, "1411": -6.5, "1412": -6.5, "1413": -6.5, "1414": -6.5,
    "142": -6.5, "1421": -6.5, "1422": -6.5, "1423": -6.5, "1424": -6.5, "143": -6.5, "1431": -6.5,
    "1432": -6.5, "1433": -6.5, "1434": -6.5, "144": -7.5, "1441": -7.5, "1442": -7.5, "1443": -7.5,
    "1444": -7.5, "145": -7.5, "1451": -7.5, "1452": -7.5, "1453": -7.5, "1454": -7.5,
    "15": -7.2, "150": -7.2, "151": -7.2, "152": -7.2, "153": -7.2, "154": -7.2,
    "16": -4.0, "160": -4.0, "161": -4.0, "162": -5.6, "1621": -5.6, "1622": -5.6, "1623": -5.6,
    "163": -8.0, "164": -7.0, "165": -7.0, "166": -7.0, "1661": -7.0, "1662": -7.0, "1663": -7.0,
    "17": -7.0, "170": -7.0, "171": -9.2, "1711": -9.2, "1712": -9.2, "172": -5.0, "1721": -5.0,
    "1722": -5.0, "1723": -5.0, "1724": -5.0, "173": -5.0, "174": -5.0, "175": -9.0,
    "18": -9.0, "180": -9.0, "181": -9.0, "182": -9.5, "1821": -9.0, "1822": -9.0, "1823": -10.0,
    "183": -10.0, "1831": -10.0, "1832": -10.0, "1833": -10.0, "184": -8.0, "185": -8.0, "186": -10.0,
    "19": -10.0, "190": -10.0, "191": -9.5, "192": -9.5, "193": -10.0, "194": -10.0, "195": -10.0,
    "196": -9.5,
    "20": -10.0, "200": -10.0, "201": -9.5, "202": -10.0, "203": -10.0, "204": -10.0, "2041": -10.0,
    "2042": -10.0,
}

ROOT_PLOVER = {  # PLOVER manual, table 7.1 (02 -> REQUEST is eventwire's choice)
    "01": "", "02": "REQUEST", "03": "AGREE", "04": "CONSULT", "05": "SUPPORT", "06": "COOPERATE",
    "07": "AID", "08": "CONCEDE", "09": "ACCUSE", "10": "REQUEST", "11": "ACCUSE", "12": "REJECT",
    "13": "THREATEN", "14": "PROTEST", "15": "MOBILIZE", "16": "SANCTION", "17": "COERCE",
    "18": "ASSAULT", "19": "ASSAULT", "20": "ASSAULT",
}


def quad(code: str) -> int:
    r = int(code[:2])
    return 1 if r <= 4 else 2 if r <= 8 else 3 if r <= 13 else 4


def read_names(pdf: Path) -> dict[str, str]:
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    start = text.index("Chapter 6\nCAMEO EVENT CODES")
    end = text.index("Chapter 7\nKEDS Project Actor Codes")
    names = {}
    for line in text[start:end].splitlines():
        m = re.match(r"^(\d{2,4}): (.+)$", line.strip())
        if m:
            names[m.group(1)] = unicodedata.normalize("NFKC", m.group(2)).replace("”", '"').strip()
    return names


def read_map(path: Path) -> dict[str, tuple[str, str, str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([^#]*)", line)
        if not m or len(m.group(1)) == 2 and "," not in m.group(2):
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        if len(parts) < 2 or not parts[0]:
            continue
        typ, mode = parts[0], parts[1]
        ctx = parts[2] if len(parts) > 2 else ""
        out.setdefault(m.group(1), (typ, mode.replace(" ", ""), ctx.replace(" ", "")))
    return out


def main(codebooks: Path, out: Path) -> None:
    names = read_names(codebooks / "CAMEO.Manual.1.1b3.pdf")
    pmap = read_map(codebooks / "CAMEO2PLOVER-2021.txt")
    rows = ["code\tbase\troot\tname\tgoldstein\tgoldstein_from\tquad_class\tplover_type\tplover_mode\tplover_context"]
    for code in sorted(names, key=lambda c: (c[:2], c)):
        base, root = code[:3], code[:2]
        if code in GOLDSTEIN:
            g, gfrom = GOLDSTEIN[code], "table"
        else:
            g, gfrom = GOLDSTEIN[base if base in GOLDSTEIN and base != code else root], "parent"
        if code in pmap:
            typ, mode, ctx = pmap[code]
        elif len(code) == 4 and base in pmap:
            typ, _, ctx = pmap[base]
            mode = ""  # a mode is specific to its line: not inherited
        else:
            typ, mode, ctx = ROOT_PLOVER[root], "", ""
        rows.append("\t".join([code, base if len(code) > 2 else "", root, names[code], f"{g:.1f}", gfrom,
                               str(quad(code)), typ, mode, ctx]))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows) - 1} codes to {out}")


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/codebooks")
    main(src, Path(__file__).resolve().parents[1] / "src/eventwire/data/codebooks/cameo.tsv")
