"""Repeat runs: are the given tests stable? Each run is a fresh pytest process
over the given files, in a new random order (pytest-randomly, a new seed each
run); every test's outcome is tallied and a test that failed even once is
named with the seeds of the runs it failed in (replay one with
`pytest --randomly-seed=SEED FILES`).

    .venv/bin/python bench/repeat.py --count 20 tests/test_deploy_*.py tests/test_pipeline*.py
    .venv/bin/python bench/repeat.py --count 5 -j 2 tests/test_desk_workflow.py

It prints one line per run, then `passes/runs` per test that did not pass
every time, and a last line `N/N runs passed` (exit 0 only when all did).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    number: int
    seed: int
    code: int
    seconds: float
    outcomes: dict[str, str] = field(default_factory=dict)  # test id -> passed|failed|skipped


def outcomes(report: Path) -> dict[str, str]:
    """test id -> outcome, from pytest's JUnit XML."""
    found: dict[str, str] = {}
    if not report.is_file():
        return found
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            found[name] = "failed"
        elif "skipped" in kinds:
            found[name] = "skipped"
        else:
            found[name] = "passed"
    return found


def one_run(number: int, files: list[str], python: str, extra: list[str]) -> Run:
    seed = random.randrange(1, 2**31)
    with tempfile.TemporaryDirectory(prefix="satire-repeat-") as scratch:
        report = Path(scratch) / "junit.xml"
        command = [
            python, "-m", "pytest", "-q", f"--randomly-seed={seed}",
            f"--junitxml={report}", "-o", "junit_family=xunit2", *extra, *files,
        ]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=os.environ)
        run = Run(number, seed, proc.returncode, time.perf_counter() - started, outcomes(report))
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="test files (or pytest ids)")
    parser.add_argument("--count", type=int, default=20, help="runs (default 20)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument(
        "--python", default=str(REPO / ".venv/bin/python"), help="the interpreter with pytest"
    )
    args, extra = parser.parse_known_args(argv)
    runs: list[Run] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = [
            pool.submit(one_run, n, args.files, args.python, extra)
            for n in range(1, args.count + 1)
        ]
        for future in futures:
            run = future.result()
            runs.append(run)
            failed = sorted(t for t, o in run.outcomes.items() if o == "failed")
            verdict = (
                "passed" if run.code == 0 else f"FAILED ({len(failed)} failed, exit {run.code})"
            )
            print(
                f"run {run.number:>3}: seed {run.seed:>10}  {len(run.outcomes):>4} tests  "
                f"{run.seconds:6.1f} s  {verdict}",
                flush=True,
            )
    passes: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    seeds: defaultdict[str, list[int]] = defaultdict(list)
    for run in runs:
        for test, outcome in run.outcomes.items():
            seen[test] += 1
            if outcome in {"passed", "skipped"}:
                passes[test] += 1
            else:
                seeds[test].append(run.seed)
    unstable = sorted(t for t in seen if passes[t] < seen[t])
    for test in unstable:
        print(f"{passes[test]}/{seen[test]}  {test}  (failed with seeds {seeds[test]})")
    good = sum(1 for run in runs if run.code == 0)
    skipped = sorted(t for t in seen if any(r.outcomes.get(t) == "skipped" for r in runs))
    if skipped:
        print(f"{len(skipped)} test(s) skipped in some run (set CI=true for the browser tests)")
    print(
        f"{len(seen)} tests, {sum(seen.values())} test runs, {len(unstable)} unstable; "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(f"{good}/{len(runs)} runs passed")
    return 0 if good == len(runs) and runs else 1


if __name__ == "__main__":
    sys.exit(main())
