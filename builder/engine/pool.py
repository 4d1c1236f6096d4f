"""Forked worker processes that die with their parent and stop on every signal path.

Each worker has a pipe for its jobs and a pipe for its results, and nothing else in common with
the other workers or with a manager thread. That is what makes every way out bounded:

- A worker that dies (SIGKILL, the out-of-memory killer, SIGTERM to the process group) closes
  the only write end of its results pipe, so the main process reads end-of-file, even when the
  worker died half-way through writing a result. `ProcessPoolExecutor` shares one results pipe
  and one lock among its workers and reads it on a manager thread: a worker killed mid-write
  left that thread waiting forever for the rest of the message, and `shutdown()` waiting on
  that thread (2 of 26 builds under SIGTERM to the group, the workers left as zombies).
- Jobs go down each pipe from a small feeder thread per worker, so the main process never blocks
  writing a large job to a worker that is itself blocked writing its result back.
- `abort()` kills the workers (their work is thrown away anyway), reaps them with a bounded wait
  and never joins a thread that could be stuck; the feeder threads are daemons that end on the
  broken pipe.
- A worker asks the kernel for SIGKILL when its parent dies (Linux `prctl(PR_SET_PDEATHSIG)`),
  and checks that its parent is still the process that forked it; where prctl is missing, a
  watchdog thread polls the parent's pid instead. SIGKILL of the main process alone (what the
  out-of-memory killer does) no longer leaves workers running as orphans.
- SIGTERM and SIGINT are blocked while the workers are forked, so none runs the main process's
  handlers before setting its own: a worker ends on SIGTERM and ignores Ctrl-C (the main process
  stops it).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any

__all__ = ["WorkerDied", "WorkerPool", "blocked_signals"]

STOP = b""  # a job message that tells a worker to end
JOIN_SECONDS = 5.0  # how long a stopped worker may take to end before it is killed
_PR_SET_PDEATHSIG = 1
_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


class WorkerDied(Exception):
    """A worker process ended before sending back the result of its job."""

    def __init__(self, exitcode: int | None) -> None:
        how = (f"killed by {signal.Signals(-exitcode).name}" if exitcode is not None and exitcode < 0
               else f"exit code {exitcode}" if exitcode is not None else "still running")
        super().__init__(how)
        self.exitcode = exitcode


@contextmanager
def blocked_signals() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back in this thread (they are delivered when the block ends)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _parent_death_signal() -> bool:
    """Ask the kernel to SIGKILL this process when its parent ends; say whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    """Where prctl is missing: end this process once it is no longer its parent's child."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when `parent` does, or end now if it already has."""
    if not _parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), name="twcasual-parent-watch",
                         daemon=True).start()
    if os.getppid() != parent:  # the parent died before the kernel was asked to tell us
        os._exit(1)


def _reply(results: Connection, ok: bool, value: Any) -> None:
    """Send a result or an error back; an error that cannot cross the pipe goes as one line."""
    try:
        payload = ForkingPickler.dumps((ok, value))
        if not ok:
            pickle.loads(payload)  # an exception class that cannot be rebuilt fails here, not later
    except Exception as error:
        from builder.errors import BuildError

        what = value if not ok else error
        payload = ForkingPickler.dumps((False, BuildError(f"{type(what).__name__}: {what}")))
    results.send_bytes(payload)


def _serve(jobs: Connection, results: Connection, context: Any, parent: int,
           inherited: list[Connection]) -> None:
    """A worker's life: run each job with the context until told to stop or the parent is gone."""
    for connection in inherited:  # the main process's ends of the other workers' pipes
        connection.close()
    die_with_parent(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    while True:
        try:
            message = jobs.recv_bytes()
        except (EOFError, OSError):
            return  # the main process is gone
        if message == STOP:
            return
        try:
            task, job = pickle.loads(message)
            value, ok = task(context, job), True
        except BaseException as error:  # the main process raises it; this process goes on
            value, ok = error, False
        try:
            _reply(results, ok, value)
        except OSError:
            return  # the main process stopped reading


Message = bytes | memoryview  # what ForkingPickler.dumps gives: sent as it is, not copied


def _feed(work: queue.SimpleQueue[Message], jobs: Connection) -> None:
    """Send one worker its jobs, so the main process never blocks on a full pipe."""
    try:
        while True:
            message = work.get()
            jobs.send_bytes(message)
            if message == STOP:
                return
    except OSError:
        return  # the worker is gone: its results pipe tells the main process
    finally:
        jobs.close()


class _Worker:
    """One worker process, the main process's ends of its two pipes, and its feeder."""

    def __init__(self, process: BaseProcess, jobs: Connection, results: Connection) -> None:
        self.process, self.jobs, self.results = process, jobs, results
        self.work: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.outstanding = 0  # jobs sent whose result has not been read
        self.feeder = threading.Thread(target=_feed, args=(self.work, jobs), daemon=True,
                                       name="twcasual-feeder")

    def submit(self, message: Message) -> None:
        self.work.put(message)
        self.outstanding += 1

    def result(self) -> Any:
        """The result of this worker's oldest outstanding job (raises its error, or WorkerDied)."""
        try:
            payload = self.results.recv_bytes()
        except (EOFError, OSError):
            self.process.join(JOIN_SECONDS)
            raise WorkerDied(self.process.exitcode) from None
        self.outstanding -= 1
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value


class WorkerPool:
    """`count` forked workers, each holding `context`; jobs map over them in order."""

    def __init__(self, count: int, context: Any, in_flight_per_worker: int) -> None:
        self.in_flight = in_flight_per_worker * count
        self._workers: list[_Worker] = []
        fork = get_context("fork")
        parent = os.getpid()
        with blocked_signals():  # forked children and feeder threads start with them blocked
            for _ in range(count):
                jobs_out, jobs_in = fork.Pipe(duplex=False)
                results_in, results_out = fork.Pipe(duplex=False)
                inherited = [c for w in self._workers for c in (w.jobs, w.results)]
                process = fork.Process(target=_serve, name="twcasual-worker", daemon=True,
                                       args=(jobs_out, results_out, context, parent, inherited))
                process.start()
                jobs_out.close()  # the worker's ends: only the worker may hold them
                results_out.close()
                self._workers.append(_Worker(process, jobs_in, results_in))
            for worker in self._workers:
                worker.feeder.start()

    def map(self, task: Any, jobs: Any) -> Iterator[Any]:
        """Yield `task(context, job)` for each job, in job order (raises WorkerDied)."""
        self._drain()
        pending: deque[_Worker] = deque()
        for number, job in enumerate(jobs):
            worker = self._workers[number % len(self._workers)]
            worker.submit(ForkingPickler.dumps((task, job)))  # pickled here: errors raise here
            pending.append(worker)
            if len(pending) >= self.in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def _drain(self) -> None:
        """Read and drop results a map left unread (one given up part-way)."""
        for worker in self._workers:
            while worker.outstanding:
                try:
                    worker.result()
                except WorkerDied:
                    raise
                except Exception:  # the error of a job nobody waits for any more
                    continue

    def close(self) -> None:
        """Let idle workers end, then reap them; fall back on `abort()` if any will not."""
        if any(w.outstanding for w in self._workers):
            self.abort()
            return
        try:
            for worker in self._workers:
                worker.work.put(STOP)
            deadline = time.monotonic() + JOIN_SECONDS
            for worker in self._workers:
                worker.process.join(max(0.0, deadline - time.monotonic()))
        finally:
            self.abort()  # kills what is left (nothing, normally) and closes the pipes

    def abort(self) -> None:
        """Kill the workers now and reap them (bounded); never wait on a pipe or a thread."""
        with blocked_signals():  # a second Ctrl-C must not leave workers half-stopped
            for worker in self._workers:
                if worker.process.exitcode is None:
                    worker.process.kill()
            deadline = time.monotonic() + JOIN_SECONDS
            for worker in self._workers:
                worker.process.join(max(0.0, deadline - time.monotonic()))
                worker.work.put(STOP)  # an idle feeder ends; a busy one ends on the broken pipe
                worker.results.close()
            self._workers = []

    def pids(self) -> list[int]:
        """The workers' process ids (for tests and diagnostics)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]
