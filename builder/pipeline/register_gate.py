"""What the build says about the register gate (`min_casual`): one warning line per input file whose
zh lines are mostly formal, naming the file, the count, and how to let them through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from builder.contract.apply import Step
from builder.output.report import BuildReport, FileReport
from builder.quality.register import CASUAL_THRESHOLD

__all__ = ["formal_file_warning", "gated_recipes", "register_section"]


def gated_recipes(steps: Sequence[Step]) -> list[str]:
    """The recipes whose register gate is on (min_casual above 0), in config order."""
    return [step.recipe.name for step in steps if step.core_values["min_casual"] > 0]


def formal_file_warning(report: FileReport, steps: Sequence[Step]) -> str | None:
    """One line when more than half of a file's pairs have a formal zh line, else None."""
    if not report.pairs or 2 * report.formal <= report.pairs:
        return None
    found = (f"{report.name}: {report.formal} of {report.pairs} pairs have a formal zh line "
             f"(casual score below {CASUAL_THRESHOLD:g})")
    gated = gated_recipes(steps)
    if gated:
        return (f"{found}; the register gate keeps them out of {', '.join(gated)}; to keep them, set "
                f"min_casual = 0 under [recipes.NAME] in the config")
    return f"{found}; no recipe's register gate is on, so they make records (with register = \"formal\")"


def register_section(report: BuildReport, steps: Sequence[Step], warnings: list[str]) -> dict[str, Any]:
    """The report's `register` section: the threshold, the formal pairs, each recipe's gate, the warnings."""
    return {
        "threshold": CASUAL_THRESHOLD,
        "formal_pairs": sum(f.formal for f in report.files.values()),
        "min_casual": {step.recipe.name: step.core_values["min_casual"] for step in steps},
        "warnings": warnings,
    }
