"""The batched form of a recipe: the same choices as the per-pair form, the same checks, the same
errors naming the pair, and check_recipe comparing the two forms record for record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builder import BatchContext, Example, Examples, Pair, PairBatch, RecipeContext, recipe
from builder.config import BuildConfig, config_from_mapping
from builder.contract.registry import Registry, default_registry
from builder.errors import RecipeError
from builder.pipeline import build
from builder.testing import check_recipe, load_golden_pairs, new_pair

PROMPTS = ("請用口語講：", "換你說說看：", "Say it casually:")

PAIRS = [
    ("The convenience store downstairs is open all night.", "樓下的便利商店整晚都有開喔。"),
    ("My cousin just got a new scooter.", "我表弟剛買了一台新機車耶。"),
    ("Could you lend me an umbrella? It is pouring outside.", "可以借我一把傘嗎？外面雨超大的啦。"),
    ("The dumplings here are cheap and filling.", "這家水餃便宜又吃得飽啦。"),
]
TRIGGER = "umbrella"  # the third pair, lines 5 and 6


def _config(folder: Path, recipes: dict[str, Any], workers: int = 1) -> BuildConfig:
    (folder / "pairs.txt").write_text("".join(f"{en}\n{zh}\n" for en, zh in PAIRS), encoding="utf-8")
    return config_from_mapping({"input": {"paths": ["pairs.txt"]}, "recipes": recipes,
                                "build": {"workers": workers}}, base=folder)


def _registry(item: Any) -> Registry:
    registry = Registry()
    registry.register(item, "test")
    return registry


# --- the same choices ---------------------------------------------------------------------------


def test_batched_picks_are_the_per_pair_picks_draw_for_draw() -> None:
    """For every pair, the n-th batched draw is the n-th ctx.pick, also with rows repeated and one
    count per draw; another batch around the pair changes nothing."""
    pairs = list(load_golden_pairs()[:6])
    options = [f"option {k}" for k in range(7)]
    expected = []
    for pair in pairs:
        ctx = RecipeContext("echo-line", pair)
        expected.append([ctx.pick(options) for _ in range(3)] + [ctx.pick(options[:3])])
    batch = PairBatch.of(pairs)
    ctx = BatchContext("echo-line", batch)
    first = ctx.pick(options).to_pylist()
    twice = ctx.pick(options, np.repeat(np.arange(len(pairs)), 2)).to_pylist()
    counts = ctx.choices(np.full(len(pairs), 3), np.arange(len(pairs)))
    for row in range(len(pairs)):
        got = [first[row], twice[2 * row], twice[2 * row + 1], options[:3][counts[row]]]
        assert got == expected[row]
    reversed_batch = PairBatch.of(pairs[::-1])
    assert BatchContext("echo-line", reversed_batch).pick(options).to_pylist() == first[::-1]


def test_a_batched_pick_draws_only_for_the_rows_given() -> None:
    """Rows that are not given do not draw: their next draw is still their first."""
    pairs = list(load_golden_pairs()[:3])
    batch = PairBatch.of(pairs)
    ctx = BatchContext("echo-line", batch)
    ctx.choices(5, [1])
    later = ctx.choices(5, [0, 1])
    assert later[0] == ctx.__class__("echo-line", batch).choices(5, [0])[0]
    fresh = BatchContext("echo-line", batch)
    fresh.choices(5, [1])
    assert fresh.choices(5, [1])[0] == later[1]
    with pytest.raises(IndexError):
        ctx.choices(5, [3])
    with pytest.raises(ValueError, match="at least one option"):
        ctx.pick([])


def test_spans_of_some_rows_are_those_rows_spans() -> None:
    """`pairs.spans(name, rows)` gives the Span tuples of the rows asked for, in their order."""
    pairs = [pair for pair in load_golden_pairs() if pair.style is not None and pair.style.particles][:4]
    batch = PairBatch.of(pairs)
    every = batch.spans("particles")
    assert every == [pair.style.particles for pair in pairs]
    assert batch.spans("particles", [3, 0, 0]) == [every[3], every[0], every[0]]
    assert batch.spans("markers", np.array([], dtype=np.int64)) == []


# --- check_recipe compares the forms --------------------------------------------------------------


def _echo_batch(pairs: PairBatch, ctx: BatchContext) -> Examples:
    return Examples(instruction=ctx.pick(PROMPTS), input=pairs.en, output=pairs.zh)


def _echo_batch_other_order(pairs: PairBatch, ctx: BatchContext) -> Examples:
    ctx.pick(PROMPTS)  # a draw the per-pair form does not make: every later choice moves
    return Examples(instruction=ctx.pick(PROMPTS), input=pairs.en, output=pairs.zh)


def _echo(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Ask for the zh line of the English one."""
    yield Example(instruction=ctx.pick(PROMPTS), input=pair.en, output=pair.zh)


def test_check_recipe_checks_both_forms_and_sees_them_agree() -> None:
    """A recipe with both forms: both run, both checked, and they agree."""
    item = recipe("echo-line", version="1.0.0", batch=_echo_batch)(_echo)
    report = check_recipe(item, cross_process=False)
    assert report.forms == ("per-pair", "batched")
    assert "per-pair and batched forms" in str(report)


def test_check_recipe_fails_when_the_forms_disagree() -> None:
    """A batched form that draws once more than the per-pair form: check_recipe names the pair."""
    item = recipe("echo-line", version="1.0.0", batch=_echo_batch_other_order)(_echo)
    with pytest.raises(AssertionError, match="differs between its per-pair form .first. and its batched form"):
        check_recipe(item, cross_process=False)


def _compact_extra(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """Give each line's length, as JSON without spaces."""
    return Examples(instruction="說說看：", input=pairs.en, output=pairs.zh,
                    extra=['{"length":' + str(len(text)) + "}" for text in pairs.zh.to_pylist()])


def test_check_recipe_wants_extras_in_their_stored_form() -> None:
    """An extra written without the spaces json.dumps puts in would store another text for the same
    value than the per-pair form: check_recipe says how to write it."""
    item = recipe("measure-line", version="1.0.0", fields=("length",), batched=True)(_compact_extra)
    with pytest.raises(AssertionError, match=r"is not in its stored form '\{\"length\": "):
        check_recipe(item, cross_process=False)


def test_built_in_batched_forms_agree_with_their_per_pair_forms_on_many_pairs() -> None:
    """On 400 benchmark-shaped pairs, half with the plain side a first pass makes, each built-in's two
    forms make the same records (the parametrized contract test covers the golden pairs)."""
    from bench.corpus import iter_pairs
    from builder.annotate.plain import plain_side

    pairs = []
    for number, (en, zh, *_) in enumerate(iter_pairs(400, seed=5)):
        pair = new_pair(en, zh, line=2 * number + 1)
        if number % 2 and pair.style is not None:
            made, words = plain_side(pair.zh, pair.style)
            pair = replace(pair, style=replace(pair.style, plain=made, neutral_words=words))
        pairs.append(pair)
    registry = default_registry()
    for name in ("en-to-casual", "casual-to-en", "casualize", "explain-particles"):
        report = check_recipe(registry.get(name), pairs=pairs, cross_process=False)
        assert report.forms == ("per-pair", "batched") and report.examples > 100


# --- a batched recipe in a build -----------------------------------------------------------------


def _batched_only(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """Ask for the zh line of the English one."""
    return Examples(instruction=ctx.pick(PROMPTS), input=pairs.en, output=pairs.zh)


@pytest.mark.parametrize("workers", [1, 2], ids=["inline", "two-workers"])
def test_a_batched_only_recipe_builds_the_records_of_its_per_pair_twin(tmp_path: Path, workers: int) -> None:
    """The same recipe written per pair and batched only: byte-identical shards."""
    shards = []
    for form, item in (("pair", recipe("echo-line", version="1.0.0")(_echo)),
                       ("batch", recipe("echo-line", version="1.0.0", batched=True)(_batched_only))):
        folder = tmp_path / form
        folder.mkdir()
        build(_config(folder, {"echo-line": {}}, workers), folder / "out", registry=_registry(item))
        shards.append({p.relative_to(folder / "out"): p.read_bytes() for p in (folder / "out").glob("echo-line/*")})
    assert shards[0] == shards[1] and shards[0]


def _rows_of_some(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """Only the lines that end in 啦."""
    rows = [row for row, text in enumerate(pairs.zh.to_pylist()) if text.endswith("啦。")]
    return Examples(rows=rows, instruction="說說看：", input=pairs.en.take(pa.array(rows, pa.int64())),
                    output=pairs.zh.take(pa.array(rows, pa.int64())))


def test_rows_say_which_pairs_made_examples(tmp_path: Path) -> None:
    """`rows` keeps pairs out: only the two pairs that end in 啦 make records, with their own ids."""
    item = recipe("la-lines", version="1.0.0", batched=True)(_rows_of_some)
    build(_config(tmp_path, {"la-lines": {}}), tmp_path / "out", registry=_registry(item))
    table = pa.concat_tables(pq.read_table(p) for p in sorted((tmp_path / "out" / "la-lines").glob("*.parquet")))
    assert sorted(table.column("zh").to_pylist()) == sorted(zh for _, zh in PAIRS if zh.endswith("啦。"))
    assert all(record_id.endswith("/0") for record_id in table.column("id").to_pylist())


def _raising_batch(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """Fail on a batch that holds one pair, as a buggy batched form would."""
    if any(TRIGGER in text for text in pairs.en.to_pylist()):
        raise ValueError("no template for rain")
    return Examples(instruction="用口語講：", input=pairs.en, output=pairs.zh)


def test_a_batched_form_that_raises_names_the_pair(tmp_path: Path) -> None:
    """The batch is run again pair by pair, so the error names the pair it fails on."""
    item = recipe("fragile", version="1.2.3", batched=True)(_raising_batch)
    with pytest.raises(RecipeError) as caught:
        build(_config(tmp_path, {"fragile": {}}), tmp_path / "out", registry=_registry(item))
    assert str(caught.value) == "recipe 'fragile' 1.2.3 failed on pair pairs.txt:5: ValueError: no template for rain"


@pytest.mark.parametrize("workers", [1, 2], ids=["inline", "two-workers"])
def test_skip_errors_sets_aside_only_the_pair_a_batched_form_fails_on(tmp_path: Path, workers: int) -> None:
    """With skip_errors the other pairs of the batch keep their records."""
    item = recipe("fragile", version="1.2.3", batched=True)(_raising_batch)
    result = build(_config(tmp_path, {"fragile": {}}, workers), tmp_path / "out", registry=_registry(item),
                   skip_errors=True)
    assert result.report["totals"]["pairs_set_aside"] == {"recipe_error:ValueError": 1}
    assert sum(result.counts["fragile"].values()) == len(PAIRS) - 1


def _malformed(problem: str) -> Any:
    def made(pairs: PairBatch, ctx: BatchContext) -> Examples:
        """Make one bad example, on the pair about an umbrella."""
        en = pairs.en.to_pylist()
        bad = [TRIGGER in text for text in en]
        output = pairs.zh.to_pylist()
        instruction: list[Any] = ["說說看："] * len(en)
        extra: list[Any] = ["{}"] * len(en)
        for row, flag in enumerate(bad):
            if not flag:
                continue
            if problem == "empty":
                output[row] = " \u3000"
            elif problem == "type":
                instruction[row] = None
            elif problem == "simplified":
                output[row] = "借我一把伞吧，外面雨下得很大"
            elif problem == "simplified-instruction":  # the script check names the right column
                instruction[row] = "请帮我把这句话说得轻松一点"
            elif problem == "undeclared":
                extra[row] = '{"mood": "rainy"}'
            elif problem == "not-json":
                extra[row] = "{mood: rainy}"
        return Examples(instruction=instruction, input=en, output=output, extra=extra)

    return made


MALFORMED = [
    ("empty", "empty output (assistant turn)"),
    ("type", "instruction is NoneType, not str"),
    ("simplified", "output is in Simplified script"),
    ("simplified-instruction", "instruction is in Simplified script"),
    ("undeclared", "extra fields ['mood'] are not declared"),
    ("not-json", "extra is not JSON object text"),
]


@pytest.mark.parametrize(("kind", "problem"), MALFORMED, ids=[kind for kind, _ in MALFORMED])
def test_a_malformed_batched_example_stops_the_build_naming_pair_and_problem(
        tmp_path: Path, kind: str, problem: str) -> None:
    """Each per-pair check holds for the batched form, column by column, with the same message."""
    item = recipe("sloppy", version="1.2.3", batched=True)(_malformed(kind))
    with pytest.raises(RecipeError) as caught:
        build(_config(tmp_path, {"sloppy": {}}), tmp_path / "out", registry=_registry(item))
    assert str(caught.value).startswith(f"recipe 'sloppy' 1.2.3 failed on pair pairs.txt:5: malformed example: "
                                        f"{problem}")


@pytest.mark.parametrize(("kind", "problem"), MALFORMED, ids=[kind for kind, _ in MALFORMED])
def test_a_malformed_batched_example_sets_only_its_pair_aside(tmp_path: Path, kind: str, problem: str) -> None:
    """With skip_errors, the pair is set aside as malformed; the other three make records."""
    item = recipe("sloppy", version="1.2.3", batched=True)(_malformed(kind))
    result = build(_config(tmp_path, {"sloppy": {}}), tmp_path / "out", registry=_registry(item),
                   skip_errors=True)
    assert result.report["totals"]["pairs_set_aside"] == {"recipe_error:malformed_example": 1}
    (entry,) = [s for s in result.report["set_aside"] if s["reason"] == "recipe_error"]
    assert entry["line"] == 5 and problem in entry["text"]
    assert sum(result.counts["sloppy"].values()) == len(PAIRS) - 1


def _misshapen(kind: str) -> Any:
    def made(pairs: PairBatch, ctx: BatchContext) -> Any:
        """Return something that cannot be read as examples."""
        if kind == "short":
            return Examples(instruction="說說看：", input=pairs.en, output=pairs.zh.slice(1))
        if kind == "order":
            rows = list(range(len(pairs)))[::-1]
            return Examples(rows=rows, instruction="說說看：", output=pairs.zh.take(pa.array(rows)))
        return [Example(instruction="說說看：", output=text) for text in pairs.zh.to_pylist()]

    return made


@pytest.mark.parametrize(("kind", "problem"), [
    ("short", "output has 0 entries for 1 examples"),
    ("order", None),  # a batch of one pair is always in order: the records are made
    ("list", "returned list, not Examples"),
])
def test_a_batched_result_of_the_wrong_shape_is_a_malformed_example(
        tmp_path: Path, kind: str, problem: str | None) -> None:
    """Columns of another length, rows out of order, or not Examples at all: the batch runs again pair
    by pair, and the problem is named with the pair it shows on."""
    item = recipe("misshapen", version="1.0.0", batched=True)(_misshapen(kind))
    if problem is None:
        result = build(_config(tmp_path, {"misshapen": {}}), tmp_path / "out", registry=_registry(item))
        assert sum(result.counts["misshapen"].values()) == len(PAIRS)
        return
    with pytest.raises(RecipeError) as caught:
        build(_config(tmp_path, {"misshapen": {}}), tmp_path / "out", registry=_registry(item))
    assert str(caught.value) == f"recipe 'misshapen' 1.0.0 failed on pair pairs.txt:1: malformed example: {problem}"


def test_recipe_run_works_for_a_batched_only_recipe() -> None:
    """`Recipe.run` on one pair runs the batched form on a batch of one."""
    item = recipe("echo-line", version="1.0.0", batched=True)(_batched_only)
    pair = new_pair("See you tomorrow.", "明天見囉。")
    (example,) = item.run(pair)
    assert example == Example(instruction=RecipeContext("echo-line", pair).pick(PROMPTS), input=pair.en,
                              output=pair.zh)


# --- the contract ----------------------------------------------------------------------------------


def test_a_batched_form_needs_the_contract_that_added_it() -> None:
    """A recipe that offers a batched form but states contract 2.1 is told to state 2.2."""
    with pytest.raises(RecipeError, match=r"offers a batched form, which recipe contract 2\.2 added.*contract='2\.2'"):
        recipe("echo-line", version="1.0.0", contract="2.1", batch=_echo_batch)(_echo)


def test_a_recipe_written_for_contract_2_1_still_runs() -> None:
    """The minor bump keeps older recipes: a per-pair recipe stating 2.1 is checked and runs."""
    item = recipe("echo-line", version="1.0.0", contract="2.1")(_echo)
    assert check_recipe(item, cross_process=False).forms == ("per-pair",)


def test_batched_form_signature_and_flags_are_checked() -> None:
    """A batch function that does not take (pairs, ctx), or both batch= and batched=True, is refused."""

    def one_argument(pairs: PairBatch) -> Examples:
        """Forget the context."""
        raise AssertionError  # pragma: no cover

    with pytest.raises(RecipeError, match=r"its batched form must take exactly \(pairs, ctx\)"):
        recipe("echo-line", version="1.0.0", batch=one_argument)(_echo)  # type: ignore[arg-type]
    with pytest.raises(RecipeError, match="not both"):
        recipe("echo-line", version="1.0.0", batch=_echo_batch, batched=True)(_batched_only)
    with pytest.raises(RecipeError, match=r"must take exactly \(pairs, ctx\)"):
        recipe("echo-line", version="1.0.0", batched=True)(one_argument)


def test_two_batched_only_recipes_of_one_name_are_two_recipes() -> None:
    """The registry tells two batched-only recipes apart (neither has a per-pair function)."""
    registry = Registry()
    registry.register(recipe("echo-line", version="1.0.0", batched=True)(_batched_only), "a")

    def other(pairs: PairBatch, ctx: BatchContext) -> Examples:
        """Ask again."""
        return Examples(instruction="再說一次：", output=pairs.zh)

    with pytest.raises(RecipeError, match="is taken"):
        registry.register(recipe("echo-line", version="1.0.0", batched=True)(other), "b")


def test_the_guide_s_batched_example_agrees_with_the_example_plugin() -> None:
    """The batched form docs/writing-recipes.md shows, beside the example plugin's per-pair form:
    check_recipe finds the two forms in agreement, with max_per_pair 1 and 2."""
    root = Path(__file__).resolve().parent.parent
    guide = (root / "docs" / "writing-recipes.md").read_text(encoding="utf-8")
    start = guide.index("```python\nimport json\n\nfrom builder import BatchContext")
    block = guide[start + len("```python\n"):guide.index("\n@recipe(", start)]
    plugin = (root / "examples" / "recipe-plugin" / "src" / "twcasual_particle_hint" / "__init__.py")
    namespace: dict[str, Any] = {"__name__": "guide_example"}
    exec(compile(plugin.read_text(encoding="utf-8"), str(plugin), "exec"), namespace)  # noqa: S102
    exec(compile(block, "docs/writing-recipes.md", "exec"), namespace)  # noqa: S102
    per_pair = namespace["particle_hint"]
    both = replace(per_pair, batch=namespace["particle_hint_batch"])
    for limit in (1, 2):
        report = check_recipe(both, params={"max_per_pair": limit}, cross_process=False)
        assert report.forms == ("per-pair", "batched") and report.examples > 0
