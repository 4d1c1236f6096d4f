"""Inputs (files, folders, `datasets` folders, hf:// ids) -> the files to read, in a stable order.

Only regular files are read. What is passed over is listed in `Discovery.skipped` as "name (why)":
a FIFO, a device or a socket, a broken symlink, a symlink loop, a symlink to a folder (not
followed), a twcasual output; a file with an unknown extension is listed by its name alone.
A named input that cannot be read at all (missing, a symlink loop, no permission) stops discovery
with one line naming it. File names that are not UTF-8 are read, and shown with escapes (caf\\xe9.txt).

A `.txt` is sniffed (`builder.ingest.sniff`): when most of its first 50 non-blank lines hold a tab
it is read as TSV, else as paired lines, whose order (English or zh line first) is sniffed too. A
`.csv` gets its delimiter from `csv.Sniffer` unless its source names one. Each file gets the license
and attribution line of its declared source (`[[input.sources]]`), else the dataset's license.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from builder.errors import ConfigError, InputError
from builder.ingest.columns import Columns
from builder.ingest.inputs import InputFile
from builder.ingest.licenses import license_for
from builder.ingest.sniff import sample_lines, sniff_csv, sniff_order, sniff_txt
from builder.ingest.sources import InputSource, parse_hub, source_for
from builder.ingest.stream import file_kind, shown
from builder.ingest.tables import is_datasets_folder
from builder.output.staging import is_twcasual_output

__all__ = ["EXTENSIONS", "FILE_FORMATS", "Discovery", "discover"]

EXTENSIONS = {".txt": "lines", ".tsv": "tsv", ".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}
FILE_FORMATS = ("lines", "tsv", "csv", "jsonl", "parquet")  # what --format may force


class Discovery(list[InputFile]):
    """The files `discover` found, in build order, plus `skipped`: names it passed over, with why."""

    __slots__ = ("skipped",)

    def __init__(self, files: Iterable[InputFile] = (), skipped: Iterable[str] = ()) -> None:
        super().__init__(files)
        self.skipped: tuple[str, ...] = tuple(skipped)


def discover(inputs: Sequence[Path | str], format: str = "auto", columns: Columns | None = None,
             sources: Sequence[InputSource] = (), default_license: str = "") -> Discovery:
    """List the files to read from files, folders and hf:// ids, in a stable order, with their readers."""
    if format != "auto" and format not in FILE_FORMATS:
        raise ConfigError(f"unknown input format {format!r} (use {', '.join(FILE_FORMATS)})")
    found, skipped = Discovery(), []
    seen: set[str] = set()
    names: dict[str, str] = {}
    for given in inputs:
        hub = parse_hub(os.fspath(given)) if isinstance(given, str) else None
        if hub is not None:
            source = source_for(given, sources)
            split = source.split if source and source.split else "train"
            hub = replace(hub, config=source.config) if source and source.config else hub
            found.append(InputFile(Path(hub.repo), str(given), "hub", columns=_columns(source, columns),
                                   split=split, hub=hub, source=source, **_terms(source, default_license)))
            continue
        for name, file, kind in _candidates(Path(given), format):
            if kind:
                skipped.append(f"{name} ({kind})")
                continue
            real = os.path.realpath(file)
            if real in seen:  # the same file named twice: reading it again only makes duplicates
                continue
            if name in names:
                raise InputError(f"{shown(file)}: same name {name!r} as {names[name]}; rename one")
            seen.add(real)
            names[name] = shown(file)
            found.append(_input_file(file, name, format, columns, source_for(file, sources), default_license))
    found.skipped = tuple(skipped)
    return found


def _columns(source: InputSource | None, columns: Columns | None) -> Columns | None:
    return source.columns if source is not None and source.columns is not None else columns


def _terms(source: InputSource | None, default_license: str) -> dict[str, str]:
    return {"license": license_for(source, default_license), "attribution": source.attribution if source else ""}


def _input_file(file: Path, name: str, format: str, columns: Columns | None,
                source: InputSource | None, default_license: str) -> InputFile:
    """Decide how to read one file: its source's format, the given format, else extension and sniffing."""
    common = {"path": file.absolute(), "name": name, "columns": _columns(source, columns), "source": source,
              **_terms(source, default_license)}
    if file.is_dir():  # a datasets folder (or one split of a DatasetDict)
        return InputFile(format="datasets", **common)  # type: ignore[arg-type]
    chosen = source.format if source is not None and source.format not in ("", "auto") else format
    delimiter = source.delimiter if source is not None else ""
    note = ""
    if chosen == "auto":
        chosen = EXTENSIONS[file.suffix.lower()]
        if chosen == "lines":
            chosen, note = sniff_txt(file)
    if chosen == "lines":
        declared = source.order if source is not None else ""
        order, how = (declared, f"{declared} (declared)") if declared else sniff_order(sample_lines(file))
        return InputFile(format="lines", sniffed=f"{note}; {how}" if note else how, order=order,
                         **common)  # type: ignore[arg-type]
    if chosen == "csv" and not delimiter:
        delimiter = sniff_csv(file)
        return InputFile(format="csv", delimiter=delimiter, sniffed=f"csv (sniffed: delimiter {delimiter!r})",
                         **common)  # type: ignore[arg-type]
    return InputFile(format=chosen, sniffed=note, delimiter=delimiter, **common)  # type: ignore[arg-type]


def _candidates(path: Path, format: str) -> list[tuple[str, Path, str]]:
    """(name, path, why it is skipped or "") for one named input: a file, a folder or a datasets folder."""
    info = _stat_named(path)
    output = _inside_output(path, stat.S_ISDIR(info.st_mode))
    if output is not None:
        raise InputError(f"{shown(path)}: {'is' if output == path else 'lies inside'} a twcasual output "
                         f"({shown(output)}); a build never reads its own outputs back")
    if stat.S_ISDIR(info.st_mode):
        return _datasets_inputs(path, path.name) if is_datasets_folder(path) else _walk(path)
    kind = file_kind(info.st_mode)
    if kind:
        return [(shown(path.name), path, f"{kind}: only regular files are read")]
    if format == "auto" and path.suffix.lower() not in EXTENSIONS:
        raise InputError(f"{shown(path)}: unknown input format (use --format {'|'.join(FILE_FORMATS)})")
    return [(shown(path.name), path, "")]


def _stat_named(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            what = "a broken symlink" if os.path.islink(path) else "no such file or folder"
            raise InputError(f"{shown(path)}: {what}") from None
        if exc.errno == errno.ELOOP:
            raise InputError(f"{shown(path)}: a symlink loop; point it at a real file or folder") from None
        raise InputError(f"{shown(path)}: cannot read: {exc.strerror or exc}") from None


def _inside_output(path: Path, is_dir: bool) -> Path | None:
    """The twcasual output folder that `path` is or lies in, if any."""
    for folder in (path, *path.absolute().parents) if is_dir else path.absolute().parents:
        if is_twcasual_output(folder):
            return folder
    return None


def _datasets_inputs(folder: Path, name: str) -> list[tuple[str, Path, str]]:
    """One input per split of a DatasetDict folder (each split is a Dataset folder), else the folder."""
    index = folder / "dataset_dict.json"
    if not index.is_file():
        return [(shown(name), folder, "")]
    try:
        splits = json.loads(index.read_text(encoding="utf-8"))["splits"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{shown(index)}: cannot read the split list ({type(exc).__name__})") from None
    return [(shown(f"{name}/{split}"), folder / split, "") for split in sorted(splits)]


def _unreadable_folder(exc: OSError) -> None:
    # os.walk skips folders it cannot list unless told otherwise: that would drop data silently.
    raise InputError(f"{shown(exc.filename)}: cannot read: {exc.strerror or exc}") from exc


def _walk(root: Path) -> list[tuple[str, Path, str]]:
    """(name, path, why skipped) for everything under root worth mentioning, sorted by name."""
    found: list[tuple[str, Path, str]] = []
    for folder, dirs, filenames in os.walk(root, onerror=_unreadable_folder):
        here = Path(folder)
        rel = here.relative_to(root)
        kept = []
        for d in sorted(dirs):
            name, full = (rel / d).as_posix(), here / d
            if d.startswith("."):  # .git, .cache: never data
                continue
            if os.path.islink(full):  # os.walk does not follow it; say so rather than drop it silently
                found.append((shown(name), full, "a symlink to a folder: not followed"))
            elif is_twcasual_output(full):
                found.append((shown(name + "/"), full, "a twcasual output"))
            elif is_datasets_folder(full):
                found.extend(_datasets_inputs(full, name))
            else:
                kept.append(d)
        dirs[:] = kept
        for filename in filenames:
            if not filename.startswith("."):
                found.append(_walked_file(here / filename, (rel / filename).as_posix()))
    found.sort(key=lambda item: item[0])
    return found


def _walked_file(file: Path, name: str) -> tuple[str, Path, str]:
    try:
        info = os.stat(file)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return shown(name), file, "a symlink loop"
        if exc.errno == errno.ENOENT:
            return shown(name), file, "a broken symlink"
        raise InputError(f"{shown(file)}: cannot read: {exc.strerror or exc}") from None
    kind = file_kind(info.st_mode)
    if kind:
        return shown(name), file, f"{kind}: only regular files are read"
    if Path(name).suffix.lower() not in EXTENSIONS:
        return shown(name), file, "unknown extension"
    return shown(name), file, ""
