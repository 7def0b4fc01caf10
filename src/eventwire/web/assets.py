"""Build the web app's world geometry from the npm package ``world-atlas`` (run at install time).

The map page draws country outlines from ``static/vendor/world-110m.json``. That file is *generated*,
not committed: :func:`build_world` fetches ``world-atlas@2.0.2`` from the npm registry with the
ordinary ``npm pack`` client, decodes its ``countries-110m.json`` TopoJSON (Natural Earth 4.1.0 at
1:110m, public domain; the package itself is ISC-licensed by Michael Bostock) and writes:

* ``world-110m.json``: ``{"source": str, "countries": [{"id": ISO numeric or null, "iso3": ISO
  3166-1 alpha-3 or null, "name": str, "d": SVG path}]}``. The path is in equirectangular degrees
  (x = longitude, y = -latitude, so the world is the box ``-180 -90 360 180``), rounded to 0.01 degree.
* ``world-atlas-LICENSE.txt``: the package's licence text and the data's provenance.

``make install`` runs ``python -m eventwire.web.assets``; it does nothing when the file exists. When
npm is missing the map still works (graticule and event points, without outlines) and says so.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

#: The npm package and file the outlines come from.
WORLD_ATLAS = "world-atlas@2.0.2"
WORLD_MEMBER = "package/countries-110m.json"
LICENSE_MEMBER = "package/LICENSE"

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
WORLD_FILE = VENDOR_DIR / "world-110m.json"
LICENSE_FILE = VENDOR_DIR / "world-atlas-LICENSE.txt"


class AssetBuildError(RuntimeError):
    """The world geometry could not be built (npm missing or failing, or an unexpected package layout)."""


def _decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) points of every TopoJSON arc (quantized, delta-encoded per the spec)."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        pts = []
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(a), float(b)) for a, b in arc]
        arcs.append(pts)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join arcs into one ring; a negative index ``~i`` means arc ``i`` reversed (TopoJSON spec)."""
    out: list[tuple[float, float]] = []
    for k, i in enumerate(indices):
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if k == 0 else pts[1:])
    return out


def _fix_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Rings that draw correctly with x = longitude.

    Natural Earth rings that cross the antimeridian jump between +180 and -180. With an even number of
    jumps (Russia, Fiji) the ring is unwrapped (longitudes made continuous, beyond +-180) and also
    emitted shifted by 360 degrees, so each half shows on its side of the map (the map clips at
    +-180). With an odd number (a ring around a pole: Antarctica) the jump is closed along the pole.
    """
    jumps = [i for i in range(1, len(ring)) if abs(ring[i][0] - ring[i - 1][0]) > 180]
    if not jumps:
        return [ring]
    if len(jumps) % 2 == 1:
        i = jumps[0]
        pole = -90.0 if ring[i][1] < 0 else 90.0
        x0, x1 = ring[i - 1][0], ring[i][0]
        return [ring[:i] + [(x0, pole), (x1, pole)] + ring[i:]]
    out, off = [], 0.0
    for k, (x, y) in enumerate(ring):
        if k and x + off - out[-1][0] > 180:
            off -= 360
        elif k and x + off - out[-1][0] < -180:
            off += 360
        out.append((x + off, y))
    rings = [out]
    if max(x for x, _ in out) > 180:
        rings.append([(x - 360, y) for x, y in out])
    if min(x for x, _ in out) < -180:
        rings.append([(x + 360, y) for x, y in out])
    return rings


def _path(rings: list[list[tuple[float, float]]]) -> str:
    """SVG path data for rings in equirectangular degrees (y = -latitude), 0.01 degree precision."""
    parts = []
    for ring in [r for raw in rings for r in _fix_antimeridian(raw)]:
        if len(ring) < 3:
            continue
        pts = [f"{x:.2f},{-y:.2f}" for x, y in ring]
        dedup = [p for j, p in enumerate(pts) if j == 0 or p != pts[j - 1]]
        parts.append("M" + "L".join(dedup) + "Z")
    return "".join(parts)


def topojson_to_world(topo: dict[str, Any], source: str) -> dict[str, Any]:
    """Convert a world-atlas ``countries`` topology into our ``world-110m.json`` structure.

    Raises:
        AssetBuildError: the topology has no ``countries`` object.
    """
    import pycountry

    if "countries" not in topo.get("objects", {}):
        raise AssetBuildError("topology has no 'countries' object")
    arcs = _decode_arcs(topo)
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("type") == "Polygon":
            polys = [g["arcs"]]
        elif g.get("type") == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        rings = [_ring(r, arcs) for poly in polys for r in poly]
        num = g.get("id")
        c = pycountry.countries.get(numeric=num) if num else None
        countries.append({"id": num, "iso3": c.alpha_3 if c else None,
                          "name": (g.get("properties") or {}).get("name") or (c.name if c else ""),
                          "d": _path(rings)})
    return {"source": source, "countries": countries}


def build_world(force: bool = False, npm: str = "npm") -> Path:
    """Fetch ``world-atlas`` with ``npm pack`` and write ``world-110m.json`` and its licence.

    Args:
        force: rebuild even when the file exists.
        npm: the npm executable.

    Returns:
        The path of the written (or existing) ``world-110m.json``.

    Raises:
        AssetBuildError: npm is not installed, ``npm pack`` failed, or the tarball lacks the file.
    """
    if WORLD_FILE.exists() and not force:
        return WORLD_FILE
    exe = shutil.which(npm)
    if not exe:
        raise AssetBuildError(f"{npm!r} not found: install Node.js/npm to build the map's world outlines")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([exe, "pack", WORLD_ATLAS, "--pack-destination", tmp, "--silent"],
                              cwd=tmp, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise AssetBuildError(f"npm pack {WORLD_ATLAS} failed: {proc.stderr.strip()[:500]}")
        tgz = next(Path(tmp).glob("world-atlas-*.tgz"), None)
        if tgz is None:
            raise AssetBuildError(f"npm pack {WORLD_ATLAS} produced no tarball")
        with tarfile.open(tgz, "r:gz") as tar:
            try:
                topo = json.load(tar.extractfile(WORLD_MEMBER))  # type: ignore[arg-type]
                licence = tar.extractfile(LICENSE_MEMBER).read().decode("utf-8")  # type: ignore[union-attr]
            except (KeyError, AttributeError) as exc:
                raise AssetBuildError(f"{tgz.name} lacks {WORLD_MEMBER} or {LICENSE_MEMBER}") from exc
    source = f"npm {WORLD_ATLAS} countries-110m.json (Natural Earth 4.1.0, public domain)"
    world = topojson_to_world(topo, source)
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    tmp_out = WORLD_FILE.with_suffix(".tmp")
    tmp_out.write_text(json.dumps(world, separators=(",", ":")), encoding="utf-8")
    tmp_out.replace(WORLD_FILE)
    LICENSE_FILE.write_text(
        f"Generated by eventwire.web.assets from the npm package {WORLD_ATLAS}.\n"
        "Data: Natural Earth (naturalearthdata.com) 1:110m countries, version 4.1.0, public domain.\n"
        "Package licence (ISC):\n\n" + licence, encoding="utf-8")
    return WORLD_FILE


def main(argv: list[str] | None = None) -> int:
    """``python -m eventwire.web.assets [--force] [--optional]``: build the world outlines.

    ``--optional`` turns a failure into a warning (exit 0), for installs on machines without npm.
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        path = build_world(force="--force" in args)
    except (AssetBuildError, OSError, subprocess.SubprocessError) as exc:
        print(f"eventwire: world outlines not built: {exc}", file=sys.stderr)
        return 0 if "--optional" in args else 1
    n = len(json.loads(path.read_text(encoding="utf-8"))["countries"])
    print(f"eventwire: world outlines: {path} ({n} countries, {path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
