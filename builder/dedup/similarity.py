"""Set similarity over n-gram fingerprints: exact Jaccard, and MinHash LSH candidates.

The sets are the sorted unique 32-bit fingerprints `builder.dedup.fold` keeps per line, addressed
by an offsets array (row i's set is grams[offsets[i]:offsets[i + 1]]); everything is vectorised.
"""

from __future__ import annotations

import numpy as np

from builder.dedup.fold import mix64

__all__ = ["gather_sets", "jaccard", "lsh_candidates", "minhash_bands"]

_U64 = np.uint64


def gather_sets(offsets: np.ndarray, grams: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray,
                                                                                  np.ndarray]:
    """Return the n-gram sets of `rows` as one sorted uint64 array of (row number << 32 | gram)."""
    starts, ends = offsets[rows], offsets[rows + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    which = np.repeat(np.arange(rows.size, dtype=np.int64), lengths)
    first = np.cumsum(lengths) - lengths
    picks = np.arange(total, dtype=np.int64) - np.repeat(first - starts, lengths)
    return (which.astype(np.uint64) << _U64(32)) | grams[picks].astype(np.uint64), lengths


def jaccard(offsets: np.ndarray, grams: np.ndarray, a: np.ndarray, b: np.ndarray,
            chunk: int = 100_000) -> np.ndarray:
    """Exact Jaccard of the n-gram sets of rows a[k] and b[k], vectorised (1.0 for two empties)."""
    out = np.ones(a.size, dtype=np.float64)
    for lo in range(0, a.size, chunk):
        sa, sb = a[lo:lo + chunk], b[lo:lo + chunk]
        keys_a, len_a = gather_sets(offsets, grams, sa)
        keys_b, len_b = gather_sets(offsets, grams, sb)
        # Both arrays are sorted and each set is unique: a merge (timsort finds the two runs)
        # leaves every shared (row, gram) next to its twin.
        merged = np.concatenate([keys_a, keys_b])
        merged.sort(kind="stable")
        twin = merged[1:][merged[1:] == merged[:-1]]
        inter = np.bincount((twin >> _U64(32)).astype(np.int64), minlength=sa.size)
        union = len_a + len_b - inter
        part = out[lo:lo + chunk]
        np.divide(inter, union, out=part, where=union > 0)
    return out


def minhash_bands(sides: list[tuple[np.ndarray, np.ndarray]], num_perm: int, bands: int,
                  chunk: int = 20_000) -> np.ndarray:
    """Return LSH band hashes (rows x bands) of MinHash over the union of each row's sets."""
    rows = sides[0][0].size - 1
    rng = np.random.default_rng(0x7477)  # fixed: band hashes must not change between runs
    mult = rng.integers(1, 2**63, num_perm, dtype=np.uint64) | _U64(1)
    add = rng.integers(0, 2**63, num_perm, dtype=np.uint64)
    per = num_perm // bands
    out = np.zeros((rows, bands), dtype=np.uint64)
    for lo in range(0, rows, chunk):
        sel = np.arange(lo, min(lo + chunk, rows), dtype=np.int64)
        parts = [gather_sets(off, grams, sel) for off, grams in sides]
        keys = np.concatenate([p[0] for p in parts])
        owner = (keys >> _U64(32)).astype(np.int64)
        order = np.argsort(owner, kind="stable")
        values = (keys[order] & _U64(0xFFFFFFFF))
        owner = owner[order]
        sizes = np.bincount(owner, minlength=sel.size)
        starts = np.flatnonzero(sizes)
        firsts = np.cumsum(sizes) - sizes
        sig = np.full((sel.size, num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
        for k in range(num_perm):
            hashed = (values * mult[k] + add[k]) >> _U64(32)
            if hashed.size:
                sig[starts, k] = np.minimum.reduceat(hashed, firsts[starts])
        for band in range(bands):
            block = sig[:, band * per:(band + 1) * per]
            salted = mix64(block + (np.arange(per, dtype=np.uint64) << _U64(40)) + _U64(band))
            out[sel, band] = mix64(salted.sum(axis=1, dtype=np.uint64) + _U64(band))
    return out


def lsh_candidates(sides: list[tuple[np.ndarray, np.ndarray]], num_perm: int, bands: int,
                   tag: np.ndarray, cap: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a < b) that share at least one LSH band (and the same tag); runs cut at `cap`."""
    band_hash = minhash_bands(sides, num_perm, bands) ^ tag[:, None]
    found = []
    for band in range(bands):
        col = band_hash[:, band]
        order = np.argsort(col, kind="stable")
        starts = np.flatnonzero(np.r_[True, col[order][1:] != col[order][:-1]])
        sizes = np.minimum(np.diff(np.r_[starts, order.size]), cap)
        for size in np.unique(sizes[sizes > 1]).tolist():
            base = starts[sizes == size]
            i, j = np.triu_indices(size, 1)
            a = order[(base[:, None] + i[None, :]).ravel()]
            b = order[(base[:, None] + j[None, :]).ravel()]
            found.append((np.minimum(a, b).astype(np.uint64) << _U64(32)) | np.maximum(a, b)
                         .astype(np.uint64))
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    packed = np.sort(np.concatenate(found))
    packed = packed[np.r_[True, packed[1:] != packed[:-1]]]
    return (packed >> _U64(32)).astype(np.int64), (packed & _U64(0xFFFFFFFF)).astype(np.int64)
