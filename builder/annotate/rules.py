"""The `lexicon` annotation backend: word lists and the position of each particle in its clause.

Offline and fast; the default. The word lists are in builder/annotate/lexicon.py.

How it reads a line: every run of particle/interjection characters is looked at once, with its
neighbours. Trap words (酒吧, 幹嘛, 哈密瓜 ...) are taken out first. A run
that is a whole clause (between clause boundaries) is an interjection (「欸，」「蛤？」); a run
that opens a clause and is a listed interjection is one too (欸你看); a run that ends a clause
(before punctuation, whitespace, an emoji, laughter, or at the end of the line) is a cluster of
particles; a run right after a short answer at the start of a clause (好啦好啦) is a particle. A
particle that is a whole "clause" only because a space or a closing quote stands before it
(要 800 喔, Google Maps 啦, 「12345678」喔？) ends the words before it: a particle, not an
interjection. Each particle and interjection then gets its function in the line
(`builder.annotate.functions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from builder.annotate.functions import function_spans
from builder.annotate.lexicon import (
    BOUNDARY_PUNCTUATION,
    CLAUSE_INTERJECTIONS,
    HOSTS,
    LAUGHTER_CHARS,
    MAINLAND_TERMS,
    MARKERS,
    OPENING_INTERJECTIONS,
    PARTICLES,
    TAIL_TOKENS,
    TRAPS,
    Term,
    Trap,
)
from builder.types import Span, Style

__all__ = ["LexiconAnnotator", "annotate_line", "ends_words_before", "find_terms", "is_boundary"]


# --- character classes -------------------------------------------------------------------

_PARTICLE_SET = frozenset(PARTICLES)
_BOUNDARY_SET = frozenset(BOUNDARY_PUNCTUATION)
_LAUGHTER_SET = frozenset(LAUGHTER_CHARS)
_RUN_CHARS = "".join(
    sorted(
        set(PARTICLES)
        | set(LAUGHTER_CHARS)
        | {ch for word in OPENING_INTERJECTIONS for ch in word}
        | {ch for trap in TRAPS if trap.interjection for ch in trap.word}
    )
)
# One C-level scan per line finds every candidate; Python only looks at the (few) runs.
_RUN = re.compile("[" + re.escape(_RUN_CHARS) + "]+")
_TAIL_FIRST = frozenset(token[0] for token in TAIL_TOKENS)


def is_boundary(ch: str) -> bool:
    """Tell whether a character ends or opens a clause (punctuation, space, emoji, zhuyin)."""
    if ch in _BOUNDARY_SET or ch.isspace():
        return True
    code = ord(ch)
    # Emoji and pictographs, dingbats and symbols, arrows and stars, zhuyin (ㄏㄏ), and the
    # joiners that glue emoji together. Not the rest of the astral plane: CJK Extension B
    # holds real characters that Taiwanese writing uses.
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2190 <= code <= 0x2BFF
        or 0x3100 <= code <= 0x312F
        or code in (0x200D, 0xFE0F)
    )


def _ends_clause(text: str, pos: int) -> bool:
    """Tell whether a clause ends at `pos` (the index after a run)."""
    if pos >= len(text):
        return True
    ch = text[pos]
    if is_boundary(ch):
        return True
    if ch in _TAIL_FIRST and any(text.startswith(tok, pos) for tok in TAIL_TOKENS):
        return True
    # Laughter right after a particle closes its clause (好啦哈哈).
    return ch in _LAUGHTER_SET and text[pos + 1 : pos + 2] == ch


def _opens_clause(text: str, pos: int) -> bool:
    """Tell whether a clause starts at `pos`."""
    return pos == 0 or is_boundary(text[pos - 1])


# --- traps -------------------------------------------------------------------------------

# For each character, the traps that contain it and where: checking a run costs a few
# `startswith` calls, not a scan of the whole list.
_TRAPS_AT: dict[str, list[tuple[int, Trap]]] = {}
for _trap in TRAPS:
    for _k, _ch in enumerate(_trap.word):
        _TRAPS_AT.setdefault(_ch, []).append((_k, _trap))
for _entries in _TRAPS_AT.values():
    _entries.sort(key=lambda entry: -len(entry[1].word))


def _trap_at(text: str, pos: int) -> tuple[int, Trap] | None:
    """Return (start, trap) for the longest trap word covering `pos`, if any."""
    for k, trap in _TRAPS_AT.get(text[pos], ()):
        start = pos - k
        if start < 0 or not text.startswith(trap.word, start):
            continue
        if trap.unless_after and start > 0 and text[start - 1] in trap.unless_after:
            continue
        return start, trap
    return None


# --- the lexicon backend -----------------------------------------------------------------

_OPENING_MULTI = tuple(word for word in OPENING_INTERJECTIONS if len(word) > 1)
_OPENING_SINGLE = frozenset(word for word in OPENING_INTERJECTIONS if len(word) == 1)


def _opening_interjection(text: str, a: int, b: int) -> int:
    """Return the end of a listed interjection starting at `a` (0 if none)."""
    for word in _OPENING_MULTI:
        if text.startswith(word, a):
            return a + len(word)
    ch = text[a]
    if ch not in _OPENING_SINGLE:
        return 0
    end = a + 1
    while end < b and text[end] == ch:
        end += 1
    return end


# Keyed by their last two characters, so most clause ends cost one dict lookup.
_CLAUSE_BY_TAIL: dict[str, list[str]] = {}
for _phrase in sorted(CLAUSE_INTERJECTIONS, key=len, reverse=True):
    _CLAUSE_BY_TAIL.setdefault(_phrase[-2:], []).append(_phrase)


def _clause_interjection(text: str, b: int) -> str:
    """Return the whole-clause interjection phrase (天啊) that ends at `b`, or ""."""
    for phrase in _CLAUSE_BY_TAIL.get(text[b - 2 : b], ()):
        start = b - len(phrase)
        if start >= 0 and text.startswith(phrase, start) and _opens_clause(text, start):
            return phrase
    return ""


# Closing quotes and brackets: a particle right after one ends the quoted words (「1234」喔？).
# Not the ASCII quotes, which open as often as they close ("喔").
_CLOSERS = frozenset("」』）)》〉】”’")


def ends_words_before(text: str, a: int, b: int) -> bool:
    """Tell whether a particle piece text[a:b] follows a closing quote, or a space after Latin or digits."""
    if b - a > 2 or (b - a == 2 and text[a] == text[a + 1]):
        return False  # a repeated call (欸欸) or a longer run stays an interjection
    if not all(ch in _PARTICLE_SET for ch in text[a:b]):
        return False
    k = a
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    if k == 0:
        return False
    prev = text[k - 1]
    return prev in _CLOSERS or (k < a and prev.isascii() and prev.isalnum())


def _after_host(text: str, a: int) -> bool:
    """Tell whether `a` follows a short answer that opens its clause (好|啦好啦)."""
    for host in HOSTS:
        start = a - len(host)
        if start >= 0 and text.startswith(host, start):
            return start == 0 or is_boundary(text[start - 1]) or text[start - 1] in _PARTICLE_SET
    return False


# Any trap word, for the fast path of a one-character run (most runs): one C-level search tells
# that no trap word reaches it, and the run is free without a look at each trap.
_ANY_TRAP = re.compile("|".join(re.escape(trap.word) for trap in sorted(TRAPS, key=lambda t: -len(t.word))))
_TRAP_REACH = max(len(trap.word) for trap in TRAPS) - 1
_ONE_FREE = (True,)


def _take_out_traps(text: str, s: int, e: int, interjections: dict[int, str]) -> Sequence[bool]:
    """Mark trap words and laughter in text[s:e] as taken (False); laughter is an interjection."""
    if e - s == 1 and not _ANY_TRAP.search(text, max(0, s - _TRAP_REACH), e + _TRAP_REACH):
        return _ONE_FREE  # one character is never laughter, and no trap word reaches it
    free = [True] * (e - s)
    p = s
    while p < e:
        found = _trap_at(text, p)
        if found is not None:
            start, trap = found
            end = start + len(trap.word)
            for q in range(max(start, s), min(end, e)):
                free[q - s] = False
            if trap.interjection:
                interjections[start] = trap.word
            p = max(end, p + 1)
            continue
        ch = text[p]
        if ch in _LAUGHTER_SET and p + 1 < e and text[p + 1] == ch:
            end = p + 2
            while end < e and text[end] == ch:
                end += 1
            interjections[p] = text[p:end]
            for q in range(p, end):
                free[q - s] = False
            p = end
            continue
        p += 1
    return free


def _read_run(
    text: str, s: int, e: int, particles: list[tuple[str, int]], interjections: dict[int, str],
    traps: bool = True,
) -> None:
    """Classify one run of candidate characters text[s:e] into (text, offset) spans.

    `traps`: whether a trap word may be in the line (False: the caller found none in it).
    """
    if e - s == 1 and not traps and not _opens_clause(text, s):
        # Most runs: one character inside or at the end of a clause, in a line without traps.
        # The same reading as the loop below, without its bookkeeping.
        ch = text[s]
        if _ends_clause(text, e):
            phrase = _clause_interjection(text, e)
            if phrase:
                interjections[e - len(phrase)] = phrase
            elif ch in _PARTICLE_SET:
                particles.append((ch, s))
        elif ch in _PARTICLE_SET and _after_host(text, s):
            particles.append((ch, s))
        return
    free = _take_out_traps(text, s, e, interjections)
    # What is left splits into pieces; each is read by where it stands in its clause.
    p = s
    while p < e:
        if not free[p - s]:
            p += 1
            continue
        a = p
        while p < e and free[p - s]:
            p += 1
        b = p
        opens = _opens_clause(text, a)
        closes = _ends_clause(text, b)
        if opens:
            if closes and ends_words_before(text, a, b):
                particles.extend((text[q], q) for q in range(a, b))  # 要 800 喔, 「1234」喔？
                continue
            if closes:
                interjections[a] = text[a:b]  # a whole clause: 「欸，」「蛤？」「喔喔～」
                continue
            end = _opening_interjection(text, a, b)
            if end:
                interjections[a] = text[a:end]
                a = end
                if a >= b:
                    continue
        if closes:
            phrase = _clause_interjection(text, b)
            if phrase:
                interjections[b - len(phrase)] = phrase
            else:
                particles.extend((text[q], q) for q in range(a, b) if text[q] in _PARTICLE_SET)
        elif _after_host(text, a):
            particles.extend((text[q], q) for q in range(a, b) if text[q] in _PARTICLE_SET)


_TERMS: dict[str, tuple[str, Term]] = {term.word: ("marker", term) for term in MARKERS}
_TERMS.update({term.word: ("mainland", term) for term in MAINLAND_TERMS})
# Longest first so that 有夠扯 wins over 有夠; all literals, so re scans with a first-char set.
_TERM_RE = re.compile(
    "|".join(re.escape(word) for word in sorted(_TERMS, key=lambda w: (-len(w), w)))
)


def find_terms(text: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Return (colloquial markers, Mainland terms) found in a line, by offset."""
    markers: list[Span] = []
    mainland: list[Span] = []
    for m in _TERM_RE.finditer(text):
        word = m.group()
        kind, term = _TERMS[word]
        start, end = m.span()
        if term.not_after and start > 0 and text[start - 1] in term.not_after:
            continue
        if term.not_before and end < len(text) and text[end] in term.not_before:
            continue
        if term.alone and end < len(text) and not (is_boundary(text[end]) or text[end] in _PARTICLE_SET):
            continue
        (markers if kind == "marker" else mainland).append(Span(word, start))
    return tuple(markers), tuple(mainland)


def annotate_line(text: str) -> Style:
    """Annotate one line with the lexicon rules, each particle and interjection with its function."""
    particles: list[tuple[str, int]] = []
    interjections: dict[int, str] = {}
    traps = _ANY_TRAP.search(text) is not None  # one scan of the line (few have a trap word)
    for m in _RUN.finditer(text):
        _read_run(text, m.start(), m.end(), particles, interjections, traps)
    markers, mainland = find_terms(text)
    if not particles and not interjections:
        return Style(markers=markers, mainland_terms=mainland, length=len(text))
    found, opening = function_spans(text, particles, [(word, offset) for offset, word in sorted(interjections.items())])
    return Style(found, opening, markers, mainland, len(text))


class LexiconAnnotator:
    """The default backend: word lists and clause position, no model, no network."""

    name = "lexicon"

    def annotate(self, texts: Sequence[str]) -> list[Style]:
        """Annotate a batch of lines."""
        return [annotate_line(text) for text in texts]
