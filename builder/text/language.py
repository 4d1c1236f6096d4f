"""The language of one line: English, Chinese or neither. The one rule every stage uses.

The rule, in order (tests/test_language.py holds the lines it was checked on):

1. No hanzi (or zhuyin): English if it has a Latin letter, else unknown.
2. Chinese grammar or punctuation: a line with CJK punctuation (，。！？「」《》 ...) or a hanzi that
   Chinese grammar leans on and names do not use (的 了 我 你 是 很 這 那 個 說 跟 and the
   sentence-final particles 啦 喔 吧 嗎 呢 ...) is Chinese, however much English it quotes:
   `我剛買了 Switch 2 跟兩片卡帶`, a zh line naming a long English book title in 《》.
3. Otherwise the hanzi are name-like (王小明, 台北車站, 鼎泰豐): weigh them against the Latin
   letters. Up to ZH_WEIGHT letters per hanzi the hanzi carry the line (Chinese); beyond EN_WEIGHT
   letters per hanzi it is English with a name in it; in between, English function words decide.
   So `We ate at 鼎泰豐 yesterday.` is English and `Netflix 新劇 Stranger Things 第五季上線` is
   Chinese.

Known misses, accepted: an English line quoting a Chinese sentence (`Grandma always says 吃飽了沒`)
reads as Chinese by rule 2; a zh headline whose only hanzi are content words beside a long English
title with function words (`Netflix 新劇 Midnight Ferry to Keelung 第二季上線`) reads as English by
rule 3 (its casual form, `... 第二季上線了耶`, is Chinese). Real English source lines rarely hold
hanzi at all: on 6,051 rows of a public English-Mandarin file (both columns), 2,594 lines of public
zh-TW chat and press text and 200,000 lines of the bench corpus, this rule and the one before it
agree on every line.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.text.script import BOPOMOFO, HAN, char_class

__all__ = ["EN_WEIGHT", "ZH_WEIGHT", "chinese_mask", "has_chinese", "line_language"]

_CJK = char_class(HAN, BOPOMOFO)
_NOT_CJK = re.compile(f"[^{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_NOT_LATIN = re.compile("[^A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
_ASCII_LETTER = re.compile("[A-Za-z]")

# The CJK punctuation zh text is written with (、。〈〉《》「」『』【】, U+3001-3011) and the full-width
# forms it uses (！（），：；？～). English lines are typed with ASCII punctuation or curly quotes,
# which are not in this set. A subset of script.CJK_PUNCTUATION and script.FULL_WIDTH_FORMS:
# U+3000 (the ideographic space) and the full-width letters say nothing about grammar.
_ZH_PUNCTUATION = "\u3001-\u3011\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f\uff5e"
# Hanzi that carry Chinese grammar and do not occur in personal, place or shop names (和, 都, 會 do:
# 張家和, 成都, 國際會議中心, so they are left out).
_ZH_GRAMMAR = "的了我你妳他她們是很這那個說跟沒還就要在嗎呢啦喔哦吧嘛耶欸齁囉咧"
_ZH_SIGNAL = re.compile(f"[{_ZH_PUNCTUATION}{_ZH_GRAMMAR}]")

# Weigh a hanzi like a short English word: parallel en/zh text runs about three Latin letters per
# hanzi. Up to ZH_WEIGHT letters per hanzi the hanzi carry the line; beyond EN_WEIGHT it is English
# with a name in it; in between, English function words decide (casual zh borrows nouns, not
# "the/to/at").
ZH_WEIGHT = 2
EN_WEIGHT = 8
_FUNCTION_WORD = re.compile(
    r"\b(?:the|a|an|to|of|in|on|at|is|are|was|were|be|will|would|can|could|should|and|or|"
    r"for|with|from|by|that|this|it|you|we|they|he|she|i|me|my|your|our|his|her|their|"
    r"please|has|have|had|not|do|does|did)\b",
    re.IGNORECASE,
)


def line_language(text: str) -> str:
    """Say whether a line is English ("en"), Chinese ("zh") or neither ("unknown")."""
    if text.isascii():  # most English lines: no CJK possible, skip the counting (hot path)
        return "en" if _ASCII_LETTER.search(text) else "unknown"
    if _ZH_SIGNAL.search(text):  # most zh lines stop here: one search, no counting
        return "zh" if _CJK_CHAR.search(text) else _latin_or_unknown(text)
    cjk = len(_NOT_CJK.sub("", text))
    if cjk == 0:
        return _latin_or_unknown(text)
    latin = len(_NOT_LATIN.sub("", text))
    if cjk * ZH_WEIGHT >= latin:
        return "zh"
    if cjk * EN_WEIGHT < latin:
        return "en"
    return "en" if _FUNCTION_WORD.search(text) else "zh"


def _latin_or_unknown(text: str) -> str:
    return "en" if _NOT_LATIN.sub("", text) else "unknown"


def has_chinese(text: str) -> bool:
    """Say whether a text holds at least one hanzi or zhuyin character."""
    return _CJK_CHAR.search(text) is not None


def chinese_mask(texts: pa.Array) -> np.ndarray:
    """`has_chinese` over an Arrow string array at once (the same character class, in RE2)."""
    found = pc.match_substring_regex(texts, f"[{_CJK}]")
    return found.fill_null(False).to_numpy(zero_copy_only=False)
