"""The [filter] settings of the bitext filters: which kinds run, in which order, with what thresholds.

Every kind is switched by a key of its own name; `enabled = false` turns the whole stage off. An
unknown key or a bad value is a ConfigError naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from builder.errors import ConfigError

__all__ = ["KINDS", "SHORT_UNIT", "FilterSettings"]

# The kinds, in the order they are checked (the first that applies is the reason): damage to the
# text first (a mis-decoded or tagged line makes every later measure meaningless), then lines with
# nothing to translate, then script, then the cross-side checks, the costliest last.
# Rule (b) of the repetition check looks at units of up to this many characters.
SHORT_UNIT = 4

KINDS = ("mojibake", "markup", "repetition", "no_letters", "zh_not_chinese", "en_not_english", "length_ratio",
         "numbers_disagree")


@dataclass(frozen=True)
class FilterSettings:
    """The [filter] table: a switch per kind (named as the kind) and each kind's thresholds."""

    enabled: bool = True  # false: the stage passes every pair
    mojibake: bool = True
    markup: bool = True
    repetition: bool = True
    no_letters: bool = True
    zh_not_chinese: bool = True
    en_not_english: bool = True
    length_ratio: bool = True
    numbers_disagree: bool = True
    mojibake_min_hits: int = 1  # mis-decoded sequences (Ã©, â€™, é¤¨) or U+FFFD in the pair
    markup_keep_shared_urls: bool = True  # the same URL inside both sentences is not markup
    repetition_min_repeats: int = 10  # a unit of 1..max_unit characters repeated this often in a row
    repetition_max_unit: int = 8
    repetition_min_chars: int = 6  # or a run of a 1-4 character unit (3+ times) this long ...
    repetition_min_share: float = 0.8  # ... that is this share of the side's characters
    zh_max_latin_share: float = 0.6  # Latin words / (Latin words + hanzi) above this ...
    zh_min_latin_words: int = 2  # ... with at least this many Latin words
    zh_max_foreign_share: float = 0.25  # kana, hangul, other letters / (those + hanzi) above this ...
    zh_min_foreign_chars: int = 2  # ... with at least this many of them
    en_max_foreign_share: float = 0.5  # non-Latin letters (hanzi, kana, hangul, Cyrillic, ...) / letters
    en_max_digit_share: float = 0.67  # digits / (digits + Latin letters) above this ...
    en_min_digits: int = 6  # ... with at least this many digits
    length_min_ratio: float = 0.3  # zh units >= min_ratio * en words - min_slack
    length_min_slack: float = 2.0
    length_max_ratio: float = 3.0  # zh units <= max_ratio * en words + max_slack
    length_max_slack: float = 12.0
    numbers_tolerance: float = 0.0  # relative difference under which two numbers are the same

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.type == "bool" and not isinstance(value, bool):
                raise ConfigError(f"[filter] {item.name} must be true or false, not {value!r}")
            if item.type == "int" and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ConfigError(f"[filter] {item.name} must be a positive integer, not {value!r}")
            if item.type == "float" and (not isinstance(value, (int, float)) or isinstance(value, bool)
                                         or value < 0):
                raise ConfigError(f"[filter] {item.name} must be a non-negative number, not {value!r}")
        shares = ("repetition_min_share", "zh_max_latin_share", "zh_max_foreign_share", "en_max_foreign_share",
                  "en_max_digit_share", "numbers_tolerance")
        for name in shares:
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"[filter] {name} must be between 0 and 1, not {getattr(self, name)!r}")
        if not 3 <= self.repetition_min_repeats <= 100:
            raise ConfigError(f"[filter] repetition_min_repeats must be 3..100, not {self.repetition_min_repeats}")
        if not self.repetition_max_unit <= 12:
            raise ConfigError(f"[filter] repetition_max_unit must be 1..12, not {self.repetition_max_unit}")

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> FilterSettings:
        """Build settings from a [filter] table; unknown keys and bad values raise ConfigError."""
        known = [item.name for item in fields(cls)]
        for key in table:
            if key not in known:
                raise ConfigError(f"[filter] unknown key {key!r}; known: {', '.join(known)}")
        return cls(**table)

    def kinds_on(self) -> tuple[str, ...]:
        """Return the kinds that run, in check order."""
        return tuple(kind for kind in KINDS if self.enabled and getattr(self, kind))

    def signature(self) -> str:
        """Return a short string that records how the filters were set."""
        if not self.kinds_on():
            return "filter:off"
        off = [kind for kind in KINDS if not getattr(self, kind)]
        return (f"filter:1|off={','.join(off) or '-'}|moji={self.mojibake_min_hits}"
                f"|urls={'keep' if self.markup_keep_shared_urls else 'drop'}"
                f"|rep={self.repetition_min_repeats}/{self.repetition_max_unit}/{self.repetition_min_chars}"
                f"/{self.repetition_min_share:g}|zh={self.zh_max_latin_share:g}/{self.zh_min_latin_words}"
                f"/{self.zh_max_foreign_share:g}/{self.zh_min_foreign_chars}|en={self.en_max_foreign_share:g}"
                f"/{self.en_max_digit_share:g}/{self.en_min_digits}|len={self.length_min_ratio:g}"
                f"/{self.length_min_slack:g}/{self.length_max_ratio:g}/{self.length_max_slack:g}"
                f"|num={self.numbers_tolerance:g}")

    def periodic_needs(self) -> tuple[int, ...]:
        """Return, per unit length, the periodic run that the repetition check must look at."""
        if not self.enabled or not self.repetition:
            return ()
        needs = []
        for unit in range(1, self.repetition_max_unit + 1):
            # The last repeat of a longer unit may lack its final character ("buy now buy now").
            need = (self.repetition_min_repeats - 1) * unit - (unit > 1)
            if unit <= SHORT_UNIT:
                need = min(need, max(self.repetition_min_chars, 3 * unit) - unit)
            needs.append(max(need, 1))
        return tuple(needs)

