"""Input paths -> the files to read, in a stable order, each with its name and format.

A folder is walked in name order; only known extensions are read, hidden files and folders are
passed over, and a twcasual output folder is never read back as input. Every file passed over is
named in the report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from builder.errors import ConfigError, InputError
from builder.ingest.readers import EXTENSIONS, FORMATS, InputFile
from builder.output.staging import is_twcasual_output

__all__ = ["Discovery", "discover"]


class Discovery(list[InputFile]):
    """The files `discover` found, in build order, plus `skipped`: names it passed over."""

    __slots__ = ("skipped",)

    def __init__(self, files: Iterable[InputFile] = (), skipped: Iterable[str] = ()) -> None:
        super().__init__(files)
        self.skipped: tuple[str, ...] = tuple(skipped)


def discover(inputs: Sequence[Path], format: str = "auto") -> Discovery:
    """List the files to read from files and folders, in a stable order, with their formats."""
    if format != "auto" and format not in FORMATS:
        raise ConfigError(f"unknown input format {format!r} (use lines, tsv or jsonl)")
    found = Discovery()
    skipped: list[str] = []
    seen: set[Path] = set()
    names: dict[str, Path] = {}
    for given in inputs:
        path = Path(given)
        output = _inside_output(path)
        if output is not None:
            raise InputError(f"{given}: {'is' if output == path else 'lies inside'} a twcasual output "
                             f"({output}); a build never reads its own outputs back")
        if path.is_dir():
            candidates, passed_over = _walk(path)
            skipped.extend(passed_over)
        elif path.exists():
            if format == "auto" and path.suffix.lower() not in EXTENSIONS:
                raise InputError(f"{given}: unknown input format (use --format lines|tsv|jsonl)")
            candidates = [(path.name, path)]
        else:
            raise InputError(f"{given}: no such file or folder")
        for name, file in candidates:
            real = file.resolve()
            if real in seen:  # the same file named twice: reading it again only makes duplicates
                continue
            if name in names:
                raise InputError(f"{file}: same name {name!r} as {names[name]}; rename one")
            seen.add(real)
            names[name] = file
            # In a folder only known extensions are picked; an explicit format then says how
            # to parse them (and any explicitly named file).
            fmt = EXTENSIONS[file.suffix.lower()] if format == "auto" else format
            found.append(InputFile(path=file.absolute(), name=name, format=fmt))
    found.skipped = tuple(skipped)
    return found


def _inside_output(path: Path) -> Path | None:
    """The twcasual output folder that `path` is or lies in, if any."""
    for folder in (path, *path.absolute().parents) if path.is_dir() else path.absolute().parents:
        if is_twcasual_output(folder):
            return folder
    return None


def _unreadable_folder(exc: OSError) -> None:
    # os.walk skips folders it cannot list unless told otherwise: that would drop data silently.
    raise InputError(f"{exc.filename}: cannot read: {exc.strerror or exc}") from exc


def _walk(root: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """Return (name, path) of readable-format files under root, sorted by name, and the rest."""
    files: list[tuple[str, Path]] = []
    skipped: list[str] = []
    for folder, dirs, filenames in os.walk(root, onerror=_unreadable_folder):
        rel = Path(folder).relative_to(root)
        outputs = [d for d in dirs if not d.startswith(".") and is_twcasual_output(Path(folder) / d)]
        skipped.extend(f"{(rel / d).as_posix()}/ (a twcasual output)" for d in outputs)
        # .git, .cache: never data; twcasual outputs: never read back as input
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in outputs]
        for filename in filenames:
            if filename.startswith("."):
                continue
            name = (rel / filename).as_posix()
            if Path(filename).suffix.lower() in EXTENSIONS:
                files.append((name, Path(folder) / filename))
            else:
                skipped.append(name)
    files.sort(key=lambda item: item[0])
    skipped.sort()
    return files, skipped
