"""Clusters -> train/validation/test, stable across releases, and the leak check at the end.

A split is chosen per cluster, so every member of a near-duplicate cluster (and every record any
recipe makes from them) lands in the same split. A cluster seen in the previous release keeps
that release's split; a cluster of only new pairs is placed by a hash of its smallest pair id,
which does not depend on input order.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from builder.dedup import DedupSettings, anchored_pairs
from builder.dedupkey import SideFeatures, components, mostly_cjk, side_features
from builder.errors import ConfigError, InputError

__all__ = ["DEFAULT_RATIOS", "PRIORITY", "validate_ratios", "assign_splits", "write_splits",
           "read_previous_splits", "LeakChecker", "LeakReport"]

DEFAULT_RATIOS: Mapping[str, float] = {"train": 0.9, "validation": 0.05, "test": 0.05}
# When a cluster's old members were in different splits, the first of these wins, so that
# adding data never moves an old test or validation item into train.
PRIORITY = ("test", "validation")
_NAME = re.compile(r"^\w+$", re.ASCII)


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


@dataclass(frozen=True)
class LeakReport:
    """What the leak check found: leaked clusters span more than one split."""

    records: int
    leaked_clusters: int
    leaked_records: int
    examples: tuple[tuple[tuple[int, str], ...], ...] = ()  # (record index, split) per cluster

    def as_dict(self) -> dict:
        """Return the report's JSON form."""
        return {"records": self.records, "leaked_clusters": self.leaked_clusters,
                "leaked_records": self.leaked_records,
                "examples": [[{"record": i, "split": s} for i, s in ex] for ex in self.examples]}


@dataclass
class _Units:
    keys: list[np.ndarray] = field(default_factory=list)
    sets: list[np.ndarray] = field(default_factory=list)
    lengths: list[np.ndarray] = field(default_factory=list)
    grams: list[np.ndarray] = field(default_factory=list)
    where: list[np.ndarray] = field(default_factory=list)  # unit number of each text, by batch
    count: int = 0


class LeakChecker:
    """Check the final records of every recipe for exact or near-duplicates across splits.

    Each record is seen as (input, output): the output is the assistant text; the input is the
    last paragraph of the user text (recipes put the instruction first, as `Example.user` does),
    or the whole user text when it has one paragraph. Two records are near-duplicates by the
    dedup rules, in either orientation, so a pair's en-to-casual record meets its twin's
    casual-to-en record. Keeps hashes and n-gram fingerprints only.
    """

    def __init__(self, settings: DedupSettings | None = None, batch: int = 20_000) -> None:
        self.settings = settings or DedupSettings()
        self._batch = batch
        self._pending: list[tuple[str, str, str]] = []
        self._units = _Units()
        self._split_names: list[str] = []
        self._splits: list[np.ndarray] = []
        self._inputs: list[np.ndarray] = []
        self._outputs: list[np.ndarray] = []

    def add(self, split: str, user: str, assistant: str) -> None:
        """Take one final record."""
        self._pending.append((split, user, assistant))
        if len(self._pending) >= self._batch:
            self._flush()

    def add_many(self, splits: Sequence[str], users: Sequence[str],
                 assistants: Sequence[str]) -> None:
        """Take a batch of final records."""
        for record in zip(splits, users, assistants, strict=True):
            self.add(*record)

    def _flush(self) -> None:
        if not self._pending:
            return
        splits, users, outputs = zip(*self._pending)
        self._pending = []
        inputs = [u.rsplit("\n\n", 1)[-1] if "\n\n" in u.strip() else u for u in users]
        self._splits.append(self._codes(splits))
        self._inputs.append(self._store(inputs))
        self._outputs.append(self._store(list(outputs)))

    def _codes(self, splits: Sequence[str]) -> np.ndarray:
        """Split names as small integer codes (the names are kept once, in first-seen order)."""
        codes = []
        for name in splits:
            if name not in self._split_names:
                self._split_names.append(name)
            codes.append(self._split_names.index(name))
        return np.array(codes, dtype=np.int16)

    def add_features(self, splits: Sequence[str], inputs: SideFeatures,
                     outputs: SideFeatures) -> None:
        """Take a batch of (input, output) texts already fingerprinted with these settings.

        `inputs` and `outputs` come from `builder.dedup.pair_features` (en side, zh side), so the
        fingerprinting can run in worker processes; the main process only keeps the integers.
        """
        self._flush()
        self._splits.append(self._codes(splits))
        for feats, target in ((inputs, self._inputs), (outputs, self._outputs)):
            units = self._units
            units.keys.append(feats.key)
            units.sets.append(feats.clause_hash)
            units.lengths.append(np.diff(feats.offsets))
            units.grams.append(feats.grams)
            target.append(units.count + np.arange(feats.key.size, dtype=np.int64))
            units.count += feats.key.size

    def _store(self, texts: list[str]) -> np.ndarray:
        """Fingerprint texts (zh or en rules by their script); return their unit numbers."""
        s = self.settings
        units = self._units
        zh = mostly_cjk(texts)
        where = np.zeros(len(texts), dtype=np.int64)
        for is_zh in (False, True):
            idx = np.flatnonzero(zh == is_zh)
            if idx.size == 0:
                continue
            feats = side_features([texts[i] for i in idx], s.ngram_zh if is_zh else s.ngram_en,
                                  is_zh and s.particle_variants == "duplicate",
                                  0x7A68 if is_zh else 0x656E, space_breaks=is_zh)
            units.keys.append(feats.key)
            units.sets.append(feats.clause_hash)
            units.lengths.append(np.diff(feats.offsets))
            units.grams.append(feats.grams)
            where[idx] = units.count + np.arange(idx.size)
            units.count += idx.size
        return where

    def finish(self) -> LeakReport:
        """Cluster the records by the dedup rules and count clusters that cross splits."""
        self._flush()
        if not self._splits:
            return LeakReport(records=0, leaked_clusters=0, leaked_records=0)
        u = self._units
        keys, sets = np.concatenate(u.keys), np.concatenate(u.sets)
        off = np.zeros(u.count + 1, dtype=np.int64)
        np.cumsum(np.concatenate(u.lengths), out=off[1:])
        grams = np.concatenate(u.grams)
        split = np.concatenate(self._splits)
        x_unit, y_unit = np.concatenate(self._inputs), np.concatenate(self._outputs)
        n = split.size
        # Rows 0..n-1 are (input, output), rows n..2n-1 the same records turned round.
        first, second = np.r_[x_unit, y_unit], np.r_[y_unit, x_unit]
        record = np.r_[np.arange(n), np.arange(n)]
        edges_a, edges_b = [], []
        # Same anchor rule as dedup (this covers exact twins too: equal key, equal other set).
        for anchor in (keys[first], sets[first]):
            rows_a, rows_b, _ = anchored_pairs(anchor, sets[second], off, grams,
                                               self.settings.threshold, rows=second)
            edges_a.append(record[rows_a])
            edges_b.append(record[rows_b])
        label = components(n, np.concatenate(edges_a), np.concatenate(edges_b))
        order = np.lexsort((split, label))
        lab, spl = label[order], split[order]
        starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
        mixed = np.maximum.reduceat(spl, starts) != np.minimum.reduceat(spl, starts)
        leaked = lab[starts[mixed]]
        leaked_records = int(np.isin(label, leaked).sum())
        examples = []
        for rep in leaked[:3].tolist():
            members = np.flatnonzero(label == rep)[:4]
            examples.append(tuple((int(i), self._split_names[int(split[i])]) for i in members))
        return LeakReport(records=n, leaked_clusters=int(leaked.size),
                          leaked_records=leaked_records, examples=tuple(examples))

