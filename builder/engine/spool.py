"""A temporary on-disk store of normalised pairs between the two passes of a build.

Dedup and split must see every pair before any record is written, but only need hashes: the
pairs themselves wait here, in pickled batches, instead of in memory. Each batch is written once
and read back whole by the worker that handles it in the second pass (`SpoolSlice` says where).
"""

from __future__ import annotations

import pickle
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from builder.types import Pair

__all__ = ["Spool", "SpoolSlice", "dump_pairs", "load_pairs", "read_slice"]


def dump_pairs(pairs: Sequence[Pair]) -> bytes:
    """Pickle a batch of pairs for the spool."""
    return pickle.dumps(list(pairs), protocol=pickle.HIGHEST_PROTOCOL)


def load_pairs(data: bytes) -> list[Pair]:
    """Read back a batch written by `dump_pairs`."""
    pairs: list[Pair] = pickle.loads(data)
    return pairs


@dataclass(frozen=True, slots=True)
class SpoolSlice:
    """Where one batch's pickled pairs lie: the spool file, the byte offset and size."""

    path: str
    offset: int
    size: int


def read_slice(where: SpoolSlice) -> list[Pair]:
    """Read one batch straight from a closed spool file (a worker reads its own batch)."""
    with open(where.path, "rb") as handle:
        handle.seek(where.offset)
        return load_pairs(handle.read(where.size))


class Spool:
    """Append pickled batches of pairs and say where each lies; fetch one pair by its index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: BinaryIO | None = path.open("wb")
        self._offsets: list[int] = []
        self._starts: list[int] = []
        self.count = 0
        self._cached: tuple[int, list[Pair]] | None = None

    def append(self, count: int, data: bytes) -> SpoolSlice:
        """Append `count` pairs pickled by `dump_pairs` (in a worker: the main process only copies
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
                self._cached = (batch, pickle.load(handle))
        return self._cached[1][index - self._starts[batch]]

    def remove(self) -> None:
        """Delete the spool file."""
        self.close()
        self.path.unlink(missing_ok=True)
