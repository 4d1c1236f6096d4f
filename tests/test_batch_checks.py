"""The batched checks' short paths: each gives what the long path it stands in for gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from builder import BatchContext, PairBatch, RecipeContext
from builder.contract.batch_checks import _DECODER, _decoded, _extra_problems
from builder.testing import load_golden_pairs

TEXTS = ['{"particles": [["啦", 4, "soften"]]}', ' {"a": 1}', '{"a": 1} ', '{"a": 1}x', "", "NaN",
         '{"a": NaN}', "[1]", '"s"', '{"a":', "1 2", "{}", '{"a": "\\ud800"}', '{"a": "x', "{\"a\": 'x'}"]


def _outcome(decode: object, text: str) -> tuple[str, object]:
    try:
        return "value", decode(text)  # type: ignore[operator]
    except ValueError as error:
        return type(error).__name__, str(error)


@pytest.mark.parametrize("text", TEXTS)
def test_the_scanner_alone_decodes_as_the_decoder_does(text: str) -> None:
    """The same value, or the same error and message, as `JSONDecoder.decode`."""
    assert _outcome(_decoded, text) == _outcome(_DECODER.decode, text)


def test_extra_problems_name_each_malformed_extra() -> None:
    """Every extra is read: the malformed ones (not JSON, not an object, a field not declared)
    are named by their index, with the decoder's own message."""
    extras = pa.array(TEXTS, pa.string())
    found = _extra_problems(extras, frozenset({"particles", "a"}))
    bad = {index for index, text in enumerate(TEXTS) if _outcome(_DECODER.decode, text)[0] != "value"
           or not isinstance(_DECODER.decode(text), dict)}
    assert set(found) == bad
    assert found[3] == "extra is not JSON object text: Extra data: line 1 column 9 (char 8)"
    assert _extra_problems(pa.array(['{"b": 1}']), frozenset({"a"})) == \
        {0: "extra fields ['b'] are not declared in @recipe(fields=...)"}


def test_many_draws_of_one_pair_are_its_per_pair_draws() -> None:
    """Past the draw numbers kept ready (256), a pair's draws are still the per-pair form's."""
    pair = load_golden_pairs()[0]
    ctx = RecipeContext("echo-line", pair)
    options = [str(k) for k in range(11)]
    expected = [ctx.pick(options) for _ in range(300)]
    batched = BatchContext("echo-line", PairBatch.of([pair])).choices(11, np.zeros(300, dtype=np.int64))
    assert [options[k] for k in batched.tolist()] == expected
