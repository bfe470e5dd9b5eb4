"""The eval report: `DIR/results.json` (its shape: docs/measuring.md) and `DIR/index.html`,
one self-contained page (inline CSS, no script, no request outside it): the
ranking, the metrics table, and every draft side by side with its findings
marked.

Draft text is model output: it goes through the site's sanitizer
(`site.markup.body_html`), then loses its images (the only tag that would load
something), and the page's Content-Security-Policy forbids loading anything
from anywhere as a second lock.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.infra.fsutil import write_atomic
from generator.infra.resources import builtin_templates

if TYPE_CHECKING:
    from generator.measure.metrics import EvalEntry

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def write(folder: Path, results: dict[str, Any], entries: list[EvalEntry]) -> None:
    """Write results.json and index.html into `folder`."""
    write_atomic(folder / "results.json", json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    write_atomic(folder / "index.html", render(results, entries))


def draft_html(entry: EvalEntry) -> str:
    """A draft's body as safe HTML with nothing to load, its findings marked."""
    from generator.check.marks import mark_findings
    from generator.site.markup import body_html

    assert entry.draft is not None
    html = _IMG.sub("", body_html(entry.draft.body, entry.language))
    spans = [str(f["text"]) for f in entry.findings if f.get("field") == "body"]
    marked = mark_findings(
        f"<body>{html}</body>", spans, css_class="finding"
    ).html  # marks look inside <body> only
    return marked.removeprefix("<body>").removesuffix("</body>")


def render(results: dict[str, Any], entries: list[EvalEntry]) -> str:
    env = builtin_templates("measure")
    groups: dict[tuple[str, str], list[EvalEntry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.brief.effective_slug, entry.style)].append(entry)
    bodies = {e.slug: draft_html(e) for e in entries if e.draft is not None}
    return env.get_template("eval.html").render(
        results=results, entries=entries, groups=groups, bodies=bodies, csp=CSP
    )
