"""The built-in recipe casualize 2.0.0: a plain side that teaches more than adding a particle."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder import Pair, RecipeContext, Source, neutral_words_in, plain_version, strip_colloquial
from builder.annotate import annotate
from recipes.casualize import casualize

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def record(line: str) -> tuple[str, list[str], bool] | None:
    """(input, removed, synthetic) of the record casualize makes from one line, or None."""
    pair = Pair("p1", "en", line, Source("t.txt", 1, 2), style=annotate(line))
    found = list(casualize.function(pair, RecipeContext("casualize", pair)))
    if not found:
        return None
    (example,) = found
    assert example.output == line
    return example.input, example.extra["removed"], example.synthetic


def sample_lines() -> list[str]:
    """The zh lines of the sample corpus (paired lines: English, zh, blank)."""
    lines = []
    for path in sorted(SAMPLE.glob("*.txt")):
        lines += [block.split("\n")[1] for block in path.read_text(encoding="utf-8").strip().split("\n\n")]
    return lines


@pytest.mark.parametrize(
    ("line", "plain", "removed"),
    [
        ("我媽每個禮拜天都去爬山", "我母親每個星期天都去爬山", ["我媽", "禮拜"]),
        ("歹勢啦，我遲到了", "不好意思，我遲到了", ["啦", "歹勢"]),
        ("欸，這家雞排超好吃的啦", "這家雞排非常好吃", ["啦", "欸", "超"]),
        ("這家店最近超夯的啦", "這家店最近非常受歡迎", ["啦", "超夯"]),
        ("我終於拿到駕照囉！", "我終於拿到駕照了！", ["囉"]),
    ],
)
def test_the_plain_side_maps_words_and_lists_them(line: str, plain: str, removed: list[str]) -> None:
    """The input has neutral words for the colloquial ones; `removed` names each, a marker once."""
    assert record(line) == (plain, removed, True)


@pytest.mark.parametrize("line", ["我們下星期二要去台中開會，請準備資料。", "她們在練啦啦隊。", "樓下那間酒吧很吵。",
                                  "這條毛呢圍巾很暖。"])
def test_nothing_colloquial_to_take_off_gives_no_record(line: str) -> None:
    """A plain line, or one whose only candidates are trap words (啦啦隊, 酒吧, 毛呢), gives no record."""
    assert record(line) is None


def test_a_trap_word_that_is_colloquial_is_mapped_as_a_word() -> None:
    """幹嘛 is no particle (a trap of the annotator) but a colloquial word: 為什麼 on the plain side."""
    assert record("你幹嘛不接電話？") == ("你為什麼不接電話？", ["幹嘛"], True)


def test_strip_colloquial_stays_the_particles_only_version() -> None:
    """strip_colloquial (public, for plugins) takes off the annotator's spans and maps no word."""
    line = "我媽說這家超好吃的啦"
    assert strip_colloquial(line, annotate(line)) == "我媽說這家超好吃的"
    assert plain_version(line, annotate(line)) == "我母親說這家非常好吃"


def test_most_sample_lines_with_colloquial_words_change_more_than_particles() -> None:
    """On the sample corpus, every line with a listed word gets a plain side that differs in words."""
    with_words = [line for line in sample_lines() if neutral_words_in(line, annotate(line))]
    assert len(with_words) >= 50
    same = [line for line in with_words
            if plain_version(line, annotate(line)) == strip_colloquial(line, annotate(line))]
    assert same == []
