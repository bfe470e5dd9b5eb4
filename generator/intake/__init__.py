"""News in: `run_intake` turns feeds and article URLs into briefs whose facts
and quotes the article backs.

    fetch.py    the one HTTP client (timeouts, caps, redirects, robots, the guard, conditional GET)
    feeds.py    feeds told from pages by content; RSS and Atom through feedparser; include/exclude
    extract.py  trafilatura's main text and metadata; thin pages; the offline extractor
    llm.py      the LLM extractor: one structured-output call per article
    ground.py   what the article backs: the rule every fact and quote passes
    seen.py     the seen-store in SQLite: no story taken in twice
    run.py      the run: sources, dedupe, fetch, extract, ground, write briefs
"""

from __future__ import annotations

from generator.intake.run import IntakeReport, run_intake

__all__ = ["IntakeReport", "run_intake"]
