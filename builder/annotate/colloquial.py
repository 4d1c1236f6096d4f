"""Take the colloquial layer off a zh-TW line: `strip_colloquial`.

It removes what the annotator found (particles, clause-opening interjections, listed markers) by
rules and repairs the punctuation; the `casualize` recipe pairs its output with the original line.
"""

from __future__ import annotations

import re

from builder.annotate.lexicon import BOUNDARY_PUNCTUATION, MARKERS
from builder.annotate.rules import is_boundary
from builder.types import Span, Style

__all__ = ["strip_colloquial"]

# The characters `is_boundary` accepts, as one regex class, so finding where a clause starts is
# one search instead of a Python loop per character (this runs for every casualize record).
_BOUNDARY_CLASS = (
    "".join(re.escape(ch) for ch in sorted(BOUNDARY_PUNCTUATION)) + r"\s"
    + "\U0001F000-\U0001FAFF\u2190-\u2BFF\u3100-\u312F\u200D\uFE0F"
)
_LAST_BOUNDARY = re.compile(f"[{_BOUNDARY_CLASS}][^{_BOUNDARY_CLASS}]*$")

_NEUTRAL = {term.word: term.neutral for term in MARKERS if term.neutral}
_QUESTION_WORDS = re.compile(r"什麼|怎麼|怎樣|為什麼|哪|誰|幾|多少|如何|還是|嗎|(.)不\1|(.)沒\2")
_PRONOUNS = frozenset({"你", "我", "他", "她", "你們", "我們", "他們", "她們", "大家"})
_CLAUSE_PUNCT = "，、,；;：:！!？?。.～~…⋯ "
_DOUBLE_COMMA = re.compile(r"[，、,]{2,}")
_COMMA_BEFORE_STOP = re.compile(r"[，、,]+\s*([。！？!?」』）)])")
_LEADING = re.compile(r"^[\s，、,；;：:。.！!？?～~]+")
_TRAILING_COMMA = re.compile(r"[，、,]+\s*$")
_SPACES = re.compile("  +")


def _check(text: str, spans: tuple[Span, ...]) -> None:
    for span in spans:
        if text[span.offset : span.offset + len(span.text)] != span.text:
            raise ValueError(f"style does not fit the text: {span.text!r} is not at {span.offset}")


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, replacement in sorted(edits):
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _clause_start(text: str, pos: int) -> int:
    """The start of the clause that holds `pos`: just after the last boundary before it."""
    found = _LAST_BOUNDARY.search(text, 0, pos)
    return found.start() + 1 if found else 0


def _interjection_edit(text: str, span: Span) -> tuple[int, int, str] | None:
    """Drop an interjection that opens or closes a clause, with the punctuation it brings."""
    start, end = span.offset, span.offset + len(span.text)
    opens = start == 0 or is_boundary(text[start - 1])
    if opens:
        while end < len(text) and text[end] in _CLAUSE_PUNCT:
            end += 1
        if not text[end:].strip(_CLAUSE_PUNCT + "」』）)"):
            return None  # the interjection is all there is: 「蛤？」 stays
        return start, end, ""
    if end == len(text) or is_boundary(text[end]):
        return start, end, ""  # trailing laughter: 好好笑哈哈
    return None  # mid-clause (一直嘿嘿嘿地笑): part of the sentence


def _particle_edits(text: str, particles: list[int]) -> list[tuple[int, int, str]]:
    """Plan the removal of particle clusters (given as offsets into `text`)."""
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(particles):
        cs = particles[i]
        j = i
        while j + 1 < len(particles) and particles[j + 1] == particles[j] + 1:
            j += 1
        ce = particles[j] + 1
        i = j + 1
        nxt = text[ce : ce + 1]
        clause = text[_clause_start(text, cs) : cs]
        if nxt in ("？", "?"):
            # Keep the question a question: 是喔？→是嗎？, 人咧？→人呢？, 你呢？ stays.
            if _QUESTION_WORDS.search(clause):
                edits.append((cs, ce, ""))
            elif text[ce - 1] in "呢咧捏":
                edits.append((cs, ce, "呢"))
            else:
                edits.append((cs, ce, "嗎"))
        elif nxt in ("～", "~"):
            end = ce
            while end < len(text) and text[end] in "～~":
                end += 1
            rest = text[end:]
            stop = "" if rest[:1] and is_boundary(rest[0]) else ("。" if not rest.strip() else "，")
            edits.append((cs, end, stop))
        elif nxt in ("，", ",") and clause.strip() in _PRONOUNS:
            edits.append((cs, ce + 1, ""))  # 你齁，每次都遲到 → 你每次都遲到
        elif not nxt or is_boundary(nxt):
            edits.append((cs, ce, ""))
        else:
            edits.append((cs, ce, "，"))  # 好吧你說的對 → 好，你說的對
    return edits


def _without_overlaps(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for edit in sorted(edits):
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


def _repair(text: str) -> str:
    text = _DOUBLE_COMMA.sub("，", text)
    text = _COMMA_BEFORE_STOP.sub(r"\1", text)
    text = _LEADING.sub("", text)
    text = _TRAILING_COMMA.sub("。", text)
    return _SPACES.sub(" ", text).strip()


def strip_colloquial(text: str, style: Style) -> str:
    """Remove particles, opening interjections and listed markers; return text if none go."""
    _check(text, style.particles + style.interjections + style.markers)
    # Pass 1: markers to their neutral form, interjections out. Particles never overlap them.
    edits = [
        (m.offset, m.offset + len(m.text), _NEUTRAL[m.text])
        for m in style.markers
        if m.text in _NEUTRAL
    ]
    edits += [e for span in style.interjections if (e := _interjection_edit(text, span))]
    edits = _without_overlaps(edits)
    shifted: list[int] = []
    for particle in style.particles:
        shift = 0
        for start, end, replacement in edits:
            if end <= particle.offset:
                shift += len(replacement) - (end - start)
            elif start <= particle.offset < end:
                break
        else:
            shifted.append(particle.offset + shift)
    first = _apply(text, edits)
    # Pass 2: particles out, on the text as pass 1 left it (so 真的假的捏？→真的嗎？ sees 嗎).
    second = _apply(first, _particle_edits(first, sorted(shifted)))
    result = _repair(second) if second != text else text
    if not result.strip(_CLAUSE_PUNCT + "「」『』（）()"):
        return text
    return result
