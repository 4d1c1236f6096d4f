"""Odd inputs: FIFOs, devices, sockets, long lines, deep JSON, files that change, odd names, loops, permissions."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import socket
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from deadline import deadline
from readcheck import Read, read_checked

from builder.errors import InputError
from builder.ingest.discover import discover
from builder.ingest.inputs import FileStats, InputFile
from builder.ingest.readers import read_file

EN1 = "The train to Hualien leaves at 7:40 tomorrow morning."
ZH1 = "明天早上7:40的火車去花蓮喔，不要遲到啦"
PAIR = f"{EN1}\n{ZH1}\n"




# --- only regular files ---------------------------------------------------------------------------


def test_fifo_in_a_folder_or_named_is_skipped_with_its_reason(tmp_path: Path) -> None:
    """A FIFO among the inputs is listed as skipped, never opened; the regular file beside it is read."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(PAIR, encoding="utf-8")
    with deadline(10):
        found = discover([tmp_path])
        named = discover([tmp_path / "pipe.txt"])
    assert [f.name for f in found] == ["good.txt"]
    assert found.skipped == ("pipe.txt (a FIFO: only regular files are read)",)
    assert list(named) == [] and named.skipped == found.skipped


def test_reading_a_fifo_fails_in_one_line_without_blocking(tmp_path: Path) -> None:
    """A file that became a FIFO after discovery is refused at open time, without waiting for a writer."""
    os.mkfifo(tmp_path / "late.txt")
    with deadline(10), pytest.raises(InputError) as info:
        list(read_file(InputFile(tmp_path / "late.txt", "late.txt", "lines")))
    assert str(info.value) == f"{tmp_path / 'late.txt'}: a FIFO, not a regular file; only regular files are read"


def test_devices_and_sockets_are_skipped(tmp_path: Path) -> None:
    """/dev/zero (endless) and a UNIX socket are skipped with their kind, never read."""
    found = discover([Path("/dev/zero"), Path("/dev/null")])
    assert list(found) == []
    assert found.skipped == ("zero (a character device: only regular files are read)",
                             "null (a character device: only regular files are read)")
    # socket paths must be short: a folder right under /tmp
    with tempfile.TemporaryDirectory(dir="/tmp") as short, socket.socket(socket.AF_UNIX) as server:
        server.bind(os.path.join(short, "s.txt"))
        assert discover([Path(short)]).skipped == ("s.txt (a socket: only regular files are read)",)


# --- bounded memory -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["lines", "tsv", "csv", "jsonl"])
def test_50_mb_line_is_set_aside_with_bounded_memory(tmp_path: Path, fmt: str) -> None:
    """A 50 MB line is set aside as line_too_long while the reader's peak memory stays a few MB."""
    path = tmp_path / "long.txt"
    block = b"a" * (1 << 20)
    with path.open("wb") as out:
        out.write(PAIR.replace("\n", "\t", 1).encode() if fmt != "lines" else PAIR.encode())
        for _ in range(50):
            out.write(block)
        out.write(f"\n{PAIR}".encode() if fmt == "lines" else b"\n")
    tracemalloc.start()
    try:
        stats = FileStats()
        items = list(read_file(InputFile(path, "long.txt", fmt), stats))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB"
    assert stats.reasons["line_too_long"] == 1 and stats.adds_up()
    too_long = [i for i in items if getattr(i, "reason", "") == "line_too_long"]
    assert [i.line for i in too_long] == [3 if fmt == "lines" else 2]
    assert stats.bytes == path.stat().st_size


def test_line_over_the_character_limit_is_set_aside(read: Read) -> None:
    """A line over max_line_chars (but under the byte limit) is set aside before it is paired."""
    pairs, aside, _ = read(f"{EN1}\n{'好' * 250}\n{EN1}\n{ZH1}\n", max_line_chars=100)
    assert [(a.line, a.reason) for a in aside] == [(1, "unpaired_en"), (2, "line_too_long")]
    assert len(pairs) == 1 and aside[1].text == '好' * 200  # the report keeps 200 characters


def test_deep_json_is_set_aside_not_a_recursion_error(read: Read) -> None:
    """JSON nested 100,000 deep is set aside (too long by default; json_too_deep when the limit allows it)."""
    deep = "[" * 100_000 + "]" * 100_000
    _, aside, _ = read(f"{deep}\n", "jsonl", "d.jsonl")
    assert [a.reason for a in aside] == ["line_too_long"]
    row = json.dumps({"en": EN1, "zh": ZH1}, ensure_ascii=False)
    pairs, aside, _ = read(f"{deep}\n{row}\n", "jsonl", "d.jsonl", max_line_chars=300_000)
    assert [a.reason for a in aside] == ["json_too_deep"] and len(pairs) == 1


# --- hashing and change ---------------------------------------------------------------------------


def test_hash_is_of_the_bytes_read(read: Read) -> None:
    """stats.sha256 and stats.bytes describe exactly the bytes the reader consumed."""
    data = (PAIR * 3).encode()
    _, _, stats = read(data)
    assert (stats.sha256, stats.bytes) == (hashlib.sha256(data).hexdigest(), len(data))


def test_file_appended_while_read_stops_in_one_line(tmp_path: Path) -> None:
    """A file that grows between two reads stops the reader with 'changed while being read'."""
    path = tmp_path / "grow.txt"
    path.write_text(PAIR * 2, encoding="utf-8")
    items = read_file(InputFile(path, "grow.txt", "lines"))
    next(items)  # the first chunk is read and hashed
    with path.open("a", encoding="utf-8") as out:
        out.write(PAIR)
    with pytest.raises(InputError) as info:
        list(items)
    assert str(info.value) == "grow.txt: changed while being read; nothing was cached for it"


def test_file_rewritten_in_place_while_read_stops(tmp_path: Path) -> None:
    """Same size, new modification time while reading: also 'changed while being read'."""
    path = tmp_path / "same.txt"
    path.write_text(PAIR, encoding="utf-8")
    items = read_file(InputFile(path, "same.txt", "lines"))
    next(items)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))
    with pytest.raises(InputError, match="changed while being read"):
        list(items)


# --- names, links, permissions --------------------------------------------------------------------


def test_undecodable_file_name_is_read_and_shown_with_escapes(tmp_path: Path) -> None:
    """A file name that is not UTF-8 is read; its name is shown as caf\\xe9.txt and encodes cleanly."""
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text(PAIR, encoding="utf-8")
    [f] = discover([tmp_path])
    assert f.name == "caf\\xe9.txt"
    pairs, _, _ = read_checked(f)
    assert pairs[0].source.file == "caf\\xe9.txt"
    assert json.dumps(f.name).encode("utf-8")  # a surrogate would make this raise


def test_symlink_loop_in_a_folder_is_skipped_and_named_is_one_line(tmp_path: Path) -> None:
    """Inside a folder a symlink loop (or a broken link) is skipped with why; named, it is a one-line error."""
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "ok.txt").write_text(PAIR, encoding="utf-8")
    found = discover([tmp_path])
    assert [f.name for f in found] == ["ok.txt"]
    assert found.skipped == ("a.txt (a symlink loop)", "b.txt (a symlink loop)", "gone.txt (a broken symlink)")
    with pytest.raises(InputError) as info:
        discover([tmp_path / "a.txt"])
    assert str(info.value) == f"{tmp_path / 'a.txt'}: a symlink loop; point it at a real file or folder"


def test_symlinked_folder_is_reported_not_silently_dropped(tmp_path: Path) -> None:
    """A symlink to a folder inside an input folder is not followed, and the report says so."""
    (tmp_path / "real").mkdir()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "link").symlink_to(tmp_path / "real")
    assert discover([tmp_path / "in"]).skipped == ("link (a symlink to a folder: not followed)",)


def test_missing_input_is_one_line(tmp_path: Path) -> None:
    """A named input that does not exist gives a one-line InputError naming it."""
    with pytest.raises(InputError, match=r"nope\.txt: no such file or folder$"):
        discover([tmp_path / "nope.txt"])


def test_permission_denied_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be opened (no permission; simulated, tests may run as root) is a one-line InputError."""
    path = tmp_path / "locked.tsv"
    path.write_text(f"{EN1}\t{ZH1}\n", encoding="utf-8")
    real_open = os.open

    def refuse(file: object, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InputError) as info:
        list(read_file(InputFile(path, "locked.tsv", "tsv")))
    assert str(info.value) == f"{path}: cannot read: Permission denied"
