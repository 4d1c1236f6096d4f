"""StyleStats from a pair table's columns (`add_table`, what the second pass uses) counts what
`add` counts from Style objects: the card and the report do not depend on which one ran."""

from __future__ import annotations

import random

import numpy as np

from builder.annotate.rules import LexiconAnnotator
from builder.annotate.style_stats import StyleStats
from builder.pair_table import pair_table
from builder.quality.register import score_styles
from builder.types import Pair, Source

LINES = ["你今天有空嗎？晚上一起去夜市吃臭豆腐啦", "欸，這台機車是你的喔？超帥的耶", "會議改到下週三舉行。",
         "好啦好啦，我知道了嘛，不要再唸了啦", "這個軟件的視頻功能很好用吧", "他應該已經到台中了吧？",
         "齁，你又遲到了喔", "明天早上九點在捷運站門口集合", "這家店的珍奶真的很讚欸", "那我們先走囉，掰掰"]
SPLITS = ("train", "test", "validation")


def _pairs(seed: int, count: int) -> tuple[list[Pair], list[str]]:
    rng = random.Random(seed)
    zh = [rng.choice(LINES) for _ in range(count)]
    styles = score_styles(zh, LexiconAnnotator().annotate(zh))
    pairs = [Pair(f"id{k}", f"line {k}", line, Source("t.txt", 2 * k + 1, 2 * k + 2), style=style)
             for k, (line, style) in enumerate(zip(zh, styles))]
    return pairs, [rng.choice(SPLITS) for _ in pairs]


def test_the_columns_count_what_the_styles_count() -> None:
    for seed in range(5):
        pairs, splits = _pairs(seed, 60)
        rows = np.array(sorted(random.Random(seed).sample(range(len(pairs)), 45)), dtype=np.int64)
        by_style, by_table = StyleStats(), StyleStats()
        for row in rows.tolist():
            by_style.add(pairs[row].style, splits[row])
        by_table.add_table(pair_table(pairs), splits, rows)
        assert by_table.splits == by_style.splits  # met in the same order
        assert by_table.to_dict() == by_style.to_dict()
        assert by_table.render_markdown() == by_style.render_markdown()


def test_a_row_left_out_shows() -> None:
    """The comparison above can fail: one pair fewer changes the counts."""
    pairs, splits = _pairs(7, 30)
    rows = np.arange(len(pairs), dtype=np.int64)
    by_style, by_table = StyleStats(), StyleStats()
    for row in rows.tolist():
        by_style.add(pairs[row].style, splits[row])
    by_table.add_table(pair_table(pairs), splits, rows[1:])
    assert by_table.to_dict() != by_style.to_dict()
