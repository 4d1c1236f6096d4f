"""The language of a line: English, Chinese or neither. The one rule every stage uses.

A line is Chinese when its hanzi (and zhuyin) carry it, English when its Latin letters do; a
zh-TW line that borrows English terms (LINE, iPad, Uber Eats) is still Chinese, and an English
line with a hanzi name in it is still English.
"""

from __future__ import annotations

import re

from builder.text.script import BOPOMOFO, HAN, char_class

__all__ = ["EN_WEIGHT", "ZH_WEIGHT", "has_chinese", "line_language"]

_CJK = char_class(HAN, BOPOMOFO)
_NOT_CJK = re.compile(f"[^{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_NOT_LATIN = re.compile("[^A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
# Weigh a hanzi like a short English word: parallel en/zh text runs about three Latin letters
# per hanzi. Up to ZH_WEIGHT letters per hanzi, the hanzi clearly carry the line: Chinese, however
# many English terms it borrows. Beyond EN_WEIGHT letters per hanzi, it is English with a name in
# it. In between (a zh line of product names, an English line with several hanzi names), English
# function words decide: casual zh lines borrow nouns, not "the/to/at". tests/test_ingest.py
# holds the lines these numbers were chosen on.
ZH_WEIGHT = 2
EN_WEIGHT = 8
_FUNCTION_WORD = re.compile(
    r"\b(?:the|a|an|to|of|in|on|at|is|are|was|were|be|will|would|can|could|should|and|or|"
    r"for|with|from|by|that|this|it|you|we|they|he|she|i|me|my|your|our|his|her|their|"
    r"please|has|have|had|not|do|does|did)\b",
    re.IGNORECASE,
)
_ASCII_LETTER = re.compile("[A-Za-z]")


def line_language(text: str) -> str:
    """Say whether a line is English ("en"), Chinese ("zh") or neither ("unknown")."""
    if text.isascii():  # most English lines: no CJK possible, skip the counting (hot path)
        return "en" if _ASCII_LETTER.search(text) else "unknown"
    cjk = len(_NOT_CJK.sub("", text))
    latin = len(_NOT_LATIN.sub("", text))
    if cjk == 0:
        return "en" if latin else "unknown"
    if cjk * ZH_WEIGHT >= latin:
        return "zh"
    if cjk * EN_WEIGHT < latin:
        return "en"
    return "en" if _FUNCTION_WORD.search(text) else "zh"


def has_chinese(text: str) -> bool:
    """Say whether a text holds at least one hanzi or zhuyin character."""
    return _CJK_CHAR.search(text) is not None
