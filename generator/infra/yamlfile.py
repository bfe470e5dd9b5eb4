"""Safe YAML loading that remembers where every value stood.

`load(path)` returns the data and a `Marks` map from field paths to 1-based
(line, col), so that every later error can point at the YAML node it is about.
Loading is `safe_load`-level (no Python tags), capped in size and in alias
expansion, and strict about UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import InputError

try:  # libyaml is ten times faster; the pure loader is the fallback
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class SafeLoader(_BaseLoader):
    """Safe loading that leaves dates as text: the schema parses them, so a
    bad date is a located field error rather than a crash in the YAML layer."""

    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


MAX_BYTES = 1024 * 1024
MAX_NODES = 20_000  # nodes visited with aliases expanded: stops "billion laughs"

__all__ = [
    "MAX_BYTES",
    "Marks",
    "SafeLoader",
    "dotted",
    "dump",
    "load",
    "load_bytes",
    "loads",
    "read",
]

Path_ = tuple[str | int, ...]


@dataclass
class Marks:
    """Where each field path of a document starts in its file."""

    file: str
    spots: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Sequence[str | int]) -> tuple[int, int]:
        """The mark of `path`, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self.spots:
                return self.spots[key]
            key = key[:-1]
        return self.spots.get((), (1, 1))

    def key_at(self, path: Sequence[str | int]) -> tuple[int, int]:
        """The mark of the key naming `path` (for unknown keys)."""
        return self.spots.get(("__key__", *path), self.at(path))

    def error(self, path: Sequence[str | int], message: str, *, key: bool = False) -> InputError:
        line, col = self.key_at(path) if key else self.at(path)
        return InputError(self.file, line, col, dotted(path), message)


def dotted(path: Sequence[str | int]) -> str:
    """('quotes', 0, 'by') -> 'quotes[0].by'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(node: yaml.Node, path: Path_, marks: Marks, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(
            marks.file,
            *_mark(node),
            dotted(path),
            "too many aliases or nodes (alias expansion is capped)",
        )
    marks.spots.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in seen and key != "<<":  # PyYAML keeps the last one silently
                raise InputError(
                    marks.file,
                    *_mark(key_node),
                    dotted((*path, key)),
                    "duplicate key: this key is already set above",
                )
            seen.add(key)
            marks.spots.setdefault(("__key__", *path, key), _mark(key_node))
            _walk(value_node, (*path, key), marks, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), marks, budget)


def _problem_at(file: str, exc: yaml.MarkedYAMLError, fallback: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or fallback
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        problem = f"{problem} (only plain YAML is allowed: no Python tags)"
    return InputError(file, line, col, "(yaml)", problem)


def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            file,
            line,
            col,
            "(encoding)",
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}: save the file as UTF-8",
        ) from None


def read(path: Path, file: str) -> bytes:
    """A file's bytes, refusing one larger than MAX_BYTES; `file` names it in errors."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(file, 1, 1, "(file)", f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise InputError(file, 1, 1, "(file)", f"file is larger than {MAX_BYTES // 1024} KiB")
    return raw


def load(path: Path, display: str | None = None) -> tuple[Any, Marks]:
    """Read a YAML file; return its data and where each value stands."""
    file = display or str(path)
    return load_bytes(read(path, file), file)


def load_bytes(raw: bytes, file: str) -> tuple[Any, Marks]:
    """Parse YAML bytes (UTF-8) as `load` does; `file` names them in errors."""
    return loads(_decode(raw, file), file)


def loads(text: str, file: str) -> tuple[Any, Marks]:
    """Parse YAML text as `load` does; `file` names it in errors."""
    marks = Marks(file)
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, marks
        _walk(node, (), marks, [MAX_NODES])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _problem_at(file, exc, "invalid YAML") from None
    except yaml.YAMLError as exc:
        raise InputError(file, 1, 1, "(yaml)", str(exc).splitlines()[0]) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a scalar that does not construct
        raise InputError(file, 1, 1, "(yaml)", f"cannot read a value: {exc}") from None
    finally:
        loader.dispose()
    return data, marks


def dump(data: Any) -> str:
    """YAML text for front matter and config: block style, key order kept, UTF-8."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )


try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
