"""Sampled records of a build for the inspect page: a seeded draw per config and split.

Only the rows drawn become Python objects. The draw picks row numbers from the shards' metadata
(no data read), then reads, one row group at a time and only the columns the page shows, the row
groups that hold a drawn row, and takes those rows out in Arrow. Memory stays at one row group of a
few columns, whatever the size of the build.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from builder.errors import InputError
from builder.split import ordered_splits

__all__ = ["SPAN_COLUMNS", "sample_config", "shards_by_split"]

# Span column -> the kind the page colours it as.
SPAN_COLUMNS = {"particles": "particle", "interjections": "interjection", "markers": "marker",
                "mainland_terms": "mainland"}
_COLUMNS = ("id", "instruction", "input", "output", "zh", "source_file", "source_en_line",
            "casual_score", "register", *SPAN_COLUMNS)
_SHARD = re.compile(r"^(\w+(?:\.\w+)*)-(\d{5})-of-(\d{5})\.parquet$")


def shards_by_split(folder: Path) -> dict[str, list[Path]]:
    """Map each split of a config folder to its shards, in shard order."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*.parquet")):
        match = _SHARD.match(path.name)
        if match:
            found.setdefault(match.group(1), []).append(path)
    return found


def _row_groups(shards: list[Path]) -> Iterator[tuple[Path, int, int]]:
    """Yield (shard, row group, rows) for every row group, from the footers only."""
    for path in shards:
        metadata = pq.read_metadata(path)
        for group in range(metadata.num_row_groups):
            yield path, group, metadata.row_group(group).num_rows


def _spans(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Gather a row's four span columns into one list, each span with its kind, in text order."""
    spans = [
        {"kind": kind, "text": span.get("text"), "offset": span.get("offset"),
         "function": span.get("function") or ""}
        for column, kind in SPAN_COLUMNS.items()
        for span in row.get(column) or ()
    ]
    return sorted(spans, key=lambda s: (s["offset"] if isinstance(s["offset"], int) else -1))


def _record(config: str, split: str, row: dict[str, Any]) -> dict[str, Any]:
    """Shape one drawn row as a page record (register and score stay empty when the build has none)."""
    score = row.get("casual_score")
    return {
        "config": config, "split": split, "id": row.get("id", ""),
        "source": f"{row.get('source_file', '')}:{row.get('source_en_line', '')}",
        "instruction": row.get("instruction") or "", "input": row.get("input") or "",
        "output": row.get("output") or "", "zh": row.get("zh") or "",
        "register": row.get("register") or "",
        "casual_score": float(score) if isinstance(score, (int, float)) else None,
        "spans": _spans(row),
    }


def _sample_split(config: str, split: str, shards: list[Path], size: int) -> list[dict[str, Any]]:
    """Draw up to `size` rows of one config and split, the same rows every time for the same files."""
    groups = list(_row_groups(shards))
    total = sum(rows for _, _, rows in groups)
    # A string seed is hashed the same way in every process, unlike hash().
    picks = sorted(random.Random(f"twcasual-inspect/{config}/{split}").sample(range(total), min(size, total)))
    records: list[dict[str, Any]] = []
    start, i = 0, 0
    for path, group, rows in groups:
        local = []
        while i < len(picks) and picks[i] < start + rows:
            local.append(picks[i] - start)
            i += 1
        if local:
            with pq.ParquetFile(path) as shard:
                columns = [c for c in _COLUMNS if c in shard.schema_arrow.names]
                table = shard.read_row_group(group, columns=columns).take(local)
            records += [_record(config, split, row) for row in table.to_pylist()]
        start += rows
    return records


def sample_config(folder: Path, size: int) -> list[dict[str, Any]]:
    """Draw up to `size` records from each split of one config folder, splits in the usual order."""
    shards = shards_by_split(folder)
    records: list[dict[str, Any]] = []
    for split in ordered_splits(shards):
        try:
            records += _sample_split(folder.name, split, shards[split], size)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{folder / split}-*.parquet: cannot read the shards: "
                             f"{str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    return records
