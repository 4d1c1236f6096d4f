"""A cache entry that proves itself: its payload, then a trailer with its key and a digest.

Every file the build cache writes is `payload + trailer`, whatever the payload is (pass-1
frames, an Arrow file, a manifest). The trailer holds a magic word, the entry's key, the
payload's length and sha256(key + payload). Reading an entry checks all of them before a byte of
the payload is used, so a flipped bit, a truncated or empty file, or another key's entry copied
or swapped into this place is a miss with a reason, never wrong bytes or a traceback.

Entries are written to a hidden temporary name (`.NAME.<pid>-<hex>`, swept when its process is
dead) and renamed into place when complete. They are not fsynced: after a crash or a power cut
an entry whose blocks never reached the disk fails its digest and is rebuilt, which costs one
miss, while an fsync per entry would cost every build.
"""

from __future__ import annotations

import hashlib
import os
import struct
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

__all__ = ["Damaged", "EntryWriter", "read_entry", "temporary_name", "TEMPORARY"]

MAGIC = b"TWCACHE1"
_TRAILER = struct.Struct("<8s64sQ32s8s")  # magic, key (hex), payload length, digest, magic
T = TypeVar("T")
TEMPORARY = r"^\..+\.(\d+)-[0-9a-f]{8}$"  # temporary_name's pattern; group 1: the writer's pid


class Damaged(Exception):
    """A cache entry that must not be used; the message says why, in a few words."""


def temporary_name(path: Path) -> Path:
    """A unique hidden name beside `path` (its folder made), to be renamed onto it when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _key_bytes(key: str) -> bytes:
    data = key.encode("ascii")
    if len(data) != 64:
        raise ValueError(f"a cache key is 64 hex digits, not {key!r}")
    return data


class EntryWriter:
    """A file-like object that writes one entry's payload; `commit()` seals and publishes it.

    Errors on writing carry the temporary file's name; `discard()` (or a failed `commit()`)
    leaves nothing behind.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = _key_bytes(key)
        self.temporary = temporary_name(path)
        self._digest = hashlib.sha256(self.key)
        self._length = 0
        self._handle = _named(self.temporary, lambda: self.temporary.open("wb"))
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        self._digest.update(view)
        _named(self.temporary, lambda: self._handle.write(view))
        self._length += len(view)
        return len(view)

    def tell(self) -> int:
        return self._length

    def flush(self) -> None:
        """Nothing to do: the trailer is written, and the file closed, by `commit()`."""

    def close(self) -> None:
        """Nothing to do: an entry is sealed by `commit()` or dropped by `discard()`."""

    def commit(self) -> None:
        """Write the trailer and rename the entry into place (an entry of the same key is replaced)."""
        try:
            trailer = _TRAILER.pack(MAGIC, self.key, self._length, self._digest.digest(), MAGIC)
            _named(self.temporary, lambda: self._handle.write(trailer))
            _named(self.temporary, self._handle.close)
            self.closed = True
            _named(self.path, lambda: self.temporary.replace(self.path))
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Drop the entry: close and remove the temporary file."""
        if not self._handle.closed:
            try:
                self._handle.close()
            except OSError:
                pass  # a full disk refuses the last bytes: the file goes anyway
        self.closed = True
        self.temporary.unlink(missing_ok=True)


def _named(path: Path, action: Callable[[], T]) -> T:
    """Run `action`; an OSError without a file name gets `path` (the build's error line needs it)."""
    try:
        return action()
    except OSError as error:
        if error.filename is None:
            error.filename = str(path)
        raise


def read_entry(path: Path, key: str) -> pa.Buffer:
    """The checked payload of the entry at `path` (memory-mapped), or Damaged; FileNotFoundError
    when there is none."""
    if path.stat().st_size == 0:  # (FileNotFoundError: no entry) an empty file cannot be mapped
        raise Damaged("empty")
    try:
        with pa.memory_map(str(path)) as source:
            whole = source.read_buffer()
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise Damaged(f"unreadable ({error})") from None
    size = whole.size
    if size < _TRAILER.size:
        raise Damaged(f"truncated ({size} bytes)")
    magic, stored_key, length, digest, end = _TRAILER.unpack(whole.slice(size - _TRAILER.size).to_pybytes())
    if magic != MAGIC or end != MAGIC:
        raise Damaged("truncated, or not a twcasual cache entry (no trailer)")
    if length != size - _TRAILER.size:
        raise Damaged(f"truncated or extended ({size - _TRAILER.size} payload bytes, {length} written)")
    if stored_key != _key_bytes(key):
        raise Damaged(f"holds the entry of another key ({stored_key[:12].decode('ascii', 'replace')}…): "
                      "copied or swapped in")
    payload = whole.slice(0, length)
    check = hashlib.sha256(stored_key)
    check.update(memoryview(payload))
    if check.digest() != digest:
        raise Damaged("its bytes do not match its digest (changed on disk)")
    return payload
