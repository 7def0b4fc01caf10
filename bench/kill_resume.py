"""Kill -9 / resume trials: is a database built through crashes the same as one built in one go?

One uninterrupted ``eventwire run`` makes the reference database; each trial builds a fresh database
with the same command, killed with SIGKILL at random moments (1-2 times) and run again to its end,
and compares every table with the reference (``tests/kill_resume.py``: run ids and write times
ignored). Prints one line per trial and a JSON summary with the tables that differ and an example row.

Usage::

    .venv/bin/python bench/kill_resume.py --trials 7 [--docs 120] [--seed 1] [--keep DIR]

Loopback only (no network), bounded: each run has a 30-minute timeout.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.kill_resume import differences, make_inputs, snapshot, trial, uninterrupted  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=7)
    ap.add_argument("--docs", type=int, default=120, help="generated articles besides the outlet files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=None, help="keep the databases in this folder")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ew-kill-"))
    rng = random.Random(args.seed)
    try:
        inputs = make_inputs(work, args.docs)
        ref = work / "reference.duckdb"
        span = uninterrupted(inputs, ref)
        want = snapshot(ref)
        print(f"reference run: {span:.1f} s; tables: " + ", ".join(f"{t} {sum(c.values())}" for t, c in want.items()))
        results = []
        for i in range(args.trials):
            db = work / f"trial{i}.duckdb"
            info = trial(inputs, db, rng, span)
            diff = differences(want, snapshot(db))
            results.append({"trial": i, **info, "equal": not diff, "differences": diff})
            print(f"trial {i}: killed at {info['kills_at_s']} s, exit codes {info['exit_codes']}: "
                  + ("every table equal" if not diff else "differs in " + ", ".join(diff)), flush=True)
        equal = sum(r["equal"] for r in results)
        print(json.dumps({"trials": args.trials, "equal": equal, "results": results}, indent=1, default=str))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for f in work.glob("*.duckdb"):
                shutil.copy(f, args.keep / f.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
