"""The machine's limits: no space (a real tiny tmpfs where one can be mounted, and ENOSPC injected
at each place that writes, in the main process and in workers), read-only folders, a full or
closed stdout, `--out /`. Each is one line naming the place and what to do, a non-zero exit, the
previous output untouched and nothing left behind (on main: tracebacks)."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faults
import pytest

from builder.cli import main

PAIRS = 120
LEFT = "the previous output is left as it was"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus, a config that builds it with two workers, and an earlier output to keep."""
    base = tmp_path_factory.mktemp("limits")
    faults.write_corpus(base / "in", PAIRS)
    (base / "twcasual.toml").write_text(
        '[input]\npaths = ["in"]\n[build]\nworkers = 2\nbatch_size = 20\n', encoding="utf-8")
    assert main(["build", "--config", str(base / "twcasual.toml"), "--out", str(base / "earlier"),
                 "--no-cache", "--quiet", "--export", "jsonl"]) == 0
    return base


def _build(inputs: Path, out: Path, *options: str) -> list[str]:
    return ["build", "--config", str(inputs / "twcasual.toml"), "--out", str(out), "--quiet",
            "--export", "jsonl", *options]


def _earlier(inputs: Path, out: Path) -> dict[str, str]:
    shutil.copytree(inputs / "earlier", out)
    return faults.snapshot(out)


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("twcasual: error: ")
    return lines[0][len("twcasual: error: "):]


# --- a real full disk -------------------------------------------------------------------------

def test_output_on_a_full_disk(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OUT on a tmpfs with almost no space left: one line naming OUT, the earlier output intact,
    no staging folder or lock left on the disk."""
    with faults.tiny_tmpfs(tmp_path / "disk", "16m") as disk:
        before = _earlier(inputs, disk / "dist")
        faults.fill(disk, leave=200_000)
        capsys.readouterr()
        assert main(_build(inputs, disk / "dist", "--no-cache")) == 1
        assert _one_line(capsys) == (f"{disk}/dist: no space left on device (writing the output); free "
                                     f"some space there, or choose another --out; {LEFT}")
        assert faults.snapshot(disk / "dist") == before
        assert sorted(p.name for p in disk.iterdir()) == ["ballast", "dist"]


def test_cache_on_a_full_disk(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The build cache on a full tmpfs (workers write records entries there too): one line naming
    the cache, the earlier output intact, no temporary entry left in the cache."""
    out = tmp_path / "dist"
    before = _earlier(inputs, out)
    with faults.tiny_tmpfs(tmp_path / "disk", "16m") as disk:
        faults.fill(disk, leave=150_000)
        capsys.readouterr()
        assert main(_build(inputs, out, "--cache-dir", str(disk / "cache"))) == 1
        assert _one_line(capsys) == (f"{disk}/cache: no space left on device (writing the build cache); "
                                     "free some space there, or choose another --cache-dir, or pass "
                                     f"--no-cache; {LEFT}")
        assert faults.leftovers(out, disk / "cache") == []
    assert faults.snapshot(out) == before


def test_read_only_output_parent(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OUT in a read-only folder: one line before any work."""
    with faults.tiny_tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        assert main(_build(inputs, ro / "dist", "--no-cache")) == 1
        assert _one_line(capsys) == (f"{ro}/dist: read-only file system (writing the output); give --out "
                                     f"a folder you can write to; {LEFT}")


def test_read_only_working_folder(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a read-only folder with the default cache there: one line naming the cache."""
    with faults.tiny_tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        monkeypatch.chdir(ro)
        assert main(_build(inputs, tmp_path / "dist", "--cache-dir", ".twcasual-cache")) == 1
        assert _one_line(capsys) == (".twcasual-cache: read-only file system (writing the build cache); "
                                     "give --cache-dir a folder you can write to, or pass --no-cache; "
                                     f"{LEFT}")
    assert not (tmp_path / "dist").exists()


# --- ENOSPC injected at each place that writes ---------------------------------------------------

class _FullFile:
    """A file whose writes fail like a full (or forbidden) disk, without a file name (as pyarrow's)."""

    def __init__(self, handle: Any, code: int) -> None:
        self._handle, self._code = handle, code

    def write(self, data: Any) -> int:
        raise OSError(self._code, "injected")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _failing_entry(kind: str, code: int) -> Callable[..., Any]:
    """EntryWriter.__init__ whose file refuses every write for entries of one kind."""
    from builder.engine.entry import EntryWriter

    real = EntryWriter.__init__

    def init(self: EntryWriter, path: Path, key: str) -> None:
        real(self, path, key)
        if f"/{kind}/" in str(path):
            self._handle = _FullFile(self._handle, code)

    return init


def _injections() -> list[tuple[str, str, str, Callable[[], Any]]]:
    """(case, target, place, replacement): pyarrow-like errors (no file name) at each writer."""
    from builder.dedup.parts import Parts
    from builder.engine.parcel import Parcel
    from builder.engine.spool import Spool
    from builder.output.shards import _Part
    from builder.pipeline import finish

    return [
        ("pass-1 cache entry, main process", "builder.engine.entry.EntryWriter.__init__", "cache",
         lambda: _failing_entry("pass1", errno.ENOSPC)),
        ("records cache entry, in a worker", "builder.engine.entry.EntryWriter.__init__", "cache",
         lambda: _failing_entry("records", errno.ENOSPC)),
        ("spool", "builder.engine.spool.Spool.append", "out", lambda: faults.no_space()(Spool.append)),
        ("features and leak-check units", "builder.dedup.parts.Parts.append", "out",
         lambda: faults.no_space()(Parts.append)),
        ("parcel, in a worker", "builder.engine.parcel.Parcel.pack", "out",
         lambda: classmethod(faults.no_space()(Parcel.pack.__func__))),
        ("Parquet writer thread", "builder.output.shards._Part.add", "out", lambda: faults.no_space()(_Part.add)),
        ("exports", "builder.pipeline.finish.write_exports", "out",
         lambda: faults.no_space()(finish.write_exports)),
        ("manifest", "builder.pipeline.finish.write_manifest", "out",
         lambda: faults.no_space()(finish.write_manifest)),
        ("quota on the cache", "builder.engine.entry.EntryWriter.__init__", "cache",
         lambda: _failing_entry("pass1", errno.EDQUOT)),
    ]


@pytest.mark.parametrize("case", [c[0] for c in _injections()])
def test_injected_no_space_is_one_line_and_leaves_nothing(
        case: str, inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk wherever the build writes, in the main process or a worker (forked after the
    patch, so they fail too): one line naming the place, exit 1, OUT as it was, nothing left."""
    _, target, place, replacement = next(c for c in _injections() if c[0] == case)
    out, cache = tmp_path / "dist", tmp_path / "cache"
    before = _earlier(inputs, out)
    monkeypatch.setattr(target, replacement())
    capsys.readouterr()
    assert main(_build(inputs, out, "--cache-dir", str(cache))) == 1
    line = _one_line(capsys)
    reason = "disk quota exceeded" if "quota" in case else "no space left on device"
    if place == "cache":
        assert line.startswith(f"{cache}: {reason} (writing the build cache); free some space there")
    else:
        assert line.startswith(f"{out}: {reason} (writing the output); free some space there, or "
                               "choose another --out")
    assert line.endswith(LEFT)
    assert faults.snapshot(out) == before
    assert faults.leftovers(out, cache) == []


def test_permission_denied_on_the_cache(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache the user may not write to: one line saying what to do instead."""
    monkeypatch.setattr("builder.engine.entry.EntryWriter.__init__", _failing_entry("pass1", errno.EACCES))
    assert main(_build(inputs, tmp_path / "dist", "--cache-dir", str(tmp_path / "cache"))) == 1
    assert _one_line(capsys) == (f"{tmp_path}/cache: permission denied (writing the build cache); give "
                                 f"--cache-dir a folder you can write to, or pass --no-cache; {LEFT}")


# --- stdout and --out / --------------------------------------------------------------------------

def _cli(inputs: Path, out: Path, **popen: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "builder", *_build(inputs, out, "--no-cache")],
                            stderr=subprocess.PIPE, text=True, **popen)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_summary_to_a_full_stdout_is_one_line(inputs: Path, tmp_path: Path) -> None:
    """The summary line printed to a full device: the build is in place and says so in one line."""
    with open("/dev/full", "w") as full:
        process = _cli(inputs, tmp_path / "dist", stdout=full)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err == (f"twcasual: error: built {tmp_path}/dist, but cannot write to standard output (No "
                   "space left on device); send it to a file or a pipe that takes it\n")
    assert (tmp_path / "dist" / "manifest.json").exists()


def test_summary_to_a_closed_pipe_is_quiet(inputs: Path, tmp_path: Path) -> None:
    """A reader that went away (`| head -0`): exit 141 like any Unix tool, no traceback."""
    process = _cli(inputs, tmp_path / "dist", stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (141, "")


def test_out_root_is_refused_before_any_work(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out /` is refused before the plan is made or the cache folder created (on an early
    version the whole build ran first)."""
    def no_plan(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the plan was made for a refused build")

    monkeypatch.setattr(sys.modules["builder.pipeline.build"], "make_plan", no_plan)
    code = main(["build", "--input", str(inputs / "in"), "--out", "/", "--cache-dir", str(tmp_path / "c")])
    assert code == 1
    assert _one_line(capsys).startswith("/: refusing to replace the root folder")
    assert not (tmp_path / "c").exists()
