"""Kills at chosen points of both passes: the build ends (no hang), no worker outlives it, the
previous output is untouched, and the next build sweeps what a dead build left and gives the
same bytes as an undisturbed one.

A build strikes itself at a batch of pass 1 (from the progress callback, in the main process) or
at a pair of pass 2 (from a recipe, in a worker): SIGKILL, SIGTERM or SIGINT, to the process
group, to the main process alone, or to one worker. `make test` runs a seeded handful, one of
each kind; `pytest tests/test_fault_kills.py --fault-runs 40 [--fault-seed N]` runs more.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import faults
import pytest

PAIRS = 300  # 20 batches of 15 per pass, over two files
BATCH = 15
KINDS = [  # (pass, signal, whom): each run of the default handful takes the next one
    (1, "SIGKILL", "group"), (2, "SIGKILL", "main"), (2, "SIGTERM", "group"),
    (1, "SIGTERM", "main"), (2, "SIGINT", "group"), (2, "SIGKILL", "worker"),
]


def _runs(config: pytest.Config) -> list[tuple[int, str, str, int, bool]]:
    count = config.getoption("fault_runs") or len(KINDS)
    rng = random.Random(config.getoption("fault_seed"))
    runs = []
    for number in range(count):
        where, how, whom = KINDS[number % len(KINDS)] if number < len(KINDS) else rng.choice(KINDS)
        at = rng.randint(2, 10) if where == 1 else rng.randint(5, 120)
        runs.append((where, how, whom, at, rng.random() < 0.5))
    return runs


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "strike" in metafunc.fixturenames:
        runs = _runs(metafunc.config)
        metafunc.parametrize("strike", runs, ids=[f"pass{w}-{h}-{o}-at{a}{'-cached' if c else ''}"
                                                  for w, h, o, a, c in runs])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The corpus, the tripwire recipe, and the output of an undisturbed build of them."""
    base = tmp_path_factory.mktemp("kills")
    faults.prepare(base, PAIRS)
    _rebuild(base, base / "reference", None)
    return base, faults.snapshot(base / "reference")


def _rebuild(base: Path, out: Path, cache: Path | None) -> list[str]:
    """The next build, undisturbed (in this process: a build's own process is tested above);
    return what it said."""
    from builder.config import config_from_mapping
    from builder.pipeline import build

    said: list[str] = []
    config = config_from_mapping({**faults.build_config(batch_size=BATCH)}, base=base)
    build(config, out, cache_dir=cache, notify=said.append)
    return said


def test_a_build_killed_at_any_point_leaves_no_trace(
        world: tuple[Path, dict[str, str]], strike: tuple[int, str, str, int, bool], tmp_path: Path) -> None:
    """Killed anywhere in either pass: it ends and leaves no process (SIGKILL of the main process
    alone, what the out-of-memory killer does, left both workers running for minutes on main),
    keeps OUT as it was; the next build sweeps what was left, says so, and is whole."""
    base, reference = world
    where, how, whom, at, cached = strike
    out, cache = tmp_path / "dist", (tmp_path / "cache" if cached else None)
    shutil.copytree(base / "reference", out)  # a previous output, to be kept as it was
    process = faults.start_build(base, out, cache, f"{where}:{at}:{how}:{whom}",
                                 config=faults.build_config(batch_size=BATCH))
    code, _, err = faults.finish(process)
    assert faults.wait_for_group_to_end(process.pid) == [], "processes outlived the build"
    assert code != 0
    assert faults.snapshot(out) == reference
    if how != "SIGKILL" or whom == "worker":
        # the main process lives to clean up: one line, no traceback, nothing left behind
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
        assert faults.leftovers(out, cache) == []
    said = _rebuild(base, out, cache)
    assert faults.snapshot(out) == reference
    assert faults.leftovers(out, cache) == []
    if how == "SIGKILL" and whom == "main":  # the out-of-memory killer's way: say what was swept
        staging = [line for line in said if line.startswith(f"removed {out.parent}/.dist.building-")]
        assert len(staging) == 1 and f"(pid {process.pid})" in staging[0], said
