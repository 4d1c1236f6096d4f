"""Simplified spellings made only of characters both scripts have (什么, 那里, 以后, 干嘛 ...).

A character check cannot see them: every character also exists in Traditional. Taiwan writes
these words otherwise (什麼, 那裡, 以後, 幹嘛), so a zh line holding one is Simplified by its
words. Each entry carries the Taiwan readings of the same characters as lookarounds (那里長, a
village chief; 王后來了, the queen came), an example that must match and a Taiwan trap that must
not; tests/test_script.py checks both for every entry.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["IN_CONTEXT_WORDS", "Spelling", "in_context_pattern", "trigger_characters"]


class Spelling(NamedTuple):
    """A Simplified spelling made of shared characters, with why Taiwan never writes it so.

    `trigger`: characters one of which every match contains (the cheap pre-check looks for them).
    `example` must match; `trap` (a Taiwan reading of the same characters) must not.
    """

    pattern: str
    trigger: str
    example: str
    trap: str
    note: str


# Rule for an entry: Taiwan writing does not use the spelling, and every Taiwan reading of the same
# characters is written into it as a lookaround. Left out on purpose, because Taiwan writes them
# too: 周 words (週末 and 周末, 一周年), 只 words (只是, 這只是), 里 after other nouns (village
# names end in 里: 光明里), 准 alone (准許), 干 in general (干擾, 若干, and 干 as a written swear
# word in Taiwan chat).
IN_CONTEXT_WORDS: tuple[Spelling, ...] = (
    Spelling("么(?![妹兒儿二])", "么", "你做了什么", "么妹", "什么/怎么: Taiwan 麼; 么 stays only as 幺 in 么妹"),
    Spelling("[那哪這这]里(?![長长民辦办])", "里", "你在哪里", "那里長", "那里/哪里: Taiwan 裡; 那里長: village chief"),
    Spelling("(?<![公英海千萬万百鄰邻鄉乡故村])里[面頭头邊边]", "里", "在里面", "每平方公里面積", "里面: Taiwan 裡面"),
    Spelling("[家心手城屋夜眼嘴]里(?![長长民程辦办鄰邻])", "里", "在家里", "國家里程碑", "家里/心里: Taiwan 裡"),
    Spelling("(?<![皇王太天影歌母蟻蚁蜂])后[来來面悔果头頭边邊]", "后", "后来呢", "王后來了", "后来/后面: Taiwan 後"),
    Spelling("[以最然之往背落随隨]后(?![妃宮宫座冠])", "后", "以后再说", "以后妃之禮", "以后/最后/然后: Taiwan 後"),
    Spelling("(?<!若)干(?:嘛|[的得]好|活)", "干", "你干嘛", "若干的好處", "干嘛/干得好/干活: Taiwan 幹"),
    Spelling("(?<!茶)几", "几", "几个人", "茶几", "几乎/几个: Taiwan 幾; 茶几 (tea table) is the Taiwan use"),
    Spelling("万(?!俟)", "万", "一万块", "万俟", "万: Taiwan 萬 (万俟 is a rare surname)"),
    Spelling("[离确苹]", "离确苹", "我确定", "", "离/确/苹: Taiwan 離/確/蘋; hanzidentifier lists them in both"),
    Spelling("叶(?![韻韵])", "叶", "叶子", "叶韻", "叶子: Taiwan 葉; 叶韻 is the only Taiwan use"),
    Spelling(
        "[由关關对對属屬至位终終等善处處基用在生忠源敢建死忙来來归歸限决決免陷濒瀕趋趨勇急乐樂苦易难難便适適宜出自高低]于",
        "于",
        "由于下雨",
        "于美人主持",
        "由于/关于/建于: Taiwan 於; the surname 于 starts a name",
    ),
    Spelling("准[備时時確确]", "准", "准備好了", "不准進入", "准備/准時: Taiwan 準; 准 alone (准許) is Taiwan"),
    Spelling(
        "(?<![表方全前後后上下外裡里正側侧地封版場场桌路見见畫画平介頁页對对反層层局字水海牆墙立店門门背當当會会臺台])面包",
        "包",
        "我吃面包",
        "表面包裝",
        "面包: Taiwan 麵包",
    ),
    Spelling("旅游", "游", "去旅游", "", "旅游: Taiwan 旅遊"),
    Spelling("[其多]余", "余", "其余的人", "", "其余/多余: Taiwan 其餘/多餘"),
    Spelling("糊涂", "涂", "真糊涂", "", "糊涂: Taiwan 糊塗"),
    Spelling("拜托", "托", "拜托你", "", "拜托: Taiwan 拜託"),
    Spelling("公交", "交", "坐公交", "", "公交: Taiwan says 公車"),
    Spelling("放松(?!鼠)", "松", "放松一下", "放松鼠回山上", "放松: Taiwan 放鬆"),
    Spelling("手表(?![現现示達达演決决格情])", "表", "我的手表", "選手表現", "手表: Taiwan 手錶"),
)


def in_context_pattern() -> re.Pattern[str]:
    """One regex matching any listed spelling."""
    return re.compile("|".join(f"(?:{word.pattern})" for word in IN_CONTEXT_WORDS))


def trigger_characters() -> frozenset[str]:
    """Every character whose presence makes a line worth the word search."""
    return frozenset(char for word in IN_CONTEXT_WORDS for char in word.trigger)
