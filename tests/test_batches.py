"""Per-batch plumbing: features reused between passes must equal a recomputation."""

from __future__ import annotations

import numpy as np

from builder.dedup.fold import pair_features, select_lines
from builder.dedup.settings import DedupSettings

EN = ["The cat sat on the mat today.", "I like tea a lot.", "Good morning to you all, my friends.",
      "Take the MRT to Taipei Main Station."]
ZH = ["貓今天坐在墊子上喔", "我超愛喝茶的啦", "大家早安啊，朋友們", "搭捷運去台北車站吧"]


def test_selected_lines_equal_fingerprinting_those_lines_again() -> None:
    """select_lines on pass-1 features gives exactly what pair_features gives for those lines."""
    settings = DedupSettings()
    full = pair_features(EN, ZH, settings)
    rows = np.array([3, 0, 2])
    again = pair_features([EN[i] for i in rows], [ZH[i] for i in rows], settings)
    for whole, expected in zip(full, again):
        got = select_lines(whole, rows)
        for name in ("key", "plain_key", "clause_hash", "particles", "offsets", "grams"):
            assert np.array_equal(getattr(got, name), getattr(expected, name)), name


def test_selecting_no_lines_gives_empty_features() -> None:
    """An empty selection is valid and empty (a batch where every pair was dropped)."""
    got = select_lines(pair_features(EN, ZH, DedupSettings())[1], np.array([], dtype=np.int64))
    assert got.key.size == 0 and got.offsets.tolist() == [0] and got.grams.size == 0


def test_parcels_hand_tables_over_intact_and_leave_no_file(tmp_path) -> None:
    """Tables packed by a worker come back equal, and each file is gone once it was read."""
    from builder.apply import Step, apply_recipes
    from builder.batches import _Parcel
    from builder.output.records import records_to_table
    from builder.registry import default_registry
    from builder.testing import new_pair

    step = Step(default_registry().get("en-to-casual"))
    records = [r for en, zh in zip(EN, ZH) for r in apply_recipes(new_pair(en, zh), [step])]
    table = records_to_table(records)
    tables = {("en-to-casual", "train"): table.slice(0, 3),
              ("en-to-casual", "test"): table.slice(3)}
    parcel = _Parcel.pack(tables, str(tmp_path))
    assert len(list(tmp_path.iterdir())) == 2  # one file per table
    back = parcel.unpack()
    assert list(tmp_path.iterdir()) == []
    assert list(back) == list(tables)
    for key, original in tables.items():
        assert back[key].equals(original)  # read after the unlink: the mapping keeps the data
        assert back[key].to_pylist() == original.to_pylist()


def test_paused_gc_restores_the_collector_even_on_errors() -> None:
    """The collector is off inside, back on after (also after an exception), and a nested pause
    leaves it off for the outer one."""
    import gc

    import pytest

    from builder.batches import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()
