"""Editing a YAML file an editor wrote, keeping it as they wrote it.

`edit(text, change)` loads `text` with ruamel.yaml's round-trip loader (which
keeps comments, key order, quoting, block scalars and flow lists), lets
`change` mutate the document in place, and dumps it again. ruamel.yaml cannot
tell the indentation of each level of a file, so the document is dumped with
the few common layouts and the one closest to the original text is kept: an
edit changes the lines it is about, not the whole file.

`drop_item(seq, i)` removes a list item without the comment lines that
follow it in the file (ruamel.yaml files them under the item above).

Reading for validation stays with `yamlfile` (PyYAML, safe, with marks); this
module only rewrites.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from generator.errors import SatireError

# (mapping indent, sequence indent, dash offset): mappings by 2 or 4 spaces,
# a list's dash at its key's column (PyYAML's default) or indented under it
LAYOUTS = tuple(
    (mapping, offset + 2, offset) for mapping in (2, 4) for offset in (0, 2, 4) if offset <= mapping
)


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap an editor's long lines
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def edit(text: str, change: Callable[[Any], None], file: str = "<yaml>") -> str:
    """`text` with `change(document)` applied, comments, order and layout kept."""
    try:
        document = _yaml(LAYOUTS[0]).load(text)
    except YAMLError as exc:
        raise SatireError(f"{file}: cannot edit: {str(exc).splitlines()[0]}") from None
    change(document)
    original = text.splitlines()
    content = [line for line in original if line.strip() and not line.lstrip().startswith("#")]
    explicit_start = bool(content) and (content[0] == "---" or content[0].startswith("--- "))
    best, best_cost = "", -1
    for layout in LAYOUTS:
        out = io.StringIO()
        yaml = _yaml(layout)
        yaml.explicit_start = explicit_start  # ruamel drops a leading '---' unless told
        yaml.dump(document, out)
        candidate = out.getvalue()
        matcher = difflib.SequenceMatcher(None, original, candidate.splitlines(), autojunk=False)
        cost = sum(
            max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
        )
        if best_cost < 0 or cost < best_cost:
            best, best_cost = candidate, cost
    return best


def drop_item(seq: CommentedSeq, index: int) -> None:
    """Delete `seq[index]`, handing the full-line comments that follow it to the item before."""
    items, key, pos = _comment_slot(seq, index)
    entry = items.get(key)
    token = entry[pos] if entry else None
    following = (
        token.value.partition("\n")[2] if token is not None else ""
    )  # line 1 is the item's own end-of-line comment
    del seq[index]
    if index == 0 or not following.strip():
        return
    items, key, pos = _comment_slot(seq, index - 1)
    entry = items.setdefault(key, [None, None, None, None])
    if entry[pos] is None:
        entry[pos] = CommentToken("\n" + following, CommentMark(0), None)
    else:
        entry[pos].value += following


def _comment_slot(seq: CommentedSeq, index: int) -> tuple[dict[Any, Any], Any, int]:
    """Where ruamel.yaml keeps the comments after `seq[index]`: on the list, or on a mapping item's last key."""
    item = seq[index]
    if isinstance(item, CommentedMap) and len(item):
        return item.ca.items, list(item)[-1], 2
    return seq.ca.items, index, 0
