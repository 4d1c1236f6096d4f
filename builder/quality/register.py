"""Score how casual a normalised zh-TW line is: 0 is formal prose, 1 is chat.

The score is a logistic over evidence that is added up: the annotator's counts (particles,
interjections, Taiwan colloquial markers) and the weights of the words listed in
register_cues.py (pronouns, questions, everyday words, laughter tokens and emoji on the casual
side; written function words, notice and legal formulas, news conventions and topic words on the
formal side). A bias towards casual makes a short line with no evidence either way
(這條圍巾很暖。) read as casual: such lines are at home in casual data. Every Chinese character
takes a little of that bias back, except the characters everyday speech is made of (我 你 這 那
了 的 在 說 吃 ..., CORE_CHARS), which add a little: chat that runs long is dense in them, formal
prose (compounds, names, written function words) is not, so a long line without them reads formal
even when no listed word is in it. Words inside quotes (「敬請見諒」 quoted in a chat line) are
mentioned, not used, and do not count.

How words are found: every listed word is read as a character n-gram (one to four characters),
and each n-gram carries a weight chosen so that a whole listed word adds exactly its listed
weight (終於 adds 0 although 於 alone is formal: the bigram 終於 carries the difference). Weights
are summed as integers in hundredths, so a line gets the same score alone or in any batch.
`casual_scores` takes a whole batch through numpy in one pass over the joined text; small
batches and `casual_score` take a plain-Python path that gives the same integers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import repeat

import numpy as np

from builder.quality.register_cues import (
    BIAS,
    CASUAL_THRESHOLD,
    CHAR_WEIGHT,
    CORE_CHARS,
    CORE_WEIGHT,
    COUNT_CAP,
    DATE_NUMERALS,
    DATE_WEIGHT,
    EMOJI_RANGES,
    EMOJI_WEIGHT,
    INTERJECTION_WEIGHT,
    MARKER_WEIGHT,
    PARTICLE_WEIGHT,
    WORD_CUES,
)
from builder.text.script import HAN, char_class
from builder.types import Style

__all__ = [
    "CASUAL_THRESHOLD",
    "REGISTERS",
    "casual_score",
    "casual_scores",
    "cue_weights",
    "register_of",
    "score_styles",
    "scores_from_styles",
]

REGISTERS = ("casual", "formal")

# Words inside quotes are mentioned, not used (「敬請見諒」 quoted in a chat line): they do not count.
QUOTE_OPEN = "「『“"
QUOTE_CLOSE = "」』”"

_SCALE = 100  # weights are summed in hundredths: integers, exact in any order
_CLIP = 1000  # logits beyond ±10 score 0.0 or 1.0 once rounded to three decimals
_MAX_N = 4
_BMP = 0x10000
_NO_CHAR = 0xFFFF  # astral characters land here in the tables: a noncharacter in no cue
_SEPARATOR = "\n"  # joins the lines of a batch; no cue holds it, so no n-gram crosses lines
_QUOTE_BIT = 1
_NUMPY_FROM = 8  # below this many lines the plain-Python path is faster


def cue_weights() -> dict[str, float]:
    """Return every listed word with the weight its presence adds to a line."""
    weights: dict[str, float] = {}
    for weight, words in WORD_CUES:
        for word in words.split():
            if word in weights:
                raise ValueError(f"register cue {word!r} is listed twice")
            if len(word) > _MAX_N or any(ord(ch) >= _NO_CHAR for ch in word) or _SEPARATOR in word:
                raise ValueError(f"register cue {word!r}: at most {_MAX_N} characters, all in the BMP")
            weights[word] = weight
    for numeral in DATE_NUMERALS:
        weights.setdefault(numeral + "日", DATE_WEIGHT)
    return weights


def _ngram_deltas(weights: dict[str, int]) -> dict[str, int]:
    """Return per-n-gram weights whose overlapping sum over a listed word equals its weight."""
    deltas: dict[str, int] = {}
    for word in sorted(weights, key=len):
        inside = sum(
            deltas.get(word[i:j], 0) for i in range(len(word)) for j in range(i + 1, len(word) + 1) if j - i < len(word)
        )
        if weights[word] != inside:
            deltas[word] = weights[word] - inside
    return deltas


def _ranges(spec: str) -> list[tuple[int, int]]:
    """Read regex-class style ranges ("a-bc") into (low, high) code point pairs."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.append((ord(spec[i]), ord(spec[i + 2])))
            i += 3
        else:
            out.append((ord(spec[i]), ord(spec[i])))
            i += 1
    return out


def _centi(weight: float) -> int:
    return round(weight * _SCALE)


class _Tables:
    """The weights laid out twice: dicts for the plain-Python path, arrays for numpy."""

    def __init__(self) -> None:
        deltas = _ngram_deltas({word: _centi(w) for word, w in cue_weights().items()})
        # Every CJK character carries the base weight; `chars` holds what a character adds on top.
        self.base = _centi(CHAR_WEIGHT)
        chars: dict[str, int] = dict.fromkeys(CORE_CHARS, _centi(CORE_WEIGHT) - self.base)
        for low, high in _ranges(EMOJI_RANGES):
            chars.update(dict.fromkeys(map(chr, range(low, high + 1)), _centi(EMOJI_WEIGHT)))
        for word, delta in deltas.items():
            if len(word) == 1:
                chars[word] = chars.get(word, 0) + delta
        self.chars = {ch: weight for ch, weight in chars.items() if weight}
        self.cjk_re = re.compile("[" + char_class(HAN) + "]")
        self.ngrams = {word: delta for word, delta in deltas.items() if len(word) > 1}
        lengths: dict[str, set[int]] = {}
        for word in self.ngrams:
            lengths.setdefault(word[0], set()).add(len(word))
        self.lengths = {ch: tuple(sorted(ns)) for ch, ns in lengths.items()}
        self.first_re = re.compile("[" + re.escape("".join(sorted(self.lengths))) + "]")
        self.quote = {ch: 1 for ch in QUOTE_OPEN} | {ch: -1 for ch in QUOTE_CLOSE}
        self.quote_re = re.compile("[" + re.escape(QUOTE_OPEN + QUOTE_CLOSE) + "]")
        # Logits are whole hundredths within ±_CLIP, so every score there is can be tabled once.
        self.scores = [round(1.0 / (1.0 + math.exp(-i / _SCALE)), 3) for i in range(-_CLIP, _CLIP + 1)]
        self.score_array = np.array(self.scores, dtype=np.float64)
        self._arrays()

    def _arrays(self) -> None:
        """Lay the dicts out as tables indexed by code point, and sorted packed n-gram keys."""
        self.unigram = np.zeros(_BMP, dtype=np.int32)
        for low, high in HAN:
            self.unigram[low : min(high, _NO_CHAR - 1) + 1] = self.base
        # Hanzi beyond the BMP (Extension B on) weigh like the others; no cue holds one.
        self.astral_han = [(low, high) for low, high in HAN if high >= _BMP]
        astral: list[tuple[int, int]] = []
        for ch, weight in self.chars.items():
            if ord(ch) < _NO_CHAR:
                self.unigram[ord(ch)] += weight
            else:
                astral.append((ord(ch), weight))
        astral.sort()
        self.astral_codes = np.array([code for code, _ in astral], dtype=np.uint32)
        self.astral_weights = np.array([weight for _, weight in astral], dtype=np.int32)
        self.flags = np.zeros(_BMP, dtype=np.uint8)
        self.quote_step = np.zeros(_BMP, dtype=np.int32)
        for ch, step in self.quote.items():
            self.flags[ord(ch)] |= _QUOTE_BIT
            self.quote_step[ord(ch)] = step
        self.by_length: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        for n in range(2, _MAX_N + 1):
            items = sorted((_pack(word), delta) for word, delta in self.ngrams.items() if len(word) == n)
            if items:
                for word in self.ngrams:
                    if len(word) == n:
                        self.flags[ord(word[0])] |= 1 << n
                keys = np.array([key for key, _ in items], dtype=np.uint64)
                values = np.array([value for _, value in items], dtype=np.int32)
                self.by_length.append((n, 1 << n, keys, values))


def _pack(word: str) -> int:
    """Pack a BMP string of up to four characters into one integer, 16 bits a character."""
    key = 0
    for ch in word:
        key = (key << 16) | ord(ch)
    return key


_TABLES = _Tables()


def _line_sum(text: str) -> int:
    """Return the summed cue weight of one line, in hundredths (the plain-Python path)."""
    tables = _TABLES
    ngrams = tables.ngrams
    size = len(text)
    if tables.quote_re.search(text) is None:
        total = tables.base * len(tables.cjk_re.findall(text)) + sum(map(tables.chars.get, text, repeat(0)))
        for match in tables.first_re.finditer(text):
            i = match.start()
            for n in tables.lengths[text[i]]:
                if i + n <= size:  # a slice cut short by the end of the line is another word
                    total += ngrams.get(text[i : i + n], 0)
        return total
    # Quoted words count for nothing: keep the weight of each position, then drop the quoted ones.
    cjk = tables.cjk_re.match
    weights = [tables.chars.get(ch, 0) + (tables.base if cjk(ch) else 0) for ch in text]
    for match in tables.first_re.finditer(text):
        i = match.start()
        weights[i] += sum(ngrams.get(text[i : i + n], 0) for n in tables.lengths[text[i]] if i + n <= size)
    depth = 0
    for i, ch in enumerate(text):
        step = tables.quote.get(ch, 0)
        depth += step
        if depth > 0 and not step:
            weights[i] = 0
    return sum(weights)


def _batch_sums(texts: Sequence[str]) -> np.ndarray:
    """Return the summed cue weight of each line, in hundredths (the numpy path)."""
    tables = _TABLES
    # Padding after the last line keeps every n-gram read inside the array.
    joined = _SEPARATOR.join(texts) + _SEPARATOR * _MAX_N
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    low = np.minimum(codes, _NO_CHAR).astype(np.intp)  # intp: numpy indexes with it without a copy
    weights = tables.unigram[low]
    if int(codes.max()) >= _BMP:
        for first, last in tables.astral_han:
            weights[(codes >= first) & (codes <= last)] += tables.base
        if tables.astral_codes.size:
            where = np.flatnonzero(codes >= _BMP)
            slot = np.minimum(np.searchsorted(tables.astral_codes, codes[where]), tables.astral_codes.size - 1)
            hit = tables.astral_codes[slot] == codes[where]
            weights[where[hit]] += tables.astral_weights[slot[hit]]
    flags = tables.flags[low]
    # One pass finds every position that may open a cue word; each length then filters those few.
    starting = np.flatnonzero(flags & ~np.uint8(_QUOTE_BIT))
    starting_flags = flags[starting]
    for n, bit, keys, values in tables.by_length:
        where = starting[(starting_flags & bit) != 0]
        if where.size == 0:
            continue
        packed = low[where].astype(np.uint64)
        for k in range(1, n):
            packed = (packed << np.uint64(16)) | low[where + k].astype(np.uint64)
        slot = np.minimum(np.searchsorted(keys, packed), len(keys) - 1)
        hit = keys[slot] == packed
        weights[where[hit]] += values[slot[hit]]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    lengths[-1] += _MAX_N - 1  # the last line owns the padding instead of one separator
    if (flags & _QUOTE_BIT).any():
        step = tables.quote_step[low]
        depth = np.cumsum(step)
        depth -= np.repeat(depth[starts] - step[starts], lengths)  # count from each line's start
        weights[(depth > 0) & (step == 0)] = 0
    return np.add.reduceat(weights, starts, dtype=np.int64)


def _batch_logits(
    sums: np.ndarray, particles: np.ndarray, interjections: np.ndarray, markers: np.ndarray
) -> np.ndarray:
    """Add the bias and the annotator's evidence to the cue sums (hundredths, element-wise)."""
    return (
        _centi(BIAS)
        + sums
        + _centi(PARTICLE_WEIGHT) * np.minimum(particles, COUNT_CAP)
        + _centi(INTERJECTION_WEIGHT) * np.minimum(interjections, COUNT_CAP)
        + _centi(MARKER_WEIGHT) * np.minimum(markers, COUNT_CAP)
    )


def casual_scores(
    texts: Sequence[str],
    particle_counts: Sequence[int],
    interjection_counts: Sequence[int],
    marker_counts: Sequence[int],
) -> list[float]:
    """Score a batch of lines in [0, 1] (1 is casual); the counts are the annotator's, per line."""
    size = len(texts)
    if not (size == len(particle_counts) == len(interjection_counts) == len(marker_counts)):
        raise ValueError("casual_scores: texts and the three count sequences must have one entry per line")
    if size < _NUMPY_FROM:
        return [casual_score(*row) for row in zip(texts, particle_counts, interjection_counts, marker_counts)]
    logits = _batch_logits(
        _batch_sums(texts),
        np.asarray(particle_counts, dtype=np.int64),
        np.asarray(interjection_counts, dtype=np.int64),
        np.asarray(marker_counts, dtype=np.int64),
    )
    return _TABLES.score_array[np.clip(logits, -_CLIP, _CLIP) + _CLIP].tolist()


def casual_score(text: str, particles: int = 0, interjections: int = 0, markers: int = 0) -> float:
    """Score one line in [0, 1] (1 is casual), given the annotator's counts for it."""
    logit = (
        _centi(BIAS)
        + _line_sum(text)
        + _centi(PARTICLE_WEIGHT) * min(particles, COUNT_CAP)
        + _centi(INTERJECTION_WEIGHT) * min(interjections, COUNT_CAP)
        + _centi(MARKER_WEIGHT) * min(markers, COUNT_CAP)
    )
    return _TABLES.scores[min(max(logit, -_CLIP), _CLIP) + _CLIP]


def scores_from_styles(texts: Sequence[str], styles: Sequence[Style]) -> list[float]:
    """Score lines from their annotations (the particles, interjections and markers of each Style)."""
    return casual_scores(
        texts,
        [len(style.particles) for style in styles],
        [len(style.interjections) for style in styles],
        [len(style.markers) for style in styles],
    )


def score_styles(texts: Sequence[str], styles: Sequence[Style]) -> list[Style]:
    """Return each line's Style with its casual score filled in (a batch: the numpy path)."""
    scores = scores_from_styles(texts, styles)
    return [Style(s.particles, s.interjections, s.markers, s.mainland_terms, s.length, score)
            for s, score in zip(styles, scores, strict=True)]


def register_of(score: float) -> str:
    """Return "casual" or "formal" for a casual score."""
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"register_of: a casual score is in [0, 1], got {score!r}")
    return "casual" if score >= CASUAL_THRESHOLD else "formal"
