"""The build cache: content-addressed results of earlier builds, so rebuilds redo only what changed.

Three levels, each keyed by content hashes and versions, never by paths or times:

- output: the whole output folder, keyed by everything that decides it (the inputs' sha256, the
  config, the recipes' versions and source code, twcasual's own code). A hit is checked against
  its manifest before it is used.
- pass 1, per input file: the normalised, annotated pairs and their dedup features, keyed by the
  file's sha256, format and the settings of normalise, annotate and dedup. Adding a file
  processes only that file before the global stages (dedup, split).
- records, per batch of an input file and recipe: the recipe's record table (less its chat column,
  made again from instruction, input and output on a hit), keyed by the batch's pass-1 key, the
  recipe's name, version, parameters and source, and which pairs of the batch dedup kept.
  Changing one recipe recomputes only that recipe's records.

The cache is a folder the user can delete at any time. Every entry proves itself
(`builder/engine/entry.py`: a trailer with its key and a digest of its bytes, checked before it
is used): a damaged, truncated, empty, foreign or swapped entry is a miss, with one warning line,
and is rebuilt and replaced. Entries are written to a temporary name and renamed, so a killed
build never leaves a half-written entry; the temporary files of dead builds are swept at the
start of the next build (`sweep`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import struct
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from builder.engine.entry import TEMPORARY, Damaged, EntryWriter, read_entry, temporary_name
from builder.engine.pids import pid_alive
from builder.output.layout import MANIFEST
from builder.output.manifest import file_sha256
from builder.version import __version__

__all__ = ["BuildCache", "CacheEvents", "code_digest", "digest"]

FORMAT = 4  # 2: every entry carries a trailer with its key and digest; 3: pass-1 entries are frames, not pickles;
# 4: record entries without the chat column (made again from instruction, input and output)
KINDS = ("output", "pass1", "records")
ENTRY = ".entry"  # in an output entry: the manifest's bytes, sealed with the key


def digest(*parts: Any) -> str:
    """A sha256 over JSON-encoded parts (sorted keys): the cache's one way of making keys."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@cache
def code_digest() -> str:
    """A hash of twcasual's own source files and of the libraries whose formats the entries use,
    so a code or library change never meets a stale entry."""
    versions = f"{__version__}\n{FORMAT}\n{sys.version}\n{pa.__version__}\n{np.__version__}"
    h = hashlib.sha256(versions.encode())
    root = Path(__file__).parent.parent  # builder/
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".md", ".json", ".jsonl", ".txt"):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()



@dataclass
class CacheEvents:
    """Hits, misses and warnings of a cache in one process, to be added to another's."""

    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    misses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    warnings: list[str] = field(default_factory=list)


_FRAME = struct.Struct("<Q")  # each frame of a pass-1 entry: its length, then its bytes


class _FrameStream:
    """Write frames (bytes the caller encodes) one by one into an entry; `commit()` makes it visible."""

    def __init__(self, path: Path, key: str) -> None:
        self._entry = EntryWriter(path, key)

    def append(self, frame: bytes) -> None:
        self._entry.write(_FRAME.pack(len(frame)))
        self._entry.write(frame)

    def commit(self) -> None:
        self._entry.commit()

    def discard(self) -> None:
        self._entry.discard()


class BuildCache:
    """A cache folder, or a disabled cache when `root` is None."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._events = CacheEvents()
        self._pid = os.getpid()

    @property
    def events(self) -> CacheEvents:
        """This process's events: a forked worker starts with none of its parent's."""
        if os.getpid() != self._pid:
            self._events, self._pid = CacheEvents(), os.getpid()
        return self._events

    @property
    def hits(self) -> dict[str, int]:
        return self.events.hits

    @property
    def misses(self) -> dict[str, int]:
        return self.events.misses

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _path(self, kind: str, key: str, suffix: str = "") -> Path:
        assert self.root is not None
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def sweep(self) -> int:
        """Make the cache folder; remove the temporary entries of builds that died; count them."""
        if self.root is None:
            return 0
        self.root.mkdir(parents=True, exist_ok=True)
        pattern = re.compile(TEMPORARY)
        removed = 0
        for kind in KINDS:
            for folder in sorted(self.root.glob(f"{kind}/??")):
                for entry in sorted(folder.iterdir()):
                    found = pattern.match(entry.name)
                    if found is None or pid_alive(int(found.group(1))):
                        continue
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
                    removed += 1
        return removed

    def _miss(self, kind: str, path: Path, damage: Damaged | None = None) -> None:
        self.events.misses[kind] += 1
        if damage is not None:
            self.events.warnings.append(f"build cache entry {path}: {damage}; not used, rebuilt and replaced")
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def take_events(self) -> CacheEvents:
        """This process's hits, misses and warnings since the last take (a worker sends them back)."""
        events, self._events = self.events, CacheEvents()
        return events

    def merge_events(self, events: CacheEvents) -> None:
        """Add another process's events to this one's."""
        for kind in KINDS:
            self.events.hits[kind] += events.hits[kind]
            self.events.misses[kind] += events.misses[kind]
        self.events.warnings.extend(events.warnings)

    def take_warnings(self) -> list[str]:
        """The warnings not yet shown (damaged entries), each one line."""
        warnings, self._events.warnings = self.events.warnings, []
        return warnings

    # --- pass 1 -------------------------------------------------------------------------------

    def read_pass1(self, key: str) -> Iterator[memoryview] | None:
        """The pass-1 frames of one input file, in order, or None if not cached (or damaged: the
        whole entry is checked before the first frame is read). The caller decodes them
        (`builder.pipeline.pass1_entry`: JSON and Arrow, never pickle)."""
        if not self.enabled:
            return None
        path = self._path("pass1", key, ".frames")
        try:
            payload = read_entry(path, key)
        except FileNotFoundError:
            self._miss("pass1", path)
            return None
        except Damaged as damage:
            self._miss("pass1", path, damage)
            return None
        self.events.hits["pass1"] += 1

        def frames() -> Iterator[memoryview]:
            view, at = memoryview(payload), 0
            while at < len(view):
                (size,) = _FRAME.unpack_from(view, at)
                at += _FRAME.size
                yield view[at:at + size]
                at += size

        return frames()

    def write_pass1(self, key: str) -> _FrameStream | None:
        """A writer for one input file's pass-1 frames; `commit()` makes the entry visible."""
        if not self.enabled:
            return None
        return _FrameStream(self._path("pass1", key, ".frames"), key)

    # --- records ------------------------------------------------------------------------------

    def load_records(self, key: str) -> pa.Table | None:
        """A cached record table, or None."""
        if not self.enabled:
            return None
        path = self._path("records", key, ".arrow")
        try:
            table = pa.ipc.open_file(read_entry(path, key)).read_all()
        except FileNotFoundError:
            self._miss("records", path)
            return None
        except Damaged as damage:
            self._miss("records", path, damage)
            return None
        self.events.hits["records"] += 1
        return table

    def store_records(self, key: str, table: pa.Table) -> None:
        if not self.enabled:
            return
        entry = EntryWriter(self._path("records", key, ".arrow"), key)
        options = pa.ipc.IpcWriteOptions(compression="lz4")  # fast: cache, not output
        try:  # straight to the file: no copy of the whole table in memory
            with pa.PythonFile(entry, mode="w") as sink, \
                    pa.ipc.new_file(sink, table.schema, options=options) as writer:
                writer.write_table(table)
            entry.commit()
        finally:
            entry.discard()  # nothing to do after a commit

    # --- whole output -------------------------------------------------------------------------

    def restore_output(self, key: str, stage: Path) -> bool:
        """Copy a cached output into the (empty) staging folder if it is whole; say whether it was."""
        if not self.enabled:
            return False
        folder = self._path("output", key)
        try:
            sealed = read_entry(folder / ENTRY, key).to_pybytes()
            files = json.loads(sealed)["files"]
            for name, entry in files.items():
                if file_sha256(folder / name) != entry["sha256"]:
                    raise Damaged(f"{name} does not match its manifest (changed on disk, or in an "
                                  "output that shares its files)")
        except FileNotFoundError:
            self._miss("output", folder)
            return False
        except (Damaged, ValueError, KeyError, TypeError, AttributeError) as problem:
            damage = problem if isinstance(problem, Damaged) else Damaged(f"unreadable manifest ({problem})")
            self._miss("output", folder, damage)
            return False
        for name in files:
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, target)
        (stage / MANIFEST).write_bytes(sealed)
        self.events.hits["output"] += 1
        return True

    def store_output(self, key: str, stage: Path, names: Iterable[str]) -> None:
        """Keep a copy of a finished output folder under its key."""
        if not self.enabled:
            return
        folder = self._path("output", key)
        temporary = temporary_name(folder)
        try:
            for name in names:
                target = temporary / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(stage / name, target)  # same filesystem: no copy; files are never rewritten
                except OSError:
                    shutil.copyfile(stage / name, target)
            seal = EntryWriter(temporary / ENTRY, key)
            seal.write((stage / MANIFEST).read_bytes())
            seal.commit()
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            try:
                temporary.replace(folder)
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                shutil.rmtree(temporary)  # another build stored the same key meanwhile: keep its
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise

    def summary(self) -> dict[str, Any]:
        return {"hits": dict(self.events.hits), "misses": dict(self.events.misses)}
