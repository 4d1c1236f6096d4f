"""`drain` joins per-batch arrays as np.concatenate does, and lets each go as it is copied."""

from __future__ import annotations

import weakref

import numpy as np

from builder.dedup.parts import drain


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
