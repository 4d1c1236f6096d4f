"""Groups -> train/validation/test, stable across releases; the split file of a release.

A split is chosen per group (`builder.dedup.groups`: pairs tied by a shared or near-duplicate side
or a dedup cluster), so every record any recipe makes from a group lands in one split. A group
holding a pair of the previous release takes that pair's split (test before validation before
train when its old pairs disagree); a group too large to place without upsetting the ratios goes
to train; any other group is placed by a hash of its smallest pair id, which does not depend on
input order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

import numpy as np

from builder.errors import ConfigError, InputError

__all__ = ["DEFAULT_RATIOS", "LARGE_GROUP", "PRIORITY", "SPLIT_ORDER", "Placement", "assign_splits", "ordered_splits",
           "place_groups", "read_previous_splits", "split_sort_key", "train_split", "validate_ratios", "write_splits"]

DEFAULT_RATIOS: Mapping[str, float] = {"train": 0.9, "validation": 0.05, "test": 0.05}
# How splits are listed (card, exports, changelog): these first, in this order, then others by name.
SPLIT_ORDER = ("train", "validation", "test")
# When a cluster's old members were in different splits, the first of these wins, so that
# adding data never moves an old test or validation item into train.
PRIORITY = ("test", "validation")
# A group of more kept pairs than this share of the smallest split's expected size goes to train
# (`[split] large_group`): hashed into a small split it would swing that split's size.
LARGE_GROUP = 0.2
_NAME = re.compile(r"^\w+$", re.ASCII)

if TYPE_CHECKING:
    import pyarrow as pa
# Pair ids: strings, or one Arrow string array (a build's million ids as one buffer, not a
# million Python strings).
PairIds = Union[Sequence[str], "pa.Array"]


def _id_array(pair_ids: PairIds) -> pa.Array:
    """The pair ids as an Arrow string array (as they are if they are one)."""
    import pyarrow as pa

    return pair_ids if isinstance(pair_ids, pa.Array) else pa.array(pair_ids, pa.string())


def split_sort_key(name: str) -> tuple[int, str]:
    """Sort key that lists splits in SPLIT_ORDER, then any other split by name."""
    return (SPLIT_ORDER.index(name) if name in SPLIT_ORDER else len(SPLIT_ORDER), name)


def ordered_splits(names: Iterable[str]) -> list[str]:
    """The split names in the order they are listed (SPLIT_ORDER first, then by name)."""
    return sorted(names, key=split_sort_key)


def validate_ratios(ratios: Mapping[str, float]) -> dict[str, float]:
    """Check split names (\\w+) and ratios (positive, summing to 1); return them as a dict."""
    if not ratios:
        raise ConfigError("[split] ratios are empty")
    if len(ratios) > 255:  # the leak check numbers splits in one byte
        raise ConfigError(f"[split] at most 255 splits, not {len(ratios)}")
    for name, value in ratios.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError(f"[split] split name {name!r} must be letters, digits or _")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ConfigError(f"[split] ratio of {name!r} must be a positive number, got {value!r}")
    total = float(sum(ratios.values()))
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"[split] ratios must add up to 1, they add up to {total:g}")
    return {name: float(value) for name, value in ratios.items()}


def _rank(name: str) -> tuple[int, str]:
    """Sort key of a split for conflicts: test, validation, other names, train last."""
    if name in PRIORITY:
        return (PRIORITY.index(name), name)
    return (len(PRIORITY) + (1 if name == "train" else 0), name)


_HASH = hashlib.blake2b(digest_size=8, person=b"twcasual-split")


def _digest(key: bytes) -> bytes:
    """The split hash of a key: a copy of `_HASH` fed the key (a third faster than a new hasher)."""
    hasher = _HASH.copy()
    hasher.update(key)
    return hasher.digest()


def _buckets(keys: Sequence[str], names: list[str], edges: list[float]) -> np.ndarray:
    """The bucket (index into `names`) of each key: its hash as a point in [0, 1) among the edges."""
    digests = b"".join(_digest(key.encode("utf-8")) for key in keys)
    # uint64 -> float64 rounds as int -> float does; dividing by 2**64 is exact
    points = np.frombuffer(digests, dtype=">u8").astype(np.float64) / 2.0**64
    return np.minimum(np.searchsorted(np.asarray(edges, dtype=np.float64), points, side="right"), len(names) - 1)


def _smallest_members(pair_ids: pa.Array, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The groups (their labels, ascending) and the index of each one's smallest pair id.

    A group of one is its own smallest; only the members of larger groups are sorted, in Arrow,
    which sorts strings by their UTF-8 bytes: code point order, the order `<` gives.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    counts = np.bincount(group) if group.size else np.zeros(0, dtype=np.int64)
    reps = np.flatnonzero(counts)
    smallest = np.zeros(counts.size, dtype=np.int64)
    alone = counts[group] == 1
    smallest[group[alone]] = np.flatnonzero(alone)
    shared = np.flatnonzero(~alone)
    by_id = shared[pc.sort_indices(pair_ids.take(pa.array(shared))).to_numpy()]
    first = np.full(counts.size, by_id.size, dtype=np.int64)  # per group: its first place in by_id
    np.minimum.at(first, group[by_id], np.arange(by_id.size))
    several = reps[counts[reps] > 1]
    smallest[several] = by_id[first[several]]
    return reps, smallest[reps]


def train_split(ratios: Mapping[str, float]) -> str:
    """The split that takes what cannot be held out: "train", or the largest one when none is."""
    return "train" if "train" in ratios else max(sorted(ratios), key=lambda name: ratios[name])


@dataclass(frozen=True)
class Placement:
    """Every pair's split, and what the report says about how the groups were placed."""

    splits: list[str]
    limit: float  # kept pairs above which a group is too large to hash into a split
    large: list[tuple[int, int]] = field(default_factory=list)  # (group, kept pairs), largest first
    moved: dict[str, int] = field(default_factory=dict)  # "old->new": previous pairs that moved

    def summary(self) -> dict:
        """The report's view: the size limit, the large groups and the moves."""
        return {"large_group_limit": round(self.limit, 3), "large_groups": len(self.large),
                "large_group_sizes": [size for _, size in self.large[:20]],
                "moved_from_previous": dict(sorted(self.moved.items()))}


def place_groups(pair_ids: PairIds, group: np.ndarray, ratios: Mapping[str, float] = DEFAULT_RATIOS,
                 previous: Mapping[str, str] | None = None, keep: np.ndarray | None = None,
                 large_group: float = LARGE_GROUP) -> Placement:
    """Give every pair its group's split: the previous release's if a member had one (test first),
    train if the group is too large, else a hash of its smallest pair id in the ratio buckets."""
    ratios = validate_ratios(ratios)
    ids = _id_array(pair_ids)
    group = np.asarray(group, dtype=np.int64)
    if group.shape != (len(ids),):
        raise ValueError("group must have one entry per pair id")
    kept = np.ones(group.size, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    names = sorted(ratios)  # bucket order does not depend on the order of the config table
    edges = np.cumsum([ratios[name] for name in names]).tolist()
    limit = large_group * float(kept.sum()) * min(ratios.values())
    sizes = np.bincount(group, weights=kept, minlength=group.size) if group.size else np.zeros(0)
    olds = [(index, old) for index, old in enumerate(map(previous.get, ids.to_pylist())) if old is not None] \
        if previous else []  # (pair, split in the previous release)
    inherited: dict[int, str] = {}
    for index, old in olds:
        if old not in ratios:
            raise ConfigError(f"[split] pair {ids[index].as_py()} was in split {old!r} of the previous "
                              f"release, which this config does not have")
        rep = int(group[index])
        if rep not in inherited or _rank(old) < _rank(inherited[rep]):
            inherited[rep] = old
    reps, smallest = _smallest_members(ids, group)
    choice = np.zeros(reps[-1] + 1 if reps.size else 0, dtype=np.int64)  # per group: index into names
    choice[reps] = _buckets(ids.take(smallest).to_pylist(), names, edges)
    held = np.zeros(choice.size, dtype=bool)
    held[list(inherited)] = True
    big = reps[~held[reps] & (sizes[reps] >= 2) & (sizes[reps] > limit)]
    big = big[np.lexsort((big, -sizes[big]))]
    large = [(rep, int(sizes[rep])) for rep in big.tolist()]
    choice[big] = names.index(train_split(ratios))
    for rep, old in inherited.items():
        choice[rep] = names.index(old)
    splits = np.array(names, dtype=object)[choice[group]].tolist()
    moved = Counter(f"{old}->{splits[index]}" for index, old in olds if splits[index] != old)
    return Placement(splits=splits, limit=limit, large=large, moved=dict(moved))


def assign_splits(pair_ids: PairIds, cluster: np.ndarray,
                  ratios: Mapping[str, float] = DEFAULT_RATIOS,
                  previous: Mapping[str, str] | None = None) -> list[str]:
    """Give every pair its group's split (`place_groups` with every pair kept)."""
    return place_groups(pair_ids, cluster, ratios, previous).splits


def write_splits(path: str | Path, pair_ids: PairIds, splits: Sequence[str]) -> None:
    """Write the release's split file (Parquet: pair_id, split), sorted, same bytes every time.

    Rows are sorted by (pair_id, split) and repeated rows dropped, in Arrow: UTF-8 byte order is
    code point order, so this is the order `sorted` gives, without a million Python tuples.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if len(pair_ids) != len(splits):
        raise ValueError("pair_ids and splits must have the same length")
    table = pa.table({"pair_id": _id_array(pair_ids),
                      "split": pa.array(splits, pa.string())})
    table = table.take(pc.sort_indices(table, [("pair_id", "ascending"), ("split", "ascending")]))
    if table.num_rows > 1:
        repeated = [pc.equal(column.slice(1), column.slice(0, table.num_rows - 1))
                    for column in table.columns]
        table = table.filter(pa.concat_arrays(
            [pa.array([True]), pc.invert(pc.and_(*repeated)).combine_chunks()]))
    pq.write_table(table, str(path), compression="zstd", row_group_size=1 << 20)


def read_previous_splits(path: str | Path) -> dict[str, str]:
    """Read a split file written by `write_splits` into {pair_id: split}."""
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        table = pq.read_table(str(path), columns=["pair_id", "split"])
    except FileNotFoundError:
        raise InputError(f"{path}: previous split file not found") from None
    except (OSError, KeyError, ValueError) as err:  # not Parquet, or a column missing
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        message = f"{path}: not a split file with columns pair_id, split ({first})"
        raise InputError(message) from None
    out: dict[str, str] = {}
    for pid, split in zip(table.column("pair_id").to_pylist(), table.column("split").to_pylist()):
        if pid is None or split is None:
            raise InputError(f"{path}: empty pair_id or split")
        if out.setdefault(pid, split) != split:
            raise InputError(f"{path}: pair {pid} is listed in two splits")
    return out
