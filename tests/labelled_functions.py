"""The labelled set of particle functions (tests/data/functions_eval.tsv): reading and scoring it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from builder.annotate import annotate
from builder.annotate.functions import FUNCTIONS

EVAL = Path(__file__).parent / "data" / "functions_eval.tsv"
_MARK = re.compile(r"\[([^|\]]+)\|([a-z_]+)\]|\{([^|}]+)\|([a-z_]+)\}")

Gold = tuple[str, str, int, str]  # (kind, span text, offset, function)


def parse_marked(marked: str) -> tuple[str, tuple[Gold, ...]]:
    """Return the unmarked line and its gold spans from `[啦|soften]` / `{喔|realize}` markup."""
    pieces: list[str] = []
    gold: list[Gold] = []
    last = length = 0
    for m in _MARK.finditer(marked):
        pieces.append(marked[last : m.start()])
        length += m.start() - last
        kind, span, function = ("particle", m[1], m[2]) if m[1] else ("interjection", m[3], m[4])
        assert function in FUNCTIONS, f"unknown function {function!r} in {marked!r}"
        gold.append((kind, span, length, function))
        pieces.append(span)
        length += len(span)
        last = m.end()
    pieces.append(marked[last:])
    return "".join(pieces), tuple(gold)


def labelled() -> list[tuple[str, str, str, tuple[Gold, ...]]]:
    """(line, part, note, gold spans) for every row of the labelled set."""
    rows = []
    for line in EVAL.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            marked, part, note = line.split("\t")
            text, gold = parse_marked(marked)
            rows.append((text, part, note, gold))
    return rows


def predicted(line: str) -> dict[tuple[str, str, int], str]:
    """{(kind, span text, offset): function} as the lexicon annotator reads a line."""
    style = annotate(line)
    found = {("particle", s.text, s.offset): s.function for s in style.particles}
    found.update({("interjection", s.text, s.offset): s.function for s in style.interjections})
    return found


def score(part: str, predict: Callable[[str], dict[tuple[str, str, int], str]] = predicted
          ) -> tuple[Counter[str], Counter[str], int, int]:
    """(right per function, labelled per function, spans missed, spans extra) on one part."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed = extra = 0
    for text, row_part, _, gold in labelled():
        if row_part != part:
            continue
        found = predict(text)
        extra += len(set(found) - {(k, t, o) for k, t, o, _ in gold})
        for kind, span, offset, function in gold:
            got = found.get((kind, span, offset))
            missed += got is None
            total[function] += 1
            right[function] += got == function
    return right, total, missed, extra
