"""Records -> Parquet shards per config and split, with fixed writer options for identical bytes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from builder.types import Record, Span

__all__ = ["SCHEMA", "ShardWriter", "records_to_table", "shard_name"]

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
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_version": "1.0",
    "version": "2.6",
    "row_group_size": 100_000,
}


def shard_name(split: str, index: int, count: int) -> str:
    """The file name `push_to_hub` would use for shard `index` of `count`."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def _spans(spans: Sequence[Span]) -> list[dict[str, Any]]:
    return [{"text": s.text, "offset": s.offset} for s in spans]


def records_to_table(records: Sequence[Record]) -> pa.Table:
    """Convert records to an Arrow table with the dataset schema, column by column."""
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    for r in records:
        pair, ex, style = r.pair, r.example, r.pair.style
        columns["id"].append(r.id)
        columns["pair_id"].append(pair.id)
        columns["recipe"].append(r.recipe)
        columns["recipe_version"].append(r.recipe_version)
        columns["messages"].append(
            [{"role": "user", "content": ex.user}, {"role": "assistant", "content": ex.output}]
        )
        columns["instruction"].append(ex.instruction)
        columns["input"].append(ex.input)
        columns["output"].append(ex.output)
        columns["en"].append(pair.en)
        columns["zh"].append(pair.zh)
        columns["source_file"].append(pair.source.file)
        columns["source_en_line"].append(pair.source.en_line)
        columns["source_zh_line"].append(pair.source.zh_line)
        columns["converted_simplified"].append(pair.converted_simplified)
        columns["synthetic"].append(ex.synthetic)
        columns["particles"].append(_spans(style.particles) if style else [])
        columns["interjections"].append(_spans(style.interjections) if style else [])
        columns["markers"].append(_spans(style.markers) if style else [])
        columns["mainland_terms"].append(_spans(style.mainland_terms) if style else [])
        columns["particle_count"].append(style.particle_count if style else 0)
        columns["particle_density"].append(style.particle_density if style else 0.0)
        columns["extra"].append(
            json.dumps(dict(ex.extra), ensure_ascii=False, sort_keys=True) if ex.extra else "{}"
        )
    return pa.table(columns, schema=SCHEMA)


class _Part:
    """One (config, split) output: buffered records, rolled into shards of at most `shard_rows`."""

    def __init__(self, folder: Path, split: str, shard_rows: int, batch_rows: int) -> None:
        self.folder, self.split = folder, split
        self.shard_rows, self.batch_rows = shard_rows, batch_rows
        self.buffer: list[Record] = []
        self.paths: list[Path] = []
        self.writer: pq.ParquetWriter | None = None
        self.in_shard = 0
        self.rows = 0

    def add(self, record: Record) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        while self.buffer:
            if self.writer is None:
                path = self.folder / f".{self.split}-{len(self.paths):05d}.partial"
                self.folder.mkdir(parents=True, exist_ok=True)
                self.paths.append(path)
                self.writer = pq.ParquetWriter(path, SCHEMA, **WRITE_OPTIONS)
                self.in_shard = 0
            take = min(len(self.buffer), self.shard_rows - self.in_shard)
            chunk, self.buffer = self.buffer[:take], self.buffer[take:]
            self.writer.write_table(records_to_table(chunk), row_group_size=WRITE_OPTIONS["row_group_size"])
            self.in_shard += take
            self.rows += take
            if self.in_shard >= self.shard_rows:
                self.writer.close()
                self.writer = None

    def close(self) -> list[Path]:
        self.flush()
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
    """Write records into `OUT/<config>/<split>-NNNNN-of-NNNNN.parquet`; empty splits get no file."""

    def __init__(self, out: Path, shard_rows: int = 500_000, batch_rows: int = 10_000) -> None:
        self.out = out
        self.shard_rows = shard_rows
        self.batch_rows = batch_rows
        self._parts: dict[tuple[str, str], _Part] = {}

    def write(self, records: Iterable[Record], split: str) -> None:
        """Add records (all of one pair) to their recipe's config, in the given split."""
        for record in records:
            key = (record.recipe, split)
            part = self._parts.get(key)
            if part is None:
                part = _Part(self.out / record.recipe, split, self.shard_rows, self.batch_rows)
                self._parts[key] = part
            part.add(record)

    def close(self) -> dict[str, dict[str, tuple[int, list[Path]]]]:
        """Finish every shard; return config -> split -> (rows, shard paths)."""
        result: dict[str, dict[str, tuple[int, list[Path]]]] = {}
        for (config, split), part in sorted(self._parts.items()):
            paths = part.close()
            if part.rows:
                result.setdefault(config, {})[split] = (part.rows, paths)
        return result
