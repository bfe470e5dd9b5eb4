"""One intake run, top to bottom:

1. sources: the URLs given, or every feed of `intake.feeds` (one with --feed);
2. each source fetched (conditional GET for feeds); a feed's items filtered
   (include/exclude) and checked against the seen-store before any fetch;
   a page that is not a feed is an article;
3. each new article, `-j` at a time: fetched (robots.txt, the guard), read
   (trafilatura), judged (thin, not HTML), checked against the store again
   (canonical URL, near-duplicate text), extracted (LLM or offline), grounded;
4. its brief written atomically with the article's text beside the state,
   and the story recorded as seen in the same breath.

Every problem is one line naming the URL; the rest of the run goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from generator.errors import SatireError
from generator.infra import clock
from generator.intake.extract import (
    ExtractedPage,
    Proposal,
    extract_offline,
    local_date,
    read_page,
    thin,
)
from generator.intake.feeds import Entry, MalformedFeed, filtered_out, is_feed, parse_feed
from generator.intake.fetch import Disallowed, Fetched, Fetcher, FetchError
from generator.intake.ground import Grounded, ground, named_in
from generator.intake.seen import MAX_ATTEMPTS, RETRIED, Known, SeenStore, canonical_url

if TYPE_CHECKING:
    from generator.config import FeedConfig, Project

HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)


@dataclass
class IntakeReport:
    """What a run did; `line()` is its summary."""

    new: list[Path] = field(default_factory=list)
    seen: int = 0
    filtered: int = 0
    skipped: list[str] = field(default_factory=list)  # one reason each
    no_brief: list[str] = field(
        default_factory=list
    )  # article URLs given by hand that gave no brief
    failed: list[str] = field(default_factory=list)  # one line each
    not_modified: int = 0
    dropped_facts: int = 0
    dropped_quotes: int = 0
    misattributed: int = 0  # quotes whose speaker the article does not name near them
    cost_usd: float = 0.0  # what the LLM extraction cost
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """Nothing failed, and every article URL given by hand became a brief."""
        return not self.failed and not self.no_brief

    def line(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        reasons = Counter(reason for reason in self.skipped)
        skipped = f"{len(self.skipped)} skipped" + (
            f" ({', '.join(f'{n} {why}' for why, n in sorted(reasons.items()))})" if reasons else ""
        )
        parts = [
            f"intake: {verb} {len(self.new)} new brief{'s' if len(self.new) != 1 else ''}",
            f"{self.seen} already seen",
            f"{self.filtered} filtered",
            skipped,
            f"{len(self.failed)} failed",
        ]
        if self.not_modified:
            parts.append(
                f"{self.not_modified} feed{'s' if self.not_modified != 1 else ''} unchanged"
            )
        if self.dropped_facts or self.dropped_quotes:
            parts.append(
                f"dropped {self.dropped_facts} fact(s) and {self.dropped_quotes} quote(s) the articles did not back"
            )
        if self.misattributed:
            parts.append(
                f"dropped {self.misattributed} quote(s) whose speaker the article does not name near them"
            )
        if self.cost_usd:
            parts.append(f"LLM cost ${self.cost_usd:.4f}")
        return "; ".join(parts)


@dataclass
class Item:
    """One article to take in."""

    url: str
    feed: FeedConfig | None
    feed_label: str | None
    entry: Entry | None = None
    response: Fetched | None = None  # already fetched (an article given as SOURCE)
    explicit: bool = False  # given by hand: it must become a brief
    brief: Path | None = None  # the brief it became


def run_intake(
    config: Project,
    sources: Sequence[str] = (),
    *,
    feed: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    offline: bool = False,
    jobs: int | None = None,
    echo: Callable[[str], None],
    run_id: str | None = None,
    again: bool = False,
) -> IntakeReport:
    """Take news in from `sources` (feed or article URLs; default: the configured feeds) as briefs.

    `config` is the Project (its config, briefs and state). One intake at a time
    per project: a second one (cron overlapping `satire run`) stops with a message.
    The LLM calls are logged under `run_id` (`satire run`'s) when one is given.
    `again`: take stories in even when the seen-store knows them.
    """
    from generator.infra import state
    from generator.infra.fsutil import project_lock

    project = config
    feeds = _feeds_to_poll(project, sources, feed)
    fetcher = Fetcher.for_project(project)
    with project_lock(project.state_dir, "intake", wait=False):
        return _run(
            project,
            fetcher,
            feeds,
            state.connect(project.state_dir),
            echo,
            limit=limit,
            dry_run=dry_run,
            offline=offline,
            jobs=jobs,
            run_id=run_id,
            again=again,
        )


def _run(
    project: Project,
    fetcher: Fetcher,
    feeds: list[tuple[str, FeedConfig | None]],
    conn: sqlite3.Connection,
    echo: Callable[[str], None],
    *,
    limit: int | None,
    dry_run: bool,
    offline: bool,
    jobs: int | None,
    run_id: str | None = None,
    again: bool = False,
) -> IntakeReport:
    try:
        run = _Run(
            project,
            fetcher,
            SeenStore(conn),
            IntakeReport(dry_run=dry_run),
            echo,
            dry_run=dry_run,
            offline=offline,
            run_id=run_id,
            again=again,
        )
        items, validators = run.gather(feeds, limit)
        with ThreadPoolExecutor(max_workers=max(1, jobs or 4)) as pool:
            outcomes = list(pool.map(run.take, items))
        run.report.no_brief += [i.url for i in items if i.explicit and i.brief is None]
        if not dry_run:
            incomplete = {
                item.feed_label for item, ok in zip(items, outcomes, strict=True) if not ok
            }
            for label, (url, etag, modified) in validators.items():
                if label not in incomplete:
                    run.store.remember_validators(url, etag, modified)
        return run.report
    finally:
        conn.close()


def _feeds_to_poll(
    project: Project, sources: Sequence[str], name: str | None
) -> list[tuple[str, FeedConfig | None]]:
    """(URL, its feed config if any) for each source to fetch."""
    from generator.config import check_http_url
    from generator.infra.validation import did_you_mean
    from generator.styles import style_files

    configured = project.config.intake.feeds
    styles = style_files(project)
    for n, known_feed in enumerate(configured):
        if known_feed.style is not None and known_feed.style not in styles:
            hint = (
                did_you_mean(known_feed.style, styles)
                or f" (known styles: {', '.join(sorted(styles))})"
            )
            raise SatireError(
                f"satire.yaml: intake.feeds.{n}.style: unknown style {known_feed.style!r}{hint}"
            )
    if sources:
        out: list[tuple[str, FeedConfig | None]] = []
        for source in sources:
            try:
                check_http_url(source)
            except ValueError as exc:
                raise SatireError(f"{source}: {exc}") from None
            out.append((source, next((f for f in configured if f.url == source), None)))
        return out
    if name is not None:
        chosen = [f for f in configured if name in {f.name, f.url}]
        if not chosen:
            known = ", ".join(f.label for f in configured) or "none configured"
            raise SatireError(f"--feed: no feed named {name!r} in intake.feeds (known: {known})")
        return [(f.url, f) for f in chosen]
    if not configured:
        raise SatireError(
            "nothing to take in: give a feed or article URL, or list feeds under intake.feeds in satire.yaml"
        )
    return [(f.url, f) for f in configured]


class _Run:
    def __init__(
        self, project: Project, fetcher: Fetcher, store: SeenStore, report: IntakeReport, echo: Callable[[str], None], *,
        dry_run: bool, offline: bool, run_id: str | None = None, again: bool = False,
    ) -> None:  # fmt: skip
        self.project = project
        self.run_id = run_id
        self.fetcher = fetcher
        self.store = store
        self.report = report
        self.echo = echo
        self.dry_run = dry_run
        self.offline = offline
        self.again = again
        self.lock = threading.Lock()
        self.reserved: set[str] = set()  # brief names given out in this run

    # made on first use, so that a run with nothing new (all 304s) costs neither trafilatura's import nor reading every brief

    @cached_property
    def categories(self) -> dict[str, str]:
        return _existing_categories(self.project)

    @cached_property
    def extractor(
        self,
    ) -> Callable[[ExtractedPage, str, str, str], tuple[Proposal, int | None, str]]:
        return self._extractor()

    # -- 1. sources ----------------------------------------------------------------

    def gather(
        self, feeds: list[tuple[str, FeedConfig | None]], limit: int | None
    ) -> tuple[list[Item], dict[str | None, tuple[str, str | None, str | None]]]:
        """The articles to take in, and each fetched feed's validators (stored once its items are done)."""
        items: list[Item] = []
        validators: dict[str | None, tuple[str, str | None, str | None]] = {}
        for url, config in feeds:
            label = config.label if config else url
            known = None if config is not None or self.again else self.store.match(urls=[url])
            if known is not None:
                # an article URL given by hand that is a known story: not even fetched; said why
                self.report.seen += 1
                self.report.no_brief.append(url)
                self._explain(url, known)
                continue
            etag, modified = self.store.validators(url)
            try:
                response = self.fetcher.get(
                    url,
                    etag=etag,
                    last_modified=modified,
                    robots=config is None,
                    accept=FEED_ACCEPT,
                )
            except FetchError as exc:
                # not remembered: a URL given by hand may be a feed, and is always tried again
                self._fail(str(exc))
                continue
            if response.not_modified:
                self.report.not_modified += 1
                continue
            if not is_feed(response.body):
                items.append(
                    Item(
                        url=url,
                        feed=config,
                        feed_label=None,
                        response=response,
                        explicit=config is None,
                    )
                )
                continue
            try:
                parsed = parse_feed(
                    response.body, response.url, response.headers.get("content-type", "")
                )
            except MalformedFeed as exc:
                self._fail(f"{url}: {exc}")
                continue
            if parsed.problem:
                self.echo(
                    f"{url}: warning: feed is not well-formed ({parsed.problem[:120]}); took the {len(parsed.entries)} item(s) it still gave"
                )
            validators[label] = (
                url,
                response.headers.get("etag"),
                response.headers.get("last-modified"),
            )
            for entry in parsed.entries:
                why = filtered_out(
                    entry, config.include if config else (), config.exclude if config else ()
                )
                if why:
                    self.report.filtered += 1
                    continue
                link = urljoin(response.url, entry.link)
                if (
                    self.store.claim(
                        urls=[link], guid=entry.guid, title=entry.title, again=self.again
                    )
                    is not None
                ):
                    self.report.seen += 1
                    continue
                items.append(Item(url=link, feed=config, feed_label=label, entry=entry))
        if limit is not None and len(items) > limit:
            for item in items[limit:]:
                self.store.release([item.url])
            items, left = items[:limit], items[limit:]
            self.echo(f"--limit {limit}: {len(left)} more item(s) left for the next run")
            for item in left:
                validators.pop(item.feed_label, None)
        return items, validators

    # -- 2. one article -----------------------------------------------------------

    def take(self, item: Item) -> bool:
        """Take one article in; False when it failed (it will be tried again next run)."""
        try:
            return self._take(item)
        except FetchError as exc:
            self.store.release([item.url])
            if isinstance(exc, Disallowed):
                self._skip(str(exc), "robots.txt")
                return True
            self._fail(str(exc))
            if not self.dry_run:
                # remembered with its reason: fetched again on later runs, MAX_ATTEMPTS times in all
                self._remember_failure(item.url, item.entry, item.feed_label, exc)
                return not self._tried_again(item.url)
            return not exc.transient
        except SatireError as exc:
            self.store.release([item.url])
            self._fail(f"{item.url}: {exc.format_message()}")
            return False
        except Exception as exc:  # one bad page never stops the run, nor shows a traceback
            self.store.release([item.url])
            self._fail(f"{item.url}: {type(exc).__name__}: {exc}")
            return False

    def _take(self, item: Item) -> bool:
        response = item.response or self.fetcher.get(
            item.url, robots=True, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
        )
        if response.content_type not in HTML_TYPES:
            self.store.release([item.url])
            self._skip(
                f"{item.url}: skipped: not an HTML page ({response.content_type})",
                "not HTML",
                item,
                response,
            )
            return self.dry_run or not self._tried_again(item.url)
        page = read_page(response.text(), response.url, timezone=self.project.config.site.timezone)
        why = thin(page)
        if why:
            self.store.release([item.url])
            self._skip(f"{item.url}: skipped: {why}", "too thin", item, response)
            return self.dry_run or not self._tried_again(item.url)
        canonical = canonical_url(_canonical(page, response))
        urls = [canonical, item.url, response.url, *response.redirects]
        self.store.release([item.url])  # our own claim from gather(), now held under every key
        known = self.store.claim(
            urls=urls,
            guid=item.entry.guid if item.entry else None,
            text=page.text,
            title=page.title,
            again=self.again,
        )
        if known is not None:
            with self.lock:
                self.report.seen += 1
            if item.explicit:
                self._explain(item.url, known)
            return True
        try:
            with self.lock:
                extract = self.extractor
            proposal, sent_chars, extractor = extract(
                page, self._language(item), canonical, self._style(item)
            )
            grounded = ground(page.text, proposal.facts, proposal.quotes, lang=page.lang)
            path = self._write(
                item, page, response, canonical, proposal, grounded, sent_chars, extractor
            )
        except BaseException:
            self.store.release(urls)
            raise
        if not self.dry_run:
            guid = item.entry.guid if item.entry else None
            self.store.record(
                url=canonical,
                urls=urls,
                guid=guid,
                feed=item.feed_label,
                title=page.title,
                text=page.text,
                brief=self.project.rel(path),
                outcome="brief",
            )
        # a dry run keeps its claim until the run ends: a copy of the story met later is still seen, nothing is stored
        item.brief = path
        with self.lock:
            self.report.new.append(path)
            self.report.dropped_facts += grounded.dropped_facts
            self.report.dropped_quotes += grounded.dropped_quotes
            self.report.misattributed += grounded.misattributed
        return True

    # -- 3. the brief -------------------------------------------------------------

    def _write(
        self,
        item: Item,
        page: ExtractedPage,
        response: Fetched,
        canonical: str,
        proposal: Proposal,
        grounded: Grounded,
        sent_chars: int | None,
        extractor: str,
    ) -> Path:
        """Build, check and (unless --dry-run) write the brief; its path."""
        from generator.brief import Brief, slugify
        from generator.infra import yamlfile
        from generator.infra.fsutil import write_atomic

        key = hashlib.sha256(canonical.encode()).hexdigest()
        article_path = self.project.state_dir / "articles" / f"{key}.txt"
        title = page.title or (item.entry.title if item.entry else "") or canonical
        quoted_people = [by for by, _, _ in grounded.quotes]
        speakers = tuple(p for p in quoted_people if len(p.split()) >= 2)
        people = named_in(
            page.text, [*proposal.people, *speakers], lang=page.lang, speakers=speakers
        )
        with self.lock:
            categories, tags = self._categories(item, page)
        data: dict[str, Any] = {
            "title": title,
            "source": {
                "publisher": page.sitename or urlsplit(canonical).hostname or "unknown",
                "url": canonical,
            },
            "summary": " ".join(proposal.summary.split()) or title,
            "facts": [fact for fact, _ in grounded.facts],
            "quotes": [{"by": by, "text": text} for by, text, _ in grounded.quotes],
            "people": people,
        }
        published = (
            local_date(item.entry.published_raw, self.project.config.site.timezone)
            if item.entry and item.entry.published_raw
            else None
        ) or _date(page.date)
        if published:
            data["source"]["published"] = published.isoformat()
        if proposal.angles:
            data["angle"] = proposal.angles[0]
        if item.feed and item.feed.style:
            data["style"] = item.feed.style
        if item.feed and item.feed.language:
            data["language"] = item.feed.language
        data["categories"] = categories
        data["tags"] = tags
        data["confirmed"] = bool(self.project.config.intake.auto_confirm)
        data["intake"] = {
            "url": canonical,
            "feed": item.feed_label,
            "fetched_at": clock.stamp(),
            "extractor": extractor,
            "article": self.project.rel(article_path)
            if article_path.is_relative_to(self.project.root)
            else str(article_path),
            "article_chars": len(page.text),
            "dropped": {
                "facts": grounded.dropped_facts,
                "quotes": grounded.dropped_quotes,
                "misattributed": grounded.misattributed,
            },
            "angles": proposal.angles,
            "evidence": {
                "facts": [
                    {"fact": fact, "sentence": sentence} for fact, sentence in grounded.facts
                ],
                "quotes": [
                    {"by": by, "text": text, "sentence": sentence}
                    for by, text, sentence in grounded.quotes
                ],
            },
        }
        if sent_chars is not None:
            data["intake"]["sent_chars"] = sent_chars
        data = {k: v for k, v in data.items() if v not in ([], None)}
        Brief.model_validate(
            data
        )  # gather, then write: a brief that would not pass `satire check` is never written
        with self.lock:  # the name is reserved under the lock; the (fsynced) writes happen outside it, in parallel
            path = self._free_path(slugify(title))
        if not self.dry_run:
            write_atomic(article_path, page.text + "\n")
            write_atomic(path, yamlfile.dump(data))
        self.echo(
            f"{'would write' if self.dry_run else 'wrote'} {self.project.rel(path)} ({len(grounded.facts)} facts, {len(grounded.quotes)} quotes) from {canonical}"
        )
        return path

    def _free_path(self, slug: str) -> Path:
        folder = self.project.briefs_dir
        taken = {p.stem for p in folder.glob("*.y*ml")} | self.reserved
        name, n = slug, 1
        while name in taken:
            n += 1
            name = f"{slug}-{n}"
        self.reserved.add(name)
        return folder / f"{name}.yaml"

    def _categories(self, item: Item, page: ExtractedPage) -> tuple[list[str], list[str]]:
        """The feed's categories, then the item's terms that name an existing
        category (compared without case or accents); other terms become tags."""
        from generator.brief import slugify

        categories = list(item.feed.categories) if item.feed else []
        tags: list[str] = []
        for term in [*(item.entry.tags if item.entry else []), *page.categories, *page.tags]:
            match = self.categories.get(slugify(term))
            if match:
                if match not in categories:
                    categories.append(match)
            elif slugify(term) not in tags:
                tags.append(slugify(term))
        return categories, tags[:8]

    def _language(self, item: Item) -> str:
        return (
            item.feed.language if item.feed and item.feed.language else None
        ) or self.project.config.language

    def _style(self, item: Item) -> str:
        return (
            item.feed.style if item.feed and item.feed.style else None
        ) or self.project.config.style

    def _extractor(
        self,
    ) -> Callable[[ExtractedPage, str, str, str], tuple[Proposal, int | None, str]]:
        import trafilatura

        from generator import __version__

        reader = f"satire {__version__}, trafilatura {trafilatura.__version__}"
        if self.project.backend_name(self.offline) == "offline":
            if not self.offline:
                self.echo(
                    f"no LLM endpoint configured (set {self.project.config.llm.api_key_env} or llm.base_url): extracting offline"
                )
            return lambda page, language, url, style: (
                extract_offline(page),
                None,
                f"offline; {reader}",
            )
        from generator.intake.llm import LLMExtractor

        llm = LLMExtractor(self.project, run_id=self.run_id)

        def propose(
            page: ExtractedPage, language: str, url: str, style: str
        ) -> tuple[Proposal, int | None, str]:
            """(proposal, characters sent when cut, the extractor) for the article at canonical `url`, for a brief in `style`."""
            try:
                return llm.propose(page, language, reader, url=url, style=style)
            finally:
                self.report.cost_usd = round(llm.cost_usd, 6)

        return propose

    # -- reporting ------------------------------------------------------------------

    def _fail(self, line: str) -> None:
        with self.lock:
            self.report.failed.append(line)
        self.echo(line)

    def _remember_failure(
        self, url: str, entry: Entry | None, feed: str | None, exc: FetchError
    ) -> None:
        self.store.record(
            url=url,
            guid=entry.guid if entry else None,
            feed=feed,
            title=entry.title if entry else "",
            text="",
            brief=None,
            outcome=f"failed: {exc.reason}",
        )

    def _tried_again(self, url: str) -> bool:
        """Whether a page just skipped or failed will be fetched again (so its feed is read again too)."""
        known = self.store.explain([url])
        return known is not None and known.attempts < MAX_ATTEMPTS

    def _explain(self, url: str, known: Known) -> None:
        """Say what became of a story met before: its brief, its discarding, why it was skipped."""
        from generator.intake.confirm import DISCARDED

        day = known.seen_at[:10]
        if known.brief:
            slug = Path(known.brief).stem
            copies = sorted((self.project.state_dir / DISCARDED).glob(f"{slug}.*"))
            if (self.project.root / known.brief).exists():
                what = f"brief {slug} exists ({known.brief})"
            elif copies:
                stamp = copies[-1].name.removeprefix(f"{slug}.").split(".")[0]
                when = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp[:8].isdigit() else day
                what = f"its brief {slug} was discarded on {when}"
            else:
                what = f"its brief {slug}, written on {day}, has since been removed"
        elif known.outcome.startswith(RETRIED):
            kind, _, reason = known.outcome.partition(":")
            what = (
                f"{kind} on {day} because {reason.strip()}"
                f" (fetched {known.attempts} time{'s' if known.attempts != 1 else ''}, the most intake tries)"
            )
        elif known.seen_at:
            what = f"{known.outcome} on {day}"
        else:
            what = f"{known.outcome} ({known.why}: {known.url})"
        self.echo(f"{url}: already seen: {what}; --again takes it again")

    def _skip(
        self, line: str, why: str, item: Item | None = None, response: Fetched | None = None
    ) -> None:
        """A page that is not a story: said once, and remembered so it is not fetched again."""
        with self.lock:
            self.report.skipped.append(why)
        self.echo(line)
        if item is not None and response is not None and not self.dry_run:
            urls = [item.url, response.url, *response.redirects]
            entry = item.entry
            self.store.record(
                url=response.url,
                urls=urls,
                guid=entry.guid if entry else None,
                feed=item.feed_label,
                title=entry.title if entry else "",
                text="",
                brief=None,
                outcome="skipped: " + line.split(": skipped: ", 1)[-1],
            )


def _canonical(page: ExtractedPage, response: Fetched) -> str:
    """The page's own canonical link when it is an http(s) URL, else the URL it was fetched from."""
    if page.canonical:
        target = urljoin(response.url, page.canonical)
        if urlsplit(target).scheme in {"http", "https"}:
            return target
    return response.url


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _existing_categories(project: Project) -> dict[str, str]:
    """slug -> the blog's category as its briefs spell it."""
    import yaml

    from generator.brief import brief_paths, slugify

    found: dict[str, str] = {}
    for path in brief_paths(project.briefs_dir):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue
        for name in data.get("categories") or [] if isinstance(data, dict) else []:
            if isinstance(name, str) and name.strip():
                found.setdefault(slugify(name), name.strip())
    return found
