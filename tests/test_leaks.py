"""The leak check on the written records: exact and near parts, which texts each applies to, and a
build that must stop when the split groups are switched off."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from repeated_prompts import write_tsv

from builder.config import BuildConfig
from builder.dedup.fold import pair_features
from builder.dedup.groups import SplitGroups
from builder.dedup.leaks import LeakCheck, LeakReport, RecordTexts, leak_batch, witness_parts
from builder.dedup.settings import DedupSettings
from builder.errors import BuildError
from builder.pipeline import build, stages

NAMES = ("test", "train", "validation")
PAIRS = [
    ("Please water the plants on the balcony before you leave for Tainan this weekend.",
     "你週末去台南之前記得幫陽台的植物澆水喔"),
    ("Please water the plants on the balcony before you leave for Tainan this weekend!",
     "週末出發去台南前，陽台那些植物要澆水啦"),
    ("Please water the plants on the balcny before you leave for Tainan this weekend.",
     "陽台植物記得澆，你週末不是要去台南"),
    ("The noodle shop on the corner closes at nine tonight.", "轉角麵店今天九點就關了耶"),
]


def check(records: list[tuple[int, int, str, str]], splits: list[str]) -> LeakReport:
    """Run the leak check on records (recipe, pair, input, output) of PAIRS, pair i in splits[i]."""
    settings = DedupSettings()
    en = pa.array([p[0] for p in PAIRS], pa.string())
    zh = pa.array([p[1] for p in PAIRS], pa.string())
    parts = []
    for recipe in sorted({r[0] for r in records}):
        mine = [r for r in records if r[0] == recipe]
        parts.append(RecordTexts(recipe, np.array([r[1] for r in mine], dtype=np.int64),
                                 pa.array([r[2] for r in mine], pa.string()),
                                 pa.array([r[3] for r in mine], pa.string())))
    features = pair_features([p[0] for p in PAIRS], [p[1] for p in PAIRS], settings)
    batch = leak_batch(parts, 0, en, zh, np.array([NAMES.index(s) for s in splits], np.uint8), features,
                       settings)
    leaks = LeakCheck(NAMES, "train", settings)
    leaks.add(batch)
    return leaks.finish(len(records))


def en_to_zh(i: int) -> tuple[int, int, str, str]:
    return (0, i, PAIRS[i][0], PAIRS[i][1])


def zh_to_en(i: int) -> tuple[int, int, str, str]:
    return (1, i, PAIRS[i][1], PAIRS[i][0])


def test_a_held_out_text_equal_to_a_train_text_is_an_exact_leak() -> None:
    """Pair 1's English (punctuation apart) is pair 0's: in test it repeats a train input, also when
    the train record is another recipe's output. The report names both records."""
    report = check([en_to_zh(0), en_to_zh(1), en_to_zh(3)], ["train", "test", "train", "train"])
    assert (report.exact, report.near) == (1, 0)
    leak = report.leaks[0]
    assert leak.held_split == "test"
    assert witness_parts(leak.held)[:2] == (1, 0) and witness_parts(leak.train)[:2] == (0, 0)
    across = check([en_to_zh(1), zh_to_en(0)], ["train", "test", "train", "train"])
    assert across.exact == 1 and witness_parts(across.leaks[0].train)[3] == "output"


def test_a_held_out_side_near_a_train_side_is_a_near_leak() -> None:
    """A typo ('balcny') keeps the English lines near duplicates: a leak by the near part."""
    report = check([en_to_zh(0), en_to_zh(2)], ["train", "train", "validation", "train"])
    assert (report.exact, report.near) == (0, 1) and report.leaks[0].score >= 0.6
    assert report.leaks[0].held_split == "validation"


def test_only_held_out_against_train_counts() -> None:
    """The same line in validation and test, or two unrelated lines across splits, is no leak."""
    assert check([en_to_zh(0), en_to_zh(1)], ["validation", "test", "train", "train"]).exact == 0
    report = check([en_to_zh(0), en_to_zh(3)], ["train", "train", "train", "test"])
    assert (report.exact, report.near, report.records) == (0, 0, 2)


def test_generated_answers_are_compared_exactly_with_prompts_and_lines_only() -> None:
    """An answer a recipe builds from a template repeats across pairs by design: the same answer in
    train and test is no leak; an answer equal to a train prompt is one; near ones are not compared."""
    answer = "這句話用了1個語氣詞：\n- 「喔」：提醒對方。"
    same_answer = [(2, 0, PAIRS[0][1], answer), (2, 3, PAIRS[3][1], answer)]
    assert check(same_answer, ["train", "train", "train", "test"]).exact == 0
    echo = [(0, 3, PAIRS[3][0], PAIRS[3][1]), (2, 0, PAIRS[0][1], PAIRS[3][0])]
    assert check(echo, ["test", "train", "train", "train"]).exact == 1
    near_echo = [(0, 3, PAIRS[3][0], PAIRS[3][1]), (2, 0, PAIRS[0][1], PAIRS[3][0].replace("nine", "ten"))]
    assert check(near_echo, ["test", "train", "train", "train"]).exact == 0


def test_made_inputs_get_the_exact_part_only() -> None:
    """A prompt a recipe made (a plain line) leaks when it equals a train line, not when it is only
    near one: the near part compares the pairs' own lines."""
    plain_copy = [(0, 0, PAIRS[0][0], PAIRS[0][1]), (3, 3, PAIRS[0][1].replace("喔", ""), PAIRS[3][1])]
    assert check(plain_copy, ["train", "train", "train", "test"]).exact == 1
    plain_near = [(0, 0, PAIRS[0][0], PAIRS[0][1]), (3, 3, PAIRS[0][1].replace("植物", "盆栽"), PAIRS[3][1])]
    report = check(plain_near, ["train", "train", "train", "test"])
    assert (report.exact, report.near) == (0, 0)


def test_a_build_without_split_groups_stops_at_the_leak_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Test-only hook: split every dedup cluster on its own, as before the groups. The repeated
    prompts then cross splits and the leak check stops the build, naming both records."""
    def clusters_only(sides: object, cluster: np.ndarray, threshold: float, **_: object) -> SplitGroups:
        return SplitGroups(label=np.asarray(cluster, dtype=np.int64))

    monkeypatch.setattr(stages, "split_groups", clusters_only)
    corpus = write_tsv(tmp_path / "repeated.tsv")
    with pytest.raises(BuildError, match="leak check failed") as err:
        build(BuildConfig(inputs=(corpus,)), tmp_path / "out")
    message = str(err.value)
    assert "\n" not in message and "no output was written" in message
    assert message.count("repeated.tsv:") >= 2 and " train " in message
    assert not (tmp_path / "out").exists()


def test_the_same_build_with_split_groups_passes(tmp_path: Path) -> None:
    """Without the hook the same corpus builds, and the report says what the check compared."""
    corpus = write_tsv(tmp_path / "repeated.tsv")
    report = build(BuildConfig(inputs=(corpus,)), tmp_path / "out").report["leak_check"]
    assert report["exact_leaks"] == report["near_leaks"] == 0
    assert report["records"] > 1000 and report["sides"] > 400


def test_a_made_text_equal_to_its_plain_side_keeps_the_key_pass_1_made_of_it() -> None:
    """casualize's input is its pair's plain side: the leak check takes pass 1's key of that side
    instead of folding it again. The keys must be the ones folding gives; a wrong key breaks it."""
    from builder.annotate.plain import plain_version
    from builder.annotate.rules import LexiconAnnotator

    settings = DedupSettings()
    en = [p[0] for p in PAIRS]
    zh = [p[1] for p in PAIRS]
    plain = [plain_version(line, style) for line, style in zip(zh, LexiconAnnotator().annotate(zh))]
    assert sum(made != line for made, line in zip(plain, zh)) >= 3  # the lines have a colloquial layer
    features = pair_features(en, zh, settings, plain)
    part = RecordTexts(2, np.arange(len(PAIRS), dtype=np.int64), pa.array(plain, pa.string()),
                       pa.array(zh, pa.string()))
    splits = np.array([1, 0, 1, 2], np.uint8)
    args = ([part], 0, pa.array(en, pa.string()), pa.array(zh, pa.string()), splits, features, settings)
    folded = leak_batch(*args)
    reused = leak_batch(*args, pa.array(plain, pa.string()))
    assert np.array_equal(folded.keys, reused.keys) and np.array_equal(folded.witness, reused.witness)
    broken = (features[0], replace(features[1], neutral_key=features[1].neutral_key + np.uint64(1)))
    wrong = leak_batch([part], 0, args[2], args[3], splits, broken, settings, pa.array(plain, pa.string()))
    assert not np.array_equal(folded.keys, wrong.keys)  # the reuse is real: a changed key shows
