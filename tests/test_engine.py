"""The engine: features reused between passes, parcels, the collector pause, named counters, the
executor's state, and a batch that the first pass empties."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

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
    from builder.contract.apply import Step, apply_recipes
    from builder.contract.registry import default_registry
    from builder.engine.parcel import Parcel
    from builder.output.records import records_to_table
    from builder.testing import new_pair

    step = Step(default_registry().get("en-to-casual"))
    records = [r for en, zh in zip(EN, ZH) for r in apply_recipes(new_pair(en, zh), [step])]
    table = records_to_table(records)
    tables = {("en-to-casual", "train"): table.slice(0, 3),
              ("en-to-casual", "test"): table.slice(3)}
    parcel = Parcel.pack(tables, str(tmp_path))
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

    from builder.engine.executor import paused_gc

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


def test_counters_add_up_by_name_across_batches() -> None:
    """Counts merge by group and name, whatever order they were added in; a missing one reads 0."""
    from builder.engine.counters import Counters

    first, second = Counters(), Counters()
    first.add("casualize", "pairs_with_records", 3)
    first.add("casualize", "pairs_without_records")
    second.add("casualize", "pairs_without_records", 2)
    second.add("en-to-casual", "pairs_with_records", 5)
    first.merge(second)
    assert first.group("casualize", ("pairs_with_records", "pairs_without_records", "other")) == {
        "pairs_with_records": 3, "pairs_without_records": 3, "other": 0}
    assert first.as_dict()["en-to-casual"] == {"pairs_with_records": 5}


def _double(context: int, job: int) -> int:
    return context * job


@pytest.mark.parametrize("workers", [1, 2])
def test_executor_gives_each_task_the_context_in_order(workers: int) -> None:
    """Inline or pooled, results come back in job order, computed with the executor's context."""
    from builder.engine.executor import Executor

    executor = Executor(workers, 3)
    try:
        assert list(executor.map(_double, range(20))) == [3 * n for n in range(20)]
    finally:
        executor.close()


def _holders_of_pass_state() -> list[str]:
    """Module globals of builder that hold a batch body's state (normaliser, annotator, steps)."""
    found = []
    for name, module in list(sys.modules.items()):
        if name == "builder" or name.startswith("builder."):
            for attribute, value in vars(module).items():
                if all(hasattr(value, part) for part in ("normalizer", "annotator", "steps")):
                    found.append(f"{name}.{attribute}")
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_leaves_no_batch_state_in_a_module_of_the_main_process(tmp_path: Path, workers: int) -> None:
    """The main process keeps the build's tools in the executor, never in a module global that a
    later build (or a worker forked later) would find."""
    from builder.config import config_from_mapping
    from builder.pipeline import build

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Thanks a lot.\n感恩啦。\n", encoding="utf-8")
    config = config_from_mapping({"input": {"paths": ["in"]}, "build": {"workers": workers},
                                  "recipes": {"en-to-casual": {}}}, base=tmp_path)
    build(config, tmp_path / "out")
    assert _holders_of_pass_state() == []


# Fresh pairs; the normaliser of the test below refuses the REFUSE ones.
REFUSED = [("REFUSE: the tea is too sweet.", "這杯茶太甜了吧。"),
           ("REFUSE: the noodles are cold.", "麵都冷掉了啦。")]
KEPT = [("The bus is late again today.", "公車今天又遲到了啦。"),
        ("My cat sleeps all day long.", "我家的貓整天都在睡耶。"),
        ("The meeting moved to Friday.", "會議改到禮拜五了喔。"),
        ("The shop closes early on Sunday.", "這家店禮拜天很早就關了喔。"),
        ("The train was packed this morning.", "今天早上的火車超擠的啦。"),
        ("Bring a jacket, it is cold.", "帶件外套啦，外面很冷耶。"),
        ("Grandma grows basil on the roof.", "阿嬤在頂樓種九層塔喔。"),
        ("My phone battery died on the bus.", "我手機在公車上就沒電了啦。"),
        ("The printer jammed twice today.", "印表機今天卡紙兩次了欸。"),
        ("We ordered far too much fried chicken.", "我們雞排點太多了吧。"),
        ("The typhoon day off was announced late.", "颱風假很晚才宣布耶。"),
        ("His scooter would not start this morning.", "他的機車早上發不動啦。"),
        ("The library is closed for repairs.", "圖書館在整修，沒開喔。"),
        ("I left my umbrella at the clinic.", "我把傘忘在診所了啦。"),
        ("The new café only takes cards.", "那家新咖啡廳只收卡耶。"),
        ("Dinner will be ready in ten minutes.", "晚餐再十分鐘就好囉。"),
        ("The landlord fixed the water heater.", "房東把熱水器修好了喔。"),
        ("Our flight was delayed by two hours.", "我們班機延誤兩個小時欸。"),
        ("She finally passed her driving test.", "她駕照終於考過了啦。"),
        ("The kids fell asleep in the car.", "小孩在車上睡著了耶。")]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_the_normaliser_empties_is_accounted_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         workers: int) -> None:
    """A normaliser that refuses every pair of one batch (the second of eleven, so that two workers
    take its result before the file is read to the end): the build still accounts for every line,
    and the batches after it keep their own pairs, features and keys."""
    from builder.config import config_from_mapping
    from builder.pipeline import build
    from builder.text.normalize import Normalizer
    from builder.types import SetAside

    real = Normalizer.parts  # what the first pass calls for each raw pair

    def refusing(self: Normalizer, en, zh, source, meta):  # type: ignore[no-untyped-def]
        if en.startswith("REFUSE"):
            return SetAside(source.file, source.en_line, "refused_in_test", en)
        return real(self, en, zh, source, meta)

    monkeypatch.setattr(Normalizer, "parts", refusing)
    pairs = KEPT[:2] + REFUSED + KEPT[2:]  # batches of two: the second batch is all refused
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("".join(f"{en}\n{zh}\n\n" for en, zh in pairs), encoding="utf-8")
    config = config_from_mapping({"input": {"paths": ["in"]}, "build": {"workers": workers, "batch_size": 2},
                                  "split": {"ratios": {"train": 1.0}}, "recipes": {"en-to-casual": {}}},
                                 base=tmp_path)
    result = build(config, tmp_path / "out", cache_dir=tmp_path / "cache")
    (f,) = result.report["files"]
    assert (f["lines"], f["pairs"], f["rejected"], f["records"]) == (44, 20, {"refused_in_test": 4}, 20)
    assert result.report["leak_check"]["records"] == 20 and f["duplicates"] == 0
    rows = pq.read_table(tmp_path / "out" / "en-to-casual" / "train-00000-of-00001.parquet").to_pylist()
    assert [(r["en"], r["source_en_line"]) for r in rows] == [
        (en, 1 + 3 * i) for i, (en, _) in enumerate(pairs) if not en.startswith("REFUSE")]
    again = build(config, tmp_path / "again", cache_dir=tmp_path / "cache")  # from the cache
    assert again.cache["hits"]["output"] == 1 and json.loads(
        (tmp_path / "again" / "build_report.json").read_text()) == result.report
