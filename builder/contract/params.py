"""What a `[recipes.NAME]` table may hold: the recipe's declared parameters and the core's keys.

A recipe declares each parameter it reads (`Param`: name, type, default, help); a key of its table
that it did not declare, or a value of the wrong type, is a ConfigError naming the recipe and the
key. The core's own keys (`CORE_KEYS`, such as `min_particles`) are filters on the pairs a recipe
gets; they are declared in one tuple here, so adding one is a one-line change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder.errors import ConfigError
from builder.types import Pair

__all__ = ["CORE_KEYS", "PARAM_TYPES", "CoreKey", "Param", "check_core", "resolve_params", "split_table"]

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


@dataclass(frozen=True)
class CoreKey(Param):
    """A key of every `[recipes.NAME]` table that the core handles: a filter on the pairs a recipe
    gets. `admits(pair, value)` says whether a pair passes; the default value lets every pair pass."""

    admits: Callable[[Pair, Any], bool] = lambda pair, value: True
    minimum: int = 0

    def fits(self, value: Any) -> bool:
        """Whether `value` is a whole number >= `minimum`."""
        return super().fits(value) and value >= self.minimum


def _enough_particles(pair: Pair, minimum: int) -> bool:
    return pair.style is not None and pair.style.particle_count >= minimum


CORE_KEYS: tuple[CoreKey, ...] = (
    CoreKey("min_particles", int, 0, "pairs with fewer sentence-final particles never reach the recipe",
            admits=_enough_particles),
)
_CORE = {key.name: key for key in CORE_KEYS}


def split_table(table: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a `[recipes.NAME]` table into the recipe's parameters and the core's keys."""
    params = {k: v for k, v in table.items() if k not in _CORE}
    core = {k: v for k, v in table.items() if k in _CORE}
    return params, core


def check_core(recipe: str, core: Mapping[str, Any], where: str = "config") -> dict[str, Any]:
    """Check the core's keys of one recipe's table; return every core key's value (defaults too)."""
    for name, value in core.items():
        key = _CORE[name]
        if not key.fits(value):
            raise ConfigError(f"{where}: recipes.{recipe}.{name} must be {PARAM_TYPES[key.type]} "
                              f">= {key.minimum}, not {value!r}")
    return {key.name: core.get(key.name, key.default) for key in CORE_KEYS}


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
