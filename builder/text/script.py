"""Which characters are Chinese, and in which script: the one home of the CJK ranges.

`HAN` (hanzi) and `BOPOMOFO` (zhuyin) are the code point ranges every stage uses: the language of
a line, the Chinese context of a punctuation mark, the zh side of a record in the leak check. Each
stage combines them as it needs (`char_class`), never with a range of its own.

Simplified versus Traditional: hanzidentifier's character sets say which characters exist in only
one script; `looks_simplified` judges a line, and `Converter` turns leaked Simplified Chinese into
Taiwan Traditional with OpenCC, touching nothing that is already Traditional.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import hanzidentifier
import opencc
from hanzidentifier import helpers as _hanzi

__all__ = [
    "BOPOMOFO",
    "CJK_PUNCTUATION",
    "FULL_WIDTH_FORMS",
    "HAN",
    "Converter",
    "char_class",
    "looks_simplified",
    "script_of",
]

Ranges = Sequence[tuple[int, int]]

# Han ideographs: 〇, Extension A, the Unified Ideographs, the compatibility block, and the
# supplementary planes from Extension B to the end of Extension H (U+323AF; Extension I lies
# inside). Taiwanese writing uses Extension B characters, so the astral planes count.
HAN: Ranges = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
               (0x20000, 0x323AF))
# Zhuyin: casual zh-TW writes ㄋㄟ, ㄅㄅ, ㄏㄏ with them.
BOPOMOFO: Ranges = ((0x3100, 0x312F), (0x31A0, 0x31BF))
# CJK symbols and punctuation (「」、。) and the full-width forms (，！？（）).
CJK_PUNCTUATION: Ranges = ((0x3000, 0x303F),)
FULL_WIDTH_FORMS: Ranges = ((0xFF01, 0xFF60),)


def char_class(*groups: Ranges) -> str:
    """The body of a regex character class (no brackets) holding every range of `groups`."""
    parts = []
    for first, last in (pair for group in groups for pair in group):
        parts.append(re.escape(chr(first)) if first == last else
                     f"{re.escape(chr(first))}-{re.escape(chr(last))}")
    return "".join(parts)


# --- Simplified and Traditional ---------------------------------------------------------------

_SIMPLIFIED_ONLY = frozenset(_hanzi.SIMPLIFIED_CHARACTERS - _hanzi.TRADITIONAL_CHARACTERS)
_TRADITIONAL_ONLY = frozenset(_hanzi.TRADITIONAL_CHARACTERS - _hanzi.SIMPLIFIED_CHARACTERS)
_SIMPLIFIED_CHAR = re.compile("[" + "".join(sorted(_SIMPLIFIED_ONLY)) + "]")
_TRADITIONAL_CHAR = re.compile("[" + "".join(sorted(_TRADITIONAL_ONLY)) + "]")


@functools.cache
def _opencc(config: str) -> opencc.OpenCC:
    # One converter per config per process (about 15 ms to build); the binding holds the GIL,
    # so parallel builds use processes, each with its own.
    return opencc.OpenCC(config)


class Converter:
    """Convert leaked Simplified Chinese to Taiwan Traditional, touching nothing else.

    Holds no OpenCC object itself (they are cached per process), so it pickles to workers.
    """

    __slots__ = ()

    def to_taiwan(self, text: str) -> str:
        """Convert a whole Simplified line with s2twp (characters and Taiwan vocabulary)."""
        return str(_opencc("s2twp.json").convert(text))

    def simplified_chars(self, text: str) -> str:
        """Convert only the Simplified-only characters, with s2tw, leaving every other one."""
        # s2tw over the whole line picks each character's form in context (头发 → 頭髮, not
        # 頭發); we then take only the positions that held a Simplified-only character.
        whole = str(_opencc("s2tw.json").convert(text))
        if len(whole) == len(text):
            return _SIMPLIFIED_CHAR.sub(lambda m: whole[m.start()], text)
        one = _opencc("s2tw.json").convert
        return _SIMPLIFIED_CHAR.sub(lambda m: str(one(m.group(0))), text)


def script_of(text: str) -> tuple[int, int, int]:
    """Return (hanzidentifier verdict, Simplified-only count, distinct Simplified-only count)."""
    if not _SIMPLIFIED_CHAR.search(text):
        # Without a Simplified-only character the verdict cannot be SIMPLIFIED or MIXED, and
        # every caller only acts on those two: skip hanzidentifier's slower pass (hot path).
        return hanzidentifier.UNKNOWN, 0, 0
    verdict = hanzidentifier.identify(text)
    if verdict not in (hanzidentifier.SIMPLIFIED, hanzidentifier.MIXED):
        return verdict, 0, 0
    found = _SIMPLIFIED_CHAR.findall(text)
    return verdict, len(found), len(set(found))


def looks_simplified(text: str) -> bool:
    """Say whether text is Simplified Chinese: all Simplified, or mostly in a mixed line."""
    verdict, simplified, _ = script_of(text)
    if verdict == hanzidentifier.SIMPLIFIED:
        return True
    return verdict == hanzidentifier.MIXED and simplified > len(_TRADITIONAL_CHAR.findall(text))
