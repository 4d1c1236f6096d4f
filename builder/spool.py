"""A temporary on-disk store of normalised pairs between the two passes of a build.

Dedup and split must see every pair before any record is written, but only need hashes: the
pairs themselves wait here, in pickled batches, instead of in memory.
"""

from __future__ import annotations

import pickle
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from builder.types import Pair

__all__ = ["Spool", "dump_pairs", "load_pairs", "read_batch"]


def dump_pairs(pairs: Sequence[Pair]) -> bytes:
    """Pickle a batch of pairs for the spool."""
    return pickle.dumps(list(pairs), protocol=pickle.HIGHEST_PROTOCOL)


def read_batch(path: str | Path, offset: int, size: int) -> list[Pair]:
    """Read one batch straight from a closed spool file (a worker reads its own batch)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return load_pairs(handle.read(size))


def load_pairs(data: bytes) -> list[Pair]:
    """Read back a batch written by `dump_pairs`."""
    pairs: list[Pair] = pickle.loads(data)
    return pairs


class Spool:
    """Append pickled batches of pairs, say where each batch lies (workers read their own), or
    fetch one pair by index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: BinaryIO | None = path.open("wb")
        self._offsets: list[int] = []
        self._starts: list[int] = []
        self.count = 0
        self._cached: tuple[int, list[Pair]] | None = None

    def append_pickled(self, count: int, data: bytes) -> None:
        """Append a batch already pickled by `dump_pairs` (in a worker: the main process only copies bytes)."""
        if not count:
            return
        assert self._handle is not None, "spool is closed for writing"
        self._offsets.append(self._handle.tell())
        self._starts.append(self.count)
        self._handle.write(data)
        self.count += count

    @property
    def starts(self) -> list[int]:
        """The index of the first pair of every batch."""
        return list(self._starts)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def locations(self) -> list[tuple[int, int, int]]:
        """(index of the first pair, byte offset, byte size) of every batch, for `read_batch`."""
        self.close()
        ends = [*self._offsets[1:], self.path.stat().st_size]
        return [(start, offset, end - offset)
                for start, offset, end in zip(self._starts, self._offsets, ends)]

    def get(self, index: int) -> Pair:
        """One pair by its index (slow path: for a few report examples only)."""
        self.close()

        batch = bisect_right(self._starts, index) - 1
        if self._cached is None or self._cached[0] != batch:
            with self.path.open("rb") as handle:
                handle.seek(self._offsets[batch])
                self._cached = (batch, pickle.load(handle))
        return self._cached[1][index - self._starts[batch]]

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
