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
_BEFORE_TIGHT = re.compile(r"[ \t\u00a0\u202f]+([;!?])")
_TIGHT_NO_SPACE = re.compile(r"(?<=[\w»)\]…])([;!?])(?=\s|$|<)")
_BEFORE_COLON = re.compile(r"(?:[ \t\u00a0\u202f]+|(?<=[\w»)\]])):(?=\s|$)")
_AFTER_OPEN = re.compile(r"«[ \t\u00a0\u202f]*")
_BEFORE_CLOSE = re.compile(r"[ \t\u00a0\u202f]*»")


def is_french(language: str) -> bool:
    return language.lower().split("-")[0] == "fr"


@lru_cache(maxsize=65536)  # titles and chrome strings repeat across list pages
def french_text(text: str) -> str:
    """The rules on plain text (no markup in it)."""
    text = _BEFORE_TIGHT.sub(NNBSP + r"\1", text)
    text = _TIGHT_NO_SPACE.sub(NNBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _AFTER_OPEN.sub("«" + NBSP, text)
    return _BEFORE_CLOSE.sub(NBSP + "»", text)


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
