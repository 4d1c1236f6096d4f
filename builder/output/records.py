"""The dataset schema and the Arrow tables of records: pair-side columns joined to record-side ones.

The pair's `license` and `attribution` (its source's terms) and `meta` (its row's other columns, as
JSON object text) ride with every record made of it.

A recipe's examples become record-side columns (`examples_table`); each pair's texts, provenance
and style become pair-side columns once (`pairs_table`); `with_pairs` joins the two in the
dataset's column order. The build and `records_to_table` both go through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from builder.quality.register import CASUAL_THRESHOLD, REGISTERS
from builder.types import Example, Pair, Record, Span, Style

__all__ = ["PAIR_COLUMNS", "RECORD_COLUMNS", "SCHEMA", "examples_table", "pairs_table", "records_to_table",
           "with_pairs"]

# function: what a particle or interjection does in the line ("" for markers and Mainland terms)
_SPANS = pa.list_(pa.struct([("text", pa.string()), ("offset", pa.int32()), ("function", pa.string())]))

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("pair_id", pa.string()),
        ("recipe", pa.string()),
        ("recipe_version", pa.string()),
        ("messages", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
        ("instruction", pa.string()),
        ("input", pa.string()),
        ("output", pa.string()),
        ("en", pa.string()),
        ("zh", pa.string()),
        ("source_file", pa.string()),
        ("source_en_line", pa.int32()),
        ("source_zh_line", pa.int32()),
        ("converted_simplified", pa.bool_()),
        ("synthetic", pa.bool_()),
        ("particles", _SPANS),
        ("interjections", _SPANS),
        ("markers", _SPANS),
        ("mainland_terms", _SPANS),
        ("particle_count", pa.int32()),
        ("particle_density", pa.float64()),
        ("casual_score", pa.float64()),
        ("register", pa.string()),
        ("extra", pa.string()),
        ("license", pa.string()),
        ("attribution", pa.string()),
        ("meta", pa.string()),
    ]
)


def _span_array(groups: Sequence[Sequence[Span]]) -> pa.Array:
    """A list<struct<text, offset, function>> column from one group of spans per row, built from
    flat arrays (no dict per span)."""
    texts: list[str] = []
    offsets: list[int] = []
    functions: list[str] = []
    bounds = [0]
    for spans in groups:
        for span in spans:
            texts.append(span.text)
            offsets.append(span.offset)
            functions.append(span.function)
        bounds.append(len(texts))
    values = pa.StructArray.from_arrays(
        [pa.array(texts, pa.string()), pa.array(offsets, pa.int32()), pa.array(functions, pa.string())],
        fields=list(_SPANS.value_type))
    return pa.ListArray.from_arrays(pa.array(bounds, pa.int32()), values, type=_SPANS)


PAIR_COLUMNS = ("pair_id", "en", "zh", "source_file", "source_en_line", "source_zh_line",
                 "converted_simplified", "particles", "interjections", "markers",
                 "mainland_terms", "particle_count", "particle_density", "casual_score", "register",
                 "license", "attribution", "meta")


_PAIR_SCHEMA = pa.schema([SCHEMA.field(name) for name in PAIR_COLUMNS])
_NO_STYLE = Style()


def pairs_table(pairs: Sequence[Pair]) -> pa.Table:
    """The pair-side columns (texts, provenance, style) of the dataset schema, one row per pair."""
    styles = [pair.style or _NO_STYLE for pair in pairs]
    sources = [pair.source for pair in pairs]
    columns = {
        "pair_id": pa.array([p.id for p in pairs], pa.string()),
        "en": pa.array([p.en for p in pairs], pa.string()),
        "zh": pa.array([p.zh for p in pairs], pa.string()),
        "source_file": pa.array([s.file for s in sources], pa.string()),
        "source_en_line": pa.array([s.en_line for s in sources], pa.int32()),
        "source_zh_line": pa.array([s.zh_line for s in sources], pa.int32()),
        "converted_simplified": pa.array([p.converted_simplified for p in pairs], pa.bool_()),
        "particles": _span_array([s.particles for s in styles]),
        "interjections": _span_array([s.interjections for s in styles]),
        "markers": _span_array([s.markers for s in styles]),
        "mainland_terms": _span_array([s.mainland_terms for s in styles]),
        "particle_count": pa.array([s.particle_count for s in styles], pa.int32()),
        "particle_density": pa.array([s.particle_density for s in styles], pa.float64()),
        **_register_columns(styles),
        "license": pa.array([p.license for p in pairs], pa.string()),
        "attribution": pa.array([p.attribution for p in pairs], pa.string()),
        "meta": pa.array([p.meta for p in pairs], pa.string()),
    }
    return pa.Table.from_arrays([columns[name] for name in PAIR_COLUMNS], schema=_PAIR_SCHEMA)


def _register_columns(styles: Sequence[Style]) -> dict[str, pa.Array]:
    """The casual score of each pair's zh line, and its register by the threshold (vectorised)."""
    scores = np.fromiter((s.casual for s in styles), dtype=np.float64, count=len(styles))
    registers = np.where(scores >= CASUAL_THRESHOLD, REGISTERS[0], REGISTERS[1])
    return {"casual_score": pa.array(scores, pa.float64()), "register": pa.array(registers, pa.string())}


_MESSAGES = SCHEMA.field("messages").type


def _messages(users: list[str], outputs: list[str]) -> pa.Array:
    """The chat column, [{user}, {assistant}] per record, built from arrays (no dict per turn)."""
    count = len(users)
    contents: list[str] = [""] * (2 * count)
    contents[0::2] = users
    contents[1::2] = outputs
    turns = pa.StructArray.from_arrays(
        [pa.array(["user", "assistant"] * count, pa.string()), pa.array(contents, pa.string())],
        fields=list(_MESSAGES.value_type),
    )
    offsets = pa.array(range(0, 2 * count + 1, 2), pa.int32())
    return pa.ListArray.from_arrays(offsets, turns, type=_MESSAGES)


RECORD_COLUMNS = tuple(name for name in SCHEMA.names if name not in PAIR_COLUMNS)
_RECORD_SCHEMA = pa.schema([SCHEMA.field(name) for name in RECORD_COLUMNS])


def examples_table(recipe: str | Sequence[str], version: str | Sequence[str], ids: Sequence[str],
                   examples: Sequence[Example], extras: Sequence[str]) -> pa.Table:
    """The record-side columns (`RECORD_COLUMNS`) of examples, one row each.

    `recipe` and `version` are one recipe's (a string) or each row's; `extras` holds each
    example's extra fields as JSON (`builder.contract.checks.extra_json`).
    """
    count = len(ids)
    outputs = [e.output for e in examples]
    columns = {
        "id": pa.array(ids, pa.string()),
        "recipe": _strings(recipe, count),
        "recipe_version": _strings(version, count),
        "messages": _messages([e.user for e in examples], outputs),
        "instruction": pa.array([e.instruction for e in examples], pa.string()),
        "input": pa.array([e.input for e in examples], pa.string()),
        "output": pa.array(outputs, pa.string()),
        "synthetic": pa.array([e.synthetic for e in examples], pa.bool_()),
        "extra": pa.array(extras, pa.string()),
    }
    return pa.Table.from_arrays([columns[name] for name in RECORD_COLUMNS], schema=_RECORD_SCHEMA)


def _strings(value: str | Sequence[str], count: int) -> pa.Array:
    return pa.array([value] * count if isinstance(value, str) else value, pa.string())


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
