"""A temporary on-disk store of normalised pairs between the two passes of a build.

Dedup and split must see every pair before any record is written, but only need hashes: the
pairs themselves wait here, in pickled batches, instead of in memory.
"""

from __future__ import annotations

import pickle
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from builder.types import Pair

__all__ = ["Spool"]


class Spool:
    """Append batches of pairs, read them back in order, or fetch one pair by index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: BinaryIO | None = path.open("wb")
        self._offsets: list[int] = []
        self._starts: list[int] = []
        self.count = 0
        self._cached: tuple[int, list[Pair]] | None = None

    def append(self, pairs: Sequence[Pair]) -> None:
        if not pairs:
            return
        assert self._handle is not None, "spool is closed for writing"
        self._offsets.append(self._handle.tell())
        self._starts.append(self.count)
        pickle.dump(list(pairs), self._handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(pairs)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def batches(self) -> Iterator[tuple[int, list[Pair]]]:
        """Yield (index of the first pair, pairs) for every batch, in order."""
        self.close()
        with self.path.open("rb") as handle:
            for start in self._starts:
                yield start, pickle.load(handle)

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
