"""Records -> Parquet shards per config and split, with fixed writer options for identical bytes."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from builder.types import Example, Pair, Record, Span, Style

__all__ = ["PAIR_COLUMNS", "RECORD_COLUMNS", "SCHEMA", "ShardWriter", "examples_table", "pairs_table",
           "records_to_table", "shard_name", "with_pairs"]

_SPANS = pa.list_(pa.struct([("text", pa.string()), ("offset", pa.int32())]))

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
        ("extra", pa.string()),
    ]
)

# Explicit writer options: the bytes must not depend on library defaults changing.
WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    # Dictionary-encode only the columns that repeat (templates, names, particles): trying it on
    # unique text columns costs time and gives nothing.
    "use_dictionary": ["recipe", "recipe_version", "instruction", "source_file", "extra",
                       "messages.list.element.role", "particles.list.element.text",
                       "interjections.list.element.text", "markers.list.element.text",
                       "mainland_terms.list.element.text"],
    "write_statistics": True,
    "data_page_version": "1.0",
    "version": "2.6",
}


def shard_name(split: str, index: int, count: int) -> str:
    """The file name `push_to_hub` would use for shard `index` of `count`."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def _span_array(groups: Sequence[Sequence[Span]]) -> pa.Array:
    """A list<struct<text, offset>> column from one group of spans per row, built from flat
    arrays (no dict per span)."""
    texts: list[str] = []
    offsets: list[int] = []
    bounds = [0]
    for spans in groups:
        for span in spans:
            texts.append(span.text)
            offsets.append(span.offset)
        bounds.append(len(texts))
    values = pa.StructArray.from_arrays(
        [pa.array(texts, pa.string()), pa.array(offsets, pa.int32())],
        fields=list(_SPANS.value_type))
    return pa.ListArray.from_arrays(pa.array(bounds, pa.int32()), values, type=_SPANS)


PAIR_COLUMNS = ("pair_id", "en", "zh", "source_file", "source_en_line", "source_zh_line",
                 "converted_simplified", "particles", "interjections", "markers",
                 "mainland_terms", "particle_count", "particle_density")


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
    }
    return pa.Table.from_arrays([columns[name] for name in PAIR_COLUMNS], schema=_PAIR_SCHEMA)


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
    example's extra fields as JSON (`builder.apply.extra_json`).
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


class _Part:
    """One (config, split) output: tables buffered into fixed-size row groups and shards.

    Row groups and shards are cut by row count only, so the bytes do not depend on how the
    records arrived (batch sizes, number of worker processes).
    """

    def __init__(self, folder: Path, split: str, shard_rows: int, group_rows: int) -> None:
        self.folder, self.split = folder, split
        self.shard_rows, self.group_rows = shard_rows, group_rows
        self.buffer: list[pa.Table] = []
        self.buffered = 0
        self.paths: list[Path] = []
        self.writer: pq.ParquetWriter | None = None
        self.in_shard = 0
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.buffer.append(table)
        self.buffered += table.num_rows
        if self.buffered >= self.group_rows:
            self._drain(final=False)

    def _drain(self, final: bool) -> None:
        table = pa.concat_tables(self.buffer) if len(self.buffer) > 1 else self.buffer[0]
        offset = 0
        while table.num_rows - offset >= self.group_rows or (final and offset < table.num_rows):
            if self.writer is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                path = self.folder / f".{self.split}-{len(self.paths):05d}.partial"
                self.paths.append(path)
                self.writer = pq.ParquetWriter(path, SCHEMA, **WRITE_OPTIONS)
                self.in_shard = 0
            take = min(self.group_rows, self.shard_rows - self.in_shard, table.num_rows - offset)
            self.writer.write_table(table.slice(offset, take), row_group_size=take)
            offset += take
            self.in_shard += take
            self.rows += take
            if self.in_shard >= self.shard_rows:
                self.writer.close()
                self.writer = None
        rest = table.slice(offset)
        self.buffer = [rest] if rest.num_rows else []
        self.buffered = rest.num_rows

    def close(self) -> list[Path]:
        if self.buffered:
            self._drain(final=True)
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        final = []
        for index, path in enumerate(self.paths):
            target = self.folder / shard_name(self.split, index, len(self.paths))
            path.rename(target)
            final.append(target)
        return final


class ShardWriter:
    """Write tables into `OUT/<config>/<split>-NNNNN-of-NNNNN.parquet`; empty splits get no file.

    Writing happens on one background thread, in the order the tables were given (so the bytes
    are the same as writing inline): Parquet encoding and compression release the GIL, so the
    main process keeps feeding the workers meanwhile. A write error is raised by the next call.
    """

    def __init__(self, out: Path, shard_rows: int = 500_000, group_rows: int = 50_000) -> None:
        self.out = out
        self.shard_rows = shard_rows
        self.group_rows = min(group_rows, shard_rows)
        self._parts: dict[tuple[str, str], _Part] = {}
        self._queue: queue.Queue[tuple[str, str, pa.Table] | None] = queue.Queue(maxsize=64)
        self._error: BaseException | None = None
        self.seconds = 0.0  # time the writer thread spent writing
        self._thread = threading.Thread(target=self._run, name="twcasual-parquet", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain: the error is reported to the caller
            started = time.perf_counter()
            try:
                self._write(*item)
            except BaseException as error:  # handed to the main thread, not lost
                self._error = error
            self.seconds += time.perf_counter() - started

    def _write(self, config: str, split: str, table: pa.Table) -> None:
        part = self._parts.get((config, split))
        if part is None:
            part = _Part(self.out / config, split, self.shard_rows, self.group_rows)
            self._parts[(config, split)] = part
        part.add(table)

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, config: str, split: str, table: pa.Table) -> None:
        """Append a table of records (dataset schema) to one config and split."""
        self._raise()
        if table.num_rows:
            self._queue.put((config, split, table))

    def abort(self) -> None:
        """Stop the writer thread and close open files after a failed build (no shard is final)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        for part in self._parts.values():
            if part.writer is not None:
                part.writer.close()
                part.writer = None

    def close(self) -> dict[str, dict[str, tuple[int, list[Path]]]]:
        """Finish every shard; return config -> split -> (rows, shard paths)."""
        self._queue.put(None)
        self._thread.join()
        self._raise()
        # The parts' last row groups are independent files: write them side by side.
        parts = sorted(self._parts.items())
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            closed = list(pool.map(lambda item: item[1].close(), parts))
        result: dict[str, dict[str, tuple[int, list[Path]]]] = {}
        for ((config, split), part), paths in zip(parts, closed):
            if part.rows:
                result.setdefault(config, {})[split] = (part.rows, paths)
        return result
