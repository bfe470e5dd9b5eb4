"""Helpers for the review desk tests: the real `satire serve` (or `satire desk`)
in a subprocess, desk accounts, a tiny cookie-keeping HTTP client that can lie
about Host and Origin and signs in like a browser, and Debian's chromium
through playwright."""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

from tests.chromium import launched
from tests.conftest import ENDPOINT_VARS, REPO, run_satire

CSRF_RE = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
REVISION_RE = re.compile(r'name="revision" value="(\d+)"|data-testid="revision">(\d+)<')
PASSWORD = "correct horse battery staple"
SLUGS = ["amazon-desantis", "iphone-air", "sora-app", "microsoft-copilot-app"]


def add_account(project: Path, name: str, role: str, password: str = PASSWORD) -> None:
    """A desk account, as `satire editors add` makes it (without the subprocess)."""
    from generator.config import load_project
    from generator.desk.accounts import Accounts

    Accounts(load_project(project)).add(name, role, password)


def make_project(
    root: Path, *, slugs: list[str] = SLUGS, desk: dict[str, Any] | None = None
) -> Path:
    """A demo project with offline drafts of `slugs` and `desk:` settings."""
    root.mkdir(parents=True)
    for name in ("briefs", "static", "schemas"):
        shutil.copytree(REPO / name, root / name)
    config = yaml.safe_load((REPO / "satire.yaml").read_text("utf-8"))
    if desk is not None:
        config["desk"] = desk
    (root / "satire.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    for path in (root / "briefs").glob("*.yaml"):
        if path.stem not in slugs:
            path.unlink()
    if slugs:
        result = run_satire("generate", "--offline", *slugs, cwd=root)
        assert result.code == 0, result.err
    return root


@dataclass
class Served:
    """A running `satire serve` and what it printed."""

    proc: subprocess.Popen[str]
    url: str
    port: int
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)


def _pump(stream: Any, sink: list[str], lines: queue.Queue[str] | None) -> None:
    for line in stream:
        sink.append(line)
        if lines is not None:
            lines.put(line)


@contextmanager
def serving(
    project: Path, *args: str, env: dict[str, str] | None = None, command: str = "serve"
) -> Iterator[Served]:
    """`satire serve --port 0` (or `satire desk`) on `project` until the block ends."""
    full_env = {k: v for k, v in os.environ.items() if k not in ENDPOINT_VARS}
    full_env["PYTHONPATH"] = str(REPO)
    full_env.update(env or {})
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "--project",
            str(project),
            command,
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )
    out: list[str] = []
    err: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, out, lines), daemon=True).start()
    threading.Thread(target=_pump, args=(proc.stderr, err, None), daemon=True).start()
    try:
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if proc.poll() is not None:
                    break
                continue
            match = re.search(r"on (http://[^ ]+/)", line)
            url = match.group(1) if match else None
        if url is None:
            raise AssertionError(f"satire {command} did not start: {''.join(out)}{''.join(err)}")
        port = int(re.search(r":(\d+)/", url).group(1))  # type: ignore[union-attr]
        yield Served(proc, url, port, out, err)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def csrf(self) -> str:
        match = CSRF_RE.search(self.text)
        assert match, "no CSRF token in the page"
        return match.group(1)

    @property
    def revision(self) -> str:
        """The revision the page's action forms carry."""
        match = REVISION_RE.search(self.text)
        assert match, "no revision in the page"
        return match.group(1) or match.group(2)


class Client:
    """HTTP to the desk, keeping cookies; Host and Origin may be set to anything."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        *,
        host: str | None = None,
        origin: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": host or self.host, **(extra or {})}
        if origin is not None:
            headers["Origin"] = origin
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            self.cookies.update({k: m.value for k, m in jar.items()})
        conn.close()
        return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, text)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict[str, str], **kwargs: Any) -> Reply:
        return self.request("POST", path, form, **kwargs)

    def sign_in(self, name: str, password: str = PASSWORD) -> str:
        """Sign in on the desk's login page, as a browser would; the CSRF token
        of the new session."""
        page = self.get("/_desk/login")
        reply = self.post(
            "/_desk/login",
            {"csrf": page.csrf, "name": name, "password": password, "next": "/_desk/"},
            origin=f"http://{self.host}",
        )
        assert reply.status == 303, reply.text
        return self.get("/_desk/").csrf

    def act(self, slug: str, action: str, form: dict[str, str] | None = None) -> Reply:
        """POST a draft's action with the token and the revision its page shows."""
        page = self.get(f"/_desk/drafts/{slug}")
        fields = {"csrf": page.csrf, "revision": page.revision, **(form or {})}
        return self.post(f"/_desk/drafts/{slug}/{action}", fields, origin=f"http://{self.host}")


class InProcess(Client):
    """The same client, against a desk's WSGI app in this process (no server to
    start): the peer's address (`address`) can be anything, and `always` holds
    headers sent with every request (a proxy's, say)."""

    def __init__(self, app: Any, address: str = "127.0.0.1", **always: str) -> None:
        super().__init__(80)
        self.app = app
        self.address = address
        self.always = always

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        *,
        host: str | None = None,
        origin: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> Reply:
        from werkzeug.test import Client as WSGIClient

        headers = {"Host": host or self.host, **self.always, **(extra or {})}
        if origin is not None:
            headers["Origin"] = origin
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = WSGIClient(self.app, use_cookies=False).open(
            path,
            method=method,
            data=form,
            headers=headers,
            environ_base={"REMOTE_ADDR": self.address},
        )
        for value in response.headers.getlist("Set-Cookie"):
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            self.cookies.update({k: m.value for k, m in jar.items()})
        return Reply(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.get_data(as_text=True),
        )


@contextmanager
def browser_page(width: int = 1440, height: int = 1000) -> Iterator[Any]:
    """A fresh chromium page; console errors are gathered in `page.console_errors`."""
    with launched() as browser:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "requestfailed",
            lambda request: (
                errors.append(f"{request.failure} {request.url}")
                if "ERR_ABORTED" not in (request.failure or "")
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                errors.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        page.console_errors = errors
        yield page


def browser_sign_in(page: Any, base: str, name: str, password: str = PASSWORD) -> None:
    """Sign in on the desk's login page in the browser, as a person would."""
    page.goto(f"{base}/_desk/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/_desk/")
