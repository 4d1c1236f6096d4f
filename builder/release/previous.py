"""The previous release, read for what splitting and the changelog need: ids and splits as hashes.

Everything is read through 64-bit hashes of record ids and pair ids (xxh3), from the Parquet
shards one column and one batch at a time, so a release of millions of rows costs 8 bytes per
row here, never its text. A release comes from a local folder or `org/name[@vX.Y.Z]` on the Hub.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xxhash

from builder.errors import ConfigError, InputError
from builder.output.layout import MANIFEST, SPLITS_FILE

__all__ = ["SHARD", "PreviousRelease", "SplitAssignments", "folder_files", "load_previous",
           "load_manifest_json", "read_release"]

SHARD = re.compile(r"^(?P<config>[^/]+)/(?P<split>\w+(?:\.\w+)*)-\d{5}-of-\d{5}\.parquet$")
_SPEC = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+)(?:@(?P<rev>[^\s@]+))?$")
_RELEASE_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
_BATCH = 65_536


def _hash_strings(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if values.null_count:
        raise InputError("an id column holds empty (null) ids")
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(v.encode()) for v in values.to_pylist()), dtype=np.uint64, count=len(values)
    )


class SplitAssignments(Mapping[str, str]):
    """pair_id -> split of one release, as sorted 64-bit hashes, split codes and the ids in Arrow.

    About 40 bytes a pair; lookups hash the id, binary-search, then compare the string.
    """

    def __init__(self, ids: pa.ChunkedArray, codes: np.ndarray, names: tuple[str, ...], hashes: np.ndarray) -> None:
        order = np.argsort(hashes, kind="stable")
        hashes = hashes[order]
        keep = np.ones(len(hashes), dtype=bool)
        keep[1:] = hashes[1:] != hashes[:-1]  # a pair listed twice (several configs) counts once
        self.order: np.ndarray = order[keep]  # sorted position -> row in `ids`
        self.hashes: np.ndarray = hashes[keep]
        self.codes: np.ndarray = np.asarray(codes, dtype=np.int16)[self.order]
        self.ids = ids
        self.names = names

    @classmethod
    def read(cls, sources: list[tuple[Path, str | None]]) -> SplitAssignments:
        """Read (file, split) sources: splits.parquet (split None: a `split` column) or shards."""
        ids: list[pa.Array] = []
        codes: list[np.ndarray] = []
        hashes: list[np.ndarray] = []  # hashed batch by batch: never every id as Python strings
        names: list[str] = []
        for path, split in sources:
            columns = ["pair_id"] if split else ["pair_id", "split"]
            for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH, columns=columns):
                labels = pa.array([split] * batch.num_rows) if split else batch.column(1).cast(pa.string())
                names += [n for n in pc.unique(labels).to_pylist() if n not in names]
                codes.append(pc.index_in(labels, value_set=pa.array(names)).to_numpy(zero_copy_only=False))
                ids.append(batch.column(0).cast(pa.large_string()))  # one type, whatever was written
                hashes.append(_hash_strings(batch.column(0)))
        return cls(
            pa.chunked_array(ids, type=pa.large_string()),
            np.concatenate(codes) if codes else np.zeros(0, np.int16),
            tuple(names),
            np.concatenate(hashes) if hashes else np.zeros(0, np.uint64),
        )

    def id_at(self, positions: np.ndarray) -> pa.Array:
        """Return the pair ids at sorted `positions`."""
        return self.ids.take(pa.array(self.order[positions], pa.int64())).combine_chunks()

    def _find(self, pair_id: str) -> int:
        key = np.uint64(xxhash.xxh3_64_intdigest(pair_id.encode()))
        at = int(np.searchsorted(self.hashes, key))
        if at < len(self.hashes) and self.hashes[at] == key and self.ids[int(self.order[at])].as_py() == pair_id:
            return at
        return -1

    def __getitem__(self, pair_id: str) -> str:
        at = self._find(pair_id)
        if at < 0:
            raise KeyError(pair_id)
        return self.names[int(self.codes[at])]

    def __contains__(self, pair_id: object) -> bool:
        return isinstance(pair_id, str) and self._find(pair_id) >= 0

    def __iter__(self) -> Iterator[str]:
        for start in range(0, len(self.hashes), _BATCH):
            yield from self.id_at(np.arange(start, min(start + _BATCH, len(self.hashes)))).to_pylist()

    def __len__(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True, eq=False)
class PreviousRelease:
    """A release reduced to what comparisons need: versions, recipes, id hashes, split assignments."""

    label: str  # "org/name@v1.1.0" or "local folder dist": never an absolute path
    version: str | None
    signature: str | None
    recipes: Mapping[str, str]  # config -> recipe version
    ids: Mapping[tuple[str, str], np.ndarray]  # (config, split) -> sorted unique id hashes
    rows: Mapping[tuple[str, str], int]  # (config, split) -> rows in the shards
    splits: SplitAssignments


def read_release(files: Mapping[str, Path], manifest: Mapping[str, Any] | None, label: str) -> PreviousRelease:
    """Index a release given its files by repo path (a folder, or blobs in the Hub cache)."""
    shards: dict[tuple[str, str], list[Path]] = {}
    for name in sorted(files):
        match = SHARD.match(name)
        if match and (manifest is None or match["config"] in manifest.get("configs", {})):
            shards.setdefault((match["config"], match["split"]), []).append(files[name])
    ids: dict[tuple[str, str], np.ndarray] = {}
    rows: dict[tuple[str, str], int] = {}
    for key, paths in shards.items():
        parts = [
            _hash_strings(batch.column(0))
            for path in paths
            for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH, columns=["id"])
        ]
        hashes = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
        rows[key] = len(hashes)
        ids[key] = np.unique(hashes)
    if manifest is not None:
        recipes = {n: str(c.get("recipe_version")) for n, c in manifest.get("configs", {}).items()}
    else:  # a build in progress has no manifest yet: the shards carry the recipe version
        recipes = {}
        for (config, _), paths in sorted(shards.items()):
            table = pq.read_table(paths[0], columns=["recipe_version"]).slice(0, 1)
            if config not in recipes and table.num_rows:
                recipes[config] = str(table.column(0)[0].as_py())
    if SPLITS_FILE in files:
        sources: list[tuple[Path, str | None]] = [(files[SPLITS_FILE], None)]
    else:  # older releases without splits.parquet: the shards say where each pair went
        sources = [(path, split) for (_, split), paths in sorted(shards.items()) for path in paths]
    dataset = (manifest or {}).get("dataset", {})
    return PreviousRelease(
        label=label, version=dataset.get("version"), signature=(manifest or {}).get("signature"),
        recipes=recipes, ids=ids, rows=rows, splits=SplitAssignments.read(sources),
    )


def folder_files(folder: Path) -> dict[str, Path]:
    """Map every file under `folder` by its repo path (posix, relative)."""
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def load_previous(
    spec: str, *, token: str | None = None, endpoint: str | None = None, cache_dir: str | Path | None = None
) -> PreviousRelease | None:
    """Read the previous release from a local folder or `org/name[@vX.Y.Z]` on the Hub.

    `org/name` alone means its highest vX.Y.Z tag; None when the repo has no such tag yet.
    Hub files go through hf_hub_download (the usual cache), so a named version read once
    can be read again offline.
    """
    folder = Path(spec).expanduser()
    if folder.is_dir():
        manifest_path = folder / MANIFEST
        if not manifest_path.is_file():
            raise InputError(f"--previous {folder.name}: no manifest.json there; is it a twcasual release folder?")
        manifest = load_manifest_json(manifest_path, folder.name)
        return read_release(folder_files(folder), manifest, f"local folder {folder.name}")
    match = _SPEC.match(spec)
    if not match:
        raise ConfigError(f"--previous {spec!r}: neither a folder nor a Hub dataset like org/name@v1.2.0")
    return _load_from_hub(match["repo"], match["rev"], token=token, endpoint=endpoint, cache_dir=cache_dir)


def load_manifest_json(path: Path, label: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{label}: manifest.json cannot be read ({err.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise InputError(f"{label}: manifest.json has no 'files' table")
    return data


def _load_from_hub(
    repo: str, rev: str | None, *, token: str | None, endpoint: str | None, cache_dir: str | Path | None
) -> PreviousRelease | None:
    from huggingface_hub import HfApi

    from builder.output.manifest import file_sha256
    from builder.release.hubcalls import describe_error, hub_errors

    api = HfApi(endpoint=endpoint, token=token)
    where = f"{repo}@{rev}" if rev else repo
    try:
        if rev is None:
            tags = [t.name for t in api.list_repo_refs(repo, repo_type="dataset").tags]
            releases = sorted((tuple(map(int, m.groups())), t) for t in tags if (m := _RELEASE_TAG.match(t)))
            if not releases:
                return None
            rev = releases[-1][1]
            where = f"{repo}@{rev}"

        def fetch(name: str) -> Path:
            return Path(api.hf_hub_download(repo, name, repo_type="dataset", revision=rev, cache_dir=cache_dir))

        manifest = load_manifest_json(fetch(MANIFEST), where)
        names = [n for n in manifest["files"] if n == SPLITS_FILE or SHARD.match(n)]
        paths = {n: fetch(n) for n in names}
    except hub_errors() as err:
        raise InputError(f"cannot read the previous release {where}: {describe_error(err, token)}") from None
    for name, path in paths.items():
        if file_sha256(path) != manifest["files"][name].get("sha256"):
            raise InputError(f"previous release {where}: {name} does not match its manifest sha256")
    return read_release(paths, manifest, where)
