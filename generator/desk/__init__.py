"""The review desk at `/_desk/`: editors sign in, list drafts, read each one as
the site will show it with its fact-check findings marked, compare revisions,
edit by hand, and approve, reject, revise, publish or unpublish, each as far as
their role allows. A Flask application (`app.py`), with its accounts and
sessions (`accounts.py`) and its guard (`security.py`); `satire serve` mounts it
beside the preview, `satire desk` serves it alone with waitress (`server.py`).
"""

from __future__ import annotations

from typing import Any

from generator.config import Project
from generator.desk.app import Desk

__all__ = ["Desk", "wsgi_app"]


def wsgi_app(project: Project, preview: Any = None) -> Any:
    """The desk as a WSGI app, for `satire serve` to mount at /_desk/.

    `preview` is the preview server's state: after a publish or unpublish the
    desk rebuilds the preview at once, so the site shows the change.
    """
    rebuild = getattr(preview, "rebuild", None)
    return Desk(project, on_change=rebuild).wsgi
