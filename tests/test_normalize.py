"""Normalise: Unicode and spaces, zh punctuation width, Simplified leaks, English warnings, ids."""

from __future__ import annotations

import hashlib
import pickle

import pytest

from builder.text import normalize, script
from builder.text.normalize import Normalizer, english_warnings, normalize_en, normalize_zh, pair_id, widen_punctuation
from builder.text.script import Converter, looks_simplified
from builder.types import Pair, RawPair, SetAside, Source

SOURCE = Source("news/day1.txt", 3, 4)


@pytest.fixture
def no_opencc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything asks OpenCC for help."""

    def refuse(*args: object) -> object:
        raise AssertionError(f"OpenCC asked for help with {args!r}")

    monkeypatch.setattr(script, "_opencc", refuse)
    monkeypatch.setattr(script, "casual_converter", refuse)


# --- whitespace and Unicode -----------------------------------------------------------------


def test_normalize_en_applies_nfc_and_collapses_whitespace_only() -> None:
    """English keeps its words, case and quotes; only Unicode form and spaces change."""
    raw = "  The cafe\u0301\u00a0in\tTainan \u201copens\u201d at 7  a.m.\u3000 "
    assert normalize_en(raw) == "The caf\u00e9 in Tainan \u201copens\u201d at 7 a.m."


def test_normalize_zh_trims_collapses_and_applies_nfc() -> None:
    """zh is trimmed, runs of spaces (incl. U+3000) become one space, compatibility hanzi fold."""
    text, converted = normalize_zh("\u3000 我們用  ChatGPT\u3000\u3000寫\uf900報告 ", Converter())
    assert text == "我們用 ChatGPT 寫\u8c48報告"
    assert converted is False


# --- punctuation width ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("我今天很忙,明天再說吧", "我今天很忙，明天再說吧"),
        ("注意:捷運今天提早收班", "注意：捷運今天提早收班"),
        ("先吃飯;再去看電影", "先吃飯；再去看電影"),
        ("好扯!!!", "好扯！！！"),
        ("真的假的?!", "真的假的？！"),
        ("用ChatGPT,超方便的啦", "用ChatGPT，超方便的啦"),
        ("我今天(禮拜五)要加班", "我今天（禮拜五）要加班"),
        ("價格(USD)有點貴耶", "價格(USD)有點貴耶"),
        ("災民先安置在帕盧市 (Palu) 的體育館", "災民先安置在帕盧市 (Palu) 的體育館"),
        ("志工 Dewi Lestari (35 歲) 正在分送飲水", "志工 Dewi Lestari（35 歲）正在分送飲水"),
        ("我今天很忙 , 明天再說吧", "我今天很忙，明天再說吧"),
        ("我今天很忙, 明天再說吧", "我今天很忙，明天再說吧"),
        ("Kevin, 你今天會來嗎 ?", "Kevin，你今天會來嗎？"),
        ("會議改到 ( 禮拜三 ) 下午", "會議改到（禮拜三）下午"),
        ("時間: 10:30", "時間：10:30"),
        ("好啦 :)", "好啦 :)"),
        ("(笑) 好啦", "（笑）好啦"),
        ("3,000元的那個", "3,000元的那個"),
        ("我們 ，走吧", "我們 ，走吧"),
        ("我買了iPhone(藍色那支)", "我買了iPhone（藍色那支）"),
        ("我覺得還好啦)", "我覺得還好啦）"),
        ("「走啦!」他說", "「走啦！」他說"),
        ("Python 3.12超快的", "Python 3.12超快的"),
        ("網址是https://a.example/c?x=1&y=2喔", "網址是https://a.example/c?x=1&y=2喔"),
        ("我們約3:30在門口", "我們約3:30在門口"),
        ("他傳Hi, Tom!給我", "他傳Hi, Tom！給我"),
        ("他說Hi, Tom, how are you", "他說Hi, Tom, how are you"),
        ("用Python(3.12)寫的", "用Python(3.12)寫的"),
        ("呼叫print()就好", "呼叫print()就好"),
        ("寫f(x)給我看", "寫f(x)給我看"),
        ("好啦:)", "好啦:)"),
        ("笑死;-)", "笑死;-)"),
        ("Nothing Chinese here, really!", "Nothing Chinese here, really!"),
    ],
)
def test_half_width_marks_next_to_chinese_become_full_width(raw: str, expected: str, no_opencc: None) -> None:
    """, : ; ! ? beside Chinese and ( ) around Chinese go full-width, without the spaces beside
    them; Latin content, URLs, decimals, code, faces and the author's own full-width marks stay."""
    assert widen_punctuation(raw) == expected
    assert normalize_zh(raw, Converter()) == (expected, False)


_PIECES = ("我們", "今天", "好", "35 歲", "帕盧市", "禮拜三", "ㄋㄟ", "Palu", "Dewi", "USD", "iPhone", "f", "x",
           "35", "10", "3.5", " ", "  ", ",", ":", ";", "!", "?", "(", ")", "(", ")", ":)", ";-)", "^^)",
           "，", "（", "）", "。", "「", "」", "！", "发现", "这个")
_FULL = "，：；！？（）"


def _spaced_marks(text: str) -> int:
    """How many times a space sits right beside a full-width mark in `text`."""
    return sum(1 for i, ch in enumerate(text) if ch in _FULL for j in (i - 1, i + 1)
               if 0 <= j < len(text) and text[j].isspace())


def _lines(count: int, seed: int) -> list[str]:
    """Random zh-ish lines made of hanzi, Latin words, digits, spaces, faces and marks of both widths."""
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def test_no_line_gains_a_space_beside_full_width_punctuation() -> None:
    """Property over 20,000 generated lines: normalisation never leaves a space beside a mark it
    made full-width (lines typed without full-width marks have none after it), never adds one
    beside the author's own, changes nothing but marks and spaces, and is idempotent."""
    half = str.maketrans(_FULL, ",:;!?()")
    converter = Converter()
    for line in _lines(20_000, seed=12):
        typed = " ".join(line.split())  # what normalize_zh hands over: spaces already collapsed
        out = widen_punctuation(typed)
        assert _spaced_marks(out) <= _spaced_marks(typed), (typed, out)
        if not any(ch in _FULL for ch in typed):
            assert _spaced_marks(out) == 0, (typed, out)
        assert "".join(out.translate(half).split()) == "".join(typed.translate(half).split())
        assert widen_punctuation(out) == out, (typed, out)
    for line in _lines(2_000, seed=13):  # the whole zh path, Simplified conversion included
        text, _ = normalize_zh(line, converter)
        assert _spaced_marks(text) <= _spaced_marks(" ".join(line.split())), (line, text)


def test_the_property_check_sees_a_space_left_beside_a_mark() -> None:
    """The property above can fail: the old artefact has spaces beside full-width parentheses."""
    assert _spaced_marks("Risa Kusuma （35 歲） 正在") == 2
    assert _spaced_marks(widen_punctuation("Dewi (35 歲) 正在")) == 0


# --- script ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "我剛看到消息，公司宣布要放颱風假耶",
        "台灣的夏天真的熱到爆",
        "我很支持你的決定啦",
        "文件我等等寄給你喔",
        "他住在這個里好幾年了",
        "范先生說明天再約",
        "喔好啦，那我們幾點見？",
        "沒問題",
    ],
)
def test_traditional_text_is_never_run_through_opencc(text: str, no_opencc: None) -> None:
    """Traditional (or script-neutral) zh is left as written and never reaches OpenCC."""
    assert normalize_zh(text, Converter()) == (text, False)
    assert looks_simplified(text) is False


def test_simplified_leak_is_converted_with_taiwan_vocabulary() -> None:
    """A Simplified line goes through s2twp: characters and Taiwan words, flagged converted."""
    text, converted = normalize_zh("这个软件超好用的,你下载看看嘛", Converter())
    assert text == "這個軟體超好用的，你下載看看嘛"
    assert converted is True
    assert looks_simplified("这个软件超好用的") is True
    assert looks_simplified(text) is False


def test_mixed_line_converts_only_simplified_characters() -> None:
    """A MIXED line keeps its Traditional words (台灣, 支持); only Simplified characters change."""
    text, converted = normalize_zh("我在台灣支持的球队输了,头发都白了", Converter())
    # s2twp would also have made 台→臺 and 支持→支援; s2tw in context gives 頭髮, not 頭發.
    assert text == "我在台灣支持的球隊輸了，頭髮都白了"
    assert converted is True


def test_one_variant_character_is_fixed_without_rewriting_words() -> None:
    """A lone Simplified-only variant (够) in shared characters does not trigger s2twp."""
    assert normalize_zh("我支持你啦,够了", Converter()) == ("我支持你啦，夠了", True)


def test_looks_simplified_on_mixed_and_non_chinese_text() -> None:
    """A mixed line counts as Simplified when Simplified-only characters outnumber the others."""
    assert looks_simplified("这个软件在台灣很红") is True
    assert looks_simplified("這個軟體在台灣很红") is False
    assert looks_simplified("Hello there") is False
    assert looks_simplified("") is False


def test_converter_pickles_for_worker_processes() -> None:
    """A Converter can be sent to another process and still converts."""
    clone = pickle.loads(pickle.dumps(Converter()))
    assert clone.to_taiwan("软件") == ("軟體", True)


# --- English warnings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OpenAl released a new update today.", ["'OpenAl' looks like 'OpenAI'"]),
        ("The team moved its service to Azure Al last year.", ["'Azure Al' looks like 'Azure AI'"]),
        ("This Al model answers in Mandarin.", ["'Al model' looks like 'AI model'"]),
        (
            "Generative Al tools and the new APl.",
            [
                "'Generative Al' looks like 'Generative AI'",
                "'APl' looks like 'API'",
            ],
        ),
        ("Al-generated images are labelled.", ["'Al-generated' looks like 'AI-generated'"]),
    ],
)
def test_english_warnings_flag_lowercase_l_for_i(text: str, expected: list[str]) -> None:
    """Known acronyms typed with a lowercase l for I are flagged with the likely intent."""
    assert english_warnings(text) == [f"{e} (lowercase l for I)" for e in expected]


def test_every_listed_acronym_is_flagged() -> None:
    """Each mistyped acronym in the documented list raises exactly one warning."""
    for token, fixed in normalize._MISTYPED.items():
        assert english_warnings(f"We tried {token} yesterday.") == [
            f"{token!r} looks like {fixed!r} (lowercase l for I)"
        ]


@pytest.mark.parametrize(
    "text",
    [
        "Al Gore gave a talk on climate policy.",
        "She watched the evening news on Al Jazeera.",
        "Albert and Alice walked along the river.",
        "OpenAI and Azure AI both offer an API for this.",
        "All models were tested; Al said the results looked fine.",
    ],
)
def test_english_warnings_leave_real_words_alone(text: str) -> None:
    """Names such as Al and correct acronyms raise no warning."""
    assert english_warnings(text) == []


# --- pairs ----------------------------------------------------------------------------------


def test_pair_id_is_a_16_hex_blake2b_of_both_sides() -> None:
    """pair_id is blake2b(digest_size=8) of en NUL zh, and the separator keeps sides apart."""
    expected = hashlib.blake2b("Hi\x00嗨".encode(), digest_size=8).hexdigest()
    assert pair_id("Hi", "嗨") == expected
    assert len(expected) == 16 and int(expected, 16) >= 0
    assert pair_id("ab", "c") != pair_id("a", "bc")


def test_normalizer_builds_a_pair_and_records_warnings_and_conversions() -> None:
    """The Normalizer returns a Pair with its id and flag, and keeps warnings with the source."""
    normalizer = Normalizer()
    result = normalizer(
        RawPair(" OpenAl  launched   a new model. ", "OpenAI出新模型了,超快的啦", SOURCE)
    )
    assert result == Pair(
        id=pair_id("OpenAl launched a new model.", "OpenAI出新模型了，超快的啦"),
        en="OpenAl launched a new model.",
        zh="OpenAI出新模型了，超快的啦",
        source=SOURCE,
        converted_simplified=False,
    )
    assert normalizer.warnings == [(SOURCE, "'OpenAl' looks like 'OpenAI' (lowercase l for I)")]
    simplified = normalizer(RawPair("The weather is lovely.", "今天天气很好啦", SOURCE))
    assert isinstance(simplified, Pair) and simplified.converted_simplified
    assert simplified.zh == "今天天氣很好啦"
    assert normalizer.warning_count == 1 and not hasattr(normalizer, "converted")  # the pairs say it


def test_normalizer_sets_aside_a_pair_that_normalises_to_nothing() -> None:
    """A side with only whitespace is set aside with a reason instead of making an empty pair."""
    result = Normalizer()(RawPair("Hello.", " \u3000 ", SOURCE))
    assert result == SetAside("news/day1.txt", 3, "empty_after_normalise", "Hello.")


def test_normalizer_keeps_a_bounded_number_of_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_WARNINGS the warnings are counted but not stored."""
    monkeypatch.setattr(normalize, "MAX_WARNINGS", 2)
    normalizer = Normalizer()
    for n in range(5):
        normalizer(RawPair(f"OpenAl shipped version {n}.", f"OpenAI出了第{n}版", SOURCE))
    assert (len(normalizer.warnings), normalizer.warning_count) == (2, 5)


def test_invisible_characters_are_removed_but_emoji_joiners_kept() -> None:
    """A stray BOM, zero-width space or soft hyphen goes; the emoji zero-width joiner stays."""
    from builder.text.normalize import normalize_en

    assert normalize_en("\ufeffThe bus\u200b is late.") == "The bus is late."
    assert normalize_en("co\u00adoperate") == "cooperate"
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert normalize_en(f"Family {family} time") == f"Family {family} time"
