"""Named counts that add up across batches and processes (in the spirit of datatrove's stat_update).

A batch function counts what happened to its pairs by name (`counters.add("casualize",
"pairs_with_records", 3)`); the main process merges the counters of every batch. Nothing is
counted by position, so adding a count never shifts another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["Counters"]


class Counters:
    """Counts per group (a recipe, a file...) and name; missing counts read as 0."""

    __slots__ = ("_groups",)

    def __init__(self) -> None:
        self._groups: dict[str, dict[str, int]] = {}

    def add(self, group: str, name: str, value: int = 1) -> None:
        """Add `value` to one count."""
        counts = self._groups.setdefault(group, {})
        counts[name] = counts.get(name, 0) + value

    def merge(self, other: Counters) -> None:
        """Add every count of `other` (e.g. a worker's batch) to these."""
        for group, counts in other._groups.items():
            for name, value in counts.items():
                self.add(group, name, value)

    def get(self, group: str, name: str) -> int:
        """One count, 0 if nothing was added to it."""
        return self._groups.get(group, {}).get(name, 0)

    def group(self, group: str, names: Iterable[str]) -> dict[str, int]:
        """The counts `names` of one group, each present (0 if never added)."""
        return {name: self.get(group, name) for name in names}

    def as_dict(self) -> Mapping[str, Mapping[str, int]]:
        """Every count, by group and name."""
        return {group: dict(counts) for group, counts in self._groups.items()}
