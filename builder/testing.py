"""The contributor kit: check a recipe the way a build would, from your own tests.

```python
from builder.testing import check_recipe

pytest_plugins = ["builder.testing"]  # the golden_pairs and make_pair fixtures

def test_my_recipe() -> None:
    check_recipe(my_recipe)
```

`check_recipe` runs the recipe on the golden pairs shipped with twcasual (or on the pairs you
give it) and raises `AssertionError`, naming the recipe and the pair, if an example is malformed
(empty turn, wrong type, Simplified script, undeclared extra field), if the records do not fit the
dataset schema, if the output changes between two runs or between two processes, if the recipe
tries to reach the network, or, for a recipe with a per-pair and a batched form, if the two forms
do not agree record for record. `golden_pairs` and `make_pair` are pytest fixtures; they exist only
where pytest is installed. Everything else here works without pytest.

PYTEST_DONT_REWRITE: the checks raise AssertionError themselves, so pytest has nothing to rewrite
here, and a module imported before `pytest_plugins` names it would only earn a warning.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa

from builder.annotate import annotate as annotate_zh
from builder.contract.apply import Step
from builder.contract.netguard import NetworkBlocked, NetworkGuard
from builder.contract.recipe import Recipe
from builder.contract.registry import Registry
from builder.errors import RecipeError
from builder.output.records import SCHEMA
from builder.pipeline.recipe_tables import recipe_records
from builder.testing_batched import check_extras, forms_of, run_batched
from builder.text.normalize import Normalizer
from builder.types import Pair, RawPair, SetAside, Source

__all__ = [
    "CheckReport",
    "NetworkBlocked",
    "check_recipe",
    "golden_pairs",
    "load_golden_pairs",
    "make_pair",
    "new_pair",
]

GOLDEN_FILE = "golden_pairs.jsonl"
_WORKER_TIMEOUT_S = 300


@dataclass(frozen=True)
class CheckReport:
    """What `check_recipe` ran: how many pairs, how many examples, which checks took place."""

    recipe: str
    version: str
    pairs: int
    examples: int
    skipped_pairs: int
    cross_process: bool
    table: pa.Table
    forms: tuple[str, ...] = ("per-pair",)  # the forms checked: "per-pair", "batched"

    def __str__(self) -> str:
        where = "two runs and two processes" if self.cross_process else "two runs in one process"
        forms = " and ".join(self.forms) + (" forms" if len(self.forms) > 1 else " form")
        return (
            f"recipe '{self.recipe}' {self.version}: {self.examples} examples from "
            f"{self.pairs - self.skipped_pairs} of {self.pairs} pairs, identical across {where} "
            f"({forms})"
        )


# --- pairs ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _normalizer() -> Normalizer:
    # One per process, like a build: making the OpenCC converter is the slow part.
    return Normalizer()


def new_pair(
    en: str, zh: str, *, file: str = "<test>", line: int = 1, annotate: bool = True
) -> Pair:
    """Normalise and annotate one English/zh-TW pair, exactly as a build would."""
    result = _normalizer()(RawPair(en, zh, Source(file, line, line)))
    if isinstance(result, SetAside):
        # A pair the build would drop is a bad value, not a bad type: ValueError, not TypeError.
        raise ValueError(f"{file}:{line}: the build would set this pair aside: {result.reason}")  # noqa: TRY004
    if not annotate:
        return result
    return replace(result, style=annotate_zh(result.zh))


@lru_cache(maxsize=1)
def load_golden_pairs() -> tuple[Pair, ...]:
    """Return the golden pairs shipped with twcasual, normalised and annotated."""
    text = resources.files("builder").joinpath("data", GOLDEN_FILE).read_text(encoding="utf-8")
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        pairs.append(new_pair(row["en"], row["zh"], file=GOLDEN_FILE, line=number))
    return tuple(pairs)


# --- running --------------------------------------------------------------------------------


def _describe(recipe: Recipe, pair: Pair) -> str:
    return f"recipe '{recipe.name}' {recipe.version} on pair {pair.source} ({pair.en[:40]!r})"


_JSON_COLUMNS = ("id", "instruction", "input", "output", "synthetic", "extra")


def _records(recipe: Recipe, pair: Pair, step: Step) -> pa.Table:
    """One pair's records by the build's own path: the recipe stage, then the join with the pair."""
    try:
        return recipe_records([pair], step)
    except (TypeError, ValueError, pa.ArrowException) as error:
        raise AssertionError(
            f"check_recipe: {_describe(recipe, pair)}: records do not convert to the "
            f"dataset schema: {type(error).__name__}: {error}"
        ) from error


def _runs(
    recipe: Recipe, pairs: Sequence[Pair], params: Mapping[str, Any], order: Sequence[int]
) -> dict[str, dict[int, pa.Table]]:
    """Each form of the recipe on the pairs, by the build's own code: the per-pair form pair by
    pair, the batched form on one batch; fail with the pair on any problem."""
    return {form: _run(one, pairs, params, order) if form == "per-pair" else
            run_batched(one, pairs, params, order) for form, one in forms_of(recipe).items()}


def _run(
    recipe: Recipe, pairs: Sequence[Pair], params: Mapping[str, Any], order: Sequence[int]
) -> dict[int, pa.Table]:
    """Run the recipe pair by pair through the build's own code path; fail with the pair on any problem."""
    step = Step(recipe, dict(params))
    guard = NetworkGuard()
    results: dict[int, pa.Table] = {}
    with guard.active():
        for index in order:
            pair = pairs[index]
            try:
                results[index] = _records(recipe, pair, step)
            except RecipeError as error:
                if guard.attempts:
                    break
                raise AssertionError(f"check_recipe: {error}") from error
            if guard.attempts:
                break
    if guard.attempts:
        raise AssertionError(
            f"check_recipe: {_describe(recipe, pair)}: tried to reach the network: "
            f"{guard.attempts[0]}"
        )
    return results


def _as_json(results: Mapping[int, pa.Table]) -> dict[int, str]:
    return {
        index: json.dumps(table.select(list(_JSON_COLUMNS)).to_pylist(), ensure_ascii=False, sort_keys=True)
        for index, table in results.items()
    }


def _compare(
    recipe: Recipe,
    pairs: Sequence[Pair],
    first: Mapping[int, str],
    second: Mapping[int, str],
    how: str,
) -> None:
    for index in range(len(pairs)):
        if first.get(index) != second.get(index):
            raise AssertionError(
                f"check_recipe: {_describe(recipe, pairs[index])}: output differs {how}.\n"
                f"  first:  {first.get(index)}\n  second: {second.get(index)}\n"
                "Use ctx.pick / ctx.rng for choices; never the clock, global random, set order "
                "or state kept between calls."
            )


def _table(recipe: Recipe, results: Mapping[int, pa.Table]) -> pa.Table:
    tables = [results[index] for index in sorted(results)]
    for index, table in zip(sorted(results), tables):
        if not table.schema.equals(SCHEMA):
            raise AssertionError(f"check_recipe: recipe '{recipe.name}' {recipe.version}: the records of "
                                 f"pair {index} do not have the dataset schema")
    return pa.concat_tables(tables) if tables else SCHEMA.empty_table()


# --- the second process ---------------------------------------------------------------------


def _locate(recipe: Recipe) -> dict[str, str] | None:
    """Say how another process can find this recipe: by module, by file, or None if it cannot."""
    function = recipe.main_function
    module_name = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", "")
    attr = getattr(function, "__name__", "")
    module = sys.modules.get(module_name or "")
    if module is None or "." in qualname or qualname != attr:
        return None  # defined inside a function or a class: no other process can import it
    found = getattr(module, attr, None)
    if not isinstance(found, Recipe) or found.main_function is not function:
        return None
    spec = getattr(module, "__spec__", None)
    importable = (
        spec is not None
        and spec.name == module_name
        and module_name != "__main__"
        and not module_name.startswith("twcasual_local_recipe_")
    )
    if importable and module_name:
        return {"module": module_name, "name": recipe.name}
    file = getattr(module, "__file__", None)
    return {"file": str(Path(file).resolve()), "name": recipe.name} if file else None


def _hash_seed() -> str:
    """A hash seed different from this process's, so set and dict order differences show up."""
    current = os.environ.get("PYTHONHASHSEED", "")
    return str((int(current) + 1) % 4294967296) if current.isdigit() else "1"


def _in_another_process(
    recipe: Recipe, where: Mapping[str, str], pairs: Sequence[Pair], params: Mapping[str, Any]
) -> dict[str, dict[int, str]]:
    with tempfile.TemporaryDirectory(prefix="twcasual-check-") as folder:
        result_path = Path(folder) / "result.json"
        payload = pickle.dumps(
            {
                "where": dict(where),
                "pairs": list(pairs),
                "params": dict(params),
                "out": str(result_path),
            }
        )
        paths = [os.path.abspath(p) if p else os.getcwd() for p in sys.path]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), PYTHONHASHSEED=_hash_seed())
        done = subprocess.run(
            [sys.executable, "-c", "from builder.testing import _worker; _worker()"],
            input=payload,
            capture_output=True,
            env=env,
            timeout=_WORKER_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise AssertionError(
                f"check_recipe: recipe '{recipe.name}' {recipe.version}: the second process "
                f"failed (exit {done.returncode}):\n  " + "\n  ".join(tail)
            )
        loaded = json.loads(result_path.read_text(encoding="utf-8"))
    return {form: {int(k): v for k, v in results.items()} for form, results in loaded.items()}


def _worker() -> None:
    """Run a recipe on pickled pairs in a fresh process; write each form's output JSON per pair to a file."""
    job = pickle.loads(sys.stdin.buffer.read())
    where = job["where"]
    registry = Registry()
    if "module" in where:
        import importlib

        module = importlib.import_module(where["module"])
        for value in vars(module).values():
            if isinstance(value, Recipe) and value.name == where["name"]:
                registry.register(value)
    else:
        registry.load_file(Path(where["file"]))
    recipe = registry.get(where["name"])
    pairs = job["pairs"]
    runs = _runs(recipe, pairs, job["params"], range(len(pairs)))
    Path(job["out"]).write_text(
        json.dumps({form: {str(k): v for k, v in _as_json(results).items()} for form, results in runs.items()},
                   ensure_ascii=False),
        encoding="utf-8",
    )


# --- the check ------------------------------------------------------------------------------


def _runs_in_one_process(
    recipe: Recipe, chosen: Sequence[Pair], options: Mapping[str, Any]
) -> tuple[dict[str, dict[int, pa.Table]], dict[str, dict[int, str]]]:
    """Each form twice (the second time in reverse pair order), the forms against each other; each
    form's records per pair, and the same as JSON."""
    runs = _runs(recipe, chosen, options, range(len(chosen)))
    if _table(recipe, next(iter(runs.values()))).num_rows == 0:
        raise AssertionError(
            f"check_recipe: recipe '{recipe.name}' {recipe.version} made no example from any of "
            f"{len(chosen)} pairs, so nothing was checked; pass pairs= that it accepts"
        )
    if "batched" in runs:
        _table(recipe, runs["batched"])
        check_extras(recipe, chosen, runs["batched"])
    first_json = {form: _as_json(results) for form, results in runs.items()}
    if len(runs) > 1:
        _compare(recipe, chosen, first_json["per-pair"], first_json["batched"],
                 "between its per-pair form (first) and its batched form (second)")
    again = _runs(recipe, chosen, options, range(len(chosen) - 1, -1, -1))
    for form, results in again.items():
        _compare(recipe, chosen, first_json[form], _as_json(results),
                 f"between two runs in one process ({form} form)")
    return runs, first_json


def check_recipe(
    recipe: Recipe,
    *,
    pairs: Sequence[Pair] | None = None,
    params: Mapping[str, Any] | None = None,
    cross_process: bool = True,
) -> CheckReport:
    """Run `recipe` on the golden pairs (or `pairs`) and assert it is safe to put in a build.

    Asserts, naming the recipe and the pair on failure: every example is well formed (no empty
    turn, right types, Traditional script, declared extra fields), the records fit the dataset
    schema, the output is the same on a second run (in reverse pair order) and in a second process
    with a different hash seed, and the recipe never opens a network connection. Each form the
    recipe offers is checked (the batched one on all the pairs as one batch), and a recipe with a
    per-pair and a batched form must make the same records with both. Pass
    `cross_process=False` only for a recipe defined inside a function, which no other process
    can import.
    """
    if not isinstance(recipe, Recipe):
        raise TypeError(f"check_recipe needs a @recipe function, not {type(recipe).__name__}")
    chosen = tuple(pairs) if pairs is not None else load_golden_pairs()
    if not chosen:
        raise ValueError("check_recipe needs at least one pair")
    options = dict(params or {})

    runs, first_json = _runs_in_one_process(recipe, chosen, options)
    first = next(iter(runs.values()))  # the per-pair form's, if it has one
    table = _table(recipe, first)

    located = _locate(recipe) if cross_process else None
    if cross_process and located is None:
        raise AssertionError(
            f"check_recipe: recipe '{recipe.name}' {recipe.version} ({recipe.defined_at}) cannot "
            "be imported by another process: define it at module level, or pass "
            "cross_process=False"
        )
    if located is not None:
        other = _in_another_process(recipe, located, chosen, options)
        for form, results in first_json.items():
            _compare(recipe, chosen, results, other.get(form, {}), f"in a second process ({form} form)")

    return CheckReport(
        recipe=recipe.name,
        version=recipe.version,
        pairs=len(chosen),
        examples=table.num_rows,
        skipped_pairs=sum(1 for records in first.values() if not records.num_rows),
        cross_process=located is not None,
        table=table,
        forms=tuple(runs),
    )


# --- pytest fixtures: `pytest_plugins = ["builder.testing"]`, or import them by name ---

try:
    import pytest
except ImportError:  # pytest is a test extra; the fixtures exist only where it is installed
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def golden_pairs() -> tuple[Pair, ...]:
        """The golden pairs shipped with twcasual, normalised and annotated."""
        return load_golden_pairs()

    @pytest.fixture
    def make_pair() -> Callable[..., Pair]:
        """A factory: `make_pair(en, zh)` returns a normalised, annotated Pair."""
        return new_pair

else:

    def __getattr__(name: str) -> Any:
        if name in ("golden_pairs", "make_pair"):
            raise ImportError(f"builder.testing.{name} is a pytest fixture: install pytest")
        raise AttributeError(name)
