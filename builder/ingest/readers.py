"""Files -> raw (English, zh) pairs, streamed in batches of columns (`RawBatch`), with every line
accounted for; `read_file` gives the same pairs one by one, in reading order with the lines set aside.

Text formats: paired lines (an English line and its zh line, in the order sniffed for the file),
TSV, CSV and JSONL, read through `builder.ingest.stream.HashedLines` (regular files only, bounded
memory, hashed from the bytes read). Table formats (Parquet, `datasets` folders, Hub datasets) are
in `builder.ingest.tables`. A bad line (not UTF-8, a NUL byte, too long) is set aside with its
number and the rest of the file still builds; the counts in `FileStats` add up once the iterator
is exhausted (`builder.ingest.inputs`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Generator, Iterator
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
    checked_texts,
    set_aside,
)
from builder.ingest.json_rows import read_jsonl
from builder.ingest.raw_batch import RawBatch
from builder.ingest.stream import HashedLines, file_sha256, open_regular, shown
from builder.text.language import line_language
from builder.types import RawPair, SetAside

__all__ = ["input_sha256", "raw_batches", "read_file"]

_BOM = b"\xef\xbb\xbf"
Decoded = Iterator[tuple[list[int], list["str | SetAside"]]]  # numbers and texts, a chunk at a time
Lines = Iterator[tuple[int, "str | SetAside"]]  # the same, line by line


def read_file(f: InputFile, stats: FileStats | None = None,
              max_line_chars: int = MAX_LINE_CHARS) -> Iterator[RawPair | SetAside]:
    """Stream one file's pairs and set-aside lines in reading order, filling `stats` as it goes."""
    aside: list[SetAside] = []
    for batch in raw_batches(f, 1, aside, stats, max_line_chars):  # one pair a batch: the order stays exact
        yield from aside
        aside.clear()
        yield from batch
    yield from aside


def raw_batches(f: InputFile, size: int, set_aside: list[SetAside], stats: FileStats | None = None,
                max_line_chars: int = MAX_LINE_CHARS) -> Iterator[RawBatch]:
    """Stream one file in batches of `size` raw pairs, putting each line set aside in `set_aside` as it is read.

    A line read before a batch's last pair is in `set_aside` when the batch comes; the short last
    batch comes after every line is read; `stats` adds up once the iterator is exhausted.
    """
    if f.format not in FORMATS:
        raise ConfigError(f"{f.name}: unknown input format {f.format!r}")
    if stats is None:
        stats = FileStats()
    stats.name = f.name
    stats.lines_per_pair = LINES_PER_PAIR[f.format]
    put_aside = _counted(stats, set_aside)
    if f.format in TABLE_FORMATS:
        from builder.ingest.tables import read_table  # pyarrow and datasets load only for table inputs

        yield from _with_rest(_batched(read_table(f, stats, max_line_chars), f, stats, put_aside, size), stats)
        return
    fh, info = open_regular(f.path)
    with fh:
        lines = HashedLines(fh, f.name, info, BYTES_PER_CHAR * max_line_chars)
        chunks = _decoded(lines, f.name, stats, max_line_chars)
        if f.format in ("lines", "tsv"):  # the common formats fill the batch's columns themselves
            batches = (_read_lines if f.format == "lines" else _read_tsv)(chunks, f, stats, put_aside, size)
        else:
            reader = partial(_read_csv, max_chars=max_line_chars) if f.format == "csv" else read_jsonl
            batches = _batched(reader(_each(chunks), f, stats), f, stats, put_aside, size)
        try:
            yield from _with_rest(batches, stats)
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


def _counted(stats: FileStats, set_aside: list[SetAside]) -> Callable[[SetAside], None]:
    """A function that puts a line aside and counts it under its reason."""
    reasons, append = stats.reasons, set_aside.append

    def put_aside(item: SetAside) -> None:
        reasons[item.reason] += 1
        append(item)

    return put_aside


def _with_rest(batches: Generator[RawBatch, None, RawBatch], stats: FileStats) -> Iterator[RawBatch]:
    """A reader's full batches, then the one it returns (the rest), if it holds any pair."""
    rest = yield from batches
    if rest:
        stats.pairs += len(rest)
        yield rest


def _batched(items: Iterator[RawPair | SetAside], f: InputFile, stats: FileStats,
             put_aside: Callable[[SetAside], None], size: int) -> Generator[RawBatch, None, RawBatch]:
    """Gather a reader's pairs into batches (yielded when full) and put its set-aside lines aside; return the rest."""
    batch = RawBatch(f.name, f.license)
    for item in items:
        if isinstance(item, SetAside):
            put_aside(item)
            continue
        source = item.source  # of this file, as is the pair's license
        batch.add(item.en, item.zh, source.en_line, source.zh_line, item.meta, item.attribution)
        if len(batch) >= size:
            stats.pairs += len(batch)
            yield batch
            batch = RawBatch(f.name, f.license)
    return batch


def _decoded(lines: HashedLines, name: str, stats: FileStats, max_chars: int) -> Decoded:
    """Yield, chunk by chunk, the numbers and texts (or SetAsides) of the non-blank lines, counting them."""
    number = 0
    for chunk in lines:
        numbers: list[int] = []
        items: list[str | SetAside] = []
        for raw in chunk:  # a plain list: no generator step per line (hot path)
            number += 1
            item: str | SetAside
            if raw is None:  # over the byte limit: its bytes were never held together
                item = set_aside(name, number, "line_too_long", lines.heads.popleft())
            else:
                if number == 1 and raw.startswith(_BOM):
                    raw = raw[len(_BOM) :]
                try:
                    text = raw.decode("utf-8").rstrip("\r")
                except UnicodeDecodeError:
                    if not raw.strip():
                        continue
                    item = set_aside(name, number, "not_utf8", raw)
                else:
                    if text.isspace() or not text:  # str.isspace also knows U+3000
                        continue
                    if len(text) > max_chars:
                        item = set_aside(name, number, "line_too_long", text)
                    elif "\x00" in text:
                        item = set_aside(name, number, "nul_byte", text)
                    else:
                        item = text
            numbers.append(number)
            items.append(item)
        stats.lines += len(numbers)
        yield numbers, items


def _each(chunks: Decoded) -> Lines:
    """The decoded lines one by one, for the readers that take a row at a time."""
    for numbers, items in chunks:
        yield from zip(numbers, items)


def _read_lines(chunks: Decoded, f: InputFile, stats: FileStats, put_aside: Callable[[SetAside], None],
                size: int) -> Generator[RawBatch, None, RawBatch]:
    """Pair each line of the leading language with the next line, when that is of the other one.

    The pairs go straight into the batch's columns (no `RawPair` per pair: the main process's hot
    path); every other line is put aside where it is met. Returns the batch not yet full.
    """
    name = f.name
    if f.order == "unclear":  # never pair a line with its neighbour's translation: set all aside
        for number, item in _each(chunks):
            put_aside(item if isinstance(item, SetAside) else set_aside(name, number, "pair_order_unclear", item))
        return RawBatch(name, f.license)
    first, second = ("zh", "en") if f.order == "zh-en" else ("en", "zh")
    # the batch being filled, by side: the leading lines and their partners, with their numbers
    leading: list[str] = []
    partners: list[str] = []
    leading_at: list[int] = []
    partners_at: list[int] = []
    pending: str | None = None  # the leading line waiting for its partner
    pending_at = 0
    for numbers, items in chunks:
        for number, item in zip(numbers, items):
            text = "" if isinstance(item, SetAside) else item.strip()
            language = line_language(text) if text else "bad"
            if language == second and pending is not None:
                leading.append(pending)
                leading_at.append(pending_at)
                partners.append(text)
                partners_at.append(number)
                pending = None
                if len(leading) >= size:
                    batch = _lines_batch(f, first, leading, partners, leading_at, partners_at)
                    stats.pairs += len(batch)
                    yield batch
                    leading, partners, leading_at, partners_at = [], [], [], []
                continue
            if pending is not None:  # anything but the partner breaks the pairing
                put_aside(set_aside(name, pending_at, f"unpaired_{first}", pending))
                pending = None
            if isinstance(item, SetAside):
                put_aside(item)
            elif language == first:
                pending, pending_at = text, number
            elif language == second:
                put_aside(set_aside(name, number, f"unpaired_{second}", text))
            else:
                put_aside(set_aside(name, number, "unknown_language", text))
    if pending is not None:
        put_aside(set_aside(name, pending_at, f"unpaired_{first}", pending))
    return _lines_batch(f, first, leading, partners, leading_at, partners_at)


def _lines_batch(f: InputFile, first: str, leading: list[str], partners: list[str], leading_at: list[int],
                 partners_at: list[int]) -> RawBatch:
    """The batch of paired lines, en first; no meta, and the file's attribution, for every pair."""
    count = len(leading)
    if first == "en":
        return RawBatch(f.name, f.license, leading, partners, leading_at, partners_at, [None] * count,
                        [f.attribution] * count)
    return RawBatch(f.name, f.license, partners, leading, partners_at, leading_at, [None] * count,
                    [f.attribution] * count)


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


def _read_tsv(chunks: Decoded, f: InputFile, stats: FileStats, put_aside: Callable[[SetAside], None],
              size: int) -> Generator[RawBatch, None, RawBatch]:
    """Make a pair of each row; rows of two cells go straight into the batch's columns. Returns the rest."""
    rows = _Rows(f, stats, "tsv_columns")
    simple = False
    batch = RawBatch(f.name, f.license)
    for numbers, texts in chunks:
        for number, text in zip(numbers, texts):
            if isinstance(text, SetAside):
                put_aside(text)
                continue
            cells = text.split("\t")
            if simple and len(cells) == 2:  # the common shape: no plan to consult, no RawPair (hot path)
                made = checked_texts(f, number, cells[0].strip(), cells[1].strip(), text, stats)
                if isinstance(made, SetAside):
                    put_aside(made)
                    continue
                batch.add(made[0], made[1], number, number, None, f.attribution)
            else:
                item = rows.item(number, cells, text)
                simple = rows.simple
                if isinstance(item, SetAside):
                    put_aside(item)
                    continue
                batch.add(item.en, item.zh, number, number, item.meta, item.attribution)
            if len(batch) >= size:
                stats.pairs += len(batch)
                yield batch
                batch = RawBatch(f.name, f.license)
    return batch


class _CsvFeed:
    """Feed decoded lines to csv.reader, noting the first line number and line count of each row."""

    def __init__(self, decoded: Lines) -> None:
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


def _read_csv(decoded: Lines, f: InputFile, stats: FileStats,
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
