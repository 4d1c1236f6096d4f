"""The contributor kit catches what it promises to catch, and names the recipe and the pair."""

from __future__ import annotations

import random
import socket
from collections.abc import Callable, Iterator

import pytest

from builder import Example, Pair, Param, RecipeContext, recipe
from builder.testing import check_recipe, load_golden_pairs, new_pair

# The kit's fixtures (golden_pairs, make_pair), loaded the way a contributor's tests load them.
pytest_plugins = ["builder.testing"]

# Module-level recipes, so check_recipe's second process can import them from this file.


@recipe("first-word-of-a-set", version="0.0.1")
def first_word_of_a_set(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Start the prompt with whichever word a set yields first (depends on the hash seed)."""
    words = {word.strip(".,?!").lower() for word in pair.en.split()}
    yield Example(
        instruction=f"Start from '{next(iter(words))}'. 用口語講：", input=pair.en, output=pair.zh
    )


@recipe("sneaky-lookup", version="0.0.1")
def sneaky_lookup(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Try to look something up online and quietly carry on when it fails."""
    try:
        socket.create_connection(("dictionary.invalid", 443), timeout=1).close()
    except OSError:
        pass
    yield Example(instruction="用口語講：", input=pair.en, output=pair.zh)


def _local(
    name: str, function: Callable[[Pair, RecipeContext], Iterator[Example]], **kwargs: object
):  # type: ignore[no-untyped-def]
    function.__doc__ = function.__doc__ or "A recipe made for one test."
    return recipe(name, version="0.0.1", **kwargs)(function)  # type: ignore[arg-type]


def test_golden_pairs_are_normalised_annotated_and_distinct(golden_pairs: tuple[Pair, ...]) -> None:
    """The shipped golden pairs load as Pairs with a style, unique ids and their line numbers."""
    assert len(golden_pairs) == 24
    assert all(p.style is not None for p in golden_pairs)
    assert len({p.id for p in golden_pairs}) == len(golden_pairs)
    assert [p.source.en_line for p in golden_pairs] == list(range(1, 25))
    assert any(p.style and p.style.particle_count for p in golden_pairs)
    assert load_golden_pairs() is load_golden_pairs()


def test_make_pair_normalises_and_annotates(make_pair: Callable[..., Pair]) -> None:
    """make_pair gives the Pair a build would make, style included."""
    pair = make_pair("  The  rice   is ready. ", "飯煮好了喔,快來吃!")
    assert pair.en == "The rice is ready."
    assert pair.zh == "飯煮好了喔，快來吃！"
    assert pair.style is not None and [s.text for s in pair.style.particles] == ["喔"]
    assert pair.source.file == "<test>"


def test_new_pair_refuses_what_a_build_would_set_aside() -> None:
    """A pair the normaliser sets aside is a ValueError with the reason."""
    with pytest.raises(ValueError, match="empty_after_normalise"):
        new_pair("   ", "好喔")


def test_report_counts_pairs_examples_and_skips() -> None:
    """The report says how much ran; a recipe that skips some pairs still passes."""

    def short_only(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        if len(pair.zh) <= 20:
            yield Example(instruction="用口語講：", input=pair.en, output=pair.zh)

    item = _local("short-only", short_only)
    report = check_recipe(item, cross_process=False)
    assert report.pairs == 24 and 0 < report.skipped_pairs < 24
    assert report.examples == 24 - report.skipped_pairs == report.table.num_rows
    assert "identical across two runs in one process" in str(report)


def test_global_random_is_caught_as_nondeterminism() -> None:
    """Choices drawn from the global random module differ between runs."""

    def noisy(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        yield Example(
            instruction=random.choice(["用口語講：", "講白話一點：", "換句話說："])
            + str(random.random()),
            input=pair.en,
            output=pair.zh,
        )

    with pytest.raises(
        AssertionError,
        match=r"recipe 'noisy' 0\.0\.1 on pair golden_pairs\.jsonl:\d+ .*"
        r"output differs between two runs in one process",
    ):
        check_recipe(_local("noisy", noisy), cross_process=False)


def test_state_kept_between_calls_is_caught() -> None:
    """A counter kept across pairs shows up when the second run goes in reverse order."""
    seen: list[str] = []

    def counting(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        seen.append(pair.id)
        yield Example(instruction=f"第 {len(seen) % 24} 題：", input=pair.en, output=pair.zh)

    with pytest.raises(AssertionError, match="output differs between two runs"):
        check_recipe(_local("counting", counting), cross_process=False)


def test_hash_seed_dependence_is_caught_in_the_second_process() -> None:
    """Set iteration order agrees within one process but not in a process with another hash seed."""
    with pytest.raises(
        AssertionError, match="'first-word-of-a-set' .*output differs in a second process"
    ):
        check_recipe(first_word_of_a_set)


def test_network_use_is_caught_even_when_the_recipe_swallows_the_error() -> None:
    """A connection attempt fails the check even if the recipe catches the error."""
    with pytest.raises(
        AssertionError,
        match=r"'sneaky-lookup' .*golden_pairs\.jsonl:1 .*tried to reach the "
        r"network: socket\.create_connection\(\('dictionary\.invalid', 443\)\)",
    ):
        check_recipe(sneaky_lookup)


def test_network_guard_is_removed_after_the_check() -> None:
    """After check_recipe the socket functions are the real ones again."""
    real = socket.create_connection
    with pytest.raises(AssertionError):
        check_recipe(sneaky_lookup)
    assert socket.create_connection is real


def test_simplified_output_names_the_pair() -> None:
    """Simplified script in the output fails with the pair's file:line."""

    def mainland(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        yield Example(instruction="用口語講：", input=pair.en, output="这个真的很好吃")

    with pytest.raises(
        AssertionError,
        match=r"recipe 'mainland' 0\.0\.1 failed on pair golden_pairs\.jsonl:1: "
        r"malformed example: output is in Simplified script",
    ):
        check_recipe(_local("mainland", mainland), cross_process=False)


def test_empty_turn_and_undeclared_field_are_caught() -> None:
    """An empty user turn, and an extra field the recipe did not declare, fail the check."""

    def blank(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        yield Example(instruction="  ", input="", output=pair.zh)

    def undeclared(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        yield Example(
            instruction="用口語講：", input=pair.en, output=pair.zh, extra={"mood": "chill"}
        )

    with pytest.raises(AssertionError, match="empty instruction"):
        check_recipe(_local("blank", blank), cross_process=False)
    with pytest.raises(AssertionError, match=r"extra fields \['mood'\] are not declared"):
        check_recipe(_local("undeclared", undeclared), cross_process=False)


def test_extra_that_is_not_json_fails_the_check() -> None:
    """A declared extra field holding a set cannot go into the dataset: the check says so."""

    def with_set(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        yield Example(
            instruction="用口語講：", input=pair.en, output=pair.zh, extra={"tags": {"casual"}}
        )

    with pytest.raises(
        AssertionError,
        match=r"failed on pair golden_pairs\.jsonl:1: malformed example: extra is not JSON",
    ):
        check_recipe(_local("with-set", with_set, fields=("tags",)), cross_process=False)


def test_a_raise_on_a_golden_pair_names_it() -> None:
    """A recipe that raises on one pair fails with that pair's line and the exception."""

    def picky(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        if "Zoom" in pair.en:
            raise KeyError("zoom")
        yield Example(instruction="用口語講：", input=pair.en, output=pair.zh)

    with pytest.raises(
        AssertionError, match=r"'picky' 0\.0\.1 failed on pair golden_pairs\.jsonl:3: KeyError"
    ):
        check_recipe(_local("picky", picky), cross_process=False)


def test_a_recipe_that_makes_nothing_fails(make_pair: Callable[..., Pair]) -> None:
    """A recipe that skips every pair checked nothing, and the check says so."""

    def never(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        return iter(())

    with pytest.raises(AssertionError, match="made no example from any of 1 pairs"):
        check_recipe(
            _local("never", never), pairs=[make_pair("Hello.", "哈囉。")], cross_process=False
        )


def test_params_reach_the_recipe(make_pair: Callable[..., Pair]) -> None:
    """Parameters given to check_recipe arrive in ctx.params."""

    def prefixed(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        yield Example(
            instruction=f"{ctx.params['prefix']}用口語講：", input=pair.en, output=pair.zh
        )

    item = _local("prefixed", prefixed, params=[Param("prefix", str, "", "what opens the request")])
    report = check_recipe(
        item,
        pairs=[make_pair("See you later.", "等等見囉。")],
        params={"prefix": "嘿，"},
        cross_process=False,
    )
    assert report.table.column("instruction").to_pylist() == ["嘿，用口語講："]


def test_not_a_recipe_is_a_type_error() -> None:
    """Passing the undecorated function is a TypeError that says what is expected."""
    with pytest.raises(TypeError, match="needs a @recipe function"):
        check_recipe(lambda pair, ctx: iter(()))  # type: ignore[arg-type]
