"""Give each particle and interjection span of a zh-TW line its function in that line.

Twelve functions (FUNCTIONS); which one a span has is read from the clause around it, by rules
written for twcasual: the clause before a particle (a question word, an imperative, 我們/一起,
應該/大概, 原來/難怪, a refusal or an apology, reassurance, an exclamatory degree word ...),
whether a question mark follows, whether the clause is only a short answer (好啦, 對啊, 是喔), and
the particle itself, since each particle has a few functions and a most likely one
(`builder.annotate.function_rules`; the cue words are in `builder.annotate.function_cues`). An
interjection is read by its word and, for attention getters (欸, 喂, 嘿), by what the rest of the
sentence does.

Clusters (的啦, 了喔, 啊齁) come as neighbouring spans. Each particle is decided from the clause
up to itself: the inner particle of 啊齁 is read as if the clause ended there (a question mark
after the cluster belongs to the outer one), and the outer one sees the inner one in its clause
(its clause core drops trailing particles, so 很好吃啊齁 reads as 很好吃 + 齁). 的 and 了 are
not spans; they stay in the clause text (了 feeds the change-of-state rules).

Cost: one regex match for the clause start and one `findall` of cue words per span, then set
and dict lookups; lines without spans cost one call. Both backends use these rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from builder.annotate.function_cues import ATTENTION, CUE_KIND, CUE_WORDS, INTERJECTION_FUNCTION
from builder.annotate.function_rules import FAMILY, Decision
from builder.annotate.lexicon import BOUNDARY_CLASS, LAUGHTER_CHARS, NEUTRAL, PARTICLES
from builder.types import Span

__all__ = ["CLAUSE_REACH", "FUNCTIONS", "Decision", "clause_start", "function_spans", "particle_readings", "span_clue",
           "span_decisions", "span_functions"]

FUNCTIONS: tuple[str, ...] = (
    "assert", "soften", "urge", "remind", "realize", "question",
    "surprise", "seek_agreement", "suggest", "guess", "change", "exclaim",
)  # fmt: skip


# Up to the last boundary before a position (the clause starts right after it): the greedy .*
# backtracks from the particle, so the cost is the clause's length, not the line's.
_UP_TO_LAST_BOUNDARY = re.compile(f"(?s).*[{BOUNDARY_CLASS}]")


def _trie_pattern(words: Sequence[str]) -> str:
    """Return a regex matching any of `words`, longest first, as a character trie."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict[str, dict]) -> str:
    alternatives = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not alternatives:
        return ""
    body = "(?:" + "|".join(alternatives) + ")" if len(alternatives) > 1 or "" in node else alternatives[0]
    return body + "?" if "" in node else body


# A trie, not a flat alternation: the engine follows one branch per character (about 1.5x faster).
_CUES = re.compile(_trie_pattern(CUE_WORDS))
# What a clause core keeps: 了 (change of state), not particles, 的 or 嗎.
_TRIM = PARTICLES + NEUTRAL.replace("了", "")
_QUESTION_MARKS = frozenset("？?")
_SENTENCE_END = re.compile("[。！？!?]")
_NO_CUES: dict[str, str] = {}
# A clause longer than this is read from its last CLAUSE_REACH characters: the cues sit near its end.
CLAUSE_REACH = 24


# --- interjections ------------------------------------------------------------------------


def _interjection(text: str, word: str, offset: int) -> Decision:
    """Decide an interjection by its word, and an attention getter by the sentence it opens."""
    end = offset + len(word)
    repeated = len(word) > 1 and len(set(word)) == 1
    if repeated and word[0] in LAUGHTER_CHARS:
        return "exclaim", "laughter", word  # 哈哈, 嘿嘿, also trailing: 好好笑哈哈
    base = word[0] if repeated else word  # 欸欸欸 -> 欸, 喔喔 -> 喔
    if end < len(text) and text[end] in _QUESTION_MARKS and base in _OH:
        return "question", "oh_question", word  # 「喔？」「哦？」 ask "really?"
    if base in ATTENTION:
        return _attention(text, word, end)
    if base == "啊" and any(w in text[end : end + 6] for w in _REMEMBER):
        return "realize", "remember", word
    return INTERJECTION_FUNCTION.get(base, "exclaim"), "interjection", word


_OH = frozenset(("喔", "哦", "噢"))
_REMEMBER = ("原來", "對了", "想起", "忘了", "忘記", "我知道")


def _attention(text: str, word: str, end: int) -> Decision:
    """欸/喂/嘿 call the listener; what follows says whether they ask, point out or warn."""
    stop = _SENTENCE_END.search(text, end)
    rest = text[end : stop.end() if stop else len(text)]
    if rest[-1:] in _QUESTION_MARKS or "嗎" in rest:
        return "question", "attention_question", word
    if any(w in rest for w in _NOTICE):
        return "surprise", "attention_notice", word
    return "remind", "attention", word


_NOTICE = ("你看", "居然", "竟然", "耶", "欸")


# --- the public entry points ----------------------------------------------------------------


def _particle(text: str, span: str, offset: int, floor: int) -> Decision:
    """Decide one particle span from the clause before it (not reaching back past `floor`)."""
    if floor < offset - CLAUSE_REACH:
        floor = offset - CLAUSE_REACH
    found = _UP_TO_LAST_BOUNDARY.match(text, floor, offset)
    return _read(text, span, offset, found.end() if found else floor)


def _read(text: str, span: str, offset: int, begin: int) -> Decision:
    """Decide one particle span from the words `text[begin:offset]` before it."""
    before = text[begin:offset]
    # Only the outer particle of a cluster carries the question mark (啦齁？: 啦 is no question).
    q = text[offset + 1 : offset + 2] in _QUESTION_MARKS
    words = _CUES.findall(before)
    # {cue kind: cue word}; reversed, so the first word of a kind in the clause wins.
    kinds = {CUE_KIND[word]: word for word in reversed(words)} if words else _NO_CUES
    return FAMILY[span](before.rstrip(_TRIM), kinds, q)


def span_decisions(
    text: str, particles: Sequence[tuple[str, int]], interjections: Sequence[tuple[str, int]]
) -> tuple[list[Decision], list[Decision]]:
    """Return (function, clue, cue word) for each particle and each interjection span, in order."""
    decided: list[Decision] = []
    floor = previous_end = 0
    for span, offset in particles:
        # A clause does not reach back past the previous particle (好啦|好啦), unless the two
        # touch and form a cluster (對啊齁): then the outer one sees the inner one.
        if offset != previous_end:
            floor = previous_end
        decided.append(_particle(text, span, offset, floor))
        previous_end = offset + len(span)
    return decided, [_interjection(text, word, offset) for word, offset in interjections]


def clause_start(text: str, end: int) -> int:
    """Return where the clause that ends at `end` starts: just after the last boundary before it."""
    found = _UP_TO_LAST_BOUNDARY.match(text, 0, end)  # backtracks from `end`: costs the clause's length
    return found.end() if found else 0


def particle_readings(text: str, particles: Iterable[tuple[str, int]]) -> list[tuple[int, Decision]]:
    """Return (where its clause starts, its decision) for each particle span, in order: the
    decisions of `span_decisions`, each clause start found once for the decision and the caller
    (explain-particles quotes the clause). A clause that starts more than CLAUSE_REACH characters
    before its particle gives `offset - CLAUSE_REACH`, where the rules stop reading it."""
    readings: list[tuple[int, Decision]] = []
    floor = previous_end = 0
    for span, offset in particles:  # the loop of span_decisions, each clause start found once
        if offset != previous_end:
            floor = previous_end
        reach = offset - CLAUSE_REACH if offset > CLAUSE_REACH else 0
        found = _UP_TO_LAST_BOUNDARY.match(text, reach, offset)
        start = found.end() if found else reach
        # the last boundary at or after max(floor, reach) is the one _particle's match finds
        readings.append((start, _read(text, span, offset, max(start, floor))))
        previous_end = offset + len(span)
    return readings


def function_spans(
    text: str, particles: Sequence[tuple[str, int]], interjections: Sequence[tuple[str, int]]
) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Return the particle and the interjection spans of a line, each with its function."""
    spans: list[Span] = []
    floor = previous_end = 0
    for span, offset in particles:  # the loop of span_decisions, kept apart: this is the hot path
        if offset != previous_end:
            floor = previous_end
        begin = floor if floor > offset - CLAUSE_REACH else offset - CLAUSE_REACH
        found = _UP_TO_LAST_BOUNDARY.match(text, begin, offset)  # _particle's search, one call less per span
        spans.append(Span(span, offset, _read(text, span, offset, found.end() if found else begin)[0]))
        previous_end = offset + len(span)
    if not interjections:
        return tuple(spans), ()
    return tuple(spans), tuple(Span(word, offset, _interjection(text, word, offset)[0])
                               for word, offset in interjections)


def span_functions(
    text: str, particles: Sequence[tuple[str, int]], interjections: Sequence[tuple[str, int]]
) -> tuple[list[str], list[str]]:
    """Return the function of each particle and each interjection span, in the order given."""
    found, opening = function_spans(text, particles, interjections)
    return [span.function for span in found], [span.function for span in opening]


def span_clue(text: str, span: str, offset: int, kind: str = "particle") -> Decision:
    """Return the decision for one span alone: what explain-particles names as the clue."""
    if kind == "interjection":
        return _interjection(text, span, offset)
    return _particle(text, span, offset, 0)
