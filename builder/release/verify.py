"""Check a built release folder before anything is sent: files, manifest, card, loading.

`verify_release` is what `push` runs first: every file matches `manifest.json` (size and
sha256, nothing missing or extra), every recipe with rows has a config in the card's YAML, and
`datasets.load_dataset(OUT, config)` loads each config with the row counts the manifest gives.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from builder.errors import InputError
from builder.output.layout import ALL_CONFIG, CARD, MANIFEST
from builder.output.manifest import file_sha256
from builder.release.previous import folder_files

__all__ = ["SEMVER", "read_manifest", "verify_release"]

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$")


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """Read and shape-check OUT/manifest.json."""
    path = out_dir / MANIFEST
    if not path.is_file():
        raise InputError(f"{out_dir.name}: no {MANIFEST}; build the folder with `twcasual build` first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{out_dir.name}/{MANIFEST} cannot be read ({type(err).__name__})") from None
    version = manifest.get("dataset", {}).get("version") if isinstance(manifest, dict) else None
    if manifest.get("format") != 1 or not isinstance(manifest.get("files"), dict):
        raise InputError(f"{out_dir.name}/{MANIFEST}: not a format-1 twcasual manifest")
    if not isinstance(version, str) or not SEMVER.match(version):
        raise InputError(f"{out_dir.name}/{MANIFEST}: dataset.version {version!r} is not a semver like 1.2.0")
    return manifest


def verify_release(out_dir: Path, *, load: bool = True) -> dict[str, Any]:
    """Check OUT before anything is sent: files match the manifest, every card config loads."""
    manifest = read_manifest(out_dir)
    listed: dict[str, Any] = manifest["files"]
    on_disk = {k: v for k, v in folder_files(out_dir).items() if k != MANIFEST}
    if extra := sorted(set(on_disk) - set(listed)):
        raise InputError(f"{out_dir.name}: {extra[0]} is not in {MANIFEST} ({len(extra)} such files)")
    for name, entry in sorted(listed.items()):
        path = on_disk.get(name)
        if path is None:
            raise InputError(f"{out_dir.name}: {name} is listed in {MANIFEST} but missing")
        if path.stat().st_size != entry.get("size") or file_sha256(path) != entry.get("sha256"):
            raise InputError(f"{out_dir.name}: {name} does not match its size/sha256 in {MANIFEST}")
    from huggingface_hub.repocard import metadata_load

    try:
        card = metadata_load(out_dir / CARD) if (out_dir / CARD).is_file() else None
    except Exception as err:  # noqa: BLE001 - a YAML error of any kind is the card's fault
        raise InputError(f"{out_dir.name}/README.md: the YAML header cannot be read ({type(err).__name__})") from None
    configs = [c.get("config_name") for c in (card or {}).get("configs", [])]
    built = {n: {s: k for s, k in c.get("splits", {}).items() if k} for n, c in manifest.get("configs", {}).items()}
    if unlisted := sorted(n for n, splits in built.items() if splits and n not in configs):
        raise InputError(f"{out_dir.name}/README.md: config {unlisted[0]!r} has rows but no entry in `configs:`")
    mixed: dict[str, int] = {}
    for splits in built.values():
        for split, rows in splits.items():
            mixed[split] = mixed.get(split, 0) + rows
    for name in configs:
        # the card's `all` config mixes every recipe's records: its rows are their sums
        expected = mixed if name == ALL_CONFIG and name not in built else built.get(name)
        if expected is None:
            raise InputError(f"{out_dir.name}: card config {name!r} is not in {MANIFEST}")
        if load and _load_counts(out_dir, name) != expected:
            raise InputError(f"{out_dir.name}: load_dataset(OUT, {name!r}) rows differ from {MANIFEST} {expected}")
    return manifest


def _load_counts(out_dir: Path, config: str) -> dict[str, int]:
    from datasets import load_dataset

    with tempfile.TemporaryDirectory(prefix="twcasual-load-") as cache:  # a fresh cache: no stale reads
        try:
            loaded = load_dataset(str(out_dir), config, cache_dir=cache)
        except Exception as err:  # noqa: BLE001 - any loader failure is the folder's fault here
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            raise InputError(
                f"{out_dir.name}: load_dataset(OUT, {config!r}) failed: {type(err).__name__}: {first}"
            ) from None
        return {split: ds.num_rows for split, ds in loaded.items()}
