"""The frozen types keep a dataclass's behaviour with their faster constructors."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from builder.types import Pair, RawPair, Source, Span, Style


def _samples() -> list[object]:
    source = Source("a.txt", 1, 2)
    style = Style((Span("啦", 3, "soften"),), (), (), (), 5, 0.7, "好", ("超",))
    return [source, RawPair("Hi.", "嗨啦", source, {"k": "v"}, "me", "CC-BY"), Span("啦", 3), style,
            Pair("id", "Hi.", "嗨啦", source, True, style, "CC-BY", "me", "{}")]


@pytest.mark.parametrize("value", _samples(), ids=lambda v: type(v).__name__)
def test_types_stay_frozen_equal_picklable_and_replaceable(value: object) -> None:
    """Each type refuses assignment, round-trips through pickle and works with `dataclasses.replace`."""
    first = dataclasses.fields(value)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, first, getattr(value, first))
    assert pickle.loads(pickle.dumps(value)) == value
    assert dataclasses.replace(value) == value  # type: ignore[type-var]
    assert dataclasses.astuple(value) == dataclasses.astuple(pickle.loads(pickle.dumps(value)))  # type: ignore[arg-type]


def test_types_keep_their_defaults_and_refuse_missing_fields() -> None:
    """Omitted fields take the declared defaults; a missing required field is a TypeError."""
    raw = RawPair("Hi.", "嗨", Source("a", 1, 1))
    assert (raw.meta, raw.attribution, raw.license) == (None, "", "")
    assert Style() == Style((), (), (), (), 0, 1.0, "", None)
    assert Pair("i", "e", "z", Source("a", 1, 1)).meta == "{}"
    with pytest.raises(TypeError):
        Pair("i", "e")  # type: ignore[call-arg]
