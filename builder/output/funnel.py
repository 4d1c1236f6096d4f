"""The funnel of a build for the dataset card: lines read -> pairs -> filtered (by reason) ->
duplicates -> pairs for the recipes -> per recipe, the register gate and the records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["render_funnel"]


def _by_reason(counts: Mapping[str, int]) -> str:
    found = [f"{reason} {n:,}" for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    return f" ({', '.join(found)})" if found else ""


def render_funnel(totals: Mapping[str, Any], recipes: Mapping[str, Mapping[str, int]],
                  gates: Sequence[tuple[str, float]]) -> str:
    """Render the funnel (markdown): `totals` from the report, `recipes` its per-recipe pair
    counts, `gates` each recipe's min_casual in config order."""
    filtered = dict(totals.get("pairs_filtered", {}))
    dropped = sum(filtered.values())
    rejected = sum(totals.get("rejected", {}).values())
    read = totals["pairs"] + dropped
    left = totals["pairs"] - totals["duplicates"]
    errors = sum(totals.get("pairs_set_aside", {}).values())
    steps = [
        f"{totals['lines']:,} lines read",
        f"{read:,} pairs ({totals['unpaired']:,} unpaired and {rejected:,} rejected lines set aside)",
        f"{dropped:,} filtered out by the bitext filters{_by_reason(filtered)}",
        f"{totals['duplicates']:,} duplicates dropped",
        f"{left:,} pairs for the recipes" + (f" ({errors:,} of them set aside: a recipe failed on them)"
                                             if errors else ""),
    ]
    out = ["From lines read to records:", "", " → ".join(steps) + ".", "",
           "| recipe | register gate (`min_casual`) | kept out by the gate | kept out by `min_particles` "
           "| made no record | pairs with records | records |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for name, gate in gates:
        counts = recipes.get(name, {})
        out.append(
            f"| `{name}` | {f'{gate:g}' if gate else 'off'} | {counts.get('pairs_below_min_casual', 0):,} "
            f"| {counts.get('pairs_below_min_particles', 0):,} | {counts.get('pairs_without_records', 0):,} "
            f"| {counts.get('pairs_with_records', 0):,} | {counts.get('records', 0):,} |")
    return "\n".join(out)
