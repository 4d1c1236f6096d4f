"""One build at a time into an output folder: a lock file beside OUT, `.NAME.lock`, holding the pid.

A second build into the same OUT is refused at once, in one line naming the pid of the build that
holds it, before it reads anything. It does not wait: two builds into one folder are a mistake to
show, not a queue to keep (the one that waited would then silently replace the first one's output;
two builds racing used to both say `built`, or fail in `out.rename`).

The lock is a POSIX record lock (`fcntl.lockf`): the kernel drops it when its process ends,
however it ends, so a killed build never leaves a lock that blocks the next one, and forked worker
processes do not hold it. The file is removed when the build ends; a build that finds the file
replaced after locking it (the holder removed it meanwhile) tries again.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from builder.errors import BuildError

__all__ = ["lock_path", "output_lock"]

_ATTEMPTS = 20  # a lock file replaced under us this often in a row is a bug, not a race
_HELD: set[Path] = set()  # POSIX locks do not exclude builds of one process from each other
_HELD_GUARD = threading.Lock()


def lock_path(out: Path) -> Path:
    """The lock file of an output folder."""
    return out.parent / f".{out.name}.lock"


def _refuse(out: Path, holder: str) -> BuildError:
    who = f"another twcasual build (pid {holder})" if holder else "another twcasual build"
    return BuildError(f"{out}: {who} is writing this output folder; wait for it to finish, or "
                      "choose another --out")


def _made_parents(folder: Path) -> list[Path]:
    """Make `folder` and its missing parents; return those it made, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
    return missing


def _locked(path: Path, out: Path) -> int:
    """Open `path` and lock it; return the descriptor, or raise the refusal."""
    for _ in range(_ATTEMPTS):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if error.errno in (errno.EACCES, errno.EAGAIN):
                raise _refuse(out, holder) from None
            raise BuildError(f"{path}: cannot lock the output folder ({error.strerror})") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder removed the file after we opened it: lock the new one
    raise BuildError(f"{path}: the lock file keeps being replaced; is another program removing it?")


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold OUT's lock for the block (its parent folders made if missing, and removed again if
    the block leaves them empty)."""
    path = lock_path(out)
    with _HELD_GUARD:
        if path in _HELD:
            raise _refuse(out, str(os.getpid()))
        _HELD.add(path)
    made: list[Path] = []
    try:
        made = _made_parents(out.parent)
        fd = _locked(path, out)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            yield
        finally:
            path.unlink(missing_ok=True)  # while still locked: see _locked
            os.close(fd)
    finally:
        with _HELD_GUARD:
            _HELD.discard(path)
        for folder in made:  # deepest first; a folder that now holds OUT stays
            try:
                folder.rmdir()
            except OSError:
                break
