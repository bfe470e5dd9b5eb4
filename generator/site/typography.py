"""French typography on text: no-break spaces before `: ; ! ?` and inside « ».

Applied to the text between tags only, never inside a tag, an attribute, a
comment or a `<code>`/`<pre>`/`<script>`/`<style>` element, so URLs, code and
markup keep their bytes. English (and every other language) is left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

NNBSP = "\u202f"  # narrow no-break space, before ; ! ?
NBSP = "\u00a0"  # no-break space, before : and inside « »

_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>|&#?\w+;)", re.S)  # entities hold a ";" too
_RAW = re.compile(r"^<(/?)(code|pre|script|style|kbd|samp)\b", re.I)
_PUNCT = re.compile(r"[;!?:«»]")
_SPACES = " \t\u00a0\u202f"
_OPENERS = "»)]…"  # besides letters and digits, what a tight ";!?" may follow


def is_french(language: str) -> bool:
    return language.lower().split("-")[0] == "fr"


@lru_cache(maxsize=65536)  # titles and chrome strings repeat across list pages
def french_text(text: str) -> str:
    """The rules on plain text (no markup in it).

    One scan for the punctuation, rather than a regex per rule: the rules look
    only at the spaces before a mark and at the character after it.
    """
    if not _PUNCT.search(text):
        return text
    out: list[str] = []
    last, size = 0, len(text)
    for match in _PUNCT.finditer(text):
        at = match.start()
        if at < last:
            continue  # inside spaces already consumed after a «
        mark = text[at]
        if mark == "«":
            after = at + 1
            while after < size and text[after] in _SPACES:
                after += 1
            out += (text[last:at], "«" + NBSP)
            last = after
            continue
        start = at
        while start > last and text[start - 1] in _SPACES:
            start -= 1
        before = text[at - 1] if at else ""
        follows = text[at + 1] if at + 1 < size else ""
        word_before = before.isalnum() or before == "_"
        if start == last and out and out[-1].endswith(NBSP):  # right after "« ": the space is there
            out.append(mark)
            last = at + 1
            continue
        if mark == "»":
            space = NBSP
        elif mark == ":":
            if follows and not follows.isspace():
                continue  # 10:30, https://
            if start == at and not (word_before or (before and before in "»)]")):
                continue
            space = NBSP
        else:  # ; ! ?
            if start == at and not (
                (word_before or (before and before in _OPENERS))
                and (not follows or follows.isspace() or follows == "<")
            ):
                continue
            space = NNBSP
        out += (text[last:start], space + mark)
        last = at + 1
    out.append(text[last:])
    return "".join(out)


def french_html(html: str) -> str:
    """The rules on the text nodes of an HTML fragment."""
    out: list[str] = []
    raw_depth = 0
    for part in _TOKENS.split(html):
        if not part:
            continue
        if part.startswith("&"):
            out.append(part)
        elif part.startswith("<"):
            raw = _RAW.match(part)
            if raw:
                raw_depth += -1 if raw.group(1) else 1
                raw_depth = max(raw_depth, 0)
            out.append(part)
        elif raw_depth:
            out.append(part)
        else:
            out.append(french_text(part))
    return "".join(out)


def for_language(text: str, language: str) -> str:
    """Plain text with the typography of `language` applied."""
    return french_text(text) if is_french(language) else text
