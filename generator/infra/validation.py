"""Pydantic models checked against YAML data, every error pointing at its node.

`Strict` is the base of every user-written schema: unknown keys are refused
with a "did you mean". `validate(Model, data, marks)` gathers all problems into
one `InputErrors`, each `FILE:LINE:COL: field.path: message`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.errors import InputError, InputErrors
from generator.infra.yamlfile import Marks

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """A schema users write by hand: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a choice is close to `word`, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _fields_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The field names allowed at `path` of `model` (for "did you mean")."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind not in {"value_error", "assertion_error"} and "input" in error:
        found = error["input"]
        shown = repr(found) if not isinstance(found, (dict, list)) else type(found).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message += f" (found {shown})"
    return message


def errors_of(model: type[BaseModel], exc: ValidationError, marks: Marks) -> list[InputError]:
    """One InputError for each problem pydantic found."""
    found: list[InputError] = []
    explained: set[tuple[str | int, ...]] = set()  # missing fields a misspelt key accounts for
    for error in exc.errors():
        path = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
        if error["type"] == "extra_forbidden":
            allowed = _fields_at(model, path[:-1])
            hint = did_you_mean(str(path[-1]), allowed)
            if hint:
                explained.add((*path[:-1], hint.split('"')[1]))
            found.append(marks.error(path, f"unknown key{hint}", key=True))
    for error in exc.errors():
        path = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
        if error["type"] != "extra_forbidden" and not (
            error["type"] == "missing" and path in explained
        ):
            found.append(marks.error(path, _message(error)))
    return sorted(found, key=lambda e: (e.line, e.col))


def validate(model: type[M], data: Any, marks: Marks, *, what: str = "a mapping") -> M:
    """`model` built from YAML `data`, or InputErrors naming every problem."""
    if data is None:
        raise InputErrors([marks.error((), f"empty document: expected {what}")])
    if not isinstance(data, dict):
        raise InputErrors([marks.error((), f"expected {what}, found a {type(data).__name__}")])
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        raise InputErrors([marks.error((), f"keys must be text, found {bad_keys[0]!r}")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(errors_of(model, exc, marks)) from None
