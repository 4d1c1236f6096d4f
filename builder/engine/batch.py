"""One batch of pairs between the two passes, as one object: nothing about it can fall out of step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.engine.spool import SpoolSlice

__all__ = ["Batch"]


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of pairs that came through the first pass, with everything the second needs of it.

    `source` is the index of the input file it was read from (a batch never spans two files),
    `start` the index of its first pair in the build (pairs are numbered in input order, over
    every file), `pairs` where its pair table lies in the spool, `features` what the first pass
    computed for later stages (opaque to the engine), and `key` its first-pass cache key, which
    keys the records made from it. A batch with no pair left after the first pass is not a Batch.
    """

    source: int
    start: int
    count: int
    pairs: SpoolSlice
    features: Any
    key: str

    @property
    def end(self) -> int:
        """The index after its last pair."""
        return self.start + self.count
