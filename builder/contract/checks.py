"""The checks every example a recipe yields must pass, in a build, in `Recipe.run` and in the kit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

from builder.text.script import looks_simplified
from builder.types import Example

__all__ = ["check_example", "checked_example", "extra_json", "extra_problem", "is_simplified"]

# One encoder for every record: json.dumps with options builds a new encoder on each call.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, allow_nan=False)
_MAPPINGS = (dict, MappingProxyType)  # checked by type first: isinstance against an ABC is slow


def extra_json(example: Example) -> str:
    """The example's extra fields as stored in the dataset's `extra` column."""
    return _JSON.encode(dict(example.extra)) if example.extra else "{}"


def check_example(example: object, fields: frozenset[str], known: tuple[str, ...] = ()) -> str | None:
    """Return why an example is malformed, or None if it is fine.

    `fields` are the extra fields its recipe declared; `known` holds texts already known to be
    Traditional or English (the pair's own lines), whose script check can be skipped: this runs
    for every record of a build.
    """
    return checked_example(example, fields, known)[0]


def checked_example(example: object, fields: frozenset[str], known: tuple[str, ...]) -> tuple[str | None, str]:
    """(why the example is malformed or None, its extra fields as JSON)."""
    problem = _problem(example, fields, known)
    if problem is not None:
        return problem, ""
    assert isinstance(example, Example)
    try:
        return None, extra_json(example)
    except (TypeError, ValueError) as error:
        return f"extra is not JSON-serialisable: {error}", ""


def _blank(text: str) -> bool:
    return not text or text.isspace()  # `not text.strip()` without making a copy


def _problem(example: object, fields: frozenset[str], known: tuple[str, ...]) -> str | None:
    if type(example) is not Example and not isinstance(example, Example):
        return f"yielded {type(example).__name__}, not Example"
    texts = (example.instruction, example.input, example.output)
    for name, value in zip(("instruction", "input", "output"), texts):
        if type(value) is not str and not isinstance(value, str):
            return f"{name} is {type(value).__name__}, not str"
    if _blank(example.instruction):
        return "empty instruction (user turn)"
    if _blank(example.output):
        return "empty output (assistant turn)"
    if type(example.synthetic) is not bool:
        return "synthetic must be a bool"
    problem = extra_problem(example.extra, fields)
    if problem:
        return problem
    for name, value in zip(("instruction", "input", "output"), texts):
        if value not in known and is_simplified(value):
            return f"{name} is in Simplified script (zh-TW needs Traditional)"
    return None


def extra_problem(extra: object, fields: frozenset[str]) -> str | None:
    """Why an example's extra fields are wrong (not a mapping, a field not declared), or None."""
    if type(extra) not in _MAPPINGS and not isinstance(extra, Mapping):
        return "extra must be a mapping"
    if extra and not extra.keys() <= fields:
        unknown = sorted(set(extra) - fields)
        return f"extra fields {unknown} are not declared in @recipe(fields=...)"
    return None


_SCRIPT_SEEN: dict[str, bool] = {}


def is_simplified(text: str) -> bool:
    """`looks_simplified`, remembered for repeated texts such as prompt templates (bounded)."""
    seen = _SCRIPT_SEEN.get(text)
    if seen is None:
        seen = looks_simplified(text)
        if len(text) < 200 and len(_SCRIPT_SEEN) < 4096:
            _SCRIPT_SEEN[text] = seen
    return seen
