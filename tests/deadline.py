"""`deadline(seconds)`: fail a test that hangs instead of waiting for ever (SIGALRM, main thread)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in the main thread after `seconds`: a FIFO opened the wrong way, a read on
    a dead pipe or a pool waiting on a killed worker would otherwise block the suite for ever."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"still blocked after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
