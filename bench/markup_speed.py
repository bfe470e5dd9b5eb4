"""Markdown speed: `markup.to_html` (stock instances without the processors a
body cannot trigger) against one stock Python-Markdown instance reset between
bodies, on bench/build.py's synthetic bodies (~600 words, a pull quote, a link).
CPU time per body, the two alternated, median of the rounds: a shared machine
moves wall time, much less CPU time.

    .venv/bin/python bench/markup_speed.py [--bodies 1000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bodies", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import markdown
    from build import body  # bench/build.py's corpus

    from generator.site import markup

    rng = random.Random(1)
    bodies = [body(rng, n) for n in range(args.bodies)]
    stock = markdown.Markdown(extensions=markup.EXTENSIONS, output_format="html")
    ways: dict[str, Callable[[str], str]] = {
        "markup.to_html": markup.to_html,
        "stock instance": lambda text: stock.reset().convert(text),
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    for convert in ways.values():
        convert(bodies[0])  # instances made, modules imported
    for _ in range(args.rounds):
        for name, convert in ways.items():
            started = time.process_time()
            for text in bodies:
                convert(text)
            times[name].append((time.process_time() - started) / len(bodies) * 1000)
    for name, values in times.items():
        print(
            f"  {name:16} {statistics.median(values):6.3f} ms CPU per body "
            f"(rounds {min(values):.3f}-{max(values):.3f})"
        )


if __name__ == "__main__":
    main()
