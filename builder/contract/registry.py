"""The registry: recipes by name, found through entry points (loaded lazily, by name) or files.

Built-in recipes and third-party ones are found the same way, through the entry-point group
`twcasual.recipes`; nothing is imported until a recipe is asked for, so a plugin that fails to
import breaks only the builds that select it, and `twcasual recipes list` still lists the rest.
A recipe in a local file can also be loaded by path.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from builder.contract.recipe import Recipe
from builder.errors import ConfigError, RecipeError

__all__ = ["BUILT_IN", "ENTRY_POINT_GROUP", "Listing", "Registry", "default_registry"]

ENTRY_POINT_GROUP = "twcasual.recipes"
BUILT_IN = "built-in"


@dataclass(frozen=True)
class Listing:
    """One line of `recipes list`: a recipe, or why the plugin that offers it cannot be loaded."""

    name: str
    origin: str
    recipe: Recipe | None
    error: str = ""


def _origin(ep: EntryPoint) -> str:
    """Where an entry point comes from, without importing it: `built-in` or `<distribution> <version>`."""
    dist = ep.dist
    if dist is not None and dist.metadata["Name"] == "twcasual":
        return BUILT_IN
    if dist is not None:
        return f"{dist.metadata['Name']} {dist.version}"
    return f"entry point {ep.value}"


class Registry:
    """Recipes by name, each with where it came from; plugins are imported when first asked for."""

    def __init__(self) -> None:
        self._recipes: dict[str, Recipe] = {}
        self._plugins: dict[str, list[EntryPoint]] = {}  # not loaded yet, by recipe name

    def register(self, item: Recipe, origin: str = "") -> Recipe:
        """Add a recipe; a taken name is an error naming both places."""
        if not isinstance(item, Recipe):
            raise RecipeError(f"{origin or item!r}: not a recipe (decorate the function with @recipe)")
        if origin:
            item = replace(item, origin=origin)
        if item.name in self._plugins:  # a plugin offers the name: load it to compare
            self.get(item.name)
        taken = self._recipes.get(item.name)
        if taken is not None:
            if taken.function is item.function and taken.batch is item.batch:
                return taken
            raise RecipeError(
                f"recipe name '{item.name}' is taken: {taken.defined_at} ({taken.origin or '?'})"
                f" and {item.defined_at} ({item.origin or '?'})"
            )
        self._recipes[item.name] = item
        return item

    def add_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Know every recipe published under the entry-point group (built-ins included); import none."""
        for ep in sorted(entry_points(group=group), key=lambda e: (e.name, e.value)):
            offered = self._plugins.setdefault(ep.name, [])
            if all(ep.value != other.value for other in offered):  # one package seen twice is one
                offered.append(ep)

    def get(self, name: str) -> Recipe:
        """Return the recipe called `name`, importing its plugin if needed.

        An unknown name lists the available ones; a plugin that cannot be imported is a RecipeError
        naming the recipe, the distribution and the import error.
        """
        found = self._recipes.get(name)
        if found is not None:
            return found
        offered = self._plugins.get(name)
        if not offered:
            available = ", ".join(self.names()) or "(none)"
            raise ConfigError(f"unknown recipe '{name}'. Available: {available}")
        if len(offered) > 1:
            sources = " and ".join(f"{_origin(ep)} ({ep.value})" for ep in offered)
            raise RecipeError(f"recipe '{name}' is offered by two plugins: {sources}; uninstall one")
        loaded = self._load(offered[0])
        del self._plugins[name]
        self._recipes[name] = loaded
        return loaded

    def _load(self, ep: EntryPoint) -> Recipe:
        where = f"recipe '{ep.name}' ({_origin(ep)}, entry point {ep.name} = {ep.value})"
        try:
            loaded = ep.load()
        except Exception as error:  # a broken plugin must say which one it is
            message = " ".join(str(error).split())
            raise RecipeError(f"{where} cannot be loaded: {type(error).__name__}: {message}") from error
        if not isinstance(loaded, Recipe):
            raise RecipeError(f"{where} is not a @recipe function")
        if loaded.name != ep.name:
            raise RecipeError(f"{where} points to recipe '{loaded.name}': the entry-point name must be "
                              "the recipe name")
        return replace(loaded, origin=_origin(ep))

    def origin(self, name: str) -> str:
        """Where a known recipe comes from, without importing its plugin."""
        if name in self._recipes:
            return self._recipes[name].origin
        return " and ".join(_origin(ep) for ep in self._plugins[name])

    def listing(self) -> list[Listing]:
        """Every known recipe by name, its plugin imported; a broken one says why instead."""
        rows = []
        for name in self.names():
            try:
                rows.append(Listing(name, self.origin(name), self.get(name)))
            except RecipeError as error:
                rows.append(Listing(name, self.origin(name), None, str(error)))
        return rows

    def __contains__(self, name: object) -> bool:
        return name in self._recipes or name in self._plugins

    def __iter__(self) -> Iterator[Recipe]:
        """Every recipe, by name; a plugin that cannot be imported raises RecipeError."""
        return iter([self.get(name) for name in self.names()])

    def __len__(self) -> int:
        return len(self.names())

    def names(self) -> list[str]:
        """Every known name, loaded or not, sorted."""
        return sorted({*self._recipes, *self._plugins})

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
    """A registry that knows every installed recipe (built-in and third-party); imports none yet."""
    registry = Registry()
    registry.add_entry_points()
    return registry
