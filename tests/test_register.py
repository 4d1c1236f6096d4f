"""The register score: held-out targets on the labelled set, typical lines and traps, determinism."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from bench.register_eval import load_eval
from builder.annotate import LexiconAnnotator, annotate
from builder.quality import register
from builder.quality.register import (
    CASUAL_THRESHOLD,
    casual_score,
    casual_scores,
    cue_weights,
    register_of,
    score_styles,
    scores_from_styles,
)
from builder.types import Style

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _rows() -> list[tuple[str, str, str, str]]:
    return load_eval()


def _score(texts: list[str]) -> list[float]:
    """Score lines the way a build would: the lexicon annotator's counts, then the batch scorer."""
    return scores_from_styles(texts, LexiconAnnotator().annotate(texts))


def _label(text: str) -> str:
    return register_of(_score([text])[0])


# --- the labelled set ----------------------------------------------------------------------


def test_eval_file_is_well_formed_and_the_split_holds_out_a_third_of_every_kind() -> None:
    """Every row has a known label and part; at least a third is held out, in every kind."""
    rows = _rows()
    assert len(rows) >= 360
    assert {label for _, label, _, _ in rows} == {"casual", "formal"}
    assert {part for _, _, part, _ in rows} == {"tune", "heldout"}
    assert len({line for line, _, _, _ in rows}) == len(rows), "a line is listed twice"
    held = [row for row in rows if row[2] == "heldout"]
    assert len(held) * 3 >= len(rows)
    kinds = {note.split()[0] for _, _, _, note in rows}
    for kind in kinds:
        assert any(note.split()[0] == kind for _, _, _, note in held), f"no held-out line of kind {kind}"
    casual = sum(label == "casual" for _, label, _, _ in held)
    assert 0.4 <= casual / len(held) <= 0.6


@pytest.mark.parametrize("batch", ["", "r2"])
def test_heldout_lines_meet_the_targets(batch: str) -> None:
    """At least 95 % of casual and 97 % of formal held-out lines are labelled right (r2: written last)."""
    held = [row for row in _rows() if row[2] == "heldout" and (not batch or row[3].endswith(" " + batch))]
    predicted = [register_of(s) for s in _score([line for line, _, _, _ in held])]
    for label, target in (("casual", 0.95), ("formal", 0.97)):
        pairs = [(row, p) for row, p in zip(held, predicted) if row[1] == label]
        right = sum(row[1] == p for row, p in pairs)
        assert pairs and right / len(pairs) >= target, f"{label}: {right}/{len(pairs)} right"


def test_the_project_sample_corpus_reads_casual() -> None:
    """The sample corpus (casual chat by design, not written for this scorer) is labelled casual."""
    files = sorted(SAMPLE.glob("*.txt"))
    assert files, f"no sample corpus at {SAMPLE}"
    zh: list[str] = []
    for path in files:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        zh.extend(lines[1::2])
    labels = [register_of(s) for s in _score(zh)]
    assert labels.count("casual") / len(labels) >= 0.97


# --- typical lines and traps ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "你到家了沒？外面雨好大喔。",
        "我晚點再打給你，現在在開車。",
        "這碗牛肉麵也太好吃了吧！",
        "窗戶沒關。",
        "這條圍巾很暖。",
        "我剛買了新的 MacBook，花了四萬多。",
        "週六要不要去 Costco？我想買衛生紙。",
        "我的 LINE 一直跳通知，煩死了 XD",
        "笑死，他又走錯教室哈哈哈",
        "晚安 🌙",
        "我媽說禮拜天要包水餃。",
        "每年過年我們全家都會開車回外婆家",  # long, no particle: everyday characters carry it
    ],
)
def test_typical_casual_lines_read_casual(text: str) -> None:
    """Chat with and without particles, short neutral lines and code-mixed lines are casual."""
    assert _label(text) == "casual"


@pytest.mark.parametrize(
    "text",
    [
        "據《經濟日報》報導，該公司將於下月召開臨時股東會。",
        "內政部14日表示，相關修正草案預計於年底前送交立法院審議。",
        "本公司謹訂於五月二日起調整客服時間，敬請見諒。",
        "違反本條例規定者，主管機關得處以罰鍰，並命其限期改善。",
        "本研究旨在探討遠距教學對學習動機之影響。",
        "使用本產品前，請詳閱安全注意事項。",
        "Apple 公司於發表會中宣布，新款平板將於下週開放預購。",
        "承蒙貴公司協助，本案得以順利完成，特此致謝。",
        "國內電動機車銷售量創歷史新高。",  # no listed word: compounds, no everyday characters
    ],
)
def test_typical_formal_lines_read_formal(text: str) -> None:
    """News with sources and dates, notices, law, research, manuals and letters are formal."""
    assert _label(text) == "formal"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("我們公司表示要加班欸", "casual"),  # one formal word inside chat
        ("你看那張公告寫「敬請見諒」，誰要見諒你啦。", "casual"),  # a quoted formula is mentioned, not used
        ("我主管一直說要「針對問題進行檢討」，聽到都煩了。", "casual"),
        ("我在酒吧門口等你，快點來！", "casual"),
        ("警方昨晚於市區一處酒吧查獲毒品。", "formal"),  # 吧 inside a word
        ("本季新品以英國毛呢為主要材質。", "formal"),  # 呢 inside a word
        ("耶誕節前夕，各大百貨業績較去年同期成長。", "formal"),
        ("我終於考完了，沒關係啦。", "casual"),  # 於 and 係 inside everyday words
        ("我國出口表現持續優於預期。", "formal"),  # 我 in 我國 is not chat
        ("本研究之核心問題為：補助是否改變民眾行為？", "formal"),  # a question mark in formal prose
    ],
)
def test_traps(text: str, label: str) -> None:
    """Formal words quoted in chat, and particle characters inside words, do not mislead."""
    assert _label(text) == label


def test_particles_push_towards_casual_and_are_capped() -> None:
    """The annotator's counts raise the score, up to the cap."""
    text = "會議改到三點"
    scores = [casual_score(text, particles=n) for n in range(6)]
    assert scores == sorted(scores)
    assert scores[1] > scores[0]
    assert scores[register.COUNT_CAP] == scores[register.COUNT_CAP + 2]
    assert casual_score(text, interjections=1) > scores[0]
    assert casual_score(text, markers=1) > scores[0]


def test_a_range_tilde_is_not_a_chatty_tilde() -> None:
    """18～25 is a range; 好累～ is chat."""
    assert casual_score("氣溫介於18～25度") < casual_score("氣溫介於18度到25度～")


# --- range, determinism, the two paths ------------------------------------------------------


def test_scores_are_in_range_with_three_decimals() -> None:
    """Every score lies in [0, 1] and is rounded to three decimals, even for odd input."""
    texts = [line for line, _, _, _ in _rows()] + ["", " ", "😀" * 50, "之" * 300, "我" * 300, "𠀋", "a\nb"]
    for score in _score(texts) + [casual_score(t) for t in texts]:
        assert type(score) is float  # plain floats: JSON and Arrow take them as they are
        assert 0.0 <= score <= 1.0
        assert score == round(score, 3)
    assert casual_score("之" * 300) == 0.0
    assert casual_score("我" * 300, particles=3) == 1.0


def test_scores_are_deterministic_and_do_not_depend_on_the_batch() -> None:
    """A line scores the same alone, in any batch, in any order, and on the numpy and Python paths."""
    rng = random.Random(13)
    texts = [line for line, _, _, _ in _rows()]
    alphabet = "".join(sorted(set("".join(texts)))) + "「」『』“”😀𠀋\n"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))) for _ in range(500)]
    counts = [[rng.randrange(0, 5) for _ in texts] for _ in range(3)]
    batch = casual_scores(texts, *counts)
    assert batch == casual_scores(texts, *counts)
    single = [casual_score(t, p, i, m) for t, p, i, m in zip(texts, *counts)]
    assert batch == single
    order = list(range(len(texts)))
    rng.shuffle(order)
    shuffled = casual_scores([texts[k] for k in order], *[[c[k] for k in order] for c in counts])
    assert shuffled == [batch[k] for k in order]


def test_batch_needs_one_count_per_line() -> None:
    """Sequences of different lengths are an error, not a silent truncation."""
    with pytest.raises(ValueError, match="one entry per line"):
        casual_scores(["a", "b"], [0], [0, 0], [0, 0])
    assert casual_scores([], [], [], []) == []


# --- the threshold and the cue table --------------------------------------------------------


def test_register_of_splits_at_the_threshold() -> None:
    """Scores from the threshold up are casual; below are formal; nonsense is an error."""
    assert register_of(CASUAL_THRESHOLD) == "casual"
    assert register_of(math.nextafter(CASUAL_THRESHOLD, 0.0)) == "formal"
    assert register_of(1.0) == "casual" and register_of(0.0) == "formal"
    for bad in (float("nan"), -0.1, 1.5):
        with pytest.raises(ValueError):
            register_of(bad)


def test_a_listed_word_adds_exactly_its_weight() -> None:
    """Overlapping n-gram weights add up so that each listed word, alone, adds its listed weight."""
    tables = register._TABLES
    core_extra = register._centi(register.CORE_WEIGHT) - tables.base

    def background(word: str) -> int:  # what the characters weigh as characters, not as cues
        return sum(
            tables.base * bool(tables.cjk_re.match(ch)) + core_extra * (ch in register.CORE_CHARS) for ch in word
        )

    for word, weight in cue_weights().items():
        assert register._line_sum(word) == background(word) + register._centi(weight), word


# --- what the rest of twcasual sees --------------------------------------------------------


def test_score_styles_fills_in_the_score_and_keeps_the_spans() -> None:
    """score_styles gives each Style its line's score and changes nothing else; annotate() scores too."""
    texts = ["好啦，我等一下就到喔。", "本公司謹訂於五月二日起調整客服時間，敬請見諒。"]
    styles = LexiconAnnotator().annotate(texts)
    assert [s.casual for s in styles] == [1.0, 1.0]  # unscored: never kept out as formal
    scored = score_styles(texts, styles)
    assert [s.casual for s in scored] == scores_from_styles(texts, styles)
    assert [register_of(s.casual) for s in scored] == ["casual", "formal"]
    for before, after in zip(styles, scored):
        assert (before.particles, before.interjections, before.markers, before.length) == \
            (after.particles, after.interjections, after.markers, after.length)
    assert annotate(texts[1]) == scored[1]
    assert score_styles([], []) == []
    assert Style().casual == 1.0
