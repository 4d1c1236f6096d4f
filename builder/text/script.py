"""Which characters are Chinese, and in which script: the one home of the CJK ranges.

`HAN` (hanzi) and `BOPOMOFO` (zhuyin) are the code point ranges every stage uses: the language of
a line, the Chinese context of a punctuation mark, the zh side of a record in the leak check. Each
stage combines them as it needs (`char_class`), never with a range of its own.

Simplified versus Traditional: hanzidentifier's character sets say which characters exist in only
one script, and `builder.text.spellings` lists Simplified spellings made of shared characters
(什么, 那里); `script_of` judges a line on both, and `to_taiwan` turns a Simplified line into Taiwan
Traditional in context, touching nothing that is already Traditional.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import opencc
import pyarrow as pa
from hanzidentifier import helpers as _hanzi

from builder.text.opencc_casual import casual_converter
from builder.text.spellings import IN_CONTEXT_WORDS, in_context_pattern, trigger_characters

__all__ = [
    "BOPOMOFO",
    "CJK_PUNCTUATION",
    "FULL_WIDTH_FORMS",
    "HAN",
    "Converter",
    "char_class",
    "looks_simplified",
    "maybe_simplified",
    "script_evidence",
    "script_of",
    "to_taiwan",
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
_IN_CONTEXT = in_context_pattern()
_SIMPLIFIED_OR_WORD = re.compile(f"{_IN_CONTEXT.pattern}|{_SIMPLIFIED_CHAR.pattern}")
# The one search on the hot path: any Simplified-only character or any listed word's trigger.
# Real Taiwan text matches it on about 3 % of lines (交, 表, 包, 松 ...); only those get the word search.
_QUICK = re.compile("[" + "".join(sorted(_SIMPLIFIED_ONLY | trigger_characters())) + "]")
_HAN_CHAR = re.compile(f"[{char_class(HAN)}]")
# Per trigger character, the listed spellings it triggers without their lookarounds: a cheap test
# that a spelling could match (lookarounds only narrow a match), before the exact search.
_TRIGGER_CHAR = re.compile("[" + "".join(sorted(trigger_characters())) + "]")
_LOOKAROUND = re.compile(r"\(\?<?[=!][^()]*\)")
_BY_TRIGGER = {char: re.compile("|".join(_LOOKAROUND.sub("", word.pattern) for word in IN_CONTEXT_WORDS
                                         if char in word.trigger))
               for char in trigger_characters()}


def script_evidence(text: str) -> tuple[int, int]:
    """Count (Simplified evidence, Traditional-only characters) in a line; (0, 0) fast for most lines.

    Simplified evidence: Simplified-only characters plus listed Simplified spellings
    (`builder.text.spellings`). Without Simplified evidence the Traditional count is not made: no
    caller needs it then.
    """
    if text.isascii() or _QUICK.search(text) is None:
        return 0, 0
    simplified = len(_SIMPLIFIED_CHAR.findall(text))
    # A trigger alone (表 in 表哥, 包 in 包包) is common in Taiwan text: try the few spellings it
    # triggers before the search over every spelling.
    present = set(_TRIGGER_CHAR.findall(text))
    if present and any(_BY_TRIGGER[char].search(text) for char in present):
        simplified += len(_IN_CONTEXT.findall(text))
    if simplified == 0:
        return 0, 0
    return simplified, len(_TRADITIONAL_CHAR.findall(text))


def maybe_simplified(texts: pa.Array) -> np.ndarray:
    """For a whole column at once: which texts `looks_simplified` could call Simplified (the rest
    hold none of its evidence: no Simplified-only character, no trigger of a listed spelling);
    only those need the per-text check. Python's compiled `_QUICK`, not Arrow's regex kernel,
    which compiles this large pattern again on every call (about 2 ms, more than the matching)."""
    quick = _QUICK.search
    return np.fromiter((text is not None and quick(text) is not None for text in texts.to_pylist()),
                       dtype=bool, count=len(texts))


def script_of(text: str) -> str:
    """Say which script a line is in: "traditional", "simplified", "mixed" or "none" (no hanzi).

    A line of characters both scripts share (我很好) with no Simplified spelling is "traditional":
    there is nothing to convert in it.
    """
    simplified, traditional = script_evidence(text)
    if simplified == 0:
        return "traditional" if _HAN_CHAR.search(text) else "none"
    return "mixed" if traditional else "simplified"


def looks_simplified(text: str) -> bool:
    """Say whether text is Simplified Chinese: more Simplified evidence than Traditional-only characters."""
    simplified, traditional = script_evidence(text)
    return simplified > traditional


@functools.cache
def _opencc(config: str) -> opencc.OpenCC:
    # One converter per config per process (about 15 ms to build); the binding holds the GIL,
    # so parallel builds use processes, each with its own.
    return opencc.OpenCC(config)


def _spans(text: str, view: str) -> list[tuple[int, int]]:
    """The Simplified evidence spans of a line, each grown over the changed run it sits in."""
    evidence = [(m.start(), m.end()) for m in _SIMPLIFIED_CHAR.finditer(text)]
    evidence.extend((m.start(), m.end()) for m in _IN_CONTEXT.finditer(text))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(evidence):
        # A neighbour that the context view also changes belongs to the same word: 干净 -> 乾淨
        # when only 净 is Simplified-only. A change elsewhere (台 -> 臺) is not ours to make.
        while start > 0 and view[start - 1] != text[start - 1]:
            start -= 1
        while end < len(text) and view[end] != text[end]:
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _merged(text: str, view: str) -> str:
    """The line with only its Simplified spans taken from `view`, a conversion of the same length."""
    out, last = [], 0
    for start, end in _spans(text, view):
        out.append(text[last:start])
        out.append(view[start:end])
        last = end
    out.append(text[last:])
    return "".join(out)


def _convert_mixed(text: str, led_by_simplified: bool) -> str:
    """Convert the Simplified spans of a line that also holds Traditional-only characters.

    Each span is read off a whole-line conversion, so it still gets its context (頭发 -> 頭髮);
    the writer's Traditional words (台灣, 支持) stay as typed.
    """
    simplified = str(_opencc("t2s.json").convert(text))
    if led_by_simplified:  # a Simplified writer's line: phrases and Taiwan vocabulary as well
        view = str(casual_converter().convert(simplified))
        return _merged(text, view) if len(view) == len(text) else view
    view = str(_opencc("s2tw.json").convert(simplified))  # characters only: 頭发 -> 頭髮, not 發
    if len(view) == len(text):
        return _merged(text, view)
    one = _opencc("s2tw.json").convert  # a phrase changed length: convert each span alone
    return _SIMPLIFIED_OR_WORD.sub(lambda m: str(one(m.group(0))), text)


def to_taiwan(text: str) -> tuple[str, bool]:
    """Convert a line with Simplified evidence to Taiwan Traditional; say whether it changed.

    A line without Simplified evidence comes back untouched: OpenCC rewrites 3-4 % of real Taiwan
    lines (台 -> 臺, 布 -> 佈). A Simplified line is converted whole, in context (为什么 -> 為什麼,
    这周干了 -> 這週幹了), with s2twp and our tables (`opencc_casual`). A line that also holds
    Traditional-only characters keeps its Traditional words; only its Simplified spans change.
    """
    simplified, traditional = script_evidence(text)
    if simplified == 0:
        return text, False
    if traditional == 0:
        converted = str(casual_converter().convert(text))
    else:
        converted = _convert_mixed(text, simplified > traditional)
    return converted, converted != text


class Converter:
    """Convert Simplified Chinese to Taiwan Traditional (`to_taiwan`), touching nothing else.

    Holds no OpenCC object itself (they are cached per process), so it pickles to workers; tests
    substitute a subclass.
    """

    __slots__ = ()

    def to_taiwan(self, text: str) -> tuple[str, bool]:
        """Convert a line (see `to_taiwan`); return it and whether it changed."""
        return to_taiwan(text)
