"""Table inputs -> pairs: Parquet files, folders written by `datasets` (`save_to_disk`), Hub datasets.

Each is read in record batches, never whole; a row is one "line" for the accounting
(`lines_per_pair = 1`) and its line number is its 1-based row number. Columns map like a header's
(`columns.plan_columns` on the column names). A text cell longer than the byte limit is nulled in
Arrow before the batch becomes Python objects, and its row is set aside as `line_too_long`.

Hashes: a Parquet file is hashed through the same open file, before pyarrow reads it; a `datasets`
folder is hashed file by file; both are checked for change after reading. A Hub dataset is streamed
with `load_dataset(..., streaming=True)`: nothing local to hash, so its sha256 stays "".
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from builder.errors import InputError
from builder.ingest.columns import ColumnPlan, meta_text, plan_columns
from builder.ingest.inputs import BYTES_PER_CHAR, FileStats, InputFile, check_pair, set_aside
from builder.ingest.stream import CHANGED, CHUNK, open_regular, shown
from builder.types import RawPair, SetAside

__all__ = ["BATCH_ROWS", "folder_sha256", "is_datasets_folder", "read_table"]

BATCH_ROWS = 1024
Batch = tuple[list[str], list[list[Any]], set[int]]  # column names, columns, rows with a too-long cell


def is_datasets_folder(folder: Path) -> bool:
    """Tell whether a folder was written by `Dataset.save_to_disk` or `DatasetDict.save_to_disk`."""
    return (folder / "dataset_dict.json").is_file() or (
        (folder / "dataset_info.json").is_file() and (folder / "state.json").is_file()
    )


def read_table(f: InputFile, stats: FileStats, max_chars: int) -> Iterator[RawPair | SetAside]:
    """Stream the pairs and set-aside rows of a Parquet file, a datasets folder or a Hub dataset."""
    limit = BYTES_PER_CHAR * max_chars
    if f.format == "parquet":
        yield from _parquet(f, stats, max_chars, limit)
    elif f.format == "datasets":
        before = _folder_state(f.path)
        sha256, size = _folder_digest(f.path, before)  # memory-mapped by datasets: hashed first, then checked
        yield from _rows(_datasets_batches(f, limit), f, stats, max_chars)
        if _folder_state(f.path) != before:
            raise InputError(f"{f.name}: {CHANGED}")
        stats.sha256, stats.bytes = sha256, size
    else:
        yield from _rows(_hub_batches(f), f, stats, max_chars)


def _parquet(f: InputFile, stats: FileStats, max_chars: int, limit: int) -> Iterator[RawPair | SetAside]:
    import pyarrow.parquet as pq

    fh, info = open_regular(f.path)
    with fh:
        digest, size = hashlib.sha256(), 0
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        fh.seek(0)
        try:
            parquet = pq.ParquetFile(fh)
            batches = (_arrow_batch(b, limit) for b in parquet.iter_batches(batch_size=BATCH_ROWS))
            yield from _rows(batches, f, stats, max_chars)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise InputError(f"{shown(f.path)}: cannot read as Parquet: {_first_line(exc)}") from None
        now = os.fstat(fh.fileno())
        if (now.st_size, now.st_mtime_ns) != (info.st_size, info.st_mtime_ns) or size != info.st_size:
            raise InputError(f"{f.name}: {CHANGED}")
        stats.sha256, stats.bytes = digest.hexdigest(), size


def _arrow_batch(batch: Any, limit: int) -> Batch:
    """Turn an Arrow record batch into Python columns, nulling text cells over `limit` bytes first."""
    import pyarrow as pa
    import pyarrow.compute as pc

    too_long: set[int] = set()
    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type) or \
                pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            over = pc.fill_null(pc.greater(pc.binary_length(column), limit), False)
            if pc.any(over).as_py():
                too_long.update(i for i, flag in enumerate(over.to_pylist()) if flag)
                column = pc.if_else(over, pa.scalar(None, column.type), column)
        columns.append(column.to_pylist())
    return list(batch.schema.names), columns, too_long


def _datasets_batches(f: InputFile, limit: int) -> Iterator[Batch]:
    import datasets

    try:
        loaded = datasets.load_from_disk(str(f.path))
        if isinstance(loaded, datasets.DatasetDict):
            if f.split not in loaded:
                raise InputError(f"{f.name}: no split {f.split!r}; the splits are {', '.join(loaded)}")
            loaded = loaded[f.split]
        tables = loaded.with_format("arrow").iter(batch_size=BATCH_ROWS)
        for table in tables:
            for batch in table.to_batches():
                yield _arrow_batch(batch, limit)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{f.name}: cannot read as a datasets folder: {_first_line(exc)}") from None


def _hub_batches(f: InputFile) -> Iterator[Batch]:
    import datasets

    assert f.hub is not None
    try:
        stream = datasets.load_dataset(f.hub.repo, name=f.hub.config or None, split=f.split or "train",
                                       revision=f.hub.revision or None, streaming=True)
        for batch in stream.iter(batch_size=BATCH_ROWS):
            names = list(batch)
            yield names, [batch[n] for n in names], set()
    except (OSError, ValueError, KeyError, ImportError) as exc:  # ConnectionError is an OSError
        raise InputError(f"{f.name}: cannot load from the Hub: {_first_line(exc)}") from None


def _rows(batches: Iterable[Batch], f: InputFile, stats: FileStats, max_chars: int) -> Iterator[RawPair | SetAside]:
    """Yield one item per row, numbering rows from 1 across batches."""
    plan: ColumnPlan | None = None
    number = 0
    for names, columns, too_long in batches:
        if plan is None:
            plan = plan_columns(f.columns, names, f.name)
            if plan.needed > len(names):
                raise InputError(f"{f.name}: needs {plan.needed} columns for {plan.describe()}, has {len(names)}")
            stats.columns = plan.describe()
        for index, cells in enumerate(zip(*columns, strict=True)):
            number += 1
            stats.lines += 1
            yield _row_item(f, number, cells, plan, stats, max_chars, index in too_long)


def _row_item(f: InputFile, number: int, cells: tuple[Any, ...], plan: ColumnPlan, stats: FileStats,
              max_chars: int, too_long: bool) -> RawPair | SetAside:
    name = f.name
    en, zh = cells[plan.en], cells[plan.zh]
    row = f"{en}\t{zh}"
    if too_long or any(isinstance(c, str) and len(c) > max_chars for c in cells):
        return set_aside(name, number, "line_too_long", row)
    if not isinstance(en, str) or not isinstance(zh, str):
        return set_aside(name, number, "missing_field", row)
    if "\x00" in en or "\x00" in zh:
        return set_aside(name, number, "nul_byte", row)
    attribution = "" if plan.attribution is None else meta_text(cells[plan.attribution] or "").strip()
    meta = plan.meta(cells)
    if meta is not None:
        meta = {k: meta_text(v) for k, v in meta.items()}
    return check_pair(f, number, en.strip(), zh.strip(), row, stats, meta, attribution)


def _folder_state(folder: Path) -> list[tuple[str, int, int]]:
    """(relative name, size, mtime_ns) of every file under a folder, sorted."""
    state = []
    for root, _, files in os.walk(folder):
        for file in files:
            info = os.stat(os.path.join(root, file))
            state.append((os.path.relpath(os.path.join(root, file), folder), info.st_size, info.st_mtime_ns))
    return sorted(state)


def folder_sha256(folder: Path) -> str:
    """The sha256 of a `datasets` folder's files (names and bytes), as the reader computes it."""
    return _folder_digest(folder, _folder_state(folder))[0]


def _folder_digest(folder: Path, state: list[tuple[str, int, int]]) -> tuple[str, int]:
    """Hash a folder's files (names and bytes) in name order; return (sha256, total bytes)."""
    digest, total = hashlib.sha256(), 0
    for rel, size, _ in state:
        digest.update(f"{shown(rel)}\0{size}\0".encode())
        with open(os.path.join(folder, rel), "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        total += size
    return digest.hexdigest(), total


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
