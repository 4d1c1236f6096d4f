"""Word lists the style annotator uses: particles, traps, interjections, markers, Mainland terms.

Every list is data, curated for twcasual and documented entry by entry where a choice was made.
The inventory and the traps follow ../shared/guides/zh-tw-notes.md. Forms are Traditional
(what normalised zh-TW text holds); Mainland terms are listed in both scripts because a line
may reach the annotator before, or without, script conversion.

To add a word: put it in the right tuple with a note saying why, add a line that uses it to
tests/test_annotate.py, and run `pytest tests/test_annotate.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BOUNDARY_CLASS",
    "BOUNDARY_PUNCTUATION",
    "CLAUSE_INTERJECTIONS",
    "HOSTS",
    "LAUGHTER_CHARS",
    "MAINLAND_TERMS",
    "MARKERS",
    "NEUTRAL",
    "OPENING_INTERJECTIONS",
    "PARTICLES",
    "TAIL_TOKENS",
    "TRAPS",
    "Term",
    "Trap",
]

# The colloquial sentence-final/discourse particles twcasual annotates, in the order the
# dataset card lists them. Every one is a single character.
PARTICLES = "啦喔哦呢耶欸誒齁吼吧嘛囉嘍咧捏唷喲啊呀哇蛤哈嘿咩"

# Grammar, not register: they end clauses in any style, so they are never reported. They can
# stand inside a cluster (的啦, 了喔) without breaking it.
NEUTRAL = "嗎了的"


@dataclass(frozen=True, slots=True)
class Trap:
    """A word that contains a particle character that is not a particle.

    `unless_after`: characters that, right before the word, show the particle reading instead
    (喝酒吧 "let's drink" versus 酒吧 "a bar"). `interjection`: report the word as one.
    """

    word: str
    note: str
    unless_after: str = ""
    interjection: bool = False


TRAPS: tuple[Trap, ...] = (
    Trap("啦啦隊", "cheerleading squad"),
    Trap("毛呢", "woollen cloth"),
    Trap("花呢", "tweed"),
    Trap("呢喃", "to murmur"),
    Trap("呢絨", "woollen fabric"),
    Trap("耶誕", "Christmas"),
    Trap("耶穌", "Jesus"),
    Trap("耶魯", "Yale"),
    Trap("吼叫", "to roar"),
    Trap("大吼", "to shout"),
    Trap("怒吼", "to roar in anger"),
    Trap("狂吼", "to yell wildly"),
    Trap("嘶吼", "to scream hoarsely"),
    # 吼 as the verb "to shout" right before the end of a clause: 不要一直吼啦, 別吼了, 被老闆吼.
    Trap("一直吼", "to keep shouting"),
    Trap("亂吼", "to shout wildly (混亂吼？ is 混亂 + the particle)", unless_after="混紊雜錯動叛戰擾"),
    # 特別吼？ (isn't it special?) and 差別吼 are 別 ending a word, then the particle.
    Trap("別吼", "don't shout", unless_after="特區分個告識差性類離派道辨級鑑"),
    Trap("被吼", "to be shouted at"),
    Trap("互吼", "to shout at each other"),
    Trap("對我吼", "to shout at me"),
    Trap("對你吼", "to shout at you"),
    Trap("對他吼", "to shout at him"),
    Trap("對她吼", "to shout at her"),
    # 喝酒吧/啤酒吧/來杯酒吧: the particle after a drink; otherwise the place.
    Trap("酒吧", "a bar", unless_after="喝啤杯點瓶"),
    Trap("吧台", "bar counter"),
    Trap("吧檯", "bar counter"),
    Trap("貼吧", "an online forum"),
    Trap("網吧", "internet cafe"),
    Trap("泡吧", "to hang out in bars"),
    Trap("喇嘛", "lama"),
    Trap("幹嘛", "why / what for: a word of its own"),
    Trap("干嘛", "幹嘛 in Simplified spelling"),
    Trap("囉嗦", "long-winded"),
    Trap("囉唆", "long-winded"),
    Trap("嘍囉", "underling"),
    Trap("咧嘴", "to grin"),
    Trap("捏造", "to fabricate"),
    Trap("安捏", "Hokkien 'like this'"),
    Trap("捏捏", "to squeeze"),
    Trap("別捏", "don't pinch", unless_after="特區分個告識差性類離派道辨級鑑"),
    Trap("一直捏", "to keep pinching"),
    Trap("亂捏", "to pinch at random", unless_after="混紊雜錯動叛戰擾"),
    Trap("被捏", "to be pinched"),
    Trap("蛤蜊", "clam"),
    Trap("蛤蠣", "clam"),
    Trap("文蛤", "hard clam"),
    Trap("花蛤", "Manila clam"),
    Trap("哈密瓜", "cantaloupe"),
    Trap("嘻哈", "hip-hop"),
    Trap("打哈哈", "to dodge with a laugh: a verb, not laughter"),
    Trap("咿呀", "babbling"),
    Trap("咩咩", "a sheep's bleat"),
    Trap("哎喲", "interjection: ouch / oh my", interjection=True),
    Trap("唉喲", "interjection: ouch / oh my", interjection=True),
    Trap("哎唷", "interjection: ouch / oh my", interjection=True),
    Trap("唉唷", "interjection: ouch / oh my", interjection=True),
    Trap("哎呀", "interjection: oops", interjection=True),
    Trap("唉呀", "interjection: oops", interjection=True),
    Trap("哈囉", "interjection: hello", interjection=True),
    Trap("喔耶", "interjection: oh yeah", interjection=True),
    Trap("哇塞", "interjection: wow", interjection=True),
)

# Interjections that open a clause even without punctuation after them (欸你看, 喔對了).
# Longest first; a single character also matches a repeated run of itself (欸欸欸).
# Not here, so they count only as a whole clause (「耶！」「哈，」): 耶, 哈, 呀, 咩, because
# the same characters open ordinary words (耶誕, 哈密瓜).
# fmt: off
OPENING_INTERJECTIONS: tuple[str, ...] = (
    "哎喲", "唉喲", "哎唷", "唉唷", "哎呀", "唉呀", "哈囉", "喔耶", "哇塞",
    "欸", "誒", "啊", "喔", "哦", "哇", "蛤", "嘿", "吼", "齁", "唉", "哎", "嗯", "呃", "喂",
    "咦", "噢",
)
# fmt: on

# Phrases that are interjections only when they are a whole clause: 「天啊，」 but 今天啊 is
# a topic plus a particle.
# fmt: off
CLAUSE_INTERJECTIONS: tuple[str, ...] = (
    "我的天啊", "我的媽呀", "我的媽啊", "天啊", "天呀", "天哪", "媽呀", "媽啊", "老天啊",
)
# fmt: on

# Two or more of one of these is laughter: an interjection, and the end of a clause.
LAUGHTER_CHARS = "哈呵嘻嘿"

# Short answers that take a particle and are often followed by more text with no comma
# (好啦好啦, 對啊對啊, 好吧你說的對): a particle after one of these at the start of a clause
# counts even when no punctuation follows.
HOSTS: tuple[str, ...] = ("算了", "沒事", "好", "對", "是", "走", "來", "行")


@dataclass(frozen=True, slots=True)
class Term:
    """A listed word: a Taiwan colloquial marker or a Mainland-only term.

    `neutral`: the plain form (for markers) or the Taiwan form (for Mainland terms), "" if none.
    `not_after` / `not_before`: characters that, right before / after the word, show another
    reading, so it is not reported.
    `alone`: the word counts only at the end of a clause (before punctuation, a space, a particle
    or the end of the line): 早上好 is the greeting in 「早上好！」 but not in 「早上好冷」.
    """

    word: str
    neutral: str
    note: str
    not_after: str = ""
    not_before: str = ""
    alone: bool = False


# Taiwan colloquial vocabulary. Longest entries win where two overlap (有夠扯 over 有夠). Left
# out on purpose: 機車 alone (also "scooter", the everyday word), 暈船 (also seasickness),
# 蝦米 (Hokkien "what", but also dried shrimp in every recipe), 超 alone (an intensifier in
# every register).
MARKERS: tuple[Term, ...] = (
    Term("超夯", "很受歡迎", "hugely popular"),
    Term("很夯", "很受歡迎", "popular"),
    Term("爆夯", "非常受歡迎", "wildly popular"),
    Term("很扯", "很誇張", "ridiculous"),
    Term("超扯", "非常誇張", "ridiculous"),
    Term("太扯", "太誇張", "ridiculous"),
    Term("有夠扯", "非常誇張", "ridiculous"),
    Term("傻眼", "愣住", "dumbfounded"),
    Term("母湯", "不行", "Hokkien: no good"),
    Term("超猛", "非常厲害", "awesome"),
    Term("超派", "很兇", "fierce, domineering"),
    Term("笑死我了", "太好笑了", "dying of laughter"),
    Term("笑死", "太好笑了", "dying of laughter"),
    Term("真的假的", "真的嗎", "really?"),
    # 分辨真假 / 難辨真假 are plain "true or false".
    Term("真假", "真的嗎", "really?", not_after="辨分判論知"),
    Term("很瞎", "很荒謬", "absurd"),
    Term("超瞎", "非常荒謬", "absurd"),
    Term("很機車", "很討厭", "annoying (機車 alone is a scooter)"),
    Term("超機車", "非常討厭", "annoying"),
    Term("白目", "不識相", "tactless"),
    Term("好康", "好處", "a good deal"),
    Term("古錐", "可愛", "Hokkien: cute"),
    Term("衝衝衝", "出發", "let's go"),
    Term("有夠", "非常", "Hokkien-style intensifier"),
    Term("超讚", "非常好", "awesome"),
    Term("大推", "非常推薦", "highly recommend", not_before="力車"),
    Term("魯蛇", "失敗者", "loser (from English)"),
    Term("小確幸", "小小的幸福", "a small, sure happiness"),
    Term("吃土", "沒錢", "broke"),
    Term("北七", "笨蛋", "Hokkien: idiot"),
    Term("很盧", "很固執", "pestering, stubborn"),
    Term("放閃", "秀恩愛", "to flaunt a relationship"),
    Term("揪團", "約人一起", "to round up a group"),
    Term("安捏", "這樣", "Hokkien: like this"),
    Term("醬子", "這樣子", "contraction of 這樣子"),
    Term("超狂", "非常厲害", "insane, amazing"),
)

# Mainland-only vocabulary: a warning that a line is not Taiwan usage. Left out on purpose:
# 土豆 (Taiwan: peanut), 地鐵 (Taiwan says it of foreign subways), 自行車 (Taiwan: 自行車道),
# 數據 / 程序 / 優化 (used in Taiwan too), 網友 (both).
MAINLAND_TERMS: tuple[Term, ...] = (
    Term("視頻", "影片", "video"),
    Term("视频", "影片", "video"),
    # 訊息/資訊 in Taiwan; 相信息息相關 is the only common false hit, and it needs 相 before.
    Term("信息", "訊息", "information", not_after="相"),
    Term("軟件", "軟體", "software"),
    Term("软件", "軟體", "software"),
    Term("硬件", "硬體", "hardware"),
    Term("网络", "網路", "network"),
    Term("網絡", "網路", "network: Taiwan writes 網路; 網絡 also appears in Taiwan formal text"),
    Term("質量", "品質", "quality (in Taiwan 質量 is physical mass)"),
    Term("质量", "品質", "quality"),
    Term("出租車", "計程車", "taxi"),
    Term("出租车", "計程車", "taxi"),
    Term("打車", "叫車", "to hail a taxi"),
    Term("打车", "叫車", "to hail a taxi"),
    Term("打印", "列印", "to print", not_before="表"),
    Term("鼠標", "滑鼠", "mouse"),
    Term("鼠标", "滑鼠", "mouse"),
    Term("U盤", "隨身碟", "USB stick"),
    Term("U盘", "隨身碟", "USB stick"),
    Term("硬盤", "硬碟", "hard disk"),
    Term("硬盘", "硬碟", "hard disk"),
    Term("內存", "記憶體", "RAM"),
    Term("内存", "記憶體", "RAM"),
    Term("屏幕", "螢幕", "screen"),
    Term("短信", "簡訊", "text message"),
    Term("默認", "預設", "default"),
    Term("默认", "預設", "default"),
    # 博客來 is a Taiwan bookstore; Taiwan says 部落格 for a blog.
    Term("博客", "部落格", "blog", not_before="來"),
    # 智能障礙 is Taiwan's official term for intellectual disability.
    Term("智能", "智慧", "smart / AI", not_before="障"),
    Term("靠譜", "可靠", "reliable"),
    Term("靠谱", "可靠", "reliable"),
    Term("給力", "很棒", "awesome"),
    Term("给力", "很棒", "awesome"),
    Term("小夥伴", "朋友", "buddies"),
    Term("小伙伴", "朋友", "buddies"),
    Term("公交車", "公車", "bus"),
    Term("公交车", "公車", "bus"),
    Term("早上好", "早安", "good morning", alone=True),
    Term("酸奶", "優格", "yoghurt"),
    Term("牛逼", "很厲害", "awesome (vulgar)"),
)

# Characters that end (or open) a clause: CJK and ASCII punctuation, quotes and brackets,
# tildes and ellipses. Whitespace, emoji and zhuyin count too (checked by range in annotate.py).
BOUNDARY_PUNCTUATION = (
    "，。！？、；：…⋯～〜—「」『』（）《》〈〉【】〔〕“”‘’・．,.!?;:~()[]{}<>\"'`*/|-=+_^"
)

# The characters `builder.annotate.rules.is_boundary` accepts, as the body of one regex class:
# the modules that search a line with regexes (clause starts, word-list conditions) use it.
BOUNDARY_CLASS = (
    "".join(re.escape(ch) for ch in sorted(BOUNDARY_PUNCTUATION)) + r"\s"
    + "\U0001F000-\U0001FAFF\u2190-\u2BFF\u3100-\u312F\u200D\uFE0F"
)

# Chat endings that close a clause like punctuation does (好啦XD, 走吧 lol).
TAIL_TOKENS: tuple[str, ...] = ("XD", "xD", "lol", "LOL", "QQ", "orz")
