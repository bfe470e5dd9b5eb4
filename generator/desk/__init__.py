"""The review desk at `/_desk/` of `satire serve`: editors list drafts, read
each one as the site will show it with its fact-check findings marked, compare
revisions, and approve, reject, revise, publish or unpublish it, in the
browser. Built on `generator.review.workflow` (the workflow and its audit log),
`generator.check.factcheck` and `generator.site`; see `app.py` for the routes and
`security.py` for what it refuses.
"""

from __future__ import annotations

from typing import Any

from generator.config import Project
from generator.desk.app import Desk
from generator.desk.http import WSGIApp

__all__ = ["Desk", "wsgi_app"]


def wsgi_app(project: Project, preview: Any = None) -> WSGIApp:
    """The desk as a WSGI app, for `satire serve` to mount at /_desk/.

    `preview` is the preview server's state: after a publish or unpublish the
    desk rebuilds the preview at once, so the site shows the change.
    """
    rebuild = getattr(preview, "rebuild", None)
    return Desk(project, on_change=rebuild).wsgi
