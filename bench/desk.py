"""The desk for a team under load: E simulated people (writers, editors,
publishers) signed in to the real `satire desk` (waitress) on 127.0.0.1 for S
seconds, each in a loop: read the list, open a draft, and act as their role
allows (a writer edits the text by hand, an editor approves, a publisher
publishes). Every action carries the revision its page showed, so two people
on one draft give one success and one conflict (409), which is expected.

It prints requests per second, latency percentiles, the conflicts, any other
error (there must be none), and checks the audit log: every action the desk
answered with success is in it exactly once, and nothing else is.

    .venv/bin/python bench/desk.py                      # 20 people, 30 s, 40 drafts
    .venv/bin/python bench/desk.py --people 5 --seconds 10 --drafts 10
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.config import load_project  # noqa: E402
from generator.review import audit  # noqa: E402
from tests.deskkit import Client, add_account, serving  # noqa: E402
from tests.generation_support import many_briefs  # noqa: E402

ROLES = ("writer", "editor", "editor", "publisher")  # dealt out in turn
TEXTAREA = re.compile(r'<textarea id="edit-text"[^>]*>(.*?)</textarea>', re.S)
BASE = re.compile(r'name="base_revision" value="(\d+)"')
SEEN = re.compile(r'name="seen" value="([0-9a-f]*)"')
STATUS = re.compile(r'data-testid="status">(\w+)<')
SLUGS = re.compile(r'data-slug="([a-z0-9-]+)"')


class Tally:
    """What the people saw, gathered from every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: collections.Counter[int] = collections.Counter()
        self.errors: list[str] = []
        self.conflicts = 0
        self.done: collections.Counter[tuple[str, str, str]] = collections.Counter()

    def request(
        self, client: Client, method: str, path: str, form: dict[str, str] | None = None
    ) -> Any:
        start = time.perf_counter()
        if method == "GET":
            reply = client.get(path)
        else:
            reply = client.post(path, form or {}, origin=f"http://{client.host}")
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latencies.append(elapsed)
            self.statuses[reply.status] += 1
        return reply


def person(port: int, name: str, role: str, tally: Tally, until: float, seed: int) -> None:
    rng = random.Random(seed)
    client = Client(port)
    client.sign_in(name)
    while time.monotonic() < until:
        listing = tally.request(client, "GET", "/_desk/")
        if listing.status != 200:
            tally.errors.append(f"{name}: list {listing.status}")
            continue
        slug = rng.choice(SLUGS.findall(listing.text))
        page = tally.request(client, "GET", f"/_desk/drafts/{slug}")
        if page.status != 200:
            tally.errors.append(f"{name}: draft {slug} {page.status}")
            continue
        status = STATUS.search(page.text)
        state = status.group(1) if status else "?"
        if role == "writer" and state == "draft":
            act(tally, client, name, slug, "edit", edit_form(tally, client, slug, name))
        elif role == "editor" and state == "draft":
            act(
                tally,
                client,
                name,
                slug,
                "approve",
                {
                    "csrf": page.csrf,
                    "revision": page.revision,
                    "seen": seen(page.text),
                    "ack": "yes",
                },
            )
        elif role == "publisher" and state == "approved":
            act(
                tally,
                client,
                name,
                slug,
                "publish",
                {"csrf": page.csrf, "revision": page.revision, "seen": seen(page.text)},
            )


def seen(text: str) -> str:
    match = SEEN.search(text)
    return match.group(1) if match else ""


def edit_form(tally: Tally, client: Client, slug: str, name: str) -> dict[str, str]:
    import html

    page = tally.request(client, "GET", f"/_desk/drafts/{slug}/edit")
    text = html.unescape(TEXTAREA.search(page.text).group(1))  # type: ignore[union-attr]
    return {
        "csrf": page.csrf,
        "base_revision": BASE.search(page.text).group(1),  # type: ignore[union-attr]
        "seen": seen(page.text),
        "text": text.rstrip("\n") + f"\n\nA line by {name} at {time.time():.6f}.\n",
    }


def act(
    tally: Tally, client: Client, name: str, slug: str, action: str, form: dict[str, str]
) -> None:
    path = f"/_desk/drafts/{slug}/{action}"
    reply = tally.request(client, "POST", path, form)
    if reply.status == 303 and f"done={action}" in reply.headers.get("location", ""):
        with tally.lock:
            tally.done[(slug, action, name)] += 1
    elif reply.status == 409:
        with tally.lock:
            tally.conflicts += 1
    else:
        tally.errors.append(f"{name}: {action} {slug}: {reply.status} {reply.text[:200]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--drafts", type=int, default=40)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="satire-bench-desk-"))
    try:
        project = folder / "blog"
        init = subprocess.run(
            [sys.executable, "-m", "generator", "init", str(project)],
            capture_output=True,
            text=True,
        )
        assert init.returncode == 0, init.stderr
        many_briefs(project, args.drafts)
        made = subprocess.run(
            [sys.executable, "-m", "generator", "--project", str(project), "generate", "--offline"],
            capture_output=True,
            text=True,
        )
        assert made.returncode == 0, made.stderr
        people = {f"person{n:02d}": ROLES[n % len(ROLES)] for n in range(args.people)}
        for name, role in people.items():
            add_account(project, name, role)
        tally = Tally()
        with serving(project, command="desk") as served:
            until = time.monotonic() + args.seconds
            started = time.monotonic()
            threads = [
                threading.Thread(target=person, args=(served.port, name, role, tally, until, n))
                for n, (name, role) in enumerate(people.items())
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - started
            # waitress says when requests wait for a free thread: load, not an error
            queued = sum("Task queue depth" in line for line in served.err)
            server_errors = [
                line for line in served.err if line.strip() and "Task queue depth" not in line
            ]
        logged = collections.Counter(
            (e["slug"], e["action"], e["who"]) for e in audit.log(load_project(project))
        )
        lat = sorted(tally.latencies)
        p95 = lat[int(0.95 * (len(lat) - 1))]
        by_action = collections.Counter(
            action for (_, action, _), n in tally.done.items() for _ in range(n)
        )
        print(
            f"{args.people} people, {args.seconds:.0f} s, {args.drafts} drafts: {len(lat)} requests in {wall:.1f} s"
        )
        print(
            f"  {len(lat) / wall:.1f} requests/s; latency p50 {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
        )
        print(f"  actions: {dict(by_action)}; expected conflicts (409): {tally.conflicts}")
        print(f"  statuses: {dict(sorted(tally.statuses.items()))}")
        print(f"  errors: {len(tally.errors)}{' ' + tally.errors[0] if tally.errors else ''}")
        print(
            f"  server errors: {len(server_errors)}{' ' + server_errors[0].strip() if server_errors else ''} (and {queued} notes that requests waited for a thread)"
        )
        exact = logged == tally.done
        print(
            f"  audit log: {sum(logged.values())} entries; every action exactly once and nothing else: {'yes' if exact else 'NO'}"
        )
        if not exact:
            missing = tally.done - logged
            extra = logged - tally.done
            print(f"    missing: {dict(missing)}\n    extra: {dict(extra)}")
        return 0 if exact and not tally.errors and not server_errors else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
