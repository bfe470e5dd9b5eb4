"""The style's own rules as checks on a draft, reported as kind `style`
(advisory: shown to the editor and logged with an approval, never blocking):

- the word and paragraph counts within the style's `length` ranges (for an
  LLM's drafts: the offline writer writes as long as its brief allows and never
  pads, so its drafts are not held to the ranges);
- a title and a dek;
- the pull quote given, and set once in the body as a `> ` blockquote;
- French typography in French posts: « » rather than straight quotes, a space
  before ; : ! ? and inside « » (source text quoted in its own language, in
  *italics*, keeps its own typography);
- any rule the style declares under `checks:` (a regex that must, or must not,
  match the title, dek, first or last paragraph, or body).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from generator.check.factcheck import FieldName, Finding

if TYPE_CHECKING:
    from generator.drafts import Draft
    from generator.styles import Style, StyleCheck

# Markdown that is not prose: link targets, images, code, HTML, URLs
_NOT_PROSE = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|`[^`\n]*`|<[^>\n]+>|https?://\S+|www\.\S+"
)
_ITALIC = re.compile(
    r"(?<![*\w])\*(?!\*)[^*\n]+(?:\n[^*\n]+)*\*(?!\*)|(?<![_\w])_[^_\n]+_(?![_\w])"
)
_FRENCH = [
    (re.compile(r'"'), "straight quote: French uses « » (with no-break spaces inside)"),
    (
        re.compile(r"(?<=[\w»)\]*_])[;!?]+(?=[\s*_]|$)"),
        "no space before ; ! or ?: French puts a (thin) no-break space there",
    ),
    (
        re.compile(r"(?<=[\w»)\]*_]):(?=\s)"),
        "no space before the colon: French puts a no-break space there",
    ),
    (re.compile(r"«(?=[^\s\u00a0\u202f])"), "no space after «"),
    (re.compile(r"(?<=[^\s\u00a0\u202f])»"), "no space before »"),
]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def word_count(body: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", _NOT_PROSE.sub(" ", body)))


def check(style: Style, draft: Draft) -> list[Finding]:
    """Every rule of `style` that `draft` breaks."""
    out: list[Finding] = []

    def add(message: str, where: FieldName = "body", start: int = 0, end: int = 0) -> None:
        text = (getattr(draft, where) or "")[start:end]
        out.append(Finding("style", text, message, where, start, end, f"the style {style.name!r}"))

    blocks = paragraphs(draft.body)
    if draft.provenance.backend != "offline":
        words, (low, high) = word_count(draft.body), style.length.words
        if not low <= words <= high:
            add(f"{words} words: the style asks for {low} to {high}")
        count, (low, high) = len(blocks), style.length.paragraphs
        if not low <= count <= high:
            add(f"{count} paragraphs: the style asks for {low} to {high}")
    if not draft.title.strip():
        add("no title", "title")
    if not draft.dek.strip():
        add("no dek: one line under the title says what happened", "dek")
    quotes = [p for p in blocks if p.startswith(">")]
    if not draft.pull_quote.strip():
        add("no pull quote: the style sets one bold line mid-article", "pull_quote")
    elif len(quotes) != 1:
        add(
            f"the pull quote is set {len(quotes)} times in the body: once, as a '> ' line, mid-article"
        )
    if draft.language.split("-")[0].lower() == "fr":
        out.extend(_french_typography(draft, style))
    for rule in style.checks:
        if (
            not rule.languages
            or draft.language in rule.languages
            or draft.language.split("-")[0] in rule.languages
        ):
            broken = _broken(rule, draft, blocks)
            if broken:
                add(f"{rule.message or rule.name} (style rule {rule.name!r})", broken)
    return out


def _french_typography(draft: Draft, style: Style) -> list[Finding]:
    found: list[Finding] = []
    for where in ("title", "dek", "pull_quote", "body"):
        raw = getattr(draft, where) or ""
        text = _ITALIC.sub(
            lambda m: " " * len(m.group()), _NOT_PROSE.sub(lambda m: " " * len(m.group()), raw)
        )
        for regex, message in _FRENCH:
            for m in regex.finditer(text):
                start, end = max(0, m.start() - 12), min(len(raw), m.end() + 12)
                found.append(
                    Finding(
                        "style",
                        raw[start:end].strip(),
                        f"French typography: {message}",
                        where,
                        start,
                        end,
                        f"the style {style.name!r}",
                    )
                )
                break  # once per rule and field: enough to show the habit
    return found


def _broken(rule: StyleCheck, draft: Draft, blocks: list[str]) -> FieldName | None:
    """The field where `rule` is broken, or None when it holds."""
    where: FieldName
    if rule.where in ("title", "dek"):
        where = "title" if rule.where == "title" else "dek"
        text = getattr(draft, where)
    else:
        where = "body"
        prose = [b for b in blocks if not b.startswith((">", "#"))]
        text = {"first_paragraph": prose[:1], "last_paragraph": prose[-1:], "body": blocks}[
            rule.where
        ]
        text = "\n\n".join(text)
    found = (
        re.search(rule.pattern, text or "", re.IGNORECASE if rule.ignore_case else 0) is not None
    )
    return None if found == (rule.expect == "match") else where
