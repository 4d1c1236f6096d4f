"""Bitext quality filters: say why a normalised en / zh-TW pair is not a usable translation.

The kinds and their check order are in `builder.quality.filter_settings` (`KINDS`): the first kind
that applies is the reason. `check_pairs` does the work for a batch: numpy counts per line
(`builder.quality.char_classes`) decide the count-based kinds outright and point the regex-based
kinds (`builder.quality.damage`, the number check) at the few lines worth a look. `check_pair` is
the same code on a batch of one. The filters only judge: they never change text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from builder.quality.char_classes import FOREIGN, HAN, LATIN, MARKUP_HINT, MOJI_HINT, NUM_HINT, SideCounts, count_side
from builder.quality.damage import is_markup, is_mojibake, is_repetitive
from builder.quality.filter_settings import KINDS, FilterSettings
from builder.quality.number_hits import chinese_hits, english_hits
from builder.quality.numbers_en import NUMBER_WORDS, STRONG_WORDS
from builder.quality.numbers_zh import numbers_disagree

__all__ = ["EN_FIELDS", "KINDS", "ZH_FIELDS", "FilterSettings", "check_pair", "check_pairs"]

EN_FIELDS = ("latin", "nonlatin", "digits", "spaces")
ZH_FIELDS = ("han", "foreign", "latin_words", "digit_runs")
_LETTER = LATIN | HAN | FOREIGN


def _count_masks(en: SideCounts, zh: SideCounts, s: FilterSettings) -> dict[str, np.ndarray]:
    """Return the kinds decided from counts alone: a true entry means the pair fails."""
    latin, nonlatin, digits = en.counts["latin"], en.counts["nonlatin"], en.counts["digits"]
    han, foreign, zh_latin = zh.counts["han"], zh.counts["foreign"], zh.counts["latin_words"]
    en_words = en.counts["spaces"] + 1
    zh_units = han + foreign + zh_latin + zh.counts["digit_runs"]
    return {
        "no_letters": ((en.bits & _LETTER) == 0) | ((zh.bits & _LETTER) == 0),
        "zh_not_chinese": ((foreign >= s.zh_min_foreign_chars) & (foreign > s.zh_max_foreign_share * (han + foreign)))
        | ((zh_latin >= s.zh_min_latin_words) & (zh_latin > s.zh_max_latin_share * (zh_latin + han))),
        "en_not_english": ((nonlatin > 0) & (nonlatin > s.en_max_foreign_share * (latin + nonlatin)))
        | ((digits >= s.en_min_digits) & (digits > s.en_max_digit_share * (digits + latin))),
        "length_ratio": (zh_units < s.length_min_ratio * en_words - s.length_min_slack)
        | (zh_units > s.length_max_ratio * en_words + s.length_max_slack),
    }


def _gate_masks(en: SideCounts, zh: SideCounts, en_numbers: np.ndarray) -> dict[str, np.ndarray]:
    """Return, for the regex-checked kinds, the lines that could fail (a superset)."""
    either = en.bits | zh.bits
    return {
        "mojibake": (either & MOJI_HINT) != 0,
        "markup": ((either & MARKUP_HINT) != 0) | en.www | zh.www,
        "repetition": en.periodic | zh.periodic,
        # Both sides must state a strong number (a digit, or a numeral or word that is not 一/one).
        "numbers_disagree": en_numbers,  # lines whose both sides state a strong number
    }


class _Numbers:
    """Where the numbers of the candidate lines start, found once for the batch."""

    def __init__(self, en: SideCounts, zh: SideCounts) -> None:
        self.en, self.zh = en, zh
        # Only lines whose zh side holds a strong numeral can disagree: look at those alone.
        self.zh_numeral = (zh.bits & NUM_HINT) != 0
        self.en_positions, strong = english_hits(en.points, en.classes, en.point_mask(self.zh_numeral),
                                                 NUMBER_WORDS, STRONG_WORDS)
        self.strong_lines = en.lines_of(self.en_positions[strong])
        self.lines: dict[int, tuple[list[int], list[int]]] = {}

    def prepare(self, lines: np.ndarray) -> None:
        """Find the number starts of `lines` (the candidates of the numbers check)."""
        zh_positions = chinese_hits(self.zh.points, (self.zh.classes & NUM_HINT).astype(bool))
        en_lists = self.en.per_line(self.en_positions, lines)
        zh_lists = self.zh.per_line(zh_positions, lines)
        self.lines = dict(zip(lines.tolist(), zip(en_lists, zh_lists, strict=True), strict=True))


def check_pairs(ens: Sequence[str], zhs: Sequence[str], settings: FilterSettings) -> list[str | None]:
    """Return, for each pair of a batch, None when it passes or the reason it fails."""
    if len(ens) != len(zhs):
        raise ValueError(f"check_pairs: {len(ens)} en lines but {len(zhs)} zh lines")
    kinds = settings.kinds_on()
    results: list[str | None] = [None] * len(ens)
    if not kinds or not ens:
        return results
    needs = settings.periodic_needs()
    en, zh = count_side(ens, needs, EN_FIELDS), count_side(zhs, needs, ZH_FIELDS)
    numbers = _Numbers(en, zh) if "numbers_disagree" in kinds else None
    masks = {**_count_masks(en, zh, settings),
             **_gate_masks(en, zh, numbers.strong_lines if numbers else np.zeros(len(ens), dtype=bool))}
    flags = np.zeros(len(ens), dtype=np.int64)
    for bit, kind in enumerate(kinds):
        flags |= masks[kind].astype(np.int64) << bit
    if numbers is not None:
        numbers.prepare(np.flatnonzero(masks["numbers_disagree"]))
    candidates = np.flatnonzero(flags)
    for index, flag in zip(candidates.tolist(), flags[candidates].tolist(), strict=True):
        while flag:  # the set bits, lowest (earliest kind) first
            low = flag & -flag
            kind = kinds[low.bit_length() - 1]
            if kind in _COUNTED or _confirm(kind, ens[index], zhs[index], settings, numbers, index):
                results[index] = kind
                break
            flag ^= low
    return results


_COUNTED = frozenset(("no_letters", "zh_not_chinese", "en_not_english", "length_ratio"))


def _confirm(kind: str, en: str, zh: str, settings: FilterSettings, numbers: _Numbers | None, index: int) -> bool:
    """Run the exact check of a regex-based kind; count-based kinds are already exact."""
    if kind == "mojibake":
        return is_mojibake(en, zh, settings)
    if kind == "markup":
        return is_markup(en, zh, settings)
    if kind == "repetition":
        return is_repetitive(en, settings) or is_repetitive(zh, settings)
    if kind == "numbers_disagree" and numbers is not None:
        en_starts, zh_starts = numbers.lines[index]
        return numbers_disagree(en, zh, settings.numbers_tolerance, en_starts, zh_starts)
    return True


def check_pair(en: str, zh: str, settings: FilterSettings) -> str | None:
    """Return None when a normalised pair passes the filters, else the reason it fails."""
    return check_pairs([en], [zh], settings)[0]
