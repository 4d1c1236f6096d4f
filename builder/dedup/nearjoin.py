"""Near-duplicate lines by n-gram Jaccard: a prefix-filter join over the integer fingerprint sets.

Two sets with Jaccard >= t share at least ceil(t * |x|) of the |x| members of x, so under any fixed
global order of the fingerprints the first |x| - ceil(t * |x|) + 1 members of x (its prefix) and
the prefix of y share a member (the PPJoin idea). Every pair of rows whose prefixes share a
fingerprint is a candidate, and every candidate that passes the length bound (t * |x| <= |y| <=
|x| / t) is confirmed by the exact Jaccard of `builder.dedup.similarity.jaccard`. Deterministic: no
sampling of pairs, no random hash family.

The order puts rare fingerprints first, so that prefixes hold the n-grams few lines share. Rarity
is counted exactly on a sample of the rows (those whose smallest fingerprint has its low bits
zero, so the sample, like everything here, does not depend on input order) and looked up in a
table of 2^22 slots: a fingerprint whose count, scaled by the sampling rate, exceeds `cap` is
"frequent" and goes after the rare ones; inside each class the order is the fingerprint value, so
a row's prefix comes out of its sorted set without a sort. Any fixed order keeps the join exact; rarity makes it cheap.

Where text is repetitive (template corpora, short generic lines like "Thank you." and their kin)
the rows share their n-grams widely, and no exact filter can avoid comparing them all. Two limits
keep the work linear: a row whose prefix would need a frequent fingerprint is not expanded, and a
rare fingerprint in more than `cap` prefixes is not expanded either. Such rows are reported as
`cut`: their search was incomplete (a pair of two cut rows may be missed, and is not even
verified; a row that is not cut has all its partners found). Callers count and report them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from builder.dedup.similarity import jaccard

__all__ = ["DEFAULT_CAP", "NearPairs", "near_pairs"]

_U64 = np.uint64
DEFAULT_CAP = 64  # rows per prefix fingerprint expanded into candidate pairs
_SAMPLE_ROWS = 10_000  # below about this many rows every row is in the rarity sample
_CHUNK = 1_000_000  # fingerprints per step: bounds the temporaries (about 50 MB)
_SLOT_SHIFT = 10  # 32-bit fingerprint -> one of 2^22 slots (4 MB: the lookups stay in cache)


@dataclass(frozen=True)
class NearPairs:
    """Confirmed near-duplicate pairs (a[k] < b[k], row numbers) and the rows whose search was cut."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    cut: np.ndarray  # rows with a prefix fingerprint shared by more than `cap` rows
    candidates: int  # pairs whose Jaccard was computed


def _sets(offsets: np.ndarray, grams: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                               np.ndarray]:
    """The fingerprints of `rows` in one array, with each row's start in it and its size."""
    starts, sizes = offsets[rows], offsets[rows + 1] - offsets[rows]
    firsts = np.cumsum(sizes) - sizes
    total = int(sizes.sum())
    picks = np.arange(total, dtype=np.int64) + np.repeat(starts - firsts, sizes)
    return grams[picks], firsts, sizes


def _frequent_slots(offsets: np.ndarray, grams: np.ndarray, rows: np.ndarray, cap: int) -> np.ndarray:
    """A table over fingerprint slots: True where a fingerprint is frequent, i.e. where its count
    in the sample, times the sampling rate, exceeds `cap` (its prefix list would overflow)."""
    # one row in `rate` (a power of two up to cap / 2, so that "frequent" is still 3 sightings)
    rate = 1 << max(0, min(max(cap // 2, 1), max(rows.size // _SAMPLE_ROWS, 1)).bit_length() - 1)
    sample = rows[(grams[offsets[rows]] & np.uint32(rate - 1)) == 0]
    values, _, _ = _sets(offsets, grams, sample)
    values = np.sort(values)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if values.size else values
    counts = np.diff(np.r_[starts, values.size])
    table = np.zeros(1 << (32 - _SLOT_SHIFT), dtype=bool)
    table[values[starts[counts * rate > cap]] >> _SLOT_SHIFT] = True
    return table


def _row_chunks(offsets: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """`rows` (sorted) cut into runs of about _CHUNK fingerprints each: bounds the temporaries."""
    ends = np.cumsum(offsets[rows + 1] - offsets[rows])
    bounds = np.searchsorted(ends, np.arange(_CHUNK, int(ends[-1]) if ends.size else 0, _CHUNK), side="right")
    return [part for part in np.split(rows, bounds) if part.size]


def _rare_counts(offsets: np.ndarray, grams: np.ndarray, frequent: np.ndarray) -> np.ndarray:
    """How many rare fingerprints each row holds (one pass over the sets, in place)."""
    n_rows = offsets.size - 1
    counts = np.zeros(n_rows, dtype=np.int64)
    for part in _row_chunks(offsets, np.arange(n_rows)):
        lo, hi = offsets[part[0]], offsets[part[-1] + 1]
        filled = part[offsets[part + 1] > offsets[part]]
        if filled.size:  # empty rows add nothing, so each sum runs to the next filled row
            rare = ~np.take(frequent, grams[lo:hi] >> _SLOT_SHIFT)  # np.take: a cheaper gather than indexing
            counts[filled] = np.add.reduceat(rare.view(np.uint8), offsets[filled] - lo, dtype=np.int32)
    return counts


def _prefix_entries(offsets: np.ndarray, grams: np.ndarray, rows: np.ndarray, frequent: np.ndarray,
                    length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first `length[row]` rare fingerprints of each of `rows`, with their row numbers."""
    out_g, out_r = [], []
    for part in _row_chunks(offsets, rows):
        values, firsts, sizes = _sets(offsets, grams, part)
        keep = ~np.take(frequent, values >> _SLOT_SHIFT)
        seen = np.cumsum(keep)
        before = np.r_[0, seen][firsts]
        keep &= seen - np.repeat(before, sizes) <= np.repeat(length[part], sizes)
        out_g.append(values[keep])
        out_r.append(np.repeat(part, sizes)[keep])
    if not out_g:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    return np.concatenate(out_g), np.concatenate(out_r)


def _wanted_entries(offsets: np.ndarray, grams: np.ndarray, rows: np.ndarray, frequent: np.ndarray,
                    wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every rare fingerprint of `rows` that falls in a `wanted` slot, with its row number: one
    pass over the sets in place (few fingerprints hit, so their rows are found by bisection)."""
    among = np.zeros(offsets.size - 1, dtype=bool)
    among[rows] = True
    usable = wanted & ~frequent
    out_g, out_r = [], []
    for part in _row_chunks(offsets, np.arange(offsets.size - 1)):
        lo, hi = offsets[part[0]], offsets[part[-1] + 1]
        where = np.flatnonzero(np.take(usable, grams[lo:hi] >> _SLOT_SHIFT)) + lo
        owner = np.searchsorted(offsets, where, side="right") - 1
        keep = among[owner]
        out_g.append(grams[where[keep]])
        out_r.append(owner[keep])
    if not out_g:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    return np.concatenate(out_g), np.concatenate(out_r)


def _prefixes(offsets: np.ndarray, grams: np.ndarray, rows: np.ndarray, threshold: float,
              frequent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's prefix (its first rare fingerprints by value), as fingerprints and row numbers,
    and the rows whose prefix would reach into the frequent ones (cut).

    A cut row's prefix holds all its rare fingerprints; only those that some uncut row's prefix
    holds are kept, since two cut rows are never paired.
    """
    sizes = np.diff(offsets)
    length = sizes - np.ceil(threshold * sizes - 1e-9).astype(np.int64) + 1
    short = np.zeros(sizes.size, dtype=bool)
    short[rows] = _rare_counts(offsets, grams, frequent)[rows] < length[rows]
    live, cut = rows[~short[rows]], rows[short[rows]]
    if live.size == 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64), cut
    values, owners = _prefix_entries(offsets, grams, live, frequent, length)
    wanted = np.zeros(frequent.size, dtype=bool)
    wanted[values >> _SLOT_SHIFT] = True
    more_values, more_owners = _wanted_entries(offsets, grams, cut, frequent, wanted)
    return np.concatenate([values, more_values]), np.concatenate([owners, more_owners]), cut


def _candidates(values: np.ndarray, owners: np.ndarray, side: np.ndarray | None, cap: int,
                short: np.ndarray) -> np.ndarray:
    """Unique pairs (a < b) of rows sharing a prefix fingerprint, leaving out pairs of two cut rows;
    the rows the cap cuts are marked in `short` (the rows already cut, a mask over row numbers)."""
    packed = np.sort((values.astype(_U64) << _U64(32)) | owners.astype(_U64))
    keys = packed >> _U64(32)
    row = (packed & _U64(0xFFFFFFFF)).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, keys.size])
    over = sizes > cap
    short[row[np.repeat(over, sizes)]] = True  # a mask, not np.unique: most entries of a template corpus
    found = []
    for size in np.unique(sizes[(sizes > 1) & ~over]).tolist():
        base = starts[sizes == size]
        i, j = np.triu_indices(size, 1)
        a = row[(base[:, None] + i[None, :]).ravel()]
        b = row[(base[:, None] + j[None, :]).ravel()]
        wanted = ~(short[a] & short[b])  # two cut rows: their search is incomplete anyway
        if side is not None:  # a join of two sets of rows: only pairs across them
            wanted &= side[a] != side[b]
        a, b = a[wanted], b[wanted]
        found.append((np.minimum(a, b).astype(_U64) << _U64(32)) | np.maximum(a, b).astype(_U64))
    if not found:
        return np.zeros(0, _U64)
    return np.unique(np.concatenate(found))


def near_pairs(offsets: np.ndarray, grams: np.ndarray, rows: np.ndarray, threshold: float,
               side: np.ndarray | None = None, cap: int = DEFAULT_CAP) -> NearPairs:
    """Pairs of `rows` whose fingerprint sets have Jaccard >= threshold (rows with an empty set
    never match). With `side` (one label per row of the offsets), only pairs of different labels."""
    rows = np.asarray(rows, dtype=np.int64)
    rows = rows[offsets[rows + 1] > offsets[rows]]
    empty = np.zeros(0, np.int64)
    if rows.size < 2:
        return NearPairs(empty, empty, np.zeros(0), empty, 0)
    frequent = _frequent_slots(offsets, grams, rows, cap)
    values, owners, short = _prefixes(offsets, grams, rows, threshold, frequent)
    is_cut = np.zeros(offsets.size - 1, dtype=bool)
    is_cut[short] = True
    packed = _candidates(values, owners, side, cap, is_cut)  # marks the crowded rows in is_cut
    cut = np.flatnonzero(is_cut)
    a = (packed >> _U64(32)).astype(np.int64)
    b = (packed & _U64(0xFFFFFFFF)).astype(np.int64)
    size_a, size_b = offsets[a + 1] - offsets[a], offsets[b + 1] - offsets[b]
    fits = np.minimum(size_a, size_b) >= threshold * np.maximum(size_a, size_b) - 1e-9
    a, b = a[fits], b[fits]
    score = jaccard(offsets, grams, a, b)
    hit = score >= threshold
    return NearPairs(a[hit], b[hit], score[hit], cut, int(a.size))
