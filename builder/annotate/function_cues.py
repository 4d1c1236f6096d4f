"""Cue words that the particle-function rules look for in a clause, and interjection functions.

Written for twcasual. Each cue word maps to one kind; `builder.annotate.functions` finds every
cue word of a clause with one regex (longest first) and reads the kinds. A few entries exist only
to block a shorter, wrong reading (幾乎 is "almost", not 幾 "how many"): they map to the kind
"none".
"""

from __future__ import annotations

__all__ = ["ATTENTION", "CUE_KIND", "CUE_WORDS", "DEGREE", "INTERJECTION_FUNCTION"]

_KINDS: dict[str, tuple[str, ...]] = {
    # Question words. Not 還是 ("rather" as often as "or") and not 還沒 (a statement).
    "question": (
        "什麼", "怎麼", "怎樣", "為什麼", "為何", "哪", "哪裡", "哪個", "誰", "幾", "多少", "如何",
        "嗎", "了沒", "幹嘛", "干嘛", "啥",
    ),
    # Rhetorical "who would / as if": defiance, not a question.
    "deny": ("哪有", "誰要", "誰理", "才不", "才沒", "怎麼可能", "誰叫"),
    "none": (
        "幾乎", "什麼都", "不怎麼", "哪裡都", "誰都", "多少都", "好幾",
        # The speaker's own habits are not a complaint (我每次都在機場買), nor is 又 "and also".
        "我每次", "我一直", "我又", "我老是", "我總是", "又很", "又不",
    ),
    "reassure": (
        "沒關係", "沒事", "放心", "不用擔心", "別擔心", "不要擔心", "不用怕", "別怕", "不要怕",
        "別緊張", "不要緊張", "不用緊張", "還好", "沒差", "不會", "不客氣", "不用謝", "小事",
        "沒什麼", "別在意", "不用在意", "不要在意", "不用太在意",
    ),
    "obvious": ("本來", "就說", "當然", "而已", "早就", "就好了"),
    "apology": ("不好意思", "抱歉", "歹勢", "對不起"),
    "refuse": (
        "不用", "不要", "不想", "不太", "不方便", "不行",
        "沒辦法", "吃不下", "不了", "不知道", "有點忙", "有點事", "有事", "有約",
    ),
    "plead": ("拜託", "求你", "求求你"),
    "settle": ("就這樣", "想想", "算了", "好了"),
    "urge": (
        "趕快", "快點", "快一點", "到底", "倒是", "有完沒完", "一直", "又", "每次", "煩", "吵",
        "過分", "受不了", "老是", "總是", "很多次", "機車", "討厭",
    ),
    "remind": (
        "記得", "別忘", "不要忘", "小心", "注意", "加油", "慢慢來", "不能", "乖乖", "隨時",
        "早點", "準時",
    ),
    "we": ("我們", "一起", "大家", "乾脆", "不然", "咱們"),
    "guess": (
        "應該", "大概", "可能", "是不是", "該不會", "差不多", "好像", "也許", "或許", "搞不好",
        "說不定", "八成",
    ),
    "realize": ("原來", "難怪", "懂了", "想起來", "怪不得"),
    "surprise": ("居然", "竟然", "也太", "怎麼會", "真的假的", "真假"),
    "agree": ("你也覺得", "對不對", "沒錯", "不可能"),
}  # fmt: skip

CUE_KIND: dict[str, str] = {word: kind for kind, words in _KINDS.items() for word in words}
assert len(CUE_KIND) == sum(map(len, _KINDS.values())), "a cue word is listed under two kinds"
CUE_WORDS: tuple[str, ...] = tuple(CUE_KIND)

# An exclamatory degree word before an adjective: 好累, 超好吃, 太扯, 真好, 多麼. Not 不好 /
# 還好 / 剛好 (plain "good", "just right"), 好了 / 好像 / 好久 / 好幾, 真的 ("really"), 太太.
# 好 after a verb is "done well" (戴好, 關好, 修好), not degree. Every branch starts with its
# character and looks behind afterwards, so the regex engine can skip ahead to 好超太真多.
DEGREE = (
    "好(?<![不還剛正只最就戴關修做弄備想寫排穿坐收綁鎖存講說約訂放拿顧]好)(?![了像的啦吧喔嗎久幾])"
    "|超|太(?<!太太)(?!太)|真(?![的是])|多麼"
)

# Interjections that call the listener: their function is that of the sentence they open.
ATTENTION = frozenset(("欸", "誒", "喂", "嘿", "哈囉"))

INTERJECTION_FUNCTION: dict[str, str] = {
    "喔": "realize", "哦": "realize", "噢": "realize",
    "哇": "surprise", "哇塞": "surprise", "咦": "surprise",
    "天啊": "surprise", "天呀": "surprise", "天哪": "surprise", "我的天啊": "surprise",
    "我的媽呀": "surprise", "我的媽啊": "surprise", "媽呀": "surprise", "媽啊": "surprise",
    "老天啊": "surprise",
    "蛤": "question",
    "嗯": "assert",
    "呃": "soften",
    "吼": "urge", "齁": "urge",
    "唉": "exclaim", "哎": "exclaim", "啊": "exclaim", "耶": "exclaim", "喔耶": "exclaim",
    "哎喲": "exclaim", "唉喲": "exclaim", "哎唷": "exclaim", "唉唷": "exclaim",
    "哎呀": "exclaim", "唉呀": "exclaim", "哈": "exclaim",
}  # fmt: skip
