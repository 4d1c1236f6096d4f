"""The machine's limits (no space, a read-only or forbidden folder) as one line that names the path
and says what to do, instead of a traceback from wherever the write happened to fail.

A write can fail in the main process (the spool, the cache, the Parquet writer thread, the
exports) or in a worker (parcels, records cache entries); errors from workers come back to the
main process as they were raised, errno included. Not every library names the file it was
writing (pyarrow never does), so the places that write give their errors a file name with
`naming()`, and `limit_error()` says which of the build's places the file is in.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from builder.errors import BuildError

__all__ = ["LEFT_AS_IT_WAS", "Place", "is_limit", "limit_error", "naming"]

_FULL = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
         errno.EFBIG: "file too large for this file system"}
_REFUSED = {errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
            errno.EPERM: "operation not permitted"}
LEFT_AS_IT_WAS = "the previous output is left as it was"


def is_limit(error: BaseException) -> bool:
    """Whether `error` is the machine refusing a write (space, quota, read-only, permission)."""
    return isinstance(error, OSError) and (error.errno in _FULL or error.errno in _REFUSED)


@contextmanager
def naming(path: Path | str) -> Iterator[None]:
    """Give an OSError raised in the block without a file name the name `path`."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            error.filename = str(path)
        raise


@dataclass(frozen=True)
class Place:
    """Where a build writes (or reads), what to call it, and how to get around a limit there.

    A file is in the place when it is `folder` or lies in it; with `stem`, only when the first
    part of its path inside `folder` is `stem` or starts with `.stem.` (OUT and the staging
    folder, lock and leftovers beside it, but not the rest of OUT's parent).
    """

    folder: Path
    what: str  # "the output", "the build cache", "an input"
    option: str = ""  # the option that moves it elsewhere: "--out", "--cache-dir"
    otherwise: str = ""  # one more way out, e.g. "pass --no-cache"
    stem: str | None = None

    def holds(self, path: Path) -> bool:
        """Whether `path` is in this place."""
        folder = Path(os.path.abspath(self.folder))
        path = Path(os.path.abspath(path))
        if not (path == folder or path.is_relative_to(folder)):
            return False
        if self.stem is None:
            return True
        parts = path.relative_to(folder).parts
        return bool(parts) and (parts[0] == self.stem or parts[0].startswith(f".{self.stem}."))

    @property
    def shown(self) -> Path:
        """The path a user knows the place by."""
        return self.folder / self.stem if self.stem is not None else self.folder


def limit_error(error: OSError, places: Sequence[Place]) -> BuildError:
    """One line for a limit error: the path, what the machine said, and what to do."""
    reason = _FULL.get(error.errno or 0) or _REFUSED.get(error.errno or 0) or error.strerror
    path = Path(os.fsdecode(error.filename)) if error.filename is not None else None
    place = next((p for p in places if path is not None and p.holds(path)), None)
    full = error.errno in _FULL
    if place is None:
        fix = "free some space" if full else "choose a folder you can write to"
        head = f"{path}: {reason}" if path is not None else str(reason)
        return BuildError(f"{head}; {fix}; {LEFT_AS_IT_WAS}")
    if not place.option:  # a place the build reads
        return BuildError(f"{path}: {reason} (reading {place.what}); {place.otherwise}; {LEFT_AS_IT_WAS}")
    ways = [f"choose another {place.option}" if full else f"give {place.option} a folder you can write to"]
    ways += [place.otherwise] if place.otherwise else []
    fix = ("free some space there, or " if full else "") + ", or ".join(ways)
    return BuildError(f"{place.shown}: {reason} (writing {place.what}); {fix}; {LEFT_AS_IT_WAS}")
