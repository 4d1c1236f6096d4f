"""One recipe over some pairs of a batch, as a build runs it: its batched form on all of them at
once when it has one, else its per-pair form pair by pair; either way checked examples as columns
(`Made`) and the pairs it failed on.

A batched form that raises, or returns something that cannot be read as examples, is run again
one pair at a time, so that a failure names its pair (and `--skip-errors` sets aside only that
pair), exactly as for a per-pair recipe.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from builder.contract.apply import Step
from builder.contract.batch import BatchContext, PairBatch
from builder.contract.batch_checks import Made, first_problems, made_columns
from builder.errors import RecipeError

__all__ = ["Failures", "run_on_batch"]

Failures = dict[int, tuple[str, str]]  # pair offset in the batch -> (kind, message)


def run_on_batch(step: Step, batch: PairBatch, rows: np.ndarray, skip_errors: bool) -> tuple[Made, Failures]:
    """Run `step` on the pairs at `rows` of `batch`: its examples (rows: offsets in `batch`) and,
    with `skip_errors`, the pairs it failed on; else the first failure raises RecipeError."""
    recipe = step.recipe
    if recipe.batch is None:
        return _pair_by_pair(step, batch, rows, skip_errors)
    chosen = batch.take(rows)
    try:
        made = made_columns(recipe.batch(chosen, BatchContext(recipe.name, chosen, step.frozen_params)), len(chosen))
    except Exception:  # noqa: BLE001 - whatever it raised, the pair by pair run says on which pair
        return _pair_by_pair(step, batch, rows, skip_errors)
    problems = first_problems(made, recipe.field_set, chosen.en, chosen.zh)
    failures: Failures = {}
    for row, problem in sorted(problems.items()):
        message = f"recipe '{recipe.name}' {recipe.version} failed on pair {_source(chosen, row)}: " \
                  f"malformed example: {problem}"
        if not skip_errors:
            raise RecipeError(message)
        failures[int(rows[row])] = ("malformed_example", message)
    if problems:
        made = _without(made, np.isin(made.rows, list(problems)))
    made.rows = np.asarray(rows, dtype=np.int64)[made.rows]
    return made, failures


def _source(batch: PairBatch, row: int) -> str:
    """A pair's file and line, as `Source` prints them, from the batch's columns."""
    return f"{batch.column('source_file')[row].as_py()}:{batch.column('source_en_line')[row].as_py()}"


def _without(made: Made, dropped: np.ndarray) -> Made:
    """The examples not `dropped`."""
    keep = pa.array(~dropped)
    return Made(made.rows[~dropped], made.instruction.filter(keep), made.input.filter(keep),
                made.output.filter(keep), made.synthetic.filter(keep), made.extra.filter(keep), {})


def _pair_by_pair(step: Step, batch: PairBatch, rows: np.ndarray, skip_errors: bool) -> tuple[Made, Failures]:
    """The recipe on one pair at a time (`Recipe.checked`: its per-pair form, or its batched
    form on a batch of one)."""
    pairs = batch.pairs()
    offsets: list[int] = []
    instruction: list[str] = []
    input_: list[str] = []
    output: list[str] = []
    synthetic: list[bool] = []
    extra: list[str] = []
    failures: Failures = {}
    checked, params = step.recipe.checked, step.frozen_params
    for offset in np.asarray(rows, dtype=np.int64).tolist():
        try:
            made = checked(pairs[offset], params)
        except RecipeError as error:
            if not skip_errors:
                raise
            failures[offset] = (type(error.__cause__).__name__ if error.__cause__ else "malformed_example",
                                str(error))
            continue
        for example, extra_json in made:
            offsets.append(offset)
            instruction.append(example.instruction)
            input_.append(example.input)
            output.append(example.output)
            synthetic.append(example.synthetic)
            extra.append(extra_json)
    return Made(np.array(offsets, dtype=np.int64), pa.array(instruction, pa.string()), pa.array(input_, pa.string()),
                pa.array(output, pa.string()), pa.array(synthetic, pa.bool_()), pa.array(extra, pa.string()),
                {}), failures
