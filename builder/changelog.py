"""What changed since the previous release: rows per config and split, recipes, split stability.

Everything is compared through 64-bit hashes of record ids and pair ids (xxh3), read from the
Parquet shards one column and one batch at a time, so a release of millions of rows costs
8 bytes per row here, never its text. Two different ids sharing a hash (odds around 1e-8 at
ten million ids) would hide one added/removed row; the split check re-compares the strings.
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

__all__ = [
    "Changelog", "MovedPair", "PreviousRelease", "SplitAssignments", "SplitDelta", "Stability",
    "compute_changelog", "load_previous",
]

SHARD = re.compile(r"^(?P<config>[^/]+)/(?P<split>\w+(?:\.\w+)*)-\d{5}-of-\d{5}\.parquet$")
SPLITS_FILE = "splits.parquet"
_SPEC = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+)(?:@(?P<rev>[^\s@]+))?$")
_RELEASE_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
_BATCH = 65_536
_LISTED = 20  # moved pairs named in the markdown; to_dict keeps up to 100


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


def _read_release(files: Mapping[str, Path], manifest: Mapping[str, Any] | None, label: str) -> PreviousRelease:
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
        manifest_path = folder / "manifest.json"
        if not manifest_path.is_file():
            raise InputError(f"--previous {folder.name}: no manifest.json there; is it a twcasual release folder?")
        manifest = _load_json(manifest_path, folder.name)
        return _read_release(folder_files(folder), manifest, f"local folder {folder.name}")
    match = _SPEC.match(spec)
    if not match:
        raise ConfigError(f"--previous {spec!r}: neither a folder nor a Hub dataset like org/name@v1.2.0")
    return _load_from_hub(match["repo"], match["rev"], token=token, endpoint=endpoint, cache_dir=cache_dir)


def _load_json(path: Path, label: str) -> dict[str, Any]:
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

    from builder.hubcalls import describe_error, hub_errors
    from builder.manifest import file_sha256

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

        manifest = _load_json(fetch("manifest.json"), where)
        names = [n for n in manifest["files"] if n == SPLITS_FILE or SHARD.match(n)]
        paths = {n: fetch(n) for n in names}
    except hub_errors() as err:
        raise InputError(f"cannot read the previous release {where}: {describe_error(err, token)}") from None
    for name, path in paths.items():
        if file_sha256(path) != manifest["files"][name].get("sha256"):
            raise InputError(f"previous release {where}: {name} does not match its manifest sha256")
    return _read_release(paths, manifest, where)


@dataclass(frozen=True)
class SplitDelta:
    """Rows of one config and split before and after, and the record ids added and removed."""

    config: str
    split: str
    before: int
    after: int
    added: int
    removed: int


@dataclass(frozen=True)
class MovedPair:
    """A pair of the previous release that now sits in another split."""

    pair_id: str
    before: str
    after: str


@dataclass(frozen=True)
class Stability:
    """How many earlier pairs kept their split; `moved` must be 0."""

    previous_pairs: int
    present: int  # earlier pairs still in this build
    kept: int
    moved: int
    moved_pairs: tuple[MovedPair, ...]  # the first 100

    @property
    def stable(self) -> bool:
        return self.moved == 0


@dataclass(frozen=True)
class Changelog:
    """The computed difference between a build and the release before it."""

    version: str | None
    previous: str | None  # label of the previous release; None for a first release
    previous_version: str | None
    previous_signature: str | None
    rows: tuple[SplitDelta, ...]
    recipes_added: tuple[tuple[str, str], ...]
    recipes_removed: tuple[tuple[str, str], ...]
    recipes_changed: tuple[tuple[str, str, str], ...]  # (name, before, after)
    stability: Stability | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict for the manifest and the build report."""
        configs: dict[str, dict[str, dict[str, int]]] = {}
        for d in self.rows:
            configs.setdefault(d.config, {})[d.split] = {
                "before": d.before, "after": d.after, "added": d.added, "removed": d.removed,
            }
        stability = None
        if self.stability is not None:
            s = self.stability
            stability = {
                "previous_pairs": s.previous_pairs, "still_present": s.present, "kept_split": s.kept,
                "moved": s.moved, "stable": s.stable,
                "moved_pairs": [{"pair_id": m.pair_id, "from": m.before, "to": m.after} for m in s.moved_pairs],
            }
        return {
            "version": self.version,
            "previous": None if self.previous is None else {
                "release": self.previous, "version": self.previous_version, "signature": self.previous_signature,
            },
            "configs": configs,
            "recipes": {
                "added": dict(self.recipes_added),
                "removed": dict(self.recipes_removed),
                "changed": {n: {"from": a, "to": b} for n, a, b in self.recipes_changed},
            },
            "split_stability": stability,
        }

    def to_markdown(self, level: int = 2) -> str:
        """Render the changelog as Markdown (CHANGELOG.md and the card's changelog section)."""
        mark = "#" * level
        title = f"Changes in v{self.version}" if self.version else "Changes"
        lines = [f"{mark} {title}", ""]
        if self.previous is None:
            lines += ["First release: there is no earlier release to compare with.", ""]
        else:
            since = f" (dataset version {self.previous_version})" if self.previous_version else ""
            lines += [f"Compared with the previous release, {self.previous}{since}.", ""]
        old = f"v{self.previous_version}" if self.previous_version else "before"
        new = f"v{self.version}" if self.version else "now"
        lines += [
            f"| Config | Split | Rows {old} | Rows {new} | Added | Removed |",
            "|---|---|---:|---:|---:|---:|",
            *(f"| {d.config} | {d.split} | {d.before} | {d.after} | {d.added} | {d.removed} |" for d in self.rows),
            "",
            (
                "Added and removed rows are counted by record id: a record whose pair changed text gets"
                " a new id, so it counts once as removed and once as added."
            ),
            "",
        ]
        changes = [f"added `{n}` {v}" for n, v in self.recipes_added]
        changes += [f"`{n}` {a} → {b}" for n, a, b in self.recipes_changed]
        changes += [f"removed `{n}` (was {v})" for n, v in self.recipes_removed]
        lines += [f"Recipes: {'; '.join(changes) if changes else 'no change'}.", ""]
        s = self.stability
        if s is not None:
            gone = s.previous_pairs - s.present
            left = f" {gone} earlier pairs are no longer in the data." if gone else ""
            if s.stable:
                lines += [f"Split stability: all {s.kept} earlier pairs still in the data kept their split.{left}", ""]
            else:
                lines += [
                    (
                        f"**Split stability broken: {s.moved} of {s.present} earlier pairs changed split"
                        f" (it must be none).**{left}"
                    ),
                    "",
                    *(f"- `{m.pair_id}`: {m.before} → {m.after}" for m in s.moved_pairs[:_LISTED]),
                ]
                if s.moved > _LISTED:
                    lines.append(f"- ... and {s.moved - _LISTED} more (see manifest.json)")
                lines.append("")
        return "\n".join(lines)


def first_release(version: str, rows: Mapping[str, Mapping[str, int]],
                  recipes: Mapping[str, str]) -> Changelog:
    """The changelog of a build with no previous release: every row is new (no shard is read)."""
    order = {"train": 0, "validation": 1, "test": 2}
    deltas = tuple(
        SplitDelta(config, split, 0, n, n, 0)
        for config in sorted(rows)
        for split, n in sorted(rows[config].items(), key=lambda kv: (order.get(kv[0], 3), kv[0]))
    )
    return Changelog(version=version, previous=None, previous_version=None, previous_signature=None,
                     rows=deltas, recipes_added=tuple(sorted(recipes.items())), recipes_removed=(),
                     recipes_changed=(), stability=None)


def compute_changelog(previous: PreviousRelease | None, out_dir: Path, *, version: str | None = None) -> Changelog:
    """Compare the release being built in `out_dir` with `previous` (None: a first release).

    Reads only the `id` column of the shards and splits.parquet. `version` is the new dataset
    version; without it the one in out_dir/manifest.json is used when that file exists.
    """
    files = folder_files(out_dir)
    manifest = _load_json(files["manifest.json"], out_dir.name) if "manifest.json" in files else None
    current = _read_release(files, manifest, "this build")
    version = version or current.version
    before_ids = previous.ids if previous else {}
    before_rows = previous.rows if previous else {}
    deltas = []
    order = {"train": 0, "validation": 1, "test": 2}
    for key in sorted(set(before_ids) | set(current.ids), key=lambda k: (k[0], order.get(k[1], 3), k[1])):
        old = before_ids.get(key, np.zeros(0, np.uint64))
        new = current.ids.get(key, np.zeros(0, np.uint64))
        common = int(np.intersect1d(old, new, assume_unique=True).size)
        deltas.append(SplitDelta(key[0], key[1], before_rows.get(key, 0), current.rows.get(key, 0),
                                 len(new) - common, len(old) - common))
    old_recipes = dict(previous.recipes) if previous else {}
    new_recipes = dict(current.recipes)
    return Changelog(
        version=version,
        previous=previous.label if previous else None,
        previous_version=previous.version if previous else None,
        previous_signature=previous.signature if previous else None,
        rows=tuple(deltas),
        recipes_added=tuple((n, v) for n, v in sorted(new_recipes.items()) if n not in old_recipes),
        recipes_removed=tuple((n, v) for n, v in sorted(old_recipes.items()) if n not in new_recipes),
        recipes_changed=tuple(
            (n, old_recipes[n], v) for n, v in sorted(new_recipes.items()) if n in old_recipes and old_recipes[n] != v
        ),
        stability=_stability(previous.splits, current.splits) if previous else None,
    )


def _stability(old: SplitAssignments, new: SplitAssignments) -> Stability:
    if not len(old) or not len(new):
        return Stability(len(old), 0, 0, 0, ())
    at = np.minimum(np.searchsorted(new.hashes, old.hashes), len(new.hashes) - 1)
    found = np.flatnonzero(new.hashes[at] == old.hashes)
    # Hashes found a candidate; the strings decide (a hash collision must not fake a match).
    found = found[pc.equal(old.id_at(found), new.id_at(at[found])).to_numpy(zero_copy_only=False)]
    to_new = np.array([new.names.index(n) if n in new.names else -1 for n in old.names] or [-1], dtype=np.int16)
    same = to_new[old.codes[found]] == new.codes[at[found]]
    moved = found[~same]
    named = tuple(
        MovedPair(pair_id, old.names[int(old.codes[i])], new.names[int(new.codes[at[i]])])
        for i, pair_id in zip(moved[:100], old.id_at(moved[:100]).to_pylist())
    )
    return Stability(len(old), int(found.size), int(same.sum()), int(moved.size), named)
