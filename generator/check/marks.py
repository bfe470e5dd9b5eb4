"""Fact-check findings highlighted in a rendered page.

The findings point into the draft's Markdown; the page is that Markdown after
rendering, sanitizing and typography (no-break spaces, curly quotes). So the
span is looked for in the page's visible text, compared loosely (case, spacing,
quote shapes and Markdown emphasis ignored), and every occurrence is wrapped
in `<mark>`, one per text run so the HTML stays well formed. Nothing of the page
is re-serialized: marks are inserted into the original text at exact offsets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from generator.check import lexicon as lx

SKIPPED = frozenset({"script", "style", "template", "noscript", "textarea", "title"})
INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    }
)
IGNORED = frozenset("*_`\u00ad\u200b")  # Markdown emphasis, soft hyphens: not in the page's text
QUOTES = lx.QUOTE_FOLD
_ENTITY = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


def fold(char: str) -> str:
    """One character as compared: lower case, plain quotes, one kind of space; '' when ignored."""
    if char.isspace():
        return " "
    if char in IGNORED:
        return ""
    char = QUOTES.get(char, char)
    lower = char.lower()
    return lower if len(lower) == 1 else char


def pattern(span: str) -> re.Pattern[str] | None:
    """A regex finding `span` in folded text: whole words, and lenient about
    spaces, which typography adds or drops around punctuation ("«Nous" / "« Nous")."""
    needle = " ".join("".join(fold(c) for c in span).split())
    if not needle:
        return None
    parts: list[str] = []
    for index, char in enumerate(needle):
        if char == " ":
            parts.append(" ?")
            continue
        if (
            index
            and needle[index - 1] != " "
            and not (char.isalnum() and needle[index - 1].isalnum())
        ):
            parts.append(" ?")
        parts.append(re.escape(char))
    head = r"(?<!\w)" if needle[0].isalnum() else ""
    tail = r"(?!\w)" if needle[-1].isalnum() else ""
    return re.compile(head + "".join(parts) + tail)


@dataclass(frozen=True)
class _Char:
    start: int  # offset in the page's source
    end: int
    run: int  # text between two tags; -1: the break between two blocks, not in the source


class _TextMap(HTMLParser):
    """Each visible character of <body>, folded, with where it sits in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
        self.chars: list[_Char] = []
        self.text: list[str] = []
        self.run = 0
        self.in_body = False
        self.skipping: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _tag(self, tag: str) -> None:
        self.run += 1
        if tag not in INLINE and self.text and self.text[-1] != " ":  # "</h1><p>" parts words
            self.chars.append(_Char(0, 0, -1))
            self.text.append(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag)
        if tag == "body":
            self.in_body = True
        elif tag in SKIPPED:
            self.skipping.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag)

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag)
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        elif tag == "body":
            self.in_body = False

    def handle_comment(self, data: str) -> None:
        self.run += 1

    def _visible(self) -> bool:
        return self.in_body and not self.skipping

    def handle_data(self, data: str) -> None:
        if not self._visible():
            return
        base = self._offset()
        for index, char in enumerate(data):
            self._add(char, base + index, base + index + 1)

    def _reference(self) -> None:
        if not self._visible():
            return
        start = self._offset()
        match = _ENTITY.match(self.source, start)
        if match:
            self._add(html.unescape(match.group(0)), start, match.end())

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()

    def _add(self, text: str, start: int, end: int) -> None:
        for char in text:
            key = fold(char)
            if key and not (key == " " and self.text and self.text[-1] == " "):
                self.chars.append(_Char(start, end, self.run))
                self.text.append(key)


@dataclass
class Marked:
    """The page with its marks, and which findings were found in it."""

    html: str
    located: set[int]


def mark_findings(page: str, spans: Sequence[str], *, css_class: str = "satire-finding") -> Marked:
    """`page` with each of `spans` (finding texts, by index) wrapped in `<mark>`.

    The first occurrence of finding i gets `id="finding-i"`, so a link to
    `#finding-i` scrolls to it.
    """
    parser = _TextMap(page)
    parser.feed(page)
    parser.close()
    text = "".join(parser.text)
    inserts: list[
        tuple[int, int, str]
    ] = []  # (offset, order, markup): closes before opens at one offset
    taken = [False] * len(text)
    located: set[int] = set()
    for index, span in enumerate(spans):
        regex = pattern(span)
        if regex is None:
            continue
        first = True
        for match in regex.finditer(text):
            begin, end = match.span()
            if any(taken[begin:end]):  # overlapping findings: the first one keeps the text
                continue
            taken[begin:end] = [True] * (end - begin)
            located.add(index)
            for run_start, run_end in _runs(parser.chars[begin:end]):
                ident = f' id="finding-{index}"' if first else ""
                first = False
                opening = f'<mark class="{css_class}" data-finding="{index}"{ident}>'
                inserts.append((run_start, 1, opening))
                inserts.append((run_end, 0, "</mark>"))
    out: list[str] = []
    last = 0
    for offset, _order, markup in sorted(inserts):
        out.append(page[last:offset])
        out.append(markup)
        last = offset
    out.append(page[last:])
    return Marked("".join(out), located)


def _runs(chars: Sequence[_Char]) -> list[tuple[int, int]]:
    """Source ranges covering `chars`, one per run of text between tags."""
    ranges: list[tuple[int, int]] = []
    current_run = -1
    for char in chars:
        if char.run < 0:
            continue
        if char.run != current_run:
            ranges.append((char.start, char.end))
            current_run = char.run
        else:
            ranges[-1] = (ranges[-1][0], char.end)
    return ranges
