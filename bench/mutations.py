"""Guard mutations: each guard must fail a test when it is removed.

    python bench/mutations.py [-j 2] [-k TEXT] [--check] [--list] [--repo DIR] [--python PY]

Every `tests/mutations/*.py` holds a plain list `MUTATIONS` of dicts:

    {"name": "serve: traversal guard removed",       # what the mutation does
     "path": "generator/serve.py",                   # the file, relative to the repository
     "old": "exact text, found exactly once in it",  # the guard as it stands
     "new": "the text that replaces it",             # the guard gone
     "tests": ["tests/test_serve.py::test_x"]}       # pytest ids that must now fail

For each one this script makes a fresh copy of the repository in a temp folder
(the working tree's files, as `git ls-files` sees them: never the real tree),
applies the edit there, and runs only the named tests in the copy with the
project's venv python, two mutations at a time. A mutation is *killed* when its
tests fail, *survived* when they pass (the guard is not proven), and an *error*
when the entry is malformed, its `old` text is not there exactly once, the named
tests fail on the unmutated copy too (a baseline run first), or pytest could not
run them. It prints one row per mutation and exits 1 unless every one is killed.

`--check` only validates the entries (fast: no test runs); `--list` prints them.
"""

from __future__ import annotations

import argparse
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDER = Path("tests/mutations")
KEYS = {"name", "path", "old", "new", "tests"}
# copied when the tree is not a git checkout
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".satire",
    "site",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "artifacts",
    "dist",
    "build",
)
TIMEOUT = 600.0  # seconds for one mutation's tests
FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    origin: str  # the file that declared it
    problem: str | None = None  # set when the entry cannot be run


@dataclass
class Outcome:
    mutation: Mutation
    result: str  # killed | survived | error
    seconds: float
    detail: str = ""


# -- reading the lists --------------------------------------------------------


def load(repo: Path) -> list[Mutation]:
    """Every entry of every tests/mutations/*.py, each checked against the tree."""
    found: list[Mutation] = []
    for file in sorted((repo / FOLDER).glob("*.py")):
        if file.name == "__init__.py":
            continue
        origin = file.relative_to(repo).as_posix()
        try:
            entries = runpy.run_path(str(file)).get("MUTATIONS")
        except Exception as exc:  # a broken list is reported, the others still run
            found.append(
                Mutation(
                    origin, "", "", "", (), origin, f"cannot load: {type(exc).__name__}: {exc}"
                )
            )
            continue
        if not isinstance(entries, list):
            found.append(Mutation(origin, "", "", "", (), origin, "no MUTATIONS list"))
            continue
        for index, entry in enumerate(entries):
            found.append(_entry(repo, origin, index, entry))
    return found


def _entry(repo: Path, origin: str, index: int, entry: object) -> Mutation:
    if not isinstance(entry, dict):
        return Mutation(f"{origin}[{index}]", "", "", "", (), origin, "not a dict")
    name = str(entry.get("name") or f"{origin}[{index}]")
    keys = set(entry)
    tests = entry.get("tests")
    mutation = Mutation(
        name,
        str(entry.get("path", "")),
        str(entry.get("old", "")),
        str(entry.get("new", "")),
        tuple(str(t) for t in tests) if isinstance(tests, list) else (),
        origin,
    )
    problem = None
    if keys != KEYS:
        missing, unknown = sorted(KEYS - keys), sorted(keys - KEYS)
        problem = "; ".join(
            filter(
                None,
                [
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(unknown)}" if unknown else "",
                ],
            )
        )
    elif (
        not all(isinstance(entry[k], str) for k in ("name", "path", "old", "new"))
        or not isinstance(tests, list)
        or not tests
        or not all(isinstance(t, str) for t in tests)
    ):
        problem = "name, path, old and new must be strings, tests a non-empty list of pytest ids"
    elif not entry["old"] or entry["old"] == entry["new"]:
        problem = "old must be non-empty and differ from new"
    elif not (repo / mutation.path).resolve().is_relative_to(repo):
        problem = f"{mutation.path}: not inside the repository"
    elif not (repo / mutation.path).is_file():
        problem = f"{mutation.path}: no such file"
    else:
        count = (repo / mutation.path).read_text(encoding="utf-8").count(mutation.old)
        if count != 1:
            problem = f"{mutation.path}: old text found {count} times, expected exactly once"
        else:
            gone = [t for t in mutation.tests if not (repo / t.split("::", 1)[0]).is_file()]
            if gone:
                problem = f"no such test file: {', '.join(gone)}"
    return Mutation(
        mutation.name, mutation.path, mutation.old, mutation.new, mutation.tests, origin, problem
    )


# -- running -------------------------------------------------------------------


def tracked_files(repo: Path) -> list[str] | None:
    """The working tree's files that git knows or would add; None outside git."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=repo,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in listed.stdout.decode().split("\0") if name and (repo / name).is_file()]


def copy_tree(repo: Path, target: Path, files: list[str] | None) -> None:
    """A copy of the repository's sources (no venv, no state, no build output)."""
    if files is None:
        shutil.copytree(repo, target, ignore=SKIP, symlinks=True)
        return
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, destination, follow_symlinks=False)


def pytest_run(
    python: str, copy: Path, tests: Sequence[str], *, first_failure: bool
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(
        copy
    )  # the copy's generator/ and tests/, ahead of the venv's editable install
    args = [
        python,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        # the named tests need no random order, and hypothesis's plugin costs 0.6 s of
        # imports per run (its tests import hypothesis themselves): 2 min of a CI run
        "-p",
        "no:randomly",
        "-p",
        "no:hypothesispytest",
        "-rfE",
        *(["-x"] if first_failure else []),
        *tests,
    ]
    return subprocess.run(
        args, cwd=copy, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def imports_from(python: str, copy: Path) -> str:
    """Where `generator` is imported from in the copy's environment."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(copy)}
    probe = subprocess.run(
        [python, "-c", "import generator; print(generator.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() or probe.stderr.strip()


def run_one(
    mutation: Mutation, repo: Path, files: list[str] | None, python: str, scratch: Path
) -> Outcome:
    started = time.perf_counter()
    copy = Path(tempfile.mkdtemp(prefix="mutant-", dir=scratch))
    try:
        copy_tree(repo, copy, files)
        target = copy / mutation.path
        target.write_text(
            target.read_text(encoding="utf-8").replace(mutation.old, mutation.new, 1),
            encoding="utf-8",
        )
        try:
            proc = pytest_run(python, copy, mutation.tests, first_failure=True)
        except subprocess.TimeoutExpired:
            return Outcome(
                mutation,
                "error",
                time.perf_counter() - started,
                f"tests still running after {TIMEOUT:.0f} s",
            )
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    seconds = time.perf_counter() - started
    if proc.returncode == 0:
        return Outcome(mutation, "survived", seconds, "the named tests pass with the guard gone")
    if proc.returncode == 1:
        failed = FAILED.findall(proc.stdout)
        return Outcome(mutation, "killed", seconds, failed[0] if failed else "")
    tail = " | ".join((proc.stdout + proc.stderr).strip().splitlines()[-3:])
    return Outcome(mutation, "error", seconds, f"pytest exit {proc.returncode}: {tail}")


def baseline(
    mutations: Sequence[Mutation], repo: Path, files: list[str] | None, python: str, scratch: Path
) -> dict[int, str]:
    """Run every named test once, unmutated: index in `mutations` -> why it cannot be judged."""
    wanted = sorted({t for m in mutations for t in m.tests})
    if not wanted:
        return {}
    copy = Path(tempfile.mkdtemp(prefix="baseline-", dir=scratch))
    try:
        copy_tree(repo, copy, files)
        where = imports_from(python, copy) if (copy / "generator").is_dir() else str(copy)
        if not where.startswith(str(copy)):
            return {
                i: f"the copy imports generator from {where}, not from the copy"
                for i in range(len(mutations))
            }
        proc = pytest_run(python, copy, wanted, first_failure=False)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    if proc.returncode == 0:
        return {}
    failed = set(FAILED.findall(proc.stdout))
    broken: dict[int, str] = {}
    for index, mutation in enumerate(mutations):
        bad = [
            f for f in failed for t in mutation.tests if f == t or f.startswith((t + "::", t + "["))
        ]
        if bad or not failed:
            why = (
                f"fails unmutated: {bad[0]}"
                if bad
                else f"baseline pytest exit {proc.returncode}: "
                + " | ".join(proc.stdout.strip().splitlines()[-2:])
            )
            broken[index] = why
    return broken


# -- reporting -----------------------------------------------------------------


def table(outcomes: Sequence[Outcome]) -> str:
    rows = [("mutation", "tests", "result", "seconds")]
    for o in outcomes:
        tests = ", ".join(t.split("::", 1)[-1] if "::" in t else t for t in o.mutation.tests) or "-"
        rows.append((o.mutation.name, tests, o.result, f"{o.seconds:.1f}"))
    widths = [min(max(len(r[i]) for r in rows), 70 if i < 2 else 10) for i in range(4)]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            (cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…").ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "| " + " | ".join(cells) + " |"

    out = [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows[1:]]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-j", "--jobs", type=int, default=2, help="mutations at once (default 2)")
    parser.add_argument(
        "-k",
        dest="only",
        default=None,
        help="only mutations whose name holds TEXT (case-insensitive)",
    )
    parser.add_argument(
        "--check", action="store_true", help="validate the entries only; run nothing"
    )
    parser.add_argument("--list", action="store_true", help="print the entries and stop")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also say which test killed each mutation"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the unmutated run of the named tests"
    )
    parser.add_argument(
        "--repo", type=Path, default=REPO, help="the repository to copy (default: this one)"
    )
    parser.add_argument(
        "--python",
        default=None,
        help="the python that runs the tests (default: REPO/.venv/bin/python, else this one)",
    )
    args = parser.parse_args(argv)

    repo = args.repo.resolve()
    mutations = load(repo)
    if args.only:
        mutations = [m for m in mutations if args.only.lower() in m.name.lower()]
    if not mutations:
        print(
            f"no mutations in {repo / FOLDER}/*.py"
            + (f" matching {args.only!r}" if args.only else ""),
            file=sys.stderr,
        )
        return 2
    if args.list:
        for m in mutations:
            print(f"{m.name}\n    {m.path}  ({m.origin})\n    tests: {', '.join(m.tests)}")
        return 0
    bad = [m for m in mutations if m.problem]
    for m in bad:
        print(f"{m.origin}: {m.name}: {m.problem}", file=sys.stderr)
    if args.check:
        print(f"{len(mutations) - len(bad)} of {len(mutations)} mutations well formed")
        return 1 if bad else 0

    venv = repo / ".venv" / "bin" / "python"
    python = args.python or (str(venv) if venv.exists() else sys.executable)
    files = tracked_files(repo)
    started = time.perf_counter()
    outcomes: list[Outcome] = [Outcome(m, "error", 0.0, m.problem or "") for m in mutations]
    runnable = [i for i, m in enumerate(mutations) if not m.problem]
    with (
        tempfile.TemporaryDirectory(prefix="satire-mutations-") as tmp,
        ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool,
    ):
        scratch = Path(tmp)
        # the unmutated run shares the pool: its verdict is applied once everything is in
        unmutated = (
            None
            if args.no_baseline
            else pool.submit(
                baseline, [mutations[i] for i in runnable], repo, files, python, scratch
            )
        )
        jobs = {
            pool.submit(run_one, mutations[i], repo, files, python, scratch): i for i in runnable
        }
        for job in as_completed(jobs):
            outcome = outcomes[jobs[job]] = job.result()
            print(
                f"{outcome.result:>8}  {outcome.seconds:5.1f} s  {outcome.mutation.name}",
                file=sys.stderr,
                flush=True,
            )
        broken = unmutated.result() if unmutated is not None else {}
    for at, why in broken.items():
        i = runnable[at]
        outcomes[i] = Outcome(mutations[i], "error", outcomes[i].seconds, why)
    ordered = outcomes
    print(table(ordered))
    for o in ordered:
        if o.result != "killed" or args.verbose:
            print(f"{o.result}: {o.mutation.name} ({o.mutation.origin}): {o.detail}")
    killed = sum(o.result == "killed" for o in ordered)
    print(
        f"{killed} of {len(ordered)} mutations killed in {time.perf_counter() - started:.0f} s (-j {args.jobs})"
    )
    return 0 if killed == len(ordered) else 1


if __name__ == "__main__":
    sys.exit(main())
