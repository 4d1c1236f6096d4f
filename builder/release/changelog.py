"""What changed since the previous release: rows per config and split, recipes, split stability.

Compared through 64-bit hashes of record ids and pair ids (see `builder.release.previous`). Two
different ids sharing a hash (odds around 1e-8 at ten million ids) would hide one added/removed
row; the split check re-compares the strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc

from builder.output.layout import MANIFEST
from builder.release.previous import PreviousRelease, SplitAssignments, folder_files, load_manifest_json, read_release
from builder.split import split_sort_key

__all__ = ["Changelog", "MovedPair", "SplitDelta", "Stability", "compute_changelog", "first_release"]

_LISTED = 20  # moved pairs named in the markdown; to_dict keeps up to 100


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
    deltas = tuple(
        SplitDelta(config, split, 0, n, n, 0)
        for config in sorted(rows)
        for split, n in sorted(rows[config].items(), key=lambda kv: split_sort_key(kv[0]))
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
    manifest = load_manifest_json(files[MANIFEST], out_dir.name) if MANIFEST in files else None
    current = read_release(files, manifest, "this build")
    version = version or current.version
    before_ids = previous.ids if previous else {}
    before_rows = previous.rows if previous else {}
    deltas = []
    for key in sorted(set(before_ids) | set(current.ids), key=lambda k: (k[0], *split_sort_key(k[1]))):
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
