"""Clusters -> train/validation/test, stable across releases; the split file of a release.

A split is chosen per cluster, so every member of a near-duplicate cluster (and every record any
recipe makes from them) lands in the same split. A cluster seen in the previous release keeps
that release's split; a cluster of only new pairs is placed by a hash of its smallest pair id,
which does not depend on input order.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from builder.errors import ConfigError, InputError

__all__ = ["DEFAULT_RATIOS", "PRIORITY", "SPLIT_ORDER", "assign_splits", "ordered_splits", "read_previous_splits",
           "split_sort_key", "validate_ratios", "write_splits"]

DEFAULT_RATIOS: Mapping[str, float] = {"train": 0.9, "validation": 0.05, "test": 0.05}
# How splits are listed (card, exports, changelog): these first, in this order, then others by name.
SPLIT_ORDER = ("train", "validation", "test")
# When a cluster's old members were in different splits, the first of these wins, so that
# adding data never moves an old test or validation item into train.
PRIORITY = ("test", "validation")
_NAME = re.compile(r"^\w+$", re.ASCII)


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


def _bucket(key: str, names: list[str], edges: list[float]) -> str:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8, person=b"twcasual-split").digest()
    point = int.from_bytes(digest, "big") / 2.0**64
    return names[min(bisect_right(edges, point), len(names) - 1)]


def assign_splits(pair_ids: Sequence[str], cluster: np.ndarray,
                  ratios: Mapping[str, float] = DEFAULT_RATIOS,
                  previous: Mapping[str, str] | None = None) -> list[str]:
    """Give every pair its cluster's split: the previous release's if any member had one, else a
    hash of the cluster's smallest pair id mapped into the ratio buckets."""
    ratios = validate_ratios(ratios)
    cluster = np.asarray(cluster, dtype=np.int64)
    if cluster.shape != (len(pair_ids),):
        raise ValueError("cluster must have one entry per pair id")
    names = sorted(ratios)  # bucket order does not depend on the order of the config table
    edges = np.cumsum([ratios[name] for name in names]).tolist()
    smallest: dict[int, str] = {}
    inherited: dict[int, str] = {}
    for rep, pid in zip(cluster.tolist(), pair_ids):
        if rep not in smallest or pid < smallest[rep]:
            smallest[rep] = pid
        old = previous.get(pid) if previous else None
        if old is not None:
            if old not in ratios:
                raise ConfigError(f"[split] pair {pid} was in split {old!r} of the previous "
                                  f"release, which this config does not have")
            if rep not in inherited or _rank(old) < _rank(inherited[rep]):
                inherited[rep] = old
    chosen = {rep: inherited.get(rep) or _bucket(key, names, edges)
              for rep, key in smallest.items()}
    return [chosen[rep] for rep in cluster.tolist()]


def write_splits(path: str | Path, pair_ids: Sequence[str], splits: Sequence[str]) -> None:
    """Write the release's split file (Parquet: pair_id, split), sorted, same bytes every time.

    Rows are sorted by (pair_id, split) and repeated rows dropped, in Arrow: UTF-8 byte order is
    code point order, so this is the order `sorted` gives, without a million Python tuples.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if len(pair_ids) != len(splits):
        raise ValueError("pair_ids and splits must have the same length")
    table = pa.table({"pair_id": pa.array(pair_ids, pa.string()),
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
