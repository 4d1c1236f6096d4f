"""`drain` joins per-batch arrays as np.concatenate does, and lets each go as it is copied; `Parts`
joins them the same way from files, and a batch's features or leak units read back from files are
what was put in."""

from __future__ import annotations

import weakref
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from bench.generate import generate
from builder.dedup.clusters import Deduplicator, StoredFeatures, load_features
from builder.dedup.fold import pair_features
from builder.dedup.leaks import LeakBatch, LeakCheck
from builder.dedup.parts import Parts, drain, read_part
from builder.dedup.settings import DedupSettings


def test_drain_is_concatenate_and_empties_the_list() -> None:
    rng = np.random.default_rng(4)
    parts = [rng.integers(0, 2**32, size=int(size), dtype=np.uint64) for size in rng.integers(0, 50, size=30)]
    expected = np.concatenate(parts)
    joined = drain(parts, np.uint64)
    assert parts == [] and joined.dtype == np.uint64 and np.array_equal(joined, expected)
    assert drain([], np.uint32).shape == (0,)


def test_a_copied_part_is_let_go_before_the_next_is_copied() -> None:
    """Each part is freed once copied (nothing else holds it), not when the whole is done."""
    class Tracked(np.ndarray):
        pass

    seen: list[bool] = []

    class Watch(list):
        def pop(self, *args):  # noqa: ANN002, ANN202 - a list that reports what is alive
            seen.append(first() is None)
            return super().pop(*args)

    parts = Watch(np.arange(5, dtype=np.int64).view(Tracked) for _ in range(3))
    first = weakref.ref(parts[0])
    joined = drain(parts, np.int64)
    assert seen == [False, True, True]  # the first part is gone once the second is taken
    assert np.array_equal(joined, np.tile(np.arange(5), 3))


def _batches(seed: int) -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [{"a": rng.integers(0, 2**63, size=int(size), dtype=np.uint64), "b": rng.random(int(size)) < 0.5}
            for size in rng.integers(0, 40, size=12)]


def test_parts_in_files_join_as_in_memory_and_read_back_a_slice(tmp_path: Path) -> None:
    batches = _batches(7)
    memory, files = Parts({"a": np.uint64, "b": np.bool_}), Parts({"a": np.uint64, "b": np.bool_}, tmp_path / "p")
    for batch in batches:
        memory.append(batch)
        files.append(batch)
    starts = np.cumsum([0, *(b["a"].size for b in batches)])
    files.close()
    for i in (0, 5, 11):  # what a worker reads of its own batch
        assert np.array_equal(read_part(files.path("a"), np.uint64, starts[i], batches[i]["a"].size), batches[i]["a"])
    for name in ("a", "b"):
        joined = files.join(name)
        expected = np.concatenate([b[name] for b in batches])
        assert np.array_equal(memory.join(name), expected) and np.array_equal(joined, expected)
        assert joined.dtype == expected.dtype and not joined.flags.writeable  # a read-only map of the file
    kept = files.join("a")
    files.remove()
    assert not (tmp_path / "p").exists() and np.array_equal(kept, np.concatenate([b["a"] for b in batches]))
    with pytest.raises(RuntimeError):  # closed: a batch added now would be lost
        files.append(batches[0])


def test_a_short_part_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(np.arange(3, dtype=np.uint64).tobytes())
    assert read_part(tmp_path / "a", np.uint64, 1, 2).tolist() == [1, 2]
    with pytest.raises(ValueError, match="1 items where 3 were written"):
        read_part(tmp_path / "a", np.uint64, 2, 3)


def test_features_in_files_give_the_same_dedup_and_read_back_whole(tmp_path: Path) -> None:
    """A Deduplicator with a folder: the same clusters and sides, and each batch's features read
    back (`load_features`, what a pass-2 worker does) equal to those it took."""
    data = generate(300, seed=5)
    settings = DedupSettings()
    memory, files = Deduplicator(settings), Deduplicator(settings, tmp_path / "features")
    held, given = [], []
    for lo in range(0, 300, 40):
        features = pair_features(data.en[lo:lo + 40], data.zh[lo:lo + 40], settings, data.zh[lo:lo + 40])
        assert memory.add_features(features) is features  # without a folder: the features themselves
        held.append(files.add_features(features))
        given.append(features)
    sides_m, sides_f = memory.join(), files.join()
    for name in ("en", "zh"):
        for field in ("key", "offsets", "grams", "neutral"):
            a, b = getattr(sides_m[name], field), getattr(sides_f[name], field)
            assert (a is None and b is None) or np.array_equal(a, b)
    assert np.array_equal(memory.finish().cluster, files.finish().cluster)
    assert all(isinstance(h, StoredFeatures) for h in held)
    for where, features in zip(held, given):
        back = load_features(where)
        for side, original in zip(back, features):
            for field in fields(original):
                a, b = getattr(original, field.name), getattr(side, field.name)
                assert (a is None and b is None) or np.array_equal(a, b), field.name
    files.remove()
    assert not (tmp_path / "features").exists()


def test_leak_units_in_files_give_the_same_report(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    n = 200
    lengths = rng.integers(0, 6, n)
    units = LeakBatch(n, rng.integers(1, 40, n).astype(np.uint64), rng.integers(0, 3, n).astype(np.uint8),
                      rng.random(n) < 0.7, rng.random(n) < 0.3, np.ones(n, bool),
                      np.arange(n, dtype=np.uint64) << np.uint64(24), lengths.astype(np.int64),
                      rng.integers(0, 30, int(lengths.sum())).astype(np.uint32))
    names = ("test", "train", "validation")
    memory, files = LeakCheck(names, "train", DedupSettings()), LeakCheck(names, "train", DedupSettings(),
                                                                           folder=tmp_path / "leaks")
    for check in (memory, files):
        check.add(units)
        check.add(units)
    found = memory.finish(2 * n)
    assert found.exact and found == files.finish(2 * n)
    assert not (tmp_path / "leaks").exists()
