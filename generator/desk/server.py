"""`satire desk`: the desk alone, for a team, on waitress (a production WSGI
server in pure Python: Linux, macOS and Windows alike). It answers at `/_desk/`
(and sends `/` there), and refuses to listen beyond this machine while the
project has no desk account: with none, whoever reaches it could publish.
"""

from __future__ import annotations

import gc
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.config import Project
from generator.desk.accounts import Accounts
from generator.desk.app import PREFIX, Desk
from generator.desk.security import is_loopback
from generator.errors import SatireError

THREADS = 8


def check_address(project: Project, host: str) -> None:
    """SatireError when `host` is beyond loopback and no account exists."""
    if not is_loopback(host) and not Accounts(project).any():
        raise SatireError(
            f"refusing to listen on {host}: the desk has no account yet, so anyone who reaches it could approve and publish; "
            "add one with 'satire editors add NAME --role admin', or listen on 127.0.0.1"
        )


def site_assets(project: Project) -> Callable[[str], Path | None]:
    """The file a path of the site's own assets names (its theme's CSS and fonts,
    the project's static/), which the desk's previews link to; None for any other.
    They are what the built site publishes, so they are served to anyone."""
    from urllib.parse import urlsplit

    from generator.site.build import static_files
    from generator.site.theme import Theme

    root = urlsplit(project.config.url).path or "/"

    def find(path: str) -> Path | None:
        if not path.startswith(root):
            return None
        return static_files(project, Theme(project)).get(path[len(root) :])

    return find


def mounted(desk: Any, assets: Callable[[str], Path | None] | None = None) -> Any:
    """The desk's WSGI app at /_desk/, with / sent there, the site's assets
    (`assets`) for its previews, and the rest not found."""
    script = PREFIX.rstrip("/")

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path == script or path.startswith(PREFIX):
            environ["SCRIPT_NAME"] = str(environ.get("SCRIPT_NAME", "")) + script
            environ["PATH_INFO"] = path[len(script) :] or "/"
            result: Iterable[bytes] = desk(environ, start_response)
            return result
        if path in ("", "/"):
            start_response("303 See Other", [("Location", PREFIX), ("Content-Length", "0")])
            return [b""]
        found = (
            assets(path)
            if assets is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            else None
        )
        if found is not None:
            data = found.read_bytes()
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            start_response(
                "200 OK",
                [
                    ("Content-Type", kind),
                    ("Content-Length", str(len(data))),
                    ("Cache-Control", "no-cache"),
                ],
            )
            return [data if environ.get("REQUEST_METHOD") == "GET" else b""]
        body = b"not found: the desk is at /_desk/\n"
        start_response(
            "404 Not Found",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return application


def serve_desk(
    project: Project,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    threads: int = THREADS,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the desk until interrupted; `ready` gets its URL once it listens."""
    from waitress.server import create_server  # type: ignore[import-untyped]

    gc.enable()  # the `satire` process pauses it; a server runs for hours

    check_address(project, host)
    desk = Desk(project)
    try:
        server: Any = create_server(
            mounted(desk.wsgi, site_assets(project)),
            host=host,
            port=port,
            server_name=host,
            threads=threads,
            ident="satire-desk",
            clear_untrusted_proxy_headers=False,  # the desk's own TrustedProxies decides
        )
    except OSError as exc:
        raise SatireError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (try --port 0 for a free port)"
        ) from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.effective_port}{PREFIX}"
    try:
        if ready is not None:
            ready(url)
        server.run()
    finally:
        server.close()
