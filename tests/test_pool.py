"""The worker pool: no wait on a dead worker, workers die with their parent, errors come back."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from deadline import deadline

from builder.engine.executor import Executor
from builder.errors import BuildError


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _echo(context: int, job: int) -> int:
    return context + job


def _sleepy(context: int, job: int) -> int:
    if job:
        time.sleep(60)
    return job


class _Picky(Exception):
    def __init__(self, code: int, where: str) -> None:  # cannot be rebuilt from its message alone
        super().__init__(f"code {code} at {where}")


def _raises_picky(context: int, job: int) -> int:
    raise _Picky(7, "the third line")


def test_a_worker_killed_halfway_through_its_result_ends_the_map(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies after writing half a result (what SIGTERM to the group did to 2 of 26
    builds under ProcessPoolExecutor, whose manager thread then waited forever for the rest) ends
    the map with one line at once."""
    from builder.engine import pool

    def half_a_result(results, ok, value):  # type: ignore[no-untyped-def]
        os.write(results.fileno(), struct.pack("!i", 1 << 20) + b"half a mess")
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(pool, "_reply", half_a_result)  # the workers are forked with it
    with deadline(30), Executor(2, 1) as executor:
        with pytest.raises(BuildError, match=r"a worker process died \(killed by SIGKILL\)"):
            list(executor.map(_echo, range(10)))


def test_abort_kills_busy_workers_at_once() -> None:
    """A failed build does not wait for the batches in flight: their workers are killed."""
    executor = Executor(2, 0)
    pids = executor.worker_pids()
    results = executor.map(_sleepy, [0, 1, 1, 1])
    assert next(results) == 0
    started = time.monotonic()
    executor.abort()
    assert time.monotonic() - started < 10
    assert not any(_alive(pid) for pid in pids)


def test_an_error_that_cannot_cross_the_pipe_comes_back_as_one_line() -> None:
    """An exception a worker raises comes back raised; one that cannot be rebuilt in the main
    process comes back as a BuildError naming its type and message."""
    with Executor(2, 0) as executor, pytest.raises(BuildError, match=r"^_Picky: code 7 at the third line$"):
        list(executor.map(_raises_picky, [1]))


_PARENT = """
import os, signal, sys
from builder.engine.executor import Executor

def task(context, job):
    return job

executor = Executor(2, None)
print(" ".join(map(str, executor.worker_pids())), flush=True)
sys.stdin.readline()
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    """SIGKILL of the main process alone (the out-of-memory killer's way): its idle workers end
    within seconds instead of running on as orphans."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    assert parent.stdout is not None and parent.stdin is not None
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    parent.stdin.write("\n")
    parent.stdin.flush()
    parent.wait(timeout=30)
    until = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < until:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)
