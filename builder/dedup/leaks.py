"""The leak check on the written records: no held-out record may repeat a train record's text.

It looks at what was written, record by record, and knows nothing of how the splits were chosen:
for every record, in every config (and so in `all`, which holds them all), its `input` and its
`output`, folded as dedup folds (`builder.dedup.fold`), and the split it was written to.

- **Exact part**: a held-out (validation, test, any split but train) text whose folded form equals
  a train text. Inputs and outputs that are a side of their pair (the en or zh line itself) are
  compared with every train text; outputs a recipe generated (an explanation built from glosses)
  are compared with train inputs and sides only, because generated answers repeat across unrelated
  pairs by design ("這句話用了1個語氣詞" for every line with one 啦).
- **Near part**: a held-out side text (the en or zh line of a pair, as input or output) whose n-gram
  Jaccard with a train side text is at least the dedup threshold (`builder.dedup.nearjoin`). Texts a
  recipe made (casualize's plain line, explanations) get the exact part only: near template text
  would report false leaks, and a made line comes from a side the near part already compares.

A worker turns each batch's records into `LeakBatch` integers (`leak_batch`): one unit per distinct
text and split, with its folded key, whether it appears as content (an input or a side) or as a
generated output, one record that holds it, and, for sides, the pass-1 n-gram set of that very line
(the same string, so the same fingerprints). The main process keeps integers only (`LeakCheck`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.dedup.fold import EN_SALT, ZH_SALT, SideFeatures, text_keys
from builder.dedup.nearjoin import DEFAULT_CAP, near_pairs
from builder.dedup.parts import Parts
from builder.dedup.settings import DedupSettings
from builder.text.language import chinese_mask

__all__ = ["Leak", "LeakBatch", "LeakCheck", "LeakReport", "RecordTexts", "leak_batch", "witness_parts"]

_NO_SIDE, _EN, _ZH = 0, 1, 2


@dataclass(frozen=True)
class RecordTexts:
    """One recipe's records of a batch: each record's pair (offset in the batch), its example
    number for that pair, its input and output, in the recipe's order."""

    recipe: int  # index of the recipe in the build's steps
    offsets: np.ndarray
    inputs: pa.Array
    outputs: pa.Array

    def example_numbers(self) -> np.ndarray:
        """The number of each record among its pair's records (a recipe may make several)."""
        starts = np.r_[True, self.offsets[1:] != self.offsets[:-1]] if self.offsets.size else np.zeros(0, bool)
        first = np.maximum.accumulate(np.where(starts, np.arange(self.offsets.size), 0))
        return np.arange(self.offsets.size) - first


@dataclass(frozen=True)
class LeakBatch:
    """The records of one batch as integers: one unit per distinct (text, split)."""

    records: int
    keys: np.ndarray  # uint64 folded key per unit (0: nothing left after folding)
    split: np.ndarray  # uint8 index into the build's split names
    content: np.ndarray  # bool: an input or a side of its pair somewhere in the batch
    generated: np.ndarray  # bool: an output that is not a side of its pair somewhere
    side: np.ndarray  # bool: the en or zh line of a pair (near part applies)
    witness: np.ndarray  # uint64: one record holding it (see `witness_parts`)
    lengths: np.ndarray  # int64 n-gram count per unit (0 unless `side`)
    grams: np.ndarray  # uint32 n-grams of the side units, in unit order


def _witness(pair: np.ndarray, recipe: int, example: np.ndarray, field_: int) -> np.ndarray:
    return ((pair.astype(np.uint64) << np.uint64(24)) | np.uint64(recipe << 16)
            | (example.astype(np.uint64) << np.uint64(1)) | np.uint64(field_))


def witness_parts(witness: int) -> tuple[int, int, int, str]:
    """(pair index in the build, recipe index, example number, "input" or "output") of a witness."""
    return (witness >> 24, (witness >> 16) & 0xFF, (witness >> 1) & 0x7FFF,
            "output" if witness & 1 else "input")


def leak_batch(records: Sequence[RecordTexts], start: int, en: pa.Array, zh: pa.Array,
               split_of_pair: np.ndarray, features: tuple[SideFeatures, SideFeatures],
               settings: DedupSettings, plain: pa.Array | None = None) -> LeakBatch:
    """Turn one batch's written records into integers for the leak check (runs in a worker).

    `split_of_pair` gives each pair's split index, `features` the pass-1 features of the batch's
    pairs (used for texts that are one of their pair's own lines), `start` the batch's first pair.
    `plain` (each pair's plain side, `Style.plain`) lets a made text equal to it take the key pass 1
    made of it (`SideFeatures.neutral_key`, the same fold) instead of folding it again.
    """
    texts, pair, side, content, witness, is_plain = [], [], [], [], [], []
    for part in records:
        number = part.example_numbers()
        own_en, own_zh = en.take(part.offsets), zh.take(part.offsets)
        own_plain = plain.take(part.offsets) if plain is not None else None
        for field_, column in ((0, part.inputs), (1, part.outputs)):
            is_en = pc.equal(column, own_en).to_numpy(zero_copy_only=False)
            is_zh = pc.equal(column, own_zh).to_numpy(zero_copy_only=False)
            kind = np.where(is_en, _EN, np.where(is_zh, _ZH, _NO_SIDE)).astype(np.int8)
            texts.append(column)
            pair.append(part.offsets)
            side.append(kind)
            is_plain.append(pc.equal(column, own_plain).to_numpy(zero_copy_only=False) if own_plain is not None
                            else np.zeros(len(column), dtype=bool))
            content.append((kind != _NO_SIDE) | (field_ == 0))
            witness.append(_witness(part.offsets + start, part.recipe, number, field_))
    if not texts:
        return _empty()
    pair_a, side_a, content_a = np.concatenate(pair), np.concatenate(side), np.concatenate(content)
    made = pa.chunked_array(texts).combine_chunks().filter(pa.array(side_a == _NO_SIDE))
    encoded = pc.dictionary_encode(made)
    # a side text is known by its pair and side, a made text by its place among the distinct ones
    ident = np.where(side_a == _EN, 2 * pair_a, 2 * pair_a + 1).astype(np.int64)
    ident[side_a == _NO_SIDE] = 2 * len(en) + encoded.indices.to_numpy(zero_copy_only=False)
    split = split_of_pair[pair_a].astype(np.int64)
    units, first, which = np.unique(ident * 256 + split, return_index=True, return_inverse=True)
    unit_ident = units // 256
    keys = np.zeros(units.size, dtype=np.uint64)
    is_side = unit_ident < 2 * len(en)
    side_pair, is_zh_side = unit_ident[is_side] // 2, unit_ident[is_side] % 2 == 1
    keys[is_side] = np.where(is_zh_side, features[1].key[side_pair], features[0].key[side_pair])
    # a made text equal to its pair's plain side has the key pass 1 made of that side
    made_first = first[~is_side]
    known = np.zeros(made_first.size, dtype=np.uint64)
    neutral = features[1].neutral_key
    if neutral is not None and settings.particle_variants == "duplicate":
        plain_a = np.concatenate(is_plain)[made_first]
        known[plain_a] = neutral[pair_a[made_first][plain_a]]
    keys[~is_side] = _made_keys(encoded.dictionary.take(pa.array(unit_ident[~is_side] - 2 * len(en))), settings,
                                known)
    lengths, grams = _side_sets(features, side_pair, is_zh_side, is_side)
    return LeakBatch(
        records=int(sum(len(p.offsets) for p in records)), keys=keys, split=(units % 256).astype(np.uint8),
        content=np.bincount(which, weights=content_a.astype(float), minlength=units.size) > 0,
        generated=np.bincount(which, weights=(~content_a).astype(float), minlength=units.size) > 0,
        side=is_side, witness=np.concatenate(witness)[first], lengths=lengths, grams=grams)


def _made_keys(texts: pa.Array, settings: DedupSettings, known: np.ndarray) -> np.ndarray:
    """Folded keys of texts a recipe made: by the zh rules when they hold Chinese, else en. A
    Chinese text with a `known` key (not 0: pass 1 folded the same text the same way) keeps it."""
    keys = np.zeros(len(texts), dtype=np.uint64)
    zh = chinese_mask(texts)
    reuse = zh & (known != 0)
    keys[reuse] = known[reuse]
    for is_zh, salt in ((False, EN_SALT), (True, ZH_SALT)):
        rows = np.flatnonzero((zh == is_zh) & ~reuse)
        if rows.size:
            keys[rows] = text_keys(texts.take(pa.array(rows)).to_pylist(),
                                   is_zh and settings.particle_variants == "duplicate", salt, is_zh)
    return keys


def _side_sets(features: tuple[SideFeatures, SideFeatures], pairs: np.ndarray, is_zh: np.ndarray,
               is_side: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """n-gram counts per unit (0 for made texts) and the n-grams of the side units, in unit order."""
    en, zh = features
    # both sides' n-grams in one array (zh after en), so that one gather takes them in unit order
    starts = np.where(is_zh, zh.offsets[pairs] + en.grams.size, en.offsets[pairs])
    ends = np.where(is_zh, zh.offsets[pairs + 1] + en.grams.size, en.offsets[pairs + 1])
    side_lengths = ends - starts
    firsts = np.cumsum(side_lengths) - side_lengths
    picks = np.arange(int(side_lengths.sum()), dtype=np.int64) + np.repeat(starts - firsts, side_lengths)
    grams = np.take(np.concatenate([en.grams, zh.grams]), picks)
    lengths = np.zeros(is_side.size, dtype=np.int64)
    lengths[is_side] = side_lengths
    return lengths, grams


def _empty() -> LeakBatch:
    none = np.zeros(0, dtype=np.int64)
    return LeakBatch(0, none.astype(np.uint64), none.astype(np.uint8), none.astype(bool), none.astype(bool),
                     none.astype(bool), none.astype(np.uint64), none, none.astype(np.uint32))


@dataclass(frozen=True)
class Leak:
    """One leak: a held-out unit's record and the train unit's record it repeats."""

    kind: str  # "exact" or "near"
    held: int  # witness of the held-out record
    held_split: str
    train: int  # witness of the train record
    score: float = 1.0


@dataclass(frozen=True)
class LeakReport:
    """What the leak check compared and found; the build stops when `leaks` is not empty."""

    records: int = 0
    texts: int = 0  # distinct (text, split) units compared by the exact part
    sides: int = 0  # distinct side texts compared by the near part
    exact: int = 0  # held-out texts equal to a train text
    near: int = 0  # held-out side texts near a train side text
    near_cut: int = 0  # side texts whose near search was cut (see builder.dedup.nearjoin)
    leaks: tuple[Leak, ...] = field(default=())  # up to `examples` of them, exact first

    def as_dict(self) -> dict:
        """Return the report's JSON form."""
        return {"records": self.records, "texts": self.texts, "sides": self.sides, "exact_leaks": self.exact,
                "near_leaks": self.near, "near_search_cut": self.near_cut}


_DTYPES = (np.uint64, np.uint8, np.bool_, np.bool_, np.bool_, np.uint64, np.int64, np.uint32)  # LeakBatch's


class LeakCheck:
    """Collect every batch's `LeakBatch` (integers only), then compare held-out texts with train."""

    def __init__(self, split_names: Sequence[str], train: str, settings: DedupSettings,
                 examples: int = 5, cap: int = DEFAULT_CAP, folder: Path | None = None) -> None:
        self.split_names = tuple(split_names)
        self.train = self.split_names.index(train) if train in self.split_names else -1
        self.settings, self.examples, self.cap = settings, examples, cap
        # With a folder (in the staging folder) the units wait in files there, not in memory.
        self._names = ("keys", "split", "content", "generated", "side", "witness", "lengths", "grams")
        self._parts = Parts(dict(zip(self._names, _DTYPES)), folder)
        self._records = 0

    def add(self, batch: LeakBatch) -> None:
        """Take one batch's units, in input order."""
        if batch.keys.size:
            self._parts.append({name: getattr(batch, name) for name in self._names})
            self._records += batch.records

    def _joined(self) -> LeakBatch:
        """Every batch as one: the files mapped back (and removed), or in memory each piece let go
        as soon as it is copied (`drain`), so the peak stays near one copy of the batches."""
        units = LeakBatch(self._records, *(self._parts.join(name) for name in self._names))
        self._parts.remove()
        return units

    def finish(self, records: int) -> LeakReport:
        """Compare; return what was compared and found (the caller stops the build on a leak)."""
        units = self._joined()
        if self.train < 0 or not units.keys.size:
            return LeakReport(records=records, texts=int(units.keys.size))
        exact = self._exact(units)
        near, sides, cut = self._near(units)
        leaks = tuple([*exact, *near][: self.examples])
        return LeakReport(records=records, texts=int(units.keys.size), sides=sides, exact=len(exact),
                          near=len(near), near_cut=cut, leaks=leaks)

    def _exact(self, u: LeakBatch) -> list[Leak]:
        """Held-out texts whose folded key a train text has (generated ones: a train input or side)."""
        live = np.flatnonzero(u.keys != 0)
        order = live[np.argsort(u.keys[live], kind="stable")]
        keys = u.keys[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, np.int64)
        is_train = u.split[order] == self.train
        def any_in(mask: np.ndarray) -> np.ndarray:
            return np.logical_or.reduceat(mask, starts) if starts.size else np.zeros(0, bool)
        train_content, train_any = any_in(is_train & u.content[order]), any_in(is_train)
        held_content, held_made = any_in(~is_train & u.content[order]), any_in(~is_train & u.generated[order])
        leaking = np.flatnonzero((held_content & train_any) | (held_made & train_content))
        found = []
        ends = np.r_[starts[1:], keys.size]
        for run in leaking.tolist():
            members = order[starts[run]:ends[run]]
            held = members[u.split[members] != self.train]
            train = members[u.split[members] == self.train]
            found.append(Leak("exact", int(u.witness[held[0]]), self.split_names[int(u.split[held[0]])],
                              int(u.witness[train[0]])))
        return found

    def _near(self, u: LeakBatch) -> tuple[list[Leak], int, int]:
        """Held-out side texts whose n-gram Jaccard with a train side text reaches the threshold."""
        offsets = np.zeros(u.keys.size + 1, dtype=np.int64)
        np.cumsum(u.lengths, out=offsets[1:])
        is_train = (u.split == self.train).astype(np.int64)
        candidates = np.flatnonzero(u.side & (u.keys != 0))
        # one row per (text, train or not); a text on both sides is an exact leak already
        order = candidates[np.lexsort((is_train[candidates], u.keys[candidates]))]
        keys, train = u.keys[order], is_train[order]
        new_key = np.r_[True, keys[1:] != keys[:-1]] if keys.size else np.zeros(0, bool)
        starts = np.flatnonzero(new_key)
        one_sided = np.logical_and.reduceat(train == 1, starts) | np.logical_and.reduceat(train == 0, starts) \
            if starts.size else np.zeros(0, bool)
        first = new_key | np.r_[True, train[1:] != train[:-1]] if keys.size else new_key
        rows = np.sort(order[first & np.repeat(one_sided, np.diff(np.r_[starts, keys.size]))])
        found = near_pairs(offsets, u.grams, rows, self.settings.threshold, side=is_train, cap=self.cap)
        leaks = []
        for a, b, score in zip(found.a.tolist(), found.b.tolist(), found.score.tolist()):
            held, kept = (a, b) if is_train[b] else (b, a)
            leaks.append(Leak("near", int(u.witness[held]), self.split_names[int(u.split[held])],
                              int(u.witness[kept]), round(score, 3)))
        return leaks, int(rows.size), int(found.cut.size)
