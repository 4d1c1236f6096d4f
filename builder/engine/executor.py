"""Run a batch function over batches in order, inline or in a pool of worker processes.

The executor knows nothing of what a batch holds. It is given a `context` once (what every batch
function needs: a normaliser, an annotator, the recipes...) and a plain function
`task(context, job) -> result` per map. Inline, the function gets the executor's own context. In
a pool, each worker process receives the context once when it starts (forked, so it is not
pickled, and loaded plugins come along) and keeps it in that process only; the main process never
sets it. Results come back in submission order, so the output does not depend on the number of
workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from builder.errors import BuildError

__all__ = ["Executor", "paused_gc"]

C = TypeVar("C")
J = TypeVar("J")
R = TypeVar("R")

# Four batches per worker: results are taken in order, so a deeper queue keeps a worker busy
# while the main process waits on a slower batch (2 -> 4: 1M pairs 83 -> 81 s on 2 cores). Each
# batch in flight is a few MB at most.
IN_FLIGHT_PER_WORKER = 4


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch (or the passes of a build).

    A batch makes hundreds of thousands of short-lived objects (pairs, spans, examples) and no
    reference cycles, so reference counting frees all of them; the collections their allocation
    count would trigger only re-scan live objects: about a quarter of a batch's time, and 4 of
    74 s in the main process of a 1M build. The collector runs again as usual afterwards (and
    then collects any cycle made meanwhile).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The context of this process when it is a pool worker; it stays None in the main process.
_WORKER_CONTEXT: Any = None


def _start_worker(context: Any) -> None:
    """Set up a worker process: its context, and the default signal handling of a helper.

    A forked worker inherits the main process's handlers (the staged output's SIGTERM cleanup);
    the main process alone cleans up, so a worker just ends on SIGTERM, and leaves Ctrl-C to
    the main process, which then stops the pool.
    """
    global _WORKER_CONTEXT
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_CONTEXT = context


def _in_worker(task: Callable[[Any, J], R], job: J) -> R:
    assert _WORKER_CONTEXT is not None, "not a worker process started by an Executor"
    with paused_gc():
        return task(_WORKER_CONTEXT, job)


class Executor(Generic[C]):
    """Map `task(context, job)` over jobs in order, inline (one worker) or in worker processes.

    The pool is a `ProcessPoolExecutor` over fork: a worker that dies (killed by the kernel for
    lack of memory, say) breaks the pool, and the build stops with one line instead of waiting
    forever for that worker's batch (what a `multiprocessing.Pool` would do).
    """

    def __init__(self, workers: int, context: C) -> None:
        self.count = workers if workers > 0 else (os.cpu_count() or 1)
        self._context = context
        self._pool: ProcessPoolExecutor | None = None
        if self.count > 1:
            # fork: workers inherit loaded recipes (plugins, files) without re-importing them
            self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_start_worker, initargs=(context,))

    @property
    def pooled(self) -> bool:
        """Whether batches run in worker processes (results then cross a process boundary)."""
        return self._pool is not None

    def map(self, task: Callable[[C, J], R], jobs: Iterable[J]) -> Iterator[R]:
        """Yield `task(context, job)` in job order, with a few batches in flight (bounded memory).

        `task` must be a module-level function: the pool sends it to the workers by name.
        """
        if self._pool is None:
            for job in jobs:
                with paused_gc():
                    result = task(self._context, job)
                yield result
            return
        pending: deque[Future[R]] = deque()
        try:
            for job in jobs:
                pending.append(self._pool.submit(_in_worker, task, job))
                if len(pending) >= IN_FLIGHT_PER_WORKER * self.count:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            raise BuildError("a worker process died before finishing its batch (killed, perhaps "
                             "for lack of memory: try fewer [build] workers or a smaller "
                             "batch_size); no output was written") from None

    def close(self) -> None:
        """Stop the worker processes (pending batches are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
