"""The recipe contract: the `@recipe` decorator, the context a recipe gets, and the registry.

A recipe is one decorated function, one pair in, zero or more `Example`s out. Built-in recipes
and third-party ones are found the same way, through the entry-point group `twcasual.recipes`;
a recipe in a local file can also be loaded by path.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from builder.errors import ConfigError, RecipeError
from builder.types import Example, Pair, Style

__all__ = ["ENTRY_POINT_GROUP", "Recipe", "RecipeContext", "Registry", "recipe", "default_registry"]

ENTRY_POINT_GROUP = "twcasual.recipes"
BUILT_IN = "built-in"

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)
_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")
# Names the output folder already uses: the mixed config and the export folders.
RESERVED = frozenset({"all", "jsonl", "llama-factory"})

RecipeFunction = Callable[[Pair, "RecipeContext"], Iterable[Example]]
T = TypeVar("T")


class RecipeContext:
    """What a recipe gets besides the pair: its parameters, the pair's style, and seeded randomness.

    The random generator is seeded from the recipe name and the pair id only, so a recipe gives
    the same output for the same pair in every build, process and input order.
    """

    __slots__ = ("recipe", "pair", "params", "_rng", "_picks")

    def __init__(self, recipe: str, pair: Pair, params: Mapping[str, Any] | None = None) -> None:
        self.recipe = recipe
        self.pair = pair
        self.params: Mapping[str, Any] = (
            params if isinstance(params, MappingProxyType) else MappingProxyType(dict(params or {}))
        )
        self._rng: random.Random | None = None
        self._picks = 0

    @property
    def style(self) -> Style | None:
        """The pair's style annotation (particles, interjections, markers), if annotated."""
        return self.pair.style

    @property
    def rng(self) -> random.Random:
        """A `random.Random` seeded from the recipe name and the pair id."""
        if self._rng is None:
            digest = hashlib.blake2b(
                f"{self.recipe}\x00{self.pair.id}".encode(), digest_size=8
            ).digest()
            self._rng = random.Random(int.from_bytes(digest, "big"))
        return self._rng

    def pick(self, options: Sequence[T]) -> T:
        """Pick one of `options`, deterministically for this recipe and pair."""
        if not options:
            raise ValueError("pick() needs at least one option")
        # A hash per draw instead of seeding a Random: pick() runs for every record (hot path).
        self._picks += 1
        digest = hashlib.blake2b(
            f"{self.recipe}\x00{self.pair.id}\x00{self._picks}".encode(), digest_size=8
        ).digest()
        return options[int.from_bytes(digest, "big") % len(options)]


@dataclass(frozen=True)
class Recipe:
    """A registered recipe: the function and what the registry checked about it."""

    name: str
    version: str
    function: RecipeFunction = field(repr=False)
    description: str
    fields: tuple[str, ...] = ()
    origin: str = ""

    @cached_property
    def field_set(self) -> frozenset[str]:
        """`fields` as a set, for checking every example's extra keys."""
        return frozenset(self.fields)

    @property
    def defined_at(self) -> str:
        """Where the function is defined, as `file:line`."""
        code = getattr(self.function, "__code__", None)
        if code is None:
            return getattr(self.function, "__module__", "?")
        return f"{code.co_filename}:{code.co_firstlineno}"

    def __call__(self, pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        result = self.function(pair, ctx)
        if result is None:
            return iter(())
        return iter(result)

    def run(self, pair: Pair, params: Mapping[str, Any] | None = None) -> list[Example]:
        """Run the recipe on one pair with a fresh context and return its examples."""
        return list(self(pair, RecipeContext(self.name, pair, params)))


def recipe(
    name: str, *, version: str, fields: Sequence[str] = ()
) -> Callable[[RecipeFunction], Recipe]:
    """Turn a function `(pair, ctx) -> Iterable[Example]` into a checked `Recipe`.

    `name` is kebab-case and unique, `version` is semver, the docstring's first line is the
    description, and `fields` names the extra fields the recipe may put in `Example.extra`.
    """

    def decorate(function: RecipeFunction) -> Recipe:
        where = f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise RecipeError(f"recipe {where}: name {name!r} is not kebab-case (like 'en-to-casual')")
        if name in RESERVED:
            raise RecipeError(f"recipe {where}: the name '{name}' is reserved (used by the dataset layout)")
        if not isinstance(version, str) or not _SEMVER.match(version):
            raise RecipeError(f"recipe '{name}' ({where}): version {version!r} is not semver (like '1.0.0')")
        if not callable(function):
            raise RecipeError(f"recipe '{name}' ({where}): not callable")
        doc = inspect.getdoc(function) or ""
        if not doc.strip():
            raise RecipeError(f"recipe '{name}' ({where}): needs a docstring; its first line is the description")
        _check_signature(name, where, function)
        for extra in fields:
            if not _FIELD.match(extra):
                raise RecipeError(f"recipe '{name}' ({where}): field name {extra!r} is not snake_case")
        return Recipe(
            name=name,
            version=version,
            function=function,
            description=doc.strip().splitlines()[0],
            fields=tuple(fields),
        )

    return decorate


def _check_signature(name: str, where: str, function: Callable[..., Any]) -> None:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError) as error:
        raise RecipeError(f"recipe '{name}' ({where}): cannot read its signature: {error}") from None
    positional = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    required_keyword = [p for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if len(positional) != 2 or required_keyword:
        raise RecipeError(f"recipe '{name}' ({where}): must take exactly (pair, ctx)")


class Registry:
    """Recipes by name, each with where it came from."""

    def __init__(self) -> None:
        self._recipes: dict[str, Recipe] = {}

    def register(self, item: Recipe, origin: str = "") -> Recipe:
        """Add a recipe; a taken name is an error naming both places."""
        if not isinstance(item, Recipe):
            raise RecipeError(f"{origin or item!r}: not a recipe (decorate the function with @recipe)")
        if origin:
            item = Recipe(item.name, item.version, item.function, item.description, item.fields, origin)
        taken = self._recipes.get(item.name)
        if taken is not None:
            if taken.function is item.function:
                return taken
            raise RecipeError(
                f"recipe name '{item.name}' is taken: {taken.defined_at} ({taken.origin or '?'})"
                f" and {item.defined_at} ({item.origin or '?'})"
            )
        self._recipes[item.name] = item
        return item

    def get(self, name: str) -> Recipe:
        """Return the recipe called `name`; an unknown name lists the available ones."""
        try:
            return self._recipes[name]
        except KeyError:
            available = ", ".join(sorted(self._recipes)) or "(none)"
            raise ConfigError(f"unknown recipe '{name}'. Available: {available}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._recipes

    def __iter__(self) -> Iterator[Recipe]:
        return iter(sorted(self._recipes.values(), key=lambda r: r.name))

    def __len__(self) -> int:
        return len(self._recipes)

    def names(self) -> list[str]:
        return sorted(self._recipes)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Register every recipe published under the entry-point group (built-ins included)."""
        for ep in sorted(entry_points(group=group), key=lambda e: (e.name, e.value)):
            dist = ep.dist
            if dist is not None and dist.metadata["Name"] == "twcasual":
                origin = BUILT_IN
            elif dist is not None:
                origin = f"{dist.metadata['Name']} {dist.version}"
            else:
                origin = f"entry point {ep.value}"
            try:
                loaded = ep.load()
            except Exception as error:  # a broken plugin must say which one it is
                raise RecipeError(
                    f"cannot load recipe entry point '{ep.name} = {ep.value}' ({origin}): "
                    f"{type(error).__name__}: {error}"
                ) from error
            if not isinstance(loaded, Recipe):
                raise RecipeError(
                    f"entry point '{ep.name} = {ep.value}' ({origin}) is not a @recipe function"
                )
            if loaded.name != ep.name:
                raise RecipeError(
                    f"entry point '{ep.name}' ({origin}) points to recipe '{loaded.name}':"
                    " the entry-point name must be the recipe name"
                )
            self.register(loaded, origin)

    def load_file(self, path: Path, display: str | None = None) -> list[Recipe]:
        """Import a Python file and register every recipe defined in it; return those recipes."""
        display = display or path.name
        if not path.is_file():
            raise ConfigError(f"{display}: recipe file not found")
        module_name = "twcasual_local_recipe_" + hashlib.blake2b(
            str(path.resolve()).encode(), digest_size=6
        ).hexdigest()
        module = sys.modules.get(module_name)  # the same file loaded twice is one module
        if module is None:
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise ConfigError(f"{display}: cannot import as a Python module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as error:
                del sys.modules[module_name]
                if isinstance(error, RecipeError):
                    raise
                raise RecipeError(f"{display}: import failed: {type(error).__name__}: {error}") from error
        found = [v for v in vars(module).values() if isinstance(v, Recipe)]
        if not found:
            raise ConfigError(f"{display}: defines no @recipe function")
        return [self.register(item, f"file {display}") for item in sorted(found, key=lambda r: r.name)]


def default_registry() -> Registry:
    """A registry holding every installed recipe (built-in and third-party)."""
    registry = Registry()
    registry.load_entry_points()
    return registry
