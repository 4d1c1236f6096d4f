"""The [dedup] table of the build config, checked, with a short signature for the build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from builder.errors import ConfigError

__all__ = ["DedupSettings"]


@dataclass(frozen=True)
class DedupSettings:
    """The [dedup] table of the build config; every field has a documented default."""

    policy: str = "drop"  # "drop": keep one representative per cluster; "keep": keep all
    near: bool = True  # near-duplicate stage on (the exact stage always runs)
    threshold: float = 0.6  # n-gram Jaccard of the side that differs (min of both: both-sides)
    ngram_zh: int = 2
    ngram_en: int = 4
    num_perm: int = 64  # MinHash size, "both-sides" only
    bands: int = 0  # LSH bands, "both-sides" only; 0: the fewest that catch J = threshold (99 %)
    particle_variants: str = "duplicate"  # "keep": 好啦 / 好喔 variants stay apart (augmentation)
    match: str = "one-side"  # "one-side" | "both-sides"

    def __post_init__(self) -> None:
        checks = [
            (self.policy in ("drop", "keep"), "policy must be 'drop' or 'keep'"),
            (self.particle_variants in ("duplicate", "keep"),
             "particle_variants must be 'duplicate' or 'keep'"),
            (self.match in ("one-side", "both-sides"), "match must be 'one-side' or 'both-sides'"),
            (isinstance(self.near, bool), "near must be true or false"),
            (isinstance(self.threshold, (int, float)) and not isinstance(self.threshold, bool)
             and 0.0 < self.threshold <= 1.0, "threshold must be a number in (0, 1]"),
        ]
        for name in ("ngram_zh", "ngram_en", "num_perm", "bands"):
            value = getattr(self, name)
            low = 0 if name == "bands" else 1
            sign = "non-negative" if low == 0 else "positive"
            checks.append((isinstance(value, int) and not isinstance(value, bool) and value >= low,
                           f"{name} must be a {sign} integer"))
        checks.append((self.ngram_zh <= 8 and self.ngram_en <= 8, "n-gram sizes must be <= 8"))
        checks.append((self.bands == 0 or self.num_perm % max(self.bands, 1) == 0,
                       "num_perm must be a multiple of bands"))
        for ok, message in checks:
            if not ok:
                raise ConfigError(f"[dedup] {message}")

    def lsh_bands(self) -> int:
        """Return the LSH band count: as set, or the fewest whose S-curve catches the threshold."""
        if self.bands:
            return self.bands
        for rows in range(self.num_perm, 0, -1):  # fewer, longer bands: fewer false candidates
            if self.num_perm % rows == 0:
                count = self.num_perm // rows
                if 1.0 - (1.0 - self.threshold ** rows) ** count >= 0.99:
                    return count
        return self.num_perm

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> DedupSettings:
        """Build settings from a config table; unknown keys and bad values raise ConfigError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(m) - known)
        if unknown:
            raise ConfigError(f"[dedup] unknown key {unknown[0]!r}; known: "
                              f"{', '.join(sorted(known))}")
        values = dict(m)
        if isinstance(values.get("threshold"), int) and not isinstance(values["threshold"], bool):
            values["threshold"] = float(values["threshold"])
        return cls(**values)

    def signature(self) -> str:
        """Return a short string for the build signature."""
        return (f"dedup:{self.policy}|near={'on' if self.near else 'off'}|{self.match}"
                f"|j>={self.threshold:g}|n={self.ngram_en},{self.ngram_zh}"
                f"|particles={self.particle_variants}"
                + (f"|mh={self.num_perm}/{self.lsh_bands()}" if self.match == "both-sides" else ""))
