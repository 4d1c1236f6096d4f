"""`RawBatch`: one file's raw pairs as columns, as the readers fill them and as they cross to a worker.

The first pass reads in the main process and normalises in the workers, so every pair is made,
pickled and sent once. As columns, a batch is a few lists of strings and ints (what pickle writes
in C) and the readers append to them: no `RawPair` and `Source` per pair in the main process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from builder.types import RawPair, Source

__all__ = ["RawBatch", "RawRow"]

# What a worker takes of each pair: en, zh, source, meta, attribution, license.
RawRow = tuple[str, str, Source, "Mapping[str, str] | None", str, str]


class RawBatch:
    """Raw pairs of one input file, column by column; iterating it gives the `RawPair`s."""

    __slots__ = ("file", "license", "en", "zh", "en_lines", "zh_lines", "metas", "attributions")

    def __init__(self, file: str, license: str, en: list[str] | None = None, zh: list[str] | None = None,
                 en_lines: list[int] | None = None, zh_lines: list[int] | None = None,
                 metas: list[Mapping[str, str] | None] | None = None, attributions: list[str] | None = None) -> None:
        self.file, self.license = file, license  # the same for every pair of a file
        self.en: list[str] = [] if en is None else en
        self.zh: list[str] = [] if zh is None else zh
        self.en_lines: list[int] = [] if en_lines is None else en_lines
        self.zh_lines: list[int] = [] if zh_lines is None else zh_lines
        self.metas: list[Mapping[str, str] | None] = [] if metas is None else metas
        self.attributions: list[str] = [] if attributions is None else attributions

    def add(self, en: str, zh: str, en_line: int, zh_line: int, meta: Mapping[str, str] | None,
            attribution: str) -> None:
        """Append one pair."""
        self.en.append(en)
        self.zh.append(zh)
        self.en_lines.append(en_line)
        self.zh_lines.append(zh_line)
        self.metas.append(meta)
        self.attributions.append(attribution)

    def rows(self) -> Iterator[RawRow]:
        """Each pair's en, zh, source, meta, attribution and license, without a `RawPair`."""
        sources = map(Source, [self.file] * len(self.en), self.en_lines, self.zh_lines)
        licenses = [self.license] * len(self.en)
        return zip(self.en, self.zh, sources, self.metas, self.attributions, licenses, strict=True)

    def __iter__(self) -> Iterator[RawPair]:
        return (RawPair(*row) for row in self.rows())

    def __len__(self) -> int:
        return len(self.en)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (RawBatch, (self.file, self.license, self.en, self.zh, self.en_lines, self.zh_lines, self.metas,
                           self.attributions))
