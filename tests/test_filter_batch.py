"""The filters' batch path (numpy counts and gates) says exactly what the exact checks say."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from bench.filters_eval import load_rows
from builder.quality.char_classes import FOREIGN, HAN, LATIN, char_class, count_side
from builder.quality.damage import is_markup, is_mojibake, is_repetitive
from builder.quality.filters import EN_FIELDS, ZH_FIELDS, FilterSettings, _Numbers, check_pair, check_pairs
from builder.quality.numbers_en import hit_positions
from builder.quality.numbers_zh import numbers_disagree, zh_hit_positions

DEFAULT = FilterSettings()
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _sample_pairs() -> tuple[list[str], list[str]]:
    ens, zhs = [], []
    for path in sorted(SAMPLE.glob("*.txt")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            lines = [x for x in block.split("\n") if x.strip()]
            if len(lines) == 2:
                ens.append(lines[0])
                zhs.append(lines[1])
    return ens, zhs


def _mixed_lines() -> tuple[list[str], list[str]]:
    """Labelled rows, sample pairs, and random splices of them (runs, tags, digits at odd places)."""
    rows = load_rows()
    ens, zhs = [r.en for r in rows], [r.zh for r in rows]
    sample_en, sample_zh = _sample_pairs()
    ens += sample_en
    zhs += sample_zh
    rng = random.Random(5)
    pieces = ["哈" * 12, "ab" * 9, "lol " * 10, "<i>", "&lt;", "www.", "Ã©", "九點半", "twenty-one", "3,400", "１２",
              "一千二", "Seven", "Ｔwo", "の", "\ufffd", "é", "İ", "ten10ten", "7:45", "民國99年"]
    for _ in range(400):
        en, zh = rng.choice(ens), rng.choice(zhs)
        at_en, at_zh = rng.randrange(len(en) + 1), rng.randrange(len(zh) + 1)
        ens.append(en[:at_en] + rng.choice(pieces) + en[at_en:])
        zhs.append(zh[:at_zh] + rng.choice(pieces) + zh[at_zh:])
    return ens, zhs


def test_batch_matches_one_at_a_time() -> None:
    """check_pairs over a batch equals check_pair pair by pair (batch boundaries change nothing)."""
    ens, zhs = _mixed_lines()
    assert check_pairs(ens, zhs, DEFAULT) == [check_pair(e, z, DEFAULT) for e, z in zip(ens, zhs, strict=True)]


def test_counts_match_a_plain_python_count() -> None:
    """The numpy counts equal a per-character count over the same class table."""
    ens, zhs = _mixed_lines()
    for lines, fields in ((ens, EN_FIELDS), (zhs, ZH_FIELDS)):
        counts = count_side(lines, (), fields).counts
        for i, line in enumerate(lines):
            classes = [char_class(c) for c in line]
            expect = {
                "latin": sum(bool(c & LATIN) for c in classes),
                "han": sum(bool(c & HAN) for c in classes),
                "foreign": sum(bool(c & FOREIGN) for c in classes),
                "nonlatin": sum(bool(c & (HAN | FOREIGN)) for c in classes),
                "digits": sum(c.isdigit() and (c.isascii() or "０" <= c <= "９") for c in line),
                "spaces": line.count(" "),
                "latin_words": sum(bool(c & LATIN) and not (k and classes[k - 1] & LATIN)
                                   for k, c in enumerate(classes)),
                "digit_runs": sum(bool(c & 8) and not (k and classes[k - 1] & 8) for k, c in enumerate(classes)),
            }
            for field in fields:
                assert counts[field][i] == expect[field], (field, line)


def test_gates_cover_every_line_the_exact_checks_would_drop() -> None:
    """No line that the exact markup, mojibake or repetition check flags is missed by its gate."""
    ens, zhs = _mixed_lines()
    flagged = check_pairs(ens, zhs, FilterSettings.from_mapping({
        "no_letters": False, "zh_not_chinese": False, "en_not_english": False, "length_ratio": False,
        "numbers_disagree": False}))
    for en, zh, got in zip(ens, zhs, flagged, strict=True):
        if is_mojibake(en, zh, DEFAULT):
            assert got == "mojibake"
        elif is_markup(en, zh, DEFAULT):
            assert got == "markup"
        elif is_repetitive(en, DEFAULT) or is_repetitive(zh, DEFAULT):
            assert got == "repetition"
        else:
            assert got is None


def test_number_positions_from_numpy_match_the_regex() -> None:
    """The numpy number starts equal the regex ones, so both readings see the same numbers."""
    ens, zhs = _mixed_lines()
    en, zh = count_side(ens, (), EN_FIELDS), count_side(zhs, (), ZH_FIELDS)
    numbers = _Numbers(en, zh)
    lines = np.flatnonzero((zh.bits & 16) != 0)
    numbers.prepare(lines)
    for index in lines.tolist():
        en_starts, zh_starts = numbers.lines[index]
        assert en_starts == hit_positions(ens[index]), ens[index]
        assert zh_starts == zh_hit_positions(zhs[index]), zhs[index]


def test_sample_corpus_passes() -> None:
    """None of the project's 360 sample pairs (clean, written for twcasual) is dropped."""
    ens, zhs = _sample_pairs()
    assert check_pairs(ens, zhs, DEFAULT) == [None] * len(ens)


@pytest.mark.parametrize("size", [0, 1, 3])
def test_small_and_empty_batches(size: int) -> None:
    """Empty and tiny batches work; mismatched lengths raise."""
    assert check_pairs(["Sure."] * size, ["好喔"] * size, DEFAULT) == [None] * size
    with pytest.raises(ValueError, match="en lines"):
        check_pairs(["a"], [], DEFAULT)


def test_numbers_disagree_alone_matches_the_batch() -> None:
    """The standalone number check agrees with the batch verdict on every labelled pair."""
    settings = FilterSettings.from_mapping({k: False for k in (
        "mojibake", "markup", "repetition", "no_letters", "zh_not_chinese", "en_not_english", "length_ratio")})
    rows = load_rows()
    batch = check_pairs([r.en for r in rows], [r.zh for r in rows], settings)
    assert [r == "numbers_disagree" for r in batch] == [numbers_disagree(r.en, r.zh) for r in rows]
