"""Run the trials and print what each tried and what survived.

    python bench/trials/run.py [--quick] [--only NAME ...]

Exits 1 when any target is missed. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from common import Outcome, TrialContext, table  # noqa: E402


def trial_names() -> list[str]:
    return sorted(p.stem.removeprefix("trial_") for p in HERE.glob("trial_*.py"))


def run_trial(name: str, quick: bool) -> list[Outcome]:
    module = importlib.import_module(f"trial_{name}")
    with tempfile.TemporaryDirectory(prefix=f"credtrack-trial-{name}-") as work:
        return module.run(TrialContext.from_env(quick, Path(work)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small counts the test suite uses")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=trial_names(), help="run only these trials")
    args = parser.parse_args(argv)
    outcomes: list[Outcome] = []
    for name in args.only or trial_names():
        started = time.perf_counter()
        results = run_trial(name, args.quick)
        print(f"{name}: {len(results)} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        outcomes += results
    print(table(outcomes))
    missed = [o for o in outcomes if not o.met]
    print(f"\n{len(outcomes) - len(missed)} of {len(outcomes)} targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
