"""`get_backend`: the project's writer (the `openai` backend, or the offline
writer when no endpoint is configured or `--offline` asks for it), with the
response cache and the call log around it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.llm.cache import CachedBackend

if TYPE_CHECKING:
    from generator.config import Project
    from generator.llm import Backend


def get_backend(
    project: Project,
    *,
    offline: bool = False,
    model: str | None = None,
    run_id: str | None = None,
    read_cache: bool = True,
) -> CachedBackend:
    """The project's backend (offline or openai), with the response cache and call log around it."""
    inner: Backend
    if project.backend_name(offline) == "offline":
        from generator.write.offline import OfflineBackend

        inner = OfflineBackend()
    else:
        from generator.llm.openai import OpenAIBackend

        inner = OpenAIBackend(project, model=model)
    return CachedBackend(inner, project.state_dir, run_id=run_id, read_cache=read_cache)
