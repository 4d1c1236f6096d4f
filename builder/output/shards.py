"""Record tables -> Parquet shards per config and split, with fixed writer options for identical bytes."""

from __future__ import annotations

import os
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from builder.output.records import SCHEMA

__all__ = ["WRITE_OPTIONS", "ShardWriter", "shard_name"]

# Explicit writer options: the bytes must not depend on library defaults changing.
WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    # Dictionary-encode only the columns that repeat (templates, names, particles): trying it on
    # unique text columns costs time and gives nothing.
    "use_dictionary": ["recipe", "recipe_version", "instruction", "source_file", "extra", "license", "attribution",
                       "meta",
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


class _Part:
    """One (config, split) output: tables buffered into fixed-size row groups and shards.

    Row groups and shards are cut by row count only, so they do not depend on the number of
    worker processes. The pages inside a row group do follow the chunks of the tables written
    (one per batch and recipe), so `[build] batch_size` is part of what makes the bytes: at
    4096 the 100k bench corpus gives equal tables in other bytes. Writing each row group from
    one contiguous chunk would remove that, at the cost of a copy (0.45 s per 80k records).
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
