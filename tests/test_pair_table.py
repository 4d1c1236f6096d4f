"""A batch of pairs as one Arrow table: made from Pair objects and back without losing anything, and
the column-wide tests that stand in for per-text ones (they may flag more, never less)."""

from __future__ import annotations

import random
from dataclasses import replace

import pyarrow as pa

from builder.annotate.functions import clause_start
from builder.annotate.plain import plain_side
from builder.annotate.rules import is_boundary
from builder.contract.batch import PairBatch
from builder.output.records import PAIR_COLUMNS, SCHEMA
from builder.pair_table import PAIR_SCHEMA, pair_table, pairs_of
from builder.testing import load_golden_pairs, new_pair
from builder.text.script import looks_simplified, maybe_simplified
from builder.types import Pair, Source


def _pairs() -> list[Pair]:
    golden = list(load_golden_pairs())
    made = []
    for number, pair in enumerate(golden):
        if number % 3 == 0 and pair.style is not None:  # as a first pass leaves it
            plain, words = plain_side(pair.zh, pair.style)
            pair = replace(pair, style=replace(pair.style, plain=plain, neutral_words=words))
        made.append(pair)
    bare = new_pair("No style here.", "這裡沒有註記喔。", annotate=False)
    meta = replace(golden[0], meta='{"topic": "food"}', license="cc-by-4.0", attribution="someone",
                   source=Source("a/b.txt", 7, 8), converted_simplified=True)
    return [*made, bare, meta]


def test_pairs_come_back_from_their_table_unchanged() -> None:
    """Every field of every pair, its style (or None), spans, plain side and words included."""
    pairs = _pairs()
    table = pair_table(pairs)
    assert table.schema.equals(PAIR_SCHEMA)
    assert pairs_of(table) == pairs
    assert pairs_of(table.slice(3, 5)) == pairs[3:8]  # a slice keeps its place in the span arrays
    assert PairBatch(table).take([4, 1]).pairs() == [pairs[4], pairs[1]]


def test_the_table_holds_the_dataset_pair_columns_as_the_records_have_them() -> None:
    """Same names and types as the dataset's pair-side columns; register and density as a Pair says."""
    pairs = _pairs()
    table = pair_table(pairs)
    for name in PAIR_COLUMNS:
        assert table.schema.field(name).type == SCHEMA.field(name).type
    styles = [p.style for p in pairs]
    assert table.column("particle_density").to_pylist() == [s.particle_density if s else 0.0 for s in styles]
    assert table.column("register").to_pylist() == [
        "casual" if (s.casual if s else 1.0) >= 0.5 else "formal" for s in styles]


def test_the_column_test_for_simplified_flags_every_simplified_text() -> None:
    """maybe_simplified over a column may flag more texts than looks_simplified, never fewer: lines
    made of Simplified characters, listed spellings (with and without their Taiwan contexts) and
    Taiwan lines, shuffled together."""
    rng = random.Random(3)
    pieces = ["什么", "那里長", "哪里", "王后來了", "以后", "手表", "選手表現", "面包", "表面包裝", "这个", "發", "发",
              "我們", "干嘛", "若干的", "几个", "茶几", "一万", "旅游", "放松", "拜托", "准備", "好啦", " ", "，"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(5000)]
    flagged = maybe_simplified(pa.array(texts))
    missed = [t for t, f in zip(texts, flagged) if looks_simplified(t) and not f]
    assert missed == []
    assert flagged.sum() < len(texts)  # it is a filter: plenty of lines need no closer look


def test_the_clause_start_search_is_the_walk_back_to_a_boundary() -> None:
    """One regex search finds what a step back per character found, on random lines of
    boundaries (spaces, line ends, emoji, zhuyin, punctuation) and words."""

    def walk(text: str, end: int) -> int:
        start = end
        while start > 0 and not is_boundary(text[start - 1]):
            start -= 1
        return start

    alphabet = "我好啦喔，。 \u3000\n\t!?a1😀ㄏ\u200d\ufe0f→「」\x1c\x85\u2028~…\r"
    rng = random.Random(1)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        end = rng.randint(0, len(text))
        assert clause_start(text, end) == walk(text, end), (text, end)
