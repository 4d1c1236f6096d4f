"""What the build cache keeps of one input file's first pass, without pickle.

A pass-1 entry is a sequence of frames, one per `Pass1Result` of the file, in order, then one
`FileDone` (the file's accounting). A frame is a JSON header (the object's kind and plain fields,
and the name, dtype and size of each binary part), then its binary parts: the batch's pair table as
the spool keeps it (Arrow IPC, `builder.engine.spool.dump_pairs`) and the dedup features (raw
integer arrays). Reading accepts only the two kinds and the field names and dtypes written here, so
an entry can only ever become these objects, whoever wrote it; the entry's trailer
(`builder.engine.entry`) has already proved its bytes before a frame is read.
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from builder.dedup.fold import SideFeatures
from builder.engine.timing import Timings
from builder.output.report import FileReport
from builder.pipeline.pass1 import Pass1Result
from builder.types import SetAside, Source

__all__ = ["BadFrame", "FileDone", "decode", "encode"]

_SIZE = struct.Struct("<Q")
_FEATURES = tuple(f.name for f in fields(SideFeatures))
_DTYPES = {"uint64", "int64", "uint32"}  # the only array types a frame may hold


@dataclass
class FileDone:
    """The end of one input file's pass 1 (last in its cache entry): its accounting."""

    report: FileReport
    set_aside: list[SetAside]


class BadFrame(ValueError):
    """A frame that is not one this codec writes."""


def encode(item: Pass1Result | FileDone) -> bytes:
    """One frame: the JSON header, then each binary part."""
    parts: list[tuple[str, bytes, str]] = []
    if isinstance(item, FileDone):
        header: dict[str, Any] = {"kind": "done", "report": _report_fields(item.report),
                                  "set_aside": [_set_aside(s) for s in item.set_aside]}
    else:
        parts.append(("pairs", item.spooled, "bytes"))
        if item.features is not None:
            for side, feats in zip(("en", "zh"), item.features):
                for name in _FEATURES:
                    value = getattr(feats, name)
                    if value is not None:  # little-endian raw bytes (a copy only where that is not so)
                        array = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
                        parts.append((f"{side}.{name}", array.tobytes(), array.dtype.name))
        header = {"kind": "batch", "count": item.count, "ids": item.ids, "converted": item.converted,
                  "features": item.features is not None, "refused": [_set_aside(s) for s in item.refused],
                  "filtered": [_set_aside(s) for s in item.filtered], "formal": item.formal,
                  "warnings": [[[w.file, w.en_line, w.zh_line], message] for w, message in item.warnings],
                  "warning_count": item.warning_count, "timings": dict(item.timings)}
    header["parts"] = [[name, len(data), dtype] for name, data, dtype in parts]
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    return b"".join([_SIZE.pack(len(head)), head, *(data for _, data, _ in parts)])


def decode(frame: memoryview | bytes) -> Pass1Result | FileDone:
    """The object a frame holds; BadFrame if it is not a frame this codec writes."""
    view = memoryview(frame)
    try:
        (size,) = _SIZE.unpack_from(view, 0)
        header = json.loads(bytes(view[_SIZE.size:_SIZE.size + size]))
        at = _SIZE.size + size
        parts: dict[str, tuple[memoryview, str]] = {}
        for name, length, dtype in header["parts"]:
            if at + length > len(view):
                raise BadFrame("a part runs past the frame")
            parts[name] = (view[at:at + length], dtype)
            at += length
        if at != len(view):
            raise BadFrame("bytes after the last part")
        if header["kind"] == "done":
            return FileDone(_report(header["report"]), [SetAside(*s) for s in header["set_aside"]])
        if header["kind"] != "batch":
            raise BadFrame(f"unknown kind {header['kind']!r}")
        features = (_side("en", parts), _side("zh", parts)) if header["features"] else None
        return Pass1Result(
            count=int(header["count"]), spooled=bytes(parts["pairs"][0]), ids=[str(i) for i in header["ids"]],
            converted=int(header["converted"]), features=features,
            refused=[SetAside(*s) for s in header["refused"]], filtered=[SetAside(*s) for s in header["filtered"]],
            formal=int(header["formal"]),
            warnings=[(Source(*where), str(message)) for where, message in header["warnings"]],
            warning_count=int(header["warning_count"]), timings=Timings(header["timings"]))
    except (KeyError, TypeError, ValueError, struct.error) as error:
        raise BadFrame(f"not a pass-1 frame: {error}") from None


def _side(side: str, parts: dict[str, tuple[memoryview, str]]) -> SideFeatures:
    values: dict[str, np.ndarray | None] = {}
    for name in _FEATURES:
        found = parts.get(f"{side}.{name}")
        if found is None:
            values[name] = None
            continue
        data, dtype = found
        if dtype not in _DTYPES:
            raise BadFrame(f"{side}.{name}: dtype {dtype!r}")
        values[name] = np.frombuffer(data, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
    return SideFeatures(**values)


def _set_aside(item: SetAside) -> list[Any]:
    return [item.file, item.line, item.reason, item.text, item.kind]


def _report_fields(report: FileReport) -> dict[str, Any]:
    return {f.name: dict(value) if isinstance(value := getattr(report, f.name), Counter) else value
            for f in fields(FileReport)}


def _report(values: dict[str, Any]) -> FileReport:
    known = {f.name for f in fields(FileReport)}
    if set(values) != known:
        raise BadFrame("report fields differ from this twcasual's")
    return FileReport(**{name: Counter(value) if isinstance(value, dict) else value for name, value in values.items()})
