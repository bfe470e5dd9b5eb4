"""MkDocs hook: the configuration reference, generated from the pydantic models of
`generator/config.py` where a page holds `<!-- config-reference -->`.

Every key of `satire.yaml` becomes a table row (dotted path, type, default, the
field's `description`); each section gets a heading and its model's docstring. A
key without a description stops the build, so a new key cannot go undocumented.
"""

from __future__ import annotations

import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, uninstalled

from generator.config import Config

MARKER = "<!-- config-reference -->"


def on_page_markdown(markdown: str, **_: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, reference())


def reference() -> str:
    """The Markdown of the whole reference: top-level keys, then one section each."""
    out: list[str] = []
    _section(out, "", Config)
    return "\n".join(out)


def _section(out: list[str], path: str, model: type[BaseModel]) -> None:
    """One heading and table for `model`; nested models get their own, after it."""
    level = "#" * min(2 + path.count("."), 4)
    title = f"`{path}`" if path else "Top-level keys"
    anchor = path.replace(".", "-").replace("[]", "").replace("MODEL", "model") or "top-level"
    out += [f"{level} {title} {{#{anchor}}}", ""]
    doc = (model.__doc__ or "").strip()
    if doc:
        out += [" ".join(doc.split()), ""]
    out += ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    nested: list[tuple[str, type[BaseModel]]] = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        full = f"{path}.{key}" if path else key
        inner = _model_in(field.annotation)
        if inner is not None:
            shape, sub = inner
            child = {"model": full, "list": f"{full}[]", "dict": f"{full}.MODEL"}[shape]
            nested.append((child, sub))
            if shape == "model":
                continue  # a plain section: its heading says what it is
        description = field.description
        if not description:
            raise PluginError(
                f"generator/config.py: {model.__name__}.{name} ({full}) has no description: "
                "add Field(description=...) so the configuration reference can say what it does"
            )
        out.append(
            f"| `{full}` | {_cell(_type(field.annotation))} | {_cell(_default(field))} "
            f"| {_cell(description)} |"
        )
    out.append("")
    for child, sub in nested:
        _section(out, child, sub)


def _model_in(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """('model'|'list'|'dict', the model) when the field holds pydantic models."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return "list", args[0]
    if origin is dict and len(args) == 2:
        value = args[1]
        if isinstance(value, type) and issubclass(value, BaseModel):
            return "dict", value
    return None


def _type(annotation: Any) -> str:
    """A reader's name for a type: `s3 | rsync | git`, `list of string`, `number or null`."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin is typing.Literal:
        return " | ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type(a) for a in args)
    if origin is list:
        return f"list of {_type(args[0])}" if args else "list"
    if origin is dict:
        return f"map of {_type(args[0])} to {_type(args[1])}" if args else "map"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "keys below"
    names = {str: "string", int: "integer", float: "number", bool: "true/false"}
    return names.get(annotation, "null" if annotation is type(None) else str(annotation))


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default

    def plain(item: Any) -> Any:
        if isinstance(item, BaseModel):
            return item.model_dump(by_alias=True)
        raise TypeError(type(item))

    if isinstance(value, str):
        return f'`"{value}"`' if value else '`""`'
    return f"`{json.dumps(value, default=plain, ensure_ascii=False)}`"


def _cell(text: str) -> str:
    """Text that stays inside one table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
