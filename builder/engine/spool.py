"""A temporary on-disk store of normalised pairs between the two passes of a build.

Dedup and split must see every pair before any record is written, but only need hashes: the
pairs themselves wait here instead of in memory, each batch one Arrow IPC stream of its pair table
(`builder.pair_table`: columns, no pickled objects). Each batch is written once and read back whole
by the worker that handles it in the second pass (`SpoolSlice` says where), which reads its columns
as they are.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from builder.pair_table import PAIR_SCHEMA, pair_table, pairs_of
from builder.types import Pair

__all__ = ["Spool", "SpoolSlice", "dump_pairs", "load_pairs", "read_slice"]


def dump_pairs(pairs: Sequence[Pair]) -> bytes:
    """A batch of pairs as the spool keeps it: one Arrow IPC stream of their pair table."""
    table = pair_table(pairs)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, PAIR_SCHEMA) as writer:
        writer.write_batch(table)
    return sink.getvalue().to_pybytes()


def load_pairs(data: bytes | pa.Buffer) -> pa.RecordBatch:
    """Read back a batch written by `dump_pairs`: its pair table (`pairs_of` makes `Pair`s of it)."""
    reader = pa.ipc.open_stream(pa.py_buffer(data) if isinstance(data, bytes) else data)
    if not reader.schema.equals(PAIR_SCHEMA):
        raise ValueError("spooled batch is not a pair table of this twcasual")
    batches = list(reader)
    if len(batches) == 1:
        return batches[0]
    return pa.Table.from_batches(batches, schema=PAIR_SCHEMA).combine_chunks().to_batches()[0]


@dataclass(frozen=True, slots=True)
class SpoolSlice:
    """Where one batch's pair table lies: the spool file, the byte offset and size."""

    path: str
    offset: int
    size: int


def read_slice(where: SpoolSlice) -> pa.RecordBatch:
    """Read one batch straight from a closed spool file (a worker reads its own batch)."""
    with open(where.path, "rb") as handle:
        handle.seek(where.offset)
        return load_pairs(handle.read(where.size))


class Spool:
    """Append batches of pairs (pair tables) and say where each lies; fetch one pair by its index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: BinaryIO | None = path.open("wb")
        self._offsets: list[int] = []
        self._starts: list[int] = []
        self.count = 0
        self._cached: tuple[int, list[Pair]] | None = None

    def append(self, count: int, data: bytes) -> SpoolSlice:
        """Append `count` pairs written by `dump_pairs` (in a worker: the main process only copies
        bytes); return where they lie. An empty batch has nothing to spool: the caller keeps it out."""
        assert count > 0, "an empty batch is not spooled"
        assert self._handle is not None, "spool is closed for writing"
        offset = self._handle.tell()
        self._offsets.append(offset)
        self._starts.append(self.count)
        self._handle.write(data)
        self.count += count
        return SpoolSlice(str(self.path), offset, len(data))

    def close(self) -> None:
        """Finish writing: workers can read their slices from now on."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def get(self, index: int) -> Pair:
        """One pair by its index in the build (slow path: for a few report examples only)."""
        self.close()
        batch = bisect_right(self._starts, index) - 1
        if self._cached is None or self._cached[0] != batch:
            with self.path.open("rb") as handle:
                handle.seek(self._offsets[batch])
                end = self._offsets[batch + 1] if batch + 1 < len(self._offsets) else None
                data = handle.read() if end is None else handle.read(end - self._offsets[batch])
                self._cached = (batch, pairs_of(load_pairs(data)))
        return self._cached[1][index - self._starts[batch]]

    def remove(self) -> None:
        """Delete the spool file."""
        self.close()
        self.path.unlink(missing_ok=True)
