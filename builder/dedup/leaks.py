"""The leak check: the final records of every recipe, clustered again, must not cross splits.

A stage that must see every record: it keeps hashes and n-gram fingerprints only (the same
folding and anchors as dedup), never the texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from builder.dedup.clusters import anchored_pairs, components
from builder.dedup.fold import EN_SALT, ZH_SALT, SideFeatures, side_features
from builder.dedup.settings import DedupSettings
from builder.text.language import line_language

__all__ = ["LeakChecker", "LeakReport", "zh_rows"]


def zh_rows(texts: Sequence[str]) -> np.ndarray:
    """Which texts the leak check fingerprints by the zh rules: those `line_language` calls zh."""
    return np.array([line_language(text) == "zh" for text in texts], dtype=bool)


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
        """Fingerprint texts (zh or en rules by `line_language`); return their unit numbers."""
        s = self.settings
        units = self._units
        zh = zh_rows(texts)
        where = np.zeros(len(texts), dtype=np.int64)
        for is_zh in (False, True):
            idx = np.flatnonzero(zh == is_zh)
            if idx.size == 0:
                continue
            feats = side_features([texts[i] for i in idx], s.ngram_zh if is_zh else s.ngram_en,
                                  is_zh and s.particle_variants == "duplicate",
                                  ZH_SALT if is_zh else EN_SALT, space_breaks=is_zh)
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

