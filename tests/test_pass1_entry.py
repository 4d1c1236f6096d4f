"""Pass-1 cache entries hold JSON and Arrow, never pickle: a rebuild from them reads back the same
batches and accounting, and a frame of any other shape is refused."""

from __future__ import annotations

import json
import pickle
import shutil
import struct
from pathlib import Path

import pytest

from builder.config import config_from_mapping
from builder.engine.spool import load_pairs
from builder.pipeline import build
from builder.pipeline.pass1_entry import BadFrame, FileDone, decode, encode

PAIRS = [
    ("Please remember to bring your umbrella tomorrow.", "明天記得帶傘喔"),
    ("The night market is extremely crowded tonight.", "今天夜市人超多的啦"),
    ("This sentence has no partner on purpose.", ""),
    ("Shall we take the MRT to the museum?", "我们搭地铁去博物馆好不好？"),
    ("This bubble tea is far too sweet for me.", "這杯手搖太甜了吧"),
    ("I finally finished the report for my manager.", "我終於把報告交給主管了耶"),
]


def _corpus(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{en}\n{zh}\n\n" if zh else f"{en}\n\n" for en, zh in PAIRS)
    (folder / "a.txt").write_text(text, encoding="utf-8")


def _config(tmp_path: Path) -> object:
    return config_from_mapping({"input": {"paths": ["in"]}, "build": {"workers": 1, "batch_size": 2},
                                "recipes": {"en-to-casual": {}, "casualize": {}}}, base=tmp_path)


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _frames(entry: Path) -> list[bytes]:
    """The frames of a pass-1 entry file (length-prefixed, before the entry's trailer)."""
    data, frames, at = entry.read_bytes(), [], 0
    while at + 8 <= len(data):
        (size,) = struct.unpack_from("<Q", data, at)
        if at + 8 + size > len(data):
            break
        frame = data[at + 8:at + 8 + size]
        try:
            decode(frame)
        except BadFrame:
            break  # the trailer
        frames.append(frame)
        at += 8 + size
    return frames


def test_a_rebuild_from_pass_1_entries_never_unpickles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second build (the output entry removed, so pass 1 comes from its entry) runs with
    pickle switched off and writes the same bytes; the entry decodes to the file's batches."""
    _corpus(tmp_path / "in")
    cache = tmp_path / "cache"
    first = build(_config(tmp_path), tmp_path / "out1", cache_dir=cache)
    shutil.rmtree(cache / "output")
    entries = sorted((cache / "pass1").rglob("*.frames"))
    assert len(entries) == 1
    items = [decode(frame) for frame in _frames(entries[0])]
    assert isinstance(items[-1], FileDone) and not any(isinstance(i, FileDone) for i in items[:-1])
    assert sum(item.count for item in items[:-1]) == first.report["totals"]["pairs"] == 5
    assert items[-1].report.unpaired == 1 and items[-1].report.lines == first.report["totals"]["lines"]
    assert [len(load_pairs(i.spooled)) for i in items[:-1]] == [i.count for i in items[:-1]]

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    second = build(_config(tmp_path), tmp_path / "out2", cache_dir=cache)
    assert second.cache["hits"]["pass1"] == 1
    assert _files(tmp_path / "out1") == _files(tmp_path / "out2")


def test_encode_decode_gives_the_same_objects(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    cache = tmp_path / "cache"
    build(_config(tmp_path), tmp_path / "out", cache_dir=cache)
    for frame in _frames(next((cache / "pass1").rglob("*.frames"))):
        item = decode(frame)
        again = decode(encode(item))
        if isinstance(item, FileDone):
            assert again == item
        else:
            assert (again.count, again.ids, again.spooled, again.refused, again.warnings) == \
                   (item.count, item.ids, item.spooled, item.refused, item.warnings)
            for mine, theirs in zip(item.features, again.features):
                for name in ("key", "grams", "offsets", "neutral_key"):
                    a, b = getattr(mine, name), getattr(theirs, name)
                    assert (a is None and b is None) or (a.dtype == b.dtype and (a == b).all())


def _frame(header: dict, *parts: bytes) -> bytes:
    head = json.dumps(header).encode()
    return struct.pack("<Q", len(head)) + head + b"".join(parts)


@pytest.mark.parametrize("frame", [
    _frame({"kind": "pickle", "parts": []}),
    _frame({"kind": "done", "parts": [], "report": {"name": "a"}, "set_aside": []}),
    _frame({"kind": "batch", "parts": [["pairs", 4, "bytes"], ["en.key", 8, "object"]], "features": True,
            "count": 0, "ids": [], "converted": 0, "refused": [], "filtered": [], "formal": 0, "warnings": [],
            "warning_count": 0, "timings": {}}, b"\x00" * 12),
    _frame({"kind": "done", "parts": [["pairs", 100, "bytes"]]}, b"\x00" * 10),
    b"\x80\x05\x95",  # what a pickle starts with
], ids=["unknown kind", "report fields", "object dtype", "part past the end", "pickle bytes"])
def test_a_frame_of_another_shape_is_refused(frame: bytes) -> None:
    with pytest.raises(BadFrame):
        decode(frame)


def test_a_sealed_entry_with_a_foreign_frame_stops_the_build_in_one_line(tmp_path: Path) -> None:
    """An entry whose trailer is right (written by a build of other code under the same key, say)
    but whose frame this codec does not know: the build stops with one line naming the file, and
    writes nothing, instead of a traceback or a half-read file."""
    from builder.engine.entry import EntryWriter
    from builder.errors import BuildError

    _corpus(tmp_path / "in")
    cache = tmp_path / "cache"
    build(_config(tmp_path), tmp_path / "out1", cache_dir=cache)
    shutil.rmtree(cache / "output")
    (entry,) = sorted((cache / "pass1").rglob("*.frames"))
    writer = EntryWriter(entry, entry.name.removesuffix(".frames"))
    frame = _frame({"kind": "pickle", "parts": []})
    writer.write(struct.pack("<Q", len(frame)) + frame)
    writer.commit()
    with pytest.raises(BuildError, match=r"^a\.txt: pass-1 cache entry [0-9a-f]{12}: not a pass-1 frame") as caught:
        build(_config(tmp_path), tmp_path / "out2", cache_dir=cache)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out2").exists()
