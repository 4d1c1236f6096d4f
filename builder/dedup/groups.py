"""Split groups: pairs that must share a split because a text of one could leak into the other.

Two pairs are tied when they share a folded side (the same en, or the same zh: `loose_key`, the
dedup fold with clause-final particles always folded, since `casualize` asks with the particles
taken off); when the plain side of one zh line (`Style.plain`: interjections off and colloquial
words mapped too, 我禮拜一要去游泳啦 -> 我星期一要去游泳) folds like the zh line, or the plain side,
of the other (`neutral_key`: the prompt `casualize` makes of one pair must not be a line of another
split); when one side of one is a near duplicate of the same side of the other (n-gram Jaccard at
least the dedup threshold, found by `builder.dedup.nearjoin`); or when dedup put them in one
cluster. Groups are the connected components of these ties, over every pair, kept by dedup or
not. Integers only: keys and the pass-1 n-gram fingerprints.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from builder.dedup.clusters import SideSets, components
from builder.dedup.nearjoin import DEFAULT_CAP, NearPairs, near_pairs

__all__ = ["SIDES", "SplitGroups", "near_searches", "split_groups"]

SIDES = ("en", "zh")


@dataclass(frozen=True)
class SplitGroups:
    """The group of every pair (its smallest member), and what tied them, per side."""

    label: np.ndarray  # int64 per pair, in input order
    shared: dict[str, int] = field(default_factory=dict)  # pairs tied to another by an equal side
    near: dict[str, int] = field(default_factory=dict)  # near-duplicate side pairs found
    cut: dict[str, int] = field(default_factory=dict)  # distinct lines whose near search was cut

    def summary(self) -> dict:
        """Counts for the build report: groups, their sizes, the ties and the near search."""
        _, sizes = np.unique(self.label, return_counts=True)
        return {"pairs": int(self.label.size), "groups": int(sizes.size),
                "groups_of_several": int(np.count_nonzero(sizes > 1)),
                "largest": sorted(sizes.tolist(), reverse=True)[:10],
                "shared_side": dict(self.shared), "near_side_pairs": dict(self.near),
                "near_search_cut": dict(self.cut)}


def _equal_side(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ties between pairs with the same non-zero key: each to the previous one in key order."""
    live = np.flatnonzero(key != 0)
    order = live[np.argsort(key[live], kind="stable")]
    same = np.flatnonzero(key[order][1:] == key[order][:-1])
    return order[same], order[same + 1]


def _distinct_rows(key: np.ndarray) -> np.ndarray:
    """One pair per distinct non-zero key (the earliest): equal lines are already tied."""
    _, first = np.unique(key, return_index=True)
    return np.sort(first[key[first] != 0])


def near_searches(sides: Mapping[str, SideSets], threshold: float, pool: Executor,
                  cap: int = DEFAULT_CAP) -> dict[str, Future[NearPairs]]:
    """Start each side's near-duplicate search on `pool`: it needs no dedup clusters, so it can
    run beside dedup's own search (numpy's sorts and gathers release the GIL)."""
    def search(side: SideSets) -> NearPairs:
        return near_pairs(side.offsets, side.grams, _distinct_rows(side.key), threshold, cap=cap)

    return {name: pool.submit(search, sides[name]) for name in SIDES}


def split_groups(sides: Mapping[str, SideSets], cluster: np.ndarray, threshold: float,
                 cap: int = DEFAULT_CAP, searches: Mapping[str, Future[NearPairs]] | None = None) -> SplitGroups:
    """Group pairs by shared or near-duplicate sides and by dedup cluster. `searches` are the
    near searches `near_searches` started; without them they run here, beside the rest."""
    if searches is None:
        with ThreadPoolExecutor(max_workers=2) as pool:
            return split_groups(sides, cluster, threshold, cap, near_searches(sides, threshold, pool, cap))
    n = int(cluster.size)
    edges_a = [np.arange(n, dtype=np.int64)]
    edges_b = [np.asarray(cluster, dtype=np.int64)]
    shared: dict[str, int] = {}
    for name in SIDES:
        a, b = _equal_side(sides[name].key)
        edges_a.append(a)
        edges_b.append(b)
        shared[name] = int(np.unique(np.r_[a, b]).size)
    neutral = sides["zh"].neutral
    if neutral is not None and neutral.any():  # a plain side ties like a line of its own
        rows = np.r_[np.arange(n, dtype=np.int64), np.flatnonzero(neutral)]
        a, b = _equal_side(np.r_[sides["zh"].key, neutral[neutral != 0]])
        a, b = rows[a], rows[b]
        mixed = a != b  # a line and its own plain side are one pair
        edges_a.append(a[mixed])
        edges_b.append(b[mixed])
        shared["zh_plain"] = int(np.unique(np.r_[a[mixed], b[mixed]]).size)
    found = {name: searches[name].result() for name in SIDES}
    for result in found.values():
        edges_a.append(result.a)
        edges_b.append(result.b)
    label = components(n, np.concatenate(edges_a), np.concatenate(edges_b))
    return SplitGroups(label=label, shared=shared,
                       near={name: int(r.a.size) for name, r in found.items()},
                       cut={name: int(r.cut.size) for name, r in found.items()})
