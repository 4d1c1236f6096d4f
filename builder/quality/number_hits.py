"""Where the numbers of a batch's lines start, found with numpy so that no line is scanned in Python.

English: digit runs and whole ASCII words that are number words (each word of 3 to 9 letters is
packed into one integer, 5 bits a letter, and looked up in a sorted table). Chinese: runs of
digits and numerals, and 半. The readers (numbers_en, numerals) start an anchored match at each
position; standalone calls find the same positions with a regex (`hit_positions`), and a test
checks that the two agree.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np

from builder.quality.char_classes import DIGIT

__all__ = ["chinese_hits", "english_hits", "word_code"]


def word_code(word: str) -> int:
    """Pack a lower-case ASCII word of at most 9 letters into an integer, 5 bits a letter."""
    return sum((ord(char) - 0x60) << (5 * k) for k, char in enumerate(word))


def _table(words: Iterable[str]) -> np.ndarray:
    return _cached_table(frozenset(words))


@functools.cache
def _cached_table(words: frozenset[str]) -> np.ndarray:
    return np.array(sorted(word_code(w) for w in words), dtype=np.int64)


def _starts(mask: np.ndarray) -> np.ndarray:
    begin = mask.copy()
    begin[1:] &= ~mask[:-1]
    return begin


def english_hits(points: np.ndarray, classes: np.ndarray, look: np.ndarray, words: Iterable[str],
                 strong: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (sorted positions of digit runs and number words, which are strong) where `look` is true."""
    where = np.flatnonzero(look)  # work on the lines worth a look only, then map positions back
    points = np.take(points, where)
    lower = points | 0x20
    letter = (lower >= 0x61) & (lower <= 0x7A) & (points < 0x80)
    first = np.flatnonzero(_starts(letter))
    last = np.flatnonzero(letter & ~np.append(letter[1:], False))
    length = last - first + 1
    keep = (length >= 3) & (length <= 9)
    first, length = first[keep], length[keep]
    # First a cheap sieve on (three first letters, length), then the whole word.
    code = (np.take(lower, first).astype(np.int64) - 0x60) \
        | ((np.take(lower, first + 1).astype(np.int64) - 0x60) << 5) \
        | ((np.take(lower, first + 2).astype(np.int64) - 0x60) << 10)
    sieve = _member(code | (length << 45), _prefix_table(frozenset(words)))
    first, length, code = first[sieve], length[sieve], code[sieve]
    for k in range(3, 9):
        inside = np.flatnonzero(length > k)
        code[inside] |= (np.take(lower, first[inside] + k).astype(np.int64) - 0x60) << (5 * k)
    member = _member(code, _table(words))
    found = first[member]
    found_strong = _member(code[member], _table(strong))
    digits = np.flatnonzero(_starts((np.take(classes, where) & DIGIT).astype(bool)))
    positions = np.concatenate((digits, found))
    strong_flags = np.concatenate((np.ones(len(digits), dtype=bool), found_strong))
    order = np.argsort(positions, kind="stable")
    return where[positions[order]], strong_flags[order]


@functools.cache
def _prefix_table(words: frozenset[str]) -> np.ndarray:
    return np.array(sorted(word_code(w[:3]) | (len(w) << 45) for w in words), dtype=np.int64)


def _member(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    where = np.searchsorted(table, codes)
    return table[np.minimum(where, len(table) - 1)] == codes


def chinese_hits(points: np.ndarray, numeral: np.ndarray) -> np.ndarray:
    """Return the sorted start positions of runs of digits and numerals (`numeral` plus 一), and of 半."""
    run = numeral | (points == ord("一"))
    return np.flatnonzero(_starts(run) | (points == ord("半")))
