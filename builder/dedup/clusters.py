"""Exact and near-duplicate clusters of pairs. A stage that must see every pair: it keeps integers.

Exact stage: pairs whose folded en and zh (see `builder.dedup.fold`: NFKC, case, punctuation,
spaces and symbols, width, script, and by default clause-final particles) are equal.

Near stage, `match = "one-side"` (the default): two pairs are near-duplicates when one side
matches (the same folded text, or the same clauses in another order) and the other side's n-gram
Jaccard is at least `threshold`. Why one side must match: en and zh are translations of each
other, so a change of content (another name, another action) shows on both sides, while noise
(a typo, a particle, another script, Mainland wording) shows on one. Any rule that lets both
sides move merges template twins: with long lines, a changed name keeps Jaccard above 0.9 while
a typo in a short line already drops it to 0.7 (measured in bench/dedup_bench.py, docs/dedup.md).
Candidates come from grouping by the matching side's hashes, so no candidate is left to chance,
and each is confirmed by the exact Jaccard of its integer n-gram sets.

`match = "both-sides"` finds pairs whose n-grams on each side have Jaccard >= threshold, with
MinHash LSH over both sides as the candidate source and the same exact confirmation. It also
catches noise on both sides at once, at the price of merging template twins.

Clusters are the connected components of exact and confirmed near matches (union-find); the
representative is the earliest pair in input order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from builder.dedup.fold import SideFeatures, mix64, pair_features
from builder.dedup.parts import Parts, read_part
from builder.dedup.settings import DedupSettings
from builder.dedup.similarity import jaccard, lsh_candidates

__all__ = ["KINDS", "DedupResult", "Deduplicator", "SideSets", "StoredFeatures", "anchored_pairs", "components",
           "load_features"]

KINDS = ("exact", "particle", "near")  # how a member is tied to its cluster's representative


@dataclass(frozen=True)
class DedupResult:
    """Clusters over pair indexes in input order, and what the policy keeps."""

    cluster: np.ndarray  # int64: the representative (earliest member) of each pair's cluster
    keep: np.ndarray  # bool
    kind: list[str]  # "" for representatives and singletons, else one of KINDS
    score: np.ndarray = field(repr=False)  # float: Jaccard that tied a near member, else 1.0
    settings: DedupSettings = field(default_factory=DedupSettings)

    def summary(self, describe: Callable[[int], Mapping[str, object]], examples: int = 5) -> dict:
        """Count members per kind and show a few clusters, borderline near matches first.

        `describe(i)` gives what the report shows of pair i besides its index, kind and Jaccard:
        its texts and where it was read (en, zh, file, line).
        """
        kinds = np.asarray(self.kind, dtype=object)
        counts = {k: int(np.count_nonzero(kinds == k)) for k in KINDS}
        reps, sizes = np.unique(self.cluster, return_counts=True)
        near = np.flatnonzero(kinds == "near")
        order = near[np.argsort(self.score[near], kind="stable")]
        chosen: list[int] = []
        for i in order.tolist():  # lowest-scoring near members: where a threshold is judged
            rep = int(self.cluster[i])
            if rep not in chosen:
                chosen.append(rep)
            if len(chosen) >= max(examples - 2, 1):
                break
        for k in ("particle", "exact"):
            hit = np.flatnonzero(kinds == k)
            if hit.size and len(chosen) < examples and int(self.cluster[hit[0]]) not in chosen:
                chosen.append(int(self.cluster[hit[0]]))
        shown = []
        for rep in chosen:
            members = np.flatnonzero(self.cluster == rep)[:4]
            shown.append({"representative": rep, "size": int(np.count_nonzero(self.cluster == rep)),
                          "members": [{"index": int(i), "kind": self.kind[i] or "representative",
                                       "jaccard": round(float(self.score[i]), 3), **describe(int(i))}
                                      for i in members.tolist()]})
        return {"pairs": int(self.cluster.size), "clusters": int(np.count_nonzero(sizes > 1)),
                "duplicates": int(self.cluster.size - reps.size),
                "dropped": int(np.count_nonzero(~self.keep)), "by_kind": counts,
                "policy": self.settings.policy,
                "settings": self.settings.signature(), "examples": shown}


@dataclass(frozen=True)
class SideSets:
    """One side (en or zh) of every pair: loose keys (`SideFeatures.loose_key`), n-gram sets, and
    the keys of the plain sides (`SideFeatures.neutral_key`; zh only, 0 where there is none)."""

    key: np.ndarray
    offsets: np.ndarray
    grams: np.ndarray
    neutral: np.ndarray | None = None


# What dedup keeps of each side of every pair, one array per kind (`SideFeatures`' fields, n-gram
# counts per line in place of offsets), and the zh side's plain-side keys.
_KINDS: dict[str, type] = {"key": np.uint64, "plain_key": np.uint64, "clause_hash": np.uint64,
                           "particles": np.uint64, "lengths": np.int64, "grams": np.uint32,
                           "loose_key": np.uint64}
_SIDES = ("en", "zh")
_NEUTRAL = "zh.neutral_key"


def _columns() -> dict[str, type]:
    return {**{f"{side}.{kind}": dtype for side in _SIDES for kind, dtype in _KINDS.items()}, _NEUTRAL: np.uint64}


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


@dataclass(frozen=True, slots=True)
class StoredFeatures:
    """Where one batch's features lie in a `Deduplicator`'s folder (`load_features` reads them):
    its first pair in the build, its pairs, and the index of its first n-gram on each side."""

    folder: str
    start: int
    count: int
    grams: tuple[int, int]  # en, zh


def load_features(held: StoredFeatures | tuple[SideFeatures, SideFeatures]) -> tuple[SideFeatures, SideFeatures]:
    """A batch's features as `Deduplicator.add_features` took them (read back from its files)."""
    if not isinstance(held, StoredFeatures):
        return held
    folder = Path(held.folder)

    def side(name: str, grams_at: int) -> SideFeatures:
        def read(kind: str, start: int = held.start, count: int = held.count) -> np.ndarray:
            return read_part(folder / f"{name}.{kind}", _KINDS.get(kind, np.uint64), start, count)

        offsets = _offsets(read("lengths"))
        return SideFeatures(read("key"), read("plain_key"), read("clause_hash"), read("particles"), offsets,
                            read("grams", grams_at, int(offsets[-1])), read("loose_key"),
                            read("neutral_key") if name == "zh" else None)

    return side("en", held.grams[0]), side("zh", held.grams[1])


class Deduplicator:
    """Collect pairs batch by batch (integers only), then cluster them in `finish`; what the split
    groups need of each side is handed over by `join` before, or kept for `take_sides` after.

    With a `folder` (in the staging folder) the batches wait there, in files, not in memory: a
    batch's features are read back by `load_features` (a pass-2 worker reads its own), the joined
    arrays are the files mapped read-only. `remove` deletes them once no batch needs them.
    """

    def __init__(self, settings: DedupSettings | None = None, folder: Path | None = None) -> None:
        self.settings = settings or DedupSettings()
        self._parts = Parts(_columns(), folder)
        self._count = 0
        self._finished: dict[str, SideSets] = {}
        self._joined: tuple[tuple[np.ndarray, ...], ...] | None = None  # `join`'s arrays, for `finish`

    def add(self, pair_ids: Sequence[str], en: Sequence[str], zh: Sequence[str]) -> None:
        """Take a batch of normalised pairs, in input order; keep their hashes and n-grams."""
        if not (len(pair_ids) == len(en) == len(zh)):
            raise ValueError("pair_ids, en and zh must have the same length")
        if en:
            self.add_features(pair_features(en, zh, self.settings))

    def add_features(self, features: tuple[SideFeatures, SideFeatures]) -> StoredFeatures | tuple[
            SideFeatures, SideFeatures]:
        """Take the features of a batch computed by `pair_features` (e.g. in a worker process);
        return what to keep of them for `load_features`: where they lie, or (without a folder)
        the features themselves."""
        folder = self._parts.folder
        count = int(features[0].key.size)
        held = features if folder is None else StoredFeatures(
            str(folder), self._count, count, (self._parts.sizes["en.grams"], self._parts.sizes["zh.grams"]))
        arrays: dict[str, np.ndarray] = {}
        for name, feats in zip(_SIDES, features):
            for kind in _KINDS:
                arrays[f"{name}.{kind}"] = np.diff(feats.offsets) if kind == "lengths" else getattr(feats, kind)
        neutral = features[1].neutral_key
        arrays[_NEUTRAL] = neutral if neutral is not None else np.zeros(count, dtype=np.uint64)
        self._parts.append(arrays)
        self._count += count
        return held

    def take_sides(self) -> dict[str, SideSets]:
        """Hand over each side's loose keys and n-gram sets, kept by `finish`, and let them go."""
        sides, self._finished = self._finished, {}
        return sides

    def join(self) -> dict[str, SideSets]:
        """Join the batches added so far into one array per kind (in memory each batch is let go
        as it is copied) for `finish`, and hand over each side's loose keys and n-gram sets: the
        split groups' search needs no clusters, so it can run beside `finish`."""
        def side(name: str) -> tuple[np.ndarray, ...]:  # (key, plain, set, part, offsets, n-grams, loose key)
            get = {kind: self._parts.join(f"{name}.{kind}") for kind in _KINDS}
            return (get["key"], get["plain_key"], get["clause_hash"], get["particles"], _offsets(get["lengths"]),
                    get["grams"], get["loose_key"])

        en, zh = side("en"), side("zh")
        zh_neutral = self._parts.join(_NEUTRAL)
        self._joined = (en, zh)
        *_, en_off, en_grams, en_loose = en
        *_, zh_off, zh_grams, zh_loose = zh
        return {"en": SideSets(en_loose, en_off, en_grams), "zh": SideSets(zh_loose, zh_off, zh_grams, zh_neutral)}

    def remove(self) -> None:
        """Delete the folder's files (after pass 2: no batch's features are read any more)."""
        self._parts.remove()

    def finish(self, pool: Executor | None = None) -> DedupResult:
        """Cluster everything added so far and apply the policy. The near stage's four searches
        run on `pool` if given (beside what else it runs), else on a pool of their own."""
        s = self.settings
        n = self._count
        if self._joined is None:
            self._finished = self.join()
        assert self._joined is not None
        (en_key, en_plain, en_set, _, en_off, en_grams, _), (zh_key, zh_plain, zh_set, zh_part, zh_off, zh_grams, _) \
            = self._joined
        self._joined = None
        key = mix64(en_key) ^ zh_key
        plain = mix64(en_plain) ^ zh_plain
        order = np.argsort(key, kind="stable")
        first = np.maximum.accumulate(np.where(np.r_[True, key[order][1:] != key[order][:-1]],
                                               np.arange(n), 0)) if n else order
        edges_a, edges_b = [order], [order[first]]
        score = np.ones(n, dtype=np.float64)
        if s.near and n > 1:
            # In "keep" mode a differing run of clause-final particles keeps pairs apart.
            tag = zh_part if s.particle_variants == "keep" else np.zeros(n, dtype=np.uint64)
            if s.match == "one-side":
                # A side matches when its folded text, or its multiset of clauses, is the same.
                # Four independent anchors; numpy's sorts release the GIL, so run them side by side.
                with nullcontext(pool) if pool else ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as runner:
                    pairs = list(runner.map(
                        lambda item: anchored_pairs(np.where(item[0] != 0, item[0] ^ tag, 0),
                                                    *item[1:], s.threshold),
                        ((en_key, zh_set, zh_off, zh_grams), (en_set, zh_set, zh_off, zh_grams),
                         (zh_key, en_set, en_off, en_grams), (zh_set, en_set, en_off, en_grams))))
            else:
                a, b = lsh_candidates([(en_off, en_grams), (zh_off, zh_grams)], s.num_perm,
                                      s.lsh_bands(), tag)
                pairs = [_confirm_both(a, b, en_off, en_grams, zh_off, zh_grams, s.threshold)]
            for a, b, j in pairs:
                edges_a.append(a)
                edges_b.append(b)
                np.minimum.at(score, np.maximum(a, b), j)
        cluster = components(n, np.concatenate(edges_a), np.concatenate(edges_b))
        rep = cluster
        kind = np.full(n, "", dtype=object)
        member = rep != np.arange(n)
        kind[member & (key == key[rep])] = "particle"
        kind[member & (plain == plain[rep])] = "exact"
        kind[member & (key != key[rep])] = "near"
        score[~member | (kind != "near")] = 1.0
        keep = ~member if s.policy == "drop" else np.ones(n, dtype=bool)
        return DedupResult(cluster=cluster, keep=keep, kind=kind.tolist(), score=score,
                           settings=s)


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Union-find over edges (a[k], b[k]): each node's label is the smallest index in its group."""
    label = np.arange(n, dtype=np.int64)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while a.size:
        la, lb = label[a], label[b]
        low = np.minimum(la, lb)
        np.minimum.at(label, la, low)  # hook each root under the smaller one
        np.minimum.at(label, lb, low)
        while True:  # pointer jumping until every node points at its root
            nxt = label[label]
            if np.array_equal(nxt, label):
                break
            label = nxt
        open_edges = label[a] != label[b]
        a, b = a[open_edges], b[open_edges]
    return label



def _group_pairs(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray, cap: int) -> tuple[
        np.ndarray, np.ndarray]:
    """All index pairs within each group of the sorted `order` (groups cut at `cap` members)."""
    out_a, out_b = [], []
    sizes = np.minimum(sizes, cap)
    for size in np.unique(sizes[sizes > 1]).tolist():
        base = starts[sizes == size]
        i, j = np.triu_indices(size, 1)
        out_a.append(order[(base[:, None] + i[None, :]).ravel()])
        out_b.append(order[(base[:, None] + j[None, :]).ravel()])
    if not out_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_a), np.concatenate(out_b)


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of equal values in a sorted array."""
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return starts, np.diff(np.r_[starts, sorted_keys.size])


def anchored_pairs(anchor: np.ndarray, other: np.ndarray, off: np.ndarray, grams: np.ndarray,
                   threshold: float, cap: int = 2048, rows: np.ndarray | None = None) -> tuple[
                       np.ndarray, np.ndarray, np.ndarray]:
    """Return confirmed matches (a, b, Jaccard): same anchor, other-side Jaccard >= threshold.

    `other` is the other side's set hash per item; its n-gram set is row `rows[i]` (default i)
    of (off, grams). Items with anchor 0 never match (an empty text is no evidence).
    """
    live = np.flatnonzero(anchor != 0)
    order = live[np.lexsort((other[live], anchor[live]))]
    a_sorted, o_sorted = anchor[order], other[order]
    group_starts, group_sizes = _runs(a_sorted)
    multi = group_sizes > 1
    if not multi.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    # Inside a group, members whose other side also has equal sets are tied without a Jaccard.
    both = np.r_[False, (a_sorted[1:] == a_sorted[:-1]) & (o_sorted[1:] == o_sorted[:-1])]
    tie_b = order[both]
    sub_first = np.maximum.accumulate(np.where(both, 0, np.arange(order.size)))
    tie_a = order[sub_first[both]]
    # One member per distinct other-side set, compared pairwise inside its anchor group.
    heads = order[~both]
    head_keys = a_sorted[~both]
    hs, hz = _runs(head_keys)
    a, b = _group_pairs(heads, hs, hz, cap)
    j = jaccard(off, grams, a, b) if rows is None else jaccard(off, grams, rows[a], rows[b])
    ok = j >= threshold
    return (np.concatenate([tie_a, a[ok]]), np.concatenate([tie_b, b[ok]]),
            np.concatenate([np.ones(tie_a.size), j[ok]]))


def _confirm_both(a: np.ndarray, b: np.ndarray, en_off: np.ndarray, en_grams: np.ndarray,
                  zh_off: np.ndarray, zh_grams: np.ndarray, threshold: float) -> tuple[
                      np.ndarray, np.ndarray, np.ndarray]:
    """Keep LSH candidates whose en and zh n-gram Jaccards are both >= threshold."""
    j_en = jaccard(en_off, en_grams, a, b)
    j_zh = jaccard(zh_off, zh_grams, a, b)
    j = np.minimum(j_en, j_zh)
    ok = j >= threshold
    return a[ok], b[ok], j[ok]
