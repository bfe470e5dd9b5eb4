"""Bodies: Markdown, the nh3 allowlist, French typography; the chrome catalogues."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from generator.infra.resources import builtin_dir
from generator.site import i18n
from generator.site.markup import body_html, cache_key, reading_minutes
from generator.site.typography import NBSP, NNBSP, french_html, french_text

HOSTILE = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "<svg onload=window.__pwned=1><circle/></svg>",
    "[click](javascript:window.__pwned=1)",
    "[click](JaVaScRiPt:window.__pwned=1)",
    "[click](  javascript:window.__pwned=1)",
    "<a href='java&#x09;script:window.__pwned=1'>x</a>",
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<iframe src='https://evil.example'></iframe>",
    "<style>body{display:none}</style>",
    "<p style='background:url(javascript:x)' onclick='x()'>styled</p>",
    "<form action='https://evil.example'><input name=a></form>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<base href='https://evil.example/'>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
    "<a href='https://ok.example' onmouseover='window.__pwned=1'>hover</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_sanitizer_removes_every_active_thing(payload: str) -> None:
    html = body_html(f"Intro.\n\n{payload}\n\nOutro.", "en")
    elements = Elements()
    elements.feed(html)
    assert not {
        "script",
        "style",
        "iframe",
        "svg",
        "math",
        "form",
        "input",
        "object",
        "embed",
        "base",
        "meta",
    } & {tag for tag, _ in elements.found}
    for tag, attrs in elements.found:
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in ("href", "src"):
                assert re.match(r"^(https?:|mailto:|[^:]*$)", (value or "").strip(), re.I), (
                    tag,
                    name,
                    value,
                )
    assert "Intro." in html  # (an unclosed <style> may swallow what follows: harmless)


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_markdown_kept_and_links_marked() -> None:
    html = body_html(
        "## Part\n\nSome *em* and **strong**, a [link](https://example.com/x) and `code`.\n\n> pulled\n\n- a\n- b",
        "en",
    )
    assert "<h2>Part</h2>" in html and "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://example.com/x" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<blockquote>" in html and "<li>a</li>" in html and "<code>code</code>" in html


def test_template_syntax_stays_text() -> None:
    html = body_html("{{ 7*7 }} {% for x in y %}loop{% endfor %} {# c #}", "en")
    assert "{{ 7*7 }}" in html and "{% for x in y %}" in html and "49" not in html


def test_h1_in_body_becomes_h2() -> None:
    assert "<h1>" not in body_html("# Big\n\ntext", "fr")


def test_french_rules() -> None:
    assert (
        french_text("Quoi ? Oui ! Non ; bon : « ici »")
        == f"Quoi{NNBSP}? Oui{NNBSP}! Non{NNBSP}; bon{NBSP}: «{NBSP}ici{NBSP}»"
    )
    assert french_text("Pourquoi? Ainsi:") == f"Pourquoi{NNBSP}? Ainsi{NBSP}:"
    assert french_text("à 10:30, https://x.fr/?a=1") == "à 10:30, https://x.fr/?a=1"


def test_french_rules_skip_tags_attributes_code_and_entities() -> None:
    html = '<p title="a : b ?">Vrai ? <a href="https://x.fr/?q=1">lien !</a> AT&amp;T ; <code>a ? b</code> <pre>x : y</pre></p>'
    out = french_html(html)
    assert 'title="a : b ?"' in out and 'href="https://x.fr/?q=1"' in out
    assert f"Vrai{NNBSP}?" in out and f"lien{NNBSP}!" in out and f"AT&amp;T{NNBSP};" in out
    assert "<code>a ? b</code>" in out and "<pre>x : y</pre>" in out


def test_english_body_untouched() -> None:
    html = body_html("Why ? Because: « this » !", "en")
    assert NBSP not in html and NNBSP not in html


def test_cache_key_depends_on_text_and_typography() -> None:
    assert cache_key("a", "fr") != cache_key("b", "fr")
    assert cache_key("a", "fr") != cache_key("a", "en")
    assert cache_key("a", "en") == cache_key("a", "de")


def test_reading_minutes() -> None:
    assert reading_minutes("mot " * 10) == 1
    assert reading_minutes("mot " * 690) == 3


def test_every_chrome_string_has_a_french_translation() -> None:
    templates = builtin_dir("templates")
    options = {
        "**": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    }
    found = {
        msg[2]
        for msg in extract_from_dir(
            str(templates),
            method_map=[("**.html", "jinja2"), ("**.xml", "jinja2")],
            options_map=options,
        )
    }
    assert len(found) > 20
    fr = i18n.translations([templates], "fr")
    for message in found:
        if isinstance(message, tuple):
            assert fr.ngettext(message[0], message[1], 2) != message[1], message
        else:
            assert fr.gettext(message) != message or message in {
                "Satire",
                "satire",
                "Site",
                "Pages",
            }, message


def test_project_catalogue_overrides_one_message(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n/fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Learn more"\nmsgstr "Pourquoi ?"\n',
        encoding="utf-8",
    )
    fr = i18n.translations([tmp_path, builtin_dir("templates")], "fr")
    assert fr.gettext("Learn more") == "Pourquoi ?"
    assert fr.gettext("Home") == "Accueil"


def test_localized_dates() -> None:
    import datetime as dt

    assert i18n.long_date(dt.date(2025, 12, 9), "fr") == "9 décembre 2025"
    assert i18n.long_date(dt.date(2025, 12, 9), "en") == "December 9, 2025"


# The rules written one regex each: slow, but plain to read. french_text must agree.
_REFERENCE = [
    (re.compile(r"[ \t\u00a0\u202f]+([;!?])"), NNBSP + r"\1"),
    (re.compile(r"(?<=[\w»)\]…])([;!?])(?=\s|$|<)"), NNBSP + r"\1"),
    (re.compile(r"(?:[ \t\u00a0\u202f]+|(?<=[\w»)\]])):(?=\s|$)"), NBSP + ":"),
    (re.compile(r"«[ \t\u00a0\u202f]*"), "«" + NBSP),
    (re.compile(r"[ \t\u00a0\u202f]*»"), NBSP + "»"),
]


def reference(text: str) -> str:
    for pattern, replacement in _REFERENCE:
        text = pattern.sub(replacement, text)
    return text


def test_french_text_agrees_with_the_rules_one_by_one() -> None:
    import random

    rng = random.Random(4)
    alphabet = "ab é1 ;!?:«»)]…_\u00a0\t<."
    samples = ["« Bonjour » : dit-il ; « non ! »", "l'IA ; puis: fin", "Quoi ?!", "« »", "à 10:30"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(5000)
    ]
    for sample in samples:
        assert french_text.__wrapped__(sample) == reference(sample), repr(sample)


MARKDOWN_SAMPLES = [
    "Plain words only, a question ? and nothing else.",
    "Some `code` and ``double `tick` code`` and a \\*not emphasis\\* and \\`not code\\`.",
    "A [link](https://example.com/a_b) and [ref][1] and [short] and [1].\n\n[1]: https://example.com/ref\n[short]: https://example.com/s",
    "An ![image](https://example.com/i.png) and ![ref image][img] and ![img].\n\n[img]: https://example.com/j.png",
    "Half an image: ! then [a link](https://example.com) and !\n[split](https://example.com)",
    "Autolink <https://example.com/x> and mail <someone@example.com> and <em>inline html</em> &amp; &copy; &#169; & alone.",
    "*em* _em_ **strong** __strong__ ***both*** snake_case_word 2*3*4",
    "Hard break  \nafter two spaces, tab\t\nand CRLF  \r\nlines\r\nend.",
    "> quoted **bold** with `code`\n> and [a link](https://example.com)\n\n1. one *a*\n2. two <b>b</b>\n\n- x &amp; y\n- z",
    "| a | b |\n|---|---|\n| `c` | *d* |\n| [e](https://example.com) | f &amp; g |",
    "# Title with *em*\n\n    indented code with *stars* and <tags>\n\nAfter ```fenced?``` text.",
    "Escaped \\[not a link\\](x) and \\<not html\\> and \\&amp; and \\\\ backslash.",
    "<div>block html with *stars*</div>\n\nThen text & more_text_here.",
    "<!-- a comment -->Two spaces, then a block  <div>raw html</div> and after.",
    "Rules of stars:\n\n***\n\n* * *\n\nand of underscores\n___\nand dashes\n- - -",
    "Mid-paragraph quote\n> quoted | piped\nstill quoted\n\nTitle\n=====\n\nSub\n---",
    "*;**;*&y;",  # the entity pattern's only visible effect found: Python-Markdown leaks a placeholder
]


def stock_html(text: str) -> str:
    """`text` through a fresh stock Python-Markdown instance, with what `to_html` does after."""
    import markdown

    from generator.site import markup

    fresh = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return markup._H1.sub(r"<\1h2>", fresh)


@pytest.mark.parametrize("text", MARKDOWN_SAMPLES + HOSTILE)
def test_shared_markdown_instance_gives_what_a_fresh_one_gives(text: str) -> None:
    """Bodies go through one Markdown instance, reset between documents; the
    HTML must be what a fresh stock instance gives, whatever came before."""
    from generator.site import markup

    markup.to_html(MARKDOWN_SAMPLES[2])  # leaves reference definitions behind unless reset
    assert markup.to_html(text) == stock_html(text)


def test_shared_markdown_instance_on_random_markdown() -> None:
    import random

    from generator.site import markup

    rng = random.Random(7)
    alphabet = [
        *"ab c!*_[]()<>&#;`\\\n\t\r:/.@|-=\x02\x03",
        "  \n",
        " \r\n",
        "http://x.y",
        "![",
        "](",
        "]:",
        "&amp;",
        "<b>",
        "</b>",
        "<div>",
    ]
    alphabet += [
        "\n\n",
        "> ",
        "1. ",
        "- ",
        "    ",
        "[1]: http://z\n",
        "[1]",
        "# ",
        "---\n",
        "===\n",
        "| a | b |\n|---|---|\n",
        "\n   \n",
        " ",
    ]
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert markup.to_html(text) == stock_html(text), repr(text)
