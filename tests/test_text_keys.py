"""`text_keys` computes only the exact keys, by its own shorter path (the leak check folds every
generated text with it): they must be the keys `side_features` gives the same lines."""

from __future__ import annotations

import random

import numpy as np
import pytest

from builder.annotate.lexicon import PARTICLES
from builder.dedup import fold
from builder.dedup.fold import side_features, text_keys

LINES = [
    "", "啦", "啦啦啦啦", "好啦", "好的啦齁", "好啦，走吧", "啦好", "我們先走了喔 你看嘛", "對啊！真的啦。", "。，",
    "　", "Wait... what?", "ok la", "ﬁne 好啦", "½ 杯啦", "發髮干乾吧", "「好喔」", "好 啦 齁", "啊啊啊，嗯",
]


def _random_lines(count: int) -> list[str]:
    rng = random.Random(18)
    alphabet = list(PARTICLES) * 3 + list("你好我們台灣發髮干乾ABCabc 12，。!?…「」 \t　ﬁ½") + [""]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12))) for _ in range(count)]


@pytest.mark.parametrize("space_breaks", [False, True])
@pytest.mark.parametrize("fold_particles", [False, True])
def test_text_keys_are_the_keys_side_features_gives(fold_particles: bool, space_breaks: bool) -> None:
    lines = LINES + _random_lines(3000)
    full = side_features(lines, 2, fold_particles, 7, space_breaks)
    assert np.array_equal(text_keys(lines, fold_particles, 7, space_breaks), full.key)
    for one in LINES:  # alone as well: a line at the batch's end, a batch of one
        assert text_keys([one], fold_particles, 7, space_breaks)[0] == side_features([one], 2, fold_particles, 7,
                                                                                      space_breaks).key[0], one


def test_the_comparison_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """With final particles left in, the keys of lines ending in one differ from `side_features`'."""
    monkeypatch.setattr(fold, "_drop_final_particles", lambda cps, kept: None)
    lines = ["好啦", "好的啦齁", "走吧"]
    assert not np.array_equal(text_keys(lines, True, 7, True), side_features(lines, 2, True, 7, True).key)
