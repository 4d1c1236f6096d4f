"""OpenCC's s2twp with twcasual's own tables merged in: the converter for lines that are Simplified.

The tables ship as package data in `builder/data/opencc/` (OpenCC text dictionaries, one
`source<TAB>target` a line):

- `casual_fixes.txt`: Simplified phrases OpenCC reads the wrong way (干得好 → 幹得好, not 乾),
  merged into the Simplified phrase step and its segmentation (else the phrase is never seen whole).
- `casual_taiwan.txt`: merged into the Taiwan phrase step. Everyday words that s2twp's phrase table,
  an IT glossary, rewrites where casual Taiwan speech keeps them (我支持你 is not 我支援你, a
  restaurant 菜單 is not a 選單), mapped to themselves; and Mainland words the table lacks
  (公交 → 公車). OpenCC's longest match still wins (程序員 → 程式設計師).

OpenCC opens a config file and the dictionaries it names. The config is assembled in memory from
OpenCC's own s2twp.json, with absolute paths into OpenCC's share folder and this package's data
folder (both resolved where they are installed), and handed over through an anonymous in-memory
file, so nothing is written to disk at run time.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opencc

__all__ = ["TABLES", "casual_converter", "read_table"]

TABLES = Path(__file__).parent.parent / "data" / "opencc"
FIXES = "casual_fixes.txt"
TAIWAN = "casual_taiwan.txt"


def read_table(name: str) -> list[tuple[str, str]]:
    """The (source, target) entries of one of our OpenCC tables, in file order."""
    rows = (line.split("\t") for line in (TABLES / name).read_text(encoding="utf-8").splitlines() if line)
    return [(source, target) for source, target in rows]


def _share() -> Path:
    return Path(opencc.__file__).parent / "clib" / "share" / "opencc"


def _absolute(node: Any, share: Path) -> None:
    """Point every OpenCC dictionary of a parsed config at its file in OpenCC's share folder."""
    if isinstance(node, dict):
        if node.get("type") == "ocd2":
            node["file"] = str(share / node["file"])
        for value in node.values():
            _absolute(value, share)
    elif isinstance(node, list):
        for value in node:
            _absolute(value, share)


def _union(*dicts: Any) -> dict[str, Any]:
    # "union" keeps OpenCC's longest match across the dictionaries.
    return {"type": "group", "match_policy": "union", "dicts": list(dicts)}


def casual_config() -> dict[str, Any]:
    """s2twp's config with our two tables merged in, every path absolute."""
    share = _share()
    config = json.loads((share / "s2twp.json").read_text(encoding="utf-8"))
    _absolute(config, share)
    fixes = {"type": "text", "file": str((TABLES / FIXES).absolute())}
    taiwan = {"type": "text", "file": str((TABLES / TAIWAN).absolute())}
    segmentation = config["segmentation"]
    segmentation["dict"] = _union(fixes, segmentation["dict"])
    simplified_step, taiwan_step = (step["dict"]["dicts"] for step in config["conversion_chain"])
    simplified_step[0] = _union(fixes, simplified_step[0])
    taiwan_step[0] = _union(taiwan, taiwan_step[0])
    return config


@contextlib.contextmanager
def _config_file(text: str) -> Iterator[str]:
    """A path OpenCC can open that holds `text`: an in-memory file where the system has them."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("twcasual-opencc")
        try:
            os.write(fd, text.encode("utf-8"))
            yield f"/proc/self/fd/{fd}"
        finally:
            os.close(fd)
        return
    with tempfile.TemporaryDirectory(prefix="twcasual-opencc-") as folder:  # elsewhere: gone at once
        path = Path(folder) / "s2twp_casual.json"
        path.write_text(text, encoding="utf-8")
        yield str(path)


@functools.cache
def casual_converter() -> opencc.OpenCC:
    """The s2twp converter with our tables, built once per process (about 0.2 s)."""
    with _config_file(json.dumps(casual_config(), ensure_ascii=False)) as path:
        return opencc.OpenCC(path)
