"""Atomic output: a failed or killed build never damages the previous output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.errors import BuildError
from builder.output.staging import staged_output, sweep_stale


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def _previous_output(out: Path, files: dict[str, str] | None = None) -> None:
    """Make `out` look like an earlier build: its files and a manifest that lists them."""
    files = files or {"old.txt": "old"}
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    listed = {name: {"sha256": "0" * 64, "size": len(text.encode())} for name, text in files.items()}
    (out / "manifest.json").write_text(json.dumps(
        {"format": 1, "twcasual_version": "0.1.0", "signature": "test", "files": listed}))


def test_success_replaces_previous_output(tmp_path: Path) -> None:
    """A finished build swaps its staging folder in and leaves nothing else beside OUT."""
    out = tmp_path / "dist"
    _previous_output(out)
    with staged_output(out) as stage:
        (stage / "new.txt").write_text("new")
        assert not (out / "new.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert _siblings(out) == []


def test_failure_keeps_previous_output(tmp_path: Path) -> None:
    """An exception inside the build removes the staging folder and keeps OUT as it was."""
    out = tmp_path / "dist"
    _previous_output(out)
    with pytest.raises(RuntimeError):
        with staged_output(out) as stage:
            (stage / "half.txt").write_text("half")
            raise RuntimeError("boom")
    assert (out / "old.txt").read_text() == "old"
    assert _siblings(out) == []


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """OUT naming an existing file is a one-line BuildError, not a traceback later."""
    out = tmp_path / "dist"
    out.write_text("not a folder")
    with pytest.raises(BuildError, match="not a folder"):
        with staged_output(out):
            pass


def test_sweep_restores_output_lost_between_renames(tmp_path: Path) -> None:
    """A kill between the two renames of the swap leaves the old OUT, which the next build restores."""
    out = tmp_path / "dist"
    old = tmp_path / ".dist.previous-999999999-abcd"
    old.mkdir()
    (old / "old.txt").write_text("old")
    stale = tmp_path / ".dist.building-999999999-abcd"
    stale.mkdir()
    sweep_stale(out)
    assert (out / "old.txt").read_text() == "old"
    assert _siblings(out) == []


_KILLED_BUILD = """
import sys, time
from pathlib import Path
from builder.output.staging import staged_output
with staged_output(Path(sys.argv[1])) as stage:
    (stage / "half.txt").write_text("half")
    print("staged", flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_killed_build_leaves_previous_output_intact(tmp_path: Path, how: int) -> None:
    """SIGTERM cleans up at once; after SIGKILL the next build sweeps the leftover folder."""
    out = tmp_path / "dist"
    _previous_output(out)
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_BUILD, str(out)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "staged"
    os.kill(proc.pid, how)
    proc.wait(timeout=30)
    assert (out / "old.txt").read_text() == "old"
    assert not (out / "half.txt").exists()
    if how == signal.SIGTERM:
        assert _siblings(out) == []
    else:
        assert len(_siblings(out)) == 1  # the dead build's staging folder
        deadline = time.time() + 5
        while time.time() < deadline and Path(f"/proc/{proc.pid}").exists():
            time.sleep(0.05)
        with staged_output(out) as stage:
            (stage / "new.txt").write_text("new")
        assert _siblings(out) == []
        assert (out / "new.txt").exists()
