"""Where inputs come from and under which terms: `[input]` and `[[input.sources]]` in the config.

    [input]
    paths = ["data/own"]
    columns = {en = 1, zh = 2}           # optional, for every TSV/CSV/JSONL/Parquet input
    max_line_chars = 10000

    [[input.sources]]
    path = "data/cmn.txt"                # a file, a folder, or hf://datasets/org/name[@revision]
    license = "cc-by-2.0"
    attribution = "Sentence pairs from ..., used under CC BY 2.0"
    attribution_column = "attribution"   # or a position; a per-row attribution text
    columns = {en = 1, zh = 2}           # optional, overrides [input] columns for this source
    format = "tsv"                       # optional; also delimiter (CSV), split, config (Hub)
    order = "zh-en"                      # optional, paired lines: the zh line first (else sniffed)

A source's path is an input too (it need not be listed in `paths`). A pair carries its source's
license, else the dataset's; its attribution is its row's attribution column, else its source's line
(`builder.ingest.licenses`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.errors import ConfigError
from builder.ingest.columns import Columns, parse_columns

__all__ = ["FORMAT_NAMES", "INPUT_KEYS", "MAX_LINE_CHARS", "SOURCE_KEYS", "HubSpec", "InputSettings",
           "InputSource", "input_settings", "parse_hub", "source_for"]

INPUT_KEYS = ("paths", "format", "columns", "max_line_chars", "sources")
MAX_LINE_CHARS = 10_000  # far above any real sentence; a longer line is set aside before it is paired
SOURCE_KEYS = ("path", "license", "attribution", "attribution_column", "columns", "format", "delimiter",
               "split", "config", "order")
ORDER_NAMES = ("en-zh", "zh-en")  # which line of a pair comes first in paired lines, when not sniffed
FORMAT_NAMES = ("auto", "lines", "tsv", "csv", "jsonl", "parquet")
_LICENSE = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
_HUB = re.compile(r"^hf://datasets/([\w.-]+/[\w.-]+)(?:@([\w./-]+))?/?$")


@dataclass(frozen=True, slots=True)
class HubSpec:
    """A Hub dataset input: `repo` for load_dataset, with an optional revision and config name."""

    repo: str
    revision: str = ""
    config: str = ""


def parse_hub(text: str) -> HubSpec | None:
    """Read `hf://datasets/org/name[@revision]`; None when `text` is no hf:// address."""
    if not text.startswith("hf://"):
        return None
    match = _HUB.match(text)
    if not match:
        raise ConfigError(f"{text}: expected hf://datasets/ORG/NAME or hf://datasets/ORG/NAME@REVISION")
    return HubSpec(match[1], match[2] or "")


@dataclass(frozen=True, slots=True)
class InputSource:
    """One `[[input.sources]]` entry: an input path and the terms its pairs carry."""

    label: str  # the path as written in the config: what the card lists
    path: str  # absolute, or the hf:// address
    license: str = ""
    attribution: str = ""
    columns: Columns | None = None
    format: str = ""
    delimiter: str = ""
    split: str = ""
    config: str = ""
    order: str = ""  # paired lines: "en-zh" or "zh-en"; "" to sniff it


@dataclass(frozen=True, slots=True)
class InputSettings:
    """The `[input]` section, checked: what to read and how."""

    paths: tuple[str, ...] = ()  # absolute paths and hf:// addresses, sources' paths included
    format: str = "auto"
    columns: Columns | None = None
    max_line_chars: int = MAX_LINE_CHARS
    sources: tuple[InputSource, ...] = ()


def input_settings(table: Mapping[str, Any], base: Path, where: str = "config") -> InputSettings:
    """Check and convert a parsed `[input]` table; every mistake is one line naming the key."""
    _known_keys(table, INPUT_KEYS, f"{where}: input")
    paths = [_location(p, base) for p in _list(table.get("paths", []), f"{where}: input.paths")]
    fmt = _format(table.get("format", "auto"), f"{where}: input.format")
    columns = parse_columns(table["columns"], f"{where}: input.columns") if "columns" in table else None
    limit = table.get("max_line_chars", MAX_LINE_CHARS)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigError(f"{where}: input.max_line_chars must be a whole number > 0, not {limit!r}")
    entries = table.get("sources", [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise ConfigError(f"{where}: input.sources must be [[input.sources]] tables")
    sources = tuple(_source(e, base, f"{where}: input.sources[{i}]") for i, e in enumerate(entries, 1))
    for source in sources:
        if source.path not in paths:
            paths.append(source.path)
    return InputSettings(tuple(paths), fmt, columns, limit, sources)


def _source(entry: Mapping[str, Any], base: Path, where: str) -> InputSource:
    _known_keys(entry, SOURCE_KEYS, where)
    label = entry.get("path")
    if not isinstance(label, str) or not label.strip():
        raise ConfigError(f"{where}: path is missing (a file, a folder or hf://datasets/org/name)")
    texts = {k: entry.get(k, "") for k in ("license", "attribution", "delimiter", "split", "config", "order")}
    for key, value in texts.items():
        if not isinstance(value, str) or "\n" in value:
            raise ConfigError(f"{where}: {key} must be one line of text, not {value!r}")
    licence = texts["license"].strip().lower()
    if licence and not _LICENSE.match(licence):
        raise ConfigError(f"{where}: license {texts['license']!r} is not a license id like cc-by-4.0")
    if texts["order"] not in ("", *ORDER_NAMES):
        raise ConfigError(f"{where}: order {texts['order']!r} is not en-zh (English line first) or zh-en")
    if len(texts["delimiter"]) > 1:
        raise ConfigError(f"{where}: delimiter must be one character, not {texts['delimiter']!r}")
    columns = parse_columns(entry["columns"], f"{where}.columns") if "columns" in entry else None
    if "attribution_column" in entry:
        columns = _with_attribution(columns, entry["attribution_column"], where)
    return InputSource(label=label, path=_location(label, base), license=licence,
                       attribution=texts["attribution"].strip(), columns=columns,
                       format=_format(entry.get("format", ""), f"{where}: format") if "format" in entry else "",
                       delimiter=texts["delimiter"], split=texts["split"], config=texts["config"],
                       order=texts["order"])


def _with_attribution(columns: Columns | None, column: Any, where: str) -> Columns:
    base = columns or Columns(1, 2)
    parsed = parse_columns({"en": base.en, "zh": base.zh, "attribution": column}, f"{where}.attribution_column")
    if base.attribution is not None and base.attribution != parsed.attribution:
        raise ConfigError(f"{where}: attribution_column {column!r} and columns.attribution "
                          f"{base.attribution!r} disagree; give one")
    return parsed


def _known_keys(table: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{where}: unknown key {key!r}. Known: {', '.join(known)}")


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of paths, not {value!r}")
    return value


def _format(value: Any, where: str) -> str:
    if value not in FORMAT_NAMES:
        raise ConfigError(f"{where}: unknown input format {value!r} (use {', '.join(FORMAT_NAMES)})")
    return str(value)


def _location(text: str, base: Path) -> str:
    if text.startswith("hf://"):
        parse_hub(text)  # refuse a malformed address now, not mid-build
        return text
    return str((base / Path(text).expanduser()).absolute())


def source_for(path: Path | str, sources: Iterable[InputSource]) -> InputSource | None:
    """The source declared for a file: the one whose path is the file or its nearest folder."""
    if str(path).startswith("hf://"):  # the same dataset whatever revision each names
        repo = _hub_repo(str(path))
        return next((s for s in sources if s.path.startswith("hf://") and _hub_repo(s.path) == repo), None)
    file = Path(path).absolute()
    best: InputSource | None = None
    for source in sources:
        root = Path(source.path)
        if (file == root or file.is_relative_to(root)) and (best is None or root.is_relative_to(best.path)):
            best = source
    return best


def _hub_repo(address: str) -> str:
    spec = parse_hub(address)
    return spec.repo if spec else address
