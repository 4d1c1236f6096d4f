"""The project's own error types. The CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations

__all__ = ["TwcasualError", "InputError", "ConfigError", "RecipeError", "BuildError"]


class TwcasualError(Exception):
    """Base class: a failure the user can act on, with a one-line message."""

    exit_code = 1


class InputError(TwcasualError):
    """An input file cannot be read (missing, not UTF-8, unknown format)."""

    exit_code = 2


class ConfigError(TwcasualError):
    """The build config or the command line asks for something that does not exist."""

    exit_code = 2


class RecipeError(TwcasualError):
    """A recipe is invalid, raised, or yielded a malformed example."""


class BuildError(TwcasualError):
    """The build cannot finish (a leak between splits, an output folder that cannot be written)."""
