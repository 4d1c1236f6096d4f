"""A batch of pairs as one Arrow table: what the spool keeps between the passes, what a batched
recipe reads, and where the dataset's pair-side columns come from.

The table holds the dataset's pair-side columns (`builder.output.records.PAIR_COLUMNS`, the same
names and types) and four more that records do not carry: `plain` (the zh line's plain side,
`Style.plain`), `neutral_words` (the words that plain side mapped, `Style.neutral_words`; null
where not made), `length` (the zh line's length in characters, `Style.length`) and `annotated`
(whether the pair has a `Style` at all). Every style span column is a list of
`struct<text, offset, function>`, one list per pair.

`pair_table` makes the table from `Pair` objects (the first pass, the kit, the tests);
`pairs_of` makes `Pair` objects back from it (for per-pair recipes and the report's examples),
equal to the ones it was made from.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.quality.register import CASUAL_THRESHOLD, REGISTERS
from builder.types import Pair, Source, Span, Style

__all__ = ["EXTRA_COLUMNS", "PAIR_SCHEMA", "SPANS", "SPAN_COLUMNS", "measure_column", "pair_table", "pairs_of",
           "registers", "spans_per_row"]

# function: what a particle or interjection does in the line ("" for markers and Mainland terms)
SPANS = pa.list_(pa.struct([("text", pa.string()), ("offset", pa.int32()), ("function", pa.string())]))
SPAN_COLUMNS = ("particles", "interjections", "markers", "mainland_terms")
EXTRA_COLUMNS = ("plain", "neutral_words", "length", "annotated")  # in the table, not in the dataset

PAIR_SCHEMA = pa.schema([
    ("pair_id", pa.string()),
    ("en", pa.string()),
    ("zh", pa.string()),
    ("source_file", pa.string()),
    ("source_en_line", pa.int32()),
    ("source_zh_line", pa.int32()),
    ("converted_simplified", pa.bool_()),
    *((name, SPANS) for name in SPAN_COLUMNS),
    ("particle_count", pa.int32()),
    ("particle_density", pa.float64()),
    ("casual_score", pa.float64()),
    ("register", pa.string()),
    ("license", pa.string()),
    ("attribution", pa.string()),
    ("meta", pa.string()),
    ("plain", pa.string()),
    ("neutral_words", pa.list_(pa.string())),
    ("length", pa.int32()),
    ("annotated", pa.bool_()),
])
_NO_STYLE = Style()


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
        fields=list(SPANS.value_type))
    return pa.ListArray.from_arrays(pa.array(bounds, pa.int32()), values, type=SPANS)


def registers(scores: pa.Array) -> pa.Array:
    """The register of each casual score: casual from `CASUAL_THRESHOLD` up, else formal."""
    return pc.if_else(pc.greater_equal(scores, CASUAL_THRESHOLD), REGISTERS[0], REGISTERS[1])


def pair_table(pairs: Sequence[Pair], styles: Sequence[Style | None] | None = None) -> pa.RecordBatch:
    """The pairs as one record batch of `PAIR_SCHEMA`; `styles` (one per pair) stands in for
    each pair's own style."""
    given = [p.style for p in pairs] if styles is None else styles
    styled = [s or _NO_STYLE for s in given]
    sources = [p.source for p in pairs]
    casual = pa.array([s.casual for s in styled], pa.float64())
    columns = {
        "pair_id": pa.array([p.id for p in pairs], pa.string()),
        "en": pa.array([p.en for p in pairs], pa.string()),
        "zh": pa.array([p.zh for p in pairs], pa.string()),
        "source_file": pa.array([s.file for s in sources], pa.string()),
        "source_en_line": pa.array([s.en_line for s in sources], pa.int32()),
        "source_zh_line": pa.array([s.zh_line for s in sources], pa.int32()),
        "converted_simplified": pa.array([p.converted_simplified for p in pairs], pa.bool_()),
        "particles": _span_array([s.particles for s in styled]),
        "interjections": _span_array([s.interjections for s in styled]),
        "markers": _span_array([s.markers for s in styled]),
        "mainland_terms": _span_array([s.mainland_terms for s in styled]),
        "particle_count": pa.array([len(s.particles) for s in styled], pa.int32()),
        # Style's own rounding (Python's round), so the column equals what a Pair says
        "particle_density": pa.array([s.particle_density for s in styled], pa.float64()),
        "casual_score": casual,
        "register": registers(casual),
        "license": pa.array([p.license for p in pairs], pa.string()),
        "attribution": pa.array([p.attribution for p in pairs], pa.string()),
        "meta": pa.array([p.meta for p in pairs], pa.string()),
        "plain": pa.array([s.plain for s in styled], pa.string()),
        "neutral_words": pa.array([s.neutral_words for s in styled], pa.list_(pa.string())),
        "length": pa.array([s.length for s in styled], pa.int32()),
        "annotated": pa.array([s is not None for s in given], pa.bool_()),
    }
    return pa.RecordBatch.from_arrays([columns[name] for name in PAIR_SCHEMA.names], schema=PAIR_SCHEMA)


def spans_per_row(column: pa.Array) -> list[tuple[Span, ...]]:
    """One tuple of Spans per row of a span column, from its flat child arrays."""
    bounds = column.offsets.to_numpy(zero_copy_only=False)
    values = column.values
    texts = values.field("text").to_pylist()
    offsets = values.field("offset").to_pylist()
    functions = values.field("function").to_pylist()
    first = int(bounds[0]) if len(bounds) else 0
    spans = [Span(t, o, f) for t, o, f in zip(texts[first:], offsets[first:], functions[first:])]
    return [tuple(spans[int(a) - first:int(b) - first]) if b > a else () for a, b in zip(bounds[:-1], bounds[1:])]


def pairs_of(table: pa.RecordBatch | pa.Table) -> list[Pair]:
    """The pairs of a `pair_table`, as `Pair` objects (with their `Style`, if they had one)."""
    if isinstance(table, pa.Table):
        table = table.combine_chunks().to_batches()[0] if table.num_rows else \
            pa.RecordBatch.from_pylist([], schema=PAIR_SCHEMA)
    column = {name: table.column(name) for name in PAIR_SCHEMA.names}
    spans = [spans_per_row(column[name]) for name in SPAN_COLUMNS]
    lists = {name: column[name].to_pylist() for name in (
        "pair_id", "en", "zh", "source_file", "source_en_line", "source_zh_line", "converted_simplified",
        "license", "attribution", "meta", "plain", "neutral_words", "length", "casual_score", "annotated")}
    pairs = []
    for row in range(table.num_rows):
        words = lists["neutral_words"][row]
        style = Style(spans[0][row], spans[1][row], spans[2][row], spans[3][row], lists["length"][row],
                      lists["casual_score"][row], lists["plain"][row],
                      None if words is None else tuple(words)) if lists["annotated"][row] else None
        pairs.append(Pair(lists["pair_id"][row], lists["en"][row], lists["zh"][row],
                          Source(lists["source_file"][row], lists["source_en_line"][row],
                                 lists["source_zh_line"][row]),
                          lists["converted_simplified"][row], style, lists["license"][row],
                          lists["attribution"][row], lists["meta"][row]))
    return pairs


def measure_column(table: pa.RecordBatch, name: str) -> np.ndarray:
    """A numeric column as float64, -inf where the pair has no style (it never reaches a minimum)."""
    values = table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
    annotated = table.column("annotated").to_numpy(zero_copy_only=False)
    return np.where(annotated, values, -np.inf)
