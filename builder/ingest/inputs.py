"""What every reader shares: the file to read (`InputFile`), its counts (`FileStats`), the reasons a
line is set aside, and the two ways a row ends: a raw pair, or a set-aside line.

Accounting, per file: once a reader's iterator is exhausted,
`stats.lines == stats.lines_per_pair * stats.pairs + stats.unpaired + stats.rejected + stats.joined`
(`joined`: the extra physical lines of CSV rows whose quoted fields span lines).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder.ingest.columns import Columns
from builder.ingest.sources import MAX_LINE_CHARS, HubSpec, InputSource
from builder.text.language import has_chinese, line_language
from builder.types import RawPair, SetAside, Source

__all__ = ["BYTES_PER_CHAR", "FORMATS", "LINES_PER_PAIR", "MAX_LINE_CHARS", "REASONS", "REJECTED_REASONS",
           "TABLE_FORMATS", "UNPAIRED_REASONS", "FileStats", "InputFile", "check_pair", "checked_texts",
           "set_aside"]

FORMATS = ("lines", "tsv", "csv", "jsonl", "parquet", "datasets", "hub")
TABLE_FORMATS = frozenset({"parquet", "datasets", "hub"})
# Lines one pair takes in each format: a report adds up its lines with it from the first batch on.
LINES_PER_PAIR = {name: 2 if name == "lines" else 1 for name in FORMATS}
BYTES_PER_CHAR = 4  # the byte limit while reading: no UTF-8 character is longer

# Why a line was set aside. The unpaired ones are good lines without a partner; the rest are
# rejected (the line itself is unusable). The report counts the two kinds separately.
UNPAIRED_REASONS = frozenset({"unpaired_en", "unpaired_zh"})
REJECTED_REASONS = frozenset(
    {
        "unknown_language",  # no Latin letter and no CJK character (e.g. "2024", "!!!")
        "not_utf8",
        "nul_byte",
        "line_too_long",  # over max_line_chars: dropped while reading, never held whole
        "header",  # a first row that names the columns
        "tsv_columns",  # a TSV row with too few columns for the mapping
        "csv_columns",  # the same for CSV
        "invalid_csv",  # a row the csv module cannot parse (e.g. a field over its size limit)
        "invalid_json",  # not parseable, or not a JSON object
        "json_too_deep",  # nested deeper than the parser's recursion limit
        "missing_field",  # no en/zh text in the row, or an empty one
        "wrong_language",  # en not English, or zh without any Chinese (and not simply swapped)
        "pair_order_unclear",  # paired lines where it cannot be told which line of a pair comes first
    }
)
REASONS = UNPAIRED_REASONS | REJECTED_REASONS

_MAX_TEXT = 200  # characters of a set-aside line kept for the report


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file (or dataset) to read: where it is, the name outputs use for it, and how to read it.

    `sniffed` says why the file got its reader ("tsv (sniffed: 50 of 50 lines have a tab)");
    `order` which line of a pair comes first in paired lines ("en-zh", "zh-en" or "unclear");
    `license` and `attribution` are what its pairs carry unless a row names its own attribution.
    """

    path: Path
    name: str
    format: str
    sniffed: str = ""
    columns: Columns | None = None
    delimiter: str = ""  # CSV; "" means ","
    split: str = ""  # a split of a DatasetDict folder or of a Hub dataset
    hub: HubSpec | None = None
    source: InputSource | None = None
    order: str = "en-zh"
    license: str = ""
    attribution: str = ""

    def reading(self) -> dict[str, str]:
        """What decides how the file is read and what its pairs carry (for cache keys)."""
        return {"format": self.format, "sniffed": self.sniffed, "columns": str(self.columns or ""),
                "delimiter": self.delimiter, "split": self.split, "hub": repr(self.hub), "order": self.order,
                "license": self.license, "attribution": self.attribution}


@dataclass(slots=True)
class FileStats:
    """Per-file counts that a reader fills in while it streams; they always add up."""

    name: str = ""
    lines_per_pair: int = 2
    lines: int = 0
    pairs: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    joined: int = 0  # physical lines that continue a CSV row (a quoted field with newlines)
    swapped: int = 0  # pairs read the other way round: the en column held Chinese, zh English
    columns: str = ""  # which columns were read as what, e.g. "en=English, zh=Chinese (header)"
    sha256: str = ""  # of the bytes read ("" for a Hub dataset: nothing local to hash)
    bytes: int = 0

    @property
    def unpaired(self) -> int:
        """Count the lines set aside for want of a partner."""
        return sum(n for r, n in self.reasons.items() if r in UNPAIRED_REASONS)

    @property
    def rejected(self) -> int:
        """Count the lines set aside because they are unusable."""
        return sum(n for r, n in self.reasons.items() if r not in UNPAIRED_REASONS)

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        """Map each rejection reason to its count, sorted by reason."""
        return {r: n for r, n in sorted(self.reasons.items()) if r not in UNPAIRED_REASONS}

    def adds_up(self) -> bool:
        """Check lines == lines_per_pair * pairs + unpaired + rejected + joined."""
        return self.lines == self.lines_per_pair * self.pairs + self.unpaired + self.rejected + self.joined


def set_aside(name: str, line: int, reason: str, text: str | bytes) -> SetAside:
    """Set a line aside with its reason, keeping the start of its text for the report."""
    if isinstance(text, bytes):
        text = text[: 4 * _MAX_TEXT].decode("utf-8", "replace")
    kind = "unpaired" if reason in UNPAIRED_REASONS else "rejected"
    return SetAside(name, line, reason, text[: 2 * _MAX_TEXT].replace("\x00", "").strip()[:_MAX_TEXT], kind)


def check_pair(f: InputFile, number: int, en: str, zh: str, row: str, stats: FileStats,
               meta: Mapping[str, str] | None = None, attribution: str = "") -> RawPair | SetAside:
    """Make a pair of a row's two texts, read the other way round if swapped, else set it aside.

    `attribution` is the row's own (an attribution column); without one the file's line is used.
    """
    texts = checked_texts(f, number, en, zh, row, stats)
    if isinstance(texts, SetAside):
        return texts
    return RawPair(texts[0], texts[1], Source(f.name, number, number), meta, attribution or f.attribution, f.license)


def checked_texts(f: InputFile, number: int, en: str, zh: str, row: str,
                  stats: FileStats) -> tuple[str, str] | SetAside:
    """A row's two texts as (en, zh), the other way round if swapped; else the row set aside, with why."""
    if not en or not zh:
        return set_aside(f.name, number, "missing_field", row)
    # The column says which side is which; only reject what is clearly wrong (an untranslated
    # side), not a zh line that leans on English terms.
    if line_language(en) == "en" and has_chinese(zh):
        return en, zh
    if line_language(en) == "zh" and line_language(zh) == "en":  # the columns are the wrong way round
        stats.swapped += 1
        return zh, en
    return set_aside(f.name, number, "wrong_language", row)
