"""The build cache: content-addressed results of earlier builds, so rebuilds redo only what changed.

Three levels, each keyed by content hashes and versions, never by paths or times:

- output: the whole output folder, keyed by everything that decides it (the inputs' sha256, the
  config, the recipes' versions and source code, twcasual's own code). A hit is checked against
  its manifest before it is used.
- pass 1, per input file: the normalised, annotated pairs and their dedup features, keyed by the
  file's sha256, format and the settings of normalise, annotate and dedup. Adding a file
  processes only that file before the global stages (dedup, split).
- records, per batch of an input file and recipe: the recipe's record table, keyed by the batch's
  pass-1 key, the recipe's name, version, parameters and source, and which pairs of the batch
  dedup kept. Changing one recipe recomputes only that recipe's records.

The cache is a folder the user can delete at any time; entries are written to a temporary name
and renamed, so a killed build never leaves a half-written entry that a later build would trust.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import uuid
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from builder.output.layout import MANIFEST
from builder.output.manifest import file_sha256
from builder.version import __version__

__all__ = ["BuildCache", "code_digest", "digest"]

FORMAT = 1


def digest(*parts: Any) -> str:
    """A sha256 over JSON-encoded parts (sorted keys): the cache's one way of making keys."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@cache
def code_digest() -> str:
    """A hash of twcasual's own source files, so a code change never meets a stale entry."""
    h = hashlib.sha256(f"{__version__}\n{FORMAT}".encode())
    root = Path(__file__).parent.parent  # builder/
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".md", ".json", ".jsonl", ".txt"):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _temporary(path: Path) -> Path:
    """A unique hidden name beside `path` (its folder made), to be renamed onto it when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}")


class _StreamWriter:
    """Pickle objects one by one into a temporary file; rename it into place on commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temporary = _temporary(path)
        self._handle: BinaryIO | None = self.temporary.open("wb")

    def append(self, value: Any) -> None:
        assert self._handle is not None
        pickle.dump(value, self._handle, protocol=pickle.HIGHEST_PROTOCOL)

    def commit(self) -> None:
        assert self._handle is not None
        self._handle.close()
        self._handle = None
        self.temporary.replace(self.path)

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.temporary.unlink(missing_ok=True)


class BuildCache:
    """A cache folder, or a disabled cache when `root` is None."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits: dict[str, int] = {"output": 0, "pass1": 0, "records": 0}
        self.misses: dict[str, int] = {"output": 0, "pass1": 0, "records": 0}

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _path(self, kind: str, key: str, suffix: str = "") -> Path:
        assert self.root is not None
        return self.root / kind / key[:2] / f"{key}{suffix}"

    # --- pass 1 -------------------------------------------------------------------------------

    def read_pass1(self, key: str) -> Iterator[Any] | None:
        """The pass-1 objects of one input file, streamed in order, or None if not cached."""
        if not self.enabled:
            return None
        path = self._path("pass1", key, ".pickle")
        if not path.is_file():
            self.misses["pass1"] += 1
            return None
        self.hits["pass1"] += 1

        def objects() -> Iterator[Any]:
            with path.open("rb") as handle:
                while True:
                    try:
                        yield pickle.load(handle)
                    except EOFError:
                        return

        return objects()

    def write_pass1(self, key: str) -> _StreamWriter | None:
        """A writer for one input file's pass-1 objects; `commit()` makes the entry visible."""
        if not self.enabled:
            return None
        return _StreamWriter(self._path("pass1", key, ".pickle"))

    # --- records ------------------------------------------------------------------------------

    def load_records(self, key: str) -> pa.Table | None:
        """A cached record table, or None."""
        if not self.enabled:
            return None
        path = self._path("records", key, ".arrow")
        try:
            with pa.memory_map(str(path)) as source:
                table = pa.ipc.open_file(source).read_all()
        except (OSError, pa.ArrowInvalid):
            self.misses["records"] += 1
            return None
        self.hits["records"] += 1
        return table

    def store_records(self, key: str, table: pa.Table) -> None:
        if not self.enabled:
            return
        path = self._path("records", key, ".arrow")
        temporary = _temporary(path)
        options = pa.ipc.IpcWriteOptions(compression="lz4")  # fast: cache, not output
        try:  # straight to the file: no copy of the whole table in memory
            with pa.OSFile(str(temporary), "wb") as sink, \
                    pa.ipc.new_file(sink, table.schema, options=options) as writer:
                writer.write_table(table)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)

    # --- whole output -------------------------------------------------------------------------

    def restore_output(self, key: str, stage: Path) -> bool:
        """Copy a cached output into the (empty) staging folder if it is whole; say whether it was."""
        if not self.enabled:
            return False
        folder = self._path("output", key)
        manifest_path = folder / MANIFEST
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            files = manifest["files"]
            for name, entry in files.items():
                if file_sha256(folder / name) != entry["sha256"]:
                    raise ValueError(f"{name} changed")
        except (OSError, ValueError, KeyError, TypeError):
            self.misses["output"] += 1
            return False
        for name in [*files, MANIFEST]:
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, target)
        self.hits["output"] += 1
        return True

    def store_output(self, key: str, stage: Path, names: Iterable[str]) -> None:
        """Keep a copy of a finished output folder under its key."""
        if not self.enabled:
            return
        folder = self._path("output", key)
        temporary = _temporary(folder)
        for name in [*names, MANIFEST]:
            target = temporary / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(stage / name, target)  # same filesystem: no copy; files are never rewritten
            except OSError:
                shutil.copyfile(stage / name, target)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        temporary.replace(folder)

    def summary(self) -> dict[str, Any]:
        return {"hits": dict(self.hits), "misses": dict(self.misses)}

