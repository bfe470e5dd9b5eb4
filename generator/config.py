"""`satire.yaml`: the schema (declared once, defaults for everything), the
environment overrides for the LLM endpoint, and the project's paths.

A project is any folder holding `satire.yaml`; `infra.root.find_root` looks
upwards from the working folder, like git does for `.git`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, field_validator, model_validator

from generator.errors import shown
from generator.infra import clock, yamlfile
from generator.infra.root import CONFIG_NAME, SITE_DIR, STATE_DIR, project_root
from generator.infra.validation import Strict, validate

LANG_RE = re.compile(
    r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8}|-[0-9][a-zA-Z0-9]{3})*$"
)


def check_language(value: str) -> str:
    """A well-formed BCP 47 tag (fr, en, pt-BR, zh-Hant-TW), normalised."""
    if not LANG_RE.match(value):
        raise ValueError(f"not a BCP 47 language tag: {value!r} (expected e.g. fr, en, pt-BR)")
    parts = value.split("-")
    parts[0] = parts[0].lower()
    return "-".join(p.upper() if len(p) == 2 and i else p for i, p in enumerate(parts))


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; ValueError naming it when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (expected an IANA name, e.g. Europe/Paris or UTC)"
        ) from None


_SPACE = re.compile(r"\s")  # what str.isspace() calls a space (a check made per draft and build)


def check_http_url(value: str) -> str:
    """An absolute http(s) URL with a host."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValueError(
            f"URL must start with http:// or https:// (found scheme {parts.scheme or 'none'!r})"
        )
    if not parts.netloc or _SPACE.search(value):
        raise ValueError("URL must have a host and no spaces")
    return value


class Price(Strict):
    """Dollars per million tokens."""

    input_per_mtok: float = Field(0.0, ge=0, description="USD per million prompt tokens")
    output_per_mtok: float = Field(0.0, ge=0, description="USD per million completion tokens")


DEFAULT_PRICES = {
    "gpt-4o-mini": Price(input_per_mtok=0.15, output_per_mtok=0.60),
    "gpt-4o": Price(input_per_mtok=2.50, output_per_mtok=10.00),
    "gpt-4.1-mini": Price(input_per_mtok=0.40, output_per_mtok=1.60),
    "gpt-4.1": Price(input_per_mtok=2.00, output_per_mtok=8.00),
}


class LLMConfig(Strict):
    """How drafts are written."""

    backend: Literal["auto", "openai", "offline"] = Field(
        "auto", description="auto: openai when an endpoint or key is configured, else offline"
    )
    model: str = Field(
        "gpt-4o-mini", description="model name sent to the endpoint (env SATIRE_MODEL)"
    )
    base_url: str | None = Field(
        None,
        description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL)",
    )
    api_key_env: str = Field(
        "OPENAI_API_KEY",
        description="name of the environment variable holding the key (never the key itself)",
    )
    temperature: float | None = Field(
        0.9,
        ge=0,
        le=2,
        description="sampling temperature; null: the model's default (sent only to models that take one)",
    )
    max_tokens: int = Field(
        2000,
        ge=64,
        description="completion budget per call (sent as max_completion_tokens to models that want that name)",
    )
    max_tokens_ceiling: int = Field(
        16000,
        ge=64,
        description="an answer cut off by the budget is asked again with twice the budget, up to this",
    )
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = Field(
        None,
        description="for reasoning models that take it (o-series, gpt-5); null: not sent",
    )
    timeout: float = Field(60.0, gt=0, description="seconds before a call is abandoned and retried")
    max_retries: int = Field(
        3, ge=0, le=10, description="retries after the first try, with backoff"
    )
    retry_backoff: float = Field(
        1.0,
        ge=0,
        le=60,
        description="seconds before the first retry; doubles each retry, with jitter, unless the server sends Retry-After",
    )
    concurrency: int = Field(4, ge=1, le=64, description="calls at once (generate -j)")
    free: bool | None = Field(
        None,
        description="count every call as $0; default: yes when base_url is on localhost or a private network (Ollama, vLLM, llama.cpp), else prices apply",
    )
    max_cost_usd: float | None = Field(
        None, ge=0, description="stop a batch before it would cost more"
    )
    prices: dict[str, Price] = Field(
        default_factory=lambda: dict(DEFAULT_PRICES),
        description="USD per model; unknown models cost $0",
    )
    self_check_rounds: int = Field(
        1,
        ge=0,
        le=5,
        description="after writing or revising, ask the writer at most this many times to fix the fact check's claim findings (0: off)",
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        return None if value is None else check_http_url(value)


class CommentsConfig(Strict):
    """Optional comments under posts (none by default)."""

    system: Literal["none", "isso", "giscus"] = Field(
        "none", description="none: no comments; isso or giscus: their embed under every post"
    )
    url: str | None = Field(None, description="isso: the server's URL")
    repo: str | None = Field(None, description="giscus: owner/name")
    repo_id: str | None = Field(
        None, description="giscus: the repository's id (giscus.app gives it)"
    )
    category: str | None = Field(None, description="giscus: the discussion category's name")
    category_id: str | None = Field(None, description="giscus: the discussion category's id")


class SiteConfig(Strict):
    """How the site is built."""

    posts_per_page: int = Field(10, ge=1, le=200, description="posts on each page of a list")
    feed_items: int = Field(20, ge=1, le=1000, description="newest posts in the Atom and RSS feeds")
    disclaimer: dict[str, str] = Field(
        default_factory=dict, description="per-language override of the satire disclaimer"
    )
    comments: CommentsConfig = Field(default_factory=CommentsConfig)
    relative_urls: bool = Field(
        False,
        description="links between pages relative to each page, naming index.html, so the built site works opened from disk or moved under any path; canonical, feed and sitemap URLs stay absolute, from url",
    )
    timezone: str = Field(
        "UTC",
        description="IANA zone (e.g. Europe/Paris) in which a post's date starts: publish dates posts today there, and a post dated later appears from that day",
    )

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        time_zone(value)
        return value


class DeployConfig(Strict):
    """Where `satire deploy` puts the built site. Credentials are never here:
    S3 reads the standard AWS environment, profile or instance role; rsync and
    git use ssh's and git's own."""

    target: Literal["s3", "rsync", "git"] | None = Field(
        None, description="s3 | rsync | git; none: deploy is not configured"
    )
    bucket: str | None = Field(None, description="s3: the bucket (AWS, R2, MinIO, B2...)")
    prefix: str = Field("", description="s3: folder inside the bucket, e.g. blog/")
    region: str | None = Field(None, description="s3: region (default: the AWS environment's)")
    endpoint_url: str | None = Field(
        None, description="s3: endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000"
    )
    destination: str | None = Field(
        None, description="rsync: user@host:/var/www/blog/ or a local folder"
    )
    repository: str | None = Field(
        None, description="git: a remote URL or path; the site is committed to `branch`"
    )
    branch: str = Field("gh-pages", description="git: the branch that holds the site")

    @field_validator("endpoint_url")
    @classmethod
    def _endpoint_url(cls, value: str | None) -> str | None:
        return None if value is None else check_http_url(value)

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        value = value.strip("/")
        return value + "/" if value else ""

    @model_validator(mode="after")
    def _needs(self) -> DeployConfig:
        needed = {"s3": "bucket", "rsync": "destination", "git": "repository"}.get(
            self.target or ""
        )
        if needed and not getattr(self, needed):
            raise ValueError(f"target {self.target} needs {needed}: set deploy.{needed}")
        return self


class EmailConfig(Strict):
    """Notifications by e-mail, through an SMTP server (no password: use a local relay)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    to: list[str] = Field(default_factory=list, description="recipients; none: no e-mail")
    from_: str | None = Field(
        None, alias="from", description="sender address (default: satire@ this machine's name)"
    )
    smtp_host: str = Field("localhost", description="SMTP server")
    smtp_port: int = Field(25, ge=1, le=65535, description="its port")


class NotifyConfig(Strict):
    """Editors told when drafts wait for review or a `satire run` fails."""

    webhook_url_env: str | None = Field(
        None,
        description="name of the environment variable holding a Slack/Mattermost/Discord-style webhook URL (never the URL itself)",
    )
    email: EmailConfig = Field(default_factory=EmailConfig)
    desk_url: str | None = Field(
        None, description="base URL of the review desk, for links in notifications"
    )
    timeout: float = Field(
        10.0,
        gt=0,
        le=120,
        description="seconds before a webhook POST or an SMTP exchange is abandoned",
    )

    @field_validator("webhook_url_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError(
                "the name of an environment variable, e.g. SATIRE_WEBHOOK_URL (put the URL itself in that variable, not here)"
            )
        return value

    @field_validator("desk_url")
    @classmethod
    def _desk_url(cls, value: str | None) -> str | None:
        return None if value is None else check_http_url(value)


class FactcheckConfig(Strict):
    """How the fact check judges what words alone cannot."""

    verify_translations: bool | None = Field(
        None,
        description="ask the LLM whether a translated quote says the same as the brief's (cached yes/no); default: on with an LLM endpoint",
    )


class DeskConfig(Strict):
    """The review desk served to a team (`satire desk`): sessions and single sign-on."""

    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses or networks (e.g. 127.0.0.1, 10.0.0.0/8) of the reverse proxies whose X-Forwarded-* headers and trusted_header are believed",
    )
    trusted_header: str | None = Field(
        None,
        description="a header naming the signed-in user, set by a single sign-on proxy (e.g. Remote-User); honoured only from trusted_proxies, and the user must have an account",
    )
    session_hours: float = Field(
        12, gt=0, le=24 * 90, description="hours a sign-in lasts before the desk asks again"
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"not an address or network: {item!r} (expected e.g. 127.0.0.1 or 10.0.0.0/8)"
                ) from None
        return value

    @field_validator("trusted_header")
    @classmethod
    def _header(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", value):
            raise ValueError(f"not an HTTP header name: {value!r} (expected e.g. Remote-User)")
        return value


class ReviewConfig(Strict):
    """How drafts are approved."""

    second_editor: bool = Field(
        False, description="true: the last person who edited a draft's text cannot approve it"
    )


class FeedConfig(Strict):
    """One news feed that `satire intake` polls."""

    url: str = Field(description="the feed's URL (RSS or Atom, detected by content)")
    name: str | None = Field(None, description="a short name for --feed NAME (default: the URL)")
    style: str | None = Field(None, description="humor style given to its briefs")
    language: str | None = Field(None, description="language given to its briefs")
    categories: list[str] = Field(
        default_factory=list, description="categories given to its briefs"
    )
    include: list[str] = Field(
        default_factory=list,
        description="keep only items whose title or summary holds one of these words (case-insensitive)",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="drop items whose title or summary holds one of these words",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_http_url(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else check_language(value)

    @property
    def label(self) -> str:
        return self.name or self.url


class IntakeConfig(Strict):
    """News in: feeds and the fetching rules (`satire intake`)."""

    feeds: list[FeedConfig] = Field(
        default_factory=list, description="feeds polled when `satire intake` is given no SOURCE"
    )
    auto_confirm: bool = Field(
        False,
        description="true: intake briefs go straight to writing, with no editor confirming them",
    )
    allow_private: bool | list[str] = Field(
        False,
        description="fetch from loopback and private addresses: true for all, or a list of hosts and networks (e.g. [127.0.0.1, 10.0.0.0/8])",
    )
    timeout: float = Field(20.0, gt=0, le=600, description="seconds per request")
    max_bytes: int = Field(5_000_000, ge=1024, description="a larger page or feed is refused")
    per_host_delay: float = Field(
        1.0, ge=0, le=600, description="seconds between two requests to one host"
    )


COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class CardConfig(Strict):
    """How social cards look (the satire band stays: a card without a readable one fails the build)."""

    background: str = Field("#1d1b3a", description="behind the title when the post has no image")
    foreground: str = Field("#ffffff", description="the title's colour")
    muted: str = Field("#d9d6f0", description="the site's name and the date")
    band_background: str = Field("#d7263d", description="the satire band's colour")
    band_foreground: str = Field(
        "#ffffff",
        description="the satire band's text (contrast at least 4.5:1 with band_background)",
    )
    band_height: int = Field(84, ge=0, le=300, description="pixels, out of 630 (at least 48)")
    darken: float = Field(
        0.6, ge=0, le=1, description="how much the post's image is darkened under the text"
    )
    font: str | None = Field(
        None,
        description="a TTF/OTF file (relative to the project) for the title and the band; default: the bundled DejaVu Sans Bold",
    )
    font_regular: str | None = Field(
        None,
        description="a TTF/OTF file for the site's name and the date; default: the bundled DejaVu Sans",
    )
    logo: str | None = Field(
        None, description="an image file (relative to the project) drawn before the site's name"
    )

    @field_validator("background", "foreground", "muted", "band_background", "band_foreground")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not COLOUR_RE.match(value):
            raise ValueError(f"not a colour: {value!r} (expected #rgb or #rrggbb)")
        return value


class ImagesConfig(Strict):
    """Responsive images and social cards (made at build time, cached in .satire/media)."""

    widths: list[Annotated[int, Field(ge=16, le=8000)]] = Field(
        default_factory=lambda: [480, 960, 1440, 1920],
        description="widths to publish, each up to the image's own",
    )
    quality: int = Field(80, ge=30, le=100, description="JPEG and WebP quality")
    card: CardConfig = Field(default_factory=CardConfig)


class Config(Strict):
    """The whole of `satire.yaml`."""

    title: str = Field("Satire", description="the blog's name")
    description: str = Field(
        "Tech news, as told by an AI with a sense of humour.",
        description="one line under the title",
    )
    url: str = Field(
        "http://127.0.0.1:8000/",
        description="the site's public base URL, for canonical links and feeds",
    )
    author: str = Field("satire", description="publisher name in feeds and JSON-LD")
    language: str = Field("fr", description="default language of posts and of the site chrome")
    style: str = Field("geek-puns", description="default humor style")
    llm: LLMConfig = Field(default_factory=LLMConfig)
    site: SiteConfig = Field(default_factory=SiteConfig)
    deploy: DeployConfig = Field(default_factory=DeployConfig)
    notify: NotifyConfig = Field(default_factory=NotifyConfig)
    factcheck: FactcheckConfig = Field(default_factory=FactcheckConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    intake: IntakeConfig = Field(default_factory=IntakeConfig)
    images: ImagesConfig = Field(default_factory=ImagesConfig)
    desk: DeskConfig = Field(default_factory=DeskConfig)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return check_language(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = check_http_url(value)
        return value if value.endswith("/") else value + "/"


@dataclass
class Project:
    """A blog project: its root folder, config and the paths it uses."""

    root: Path
    config: Config

    @property
    def briefs_dir(self) -> Path:
        return self.root / "briefs"

    @property
    def drafts_dir(self) -> Path:
        return self.root / "drafts"

    @property
    def prompts_dir(self) -> Path:
        return self.root / "prompts"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def site_dir(self) -> Path:
        return self.root / SITE_DIR

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @cached_property
    def zone(self) -> ZoneInfo:
        """The site's time zone (site.timezone, checked when the config was loaded)."""
        return time_zone(self.config.site.timezone)

    def today(self) -> dt.date:
        """Today's date where the site lives: what publish dates a post, and the
        day from which the build shows a post dated ahead."""
        return clock.today(self.zone)

    def rel(self, path: Path) -> str:
        """`path` relative to the root when inside it (for messages and front matter)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    # -- the LLM endpoint, with environment overrides -------------------------

    @cached_property
    def base_url(self) -> str | None:
        return os.environ.get("OPENAI_BASE_URL") or self.config.llm.base_url

    @cached_property
    def model(self) -> str:
        return os.environ.get("SATIRE_MODEL") or self.config.llm.model

    def api_key(self) -> str | None:
        """Read at the moment of use, never stored in config, state or logs."""
        return os.environ.get(self.config.llm.api_key_env) or None

    def backend_name(self, offline: bool = False) -> str:
        """'openai' or 'offline', after config, flags and environment."""
        if offline:
            return "offline"
        chosen = self.config.llm.backend
        if chosen != "auto":
            return chosen
        return "openai" if (self.base_url or self.api_key()) else "offline"


def load_config(path: Path, display: str | None = None) -> Config:
    """Config from a satire.yaml; every problem reported with line and column."""
    data, marks = yamlfile.load(path, display)
    if data is None:
        return Config()
    return validate(Config, data, marks)


def load_project(root: Path | None = None) -> Project:
    """The project at `root` (or found upwards from the working folder)."""
    root = project_root(root)
    config_path = root / CONFIG_NAME
    config = load_config(config_path, display=shown(config_path))
    return Project(root=root, config=config)
