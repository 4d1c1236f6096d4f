"""Split groups (shared sides, near-duplicate sides, dedup clusters), the near-duplicate join, large
groups, the previous release, and the build-level promise: no folded line in two splits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from repeated_prompts import write_tsv

from builder.config import BuildConfig, load_config
from builder.dedup.clusters import Deduplicator
from builder.dedup.fold import fold_text
from builder.dedup.groups import split_groups
from builder.dedup.nearjoin import near_pairs
from builder.dedup.settings import DedupSettings
from builder.dedup.similarity import jaccard
from builder.errors import ConfigError
from builder.pipeline import build
from builder.split import place_groups, train_split


def groups_of(pairs: list[tuple[str, str]], **settings: object) -> np.ndarray:
    """Dedup the pairs in one batch and return their split group labels."""
    s = DedupSettings(**settings)  # type: ignore[arg-type]
    dedup = Deduplicator(s)
    dedup.add([str(i) for i in range(len(pairs))], [p[0] for p in pairs], [p[1] for p in pairs])
    result = dedup.finish()
    return split_groups(dedup.take_sides(), result.cluster, s.threshold).label


def test_pairs_sharing_a_folded_side_share_a_group() -> None:
    """The same English line (case and punctuation apart) or the same zh line (particles apart,
    even when dedup keeps particle variants) ties two pairs that dedup keeps apart."""
    pairs = [("Please close the window.", "窗戶關一下啦"),
             ("please close the window!!", "幫我把窗戶關起來好嗎"),
             ("Shut the window, please.", "窗戶關一下喔"),
             ("The noodle shop closes at nine.", "麵店九點就關了")]
    for mode in ("duplicate", "keep"):
        label = groups_of(pairs, particle_variants=mode, policy="keep")
        assert label[0] == label[1] == label[2], mode
        assert label[3] != label[0], mode


def test_a_near_duplicate_side_ties_pairs() -> None:
    """A typo on the English side, with two unrelated casual renderings, still ties the pairs; an
    unrelated line does not."""
    pairs = [("Grandma is making dumplings for everyone on Sunday afternoon.", "阿嬤禮拜天下午要包水餃請大家吃"),
             ("Grandma is making dumplngs for everyone on Sunday afternoon.", "禮拜天阿嬤包餃子，大家都來喔"),
             ("The typhoon will reach Hualien on Tuesday night.", "颱風禮拜二晚上到花蓮")]
    label = groups_of(pairs)
    assert label[0] == label[1] != label[2]


def test_groups_are_connected_components_and_include_dedup_clusters() -> None:
    """A shares its English with B, B its zh with C: A and C are in one group; a dedup copy joins too."""
    pairs = [("Could you feed the cat tonight?", "今晚可以幫我餵貓嗎"),
             ("Could you feed the cat tonight?", "晚上貓咪拜託你餵一下"),
             ("Please give the cat its dinner later.", "晚上貓咪拜託你餵一下"),
             ("Please give the cat its dinner later!", "晚上貓咪拜託你餵一下啦"),
             ("My brother repairs bicycles in Tainan.", "我哥在台南修腳踏車")]
    label = groups_of(pairs)
    assert len(set(label[:4].tolist())) == 1 and label[4] != label[0]


def _random_sets(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique fingerprint sets: random rows over a skewed vocabulary plus near copies."""
    rng = np.random.default_rng(seed)
    vocab = rng.choice(2**32, 400, replace=False).astype(np.uint32)
    weights = 1.0 / np.arange(1, vocab.size + 1)
    sets = []
    for i in range(n):
        if i % 3 == 2:  # a near copy of the row before: drop one, add one
            base = list(sets[-1])
            base = base[1:] + [int(rng.choice(vocab))] if base else base
            sets.append(sorted(set(base)))
        else:
            size = int(rng.integers(2, 30))
            sets.append(sorted(set(rng.choice(vocab, size, p=weights / weights.sum()).tolist())))
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    return offsets, np.array([g for s in sets for g in s], dtype=np.uint32)


@pytest.mark.parametrize(("seed", "cap"), [(1, 64), (2, 8), (3, 3)])
def test_near_join_finds_every_pair_of_a_row_it_does_not_cut(seed: int, cap: int) -> None:
    """Against brute force over every pair: every pair found reaches the threshold, every pair that
    reaches it is found unless both its rows are reported cut (and a small cap does cut)."""
    n, t = 240, 0.6
    offsets, grams = _random_sets(n, seed)
    a, b = np.triu_indices(n, 1)
    score = jaccard(offsets, grams, a, b)
    truth = {(int(x), int(y)) for x, y in zip(a[score >= t], b[score >= t])}
    found = near_pairs(offsets, grams, np.arange(n), t, cap=cap)
    got = set(zip(found.a.tolist(), found.b.tolist()))
    cut = set(found.cut.tolist())
    assert got <= truth and len(truth) > 20
    assert {p for p in truth - got if not (p[0] in cut and p[1] in cut)} == set()
    if cap == 3:
        assert len(cut) > n // 4


def test_near_join_does_not_depend_on_row_order() -> None:
    """Rows given in another order (another input order) give the same pairs."""
    offsets, grams = _random_sets(150, 4)
    first = near_pairs(offsets, grams, np.arange(150), 0.6)
    again = near_pairs(offsets, grams, np.random.default_rng(0).permutation(150), 0.6)
    assert set(zip(first.a.tolist(), first.b.tolist())) == set(zip(again.a.tolist(), again.b.tolist()))


def ids(n: int) -> list[str]:
    """Pair ids that look like content hashes."""
    return [f"{(i * 2654435761) % 2**32:08x}" for i in range(n)]


def test_large_groups_go_to_train_and_are_reported() -> None:
    """A group above large_group x the smallest split's expected size goes to train; smaller ones
    are placed by hash; a lone pair is never large."""
    n = 2000
    group = np.arange(n)
    group[:150] = 0  # 150 pairs > 0.2 * 2000 * 0.05 = 20
    group[150:165] = 150  # 15 pairs: placed by hash
    placement = place_groups(ids(n), group)
    assert placement.limit == pytest.approx(20.0)
    assert placement.large == [(0, 150)]
    assert set(placement.splits[:150]) == {"train"}
    assert len(set(placement.splits[150:165])) == 1
    assert place_groups(ids(3), np.arange(3), large_group=0.01).large == []
    assert placement.summary()["large_group_sizes"] == [150]


def test_large_groups_count_kept_pairs_only() -> None:
    """Pairs dedup dropped make no records: they do not make a group large."""
    n = 2000
    group = np.arange(n)
    group[:30] = 0
    keep = np.ones(n, dtype=bool)
    keep[1:30] = False  # one kept pair left in the group
    assert place_groups(ids(n), group, keep=keep).large == []
    assert place_groups(ids(n), group).large == [(0, 30)]


def test_previous_split_wins_over_size_and_moves_are_counted() -> None:
    """A group holding old pairs takes the old split (test first), even when large; every old pair
    that changed split is counted from/to."""
    n = 2000
    group = np.arange(n)
    group[:100] = 0
    previous = {ids(n)[5]: "test", ids(n)[6]: "train", ids(n)[7]: "validation"}
    placement = place_groups(ids(n), group, previous=previous)
    assert placement.large == [] and set(placement.splits[:100]) == {"test"}
    assert placement.moved == {"train->test": 1, "validation->test": 1}


def test_the_largest_split_stands_in_for_train() -> None:
    """Without a split named train, large groups go to the largest split."""
    assert train_split({"fit": 0.8, "eval": 0.2}) == "fit"
    assert train_split({"train": 0.1, "big": 0.9}) == "train"


@pytest.mark.parametrize("value", [0, -1, "0.2", True])
def test_large_group_must_be_a_positive_number(tmp_path: Path, value: object) -> None:
    """[split] large_group is a number > 0; anything else is a one-line ConfigError."""
    text = f"[input]\npaths = []\n[split]\nlarge_group = {json.dumps(value)}\n"
    (tmp_path / "c.toml").write_text(text.replace("true", "true"), encoding="utf-8")
    with pytest.raises(ConfigError, match="large_group") as err:
        load_config(tmp_path / "c.toml")
    assert "\n" not in str(err.value)


def split_of_every_folded_line(out: Path) -> dict[str, dict[str, set[str]]]:
    """Per config, each folded input, output, en and zh text -> the splits it was written to."""
    seen: dict[str, dict[str, set[str]]] = {}
    for shard in out.glob("*/*.parquet"):
        split = shard.name.split("-")[0]
        table = pq.read_table(shard, columns=["input", "output", "en", "zh"]).to_pydict()
        where = seen.setdefault(shard.parent.name, {})
        for column in ("input", "en", "zh"):
            for text in table[column]:
                where.setdefault(fold_text(text), set()).add(split)
    return seen


def test_repeated_prompts_never_sit_in_two_splits(tmp_path: Path) -> None:
    """On a Tatoeba-shaped corpus (one English line, several renderings; one zh line, several
    sources), no folded en or zh line and no input is in more than one split, in any config or
    across configs; the groups are reported."""
    corpus = write_tsv(tmp_path / "repeated.tsv")
    result = build(BuildConfig(inputs=(corpus,)), tmp_path / "out")
    seen = split_of_every_folded_line(tmp_path / "out")
    assert len(seen) == 4
    for config, where in seen.items():
        assert {t: s for t, s in where.items() if len(s) > 1} == {}, config
    every: dict[str, set[str]] = {}
    for where in seen.values():
        for text, splits in where.items():
            every.setdefault(text, set()).update(splits)
    assert {t: s for t, s in every.items() if len(s) > 1} == {}
    assert {s for splits in every.values() for s in splits} == {"train", "validation", "test"}
    groups = result.report["split_groups"]
    assert groups["shared_side"]["en"] > 200 and groups["groups_of_several"] > 100
    # the chain of thanks is the largest group, too large for a split of about 18 pairs: train
    assert groups["large_group_sizes"][0] == 6 and min(groups["large_group_sizes"]) > groups["large_group_limit"]
    assert groups["large_group_examples"][0]["members"][0] == {"en": "Thank you.", "zh": "謝謝"}
    assert result.report["leak_check"]["exact_leaks"] == result.report["leak_check"]["near_leaks"] == 0
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "too large to hold out" in card and "'Thank you.'" in card


def test_a_new_pair_joining_a_train_and_a_test_group_moves_train_pairs_to_test(tmp_path: Path) -> None:
    """Release 2 adds a pair with the English of a train pair and the zh of a test pair of release
    1: the joined group stays in test, the old train pairs move to test (never the other way), and
    the report counts the move."""
    corpus = write_tsv(tmp_path / "v1.tsv")
    build(BuildConfig(inputs=(corpus,)), tmp_path / "v1")
    lines: dict[str, tuple[str, str]] = {}
    for shard in (tmp_path / "v1" / "en-to-casual").glob("*.parquet"):
        table = pq.read_table(shard, columns=["en", "zh"]).to_pylist()
        lines.setdefault(shard.name.split("-")[0], (table[0]["en"], table[0]["zh"]))
    bridge = (lines["train"][0], lines["test"][1])
    second = tmp_path / "v2.tsv"
    second.write_text(corpus.read_text(encoding="utf-8") + f"{bridge[0]}\t{bridge[1]}\n", encoding="utf-8")
    result = build(BuildConfig(inputs=(second,), previous=str(tmp_path / "v1")), tmp_path / "v2")
    moved = result.report["split_groups"]["moved_from_previous"]
    assert moved.get("train->test", 0) >= 1 and not any(how.endswith("->train") for how in moved)
    v1 = pq.read_table(tmp_path / "v1" / "splits.parquet").to_pydict()
    v2 = pq.read_table(tmp_path / "v2" / "splits.parquet").to_pydict()
    before, after = dict(zip(v1["pair_id"], v1["split"])), dict(zip(v2["pair_id"], v2["split"]))
    changed = {(before[p], after[p]) for p in before if p in after and before[p] != after[p]}
    assert changed == {("train", "test")}
    assert sum(1 for p in before if p in after and before[p] != after[p]) == moved["train->test"]
    assert "changed split" in (tmp_path / "v2" / "README.md").read_text(encoding="utf-8")
