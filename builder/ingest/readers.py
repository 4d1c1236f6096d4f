"""Files -> raw (English, zh) pairs, streamed, with every line accounted for.

Text formats: paired lines (an English line and its zh line, in the order sniffed for the file),
TSV, CSV and JSONL, read through `builder.ingest.stream.HashedLines` (regular files only, bounded
memory, hashed from the bytes read). Table formats (Parquet, `datasets` folders, Hub datasets) are
in `builder.ingest.tables`. A bad line (not UTF-8, a NUL byte, too long) is set aside with its
number and the rest of the file still builds; the counts in `FileStats` add up once the iterator
is exhausted (`builder.ingest.inputs`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import partial

from builder.errors import ConfigError, InputError
from builder.ingest.columns import ColumnPlan, looks_like_header, plan_columns, with_attribution_guess
from builder.ingest.inputs import (
    BYTES_PER_CHAR,
    FORMATS,
    LINES_PER_PAIR,
    MAX_LINE_CHARS,
    TABLE_FORMATS,
    FileStats,
    InputFile,
    check_pair,
    set_aside,
)
from builder.ingest.json_rows import read_jsonl
from builder.ingest.stream import HashedLines, file_sha256, open_regular, shown
from builder.text.language import line_language
from builder.types import RawPair, SetAside, Source

__all__ = ["input_sha256", "read_file"]

_BOM = b"\xef\xbb\xbf"
Decoded = Iterator[tuple[int, "str | SetAside"]]


def read_file(f: InputFile, stats: FileStats | None = None,
              max_line_chars: int = MAX_LINE_CHARS) -> Iterator[RawPair | SetAside]:
    """Stream one file's pairs and set-aside lines, filling `stats` as it goes."""
    if f.format not in FORMATS:
        raise ConfigError(f"{f.name}: unknown input format {f.format!r}")
    if stats is None:
        stats = FileStats()
    stats.name = f.name
    stats.lines_per_pair = LINES_PER_PAIR[f.format]
    if f.format in TABLE_FORMATS:
        from builder.ingest.tables import read_table  # pyarrow and datasets load only for table inputs

        yield from _counted(read_table(f, stats, max_line_chars), stats)
        return
    reader = {"lines": _read_lines, "tsv": _read_tsv, "csv": partial(_read_csv, max_chars=max_line_chars),
              "jsonl": read_jsonl}[f.format]
    fh, info = open_regular(f.path)
    with fh:
        lines = HashedLines(fh, f.name, info, BYTES_PER_CHAR * max_line_chars)
        try:
            yield from _counted(reader(_decoded(lines, f.name, stats, max_line_chars), f, stats), stats)
        except OSError as exc:
            raise InputError(f"{shown(f.path)}: cannot read: {exc.strerror or exc}") from None
        stats.sha256, stats.bytes = lines.finish()


def input_sha256(f: InputFile) -> str:
    """The sha256 `read_file` will report for an input, computed before reading it (for cache keys).

    "" for a Hub dataset: nothing local to hash, so nothing about it is cached.
    """
    if f.format == "hub":
        return ""
    if f.format == "datasets":
        from builder.ingest.tables import folder_sha256

        return folder_sha256(f.path)
    return file_sha256(f.path)


def _counted(items: Iterator[RawPair | SetAside], stats: FileStats) -> Iterator[RawPair | SetAside]:
    for item in items:
        if isinstance(item, RawPair):
            stats.pairs += 1
        else:
            stats.reasons[item.reason] += 1
        yield item


def _decoded(lines: HashedLines, name: str, stats: FileStats, max_chars: int) -> Decoded:
    """Yield (line number, text or a SetAside) for each non-blank line, counting it."""
    number = 0
    for chunk in lines:
        for raw in chunk:  # a plain list: no generator step per line (hot path)
            number += 1
            if raw is None:  # over the byte limit: its bytes were never held together
                stats.lines += 1
                yield number, set_aside(name, number, "line_too_long", lines.heads.popleft())
                continue
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            try:
                text = raw.decode("utf-8").rstrip("\r")
            except UnicodeDecodeError:
                if raw.strip():
                    stats.lines += 1
                    yield number, set_aside(name, number, "not_utf8", raw)
                continue
            if text.isspace() or not text:  # str.isspace also knows U+3000
                continue
            stats.lines += 1
            if len(text) > max_chars:
                yield number, set_aside(name, number, "line_too_long", text)
            elif "\x00" in text:
                yield number, set_aside(name, number, "nul_byte", text)
            else:
                yield number, text


def _read_lines(decoded: Decoded, f: InputFile, stats: FileStats) -> Iterator[RawPair | SetAside]:
    """Pair each line of the leading language with the next line, when that is of the other one."""
    name = f.name
    if f.order == "unclear":  # never pair a line with its neighbour's translation: set all aside
        for number, item in decoded:
            yield item if isinstance(item, SetAside) else set_aside(name, number, "pair_order_unclear", item)
        return
    first, second = ("zh", "en") if f.order == "zh-en" else ("en", "zh")
    pending: tuple[int, str] | None = None  # the leading line waiting for its partner
    for number, item in decoded:
        text = "" if isinstance(item, SetAside) else item.strip()
        language = line_language(text) if text else "bad"
        if language == second and pending is not None:
            en, zh = (pending, (number, text)) if first == "en" else ((number, text), pending)
            yield RawPair(en[1], zh[1], Source(name, en[0], zh[0]), None, f.attribution, f.license)
            pending = None
            continue
        if pending is not None:  # anything but the partner breaks the pairing
            yield set_aside(name, pending[0], f"unpaired_{first}", pending[1])
            pending = None
        if isinstance(item, SetAside):
            yield item
        elif language == first:
            pending = (number, text)
        elif language == second:
            yield set_aside(name, number, f"unpaired_{second}", text)
        else:
            yield set_aside(name, number, "unknown_language", text)
    if pending is not None:
        yield set_aside(name, pending[0], f"unpaired_{first}", pending[1])


class _Rows:
    """Turn the cells of TSV/CSV rows into pairs: finds the header and the column plan on row one."""

    def __init__(self, f: InputFile, stats: FileStats, columns_reason: str) -> None:
        self.f, self.stats, self.columns_reason = f, stats, columns_reason
        self.plan: ColumnPlan | None = None
        self.simple = False  # rows of two cells are (en, zh): the caller's fast path

    def item(self, number: int, cells: list[str], row: str) -> RawPair | SetAside:
        """The pair (or set-aside line) of one row."""
        plan = self.plan
        if plan is None:
            columns = self.f.columns
            named = columns is not None and not columns.uses_positions
            header = named or looks_like_header(cells)
            plan = plan_columns(columns, [c.strip() for c in cells] if header else None, self.f.name)
            plan = self.plan = plan if header else with_attribution_guess(plan, cells)
            self.simple = plan.simple
            self.stats.columns = plan.describe()
            if header:
                return set_aside(self.f.name, number, "header", row)
        if len(cells) < plan.needed:
            return set_aside(self.f.name, number, self.columns_reason, row)
        attribution = "" if plan.attribution is None else cells[plan.attribution].strip()
        return check_pair(self.f, number, cells[plan.en].strip(), cells[plan.zh].strip(), row,
                          self.stats, plan.meta(cells), attribution)


def _read_tsv(decoded: Decoded, f: InputFile, stats: FileStats) -> Iterator[RawPair | SetAside]:
    rows = _Rows(f, stats, "tsv_columns")
    simple = False
    for number, text in decoded:
        if isinstance(text, SetAside):
            yield text
            continue
        cells = text.split("\t")
        if simple and len(cells) == 2:  # the common shape: no plan to consult (hot path)
            yield check_pair(f, number, cells[0].strip(), cells[1].strip(), text, stats)
        else:
            yield rows.item(number, cells, text)
            simple = rows.simple


class _CsvFeed:
    """Feed decoded lines to csv.reader, noting the first line number and line count of each row."""

    def __init__(self, decoded: Decoded) -> None:
        self.decoded = decoded
        self.first = 0
        self.count = 0
        self.bad: list[SetAside] = []  # lines set aside while the current row was read

    def __iter__(self) -> Iterator[str]:
        for number, text in self.decoded:
            if isinstance(text, SetAside):
                self.bad.append(text)
                continue
            if not self.count:
                self.first = number
            self.count += 1
            yield text + "\n"  # csv keeps newlines inside quoted fields only if the lines end in one


def _read_csv(decoded: Decoded, f: InputFile, stats: FileStats,
              max_chars: int = MAX_LINE_CHARS) -> Iterator[RawPair | SetAside]:
    feed, rows = _CsvFeed(decoded), _Rows(f, stats, "csv_columns")
    reader = csv.reader(feed, delimiter=f.delimiter or ",")
    while True:
        feed.count = 0
        try:
            cells: list[str] | None = next(reader)
        except StopIteration:
            cells = None
        except csv.Error:
            cells = []
        yield from feed.bad
        feed.bad.clear()
        if not feed.count:
            return
        stats.joined += feed.count - 1
        row = "\t".join(cells) if cells else ""
        if feed.count > 1 and any(len(cell) > max_chars for cell in cells or ()):  # csv caps a field at 128 K
            yield set_aside(f.name, feed.first, "line_too_long", row)
        elif cells:
            yield rows.item(feed.first, cells, row)
        else:
            yield set_aside(f.name, feed.first, "invalid_csv", row)
        if cells is None:
            return
