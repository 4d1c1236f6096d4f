"""particle-hint keeps the twcasual recipe contract and does what its docstring says."""

from __future__ import annotations

from collections.abc import Callable

from twcasual_particle_hint import particle_hint

from builder import Pair
from builder.testing import check_recipe

pytest_plugins = ["builder.testing"]  # the make_pair and golden_pairs fixtures


def test_keeps_the_twcasual_contract() -> None:
    """On twcasual's golden pairs: valid schema, same output twice and in two processes, no network."""
    report = check_recipe(particle_hint)
    assert report.examples > 0 and report.skipped_pairs > 0


def test_names_a_particle_of_the_line(make_pair: Callable[..., Pair]) -> None:
    """The request names the line's particle, and the field records it."""
    pair = make_pair("Remember to bring your ID card.", "記得帶身分證喔。")
    (example,) = particle_hint.run(pair)
    assert example.extra == {"particle": "喔"}
    assert "「喔」" in example.instruction
    assert (example.input, example.output) == (pair.en, pair.zh)


def test_skips_a_line_without_particles(make_pair: Callable[..., Pair]) -> None:
    """No particle, no example."""
    assert particle_hint.run(make_pair("The store opens at nine.", "店九點開門。")) == []


def test_max_per_pair_gives_one_example_per_particle(make_pair: Callable[..., Pair]) -> None:
    """With max_per_pair = 2, a line with two particles makes two examples, in order."""
    pair = make_pair("Fine, see you tomorrow then.", "好啦，那明天見囉。")
    examples = particle_hint.run(pair, {"max_per_pair": 2})
    assert [e.extra["particle"] for e in examples] == ["啦", "囉"]
