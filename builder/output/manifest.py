"""The build signature and the manifest: how the output was made, and a sha256 for every file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.output.layout import MANIFEST

__all__ = ["Signature", "file_sha256", "write_json", "write_manifest"]

FORMAT = 1


def file_sha256(path: Path) -> str:
    """Hash a file in chunks (inputs can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_json(path: Path, data: Any) -> None:
    """Write JSON the same way every time: sorted keys, UTF-8, two-space indent, final newline."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Signature:
    """Everything that decides the output, as parts and as one line (like sacrebleu's signature)."""

    twcasual: str
    dataset_version: str
    inputs: Mapping[str, str]  # input name -> sha256
    recipes: Sequence[tuple[str, str]]  # (name, version)
    recipe_params: Mapping[str, Any]
    annotate: str
    dedup: Mapping[str, Any]
    split: Mapping[str, Any]
    formats: Sequence[str]
    filters: str = ""  # the bitext filters' settings (FilterSettings.signature)

    @property
    def inputs_digest(self) -> str:
        digest = hashlib.sha256()
        for name, sha in sorted(self.inputs.items()):
            digest.update(f"{name}\x00{sha}\n".encode())
        return digest.hexdigest()

    @property
    def params_digest(self) -> str:
        blob = json.dumps(
            {"params": self.recipe_params, "dedup": self.dedup, "split": self.split, "filters": self.filters},
            sort_keys=True, ensure_ascii=False, default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def __str__(self) -> str:
        recipes = ",".join(f"{n}@{v}" for n, v in self.recipes)
        ratios = "/".join(f"{k}={v:g}" for k, v in self.split.get("ratios", {}).items())
        previous = self.split.get("previous") or "none"
        return (
            f"twcasual:{self.twcasual}|version:{self.dataset_version}"
            f"|inputs:{len(self.inputs)}@sha256:{self.inputs_digest[:16]}"
            f"|recipes:{recipes}|annotate:{self.annotate}"
            f"|dedup:{self.dedup.get('policy', 'drop')}|split:{ratios},previous:{previous}"
            f"|params:{self.params_digest[:12]}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": str(self),
            "twcasual": self.twcasual,
            "dataset_version": self.dataset_version,
            "inputs": dict(sorted(self.inputs.items())),
            "inputs_sha256": self.inputs_digest,
            "recipes": [{"name": n, "version": v} for n, v in self.recipes],
            "recipe_params": self.recipe_params,
            "annotate": self.annotate,
            "dedup": self.dedup,
            "split": self.split,
            "formats": list(self.formats),
            "filters": self.filters,
        }


def write_manifest(
    folder: Path,
    *,
    signature: Signature,
    dataset: Mapping[str, str],
    configs: Mapping[str, Mapping[str, Any]],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Hash every file under `folder` and write manifest.json; return what was written."""
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name == MANIFEST:
            continue
        files[name] = {"sha256": file_sha256(path), "size": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "twcasual_version": signature.twcasual,
        "dataset": dict(dataset),
        "signature": str(signature),
        "build_signature": signature.to_dict(),
        "configs": {k: dict(v) for k, v in sorted(configs.items())},
        "files": files,
        **(extra or {}),
    }
    write_json(folder / MANIFEST, manifest)
    return manifest
