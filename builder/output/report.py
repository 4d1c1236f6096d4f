"""The build report: every input line accounted for, per file and in total."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from builder.errors import BuildError
from builder.types import SetAside

__all__ = ["BuildReport", "FileReport", "SET_ASIDE_IN_REPORT"]

# The report lists this many set-aside lines in full; all of them are in set_aside.jsonl.
SET_ASIDE_IN_REPORT = 1000
WARNINGS_IN_REPORT = 1000


@dataclass
class FileReport:
    """Counts for one input file. Lines are non-blank lines read; pairs are those that entered dedup
    (after the normaliser and the bitext filters); `filtered` counts the pairs the filters dropped,
    by kind; `formal` the pairs whose zh line reads formal.

    `read_as` says why the file got its reader (sniffed from its first lines), `columns` which
    columns were read as what, `swapped` how many rows held English and zh the other way round,
    `joined` how many lines continued a CSV row (a quoted field over several lines).
    """

    name: str
    format: str
    lines_per_pair: int
    sha256: str = ""
    lines: int = 0
    pairs: int = 0
    unpaired: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    filtered: Counter[str] = field(default_factory=Counter)
    formal: int = 0
    duplicates: int = 0
    converted_simplified: int = 0
    records: int = 0
    read_as: str = ""
    columns: str = ""
    swapped: int = 0
    joined: int = 0
    license: str = ""

    def check(self) -> None:
        """Raise if the file's lines do not add up (a bug, never bad input)."""
        accounted = (self.lines_per_pair * (self.pairs + sum(self.filtered.values())) + self.unpaired
                     + sum(self.rejected.values()) + self.joined)
        if accounted != self.lines:
            raise BuildError(
                f"{self.name}: report does not add up: {self.lines} lines read, {accounted} accounted for"
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "format": self.format,
            "read_as": self.read_as,
            "columns": self.columns,
            "license": self.license,
            "sha256": self.sha256,
            "lines": self.lines,
            "pairs": self.pairs,
            "unpaired": self.unpaired,
            "rejected": dict(sorted(self.rejected.items())),
            "filtered": dict(sorted(self.filtered.items())),
            "formal": self.formal,
            "joined": self.joined,
            "swapped": self.swapped,
            "duplicates": self.duplicates,
            "converted_simplified": self.converted_simplified,
            "records": self.records,
        }


@dataclass
class BuildReport:
    """What the build did with every line, plus warnings and the numbers per config and split."""

    files: dict[str, FileReport] = field(default_factory=dict)
    set_aside: list[SetAside] = field(default_factory=list)
    set_aside_total: int = 0
    set_aside_pairs: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    warnings_total: int = 0
    skipped_files: list[str] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)

    def add_set_aside(self, item: SetAside) -> None:
        self.set_aside_total += 1
        if len(self.set_aside) < SET_ASIDE_IN_REPORT:
            self.set_aside.append(item)

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < WARNINGS_IN_REPORT:
            self.warnings.append(message)

    def totals(self) -> dict[str, Any]:
        rejected: Counter[str] = Counter()
        filtered: Counter[str] = Counter()
        for f in self.files.values():
            rejected.update(f.rejected)
            filtered.update(f.filtered)
        return {
            "files": len(self.files),
            "lines": sum(f.lines for f in self.files.values()),
            "pairs": sum(f.pairs for f in self.files.values()),
            "unpaired": sum(f.unpaired for f in self.files.values()),
            "rejected": dict(sorted(rejected.items())),
            "pairs_filtered": dict(sorted(filtered.items())),
            "joined": sum(f.joined for f in self.files.values()),
            "swapped": sum(f.swapped for f in self.files.values()),
            "duplicates": sum(f.duplicates for f in self.files.values()),
            "converted_simplified": sum(f.converted_simplified for f in self.files.values()),
            "pairs_set_aside": dict(sorted(self.set_aside_pairs.items())),
            "records": sum(f.records for f in self.files.values()),
        }

    def to_dict(self, counts: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
        for f in self.files.values():
            f.check()
        return {
            "totals": self.totals(),
            "files": [f.to_dict() for f in sorted(self.files.values(), key=lambda f: f.name)],
            "records": {c: dict(sorted(s.items())) for c, s in sorted(counts.items())},
            "set_aside_total": self.set_aside_total,
            "set_aside": [
                {"file": s.file, "line": s.line, "kind": s.kind, "reason": s.reason, "text": s.text}
                for s in self.set_aside
            ],
            "warnings_total": self.warnings_total,
            "warnings": self.warnings,
            "skipped_files": self.skipped_files,
            **self.sections,
        }
