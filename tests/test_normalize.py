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
        ("價格(USD)有點貴耶", "價格（USD）有點貴耶"),
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
    """, : ; ! ? ( ) beside Chinese go full-width; Latin runs, URLs, decimals, code stay."""
    assert widen_punctuation(raw) == expected
    assert len(widen_punctuation(raw)) == len(raw)
    assert normalize_zh(raw, Converter()) == (expected, False)


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
