"""Seconds spent per build stage, for `--timings` and the benchmarks (never part of the output)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

__all__ = ["Timings", "STAGES"]

STAGES = ("ingest", "normalise", "filter", "annotate", "register", "plain", "dedup", "split", "recipes", "export",
          "write", "leak_check", "card", "spool", "cache")


class Timings(dict[str, float]):
    """Stage name -> seconds. Stages run in worker processes add up their workers' seconds.

    `export` is building the record tables (workers), `write` is the Parquet writer (main
    process), `spool` is moving pair tables between the passes, `cache` is build-cache I/O.
    """

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self[name] = self.get(name, 0.0) + seconds

    def merge(self, other: Mapping[str, float]) -> None:
        for name, seconds in other.items():
            self.add(name, seconds)

    def ordered(self) -> list[tuple[str, float]]:
        known = [(s, self[s]) for s in STAGES if s in self]
        return known + sorted((s, t) for s, t in self.items() if s not in STAGES)
