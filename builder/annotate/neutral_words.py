"""The word list behind the casualize plain side: colloquial forms, neutral forms, conditions.

`load_neutral_words` reads and checks `builder/data/neutral_words.tsv` (written for twcasual; its
header documents the format); `compile_matcher` turns rows into one regex alternation, longest
form first, with each row's condition written as lookarounds, so mapping a line is one C-level
scan plus a Python call per hit; `default_matcher` builds the shipped list once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from builder.annotate.lexicon import BOUNDARY_CLASS
from builder.text.script import HAN, char_class

__all__ = [
    "CONDITION_KINDS",
    "DEFAULT_WORDS",
    "NeutralMatcher",
    "NeutralWord",
    "compile_matcher",
    "default_matcher",
    "load_neutral_words",
    "map_neutral_words",
]

DEFAULT_WORDS = Path(__file__).parent.parent / "data" / "neutral_words.tsv"
CONDITION_KINDS = ("before_hanzi", "before", "not_before", "after", "not_after", "clause_end", "alone")

_HANZI = char_class(HAN)
_BOUNDARY = BOUNDARY_CLASS


# --- rows -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeutralWord:
    """One row of the word list: a colloquial form, its neutral form ("=" keeps it) and when."""

    colloquial: str
    neutral: str
    conditions: tuple[str, ...]
    note: str = ""
    line: int = 0


def _check_condition(condition: str, where: str) -> None:
    kind, sep, chars = condition.partition(":")
    if kind not in CONDITION_KINDS:
        raise ValueError(f"{where}: unknown condition {condition!r}. Known: {', '.join(CONDITION_KINDS)}")
    if bool(sep) != (kind in ("before", "not_before", "after", "not_after")) or (sep and not chars):
        raise ValueError(f"{where}: condition {condition!r} is malformed (before:XYZ, alone, ...)")


def load_neutral_words(path: str | Path = DEFAULT_WORDS) -> tuple[NeutralWord, ...]:
    """Read a word list (colloquial, neutral, condition, note; # comments) and check every row."""
    rows: list[NeutralWord] = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        where = f"{path}:{number}"
        if len(fields) < 3 or not fields[0] or not fields[1]:
            raise ValueError(f"{where}: expected colloquial<TAB>neutral<TAB>condition[<TAB>note], got {raw!r}")
        conditions = () if fields[2].strip() == "-" else tuple(fields[2].split())
        for condition in conditions:
            _check_condition(condition, where)
        note = fields[3] if len(fields) > 3 else ""
        rows.append(NeutralWord(fields[0], fields[1], conditions, note, number))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class NeutralMatcher:
    """A compiled word list: one pattern, and the replacement for each of its groups."""

    pattern: re.Pattern[str]
    replacements: tuple[str | None, ...]  # by group number; None keeps the match (a guard row)
    forms: frozenset[str]  # every colloquial form listed

    def sub(self, text: str) -> str:
        """Map every colloquial form in `text` to its neutral form."""
        return self.pattern.sub(self._replace, text)

    def forms_in(self, text: str) -> list[str]:
        """List the colloquial forms this list would map in `text` (for a record's `removed` field)."""
        return [m.group() for m in self.pattern.finditer(text) if self.replacements[m.lastindex or 0] is not None]

    def sub_and_forms(self, text: str) -> tuple[str, list[str]]:
        """`sub(text)` and `forms_in(text)` from one scan of the text (the first pass needs both)."""
        # One `search` per match instead of `finditer`: most lines hold no form, and a bare
        # search returns them at once, with no iterator made (each search starts where the
        # last match ended and sees the text before it, as finditer does).
        search = self.pattern.search
        match = search(text)
        if match is None:
            return text, []
        parts: list[str] = []
        forms: list[str] = []
        at = 0
        while match is not None:
            end = match.end()
            replacement = self.replacements[match.lastindex or 0]
            if replacement is not None:  # else a guard row: the match stays
                parts += (text[at:match.start()], replacement)
                forms.append(match.group())
                at = end
            match = search(text, end)
        if not forms:
            return text, forms
        parts.append(text[at:])
        return "".join(parts), forms

    def _replace(self, match: re.Match[str]) -> str:
        replacement = self.replacements[match.lastindex or 0]
        return match.group() if replacement is None else replacement


def _alternative(word: NeutralWord, group: int) -> str:
    """One row as a regex after its first character: the rest of the form, then its lookarounds."""
    form = re.escape(word.colloquial)
    # The rest of the form comes first and the conditions after it, so every branch starts with
    # a literal the engine can reject in one step (a branch that opens with a group or a
    # lookaround is entered at every try); a condition on the previous character is a lookbehind
    # over the whole form, and the group, empty, only names the row that matched.
    behind, ahead = [], []
    for condition in word.conditions:
        kind, _, chars = condition.partition(":")
        chars = "".join(re.escape(ch) for ch in chars)
        if kind == "after":
            behind.append(f"(?<=[{chars}]{form})")
        elif kind == "not_after":
            behind.append(f"(?<![{chars}]{form})")
        elif kind == "before":
            ahead.append(f"(?=[{chars}])")
        elif kind == "not_before":
            ahead.append(f"(?![{chars}])")
        elif kind == "before_hanzi":
            ahead.append(f"(?=[{_HANZI}])")
        elif kind in ("clause_end", "alone"):
            ahead.append(f"(?![^{_BOUNDARY}])")
            if kind == "alone":
                behind.append(f"(?<![^{_BOUNDARY}]{form})")
        else:
            raise ValueError(f"line {word.line}: unknown condition {condition!r}")
    return f"{re.escape(word.colloquial[1:])}{''.join(behind)}{''.join(ahead)}(?P<w{group}>)"


def compile_matcher(words: Iterable[NeutralWord]) -> NeutralMatcher:
    """Compile rows into one alternation: longest form first, rows of one form in file order."""
    ordered = sorted(words, key=lambda w: (-len(w.colloquial), w.line))
    by_head: dict[str, list[str]] = {}
    for group, word in enumerate(ordered, start=1):
        by_head.setdefault(word.colloquial[0], []).append(_alternative(word, group))
    # One branch per first character, opening with that literal: the regex engine then skips
    # every branch whose first character does not match, and scans for the set of first
    # characters, instead of entering a group per row at every position (50x slower).
    pattern = "|".join(f"{re.escape(head)}(?:{'|'.join(rows)})" for head, rows in by_head.items())
    compiled = re.compile(pattern)
    replacements: list[str | None] = [None] * (compiled.groups + 1)
    for name, number in compiled.groupindex.items():
        neutral = ordered[int(name[1:]) - 1].neutral
        replacements[number] = None if neutral == "=" else neutral
    return NeutralMatcher(compiled, tuple(replacements), frozenset(w.colloquial for w in ordered))


@cache
def default_matcher() -> NeutralMatcher:
    """Return the matcher for the shipped word list, built once per process."""
    return compile_matcher(load_neutral_words(DEFAULT_WORDS))


def map_neutral_words(text: str) -> str:
    """Map the colloquial words of a line (particles already off) to neutral written ones."""
    return default_matcher().sub(text)
