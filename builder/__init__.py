"""twcasual: build style-transfer datasets of formal English and casual Taiwanese Mandarin."""

from __future__ import annotations

from builder.errors import BuildError, ConfigError, InputError, RecipeError, TwcasualError
from builder.registry import Recipe, RecipeContext, Registry, recipe
from builder.types import Example, Pair, Record, SetAside, Source, Span, Style
from builder.version import __version__

__all__ = [
    "BuildError",
    "ConfigError",
    "Example",
    "InputError",
    "Pair",
    "Recipe",
    "RecipeContext",
    "Record",
    "Registry",
    "RecipeError",
    "SetAside",
    "Source",
    "Span",
    "Style",
    "TwcasualError",
    "__version__",
    "recipe",
]
