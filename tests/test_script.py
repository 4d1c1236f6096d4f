"""Simplified in context: Simplified by its words is converted whole, Taiwan Traditional is never touched.

Every sentence here was written for twcasual (CC-BY-4.0); none comes from a corpus.
"""

from __future__ import annotations

import re

import pytest

from builder.text.opencc_casual import FIXES, TAIWAN, casual_config, read_table
from builder.text.script import script_of, to_taiwan
from builder.text.spellings import IN_CONTEXT_WORDS, Spelling

# Real-looking Taiwan lines whose characters are traps for a careless detector or converter:
# 台/里/后/只/周/干/表/了/布/雇 all have Taiwan uses that OpenCC's s2tw would rewrite.
TAIWAN_LINES = [
    "我住在台北，週末常去淡水走走",
    "從這裡騎車到那裡大概十公里",
    "萬里的海邊風好大喔",
    "那里長人超好，會幫大家處理垃圾問題",
    "國家里程碑又多一個了",
    "每平方公里面積住了多少人？",
    "皇后的衣服好華麗",
    "王后來了，大家快站好",
    "我身上只有一百塊啦",
    "這只是開始而已",
    "今天是我們的一周年，要慶祝一下",
    "周杰倫的新歌你聽了沒？",
    "他一直干擾我做事欸",
    "若干的好處還是要講清楚",
    "這又不干你的事",
    "選手表現真的很穩",
    "表面包裝很漂亮，裡面普通",
    "客廳有一張茶几",
    "主持人于美人今天好美",
    "我了解你的意思啦",
    "布丁要冰過才好吃",
    "公司雇了三個工讀生",
    "台積電今天又漲了",
    "我昨天跟Tom去看Taylor Swift的演唱會，超嗨的",
    "學生不准在走廊奔跑",
    "么妹今天生日",
]

SIMPLIFIED_IN_CONTEXT = [
    # (input made only of shared characters, expected Taiwan output)
    ("你做了什么？", "你做了什麼？"),
    ("我在那里等你", "我在那裡等你"),
    ("以后再说吧", "以後再說吧"),
    ("后来呢？", "後來呢？"),
    ("你干嘛不来？", "你幹嘛不來？"),
    ("干得好！", "幹得好！"),
    ("我吃面包", "我吃麵包"),
    ("由于下雨，我们不去了", "由於下雨，我們不去了"),
]


@pytest.mark.parametrize(("line", "expected"), SIMPLIFIED_IN_CONTEXT)
def test_simplified_by_its_words_is_converted(line: str, expected: str) -> None:
    """A line of shared characters that is Simplified by its spelling comes out in Taiwan form."""
    assert to_taiwan(line) == (expected, True)


def test_simplified_line_is_converted_in_context() -> None:
    """A whole Simplified line converts phrase by phrase: 这周干了 reads as 這週幹了."""
    # Decision: OpenCC's 這週 (週 is the Taiwan standard for "week"); a Traditional 這周 is kept.
    assert to_taiwan("我这周干了很多活") == ("我這週幹了很多活", True)
    assert to_taiwan("你为什么在这里？头发好乱") == ("你為什麼在這裡？頭髮好亂", True)


@pytest.mark.parametrize("line", ["为什么你不说？", "这里好热", "我剪了头发", "他们以后会来"])
def test_converted_lines_keep_no_simplified_leftovers(line: str) -> None:
    """No 為什么, 這里 or 頭發 half-conversion survives a Simplified line."""
    out, changed = to_taiwan(line)
    assert changed
    assert script_of(out) == "traditional"
    assert not re.search("什么|這里|頭發|以后", out)


@pytest.mark.parametrize("line", TAIWAN_LINES)
def test_taiwan_traditional_is_never_touched(line: str) -> None:
    """Real-looking Taiwan lines come back as the same string, unconverted."""
    assert script_of(line) == "traditional"
    out, changed = to_taiwan(line)
    assert (out, changed) == (line, False)


def test_mixed_line_led_by_traditional_keeps_its_traditional_words() -> None:
    """Only the Simplified span changes; 台 elsewhere in the line stays as the writer typed it."""
    assert script_of("我在台北讀書，压力很大") == "mixed"
    assert to_taiwan("我在台北讀書，压力很大") == ("我在台北讀書，壓力很大", True)


def test_mixed_line_span_reads_its_context() -> None:
    """A Simplified-only character converts with its word: 頭发 → 頭髮, 干净 → 乾淨."""
    assert to_taiwan("我的頭发好長") == ("我的頭髮好長", True)
    assert to_taiwan("房間很干净喔") == ("房間很乾淨喔", True)
    assert to_taiwan("你為什么不講") == ("你為什麼不講", True)
    assert to_taiwan("你在這里嗎") == ("你在這裡嗎", True)


def test_mixed_line_led_by_simplified_is_converted_whole() -> None:
    """When Simplified evidence outnumbers Traditional, the line is read as Simplified."""
    line = "我們今天去吃饭吧，然后去看电影"
    assert script_of(line) == "mixed"
    assert to_taiwan(line) == ("我們今天去吃飯吧，然後去看電影", True)


def test_verdicts() -> None:
    """script_of names the four cases."""
    assert script_of("") == "none"
    assert script_of("See you at 7!") == "none"
    assert script_of("我很好") == "traditional"  # shared characters only, nothing Simplified
    assert script_of("你做了什么") == "simplified"
    assert script_of("这个很好") == "simplified"
    assert script_of("這個很好，但是太贵") == "mixed"


def test_taiwan_vocabulary_and_keep_list() -> None:
    """Mainland words become Taiwan ones; everyday words the IT table would swap are kept."""
    assert to_taiwan("这个软件很好用")[0] == "這個軟體很好用"
    assert to_taiwan("我们坐出租车去")[0] == "我們坐計程車去"
    assert to_taiwan("我们坐公交车去")[0] == "我們坐公車去"
    assert to_taiwan("我支持你们")[0] == "我支持你們"  # s2twp alone says 支援
    assert to_taiwan("打开窗户吧")[0] == "打開窗戶吧"  # s2twp alone says 開啟
    assert to_taiwan("程序员都很忙")[0] == "程式設計師都很忙"  # a longer table entry still wins


def test_english_names_pass_through_a_conversion() -> None:
    """Latin names inside a Simplified line are left as they are."""
    assert to_taiwan("我昨天跟Tom去看Taylor Swift的演唱会") == ("我昨天跟Tom去看Taylor Swift的演唱會", True)


@pytest.mark.parametrize("word", IN_CONTEXT_WORDS, ids=lambda word: word.example)
def test_each_listed_spelling_matches_its_example_and_not_its_trap(word: Spelling) -> None:
    """Every entry is checked: its example matches, its Taiwan trap does not, a trigger is in the match."""
    pattern = re.compile(word.pattern)
    match = pattern.search(word.example)
    assert match is not None
    assert any(char in match.group(0) for char in word.trigger)
    if word.trap:
        assert pattern.search(word.trap) is None


def test_listed_examples_count_as_simplified_evidence() -> None:
    """Each example alone is Simplified evidence (准備 is mixed: 備 is Traditional-only)."""
    for word in IN_CONTEXT_WORDS:
        assert script_of(word.example) in ("simplified", "mixed"), word.example
        assert to_taiwan(word.example)[1], word.example


def test_our_tables_are_package_data_in_the_config_with_absolute_paths() -> None:
    """The config OpenCC gets names our shipped tables and OpenCC's own dictionaries by absolute path."""
    files = re.findall(r'"file": "([^"]+)"', __import__("json").dumps(casual_config(), ensure_ascii=False))
    assert files and all(f.startswith("/") for f in files)
    assert any(f.endswith(FIXES) for f in files) and any(f.endswith(TAIWAN) for f in files)
    assert ("支持", "支持") in read_table(TAIWAN) and ("干得好", "幹得好") in read_table(FIXES)


def test_keep_list_is_what_keeps_the_word() -> None:
    """Without our Taiwan table s2twp says 支援: the keep list is what keeps 支持 (the check can fail)."""
    import opencc

    assert opencc.OpenCC("s2twp.json").convert("我支持你们") == "我支援你們"
    assert to_taiwan("我支持你们")[0] == "我支持你們"
