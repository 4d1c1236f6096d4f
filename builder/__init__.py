"""twcasual: build style-transfer datasets of formal English and casual Taiwanese Mandarin.

The public interface, and the whole of what a recipe plugin may import (`from builder import ...`):

- the contract: `recipe`, `Recipe`, `RecipeContext`, `Param`, `CONTRACT_VERSION`, `Registry`; the
  batched form: `PairBatch` (a batch of pairs as Arrow columns), `BatchContext` (its seeded
  choices), `Examples` (columns of examples), `json_string` (a string as JSON text, remembered:
  for an `extra` written by hand);
- the types that flow through a build: `Pair`, `Example`, `Record`, `Source`, `Span`, `Style`,
  `SetAside`;
- the helpers a recipe may need: `strip_colloquial` (take the colloquial layer off a zh line),
  `plain_version` (the same, and colloquial words mapped to neutral written ones),
  `neutral_words_in` (the colloquial words `plain_version` maps in a line), `explain` and
  `GLOSSARY` (what each particle does), `explain_in_line` (what each particle does in one line,
  by its function there; `explain_in_lines` for many lines at once), `FUNCTIONS` (the twelve
  particle functions), `PARTICLES` (the particle inventory), `CASUAL_THRESHOLD` (the casual
  score from which a zh line reads casual: `Style.casual`);
- `build` (imported on first use: it pulls in pyarrow and numpy) and the error types.

Every other module is internal and may change without notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from builder.annotate.colloquial import strip_colloquial
from builder.annotate.function_explain import explain_in_line, explain_in_lines
from builder.annotate.functions import FUNCTIONS
from builder.annotate.glossary import GLOSSARY, explain
from builder.annotate.lexicon import PARTICLES
from builder.annotate.plain import neutral_words_in, plain_version
from builder.contract.batch import BatchContext, Examples, PairBatch, json_string
from builder.contract.params import Param
from builder.contract.recipe import CONTRACT_VERSION, Recipe, RecipeContext, recipe
from builder.contract.registry import Registry
from builder.errors import BuildError, ConfigError, InputError, RecipeError, TwcasualError
from builder.quality.register_cues import CASUAL_THRESHOLD
from builder.types import Example, Pair, Record, SetAside, Source, Span, Style
from builder.version import __version__

if TYPE_CHECKING:
    from builder.pipeline.build import build

__all__ = [
    "CASUAL_THRESHOLD",
    "CONTRACT_VERSION",
    "FUNCTIONS",
    "GLOSSARY",
    "PARTICLES",
    "BatchContext",
    "BuildError",
    "ConfigError",
    "Example",
    "Examples",
    "InputError",
    "Pair",
    "PairBatch",
    "Param",
    "Recipe",
    "RecipeContext",
    "RecipeError",
    "Record",
    "Registry",
    "SetAside",
    "Source",
    "Span",
    "Style",
    "TwcasualError",
    "__version__",
    "build",
    "explain",
    "explain_in_line",
    "explain_in_lines",
    "json_string",
    "neutral_words_in",
    "plain_version",
    "recipe",
    "strip_colloquial",
]


def __getattr__(name: str) -> Any:
    if name == "build":  # lazily: `import builder` stays light for recipe modules and workers
        from builder.pipeline.build import build

        return build
    raise AttributeError(f"module 'builder' has no attribute {name!r}")
