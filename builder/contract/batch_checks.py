"""The checks on a batched recipe's examples: the per-pair checks (`builder.contract.checks`), in the
same order and with the same messages, each over a whole column at once.

`made_columns` turns what a batched recipe returned (`Examples`) into one Arrow array per column,
or raises `Malformed` when its shape is wrong (columns of different lengths, rows out of order);
`first_problems` finds, for each pair, the first problem of its first malformed example. Only
texts that could hold Simplified evidence, and extras other than "{}", are looked at one by one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.contract.batch import Column, Examples
from builder.contract.checks import extra_problem, is_simplified
from builder.text.script import maybe_simplified

__all__ = ["Made", "Malformed", "first_problems", "made_columns"]

# Python's str.isspace, as a whole-string pattern for Arrow's regex engine: "" or white space only.
_BLANK = "^[" + "".join(f"\\x{{{c:x}}}" for c in range(0x3001) if chr(c).isspace()) + "]*$"
_TEXTS = ("instruction", "input", "output")


class Malformed(Exception):
    """A batched recipe's result that cannot be read as examples (a problem of the whole batch)."""


@dataclass
class Made:
    """A recipe's examples of a batch as columns: each example's pair (its row) and its fields.

    `problems` holds, per column, the problem of each malformed entry (index -> message), found
    while reading the columns: a value of the wrong type is kept out of the column as "" or False.
    """

    rows: np.ndarray
    instruction: pa.Array
    input: pa.Array
    output: pa.Array
    synthetic: pa.Array
    extra: pa.Array
    problems: dict[str, dict[int, str]]

    def __len__(self) -> int:
        return int(self.rows.size)


def _rows(rows: Any, size: int) -> np.ndarray:
    if rows is None:
        return np.arange(size, dtype=np.int64)
    if isinstance(rows, (pa.Array, pa.ChunkedArray)):
        rows = rows.to_numpy(zero_copy_only=False)
    found = np.asarray(rows)
    if found.ndim != 1 or (found.size and not np.issubdtype(found.dtype, np.integer)):
        raise Malformed("rows must be one row number (an int) per example")
    found = found.astype(np.int64)
    if found.size and (found.min() < 0 or found.max() >= size):
        raise Malformed(f"rows must lie in 0..{size - 1}, the rows of the batch")
    if found.size > 1 and bool(np.any(found[1:] < found[:-1])):
        raise Malformed("rows must be in batch order (a pair's examples together)")
    return found


def _column(name: str, value: Column | None, count: int, kind: pa.DataType, blank: Any,
            problems: dict[int, str]) -> pa.Array:
    """One column as an Arrow array of `kind`; entries of the wrong type become `blank`, noted."""
    if value is None:
        value = blank
    if isinstance(value, (str, bool)):
        if isinstance(value, bool) != (kind == pa.bool_()):
            problems.update(dict.fromkeys(range(count), _wrong(name, value)))
            value = blank
        return pa.array([value], kind).take(pa.array(np.zeros(count, dtype=np.int64)))
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        if len(value) != count:
            raise Malformed(f"{name} has {len(value)} entries for {count} examples")
        if value.type != kind:
            try:
                value = value.cast(kind)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                problems.update(dict.fromkeys(range(count), f"{name} is {value.type}, not {_KIND[kind]}"))
                return pa.array([blank] * count, kind)
        if value.null_count:
            for index in np.flatnonzero(value.is_null().to_numpy(zero_copy_only=False)).tolist():
                problems[index] = _wrong(name, None)
            value = pc.fill_null(value, blank)
        return value
    items = value.tolist() if isinstance(value, np.ndarray) else list(value)
    if len(items) != count:
        raise Malformed(f"{name} has {len(items)} entries for {count} examples")
    wanted = bool if kind == pa.bool_() else str
    if set(map(type, items)) <= {wanted}:  # the common case, without a Python step per entry
        return pa.array(items, kind)
    for index, item in enumerate(items):
        if type(item) is not wanted and not (wanted is str and isinstance(item, str)):
            problems[index] = _wrong(name, item)
            items[index] = blank
    return pa.array(items, kind)


_KIND = {pa.string(): "str", pa.bool_(): "bool"}


def _wrong(name: str, value: object) -> str:
    if name == "synthetic":
        return "synthetic must be a bool"
    if name == "extra":
        return "extra must be JSON object text (or None)"
    return f"{name} is {type(value).__name__}, not str"


def made_columns(examples: object, size: int) -> Made:
    """Read a batched recipe's result for a batch of `size` pairs; Malformed if its shape is wrong."""
    if not isinstance(examples, Examples):
        raise Malformed(f"returned {type(examples).__name__}, not Examples")
    rows = _rows(examples.rows, size)
    count = int(rows.size)
    problems: dict[str, dict[int, str]] = {name: {} for name in (*_TEXTS, "synthetic", "extra")}
    texts = {name: _column(name, getattr(examples, name), count, pa.string(), "", problems[name])
             for name in _TEXTS}
    synthetic = _column("synthetic", examples.synthetic, count, pa.bool_(), False, problems["synthetic"])
    extra = _column("extra", examples.extra if examples.extra is not None else "{}", count, pa.string(), "{}",
                    problems["extra"])
    return Made(rows, texts["instruction"], texts["input"], texts["output"], synthetic, extra, problems)


def _blank(column: pa.Array) -> np.ndarray:
    return pc.match_substring_regex(column, _BLANK).to_numpy(zero_copy_only=False)


def _extra_problems(extra: pa.Array, fields: frozenset[str]) -> dict[int, str]:
    """Each extra that is not a JSON object of declared fields: its problem (distinct texts once)."""
    encoded = pc.dictionary_encode(extra)
    found: dict[int, str] = {}
    for code, text in enumerate(encoded.dictionary.to_pylist()):
        if text == "{}":
            continue
        try:
            value = _decoded(text)
        except ValueError as error:
            problem: str | None = f"extra is not JSON object text: {error}"
        else:
            problem = extra_problem(value, fields)
        if problem:
            found[code] = problem
    if not found:
        return {}
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return {index: found[int(indices[index])] for index in np.flatnonzero(np.isin(indices, list(found))).tolist()}


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# One decoder for every extra: `json.loads(text, parse_constant=...)` builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)
_SCAN = _DECODER.scan_once


def _decoded(text: str) -> Any:
    """`_DECODER.decode(text)`: its scanner alone when the text is one value from its first to its
    last character (what a recipe writes), else the whole decoder, for its error message."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        end = -1
    return value if end == len(text) else _DECODER.decode(text)


def _simplified(columns: Sequence[pa.Array], known: Sequence[pa.Array]) -> list[np.ndarray]:
    """For each column, which entries are Simplified script, leaving out those equal to a known
    text of their pair. Every distinct text of all the columns goes through one regex call (Arrow
    compiles the pattern on each call, which costs more than matching a batch's texts)."""
    rows, pieces = [], []
    for column in columns:
        unknown = np.ones(len(column), dtype=bool)
        for text in known:
            unknown &= ~pc.fill_null(pc.equal(column, text), False).to_numpy(zero_copy_only=False)
        rows.append(np.flatnonzero(unknown))
        pieces.append(column.take(pa.array(rows[-1])))
    out = [np.zeros(len(column), dtype=bool) for column in columns]
    if not sum(r.size for r in rows):
        return out
    # each distinct text once (prompt templates repeat in every record): the regex, then the
    # per-text check on the few it cannot clear
    encoded = pc.dictionary_encode(pa.concat_arrays(pieces))
    distinct = encoded.dictionary
    flagged = np.zeros(len(distinct), dtype=bool)
    candidates = np.flatnonzero(maybe_simplified(distinct))
    if candidates.size:
        values = distinct.take(pa.array(candidates)).to_pylist()
        flagged[candidates] = [is_simplified(text) for text in values]
    found = flagged[encoded.indices.to_numpy(zero_copy_only=False)]
    at = 0
    for mask, picked in zip(out, rows):
        mask[picked] = found[at:at + picked.size]
        at += picked.size
    return out


def first_problems(made: Made, fields: frozenset[str], en: pa.Array, zh: pa.Array) -> dict[int, str]:
    """The first problem of each pair's first malformed example, by row; `en` and `zh` are the
    batch's own lines (texts equal to them are not checked for script)."""
    count = len(made)
    checks: list[dict[int, str]] = [made.problems[name] for name in _TEXTS]
    checks.append({int(i): "empty instruction (user turn)" for i in np.flatnonzero(_blank(made.instruction))})
    checks.append({int(i): "empty output (assistant turn)" for i in np.flatnonzero(_blank(made.output))})
    checks.append(made.problems["synthetic"])
    checks.append({**_extra_problems(made.extra, fields), **made.problems["extra"]})
    if count:
        known = [en.take(pa.array(made.rows)), zh.take(pa.array(made.rows))]
        for name, flagged in zip(_TEXTS, _simplified([getattr(made, name) for name in _TEXTS], known)):
            checks.append({int(i): f"{name} is in Simplified script (zh-TW needs Traditional)"
                           for i in np.flatnonzero(flagged)})
    first: dict[int, str] = {}
    for index in sorted({i for check in checks for i in check}):
        row = int(made.rows[index])
        if row not in first:
            first[row] = next(check[index] for check in checks if index in check)
    return first
