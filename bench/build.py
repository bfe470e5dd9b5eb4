"""Build speed and memory: N synthetic published posts (~600 words, 8
categories, 40 tags), timed for a full build, a no-op rebuild and a rebuild
after one post changed, plus peak memory. Each build runs in a fresh
subprocess, as `satire build` would. With Pelican importable, the same corpus
is built by Pelican too, side by side.

    .venv/bin/python bench/build.py            # 1,000 and 10,000 posts
    .venv/bin/python bench/build.py --posts 1000
    .venv/bin/python bench/build.py --posts 1000 --images 0   # no raster images (cards still drawn)
    .venv/bin/python bench/build.py --posts 1000 --images 0 --pelican /tmp/pelican/bin/python --rounds 2

Peers, in the same run: Pelican (same posts, no cards) when `--pelican` names a
Python that has it (or this one does), and Hugo (same posts, one card each made
with `images.Text` and `images.Overlay`, a lean theme) when `hugo` is on PATH.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from generator.drafts import Draft, parse_draft
from generator.review.approval import digest, seal

REPO = Path(__file__).resolve().parent.parent
# Python as an installed package runs it: bytecode written and reused (some
# machines set PYTHONDONTWRITEBYTECODE, and every run would compile the package again)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
WORDS = [
    "nuage", "serveur", "puce", "modèle", "données", "réseau", "startup", "milliard", "annonce", "plateforme", "algorithme",
    "robot", "écran", "batterie", "application", "abonnement", "cloud", "quantique", "silicium", "investissement",
    "utilisateur", "téléphone", "lunettes", "vidéo", "intelligence", "artificielle", "patron", "stratégie", "marché",
    "concurrent", "innovation", "lancement", "version", "mise", "à", "jour", "bug", "sécurité",
]  # fmt: skip
CATEGORIES = [
    "Intelligence Artificielle",
    "Hardware",
    "Technologie",
    "Mobile",
    "Cloud",
    "Startups",
    "Réseaux sociaux",
    "Jeux vidéo",
]
TAGS = [f"tag{n:02d}" for n in range(40)]
BUILD = """
import sys, time, resource, json
sys.path.insert(0, {repo!r})
from pathlib import Path
from generator.config import load_project
from generator.site.build import build
started = time.perf_counter()
report = build(load_project(Path({root!r})))
seconds = time.perf_counter() - started
peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"timings": report.timings, "seconds": seconds, "written": len(report.written), "pages": report.pages,
    "bodies": report.rendered_bodies, "peak_kb": peak_self, "children_kb": peak_children,
    "media": report.extra_timings, "images": report.made_images, "cards": report.drawn_cards}}))
"""


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, n: int) -> str:
    parts = [paragraph(rng, 95) for _ in range(3)]
    parts.append(f"> {paragraph(rng, 15)}")
    parts += [paragraph(rng, 95) for _ in range(3)]
    parts.append(f"Un lien vers [la source](https://example.com/story/{n}) et du **gras** ?")
    return "\n\n".join(parts)


def draft_text(n: int, rng: random.Random, images: int) -> str:
    day = dt.date(2020, 1, 1) + dt.timedelta(days=n % 2000)
    cats = rng.sample(CATEGORIES, 2)
    tags = rng.sample(TAGS, 3)
    front = {
        "title": f"Article numéro {n} : {rng.choice(WORDS)} et {rng.choice(WORDS)}",
        "slug": f"post-{n:05d}",
        "date": day.isoformat(),
        "status": "published",
        "brief": f"briefs/post-{n:05d}.yaml",
        "style": "geek-puns",
        "language": "fr",
        "dek": paragraph(rng, 14),
        "pull_quote": "",
        "categories": cats,
        "tags": tags,
        "source": {
            "publisher": "TechCrunch",
            "url": f"https://techcrunch.com/story/{n}/",
            "title": f"Story {n}",
        },
        "image": {
            "src": f"images/photo-{n % images:03d}.jpg" if images else "images/stage.svg",
            "alt": "A stage",
            "credit": "Carlos Gil / Unsplash",
            "credit_url": "https://unsplash.com/",
        },
        "revision": 1,
        "translations": {},
        "provenance": {
            "backend": "offline",
            "model": "offline",
            "prompt_sha256": "0" * 64,
            "brief_sha256": "1" * 64,
            "generated_at": "2025-12-01T00:00:00Z",
        },
    }
    text = body(rng, n)
    front["approved"] = approved(front, text)
    return (
        "---\n" + json.dumps(front, ensure_ascii=False, indent=1) + "\n---\n\n" + text + "\n"
    )  # JSON is YAML


def approved(front: dict[str, Any], text: str) -> dict[str, Any]:
    """An editor's approval of this text: the build shows only approved text."""
    draft = Draft.model_validate(front)
    draft.body = text
    return {"revision": 1, "digest": digest(draft), "by": "bench", "at": "2025-12-01T00:00:00Z"}


def make_corpus(root: Path, posts: int, images: int) -> None:
    rng = random.Random(posts)
    (root / "drafts").mkdir(parents=True)
    shutil.copytree(REPO / "static", root / "static")
    make_photos(root / "static" / "images", images)
    (root / "satire.yaml").write_text(
        'title: "Bench"\nurl: "https://bench.example/"\nlanguage: fr\n', encoding="utf-8"
    )
    for n in range(posts):
        (root / "drafts" / f"post-{n:05d}.md").write_text(
            draft_text(n, rng, images), encoding="utf-8"
        )


def make_photos(folder: Path, count: int) -> None:
    """`count` distinct 1600x1067 JPEGs, photo-like (gradients and grain, so they compress as photos do)."""
    from PIL import Image, ImageChops

    for n in range(count):
        grain = Image.effect_noise((1600, 1067), 40 + n % 30)
        ramp = Image.linear_gradient("L").resize((1600, 1067)).rotate(n * 37 % 360, expand=False)
        photo = Image.merge("RGB", (ramp, ImageChops.multiply(grain, ramp), grain))
        photo.save(folder / f"photo-{n:03d}.jpg", "JPEG", quality=88)


def phases(result: dict[str, Any]) -> str:
    return ", ".join(f"{name} {seconds:.2f}" for name, seconds in result["timings"].items())


def settle() -> None:
    """Flush what the step before wrote (the corpus, the last build's site) and
    let the disk calm down, so that a build is not charged for another's writes."""
    os.sync()
    time.sleep(2)


def run_build(root: Path) -> dict[str, Any]:
    code = BUILD.format(repo=str(REPO), root=str(root))
    settle()
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - started
    if out.returncode:
        raise SystemExit(f"build failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall  # the process, interpreter start and imports included, as for Pelican's
    return result


def run_cli(root: Path) -> float:
    """`satire build` as a user runs it: the whole process's wall time."""
    settle()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", "build"],
        cwd=root,
        env={**ENV, "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def edit_one(root: Path, link: str) -> None:
    """Change one post's body (and approve the new text)."""
    target = root / "drafts" / "post-00007.md"
    changed = parse_draft(target.read_text(encoding="utf-8"), "post-00007.md")
    changed.body = re.sub(r"Un lien .*?vers", link, changed.body)
    target.write_text(seal(changed, "bench").to_text(), encoding="utf-8")  # edited, approved


def retitle_one(root: Path, title: str) -> None:
    """Change one post's title (and approve it): the lists that show it, and its card, change."""
    target = root / "drafts" / "post-00007.md"
    changed = parse_draft(target.read_text(encoding="utf-8"), "post-00007.md")
    changed.title = title
    target.write_text(seal(changed, "bench").to_text(), encoding="utf-8")  # edited, approved


def pelican_seconds(root: Path, python: str | None) -> float | None:
    """The same corpus through Pelican (Markdown reader), with `python` (a venv
    where Pelican is installed, `--pelican`) or this one when it has Pelican."""
    if python is None:
        if (
            importlib.util.find_spec("pelican") is None
            or importlib.util.find_spec("markdown") is None
        ):
            return None
        python = sys.executable
    content = root / "pelican-content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(root / "pelican-out", ignore_errors=True)
    content.mkdir()
    for path in sorted((root / "drafts").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        head, _, text_body = text[4:].partition("\n---\n")
        meta = json.loads(head)
        lines = [
            f"Title: {meta['title']}",
            f"Date: {meta['date']}",
            f"Category: {meta['categories'][0]}",
            f"Tags: {', '.join(meta['tags'])}",
            f"Slug: {meta['slug']}",
            "",
        ]
        (content / path.name).write_text("\n".join(lines) + text_body, encoding="utf-8")
    settings = root / "pelicanconf.py"
    settings.write_text(
        "SITENAME = 'Bench'\nSITEURL = ''\nTIMEZONE = 'UTC'\nDEFAULT_LANG = 'fr'\nDEFAULT_PAGINATION = 10\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\n",
        encoding="utf-8",
    )
    settle()
    started = time.perf_counter()
    subprocess.run(
        [
            python,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(root / "pelican-out"),
            "-s",
            str(settings),
            "-q",
        ],
        check=True,
        env=ENV,
    )
    return time.perf_counter() - started


HUGO_CONFIG = """baseURL = "https://bench.example/"
languageCode = "fr"
title = "Bench"
disableKinds = ["taxonomy", "term"]
[pagination]
  pagerSize = 10
[taxonomies]
  category = "categories"
  tag = "tags"
"""
HUGO_BASEOF = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title>
{{ block "head" . }}{{ end }}</head><body>{{ block "main" . }}{{ end }}</body></html>
"""
HUGO_SINGLE = """{{ define "head" }}
{{- $bold := resources.Get "DejaVuSans-Bold.ttf" -}}
{{- $regular := resources.Get "DejaVuSans.ttf" -}}
{{- $card := (resources.Get "card.png") | images.Filter
  (images.Overlay (resources.Get "band.png") 0 546)
  (images.Text site.Title (dict "color" "#d9d6f0" "size" 30 "x" 64 "y" 64 "font" $regular))
  (images.Text (.Date.Format "2 January 2006") (dict "color" "#d9d6f0" "size" 30 "x" 860 "y" 64 "font" $regular))
  (images.Text .Title (dict "color" "#ffffff" "size" 64 "linespacing" 12 "x" 64 "y" 160 "font" $bold))
  (images.Text "SATIRE · Article écrit par une IA, ce n’est pas une information" (dict "color" "#ffffff" "size" 30 "x" 64 "y" 570 "font" $bold)) -}}
<meta property="og:image" content="{{ $card.Permalink }}">
<meta property="og:image:width" content="{{ $card.Width }}"><meta property="og:image:height" content="{{ $card.Height }}">
{{ end }}
{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p>{{ end }}{{ end }}
"""


def hugo_seconds(root: Path) -> tuple[float, int] | None:
    """The same corpus through Hugo (when `hugo` is on PATH), with a lean theme
    and one social card per post like ours: a 1200x630 background, the band
    overlaid, the site's name, the date, the title and the band's label drawn
    with `images.Text` (DejaVu fonts, as ours). Cold: no resources cache.
    Returns the seconds and how many cards it made."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    from PIL import Image

    site = root / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(root / "hugo-cache", ignore_errors=True)
    for folder in ("content/posts", "layouts/_default", "assets"):
        (site / folder).mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts/_default/baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (site / "layouts/_default/single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (site / "layouts/_default/list.html").write_text(HUGO_LIST, encoding="utf-8")
    Image.new("RGB", (1200, 630), "#1d1b3a").save(site / "assets/card.png")
    Image.new("RGB", (1200, 84), "#d7263d").save(site / "assets/band.png")
    fonts = REPO / "generator/site/fonts"
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
        shutil.copy(fonts / name, site / "assets" / name)
    for path in sorted((root / "drafts").glob("*.md")):
        head, _, text_body = path.read_text(encoding="utf-8")[4:].partition("\n---\n")
        meta = json.loads(head)
        front = {
            "title": meta["title"],
            "date": meta["date"],
            "slug": meta["slug"],
            "categories": meta["categories"],
            "tags": meta["tags"],
        }
        (site / "content/posts" / path.name).write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n" + text_body,
            encoding="utf-8",
        )
    settle()
    started = time.perf_counter()
    subprocess.run(
        [hugo, "--quiet", "--source", str(site), "--cacheDir", str(root / "hugo-cache")],
        check=True,
    )
    seconds = time.perf_counter() - started
    made = sum(1 for _ in (site / "public").rglob("card_*.png"))
    return seconds, made


def cold(root: Path) -> None:
    """Back to a first build: no site, no .satire (render cache, media cache)."""
    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".satire", ignore_errors=True)


def bench(posts: int, images: int, pelican: str | None, hugo: bool, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="satire-bench-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        make_corpus(root, posts, images)
        print(
            f"\n{posts:,} posts, {images} distinct JPEG images (corpus written in {time.perf_counter() - started:.1f} s)"
        )
        # cold builds alternated with the peers', so that a shared machine's load
        # falls on both sides alike: each ratio is from the same round
        for round_ in range(rounds):
            cold(root)
            full = run_build(root)
            print(
                f"  full build            {full['seconds']:7.2f} s   {full['pages']:,.0f} pages, {full['bodies']:,.0f} bodies rendered ({phases(full)}); {full['wall']:.2f} s as a process"
            )
            media = full["media"]
            per_image = media["media.images"] / max(1, full["images"]) * 1000
            per_card = media["media.cards"] / max(1, full["cards"]) * 1000
            print(
                f"  images and cards      {media['media.images']:7.2f} s for {full['images']} source images ({per_image:.0f} ms each), "
                f"{media['media.cards']:.2f} s for {full['cards']:,} cards ({per_card:.1f} ms each), wall time on all cores"
            )
            peer = pelican_seconds(root, pelican)
            if peer is None:
                print(
                    "  pelican               not installed (--pelican PYTHON): no side-by-side figure"
                )
            else:
                print(
                    f"  pelican full build    {peer:7.2f} s   no cards; ratio {peer / full['wall']:.2f} (Pelican's time over ours, process to process)"
                )
            made = hugo_seconds(root) if hugo else None
            if made is not None:
                print(
                    f"  hugo full build       {made[0]:7.2f} s   {made[1]:,} cards (images.Text, images.Overlay); ratio {made[0] / full['wall']:.1f}x"
                )
            print(f"  load average          {os.getloadavg()[0]:7.2f}     after round {round_ + 1}")
        noop = run_build(root)
        print(
            f"  no-op rebuild         {noop['seconds']:7.2f} s   {noop['written']:,.0f} files written ({phases(noop)}); {noop['wall']:.2f} s as a process"
        )
        print(
            f"  no-op, satire build   {run_cli(root):7.2f} s   as a process (answered from the build stamp)"
        )
        edit_one(root, "Un lien tout neuf vers")
        one = run_build(root)
        print(
            f"  one post changed      {one['seconds']:7.2f} s   {one['written']:,.0f} files written, {one['bodies']:,.0f} body rendered ({phases(one)}); {one['wall']:.2f} s as a process"
        )
        edit_one(root, "Un lien encore plus neuf vers")
        print(f"  one changed, satire build {run_cli(root):5.2f} s   as a process")
        peak = max(full["peak_kb"], full["children_kb"]) / 1024
        print(
            f"  peak memory (full)    {full['peak_kb'] / 1024:7.0f} MB   main process; largest worker {full['children_kb'] / 1024:.0f} MB (peak {peak:.0f} MB)"
        )
        print(
            f"  wall clock, process   (interpreter start and imports add about {startup_seconds():.2f} s to each in-process figure)"
        )


def unit_costs() -> None:
    """CPU seconds (not wall: the machine may be shared) to make one source image's
    files and to draw one card, in this process, on a few samples."""
    sys.path.insert(0, str(REPO))
    from generator.config import CardConfig
    from generator.site import cards, images

    count = 8
    with tempfile.TemporaryDirectory(prefix="satire-units-") as folder:
        root = Path(folder)
        make_photos(root, count)
        settings = images.ImageSettings((480, 960, 1440, 1920), 80)
        started = time.process_time()
        made = [
            images.make(
                f"images/photo-{n:03d}.jpg",
                root / f"photo-{n:03d}.jpg",
                root / "cache",
                settings,
                backdrop=True,  # a hero's: with its card's backdrop
            )
            for n in range(count)
        ]
        per_image = (time.process_time() - started) / count
        look = cards.look(CardConfig(), REPO)
        title = "Amazon confie l’IA à un vétéran d’AWS : « on n’invente plus, on investit », et promet des puces maison"
        costs = []
        for heroes in ([p.backdrop for p in made], [None]):
            started = time.process_time()
            for n in range(20):
                cards._backdrop.cache_clear()  # each card its own photo: no backdrop reused
                hero = heroes[n % len(heroes)]
                spec = cards.Spec(f"{title} {n}", "Bench", "2025-12-04", "fr", hero, look)
                cards.draw_all([(spec, str(root / f"card-{n}"))])
            costs.append((time.process_time() - started) / 20)
    print(
        f"  CPU per item          {per_image * 1000:7.0f} ms per 1600x1067 JPEG (its files at 4 widths, WebP where it pays, the original, the card backdrop); "
        f"{costs[0] * 1000:.1f} ms per card with a hero image, {costs[1] * 1000:.1f} ms without"
    )


def startup_seconds() -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(REPO)!r}); import generator.site",
        ],
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--posts",
        type=int,
        action="append",
        help="corpus size (repeatable; default 1000 and 10000)",
    )
    parser.add_argument(
        "--images",
        type=int,
        default=100,
        help="distinct source JPEGs the posts use in turn (0: every post shows the same SVG)",
    )
    parser.add_argument(
        "--pelican",
        metavar="PYTHON",
        help="a Python with Pelican installed (a separate venv: not a project dependency)",
    )
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo side")
    parser.add_argument("--rounds", type=int, default=1, help="cold builds, each beside the peers'")
    parser.add_argument("--units-only", action="store_true", help="only the CPU per image and card")
    args = parser.parse_args()
    print(
        f"satire build bench: python {sys.version.split()[0]}, {resource.getpagesize()} B pages, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
    )
    unit_costs()
    if args.units_only:
        return
    for posts in args.posts or [1000, 10000]:
        bench(posts, args.images, args.pelican, not args.no_hugo, args.rounds)


if __name__ == "__main__":
    main()
