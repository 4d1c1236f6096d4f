"""Files -> raw (English, zh) pairs, streamed line by line, with every line accounted for.

Three formats: paired lines (an English line, then its zh line), TSV (`en<TAB>zh`) and JSONL
(`{"en": ..., "zh": ...}`). Files are read in binary one line at a time, never whole, so a bad
line (not UTF-8, a NUL byte) is set aside with its number and the rest of the file still builds.

Accounting, per file: `read_file(f, stats)` fills a `FileStats`; once the iterator is exhausted,
`stats.lines == stats.lines_per_pair * stats.pairs + stats.unpaired + stats.rejected`.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import jsonlines

from builder.errors import ConfigError, InputError
from builder.output import is_twcasual_output
from builder.types import SetAside, Source

__all__ = [
    "FORMATS",
    "REASONS",
    "UNPAIRED_REASONS",
    "Discovery",
    "FileStats",
    "InputFile",
    "RawPair",
    "discover",
    "line_language",
    "read_file",
]

FORMATS = ("lines", "tsv", "jsonl")
EXTENSIONS = {".txt": "lines", ".tsv": "tsv", ".jsonl": "jsonl"}

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
class RawPair:
    """An English text and its zh text as read, before normalisation."""

    en: str
    zh: str
    source: Source

    def __reduce__(self) -> tuple[type, tuple[str, str, Source]]:
        # positional rebuild: raw pairs cross to worker processes by the million (hot path)
        return (RawPair, (self.en, self.zh, self.source))


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


class Discovery(list[InputFile]):
    """The files `discover` found, in build order, plus `skipped`: names it passed over."""

    __slots__ = ("skipped",)

    def __init__(self, files: Iterable[InputFile] = (), skipped: Iterable[str] = ()) -> None:
        super().__init__(files)
        self.skipped: tuple[str, ...] = tuple(skipped)


# --- language -------------------------------------------------------------------------------

_CJK = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han (incl. ext. A, compatibility)
    "\u3100-\u312f\u31a0-\u31bf"  # bopomofo: casual zh-TW writes ㄋㄟ, ㄅㄅ
    "\U00020000-\U0003134f"  # Han extensions B-H
)
_NOT_CJK = re.compile(f"[^{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_NOT_LATIN = re.compile("[^A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
# Weigh a hanzi like a short English word: parallel en/zh text runs about three Latin letters
# per hanzi. Up to ZH_WEIGHT letters per hanzi, the hanzi clearly carry the line: Chinese, however
# many English terms it borrows. Beyond EN_WEIGHT letters per hanzi, it is English with a name in
# it. In between (a zh line of product names, an English line with several hanzi names), English
# function words decide: casual zh lines borrow nouns, not "the/to/at". tests/test_ingest.py
# holds the lines these numbers were chosen on.
ZH_WEIGHT = 2
EN_WEIGHT = 8
_FUNCTION_WORD = re.compile(
    r"\b(?:the|a|an|to|of|in|on|at|is|are|was|were|be|will|would|can|could|should|and|or|"
    r"for|with|from|by|that|this|it|you|we|they|he|she|i|me|my|your|our|his|her|their|"
    r"please|has|have|had|not|do|does|did)\b",
    re.IGNORECASE,
)


_ASCII_LETTER = re.compile("[A-Za-z]")


def line_language(text: str) -> str:
    """Say whether a line is English ("en"), Chinese ("zh") or neither ("unknown")."""
    if text.isascii():  # most English lines: no CJK possible, skip the counting (hot path)
        return "en" if _ASCII_LETTER.search(text) else "unknown"
    cjk = len(_NOT_CJK.sub("", text))
    latin = len(_NOT_LATIN.sub("", text))
    if cjk == 0:
        return "en" if latin else "unknown"
    if cjk * ZH_WEIGHT >= latin:
        return "zh"
    if cjk * EN_WEIGHT < latin:
        return "en"
    return "en" if _FUNCTION_WORD.search(text) else "zh"


def _has_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None


# --- discovery ------------------------------------------------------------------------------


def discover(inputs: Sequence[Path], format: str = "auto") -> Discovery:
    """List the files to read from files and folders, in a stable order, with their formats."""
    if format != "auto" and format not in FORMATS:
        raise ConfigError(f"unknown input format {format!r} (use lines, tsv or jsonl)")
    found = Discovery()
    skipped: list[str] = []
    seen: set[Path] = set()
    names: dict[str, Path] = {}
    for given in inputs:
        path = Path(given)
        output = _inside_output(path)
        if output is not None:
            raise InputError(f"{given}: {'is' if output == path else 'lies inside'} a twcasual output "
                             f"({output}); a build never reads its own outputs back")
        if path.is_dir():
            candidates, passed_over = _walk(path)
            skipped.extend(passed_over)
        elif path.exists():
            if format == "auto" and path.suffix.lower() not in EXTENSIONS:
                raise InputError(f"{given}: unknown input format (use --format lines|tsv|jsonl)")
            candidates = [(path.name, path)]
        else:
            raise InputError(f"{given}: no such file or folder")
        for name, file in candidates:
            real = file.resolve()
            if real in seen:  # the same file named twice: reading it again only makes duplicates
                continue
            if name in names:
                raise InputError(f"{file}: same name {name!r} as {names[name]}; rename one")
            seen.add(real)
            names[name] = file
            # In a folder only known extensions are picked; an explicit format then says how
            # to parse them (and any explicitly named file).
            fmt = EXTENSIONS[file.suffix.lower()] if format == "auto" else format
            found.append(InputFile(path=file.absolute(), name=name, format=fmt))
    found.skipped = tuple(skipped)
    return found


def _inside_output(path: Path) -> Path | None:
    """The twcasual output folder that `path` is or lies in, if any."""
    for folder in (path, *path.absolute().parents) if path.is_dir() else path.absolute().parents:
        if is_twcasual_output(folder):
            return folder
    return None


def _unreadable_folder(exc: OSError) -> None:
    # os.walk skips folders it cannot list unless told otherwise: that would drop data silently.
    raise InputError(f"{exc.filename}: cannot read: {exc.strerror or exc}") from exc


def _walk(root: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """Return (name, path) of readable-format files under root, sorted by name, and the rest."""
    files: list[tuple[str, Path]] = []
    skipped: list[str] = []
    for folder, dirs, filenames in os.walk(root, onerror=_unreadable_folder):
        rel = Path(folder).relative_to(root)
        outputs = [d for d in dirs if not d.startswith(".") and is_twcasual_output(Path(folder) / d)]
        skipped.extend(f"{(rel / d).as_posix()}/ (a twcasual output)" for d in outputs)
        # .git, .cache: never data; twcasual outputs: never read back as input
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in outputs]
        for filename in filenames:
            if filename.startswith("."):
                continue
            name = (rel / filename).as_posix()
            if Path(filename).suffix.lower() in EXTENSIONS:
                files.append((name, Path(folder) / filename))
            else:
                skipped.append(name)
    files.sort(key=lambda item: item[0])
    skipped.sort()
    return files, skipped


# --- reading --------------------------------------------------------------------------------


def read_file(f: InputFile, stats: FileStats | None = None) -> Iterator[RawPair | SetAside]:
    """Stream one file's pairs and set-aside lines, filling `stats` as it goes."""
    if f.format not in FORMATS:
        raise ConfigError(f"{f.name}: unknown input format {f.format!r}")
    if stats is None:
        stats = FileStats()
    stats.name = f.name
    stats.lines_per_pair = 2 if f.format == "lines" else 1
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
    return SetAside(name, line, reason, text.replace("\x00", "").strip()[:_MAX_TEXT])


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
    if line_language(en) != "en" or not _has_cjk(zh):
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
