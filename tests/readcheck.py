"""Read a file to the end and check its accounting: the helper and the `read` fixture of the reader tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builder.ingest.inputs import REASONS, FileStats, InputFile
from builder.ingest.readers import read_file
from builder.types import RawPair, SetAside

Read = Callable[..., tuple[list[RawPair], list[SetAside], FileStats]]


def read_checked(f: InputFile, **options: Any) -> tuple[list[RawPair], list[SetAside], FileStats]:
    """Read a file to the end; check that its accounting adds up; return pairs, set-asides, stats."""
    stats = FileStats()
    items = list(read_file(f, stats, **options))
    pairs = [i for i in items if isinstance(i, RawPair)]
    aside = [i for i in items if isinstance(i, SetAside)]
    assert len(pairs) + len(aside) == len(items)
    assert stats.pairs == len(pairs)
    assert stats.unpaired + stats.rejected == len(aside)
    assert stats.adds_up(), stats
    assert all(a.reason in REASONS for a in aside), [a.reason for a in aside]
    return pairs, aside, stats


@pytest.fixture
def read(tmp_path: Path) -> Read:
    """Write data to a file under tmp_path and read it back with `read_checked`."""

    def run(data: bytes | str, fmt: str = "lines", name: str = "in.txt", max_line_chars: int = 10_000,
            **fields: Any) -> tuple[list[RawPair], list[SetAside], FileStats]:
        path = tmp_path / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return read_checked(InputFile(path=path, name=name, format=fmt, **fields), max_line_chars=max_line_chars)

    return run
