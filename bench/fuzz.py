"""The long fuzz pass: the properties of tests/test_fuzz.py (brief loader,
front matter reader, config loader, Markdown to sanitized HTML) with many more
examples than CI runs, in one pytest process.

    .venv/bin/python bench/fuzz.py                   # 2,000 examples per property
    .venv/bin/python bench/fuzz.py --examples 10000

It prints, per property, the examples tried and how many failed, then a last
line `N examples tried, F failures` (exit 0 only when F is 0). A failure is
shown with the smallest input hypothesis found for it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# hypothesis's statistics, one block per test:
#   tests/test_fuzz.py::test_x:
#     - during generate phase (1.23 seconds):
#       - Typical runtimes: ...
#       - 2000 passing, 0 failing, and 12 invalid test cases
BLOCK = re.compile(r"^(tests/\S+::\S+):\s*$", re.M)
FAILED = re.compile(r"^FAILED (\S+)", re.M)
DISTINCT = re.compile(r"Found (\d+) distinct errors? in this phase")
COUNTS = re.compile(r"(\d+) passing(?: examples?)?, (\d+) failing(?: examples?)?,")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="per property (default 2000)")
    parser.add_argument(
        "--python", default=str(REPO / ".venv/bin/python"), help="the interpreter with pytest"
    )
    args = parser.parse_args(argv)
    env = {**os.environ, "SATIRE_FUZZ_EXAMPLES": str(args.examples)}
    started = time.perf_counter()
    command = [
        args.python, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
        "--hypothesis-show-statistics", "-k", "not known_attack", "tests/test_fuzz.py",
    ]  # fmt: skip
    proc = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    out = proc.stdout
    tried = failures = 0
    failed_tests = set(FAILED.findall(out))
    starts = [(m.start(), m.group(1)) for m in BLOCK.finditer(out)]
    for index, (at, test) in enumerate(starts):
        block = out[at : starts[index + 1][0] if index + 1 < len(starts) else len(out)]
        # the examples of the generate phase; the shrink and explain phases replay variants
        generate = block.split("during shrink phase")[0]
        examples = sum(int(a) + int(b) for a, b in COUNTS.findall(generate))
        errors = sum(int(n) for n in DISTINCT.findall(block)) or (1 if test in failed_tests else 0)
        tried += examples
        failures += errors
        print(f"{examples:>7} examples  {errors:>3} failures  {test.split('::')[1]}")
    if proc.returncode != 0:
        failures = max(failures, 1)
        # each failure's one-line cause and the smallest input hypothesis found for it
        shown = [line for line in out.splitlines() if line.startswith("E ")]
        print("\n".join(shown[-60:]) or out[-4000:], proc.stderr[-2000:], sep="\n")
    if not starts:
        print("no statistics in pytest's output", out[-2000:], proc.stderr[-2000:], sep="\n")
        return 1
    print(f"{tried} examples tried, {failures} failures ({seconds:.0f} s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
