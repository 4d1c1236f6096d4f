"""twcasual: build style-transfer datasets of formal English and casual Taiwanese Mandarin."""

from __future__ import annotations

from builder.errors import BuildError, ConfigError, InputError, RecipeError, TwcasualError
from builder.registry import Recipe, RecipeContext, Registry, recipe
from builder.types import Example, Pair, Record, SetAside, Source, Span, Style

__version__ = "0.1.0"

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
