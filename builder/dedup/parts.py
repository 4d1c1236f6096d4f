"""Join the per-batch arrays a build collects into one, letting each piece go as it is copied.

`np.concatenate(parts)` needs every part alive until the joined array is whole, so for a moment
the memory holds both: at 3M pairs the dedup phase held 2.6 GB of n-grams twice. `drain` copies
part after part into an array that fills as it goes (its pages are touched only as they are
written) and drops each part once copied, so the peak stays near one copy.

The joined array lives in anonymous pages of its own (`mmap`), not in `np.empty`'s: numpy advises
the kernel to back a large array with huge pages, and while the parts are freed one by one the
memory is fragmented, so each such fault compacts memory first. At 1M pairs, joining the n-grams
(560 MB) took 1.7-1.9 s of system time that way, 0.65-0.9 s in plain pages.

`Parts` collects named arrays batch by batch for a build. Given a folder (inside the staging
folder: it goes with a failed build), each name is one file the batches are appended to, so the
main process holds none of them between the passes, and the joined array is that file mapped back
read-only: page cache, which the kernel takes back once the caller lets the array go, instead of
heap pages that a process seldom returns. Another process reads one batch's slice (`read_part`).
"""

from __future__ import annotations

import mmap
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = ["Parts", "drain", "read_part"]


def _blank(size: int, dtype: np.dtype) -> np.ndarray:
    """A writable array of `size` items in fresh anonymous pages (zero until written)."""
    if size == 0:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(mmap.mmap(-1, size * dtype.itemsize), dtype=dtype)


def drain(parts: list[np.ndarray], dtype: type | np.dtype) -> np.ndarray:
    """The parts joined in order (as `np.concatenate`), emptying `parts` as they are copied."""
    out = _blank(sum(part.size for part in parts), np.dtype(dtype))
    parts.reverse()  # pop() from the end: the first part first
    at = 0
    while parts:
        part = parts.pop()
        out[at:at + part.size] = part
        at += part.size
        del part
    return out


def read_part(path: str | Path, dtype: type | np.dtype, start: int, count: int) -> np.ndarray:
    """Items start .. start + count of a file `Parts` wrote (a worker reads its batch's slice)."""
    dtype = np.dtype(dtype)
    if count == 0:
        return np.empty(0, dtype=dtype)
    out = np.fromfile(path, dtype=dtype, count=count, offset=start * dtype.itemsize)
    if out.size != count:
        raise ValueError(f"{path}: {out.size} items where {count} were written")
    return out


class Parts:
    """Named arrays appended batch by batch, joined per name at the end (`join`): in memory
    (drained), or with a folder in one file per name, mapped back read-only."""

    def __init__(self, dtypes: Mapping[str, type | np.dtype], folder: Path | None = None) -> None:
        self.dtypes = {name: np.dtype(dtype) for name, dtype in dtypes.items()}
        self.folder = folder
        self.sizes = dict.fromkeys(self.dtypes, 0)  # items appended so far, per name
        self._memory: dict[str, list[np.ndarray]] = {name: [] for name in self.dtypes}
        self._files: dict[str, BinaryIO] = {}
        if folder is not None:
            folder.mkdir()
            self._files = {name: (folder / name).open("wb") for name in self.dtypes}

    def path(self, name: str) -> Path:
        """The file that holds `name` (with a folder only)."""
        assert self.folder is not None, "these parts are kept in memory"
        return self.folder / name

    def append(self, arrays: Mapping[str, np.ndarray]) -> None:
        """Add one batch: an array for every name (the dtypes given at the start)."""
        for name, dtype in self.dtypes.items():
            array = np.ascontiguousarray(arrays[name], dtype=dtype)
            if self._files:
                self._files[name].write(memoryview(array).cast("B"))
            elif self.folder is None:
                self._memory[name].append(array)
            else:
                raise RuntimeError("parts are closed for appending")
            self.sizes[name] += array.size

    def close(self) -> None:
        """Finish appending: the files are whole from here on, for this and other processes."""
        files, self._files = self._files, {}
        for handle in files.values():
            handle.close()

    def join(self, name: str) -> np.ndarray:
        """Every batch's array of `name` as one, in order. In memory, the batches are let go as
        they are copied (call it once per name); from a file, a read-only map of it."""
        dtype = self.dtypes[name]
        if self.folder is None:
            return drain(self._memory[name], dtype)
        self.close()
        if self.sizes[name] == 0:
            return np.empty(0, dtype=dtype)
        with self.path(name).open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return np.frombuffer(mapped, dtype=dtype, count=self.sizes[name])

    def remove(self) -> None:
        """Delete the files (arrays already joined stay readable: the maps keep their pages)."""
        self.close()
        if self.folder is not None and self.folder.exists():
            shutil.rmtree(self.folder)
