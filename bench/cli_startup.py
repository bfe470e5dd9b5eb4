"""How long `satire --help` and `satire check` take, as a user waits for them.

Usage: python bench/cli_startup.py [RUNS]   (goal: --help under 0.3 s)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(args: list[str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "generator", *args], cwd=REPO, check=True, capture_output=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for args in (["--help"], ["check"]):
        median, best = timed(args, runs)
        print(
            f"satire {' '.join(args):8s} median {median * 1000:6.0f} ms   best {best * 1000:6.0f} ms   ({runs} runs)"
        )


if __name__ == "__main__":
    main()
