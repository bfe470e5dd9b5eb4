"""How long the CLI's fixed cost is, as a user waits for it: the interpreter's
start, `satire --help`, `satire check`, and `satire build` on a project of N
synthetic posts (bench/build.py's corpus, no raster images) with nothing to do
and with one post changed; for the no-op build, the time its imports take
(`-X importtime`, top-level modules summed) and the heavy libraries it loads.

Usage: python bench/cli_startup.py [--runs 10] [--posts 1000]
Goals (issue 21): no-op `satire build` of 1,000 posts at most 0.5 s, one changed
post at most 0.3 s, as a process; `--help` under 0.3 s. A no-op is answered from
the build stamp (`generator/site/stamp.py`) when the inputs are older than its
racy window (2 s), so the corpus is left to settle before the no-op runs; the
"no stamp" line is the same no-op with the stamp deleted. The changed post is
edited and approved again, as an editor's edit reaches the site (an edit left
unapproved only takes the post out); a retitled post also changes the lists
that show it and its social card. "imports alone" is the floor under a
changed build: a process that imports what one needs and loads the config,
with the cyclic collector paused as `satire` pauses it.

Python runs as an installed package does, with its bytecode written and reused
(`PYTHONDONTWRITEBYTECODE`, set on some machines, is dropped for the runs):
without it, the package's own modules are compiled again by every run.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "PYTHONPATH": str(REPO)
}
NEEDED = """
import gc
gc.disable()  # as the `satire` process runs its command (generator.cli.run)
from pathlib import Path
import generator.cli, generator.site.build, generator.config
import jinja2, markdown, nh3  # (Babel too, when a catalogue or a date is new)
generator.config.load_project(Path("."))
"""
HEAVY = ("PIL", "markdown", "nh3", "babel", "jinja2", "pydantic", "yaml", "rich")
LOADED = """
import sys
from generator.cli import main
try:
    main(["build"])
except SystemExit:
    pass
print(" ".join(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def timed(args: list[str], runs: int, cwd: Path = REPO) -> tuple[float, float, str]:
    """Median and best wall time of `args` as a process, and its last output."""
    times = []
    out = ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, env=ENV, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        out = done.stdout
    return statistics.median(times), min(times), out


def import_seconds(cwd: Path) -> float:
    """What the no-op build's imports take: top-level modules' cumulative times."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "generator", "build"],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match and not match.group(2).startswith(" "):
            total += int(match.group(1))
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    runs = args.runs
    print(f"cli startup bench: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    python = [sys.executable]
    satire = [sys.executable, "-m", "generator"]
    for label, command in (
        ("python -c pass", [*python, "-c", "pass"]),
        ("satire --help", [*satire, "--help"]),
        ("satire check", [*satire, "check"]),
    ):
        median, best, _ = timed(command, runs)
        print(
            f"{label:24s} median {median * 1000:6.0f} ms   best {best * 1000:6.0f} ms   ({runs} runs)"
        )

    sys.path.insert(0, str(REPO / "bench"))
    from build import edit_one, make_corpus, retitle_one  # the build bench's corpus and edits

    with tempfile.TemporaryDirectory(prefix="satire-cli-") as folder:
        root = Path(folder) / "blog"
        make_corpus(root, args.posts, 0)
        for _ in range(2):  # the second build finds its inputs settled: it leaves a stamp
            time.sleep(2.1)
            timed([*satire, "build"], 1, root)
        median, best, out = timed([*satire, "build"], runs, root)
        inside = re.search(r"([\d.]+) s\)", out)
        print(
            f"{'satire build (no-op)':24s} median {median * 1000:6.0f} ms   best {best * 1000:6.0f} ms   "
            f"({args.posts:,} posts; the build itself {inside.group(1) if inside else '?'} s of the last)"
        )
        stamps = root / ".satire" / "builds"
        full = []
        for _ in range(runs):  # the same, without the stamp (as right after an edit)
            for stamp in stamps.glob("*.json"):
                stamp.unlink()
            full.append(timed([*satire, "build"], 1, root))
        print(
            f"{'satire build (no stamp)':24s} median {statistics.median(f[0] for f in full) * 1000:6.0f} ms   "
            f"best {min(f[0] for f in full) * 1000:6.0f} ms   (a no-op that loads and checks everything)"
        )
        time.sleep(2.1)
        timed([*satire, "build"], 1, root)  # the stamp back, for the import figures
        print(
            f"{'  of which imports':24s} {import_seconds(root) * 1000:13.0f} ms   (-X importtime)"
        )
        probe = subprocess.run(
            [sys.executable, "-c", LOADED],
            cwd=root,
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        loaded = set(probe.stderr.split())
        print(
            f"{'  heavy libraries loaded':24s} {', '.join(m for m in HEAVY if m in loaded) or 'none'}"
            f"   (not: {', '.join(m for m in HEAVY if m not in loaded)})"
        )
        median, best, _ = timed([*python, "-c", NEEDED], runs, root)
        print(
            f"{'imports alone':24s} median {median * 1000:6.0f} ms   best {best * 1000:6.0f} ms   "
            "(what a changed build imports, and the config loaded: the floor under it)"
        )
        for label, edit, what in (
            ("satire build (1 changed)", edit_one, "Un lien {n} vers"),
            ("satire build (1 retitled)", retitle_one, "Un titre {n} tout neuf"),
        ):
            changed = []
            for n in range(runs):
                edit(root, what.format(n=n))  # edited and approved, as an editor does
                wall, _, out = timed([*satire, "build"], 1, root)
                inside = re.search(r"([\d.]+) s\)", out)
                rendered = re.search(r"(\d+) rendered", out)
                changed.append(
                    (
                        wall,
                        float(inside.group(1)) if inside else 0.0,
                        rendered.group(1) if rendered else "?",
                    )
                )
            walls = sorted(w for w, _, _ in changed)
            builds = sorted(b for _, b, _ in changed)
            print(
                f"{label:24s} median {statistics.median(walls) * 1000:6.0f} ms   best {walls[0] * 1000:6.0f} ms   "
                f"(the build itself: median {statistics.median(builds) * 1000:.0f} ms, best {builds[0] * 1000:.0f} ms; "
                f"{changed[-1][2]} pages rendered)"
            )


if __name__ == "__main__":
    main()
