"""Open an input file safely and stream its lines: regular files only, bounded memory, hashed from
the bytes read, checked for change.

Only regular files are opened (a FIFO would block `open`, a device never ends). Lines come from
large chunks split in C, so the hash costs one update per chunk and the line loop stays as fast as
iterating a file; a line longer than the byte limit is reported (as None) and dropped in chunks,
never held whole. `file_sha256` hashes a file the same way, for the cache keys the plan makes
before anything is read; the build checks that the bytes it read hash the same.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from builder.errors import InputError

__all__ = ["CHANGED", "CHUNK", "HashedLines", "file_kind", "file_sha256", "open_regular", "shown"]

CHUNK = 1 << 20  # bytes per read: one hash update and one split per MiB
HEAD = 800  # bytes kept of a line too long: enough for the report's 200 characters
CHANGED = "changed while being read; nothing was cached for it"

_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def shown(path: str | os.PathLike[str]) -> str:
    """Write a path for a message: bytes that are not UTF-8 become escapes like \\xe9."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def file_kind(mode: int) -> str:
    """Name the kind of a file that is not a regular file, e.g. "a FIFO"; "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def open_regular(path: Path) -> tuple[BinaryIO, os.stat_result]:
    """Open a regular file for reading, never blocking; refuse anything else in one line."""
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. It has no
    # effect on a regular file, which is all that gets past the fstat below.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(f"{shown(path)}: cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        kind = file_kind(info.st_mode)
        if kind:
            raise InputError(f"{shown(path)}: {kind}, not a regular file; only regular files are read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=0), info
    except BaseException:
        os.close(fd)
        raise


class HashedLines:
    """Iterate a binary file's lines (without "\\n") in lists, hashing every byte read; None: a line too long.

    `limit` is in bytes; `heads` holds the first bytes of each line too long, in order. After the
    iteration ends, `finish()` checks the file did not change while it was read and gives its sha256
    and size.
    """

    def __init__(self, fh: BinaryIO, name: str, info: os.stat_result, limit: int) -> None:
        self.fh, self.name, self.info, self.limit = fh, name, info, limit
        self.digest = hashlib.sha256()
        self.size = 0
        self.heads: deque[bytes] = deque()  # the first bytes of each line too long, for the report

    def __iter__(self) -> Iterator[list[bytes | None]]:
        """Yield the lines chunk by chunk, as lists: the caller's inner loop then runs over a list."""
        read, update, limit = self.fh.read, self.digest.update, self.limit
        tail = b""  # the start of a line that the last chunk did not finish
        skipping = False  # inside a line already reported too long: drop bytes up to its newline
        while chunk := read(CHUNK):
            update(chunk)
            self.size += len(chunk)
            parts: list[bytes | None] = chunk.split(b"\n")  # type: ignore[assignment]
            last = parts.pop()
            assert last is not None
            if parts:
                if skipping:
                    del parts[0]  # the end of the long line
                    skipping = False
                elif tail:
                    parts[0] = tail + parts[0]  # type: ignore[operator]
                tail = b""
                if parts and max(map(len, parts)) > limit:  # type: ignore[arg-type]
                    parts = [self._long(part) if len(part) > limit else part for part in parts]  # type: ignore
                yield parts
            if skipping:
                continue
            tail += last
            if len(tail) > limit:
                yield [self._long(tail)]
                tail, skipping = b"", True
        if tail:
            yield [tail]

    def _long(self, start: bytes) -> None:
        """Keep the start of a line too long for the report; the line itself becomes None."""
        self.heads.append(start[:HEAD])

    def finish(self) -> tuple[str, int]:
        """Check the file is as it was when opened; return (sha256, size) of the bytes read."""
        now = os.fstat(self.fh.fileno())
        before = (self.info.st_size, self.info.st_mtime_ns)
        if (now.st_size, now.st_mtime_ns) != before or self.size != self.info.st_size:
            raise InputError(f"{self.name}: {CHANGED}")
        return self.digest.hexdigest(), self.size


def file_sha256(path: Path) -> str:
    """The sha256 of a regular file's bytes, read the way the readers read them."""
    fh, _ = open_regular(path)
    digest = hashlib.sha256()
    with fh:
        try:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        except OSError as exc:
            raise InputError(f"{shown(path)}: cannot read: {exc.strerror or exc}") from None
    return digest.hexdigest()
