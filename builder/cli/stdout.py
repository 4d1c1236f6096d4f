"""Standard output that fails in one line: a full device or a closed pipe is a StdoutError."""

from __future__ import annotations

from typing import Any, TextIO

from builder.errors import TwcasualError

__all__ = ["GuardedStdout", "StdoutError"]


class StdoutError(TwcasualError):
    """Standard output refused what a command printed (a full device, a closed pipe)."""

    def __init__(self, error: OSError, done: str = "") -> None:
        head = f"{done}, but cannot" if done else "cannot"
        super().__init__(f"{head} write to standard output ({error.strerror}); send it to a file "
                         "or a pipe that takes it")
        self.error = error
        self.broken_pipe = isinstance(error, BrokenPipeError)


class GuardedStdout:
    """A text stream whose write and flush errors are StdoutError: one line, not a traceback."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise StdoutError(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise StdoutError(error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
