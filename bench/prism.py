"""The project's requests checked against OpenAI's published OpenAPI document.

    python bench/prism.py --spec openapi.json [--prism node_modules/.bin/prism] [--port 4010]

Needs Stoplight Prism (`npm install @stoplight/prism-cli` in a scratch folder)
and `openapi.json` from github.com/openai/openai-openapi. Prism validates no
request body of that document as published (schemas with `nullable` and no
`type` make it give up), so a copy with those rewritten is what it mocks.

The project's own code builds each request (the writer, a self-check fix, a
revision, a translation verdict, intake's extraction, the eval judge) through a
backend that records it; each is then sent through the official `openai` client
in every shape `satire` can send (classic and reasoning-model parameters, each
`response_format` of the step-down, with a reasoning effort), and Prism answers
422 with the violations when a body breaks the specification (a control body
with a string temperature must be refused, or nothing was checked); a JSON-mode
body whose messages never say "JSON" counts as refused too, as OpenAI refuses
it. One row per request and shape; exit 1 if any was refused.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import openai  # noqa: E402

from generator.llm import Completion, Request, Usage  # noqa: E402
from generator.llm.openai import MODES, RequestSettings, Shape, request_body  # noqa: E402

T = TypeVar("T")

CANNED: dict[str, dict[str, Any]] = {
    "article": {
        "title": "A canned post",
        "dek": "A canned dek.",
        "body": "\n\n".join(["A paragraph long enough to pass for one, or nearly so."] * 5),
        "pull_quote": "A canned line.",
        "tags": ["canned"],
    },
    "verdict": {"same": True, "reason": "same meaning", "winner": "A"},
    "intake_brief": {"summary": "Canned.", "facts": [], "quotes": [], "people": [], "angles": []},
}


def relaxed(spec: dict[str, Any]) -> dict[str, Any]:
    """The document with `nullable` dropped where a schema has no `type` (Prism stops there)."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("nullable") is True and "type" not in node:
                node = {k: v for k, v in node.items() if k != "nullable"}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(spec))


class Recorder:
    """A backend that keeps each request and answers it from `CANNED`."""

    name = "openai"
    model = "gpt-4o-mini"

    def __init__(self) -> None:
        self.requests: list[Request[Any]] = []

    def complete(self, request: Request[T]) -> Completion[T]:
        self.requests.append(request)
        text = json.dumps(CANNED.get(request.name, CANNED["verdict"]))
        return Completion(request.parse(text), text, self.name, self.model, Usage())

    def cache_key(self, request: Request[Any]) -> str | None:
        return None

    def cost_bound(self, request: Request[Any]) -> float:
        return 0.0

    def record(self, completion: Completion[Any], *, findings: int) -> None:
        pass


def project_requests(folder: Path, base_url: str) -> list[Request[Any]]:
    """Every kind of request the project sends, built by its own code."""
    from generator.check.factcheck import Pair
    from generator.config import load_project
    from generator.intake.extract import Page
    from generator.intake.llm import LLMExtractor
    from generator.measure.judge import Contestant, Judge
    from generator.styles import load_style
    from generator.write import compose, translations
    from generator.write.offline import OfflineBackend
    from generator.write.prompts import render_self_check

    for name in ("satire.yaml", "briefs", "schemas"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    os.environ["OPENAI_BASE_URL"] = base_url
    project = load_project(folder)
    from generator.brief import brief_paths, load_briefs

    briefs, _ = load_briefs(brief_paths(project.briefs_dir), None)
    brief = briefs[0]
    style = load_style(project, brief.style or project.config.style)
    language = brief.language or project.config.language
    draft = compose.write(project, brief, style.name, language, OfflineBackend())
    other = compose.write(project, brief, style.name, language, OfflineBackend(), slug="other")
    recorder = Recorder()
    compose.write(project, brief, style.name, language, recorder, self_check_rounds=0)
    compose.revise(project, draft, brief, "Make the title shorter.", recorder, self_check_rounds=0)
    finding = {
        "kind": "number",
        "where": "body",
        "span": "999",
        "why": "not in the brief",
        "the brief says": "",
    }
    recorder.complete(
        compose.article_request(
            "self_check",
            render_self_check(project, draft, brief, style, [finding]),
            compose.Work(brief, style, language, draft),
            item=draft.slug,
        )
    )
    translations.LLMVerifier(project, brief, style, recorder)(
        Pair("Lena Park", "Nous livrerons en mars", "We will ship in March", "fr", "en")
    )
    extractor = LLMExtractor(project)
    extractor.backend = recorder  # type: ignore[assignment]
    page = Page(title="Veltra raises $400 million", text="Veltra said it raised $400 million.")
    extractor.propose(
        page, language, "trafilatura", url="https://example.com/veltra", style=style.name
    )
    Judge(project, recorder).pair(
        brief, style, language, Contestant("a", draft), Contestant("b", other)
    )
    return recorder.requests


SHAPES = {
    "classic": (Shape(), None),
    "reasoning": (Shape.start("o4-mini"), "low"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, required=True, help="OpenAI's openapi.json")
    parser.add_argument("--prism", default="prism", help="the prism executable")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--as-published", action="store_true", help="mock the document without the rewrite"
    )
    args = parser.parse_args(argv)
    port = args.port or _free_port()
    with tempfile.TemporaryDirectory() as scratch:
        spec = Path(scratch) / "openapi.json"
        document = json.loads(args.spec.read_text(encoding="utf-8"))
        spec.write_text(json.dumps(document if args.as_published else relaxed(document)))
        server = subprocess.Popen(
            [args.prism, "mock", "--errors", "-p", str(port), str(spec)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(port, server)
            base = f"http://127.0.0.1:{port}"  # the document's paths start after /v1
            project = Path(scratch) / "project"
            project.mkdir()
            requests = project_requests(project, base)
            client = openai.OpenAI(api_key="sk-bench", base_url=base, max_retries=0)
            # a control: a body that breaks the specification must be refused, else Prism checks nothing
            control, said = _send(
                client,
                {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"},
            )  # fmt: skip
            print(f"{control}  control    (a string temperature: must be refused) {said[:200]}")
            if control != 422:
                print("Prism validated nothing: no result")
                return 2
            refused = 0
            for request in requests:
                for label, (shape, effort) in SHAPES.items():
                    for mode in range(len(MODES)):
                        if request.schema is None and MODES[mode] == "json_schema":
                            continue
                        settings = RequestSettings("gpt-4o-mini" if label == "classic" else "o4-mini",
                                            2000, 0.9, effort, 16000)  # fmt: skip
                        body = request_body(settings, shape, request, mode=mode)
                        status, said = _send(client, body)
                        if (
                            MODES[mode] == "json_object"
                            and "json" not in json.dumps(body["messages"]).lower()
                        ):  # OpenAI refuses JSON mode when no message says JSON
                            status, said = 400, "JSON mode, but no message says JSON"
                        refused += status != 200
                        print(f"{status}  {request.kind:<10} {label:<9} {MODES[mode]:<11} {said}")
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{refused} request(s) refused by the specification")
    return 1 if refused else 0


def _send(client: openai.OpenAI, body: dict[str, Any]) -> tuple[int, str]:
    try:
        raw = client.chat.completions.with_raw_response.create(**body)
    except openai.APIStatusError as exc:
        return exc.status_code, " ".join(exc.response.text.split())[:400]
    return raw.http_response.status_code, ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("prism stopped before it listened (is the spec readable?)")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("prism did not listen within 120 s")


if __name__ == "__main__":
    raise SystemExit(main())
