"""The interfaces other parts call: pinned, so a change is a decision."""

from __future__ import annotations

import inspect

import generator.serve
import generator.site.build


def test_site_public_surface() -> None:
    assert generator.site.build.__all__ == ["BuildReport", "Progress", "build", "render_post_page"]
    build = inspect.signature(generator.site.build.build)
    assert list(build.parameters)[:3] == ["project", "drafts", "out"]
    assert (
        build.parameters["drafts"].kind is inspect.Parameter.KEYWORD_ONLY
        and build.parameters["drafts"].default is False
    )
    assert build.parameters["out"].default is None
    assert list(inspect.signature(generator.site.build.render_post_page).parameters) == [
        "project",
        "draft",
    ]


def test_serve_mount_table() -> None:
    assert generator.serve.DEFAULT_MOUNTS == {"/_desk/": "generator.desk:wsgi_app"}
    server = inspect.signature(generator.serve.PreviewServer)
    assert list(server.parameters) == ["address", "preview", "mounts"]
    serve = inspect.signature(generator.serve.serve)
    assert serve.parameters["host"].default == "127.0.0.1"
