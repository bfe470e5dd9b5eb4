"""How long the fact check takes per post: every post of the fact-check corpus,
checked many times. Run: .venv/bin/python bench/factcheck_speed.py"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.check.factcheck import check
from tests.test_factcheck_corpus import load_corpus


def main(rounds: int = 50) -> None:
    cases = load_corpus()
    check(cases[0].brief, cases[0].draft)  # compile the patterns once, as a real run does
    started = time.perf_counter()
    for _ in range(rounds):
        for case in cases:
            check(case.brief, case.draft)
    elapsed = time.perf_counter() - started
    posts = rounds * len(cases)
    chars = sum(len(c.draft.body) for c in cases) // len(cases)
    print(
        f"fact check: {posts} posts (~{chars} characters of body each) in {elapsed:.2f} s = {1000 * elapsed / posts:.2f} ms per post"
    )


if __name__ == "__main__":
    main()
