"""The sentence segmenter's cost, before (the hand-written splitters) and after
(sentencex with the lexicon's abbreviations), on the same machine, runs
alternated so that a busy machine weighs on both alike:

- the fact check: CPU ms per post over the fact-check corpus (the segmenter's
  cache cleared before every post, so no post is split for free);
- the build: whether a `satire build` of a small site loads the segmenter at all;
- the segmenter alone: microseconds per 1,000 characters of news prose.

    .venv/bin/python bench/sentences.py                 # against main
    .venv/bin/python bench/sentences.py --baseline REV --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import REPO, checkout, timed

FACTCHECK = """
import time
import generator.check.factcheck as F
try:
    from generator.check.sentences import _spans
    fresh = _spans.cache_clear
except ImportError:
    fresh = lambda: None
from tests.test_factcheck_corpus import load_corpus
cases = load_corpus()
F.check(cases[0].brief, cases[0].draft)
started = time.process_time()
for _ in range(10):
    for case in cases:
        fresh()  # no post is split for free
        F.check(case.brief, case.draft)
print((time.process_time() - started) / (10 * len(cases)))
"""

BUILD = """
import sys
from pathlib import Path
from generator.config import load_project
from generator.site.build import build
build(load_project(Path({root!r})))
print(1.0 if "sentencex" in sys.modules or "generator.check.sentences" in sys.modules else 0.0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default="main", help="the revision before (default: main)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    before: list[float] = []
    after: list[float] = []
    with checkout(args.baseline) as old:
        for _ in range(args.rounds):
            before.append(timed(old, FACTCHECK))
            after.append(timed(REPO, FACTCHECK))
    b, a = statistics.median(before) * 1000, statistics.median(after) * 1000
    print(
        f"fact check, {args.rounds} alternated runs: {b:.2f} CPU ms per post before ({args.baseline}), "
        f"{a:.2f} ms after; ratio {a / b:.2f}"
    )

    from build import make_corpus

    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(Path(tmp), 200, 0)
        loaded = timed(REPO, BUILD.format(root=tmp))
    print(f"build of 200 posts: the segmenter {'IS' if loaded else 'is not'} loaded by the build")

    from generator.check.sentences import _spans
    from tests.intakekit import corpus

    pages = [("\n".join(a["paragraphs"]), a["lang"]) for a in corpus()]
    texts = [text for text, _ in pages]
    chars = sum(len(t) for t in texts)
    started = time.perf_counter()
    for _ in range(20):
        _spans.cache_clear()
        for text, lang in pages:
            _spans(text, lang)
    per = (time.perf_counter() - started) / 20 / chars * 1000 * 1e6
    print(
        f"segmenter alone: {per:.0f} µs per 1,000 characters ({chars} characters of the intake corpus)"
    )


if __name__ == "__main__":
    main()
