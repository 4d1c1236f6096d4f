"""Racing builds and what dead builds leave: one build at a time per OUT (the second is refused
naming the first's pid), builds sharing one cache stay correct, and leftovers of dead processes
are swept at the start of a build and reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import faults
import pytest

from builder.config import config_from_mapping
from builder.engine.cache import BuildCache
from builder.errors import BuildError
from builder.output.lock import lock_path, output_lock
from builder.pipeline import build

PAIRS = 120
DEAD = 999_999_999  # a pid no process has (above the kernel's pid_max)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("races")
    faults.prepare(base, PAIRS)
    build(_config(base), base / "reference")
    return base, faults.snapshot(base / "reference")


def _config(base: Path):  # type: ignore[no-untyped-def]
    return config_from_mapping(faults.build_config(batch_size=20), base=base)


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the first build never reached its gate: {process.communicate()}")
        time.sleep(0.05)


def test_a_second_build_into_the_same_out_is_refused_naming_the_first(
        world: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """While one build writes OUT, another into it is refused at once in one line with the
    first's pid (on main both said `built` and the first output was silently replaced); the
    first then finishes whole."""
    base, reference = world
    out, gate = tmp_path / "dist", tmp_path / "gate"
    gate.touch()
    first = faults.start_build(base, out, None, "2:3:WAIT:worker", {"TWCASUAL_TEST_GATE": str(gate)},
                               config=faults.build_config(batch_size=20))
    try:
        _wait_for(gate.with_suffix(".reached"), first)
        with pytest.raises(BuildError) as refused:
            build(_config(base), out)
        assert str(refused.value) == (f"{out}: another twcasual build (pid {first.pid}) is writing this "
                                      "output folder; wait for it to finish, or choose another --out")
    finally:
        gate.unlink(missing_ok=True)
    code, _, err = faults.finish(first)
    assert code == 0, err
    assert faults.snapshot(out) == reference and faults.leftovers(out) == []


def test_two_builds_sharing_one_cache_both_come_out_whole(world: tuple[Path, dict[str, str]],
                                                          tmp_path: Path) -> None:
    """Two builds at once, one cache, two outputs: both whole; the cache they filled serves a third."""
    base, reference = world
    cache = tmp_path / "cache"
    racing = [faults.start_build(base, tmp_path / name, cache, config=faults.build_config(batch_size=20))
              for name in ("one", "two")]
    for process in racing:
        code, _, err = faults.finish(process)
        assert code == 0, err
    third = build(_config(base), tmp_path / "three", cache_dir=cache, notify=pytest.fail)
    assert third.cache["hits"]["output"] == 1
    for name in ("one", "two", "three"):
        assert faults.snapshot(tmp_path / name) == reference
    assert faults.leftovers(tmp_path / "one", cache) == []


# --- the lock --------------------------------------------------------------------------------

_HOLDER = """
import sys, time
from pathlib import Path
from builder.output.lock import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_the_lock_is_refused_while_held_and_free_once_its_holder_is_killed(tmp_path: Path) -> None:
    """A lock held by another process names that process; SIGKILL frees it at once (the kernel
    drops it), and the file is gone when the next holder is done."""
    out = tmp_path / "dist"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildError, match=f"pid {holder.pid}"):
            with output_lock(out):
                pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    assert lock_path(out).exists()  # left by the killed holder: harmless, and reused
    with output_lock(out):
        assert lock_path(out).read_text() == f"{os.getpid()}\n"
    assert not lock_path(out).exists()


def test_one_process_cannot_take_its_own_lock_twice(tmp_path: Path) -> None:
    """POSIX locks do not exclude a process from itself: two builds in one process are refused too."""
    out = tmp_path / "dist"
    with output_lock(out):
        with pytest.raises(BuildError, match=f"pid {os.getpid()}"):
            with output_lock(out):
                pass
    with output_lock(out):  # and free again afterwards
        pass


def test_the_lock_removes_the_folders_it_made_when_nothing_was_built(tmp_path: Path) -> None:
    """A failed build into new/sub/dist leaves no empty new/sub behind."""
    with pytest.raises(RuntimeError):
        with output_lock(tmp_path / "new" / "sub" / "dist"):
            raise RuntimeError("the build failed")
    assert list(tmp_path.iterdir()) == []


# --- sweeping what dead builds left ------------------------------------------------------------

def test_temporary_cache_entries_of_dead_builds_are_swept_and_reported(
        world: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """`.NAME.<pid>-<hex>` files of dead pids go (one line says how many); a live build's stay."""
    base, reference = world
    cache = tmp_path / "cache"
    build(_config(base), tmp_path / "first", cache_dir=cache, notify=pytest.fail)
    entry = next(p for p in cache.glob("records/*/*"))
    dead = [entry.with_name(f".{entry.name}.{DEAD}-0123abcd"),
            entry.parent.parent.parent / "output" / "ab" / f".{'ab' * 32}.{DEAD}-89abcdef"]
    dead[1].mkdir(parents=True)
    (dead[1] / "README.md").write_text("half an output entry", encoding="utf-8")
    dead[0].write_bytes(b"half a records entry")
    live = entry.with_name(f".{entry.name}.{os.getpid()}-4567cdef")
    live.write_bytes(b"being written by a live build")
    said: list[str] = []
    build(_config(base), tmp_path / "second", cache_dir=cache, notify=said.append)
    assert said == [f"removed 2 temporary file(s) that dead builds left in the build cache {cache}"]
    assert not any(p.exists() for p in dead) and live.exists()
    assert faults.snapshot(tmp_path / "second") == reference


def test_sweep_is_quiet_on_a_clean_cache(tmp_path: Path) -> None:
    """Nothing to sweep: nothing removed, nothing said."""
    assert BuildCache(tmp_path / "cache").sweep() == 0


def test_a_dead_builds_staging_folder_is_swept_and_reported(world: tuple[Path, dict[str, str]],
                                                            tmp_path: Path) -> None:
    """A staging folder of a dead pid beside OUT is removed at the start of the next build, said
    in one line; a live process's is left alone."""
    base, reference = world
    out = tmp_path / "dist"
    stale = tmp_path / f".dist.building-{DEAD}-abcd0123"
    stale.mkdir()
    (stale / "half.parquet").write_bytes(b"half")
    living = tmp_path / ".dist.building-1-abcd4567"  # pid 1 never dies
    living.mkdir()
    said: list[str] = []
    build(_config(base), out, notify=said.append)
    assert said == [f"removed {stale}, left by a build (pid {DEAD}) that did not finish"]
    assert faults.snapshot(out) == reference and faults.leftovers(out) == [living.name]
