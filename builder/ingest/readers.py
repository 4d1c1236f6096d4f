"""Files -> raw (English, zh) pairs, streamed line by line, with every line accounted for.

Three formats: paired lines (an English line, then its zh line), TSV (`en<TAB>zh`) and JSONL
(`{"en": ..., "zh": ...}`). Files are read in binary one line at a time, never whole, so a bad
line (not UTF-8, a NUL byte) is set aside with its number and the rest of the file still builds.

Accounting, per file: `read_file(f, stats)` fills a `FileStats`; once the iterator is exhausted,
`stats.lines == stats.lines_per_pair * stats.pairs + stats.unpaired + stats.rejected`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import jsonlines

from builder.errors import ConfigError, InputError
from builder.text.language import has_chinese, line_language
from builder.types import RawPair, SetAside, Source

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "LINES_PER_PAIR",
    "REASONS",
    "REJECTED_REASONS",
    "UNPAIRED_REASONS",
    "FileStats",
    "InputFile",
    "read_file",
]

FORMATS = ("lines", "tsv", "jsonl")
EXTENSIONS = {".txt": "lines", ".tsv": "tsv", ".jsonl": "jsonl"}
# Lines one pair takes in each format: a report adds up its lines with it from the first batch on.
LINES_PER_PAIR = {"lines": 2, "tsv": 1, "jsonl": 1}

# Why a line was set aside. The unpaired ones are good lines without a partner; the rest are
# rejected (the line itself is unusable). The report counts the two kinds separately.
UNPAIRED_REASONS = frozenset({"unpaired_en", "unpaired_zh"})
REJECTED_REASONS = frozenset(
    {
        "unknown_language",  # no Latin letter and no CJK character (e.g. "2024", "!!!")
        "not_utf8",
        "nul_byte",
        "tsv_columns",  # a TSV row without exactly one tab
        "tsv_header",  # a first TSV row that reads `en<TAB>zh`
        "invalid_json",  # not parseable, or not a JSON object
        "missing_field",  # no "en"/"zh" string in a JSONL object, or an empty field
        "wrong_language",  # en field not English, or zh field without any Chinese
    }
)
REASONS = UNPAIRED_REASONS | REJECTED_REASONS

_MAX_TEXT = 200  # characters of a set-aside line kept for the report
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read: where it is, the name outputs use for it, and its format."""

    path: Path
    name: str
    format: str


@dataclass(slots=True)
class FileStats:
    """Per-file counts that `read_file` fills in while it streams; they always add up."""

    name: str = ""
    lines_per_pair: int = 2
    lines: int = 0
    pairs: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

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
        """Check lines == lines_per_pair * pairs + unpaired + rejected."""
        return self.lines == self.lines_per_pair * self.pairs + self.unpaired + self.rejected


# --- reading --------------------------------------------------------------------------------


def read_file(f: InputFile, stats: FileStats | None = None) -> Iterator[RawPair | SetAside]:
    """Stream one file's pairs and set-aside lines, filling `stats` as it goes."""
    if f.format not in FORMATS:
        raise ConfigError(f"{f.name}: unknown input format {f.format!r}")
    if stats is None:
        stats = FileStats()
    stats.name = f.name
    stats.lines_per_pair = LINES_PER_PAIR[f.format]
    reader = {"lines": _read_lines, "tsv": _read_tsv, "jsonl": _read_jsonl}[f.format]
    try:
        with open(f.path, "rb") as fh:
            for item in reader(fh, f.name, stats):
                if isinstance(item, RawPair):
                    stats.pairs += 1
                else:
                    stats.reasons[item.reason] += 1
                yield item
    except OSError as exc:
        raise InputError(f"{f.path}: cannot read: {exc.strerror or exc}") from exc


def _set_aside(name: str, line: int, reason: str, text: str | bytes) -> SetAside:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    kind = "unpaired" if reason in UNPAIRED_REASONS else "rejected"
    return SetAside(name, line, reason, text.replace("\x00", "").strip()[:_MAX_TEXT], kind)


def _decoded(fh: BinaryIO, name: str, stats: FileStats) -> Iterator[tuple[int, str | SetAside]]:
    """Yield (line number, text or a SetAside) for each non-blank line, counting it."""
    for number, raw in enumerate(fh, 1):
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            if raw.strip():
                stats.lines += 1
                yield number, _set_aside(name, number, "not_utf8", raw)
            continue
        if text.isspace() or not text:  # str.isspace also knows U+3000
            continue
        stats.lines += 1
        if "\x00" in text:
            yield number, _set_aside(name, number, "nul_byte", text)
        else:
            yield number, text


def _read_lines(fh: BinaryIO, name: str, stats: FileStats) -> Iterator[RawPair | SetAside]:
    pending: tuple[int, str] | None = None  # the English line waiting for its zh line
    for number, item in _decoded(fh, name, stats):
        text = "" if isinstance(item, SetAside) else item.strip()
        language = line_language(text) if text else "bad"
        if language == "zh" and pending is not None:
            yield RawPair(en=pending[1], zh=text, source=Source(name, pending[0], number))
            pending = None
            continue
        if pending is not None:  # anything but a zh line breaks the pairing
            yield _set_aside(name, pending[0], "unpaired_en", pending[1])
            pending = None
        if isinstance(item, SetAside):
            yield item
        elif language == "en":
            pending = (number, text)
        elif language == "zh":
            yield _set_aside(name, number, "unpaired_zh", text)
        else:
            yield _set_aside(name, number, "unknown_language", text)
    if pending is not None:
        yield _set_aside(name, pending[0], "unpaired_en", pending[1])


def _check_fields(name: str, number: int, en: str, zh: str, row: str) -> RawPair | SetAside:
    if not en or not zh:
        return _set_aside(name, number, "missing_field", row)
    # The column says which side is which; only reject what is clearly wrong (swapped columns,
    # an untranslated zh side), not a zh line that leans on English terms.
    if line_language(en) != "en" or not has_chinese(zh):
        return _set_aside(name, number, "wrong_language", row)
    return RawPair(en=en, zh=zh, source=Source(name, number, number))


def _read_tsv(fh: BinaryIO, name: str, stats: FileStats) -> Iterator[RawPair | SetAside]:
    first = True
    for number, text in _decoded(fh, name, stats):
        if isinstance(text, SetAside):
            yield text
            first = False
            continue
        columns = text.split("\t")
        if len(columns) != 2:
            yield _set_aside(name, number, "tsv_columns", text)
        elif first and [c.strip().lower() for c in columns] == ["en", "zh"]:
            yield _set_aside(name, number, "tsv_header", text)
        else:
            yield _check_fields(name, number, columns[0].strip(), columns[1].strip(), text)
        first = False


class _NulByteError(ValueError):
    """Raised inside jsonlines' decoder so that a NUL byte gets its own reason."""


def _loads(line: str) -> object:
    if "\x00" in line:
        raise _NulByteError("NUL byte")
    return json.loads(line)


class _Numbered:
    """Feed a binary file to jsonlines, remembering the number of the last line fed."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.number = 0

    def __iter__(self) -> Iterator[bytes]:
        for number, raw in enumerate(self.fh, 1):
            self.number = number
            yield raw[len(_BOM) :] if number == 1 and raw.startswith(_BOM) else raw


def _read_jsonl(fh: BinaryIO, name: str, stats: FileStats) -> Iterator[RawPair | SetAside]:
    feed = _Numbered(fh)
    reader = jsonlines.Reader(feed, loads=_loads)
    while True:
        try:
            # jsonlines pulls exactly one non-blank line per read, so feed.number is its number.
            value = reader.read(skip_empty=True, allow_none=True)
        except EOFError:
            return
        except jsonlines.InvalidLineError as exc:
            stats.lines += 1
            reason = _JSON_REASONS.get(type(exc.__cause__), "invalid_json")
            yield _set_aside(name, feed.number, reason, exc.line)
            continue
        stats.lines += 1
        if not isinstance(value, dict):
            yield _set_aside(
                name, feed.number, "invalid_json", json.dumps(value, ensure_ascii=False)
            )
            continue
        en, zh = value.get("en"), value.get("zh")
        row = f"{en}\t{zh}"
        if not isinstance(en, str) or not isinstance(zh, str):
            yield _set_aside(name, feed.number, "missing_field", row)
        else:
            yield _check_fields(name, feed.number, en.strip(), zh.strip(), row)


_JSON_REASONS: dict[type, str] = {UnicodeDecodeError: "not_utf8", _NulByteError: "nul_byte"}
