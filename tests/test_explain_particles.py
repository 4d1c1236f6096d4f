"""The built-in recipe explain-particles 2.0.0: each particle explained by its function in the line."""

from __future__ import annotations

import random

import pytest
from labelled_functions import labelled

from builder import FUNCTIONS, Pair, RecipeContext, Source, Span, Style, explain_in_line, explain_in_lines
from builder.annotate import annotate
from builder.annotate.function_explain import _quote, clause_around, explain_span
from builder.annotate.function_glosses import CLUES, GLOSSES
from builder.annotate.functions import CLAUSE_REACH, clause_start, function_spans, particle_readings, span_decisions
from builder.pair_table import pair_table
from recipes.explain_particles import explain_particles

THREE_LA = [("趕快改掉啦", "urge", "趕快"), ("不好意思啦，我今天沒辦法去", "soften", "不好意思"),
            ("沒關係啦，下次再約", "assert", "沒關係")]
PAIR_IDS = ("a", "b", "c", "d", "e", "f")  # both languages come up over a few pair ids


def records(line: str, pair_id: str = "p1") -> list[tuple[str, list[list[object]]]]:
    """(output, particles extra) of the recipe's records for one annotated line."""
    pair = Pair(pair_id, "en", line, Source("t.txt", 1, 2), style=annotate(line))
    return [(e.output, e.extra["particles"])
            for e in explain_particles.function(pair, RecipeContext("explain-particles", pair))]


@pytest.mark.parametrize(("line", "function", "cue"), THREE_LA)
def test_three_la_lines_are_explained_by_their_function(line: str, function: str, cue: str) -> None:
    """Each of the three 啦 lines of issue 14 is explained by its own function and names its clue."""
    for pair_id in PAIR_IDS:
        ((output, extra),) = records(line, pair_id)
        assert extra == [["啦", line.index("啦"), function]]
        assert cue in output and ("線索" in output or "Clue" in output)
        assert line in output


def test_three_la_lines_get_different_answers() -> None:
    """The three answers differ for every pair id, not only by the quoted line: the gloss differs."""
    for pair_id in PAIR_IDS:
        answers = [records(line, pair_id)[0][0] for line, _, _ in THREE_LA]
        assert len(set(answers)) == 3
    zh = {function: explain_span(line, "啦", line.index("啦"), function, "zh", lambda o: o[0])
          for line, function, _ in THREE_LA}
    assert len(set(zh.values())) == 3


def test_answers_are_specific_to_their_line() -> None:
    """Two lines with the same particle and function never get byte-identical answers (leak check)."""
    lines = ["沒關係啦，下次再約", "沒關係啦，下週再約", "好啦，我去", "好啦，你去", "我們走吧", "我們走吧！"]
    for pair_id in PAIR_IDS:
        answers = [records(line, pair_id)[0][0] for line in lines]
        assert len(set(answers)) == len(lines)


def test_the_answer_quotes_the_words_around_each_particle() -> None:
    """Each entry quotes the clause the particle closes, not only the particle."""
    line = "好啦好啦，你密碼是「12345678」喔？快改"
    outputs = [records(line, pair_id)[0][0] for pair_id in PAIR_IDS]
    assert all("「12345678」喔" in out and "好啦好啦" in out for out in outputs)
    assert clause_around("要 800 喔", 6) == "800 喔"
    assert clause_around("這是一個非常非常長的句子真的很長喔", 16) == "…常非常長的句子真的很長喔"


def test_spans_without_a_function_take_the_rules_reading() -> None:
    """A style made without functions (another annotator) still gets explained by the rules."""
    line = "不好意思啦，我今天沒辦法去"
    bare = explain_in_line(line, (Span("啦", 4),), "en", lambda o: o[0])
    assert bare == explain_in_line(line, annotate(line).particles, "en", lambda o: o[0])


def test_another_backends_function_is_glossed_without_a_false_clue() -> None:
    """When the span's function differs from the rules' reading, no clue of the rules is named."""
    said = explain_span("趕快改掉啦", "啦", 4, "assert", "en", lambda o: o[0])
    assert "Clue" not in said
    assert "Clue" in explain_span("趕快改掉啦", "啦", 4, "urge", "en", lambda o: o[0])


def test_lines_without_particles_give_no_record() -> None:
    """No particle, no record."""
    assert records("今天天氣很好。") == []
    pair = Pair("p", "en", "今天天氣很好。", Source("t.txt", 1, 2), style=Style(length=7))
    assert list(explain_particles.function(pair, RecipeContext("explain-particles", pair))) == []


def test_deterministic() -> None:
    """The same pair gives the same record, call after call."""
    assert records("趕快改掉啦", "x") == records("趕快改掉啦", "x")


def test_glosses_and_clues_cover_what_the_rules_say() -> None:
    """Three phrasings per function and language; a clue sentence for every rule the labelled lines use."""
    assert set(GLOSSES) == set(FUNCTIONS)
    assert all(len(GLOSSES[f][lang]) >= 3 for f in FUNCTIONS for lang in ("zh", "en"))
    clues = set()
    for text, *_ in labelled():
        style = annotate(text)
        decided, _ = span_decisions(text, [(s.text, s.offset) for s in style.particles], [])
        clues |= {d[1] for d in decided}
    assert clues <= set(CLUES), clues - set(CLUES)


def test_many_lines_read_from_an_arrow_span_column_as_from_span_tuples() -> None:
    """explain_in_lines gives the same explanations whether the spans come as `Span` tuples or as
    the pair table's span column (a line without a function, one without particles, a slice)."""
    lines = ["不好意思啦，我今天沒辦法去", "你看啦，我就說吧", "今天天氣很好", "好啦好啦，我去就是了嘛"]
    spans = [annotate(line).particles for line in lines]
    spans[1] = tuple(Span(s.text, s.offset) for s in spans[1])  # no function: the rules' reading
    pairs = [Pair(f"p{k}", "x", line, Source("f", 1, 2), style=Style(particles=found))
             for k, (line, found) in enumerate(zip(["", *lines], [(), *spans]))]
    column = pair_table(pairs).column("particles").slice(1)  # a slice: its offsets do not start at 0
    langs = ["zh", "en", "zh", "en"]

    def choose(counts: list[int]) -> list[int]:
        return [k % count for k, count in enumerate(counts)]

    by_spans = explain_in_lines(lines, spans, langs, choose)
    assert explain_in_lines(lines, column, langs, choose) == by_spans
    assert [len(found) for found in by_spans] == [len(found) for found in spans]
    assert by_spans[2] == [] and all(said for found in by_spans for _, said in found)


def test_one_clause_start_serves_the_decision_and_the_quote() -> None:
    """`particle_readings` (one clause search per particle, its start shared with the quote) and
    `function_spans` (pass 1's loop) give the decisions of `span_decisions`, the clause starts of
    `clause_start` (within the rules' reach) and the same quotes, on random lines of particles, cue
    words and boundaries, clauses longer than the rules' reach included."""
    pieces = ["啦", "喔", "吧", "啊", "齁", "呢", "，", "。", "？", " ", "「", "」", "\n", "好", "趕快", "不好意思",
              "我們", "應該", "原來", "很", "真的假的", "這是一個很長的句子", "了", "你"]
    rng = random.Random(7)
    compared = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        found = [(ch, at) for at, ch in enumerate(text) if ch in "啦喔吧啊齁呢"]
        decided, _ = span_decisions(text, found, [])
        readings = particle_readings(text, found)
        assert [decision for _, decision in readings] == decided, text
        assert [span.function for span in function_spans(text, found, [])[0]] == [d[0] for d in decided], text
        assert [start for start, _ in readings] == [max(clause_start(text, at), at - CLAUSE_REACH)
                                                    for _, at in found], text
        assert [clause_around(text, at) for _, at in found] == \
            [_quote(text, start, at, 1) for (_, at), (start, _) in zip(found, readings)], text
        compared += len(found)
    assert compared > 5000
