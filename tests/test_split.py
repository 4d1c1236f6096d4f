"""Splits per group, stability across releases and the split file (groups, large groups and the
leak check: test_split_groups.py, test_leaks.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from builder.errors import ConfigError, InputError
from builder.split import DEFAULT_RATIOS, assign_splits, read_previous_splits, validate_ratios, write_splits


def ids(n: int) -> list[str]:
    """Pair ids that look like content hashes."""
    return [f"{(i * 2654435761) % 2**32:08x}" for i in range(n)]


@pytest.mark.parametrize("ratios", [
    {}, {"train": 0.9, "test": 0.2}, {"train": 1.0, "te st": 0.0}, {"train": 0.95, "test": 0.05,
                                                                    "dev": 0.0},
    {"train": -0.1, "test": 1.1}, {"train": "0.9", "test": 0.1}, {"trаin": 0.9, "test": 0.1},
    {f"s{i}": 1 / 256 for i in range(256)},
])
def test_bad_ratios_are_config_errors(ratios: dict) -> None:
    """Names must be \\w+ (ASCII), ratios positive numbers that add up to 1."""
    with pytest.raises(ConfigError) as err:
        validate_ratios(ratios)
    assert "\n" not in str(err.value)


def test_every_member_of_a_cluster_shares_its_split() -> None:
    """Members of one cluster always land together; ratios are roughly kept."""
    n = 20_000
    cluster = np.arange(n) // 4 * 4  # clusters of four
    splits = assign_splits(ids(n), cluster)
    assert all(len({splits[i] for i in range(c, c + 4)}) == 1 for c in range(0, n, 4))
    share = {name: splits.count(name) / n for name in DEFAULT_RATIOS}
    assert share["train"] == pytest.approx(0.9, abs=0.02)
    assert share["test"] == pytest.approx(0.05, abs=0.01)


def test_split_does_not_depend_on_input_order() -> None:
    """Shuffling the pairs (and so the representatives) gives every pair the same split."""
    n = 3000
    pair_ids = ids(n)
    cluster = np.arange(n) // 3 * 3
    before = dict(zip(pair_ids, assign_splits(pair_ids, cluster)))
    order = np.random.default_rng(1).permutation(n)
    shuffled = [pair_ids[i] for i in order]
    group = (order // 3).tolist()
    first: dict[int, int] = {}
    for pos, g in enumerate(group):
        first.setdefault(g, pos)
    after = assign_splits(shuffled, np.array([first[g] for g in group]))
    assert dict(zip(shuffled, after)) == before


def test_table_order_of_ratios_does_not_matter() -> None:
    """The same ratios listed in another order give the same splits."""
    pair_ids = ids(500)
    cluster = np.arange(500)
    reordered = {"test": 0.05, "train": 0.9, "validation": 0.05}
    assert assign_splits(pair_ids, cluster, reordered) == assign_splits(pair_ids, cluster)


def test_previous_splits_are_kept_and_new_members_follow() -> None:
    """Old pairs keep their split; a new pair joining an old cluster follows it."""
    old = {"a1": "test", "b1": "train", "c1": "validation"}
    pair_ids = ["a1", "a2", "b1", "c1", "c2", "new"]
    cluster = np.array([0, 0, 2, 3, 3, 5])
    splits = assign_splits(pair_ids, cluster, previous=old)
    assert splits[:5] == ["test", "test", "train", "validation", "validation"]
    assert splits[5] in DEFAULT_RATIOS


def test_conflicting_old_members_never_move_test_into_train() -> None:
    """Two old clusters merged by new data: test beats validation beats train."""
    old = {"x": "train", "y": "test", "z": "validation", "u": "train", "v": "validation"}
    splits = assign_splits(["x", "y", "z", "u", "v"], np.array([0, 0, 0, 3, 3]), previous=old)
    assert splits == ["test", "test", "test", "validation", "validation"]


def test_previous_split_missing_from_config_is_an_error() -> None:
    """A previous split name the config lost is a ConfigError, not a silent move."""
    with pytest.raises(ConfigError, match="'dev'"):
        assign_splits(["a"], np.array([0]), previous={"a": "dev"})


def test_adding_data_keeps_every_old_assignment(tmp_path: Path) -> None:
    """Release 2 with more pairs keeps release 1's split for every old pair."""
    n = 2000
    first_ids = ids(n)
    first = assign_splits(first_ids, np.arange(n))
    write_splits(tmp_path / "splits.parquet", first_ids, first)
    previous = read_previous_splits(tmp_path / "splits.parquet")
    more = first_ids + [f"new{i}" for i in range(500)]
    cluster = np.arange(len(more))
    cluster[n:n + 50] = np.arange(50)  # fifty new pairs join old clusters
    second = assign_splits(more, cluster, previous=previous)
    assert second[:n] == first
    assert second[n:n + 50] == first[:50]


def test_split_file_round_trip_and_bytes_are_stable(tmp_path: Path) -> None:
    """write_splits sorts its rows: any input order gives the same bytes."""
    pair_ids = ids(300)
    splits = assign_splits(pair_ids, np.arange(300))
    write_splits(tmp_path / "a.parquet", pair_ids, splits)
    write_splits(tmp_path / "b.parquet", pair_ids[::-1], splits[::-1])
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    assert read_previous_splits(tmp_path / "a.parquet") == dict(zip(pair_ids, splits))


def test_split_file_rows_are_sorted_and_unique(tmp_path: Path) -> None:
    """Rows come out in Python's string order (non-ASCII ids too), each (id, split) once."""
    import pyarrow.parquet as pq

    pair_ids = ["b2", "a1", "é9", "a1", "z0", "b2", "Ω1", "a10"]
    splits = ["train", "test", "train", "test", "validation", "train", "test", "train"]
    write_splits(tmp_path / "s.parquet", pair_ids, splits)
    table = pq.read_table(tmp_path / "s.parquet")
    rows = list(zip(table.column("pair_id").to_pylist(), table.column("split").to_pylist()))
    assert rows == sorted(set(zip(pair_ids, splits)))


def test_bad_split_files_are_input_errors(tmp_path: Path) -> None:
    """A missing file or a file that is not a split table gives a one-line InputError."""
    with pytest.raises(InputError, match="not found"):
        read_previous_splits(tmp_path / "missing.parquet")
    (tmp_path / "junk.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_previous_splits(tmp_path / "junk.parquet")
    assert "\n" not in str(err.value)


def test_ids_as_one_arrow_array_give_the_same_splits_and_file(tmp_path: Path) -> None:
    """A build hands its ids over as one Arrow array: the same splits (with a previous release and
    groups of several) and the same split file as a list of strings."""
    import pyarrow as pa

    n = 3000
    pair_ids = ids(n)
    cluster = np.arange(n) // 3 * 3
    first = assign_splits(pair_ids, cluster)
    previous = dict(zip(pair_ids[:500], first[:500]))
    shuffled = np.random.default_rng(1).permutation(n)
    group = cluster[shuffled]
    moved = [pair_ids[i] for i in shuffled.tolist()]
    assert assign_splits(pa.array(moved), group, previous=previous) == assign_splits(moved, group, previous=previous)
    write_splits(tmp_path / "a.parquet", pa.array(pair_ids), first)
    write_splits(tmp_path / "b.parquet", pair_ids, first)
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
