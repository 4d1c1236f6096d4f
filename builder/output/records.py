"""The dataset schema and the Arrow tables of records: pair-side columns joined to record-side ones.

The pair's `license` and `attribution` (its source's terms) and `meta` (its row's other columns, as
JSON object text) ride with every record made of it.

A recipe's examples become record-side columns (`record_table`, from one Arrow array per column:
the chat column and the ids are made with Arrow compute, never an object per record;
`examples_table` for `Example` objects); each pair's texts, provenance and style are pair-side
columns (`pairs_table`; in a build, the batch's `builder.pair_table` columns); `with_pairs` joins
the two in the dataset's column order. The build and `records_to_table` both go through these
functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.pair_table import PAIR_SCHEMA, pair_table
from builder.types import Example, Pair, Record

__all__ = ["PAIR_COLUMNS", "RECORD_COLUMNS", "SCHEMA", "chat_column", "examples_table", "pairs_table", "record_table",
           "records_to_table", "repeated", "with_pairs"]

_PAIR = {column.name: column for column in PAIR_SCHEMA}  # the pair-side columns: one definition

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        _PAIR["pair_id"],
        ("recipe", pa.string()),
        ("recipe_version", pa.string()),
        ("messages", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
        ("instruction", pa.string()),
        ("input", pa.string()),
        ("output", pa.string()),
        *(_PAIR[name] for name in ("en", "zh", "source_file", "source_en_line", "source_zh_line",
                                   "converted_simplified")),
        ("synthetic", pa.bool_()),
        *(_PAIR[name] for name in ("particles", "interjections", "markers", "mainland_terms", "particle_count",
                                   "particle_density", "casual_score", "register")),
        ("extra", pa.string()),
        *(_PAIR[name] for name in ("license", "attribution", "meta")),
    ]
)


PAIR_COLUMNS = ("pair_id", "en", "zh", "source_file", "source_en_line", "source_zh_line",
                 "converted_simplified", "particles", "interjections", "markers",
                 "mainland_terms", "particle_count", "particle_density", "casual_score", "register",
                 "license", "attribution", "meta")


_PAIR_SCHEMA = pa.schema([SCHEMA.field(name) for name in PAIR_COLUMNS])


def pairs_table(pairs: Sequence[Pair]) -> pa.Table:
    """The pair-side columns (texts, provenance, style) of the dataset schema, one row per pair."""
    return pa.Table.from_batches([pair_table(pairs).select(list(PAIR_COLUMNS))], schema=_PAIR_SCHEMA)


_MESSAGES = SCHEMA.field("messages").type
_ROLES = pa.array(["user", "assistant"], pa.string())


def chat_column(instruction: pa.Array, input_: pa.Array, output: pa.Array) -> pa.Array:
    """The chat column, [{user}, {assistant}] per record, with Arrow compute (no object per turn):
    the user turn is the instruction, then a blank line and the input when there is one."""
    count = len(output)
    joined = pc.binary_join_element_wise(instruction, input_, "\n\n")
    users = pc.if_else(pc.equal(input_, ""), instruction, joined)
    order = np.empty(2 * count, dtype=np.int64)
    order[0::2] = np.arange(count)
    order[1::2] = np.arange(count, 2 * count)
    contents = pa.concat_arrays([users, output]).take(order)
    roles = _ROLES.take(np.tile(np.array([0, 1], dtype=np.int64), count))
    turns = pa.StructArray.from_arrays([roles, contents], fields=list(_MESSAGES.value_type))
    offsets = pa.array(np.arange(0, 2 * count + 1, 2, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, turns, type=_MESSAGES)


RECORD_COLUMNS = tuple(name for name in SCHEMA.names if name not in PAIR_COLUMNS)
_RECORD_SCHEMA = pa.schema([SCHEMA.field(name) for name in RECORD_COLUMNS])


def record_table(ids: pa.Array, recipe: pa.Array, version: pa.Array, instruction: pa.Array, input_: pa.Array,
                 output: pa.Array, synthetic: pa.Array, extra: pa.Array) -> pa.Table:
    """The record-side columns (`RECORD_COLUMNS`) from one array per column, one row per record."""
    columns = {"id": ids, "recipe": recipe, "recipe_version": version,
               "messages": chat_column(instruction, input_, output), "instruction": instruction,
               "input": input_, "output": output, "synthetic": synthetic, "extra": extra}
    return pa.Table.from_arrays([columns[name] for name in RECORD_COLUMNS], schema=_RECORD_SCHEMA)


def repeated(value: str, count: int) -> pa.Array:
    """One string `count` times, as a string array."""
    return pa.array([value], pa.string()).take(np.zeros(count, dtype=np.int64))


def examples_table(recipe: str | Sequence[str], version: str | Sequence[str], ids: Sequence[str],
                   examples: Sequence[Example], extras: Sequence[str]) -> pa.Table:
    """The record-side columns (`RECORD_COLUMNS`) of examples, one row each.

    `recipe` and `version` are one recipe's (a string) or each row's; `extras` holds each
    example's extra fields as JSON (`builder.contract.checks.extra_json`).
    """
    count = len(ids)
    return record_table(
        pa.array(ids, pa.string()), _strings(recipe, count), _strings(version, count),
        pa.array([e.instruction for e in examples], pa.string()), pa.array([e.input for e in examples], pa.string()),
        pa.array([e.output for e in examples], pa.string()), pa.array([e.synthetic for e in examples], pa.bool_()),
        pa.array(extras, pa.string()))


def _strings(value: str | Sequence[str], count: int) -> pa.Array:
    return repeated(value, count) if isinstance(value, str) else pa.array(value, pa.string())


def with_pairs(records: pa.Table, pairs: pa.Table, rows: pa.Array | np.ndarray) -> pa.Table:
    """Records (`RECORD_COLUMNS`) joined with their pairs' columns: row i's pair is `rows[i]`
    of `pairs` (a `pairs_table`). Columns come out in the dataset's order."""
    by_pair = pairs.take(rows)
    return pa.Table.from_arrays(
        [by_pair.column(name) if name in PAIR_COLUMNS else records.column(name)
         for name in SCHEMA.names], schema=SCHEMA)


def records_to_table(records: Sequence[Record]) -> pa.Table:
    """Convert records (of any recipes and pairs) to an Arrow table with the dataset schema."""
    seen: dict[int, int] = {}
    unique: list[Pair] = []
    rows = []
    for r in records:
        slot = seen.get(id(r.pair))
        if slot is None:
            slot = seen[id(r.pair)] = len(unique)
            unique.append(r.pair)
        rows.append(slot)
    table = examples_table([r.recipe for r in records], [r.recipe_version for r in records],
                           [r.id for r in records], [r.example for r in records],
                           [r.extra_json for r in records])
    return with_pairs(table, pairs_table(unique), pa.array(rows, pa.int64()))
