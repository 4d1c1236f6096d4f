"""Arrow tables handed from a worker process to the main process through files, not the pipe."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import TypeVar

import pyarrow as pa

from builder.limits import naming

__all__ = ["Parcel"]

K = TypeVar("K")


@dataclass(frozen=True)
class Parcel:
    """Tables by key, written by a worker as Arrow files that the main process memory-maps.

    Pickling Arrow buffers through the pool's pipe costs both processes a copy and the main
    process's GIL; a file is written once and memory-mapped (the main process reads it in place
    and unlinks it at once). One file per table: the writer holds on to small splits' tables for
    long, and a mapping lives as long as any table read from it.
    """

    paths: tuple[tuple[object, str], ...]  # (key, file)

    @classmethod
    def pack(cls, tables: dict[K, pa.Table], folder: str) -> Parcel:
        """Write each table to its own file in `folder`."""
        stem = os.path.join(folder, f"{os.getpid()}-{uuid.uuid4().hex}")
        paths = []
        for number, (key, table) in enumerate(tables.items()):
            path = f"{stem}-{number}.arrow"
            with naming(path), pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            paths.append((key, path))
        return cls(tuple(paths))

    def unpack(self) -> dict:
        """Read the tables back, removing each file as it is read (call it once)."""
        tables = {}
        for key, path in self.paths:
            with pa.memory_map(path) as source:
                tables[key] = pa.ipc.open_file(source).read_all()  # buffers keep the mapping
            os.unlink(path)
        return tables
