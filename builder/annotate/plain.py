"""The plain side of a `casualize` record: a casual zh-TW line with its colloquial layer taken off.

`plain_version(text, style)` takes off what the annotator found (particles, clause-opening
interjections; `builder.annotate.colloquial.strip_spans`), maps colloquial words and phrasings to
neutral written ones from the project's word list (`builder.annotate.neutral_words`: 禮拜 -> 星期,
超好吃 -> 非常好吃, 歹勢 -> 不好意思 ...), drops the chat 的 that 超X的 leaves behind, and repairs
the punctuation. `neutral_words_in` names the words the list maps, for a record's `removed` field.
"""

from __future__ import annotations

import re

from builder.annotate.colloquial import CLAUSE_PUNCT, check_spans, clause_start, repair_punctuation, strip_spans
from builder.annotate.lexicon import BOUNDARY_CLASS
from builder.annotate.neutral_words import default_matcher
from builder.text.script import HAN, char_class
from builder.types import Style

__all__ = ["neutral_words_in", "plain_side", "plain_version"]

_HANZI = char_class(HAN)


# 非常好吃的 at the end of a clause: the 的 of 超好吃的 reads as chat once 超 is gone. Kept in a 是…的
# clause (這是非常重要的) and after a numeral and measure word (買一個非常大的), where 的 is grammar.
_FINAL_DE = re.compile(f"(非常|相當)([{_HANZI}]{{1,3}}?)的(?![^{BOUNDARY_CLASS}])")
_MEASURE = frozenset("個隻件台支張本條杯碗份種")
# 是 as a verb (這是非常重要的), not inside 可是, 還是, 但是 ...
_COPULA = re.compile("(?<![可還但要於總若或只凡老倒硬])是")


def _drop_final_de(text: str) -> str:
    """Drop the chat 的 that 非常X的 keeps at the end of a clause, where it is not grammar."""
    def replace(match: re.Match[str]) -> str:
        start = match.start()
        opens = clause_start(text, start)
        if _COPULA.search(text, opens, start):
            return match.group()
        # 一個非常大的 (a big one) keeps its 的; 這個非常好吃的 at the start of a clause does not.
        if start > 0 and text[start - 1] in _MEASURE and not (
            start - 2 == opens and text[start - 2] in "這那"
        ):
            return match.group()
        return match.group(1) + match.group(2)

    return _FINAL_DE.sub(replace, text) if ("非常" in text or "相當" in text) else text


def plain_version(text: str, style: Style) -> str:
    """Return the plain side of a casual line: colloquial layer off, neutral words in, punctuation whole."""
    return plain_side(text, style)[0]


def plain_side(text: str, style: Style) -> tuple[str, tuple[str, ...]]:
    """Return the plain side of a line (`plain_version`) and the words it mapped (`neutral_words_in`),
    taking the colloquial layer off once for both (the first pass makes them together)."""
    spans = style.particles + style.interjections + style.markers
    check_spans(text, spans)
    # A marker the word list also has is left to the list, which sees its context.
    matcher = default_matcher()
    stripped = strip_spans(text, style, matcher.forms) if spans else text
    mapped, found = matcher.sub_and_forms(stripped)
    words = tuple(found)
    if mapped == text:
        return text, words
    # Only a line that changed: a writer's own 非常好吃的 in an otherwise plain line stays.
    plain = _drop_final_de(mapped)
    result = repair_punctuation(plain)
    if not result.strip(CLAUSE_PUNCT + "「」『』（）()"):
        return text, words  # nothing would be left: keep the line (the recipe then skips it)
    return result, words


def neutral_words_in(text: str, style: Style) -> list[str]:
    """List the colloquial words the word list maps in a line (particles and interjections off)."""
    stripped = strip_spans(text, style, default_matcher().forms)
    return default_matcher().forms_in(stripped)
