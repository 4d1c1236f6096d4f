"""What a build does with inputs that are not plain text files: FIFOs and devices, a line of 50 MB,
a file that changes while it is read, a file name that is not UTF-8, JSON nested 100,000 deep,
symlink loops. Each is read, set aside with its reason, or one line on stderr; never a hang, never
a traceback, never wrong bytes under a right-looking hash.

Written against the public build API and CLI only, so the same file runs against an older tree
(each case was seen failing there: a hang, a traceback, or a build that exits 0 with a stale hash).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from deadline import deadline

import builder.pipeline.pass1 as pass1
from builder.cli import main

EN1 = "The train to Hualien leaves at 7:40 tomorrow morning."
ZH1 = "明天早上7:40的火車去花蓮喔，不要遲到啦"
EN2 = "Could you please send me the revised budget by Friday?"
ZH2 = "修改過的預算禮拜五前傳給我好嗎？拜託啦"
PAIRS = f"{EN1}\n{ZH1}\n\n{EN2}\n{ZH2}\n"




def _build(*args: str) -> int:
    return main(["build", "--quiet", *args])


def _report(out: Path) -> dict[str, Any]:
    return json.loads((out / "build_report.json").read_text(encoding="utf-8"))


def test_fifo_among_the_inputs_is_passed_over_with_its_reason(tmp_path: Path) -> None:
    """A FIFO in an input folder is never opened (that would wait forever); the file beside it builds."""
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    (tmp_path / "in" / "good.txt").write_text(PAIRS, encoding="utf-8")
    with deadline(60):
        code = _build("--input", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-cache")
    assert code == 0
    report = _report(tmp_path / "out")
    assert report["skipped_files"] == ["pipe.txt (a FIFO: only regular files are read)"]
    assert [(f["file"], f["pairs"]) for f in report["files"]] == [("good.txt", 2)]


def _limit_memory() -> None:
    limit = 2 << 30  # 2 GiB of address space: an endless line must fail fast, not fill the machine
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_a_device_alone_is_one_line_not_a_hang(tmp_path: Path) -> None:
    """`--input /dev/zero` (endless, no newline) stops at once with one line naming the device."""
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--input", "/dev/zero", "--format", "lines", "--quiet",
         "--no-cache", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory, cwd=tmp_path,
        env={**os.environ, "TWCASUAL_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines() == [
        "twcasual: error: nothing to read: zero (a character device: only regular files are read)"]


def test_a_50_mb_line_is_set_aside_before_it_is_held(tmp_path: Path) -> None:
    """A 50 MB line between two good pairs is set aside as line_too_long; the build never holds it whole."""
    path = tmp_path / "in" / "long.txt"
    path.parent.mkdir()
    block = b"a" * (1 << 20)
    with path.open("wb") as out:
        out.write(f"{EN1}\n{ZH1}\n".encode())
        for _ in range(50):
            out.write(block)
        out.write(f"\n{EN2}\n{ZH2}\n".encode())
    config = tmp_path / "c.toml"
    config.write_text('[input]\npaths = ["in"]\n[build]\nworkers = 1\n[recipes.en-to-casual]\n', encoding="utf-8")
    tracemalloc.start()
    try:
        code = _build("--config", str(config), "--out", str(tmp_path / "out"), "--no-cache")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 0
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MiB of Python objects"
    [f] = _report(tmp_path / "out")["files"]
    assert (f["pairs"], f["rejected"], f["lines"]) == (2, {"line_too_long": 1}, 5)


def test_a_file_changed_while_it_is_read_stops_the_build_and_caches_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A file appended to while it is read: one line, exit non-zero, no output, no cache entry for it."""
    path = tmp_path / "in" / "grow.txt"
    path.parent.mkdir()
    path.write_text(PAIRS * 50, encoding="utf-8")
    real_read_file = pass1.raw_batches

    def read_and_append(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for number, item in enumerate(real_read_file(*args, **kwargs)):
            if number == 0:  # someone appends to the file while the build reads it
                with path.open("a", encoding="utf-8") as more:
                    more.write(PAIRS)
            yield item

    monkeypatch.setattr(pass1, "raw_batches", read_and_append)
    cache = tmp_path / "cache"
    code = _build("--input", str(path.parent), "--out", str(tmp_path / "out"), "--cache-dir", str(cache))
    assert code != 0
    assert capsys.readouterr().err.splitlines() == [
        "twcasual: error: grow.txt: changed while being read; nothing was cached for it"]
    assert not (tmp_path / "out").exists()
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_a_file_changed_between_planning_and_reading_is_caught_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The cache keys hash the file before reading; bytes read that hash otherwise stop the build."""
    path = tmp_path / "in" / "swap.txt"
    path.parent.mkdir()
    path.write_text(PAIRS, encoding="utf-8")
    real_read_file = pass1.raw_batches

    def rewritten_first(*args: Any, **kwargs: Any) -> Iterator[Any]:
        path.write_text(PAIRS.replace("7:40", "8:15"), encoding="utf-8")  # same size, other bytes
        yield from real_read_file(*args, **kwargs)

    monkeypatch.setattr(pass1, "raw_batches", rewritten_first)
    code = _build("--input", str(path.parent), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c"))
    assert code != 0
    assert capsys.readouterr().err.splitlines() == [
        "twcasual: error: swap.txt: changed while being read; nothing was cached for it"]
    assert [p for p in (tmp_path / "c").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("cache", [True, False])
def test_a_file_name_that_is_not_utf8_is_read_and_shown_with_escapes(tmp_path: Path, cache: bool) -> None:
    """caf\\xe9.txt (Latin-1 bytes in the name) builds; the report names it with an escape, as valid JSON."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / os.fsdecode(b"caf\xe9.txt")).write_text(PAIRS, encoding="utf-8")
    flags = ["--cache-dir", str(tmp_path / "cache")] if cache else ["--no-cache"]
    assert _build("--input", str(tmp_path / "in"), "--out", str(tmp_path / "out"), *flags) == 0
    report = _report(tmp_path / "out")
    assert [(f["file"], f["pairs"]) for f in report["files"]] == [("caf\\xe9.txt", 2)]


def test_jsonl_nested_100000_deep_is_set_aside(tmp_path: Path) -> None:
    """A JSONL line of 100,000 nested brackets is set aside with its reason; the good line beside it builds."""
    (tmp_path / "in").mkdir()
    good = json.dumps({"en": EN1, "zh": ZH1}, ensure_ascii=False)
    (tmp_path / "in" / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + f"\n{good}\n", encoding="utf-8")
    assert _build("--input", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-cache") == 0
    [f] = _report(tmp_path / "out")["files"]
    assert (f["pairs"], sum(f["rejected"].values())) == (1, 1)


def test_symlink_loops_are_passed_over_in_a_folder_and_one_line_when_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Inside an input folder a symlink loop is passed over with its reason; named, it is one line."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "ok.txt").write_text(PAIRS, encoding="utf-8")
    assert _build("--input", str(folder), "--out", str(tmp_path / "out"), "--no-cache") == 0
    assert _report(tmp_path / "out")["skipped_files"] == ["a.txt (a symlink loop)", "b.txt (a symlink loop)"]
    capsys.readouterr()
    assert _build("--input", str(folder / "a.txt"), "--out", str(tmp_path / "out2"), "--no-cache") != 0
    assert capsys.readouterr().err.splitlines() == [
        f"twcasual: error: {folder / 'a.txt'}: a symlink loop; point it at a real file or folder"]
