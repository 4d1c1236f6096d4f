"""Ingest: discovery, the three formats and per-file accounting (the language of a line: test_language.py)."""

from __future__ import annotations

import errno
import io
import json
import os
from pathlib import Path

import pytest
from readcheck import read_checked

from builder.errors import ConfigError, InputError
from builder.ingest.discover import discover
from builder.ingest.inputs import REASONS, REJECTED_REASONS, UNPAIRED_REASONS, InputFile
from builder.ingest.readers import read_file
from builder.types import RawPair, Source

EN1 = "The train to Hualien leaves at 7:40 tomorrow morning."
ZH1 = "明天早上7:40的火車去花蓮喔，不要遲到啦"
EN2 = "Could you please send me the revised budget by Friday?"
ZH2 = "修改過的預算禮拜五前傳給我好嗎？拜託啦"
EN3 = "I have already booked a table for four people."
ZH3 = "我已經訂好四個人的位子了啦"


def _read(tmp_path: Path, data: bytes | str, fmt: str = "lines", name: str = "in.txt"):
    """Write data to a file, read it back; return (pairs, set-asides, stats) after checking."""
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_checked(InputFile(path=path, name=name, format=fmt))


# --- paired lines ---------------------------------------------------------------------------


def test_paired_lines_make_pairs_with_both_line_numbers(tmp_path: Path) -> None:
    """English then zh lines pair up; blank lines are ignored and not counted."""
    pairs, aside, stats = _read(tmp_path, f"{EN1}\n{ZH1}\n\n\n{EN2}\n\n{ZH2}\n")
    assert aside == []
    assert pairs == [
        RawPair(EN1, ZH1, Source("in.txt", 1, 2)),
        RawPair(EN2, ZH2, Source("in.txt", 5, 7)),
    ]
    assert (stats.lines, stats.pairs, stats.lines_per_pair) == (4, 2, 2)


def test_caption_at_the_top_is_unpaired_zh(tmp_path: Path) -> None:
    """A zh caption with no English line before it is set aside; the pairs after it build."""
    pairs, aside, stats = _read(tmp_path, f"週末美食特輯\n{EN1}\n{ZH1}\n")
    assert [(a.line, a.reason, a.text) for a in aside] == [(1, "unpaired_zh", "週末美食特輯")]
    assert pairs == [RawPair(EN1, ZH1, Source("in.txt", 2, 3))]
    assert (stats.unpaired, stats.rejected) == (1, 0)


def test_two_english_lines_in_a_row_set_the_first_aside(tmp_path: Path) -> None:
    """Of two English lines in a row, the first is unpaired and the second pairs."""
    pairs, aside, _ = _read(tmp_path, f"{EN1}\n{EN2}\n{ZH2}\n")
    assert [(a.line, a.reason) for a in aside] == [(1, "unpaired_en")]
    assert aside[0].text == EN1
    assert pairs == [RawPair(EN2, ZH2, Source("in.txt", 2, 3))]


def test_english_at_the_end_is_unpaired(tmp_path: Path) -> None:
    """A last English line without its zh line is set aside at the end of the file."""
    pairs, aside, stats = _read(tmp_path, f"{EN1}\n{ZH1}\n{EN3}")
    assert len(pairs) == 1
    assert [(a.line, a.reason) for a in aside] == [(3, "unpaired_en")]
    assert (stats.lines, stats.unpaired) == (3, 1)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    """A UTF-8 BOM and CRLF line ends leave no trace in the texts."""
    data = b"\xef\xbb\xbf" + f"{EN1}\r\n{ZH1}\r\n\r\n{EN2}\r\n{ZH2}\r\n".encode()
    pairs, aside, _ = _read(tmp_path, data)
    assert aside == []
    assert [(p.en, p.zh) for p in pairs] == [(EN1, ZH1), (EN2, ZH2)]


def test_bad_utf8_is_set_aside_with_its_line_number_and_the_build_goes_on(tmp_path: Path) -> None:
    """A line that is not UTF-8 is set aside; the English line before it becomes unpaired."""
    data = (
        f"{EN1}\n{ZH1}\n{EN2}\n".encode()
        + "修改過的預算".encode("big5")
        + f"\n{EN3}\n{ZH3}\n".encode()
    )
    pairs, aside, stats = _read(tmp_path, data)
    assert [(a.line, a.reason) for a in aside] == [(3, "unpaired_en"), (4, "not_utf8")]
    assert [p.source.en_line for p in pairs] == [1, 5]
    assert stats.rejected_by_reason == {"not_utf8": 1}
    assert (stats.lines, stats.unpaired, stats.rejected) == (6, 1, 1)


def test_nul_byte_is_set_aside(tmp_path: Path) -> None:
    """A line with a NUL byte is set aside with that reason and without the NUL in its text."""
    pairs, aside, _ = _read(tmp_path, f"{EN1}\n明天\x00見\n{EN2}\n{ZH2}\n".encode())
    assert [(a.line, a.reason) for a in aside] == [(1, "unpaired_en"), (2, "nul_byte")]
    assert aside[1].text == "明天見"
    assert len(pairs) == 1


def test_line_without_letters_breaks_pairing(tmp_path: Path) -> None:
    """A line of digits between the English and zh line sets all three aside."""
    pairs, aside, stats = _read(tmp_path, f"{EN1}\n2024-05-01\n{ZH1}\n")
    assert pairs == []
    assert [(a.line, a.reason) for a in aside] == [
        (1, "unpaired_en"),
        (2, "unknown_language"),
        (3, "unpaired_zh"),
    ]
    assert (stats.unpaired, stats.rejected) == (2, 1)


def test_set_aside_text_is_truncated(tmp_path: Path) -> None:
    """Set-aside lines keep at most 200 characters of text for the report."""
    _, aside, _ = _read(tmp_path, "好" * 500 + "\n")
    assert aside[0].reason == "unpaired_zh"
    assert aside[0].text == "好" * 200


def test_unreadable_file_raises_one_line_input_error(tmp_path: Path) -> None:
    """A path that cannot be read gives an InputError of one line naming it."""
    folder = tmp_path / "looks_like_a_file.txt"
    folder.mkdir()
    with pytest.raises(InputError) as info:
        list(read_file(InputFile(path=folder, name=folder.name, format="lines")))
    message = str(info.value)
    assert message == f"{folder}: a folder, not a regular file; only regular files are read"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_file_without_permission_raises_input_error(tmp_path: Path) -> None:
    """A file without read permission gives a one-line InputError."""
    path = tmp_path / "locked.txt"
    path.write_text(f"{EN1}\n{ZH1}\n", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match="cannot read: Permission denied"):
        list(read_file(InputFile(path=path, name="locked.txt", format="lines")))


class _FailingFile(io.BytesIO):
    """A file whose second read fails with an I/O error, as a dying disk would."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell():
            raise OSError(errno.EIO, "Input/output error")
        self.seek(1)
        return f"{EN1}\n".encode()


def test_io_error_while_reading_raises_one_line_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError in the middle of a file becomes a one-line InputError naming the file."""
    path = tmp_path / "disk.txt"
    path.write_text(f"{EN1}\n{ZH1}\n", encoding="utf-8")
    monkeypatch.setattr("builder.ingest.readers.open_regular", lambda p: (_FailingFile(), os.stat(p)))
    items = read_file(InputFile(path=path, name="disk.txt", format="lines"))
    with pytest.raises(InputError) as info:
        list(items)
    assert str(info.value) == f"{path}: cannot read: Input/output error"


def test_permission_error_raises_one_line_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that cannot be opened for lack of permission gives a one-line InputError."""

    path = tmp_path / "locked.tsv"
    path.write_text(f"{EN1}\t{ZH1}\n", encoding="utf-8")
    real_open = os.open

    def refuse(file: object, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:  # tests may run as root: simulate the refusal
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InputError) as info:
        list(read_file(InputFile(path=path, name="locked.tsv", format="tsv")))
    assert str(info.value) == f"{path}: cannot read: Permission denied"


# --- TSV and JSONL --------------------------------------------------------------------------


def test_tsv_good_and_bad_rows(tmp_path: Path) -> None:
    """TSV rows pair on one line; a third column goes to meta, swapped columns are read swapped; bad rows
    are set aside by reason and counted once each."""
    rows = [
        "en\tzh",  # 1 header
        f"{EN1}\t{ZH1}",  # 2 good
        f"{EN2}",  # 3 no tab
        f"{EN2}\t{ZH2}\textra",  # 4 three columns: the third is meta
        f"{ZH3}\t{EN3}",  # 5 swapped: read the right way round
        f"{EN3}\t",  # 6 empty zh
        f"{EN3}\t{EN3}",  # 7 untranslated
        "",
        f"  {EN2}\t {ZH2}  ",  # 9 good, padded
    ]
    data = ("\r\n".join(rows) + "\r\n").encode()
    pairs, aside, stats = _read(tmp_path, data, "tsv", "rows.tsv")
    assert pairs == [
        RawPair(EN1, ZH1, Source("rows.tsv", 2, 2)),
        RawPair(EN2, ZH2, Source("rows.tsv", 4, 4), {"col3": "extra"}),
        RawPair(EN3, ZH3, Source("rows.tsv", 5, 5)),
        RawPair(EN2, ZH2, Source("rows.tsv", 9, 9)),
    ]
    assert [(a.line, a.reason) for a in aside] == [
        (1, "header"),
        (3, "tsv_columns"),
        (6, "missing_field"),
        (7, "wrong_language"),
    ]
    assert (stats.lines_per_pair, stats.lines, stats.unpaired, stats.swapped) == (1, 8, 0, 1)


def test_tsv_header_only_counts_on_the_first_line(tmp_path: Path) -> None:
    """An `en<TAB>zh` row after the first line is an ordinary (bad) row."""
    _, aside, _ = _read(tmp_path, f"{EN1}\t{ZH1}\nen\tzh\n", "tsv", "rows.tsv")
    assert [(a.line, a.reason) for a in aside] == [(2, "wrong_language")]


def test_jsonl_good_and_bad_rows(tmp_path: Path) -> None:
    """Each bad JSONL row is set aside with its line number; other keys go to meta; swapped rows are read swapped."""
    good = json.dumps({"en": EN1, "zh": ZH1, "note": "extra keys are fine"}, ensure_ascii=False)
    lines = [
        b"\xef\xbb\xbf" + good.encode(),  # 1 good, after a BOM
        b"",  # 2 blank
        b'{"en": "Broken line", "zh": ',  # 3 invalid
        json.dumps({"en": EN2}).encode(),  # 4 no zh
        b"[1, 2, 3]",  # 5 not an object
        b"null",  # 6 not an object
        json.dumps({"en": EN2, "zh": 42}).encode(),  # 7 zh not a string
        '{"en": "x", "zh": "壞'.encode()[:-1] + b'"}',  # 8 cut UTF-8
        b'{"en": "Nul\x00here", "zh": "\xe5\xa5\xbd"}',  # 9 NUL byte
        json.dumps({"en": ZH3, "zh": EN3}, ensure_ascii=False).encode(),  # 10 swapped: read the right way round
        json.dumps({"en": EN2, "zh": "   "}).encode(),  # 11 empty zh
        json.dumps({"en": EN3, "zh": ZH3}, ensure_ascii=False).encode(),  # 12 good
    ]
    pairs, aside, stats = _read(tmp_path, b"\r\n".join(lines) + b"\r\n", "jsonl", "rows.jsonl")
    assert pairs == [
        RawPair(EN1, ZH1, Source("rows.jsonl", 1, 1), {"note": "extra keys are fine"}),
        RawPair(EN3, ZH3, Source("rows.jsonl", 10, 10)),
        RawPair(EN3, ZH3, Source("rows.jsonl", 12, 12)),
    ]
    assert [(a.line, a.reason) for a in aside] == [
        (3, "invalid_json"),
        (4, "missing_field"),
        (5, "invalid_json"),
        (6, "invalid_json"),
        (7, "missing_field"),
        (8, "not_utf8"),
        (9, "nul_byte"),
        (11, "missing_field"),
    ]
    assert (stats.lines, stats.lines_per_pair) == (11, 1)
    assert all("\x00" not in a.text for a in aside)


# --- accounting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("lines", b""),
        ("lines", b"\n\n  \n"),
        ("lines", f"{ZH1}\n{ZH2}\n{EN1}\n{EN2}\n{EN3}".encode()),
        ("lines", f"{EN1}\n".encode() + b"\xff\xfe\n" + f"{ZH1}\n{EN2}\n".encode()),
        ("lines", b"\xff\n\x00\n" + f"{EN1}\n{ZH1}\n?!\n".encode()),
        ("tsv", f"{EN1}\t{ZH1}\n".encode() + b"\xff\n\t\n" + f"{EN2}\n".encode()),
        ("jsonl", b'{}\n"text"\n{"en": "Hi there", "zh": "\xe5\x97\xa8"}\n\xff\n'),
    ],
)
def test_every_line_is_accounted_for(tmp_path: Path, fmt: str, data: bytes) -> None:
    """lines == lines_per_pair * pairs + unpaired + rejected, whatever the file holds."""
    _, aside, stats = _read(tmp_path, data, fmt)
    assert stats.lines == sum(1 for line in data.splitlines() if line.strip())
    assert sorted(stats.reasons.elements()) == sorted(a.reason for a in aside)


def test_reason_kinds_do_not_overlap() -> None:
    """Each reason is either unpaired or rejected, never both."""
    assert not UNPAIRED_REASONS & REJECTED_REASONS
    assert REASONS == {"unpaired_en", "unpaired_zh"} | REJECTED_REASONS


def test_read_file_streams(tmp_path: Path) -> None:
    """read_file is lazy: it opens nothing until iterated and yields as it reads."""
    path = tmp_path / "later.txt"
    items = read_file(InputFile(path=path, name="later.txt", format="lines"))
    path.write_text(f"{EN1}\n{ZH1}\n", encoding="utf-8")  # created after the call
    assert next(items) == RawPair(EN1, ZH1, Source("later.txt", 1, 2))


# --- discovery ------------------------------------------------------------------------------


def test_folder_discovery_is_sorted_by_relative_name_and_lists_skipped(tmp_path: Path) -> None:
    """Folders are walked recursively in name order; unknown extensions are listed as skipped."""
    root = tmp_path / "corpus"
    for rel in ["b.txt", "a/z.tsv", "a/b/c.jsonl", "A.TXT", "README.md", "notes/todo.csv", "notes/x.xlsx"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text("", encoding="utf-8")
    (root / ".hidden.txt").write_text("", encoding="utf-8")
    found = discover([root])
    assert [(f.name, f.format) for f in found] == [
        ("A.TXT", "lines"),
        ("a/b/c.jsonl", "jsonl"),
        ("a/z.tsv", "tsv"),
        ("b.txt", "lines"),
        ("notes/todo.csv", "csv"),
    ]
    assert found.skipped == ("README.md (unknown extension)", "notes/x.xlsx (unknown extension)")
    assert all(f.path.is_absolute() and not Path(f.name).is_absolute() for f in found)


def test_file_input_is_named_by_its_basename(tmp_path: Path) -> None:
    """An explicitly named file is called by its basename, and inputs keep their given order."""
    (tmp_path / "x").mkdir()
    second = tmp_path / "x" / "second.tsv"
    first = tmp_path / "first.txt"
    for path in (first, second):
        path.write_text("", encoding="utf-8")
    found = discover([second, first])
    assert [(f.name, f.format, f.path) for f in found] == [
        ("second.tsv", "tsv", second.absolute()),
        ("first.txt", "lines", first.absolute()),
    ]
    assert found.skipped == ()


def test_unknown_extension_named_explicitly_is_an_input_error(tmp_path: Path) -> None:
    """A file with an unknown extension under auto format names the fix in one line."""
    path = tmp_path / "pairs.xlsx"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError) as info:
        discover([path])
    assert str(info.value) == f"{path}: unknown input format (use --format lines|tsv|csv|jsonl|parquet)"
    assert [f.format for f in discover([path], format="tsv")] == ["tsv"]


def test_explicit_format_applies_to_folder_files(tmp_path: Path) -> None:
    """With a format given, known-extension files in a folder are parsed with it."""
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.md").write_text("", encoding="utf-8")
    found = discover([tmp_path], format="tsv")
    assert [(f.name, f.format) for f in found] == [("a.txt", "tsv")]
    assert found.skipped == ("b.md (unknown extension)",)


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    """A path that does not exist is named in a one-line InputError."""
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match="^.*nope: no such file or folder$"):
        discover([missing])


def test_unknown_format_option_is_a_config_error(tmp_path: Path) -> None:
    """An unknown --format value is refused before any file is looked at."""
    with pytest.raises(ConfigError, match="unknown input format 'xlsx'"):
        discover([tmp_path], format="xlsx")


def test_same_file_twice_is_read_once_and_name_clashes_are_errors(tmp_path: Path) -> None:
    """One file named twice is read once; two different files with one name are refused."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "same.txt").write_text("", encoding="utf-8")
    assert len(discover([tmp_path / "a", tmp_path / "a" / "same.txt"])) == 1
    with pytest.raises(InputError, match="same name 'same.txt'"):
        discover([tmp_path / "a", tmp_path / "b"])


def test_folder_that_cannot_be_listed_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subfolder that cannot be listed stops discovery with one line, instead of vanishing."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match=r"locked: cannot read: Permission denied$"):
        discover([tmp_path])
