"""Explain what each particle does in one line: a gloss of its function and the clue in the line.

The words are in `builder.annotate.function_glosses`; the function comes from the annotator, the
clue from the rules (`builder.annotate.functions`).

    explain_span("不好意思啦，我今天沒辦法去", "啦", 4, "soften", "zh", ctx.pick)
    -> "把話說得軟一點，不管是拒絕、道歉、請求還是勉強答應。線索：「啦」接在「不好意思」後面，讓道歉聽起來不那麼生硬。"
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.annotate.function_glosses import CLUES, GLOSSES, SPECIFIC
from builder.annotate.function_rules import Decision
from builder.annotate.functions import CLAUSE_REACH, FUNCTIONS, clause_start, particle_readings, span_clue
from builder.annotate.glossary import GLOSSARY
from builder.types import Span

__all__ = ["Choose", "Pick", "clause_around", "explain_in_line", "explain_in_lines", "explain_span", "gloss",
           "gloss_options"]

# ctx.pick, or any function that picks one of several phrasings
Pick = Callable[[Sequence[str]], str]
# a batched ctx.choices: for each count given, the index of one of that many phrasings
Choose = Callable[[Sequence[int]], Sequence[int]]


def _main_form(particle: str) -> str:
    entry = GLOSSARY.get(particle)
    return entry.variant_of or particle if entry else particle


@functools.lru_cache(maxsize=4096)  # a few particles x twelve functions x two languages
def gloss_options(particle: str, function: str, lang: str) -> tuple[str, ...]:
    """Every phrasing of what `particle` does with `function`, the particle's own ones first."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    if function not in GLOSSES:
        raise KeyError(f"unknown function {function!r}. Known: {', '.join(FUNCTIONS)}")
    specific = SPECIFIC.get((_main_form(particle), function))
    return (specific[lang] if specific else ()) + GLOSSES[function][lang]


def gloss(particle: str, function: str, lang: str, pick: Pick) -> str:
    """Return one phrasing of what `particle` does with `function` (the particle's own ones included)."""
    return pick(gloss_options(particle, function, lang))


def explain_span(
    text: str, span_text: str, offset: int, function: str, lang: str, pick: Pick, decision: Decision | None = None
) -> str:
    """Explain the function a particle has at `offset` in `text`, with the clue when the rules agree.

    `decision` is the (function, clue, cue word) that builder.annotate.functions.span_decisions gave this span;
    without it the span is read again on its own. When the rules reached another function than
    `function` (another backend decided), the gloss is given without a clue.
    """
    decision = decision or span_clue(text, span_text, offset)
    return _with_clue(gloss(span_text, function, lang, pick), span_text, function, lang, decision)


@functools.lru_cache(maxsize=65536)  # a few hundred glosses x particles x clues x cue words
def _with_clue(sentence: str, span_text: str, function: str, lang: str, decision: Decision) -> str:
    """The gloss, then the clue in the line when the rules reached the same function."""
    clue = CLUES.get(decision[1]) if decision[0] == function else None
    if clue is not None and not decision[2] and "{w}" in clue[0]:
        clue = None  # the rule fired without a cue word to name
    if clue is None:
        return sentence + ("。" if lang == "zh" else ".")
    hint = clue[0 if lang == "zh" else 1].format(p=span_text, w=decision[2])
    if lang == "zh":
        return f"{sentence}。線索：{hint}。"
    return f"{sentence}. Clue: {hint}."


_OPENER = {"」": "「", "』": "『", "）": "（", ")": "(", "》": "《", "〉": "〈", "】": "【", "”": "“", "’": "‘"}


# A clause longer than this is quoted from its last _QUOTED characters, after an ellipsis. Shorter
# than the rules' reach: a clause start that `particle_readings` gives as the reach is never quoted.
_QUOTED = 12
assert _QUOTED < CLAUSE_REACH


def clause_around(text: str, offset: int, length: int = 1) -> str:
    """Return the line's own words up to and including the span at `offset`: its clause, cut to twelve characters.

    A particle right after a space or a closing quote (要 800 喔, 「1234」喔) takes the words before
    that boundary with it, so the quote is never the particle alone.
    """
    return _quote(text, clause_start(text, offset), offset, length)


def _quote(text: str, start: int, offset: int, length: int) -> str:
    """`clause_around`, given where the span's clause starts."""
    if start == offset and start > 0:  # right after a closing quote or a space: reach over it
        before = text[start - 1]
        if before in _OPENER:
            opened = text.rfind(_OPENER[before], 0, start - 1)
            start = opened if opened >= 0 else start
        elif before.isspace():
            start = clause_start(text, len(text[:start].rstrip()))
    end = offset + length
    if end - start > _QUOTED:
        return "…" + text[end - _QUOTED : end]
    return text[start:end]


def explain_in_line(text: str, particles: Sequence[Span], lang: str, pick: Pick) -> list[tuple[str, str]]:
    """Return (the clause around it, what it does there) for each particle span of a line.

    The function is the span's own (`Span.function`, from the annotator); a span without one takes
    the rules' reading. The clue is named when the rules reach the same function.
    """
    readings = particle_readings(text, [(span.text, span.offset) for span in particles])
    return [
        (_quote(text, start, span.offset, len(span.text)),
         explain_span(text, span.text, span.offset, span.function or decision[0], lang, pick, decision))
        for span, (start, decision) in zip(particles, readings)
    ]


def explain_in_lines(texts: Sequence[str], particles: Sequence[Sequence[Span]] | pa.Array,
                     langs: Sequence[str], choose: Choose) -> list[list[tuple[str, str]]]:
    """`explain_in_line` for many lines at once: `choose(counts)` picks, for every particle of every
    line in order, one of its `count` phrasings (a batched recipe's `ctx.choices`), so the same
    choices give the same explanations.

    `particles` holds each line's particle spans: a tuple of `Span`s per line, or a span column of
    the lines as Arrow has it (`pairs.particles.take(rows)`: read as it is, no `Span` made).
    """
    words, offsets, functions, counts = _flat_spans(particles)
    readings = []
    at = 0
    for text, count, lang in zip(texts, counts, langs):
        end = at + count
        here, spots = words[at:end], offsets[at:end]
        for word, offset, own, (start, decision) in zip(here, spots, functions[at:end],
                                                        particle_readings(text, zip(here, spots))):
            function = own or decision[0]
            readings.append((_quote(text, start, offset, len(word)), gloss_options(word, function, lang),
                             word, function, lang, decision))
        at = end
    chosen = choose([len(reading[1]) for reading in readings])
    explained = [(clause, _with_clue(found[k], word, function, lang, decision))
                 for (clause, found, word, function, lang, decision), k in zip(readings, np.asarray(chosen).tolist())]
    out, start = [], 0
    for count in counts:
        out.append(explained[start:start + count])
        start += count
    return out


def _flat_spans(particles: Sequence[Sequence[Span]] | pa.Array) -> tuple[list[str], list[int], list[str], list[int]]:
    """Every line's spans as flat lists (texts, offsets, functions) and the count of each line."""
    if isinstance(particles, (pa.Array, pa.ChunkedArray)):
        column = particles.combine_chunks() if isinstance(particles, pa.ChunkedArray) else particles
        values = pc.list_flatten(column)
        counts = pc.fill_null(pc.list_value_length(column), 0).to_pylist()
        return (values.field("text").to_pylist(), values.field("offset").to_pylist(),
                values.field("function").to_pylist(), counts)
    spans = [span for line in particles for span in line]
    return ([span.text for span in spans], [span.offset for span in spans], [span.function for span in spans],
            [len(line) for line in particles])
