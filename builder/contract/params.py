"""What a `[recipes.NAME]` table may hold: the recipe's declared parameters and the core's keys.

A recipe declares each parameter it reads (`Param`: name, type, default, help); a key of its table
that it did not declare, or a value of the wrong type, is a ConfigError naming the recipe and the
key. The core's own keys (`CORE_KEYS`: `min_particles`, `min_casual`) are filters on the pairs a
recipe gets, each a minimum on one measure of the pair; they are declared in one tuple here, so
adding one is a one-line change. A recipe may set its own default for a core key
(`@recipe(core_defaults=...)`): the built-ins whose casual side is the point keep formal lines out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from builder.contract.batch import PairBatch
from builder.errors import ConfigError
from builder.pair_table import measure_column
from builder.types import Pair

__all__ = ["CORE_KEYS", "PARAM_TYPES", "CoreKey", "Param", "check_core", "core_default_problem", "resolve_params",
           "split_table"]

# The types a parameter can have: what a TOML table can hold, and how an error names each.
PARAM_TYPES: Mapping[type, str] = {str: "a string", int: "a whole number", float: "a number",
                                   bool: "true or false", list: "a list", dict: "a table"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    """A parameter a recipe reads from `ctx.params`: its name, type, default and one line of help."""

    name: str
    type: type
    default: Any
    help: str = ""

    def fits(self, value: Any) -> bool:
        """Whether `value` has this parameter's type (a whole number fits a float parameter)."""
        if self.type is float:
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.type is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, self.type)

    def problem(self) -> str | None:
        """Why the declaration itself is wrong (for the registry's check), or None."""
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            return f"parameter name {self.name!r} is not snake_case"
        if self.type not in PARAM_TYPES:
            known = ", ".join(t.__name__ for t in PARAM_TYPES)
            return f"parameter '{self.name}' has type {self.type!r}; use one of {known}"
        if not self.fits(self.default):
            return f"parameter '{self.name}' has default {self.default!r}, not {PARAM_TYPES[self.type]}"
        return None


_UNMEASURED = float("-inf")  # a pair without a style never reaches a minimum


@dataclass(frozen=True)
class CoreKey(Param):
    """A key of every `[recipes.NAME]` table that the core handles: a minimum on one measure of the
    pair (`measure(pair)`). A pair reaches the recipe when its measure is at least the key's value;
    the default value (the lowest) lets every pair pass. `column` names the `PairBatch` column that
    holds the same measure for a whole batch."""

    measure: Callable[[Pair], float] = lambda pair: 0.0
    column: str = ""  # the column of a PairBatch that holds the measure
    minimum: float = 0
    maximum: float | None = None

    def fits(self, value: Any) -> bool:
        """Whether `value` has the key's type and lies within its bounds."""
        return super().fits(value) and value >= self.minimum and (self.maximum is None or value <= self.maximum)

    def bounds(self) -> str:
        """The values the key takes, in words (for error messages)."""
        kind = PARAM_TYPES[self.type]
        return f"{kind} >= {self.minimum:g}" if self.maximum is None else \
            f"{kind} from {self.minimum:g} to {self.maximum:g}"

    def admits(self, pair: Pair, value: Any) -> bool:
        """Whether one pair reaches the recipe under this key's `value`."""
        return self.measure(pair) >= value

    def measures(self, pairs: Sequence[Pair] | PairBatch) -> np.ndarray:
        """The measure of every pair, as one float array (what a batch compares at once); from its
        column (`column`) for a `PairBatch`."""
        if isinstance(pairs, PairBatch):
            return measure_column(pairs.batch, self.column)
        return np.fromiter(map(self.measure, pairs), dtype=np.float64, count=len(pairs))


def _particle_count(pair: Pair) -> float:
    return pair.style.particle_count if pair.style is not None else _UNMEASURED


def _casual_score(pair: Pair) -> float:
    return pair.style.casual if pair.style is not None else _UNMEASURED


CORE_KEYS: tuple[CoreKey, ...] = (
    CoreKey("min_particles", int, 0, "pairs with fewer sentence-final particles never reach the recipe",
            measure=_particle_count, column="particle_count"),
    CoreKey("min_casual", float, 0.0, "pairs whose zh line scores less casual (0..1) never reach the recipe; "
            "0 turns the register gate off", measure=_casual_score, column="casual_score", maximum=1.0),
)
_CORE = {key.name: key for key in CORE_KEYS}


def split_table(table: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a `[recipes.NAME]` table into the recipe's parameters and the core's keys."""
    params = {k: v for k, v in table.items() if k not in _CORE}
    core = {k: v for k, v in table.items() if k in _CORE}
    return params, core


def check_core(recipe: str, core: Mapping[str, Any], where: str = "config",
               defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check the core's keys of one recipe's table; return every core key's value: the table's,
    else the recipe's own default (`defaults`), else the key's."""
    for name, value in core.items():
        key = _CORE[name]
        if not key.fits(value):
            raise ConfigError(f"{where}: recipes.{recipe}.{name} must be {key.bounds()}, not {value!r}")
    values = {**(defaults or {}), **core}
    return {key.name: float(values.get(key.name, key.default)) if key.type is float
            else values.get(key.name, key.default) for key in CORE_KEYS}


def core_default_problem(name: str, value: Any) -> str | None:
    """Why a recipe's own default for a core key is wrong (for the registry's check), or None."""
    key = _CORE.get(name)
    if key is None:
        return f"core_defaults: {name!r} is not a key of the core ({', '.join(_CORE)})"
    if not key.fits(value):
        return f"core_defaults: {name} must be {key.bounds()}, not {value!r}"
    return None


def resolve_params(recipe: str, declared: Sequence[Param], given: Mapping[str, Any],
                   where: str = "config") -> dict[str, Any]:
    """Check `given` against the declared parameters; return every parameter's value (defaults
    filled in). An undeclared key or a value of the wrong type is a ConfigError naming both."""
    known = {param.name: param for param in declared}
    for key, value in given.items():
        param = known.get(key)
        if param is None:
            close = difflib.get_close_matches(key, [*known, *_CORE], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            takes = ", ".join(known) or "none"
            raise ConfigError(f"{where}: unknown parameter '{key}' for recipe '{recipe}'{hint}. Its "
                              f"parameters: {takes}; the core's, for every recipe: {', '.join(_CORE)}")
        if not param.fits(value):
            raise ConfigError(f"{where}: parameter '{key}' of recipe '{recipe}' must be "
                              f"{PARAM_TYPES[param.type]}, not {value!r}")
    values = {name: given.get(name, param.default) for name, param in known.items()}
    return {name: float(value) if known[name].type is float else value for name, value in values.items()}
