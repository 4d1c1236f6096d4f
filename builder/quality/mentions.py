"""The number mention shared by the English and Chinese readers, and how mentions are compared."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Mention", "hour", "unmatched"]


class Mention(NamedTuple):
    """A number found in a line: the values it may stand for, and whether it is weak."""

    values: frozenset[float]
    weak: bool = False


def hour(value: float, weak: bool = False) -> Mention:
    """Return a clock hour: 8 may be 8 or 20, 20 may be 20 or 8."""
    other = value + 12 if value <= 12 else value - 12
    return Mention(frozenset((float(value), float(other))), weak)


def unmatched(side: list[Mention], other: list[Mention], tolerance: float) -> bool:
    """Say whether a strong mention of `side` has no value in common with any mention of `other`."""
    values = {v for mention in other for v in mention.values}
    for mention in side:
        if mention.weak or not mention.values.isdisjoint(values):
            continue
        if tolerance and any(abs(v - w) <= tolerance * max(abs(v), abs(w)) for v in mention.values for w in values):
            continue
        return True
    return False
