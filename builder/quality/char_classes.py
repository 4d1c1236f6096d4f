"""Per-line character counts for a batch of lines, computed with numpy, a few passes per side.

The filters decide most pairs from these counts alone; only the lines whose counts show a hint
(a markup character, a possible mojibake lead, a long periodic run, numerals on both sides) go
on to the exact regex checks. A whole batch is one UTF-32 array, so the cost per line is a few
vector operations instead of Python-level work per character.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from builder.text.script import BOPOMOFO
from builder.text.script import HAN as HAN_RANGES

__all__ = [
    "DIGIT",
    "FOREIGN",
    "HAN",
    "LATIN",
    "MARKUP_HINT",
    "MOJI_HINT",
    "NUM_HINT",
    "SPACE",
    "SideCounts",
    "char_class",
    "count_side",
]

# One bit per property; a character can have several (a digit is DIGIT and NUM_HINT).
LATIN = 1  # a Latin-script letter: ASCII, Latin-1, Latin Extended A/B and Additional, full-width
HAN = 2  # a hanzi or bopomofo (builder.text.script's ranges): Chinese script
FOREIGN = 4  # any other letter (str.isalpha): kana, hangul, Cyrillic, Greek, Thai, Arabic, ...
DIGIT = 8  # 0-9 and full-width ０-９
NUM_HINT = 16  # a digit, or a Chinese numeral that can start or carry a count (not 一, not 半)
MARKUP_HINT = 32  # < > & / : a tag, an entity or a URL path needs one
MOJI_HINT = 64  # U+00C2-U+00F4 (a UTF-8 lead byte read as Latin-1/cp1252) or U+FFFD
SPACE = 128

_ZH_NUMERALS = "二三四五六七八九十百千萬億兩零〇万亿两"  # with the Simplified 万 亿 两 that may survive
_RANGES_LATIN = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))


def _build_table() -> np.ndarray:
    """Return the class bits of every code point (1.1 MB, built once per process, ~20 ms)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    # str.isalpha is the definition of "a letter"; scanning the BMP and the CJK extension
    # planes is enough (other supplementary letters are too rare to matter here).
    alpha = [cp for cp in range(0x80, 0x10000) if chr(cp).isalpha()]
    table[np.array(alpha)] = FOREIGN
    for low, high in _RANGES_LATIN:
        block = table[low:high + 1]
        block[block == FOREIGN] = LATIN
        if high < 0x80:
            block[:] = LATIN
    for low, high in (*HAN_RANGES, *BOPOMOFO):
        table[low:high + 1] = HAN
    for char in "0123456789０１２３４５６７８９":
        table[ord(char)] = DIGIT | NUM_HINT
    for char in _ZH_NUMERALS:
        table[ord(char)] |= NUM_HINT
    for char in "<>&/":
        table[ord(char)] = MARKUP_HINT
    table[0xC2:0xF5] |= MOJI_HINT
    table[0xFFFD] |= MOJI_HINT
    table[0x20] = SPACE
    return table


_TABLE = _build_table()


def char_class(char: str) -> int:
    """Return the class bits of one character (for tests and docs)."""
    return int(_TABLE[ord(char)])


# Counts a side can ask for: a class (any of its bits) or the start of a run of a class.
_CLASS_FIELDS = {"latin": LATIN, "han": HAN, "foreign": FOREIGN, "nonlatin": HAN | FOREIGN, "digits": DIGIT,
                 "spaces": SPACE}
_RUN_FIELDS = {"latin_words": LATIN, "digit_runs": DIGIT}


@dataclass(frozen=True)
class SideCounts:
    """Counts and hints for each line of one side of a batch (numpy arrays, one entry per line)."""

    counts: dict[str, np.ndarray]  # the fields asked for: latin, han, foreign, nonlatin, digits, ...
    bits: np.ndarray  # OR of the class bits of the line's characters
    www: np.ndarray  # holds "www" (a URL hint without a slash)
    periodic: np.ndarray  # holds a periodic run long enough that the repetition check must look
    points: np.ndarray  # the batch's code points, lines joined by a NUL
    classes: np.ndarray  # the class bits of each code point
    starts: np.ndarray  # where each line starts in `points`
    lengths: np.ndarray

    def per_line(self, positions: np.ndarray, lines: np.ndarray) -> list[list[int]]:
        """Return, for each of `lines`, the sorted `positions` inside it, relative to its start."""
        low = np.searchsorted(positions, self.starts[lines])
        high = np.searchsorted(positions, self.starts[lines] + self.lengths[lines])
        line_of = np.searchsorted(self.starts, positions, side="right") - 1
        local = (positions - self.starts[line_of]).tolist()
        return [local[a:b] for a, b in zip(low.tolist(), high.tolist(), strict=True)]

    def lines_of(self, positions: np.ndarray) -> np.ndarray:
        """Return a per-line mask: the line holds one of `positions`."""
        mask = np.zeros(len(self.starts), dtype=bool)
        mask[np.searchsorted(self.starts, positions, side="right") - 1] = True
        return mask

    def point_mask(self, lines: np.ndarray) -> np.ndarray:
        """Return a per-code-point mask from a per-line mask (the separator after a line included)."""
        return np.repeat(lines, self.lengths + 1)


def _periodic_lines(points: np.ndarray, starts: np.ndarray, needs: Sequence[int]) -> np.ndarray:
    """Return the line indexes holding a run where a[i] == a[i+u] for needs[u-1] positions in a row."""
    found = []
    for unit, need in enumerate(needs, start=1):
        if need <= 0 or len(points) <= unit + need:
            continue
        run = points[unit:] == points[:-unit]
        width = 1
        while width * 2 <= need:  # erosion: run[i] becomes "all of [i, i + width) equal"
            run = run[:-width] & run[width:]
            width *= 2
        if width < need:
            run = run[:-(need - width)] & run[need - width:]
        found.append(np.flatnonzero(run))
    if not found:
        return np.zeros(0, dtype=np.int64)
    return np.searchsorted(starts, np.concatenate(found), side="right") - 1


def _run_starts(mask: np.ndarray) -> np.ndarray:
    begin = mask.copy()
    begin[1:] &= ~mask[:-1]
    return begin


def _count(classes: np.ndarray, starts: np.ndarray, fields: Sequence[str]) -> dict[str, np.ndarray]:
    """Count each field per line (one reduceat per field: cheaper here than packing fields together)."""
    counts = {}
    for name in fields:
        if name in _RUN_FIELDS:
            mask = _run_starts((classes & _RUN_FIELDS[name]).astype(bool))
        else:
            mask = (classes & _CLASS_FIELDS[name]).astype(bool)
        counts[name] = np.add.reduceat(mask, starts, dtype=np.int32)
    return counts


def count_side(lines: Sequence[str], needs: Sequence[int], fields: Sequence[str]) -> SideCounts:
    """Count `fields` per line; `needs[u-1]` is the periodic-run length (unit u) worth a closer look."""
    n = len(lines)
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    # A separator after every line: segments are never empty (reduceat needs that) and runs
    # cannot continue from one line into the next.
    text = "\x00".join(lines) + "\x00"
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    classes = np.take(_TABLE, points)  # np.take: about twice as fast as points-indexing here
    w = points == 0x77
    www = np.zeros(n, dtype=bool)
    if len(points) > 2:
        www[np.searchsorted(starts, np.flatnonzero(w[:-2] & w[1:-1] & w[2:]), side="right") - 1] = True
    periodic = np.zeros(n, dtype=bool)
    periodic[_periodic_lines(points, starts, needs)] = True
    return SideCounts(counts=_count(classes, starts, fields), bits=np.bitwise_or.reduceat(classes, starts),
                      www=www, periodic=periodic, points=points, classes=classes, starts=starts, lengths=lengths)
