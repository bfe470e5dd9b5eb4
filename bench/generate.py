"""Benchmark `satire generate` against the fake Chat Completions server.

    python bench/generate.py [--n 200] [--latency 0.2] [--jobs 8] [--max-ratio 1.10]

Makes N briefs in a temp project, runs the real CLI against the fake server
(every answer after `latency` seconds) with -j J, and prints the wall time and
its ratio to the ideal N/J x L; then the re-run with the drafts deleted (every
answer from the response cache, 0 requests) and the re-run with nothing
changed (every brief skipped). Goal: ratio <= 1.10 at N=200, L=0.2, J=8;
the exit status is 1 when the first run's ratio is above --max-ratio. (This is
where the wall-time bound lives: tests/test_generate_batch.py only checks that
-j pays off at all, which no slow machine breaks.)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fake_openai import FakeOpenAI  # noqa: E402
from tests.generation_support import many_briefs, point_at  # noqa: E402


def run(project: Path, env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """(process wall seconds, the run's own seconds from its summary, summary)."""
    full = (
        {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
        | env
        | {"PYTHONPATH": str(REPO)}
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "generate", *args],
        cwd=project,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"generate failed ({proc.returncode}): {proc.stderr.strip()}")
    summary = proc.stdout.strip().splitlines()[-1]
    match = re.search(r"([0-9.]+) s$", summary)
    return wall, float(match.group(1)) if match else wall, summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200, help="briefs")
    parser.add_argument(
        "--latency", type=float, default=0.2, help="seconds the fake server takes per answer"
    )
    parser.add_argument("--jobs", type=int, default=8, help="-j: calls at once")
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=1.10,
        help="goal for the first run's ratio to the ideal (exit 1 above it)",
    )
    args = parser.parse_args()

    fake = FakeOpenAI()
    fake.latency = args.latency
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "bench"
        project.mkdir()
        shutil.copy(REPO / "satire.yaml", project / "satire.yaml")
        (project / "briefs").mkdir()
        many_briefs(project, args.n)
        env = point_at(project, fake)
        ideal = args.n / args.jobs * args.latency

        wall, own, summary = run(project, env, "-j", str(args.jobs))
        ratio = own / ideal
        print(
            f"N={args.n} L={args.latency * 1000:.0f} ms J={args.jobs}: ideal N/J x L = {ideal:.2f} s"
        )
        print(
            f"  first run:   {own:.2f} s in the batch (ratio {ratio:.3f}), {wall:.2f} s for the whole process; server saw {fake.count()} requests, at most {fake.max_concurrency} at once"
        )
        print(f"               {summary}")

        for draft in (project / "drafts").glob("*.md"):
            draft.unlink()
        before = fake.count()
        wall, own, summary = run(project, env, "-j", str(args.jobs))
        print(
            f"  cached run:  {own:.2f} s in the batch, {wall:.2f} s for the whole process; {fake.count() - before} requests (drafts deleted, answers from the cache)"
        )

        before = fake.count()
        wall, own, summary = run(project, env, "-j", str(args.jobs))
        print(
            f"  unchanged:   {own:.2f} s in the batch, {wall:.2f} s for the whole process; {fake.count() - before} requests (every brief skipped)"
        )
    fake.close()
    met = ratio <= args.max_ratio
    print(f"goal: ratio <= {args.max_ratio:.2f}: {'met' if met else 'MISSED'} ({ratio:.3f})")
    if not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
