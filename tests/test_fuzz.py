"""Property-based tests (hypothesis) of what reads or turns untrusted text:
the brief loader, the front matter reader and the config loader take random
YAML and random field values and either return a value or raise a one-line
`FILE:LINE:COL: field: message` error per problem, never anything else; and
Markdown to sanitized HTML lets no script, event handler or javascript: URL
through, whatever the input.

CI runs a few examples of each (the whole file well under a minute);
`bench/fuzz.py` runs the same properties much longer (SATIRE_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.brief import load_brief
from generator.config import load_config
from generator.drafts import parse_draft
from generator.errors import InputError, InputErrors, SatireError
from generator.site.markup import body_html

EXAMPLES = int(os.environ.get("SATIRE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a shared 2-core machine: time per example varies
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ONE_LINE = re.compile(r"^[^\n]+:\d+:\d+: [^\n]*\S: [^\n]+$")


def assert_one_line_each(exc: SatireError, file: str) -> None:
    """Each problem is one line naming the file, the line and column, and the field."""
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    assert errors
    for error in errors:
        assert isinstance(error, InputError), error
        message = error.format_message()
        assert message.startswith(f"{file}:") and ONE_LINE.match(message), message
        assert error.line >= 1 and error.col >= 1


# -- random YAML ---------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.dates(min_value=dt.date(1, 1, 1))
    | st.sampled_from(["", " ", "~", "null", "yes", "no", "2025-13-45", "en-US", "fr", "../x"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)

BRIEF = yaml.safe_load((Path(__file__).parent.parent / "briefs/sora-app.yaml").read_text())
BRIEF_FIELDS = [*BRIEF, "quotes", "image", "confirmed", "intake"]
CONFIG_FIELDS = [
    "title", "description", "url", "author", "language", "style", "timezone", "llm", "site",
    "deploy", "notify", "factcheck", "intake", "card", "images", "comments",
]  # fmt: skip


def dumped(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def yaml_texts(fields: list[str], base: dict[str, Any]) -> st.SearchStrategy[str]:
    """YAML documents: the valid `base` with fields replaced, added or dropped at
    random; random mappings over the known fields; random text and bytes-ish text."""
    changed = st.builds(
        lambda changes, dropped: dumped(
            {k: v for k, v in {**base, **changes}.items() if k not in dropped}
        ),
        st.dictionaries(st.sampled_from(fields) | st.text(max_size=10), values, max_size=4),
        st.sets(st.sampled_from(list(base) or fields), max_size=3),
    )
    mapping = st.dictionaries(st.sampled_from(fields), values, max_size=6).map(dumped)
    noise = st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from(list(":-[]{}&*!|>'\"%@`#,?\n\t ")),
        max_size=200,
    )
    return changed | mapping | noise | values.map(dumped)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(text=yaml_texts(BRIEF_FIELDS, BRIEF))
@example(text='08:\n"\\r":')  # found by this test: a key holding a line break broke the line
@example(text='title: x\n"a\\nb": 1\n"\\u2028": 2\n')
def test_the_brief_loader_returns_a_brief_or_one_line_per_problem(scratch: Path, text: str) -> None:
    path = scratch / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        brief = load_brief(path, "briefs/fuzz.yaml")
    except SatireError as exc:
        assert_one_line_each(exc, "briefs/fuzz.yaml")
    else:
        assert brief.title and brief.summary


@FUZZ
@given(raw=st.binary(max_size=300))
def test_the_brief_loader_takes_any_bytes(scratch: Path, raw: bytes) -> None:
    path = scratch / "raw.yaml"
    path.write_bytes(raw)
    try:
        load_brief(path, "briefs/raw.yaml")
    except SatireError as exc:
        assert_one_line_each(exc, "briefs/raw.yaml")


DRAFT = {
    "title": "A title",
    "slug": "a-title",
    "date": dt.date(2025, 10, 1),
    "status": "draft",
    "brief": "briefs/a.yaml",
    "language": "en",
}


@FUZZ
@given(head=yaml_texts([*DRAFT, "revision", "tags", "categories"], DRAFT), body=st.text())
def test_the_front_matter_reader_returns_a_draft_or_one_line_per_problem(
    head: str, body: str
) -> None:
    text = f"---\n{head}\n---\n{body}"
    try:
        draft = parse_draft(text, "drafts/fuzz.md")
    except SatireError as exc:
        assert_one_line_each(exc, "drafts/fuzz.md")
    else:
        assert draft.slug and draft.title


@FUZZ
@given(text=st.text(max_size=300))
def test_the_front_matter_reader_takes_any_text(text: str) -> None:
    try:
        parse_draft(text, "drafts/any.md")
    except SatireError as exc:
        assert_one_line_each(exc, "drafts/any.md")


CONFIG = {"title": "Blog", "url": "https://blog.example/", "language": "fr", "style": "geek-puns"}


@FUZZ
@given(text=yaml_texts(CONFIG_FIELDS, CONFIG))
def test_the_config_loader_returns_a_config_or_one_line_per_problem(
    scratch: Path, text: str
) -> None:
    path = scratch / "satire.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path, "satire.yaml")
    except SatireError as exc:
        assert_one_line_each(exc, "satire.yaml")


# -- Markdown to sanitized HTML ----------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/a.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1) 'title')",
    "![pic](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="https://x.example"></iframe>',
    "<object data=x></object><embed src=x>",
    '<p onclick="x()">p</p>',
    "<style>body{}</style>",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    '<a href="vbscript:msgbox(1)">v</a>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<form action=javascript:alert(1)><button>b</button></form>",
    "`<script>`",
    "    <script>indented</script>",
    "<!-- <script> -->",
    "[x]: javascript:alert(1)\n\n[link][x]",
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]
MARKDOWN = ["# ", "## ", "* ", "1. ", "> ", "**", "_", "`", "```\n", "\n\n", "[", "](", ")", "<", ">", '"', "'", "&", "#", "="]  # fmt: skip


class Seen(HTMLParser):
    """Every start tag and its attributes, values unescaped as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite"}  # fmt: skip


C0_AND_SPACE = "".join(map(chr, range(0x21)))


def bad_scheme(value: str) -> bool:
    # what a browser does before reading the scheme (the URL standard): entities
    # decoded, leading and trailing C0 controls and spaces trimmed, tabs and newlines dropped
    plain = re.sub(r"[\t\n\r]", "", html.unescape(value).strip(C0_AND_SPACE)).lower()
    return plain.startswith(("javascript:", "vbscript:", "data:"))


def assert_safe(out: str) -> None:
    seen = Seen()
    seen.feed(out)
    seen.close()
    for tag, attrs in seen.tags:
        assert tag not in DANGEROUS_TAGS, out
        for name, value in attrs:
            assert not name.startswith("on"), out
            assert name != "style", out
            if name in URL_ATTRIBUTES and value is not None:
                assert not bad_scheme(value), out


@FUZZ
@example(parts=[ATTACKS[2], "[x](javascript:alert(1))"], language="en")
@given(
    parts=st.lists(
        st.sampled_from(ATTACKS) | st.sampled_from(MARKDOWN) | st.text(max_size=20), max_size=12
    ),
    language=st.sampled_from(["en", "fr"]),
)
def test_no_script_event_handler_or_javascript_url_survives_the_sanitizer(
    parts: list[str], language: str
) -> None:
    assert_safe(body_html("".join(parts), language))


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_known_attack_alone_is_neutralized(attack: str) -> None:
    assert_safe(body_html(attack, "en"))
    assert_safe(body_html(f"Intro.\n\n{attack}\n\nOutro.", "fr"))
