"""The casualize plain side: the word list, its conditions, and plain_version (lines written for twcasual)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder import plain_version
from builder.annotate import annotate
from builder.annotate.neutral_words import (
    NeutralWord,
    compile_matcher,
    default_matcher,
    load_neutral_words,
    map_neutral_words,
)
from builder.types import Span, Style

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def plain(text: str) -> str:
    return plain_version(text, annotate(text))


def rows(*specs: tuple[str, str, str]) -> list[NeutralWord]:
    return [NeutralWord(c, n, () if cond == "-" else tuple(cond.split()), line=i)
            for i, (c, n, cond) in enumerate(specs)]


def sample_lines() -> list[str]:
    lines = []
    for path in sorted(SAMPLE.glob("*.txt")):
        blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
        lines += [block.split("\n")[1] for block in blocks]
    return lines


# --- the word list ---------------------------------------------------------------------------


def test_shipped_list_loads_with_valid_rows() -> None:
    """The shipped list parses, and every row has a form, a neutral form and known conditions."""
    words = load_neutral_words()
    assert 80 <= len({w.colloquial for w in words if w.neutral != "="}) <= 150
    assert all(w.colloquial and w.neutral for w in words)


def test_malformed_rows_are_refused_with_their_line(tmp_path: Path) -> None:
    """A bad condition or a short row is an error that names the file and line."""
    bad = tmp_path / "words.tsv"
    bad.write_text("# header\n超\t非常\tbefore_kanji\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"words.tsv:2: unknown condition 'before_kanji'"):
        load_neutral_words(bad)
    bad.write_text("超\t非常\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r":1: expected"):
        load_neutral_words(bad)
    bad.write_text("超\t非常\tbefore\n", encoding="utf-8")
    with pytest.raises(ValueError, match="malformed"):
        load_neutral_words(bad)


def test_no_neutral_form_is_itself_mapped() -> None:
    """Mapping is a fixpoint: no neutral form contains something the list would change again."""
    for word in load_neutral_words():
        if word.neutral != "=":
            assert map_neutral_words(word.neutral) == word.neutral, word


# --- each condition kind ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "text", "expected"),
    [
        (("超", "非常", "before_hanzi"), "超好 超 OK", "非常好 超 OK"),
        (("滿", "相當", "before:好多"), "滿好的，滿意", "相當好的，滿意"),
        (("超", "非常", "not_before:商市"), "超商超市超快", "超商超市非常快"),
        (("雷", "糟", "after:很"), "很雷，打雷", "很糟，打雷"),
        (("超", "非常", "not_after:高"), "高超，超讚", "高超，非常讚"),
        (("沒差", "沒關係", "clause_end"), "都沒差。沒差多少", "都沒關係。沒差多少"),
        (("讚", "很好", "alone"), "讚！按讚", "很好！按讚"),
        (("嚇死", "嚇壞了", "alone"), "嚇死", "嚇壞了"),
    ],
)
def test_each_condition_kind(spec: tuple[str, str, str], text: str, expected: str) -> None:
    """Every condition kind fires where it holds and nowhere else."""
    assert compile_matcher(rows(spec)).sub(text) == expected


def test_longest_form_wins_and_guards_keep_words() -> None:
    """A longer form beats a shorter one at the same place; "=" shields a word from shorter rows."""
    matcher = compile_matcher(rows(("超", "非常", "before_hanzi"), ("超新星", "=", "-"), ("超讚", "非常好", "-")))
    assert matcher.sub("超新星超讚超美") == "超新星非常好非常美"


def test_rows_of_one_form_are_tried_in_order() -> None:
    """With several rows for one form, the first whose condition holds is used."""
    matcher = compile_matcher(
        rows(("幹嘛", "做什麼", "after:在"), ("幹嘛", "做什麼", "clause_end"), ("幹嘛", "為什麼", "before_hanzi"))
    )
    assert matcher.sub("你在幹嘛") == "你在做什麼"
    assert matcher.sub("你幹嘛，說") == "你做什麼，說"
    assert matcher.sub("你幹嘛不說") == "你為什麼不說"


def test_a_failed_long_row_falls_back_to_a_shorter_one() -> None:
    """When a long form's condition fails, a shorter form starting at the same place may fire."""
    matcher = compile_matcher(rows(("我爸", "我父親", "not_before:媽"), ("爸媽", "父母", "-")))
    assert matcher.sub("我爸媽") == "我父母"
    assert matcher.sub("我爸說") == "我父親說"


def test_an_unknown_condition_is_refused_when_compiling() -> None:
    """Rows built in code are checked too: an unknown condition kind is an error, not a guess."""
    with pytest.raises(ValueError, match="unknown condition"):
        compile_matcher(rows(("超", "非常", "before_kanji")))


def test_forms_in_lists_what_would_be_mapped() -> None:
    """forms_in names the mapped forms, in order, and not the guarded or trapped ones."""
    assert default_matcher().forms_in("我媽說超新星超美，禮拜天去超商") == ["我媽", "超", "禮拜"]


def test_the_default_matcher_is_built_once() -> None:
    """The compiled matcher is cached for the process."""
    assert default_matcher() is default_matcher()


# --- traps: words that contain a listed form and must stay -----------------------------------

TRAPS = [
    "超商", "超市", "超過", "超級市場", "超人", "超車", "超速", "超出", "超越", "超音波", "高超", "超新星",
    "超強颱風", "超級大國", "做禮拜", "主日禮拜", "爆炸", "爆發", "爆料", "爆滿", "口罩", "打雷", "潮濕",
    "按讚", "感恩節", "醬油", "果醬", "被當成", "被當選", "所有被邀請", "有被子", "顧客", "回顧", "上課了",
    "我媽媽", "你媽的", "老公寓", "老婆婆", "掃成一堆", "沒差多少", "客滿", "滿意", "滿不在乎", "野蠻",
    "揪心", "被秒殺", "被熱死了", "還有記得", "搞定他",
]


@pytest.mark.parametrize("word", TRAPS)
def test_trap_words_stay(word: str) -> None:
    """A word that merely contains a listed form is left alone, inside a sentence too."""
    assert map_neutral_words(word) == word
    assert map_neutral_words(f"他說{word}，對") == f"他說{word}，對"


# --- plain_version: more than particles -------------------------------------------------------


@pytest.mark.parametrize(
    ("casual", "expected"),
    [
        ("我們禮拜幾要交報告啊？", "我們星期幾要交報告？"),
        ("她每個禮拜都去教會做禮拜喔", "她每個星期都去教會做禮拜"),
        ("這家雞排超好吃的啦", "這家雞排非常好吃"),
        ("我想買一個超大的啦", "我想買一個非常大的"),
        ("隔壁音樂開超大聲的啦", "隔壁音樂開得非常大聲"),
        ("牛排超貴的啦", "牛排非常貴"),
        ("這是超重要的啦", "這是非常重要的"),
        ("歹勢，我遲到了啦", "不好意思，我遲到了"),
        ("我爸媽都退休了啦", "我父母都退休了"),
        ("我爸比較喜歡喝茶啦", "我父親比較喜歡喝茶"),
        ("我媽明天要來台北喔", "我母親明天要來台北"),
        ("你幹嘛不早點說啦？", "你為什麼不早點說？"),
        ("你在幹嘛啦？", "你在做什麼？"),
        ("你有記得帶鑰匙嗎？", "你記得帶鑰匙嗎？"),
        ("這家滷肉飯好吃到爆！", "這家滷肉飯非常好吃！"),
        ("捷運擠到爆了啦", "捷運擠到極點了"),
        ("今天熱爆了欸", "今天非常熱"),
        ("我快熱爆了啦", "我快熱爆了"),
        ("我房間裡一堆衣服啦", "我房間裡很多衣服"),
        ("他在遊戲裡被秒殺了啦", "他在遊戲裡被秒殺了"),
        ("演唱會門票一開賣就秒殺了", "演唱會門票一開賣就賣光了"),
        ("這個便當冷掉了，傻眼", "這個便當冷掉了，令人錯愕"),
        ("我看到帳單整個傻眼", "我看到帳單整個愣住"),
        ("欸，我們禮拜五去看電影好不好？", "我們星期五去看電影好不好？"),
        ("我終於拿到駕照囉！", "我終於拿到駕照了！"),
        ("老公，我今天晚點回家喔", "老公，我今天晚點回家"),
        ("我老公今天加班啦", "我丈夫今天加班"),
        ("出門記得帶傘囉", "出門記得帶傘"),
        ("你不要一直吼啦，我聽得到", "你不要一直吼，我聽得到"),
        ("排了兩個小時還是沒買到，哭啊。", "排了兩個小時還是沒買到，真想哭。"),
    ],
)
def test_plain_side_changes_words_not_only_particles(casual: str, expected: str) -> None:
    """Colloquial words become neutral ones, interjections go, traps stay."""
    assert plain(casual) == expected


# --- punctuation and questions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("casual", "expected"),
    [
        ("阿姨給的紅包有 3600 耶，比我想的多", "阿姨給的紅包有 3600，比我想的多"),
        ("我什麼都靠 Google Maps 啦，不然會迷路。", "我什麼都靠 Google Maps，不然會迷路。"),
        ("好啦好啦，我知道了", "好，我知道了"),
        ("我好累喔～～", "我好累。"),
        ("好累～走吧", "好累，走"),
        ("哇，真的嗎？！", "真的嗎？"),
        ("欸，，我跟你說喔，，他來了", "我跟你說，他來了"),
    ],
)
def test_punctuation_is_repaired(casual: str, expected: str) -> None:
    """No doubled, dangling or spaced-out mark is left after the colloquial layer goes."""
    assert plain(casual) == expected


@pytest.mark.parametrize(
    ("casual", "expected"),
    [
        ("是喔？", "是嗎？"),
        ("人咧？", "人呢？"),
        ("你呢？", "你呢？"),
        ("你在說啥啦？", "你在說什麼？"),
        ("啥時要出發啦？", "什麼時候要出發？"),
        ("你報告寫了沒啊？", "你報告寫了沒？"),
        ("你密碼是「1234」喔？快改", "你密碼是「1234」嗎？快改"),
        ("那個人一天跑完全程，真的假的啦", "那個人一天跑完全程，真的嗎？"),
        ("蛤？一杯你花兩百？真的假的！", "一杯你花兩百？真的嗎？"),
    ],
)
def test_questions_stay_questions(casual: str, expected: str) -> None:
    """A question keeps a question mark and a question word or 嗎/呢."""
    assert plain(casual) == expected


CHECK_LINES = sample_lines() + [
    "欸你看，那邊有一隻貓耶", "喔，原來是這樣喔", "蛤？你說什麼？", "好啦好啦，我知道了啦～",
    "今天冷死了，出門要穿外套喔！！", "沒啦，我只是問問", "你不要爆雷喔！", "「欸」，他說",
]
_DOUBLED = re.compile(r"[，、。！？；：,!?;:]{2,}")


@pytest.mark.parametrize("line", CHECK_LINES)
def test_no_doubled_or_dangling_marks(line: str) -> None:
    """On every sample line: no doubled mark, no leading mark, no space before a mark, no empty quote."""
    out = plain(line)
    assert out.strip()
    assert not _DOUBLED.search(out), out
    assert not re.match(r"[，、。！？；：]", out), out
    assert not re.search(r"\s[，、。！？；：]", out), out
    assert "「」" not in out and "（）" not in out, out


@pytest.mark.parametrize("line", CHECK_LINES)
def test_plain_version_is_idempotent(line: str) -> None:
    """The plain side of a plain line is the line itself."""
    once = plain(line)
    assert plain(once) == once


def test_a_line_with_nothing_colloquial_comes_back_unchanged() -> None:
    """No colloquial layer: the same text, so the recipe skips the pair."""
    line = "我們下星期二要去台中開會，請準備資料。"
    assert plain(line) == line


def test_a_style_that_does_not_fit_the_text_is_an_error() -> None:
    """Spans from another line are refused, not applied at random offsets."""
    with pytest.raises(ValueError, match="does not fit"):
        plain_version("好啊", Style(particles=(Span("啦", 1),), length=2))


def test_one_scan_maps_and_names_what_two_scans_do() -> None:
    """The first pass's `sub_and_forms` equals `sub` and `forms_in`, for every listed form in
    contexts that meet and miss its conditions (guard rows included)."""
    from builder.annotate.neutral_words import default_matcher, load_neutral_words

    matcher = default_matcher()
    contexts = ["{}", "我{}了", "這個{}啦", "不{}", "很{}的", "{}，{}", "他說{}嗎"]
    lines = [context.format(word.colloquial, word.colloquial) for word in load_neutral_words()
             for context in contexts]
    changed = 0
    for line in lines:
        mapped, forms = matcher.sub_and_forms(line)
        assert (mapped, forms) == (matcher.sub(line), matcher.forms_in(line)), line
        changed += mapped != line
    assert changed > len(lines) // 2  # the lines do meet the list
