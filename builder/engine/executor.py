"""Run a batch function over batches in order, inline or in a pool of worker processes.

The executor knows nothing of what a batch holds. It is given a `context` once (what every batch
function needs: a normaliser, an annotator, the recipes...) and a plain function
`task(context, job) -> result` per map. Inline, the function gets the executor's own context. In
a pool, each worker process receives the context once when it is forked (so it is not pickled,
and loaded plugins come along) and keeps it in that process only; the main process never keeps
it in a module global. Results come back in submission order, so the output does not depend on
the number of workers.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, Generic, TypeVar

from builder.engine.pool import WorkerDied, WorkerPool
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


class Executor(Generic[C]):
    """Map `task(context, job)` over jobs in order, inline (one worker) or in worker processes.

    The pool (`builder.engine.pool.WorkerPool`) forks its workers when the executor is made. A
    worker that dies (killed by the kernel for lack of memory, say) stops the build with one
    line instead of a wait forever for its batch; the workers die with the main process. Use it
    as a context manager: on success the workers are stopped, on any failure (an error, Ctrl-C,
    SIGTERM) they are killed at once, before the caller removes what they were writing into.
    """

    def __init__(self, workers: int, context: C) -> None:
        self.count = workers if workers > 0 else (os.cpu_count() or 1)
        self._context = context
        # fork: workers inherit loaded recipes (plugins, files) without re-importing them
        self._pool = WorkerPool(self.count, context, IN_FLIGHT_PER_WORKER) if self.count > 1 else None

    def __enter__(self) -> Executor[C]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    @property
    def pooled(self) -> bool:
        """Whether batches run in worker processes (results then cross a process boundary)."""
        return self._pool is not None

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (none when inline)."""
        return self._pool.pids() if self._pool is not None else []

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
        try:
            yield from self._pool.map(partial(_in_worker, task), jobs)
        except WorkerDied as died:
            raise BuildError(f"a worker process died ({died}) before finishing its batch (killed, "
                             "perhaps for lack of memory: try fewer [build] workers or a smaller "
                             "batch_size); no output was written") from None

    def close(self) -> None:
        """Stop the worker processes once they are idle (killed if they do not end soon)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            try:
                pool.close()
            except BaseException:
                pool.abort()
                raise

    def abort(self) -> None:
        """Kill the worker processes now: their batches are not wanted any more."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.abort()


def _in_worker(task: Callable[[Any, J], R], context: Any, job: J) -> R:
    with paused_gc():
        return task(context, job)
