"""The funnel chart of the inspect page: every count of a build on one scale, in the build's order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from builder.output.inspect.marks import label_of

__all__ = ["FunnelRow", "funnel_rows", "funnel_svg"]

FunnelRow = tuple[str, str, int]  # (group, label, count)

_LABEL_CHARS = 42
# The groups in the order a build meets them: read, set aside while reading and normalising,
# filtered, deduplicated, failed by a recipe, kept out by a recipe's gates, written.
_GROUPS = {
    "read": ("#4a6fa5", ""),
    "set aside": ("#c0504d", "lines"),
    "filtered": ("#d9822b", "pairs"),
    "duplicates dropped": ("#7f7f7f", "pairs"),
    "recipe errors": ("#a33b6b", "pairs"),
    "kept out by recipes": ("#8e6bb0", "pairs"),
    "records": ("#3f9a5a", ""),
}


def funnel_rows(funnel: Mapping[str, Any]) -> list[FunnelRow]:
    """Flatten the funnel dict into chart rows, in the order the build applies the stages."""
    rows: list[FunnelRow] = [("read", "lines read", funnel["lines"]), ("read", "pairs", funnel["pairs"])]
    for group, key in (("set aside", "set_aside"), ("filtered", "filtered"),
                       ("duplicates dropped", "duplicates"), ("recipe errors", "recipe_errors")):
        rows += [(group, str(reason), n) for reason, n in funnel[key].items()]
    for recipe, gates in funnel["kept_out"].items():
        rows += [("kept out by recipes", f"{recipe}: {gate}", n) for gate, n in gates.items()]
    for config, splits in funnel["records"].items():
        rows += [("records", f"{config} / {split}", n) for split, n in splits.items()]
    return rows


def funnel_svg(rows: Sequence[FunnelRow]) -> str:
    """Draw the funnel as horizontal bars on one linear scale, each count written beside its bar."""
    label_w, bar_w, row_h, width = 300, 470, 22, 900
    top = max((n for _, _, n in rows), default=0) or 1
    parts: list[str] = []
    y = 4
    for group, (colour, unit) in _GROUPS.items():
        members = [row for row in rows if row[0] == group]
        heading = f"{group} ({unit})" if unit else group
        parts.append(f'<text x="4" y="{y + 15}" font-weight="600" fill="#333">{label_of(heading)}</text>')
        y += row_h
        if not members:
            parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="#888">none</text>')
            y += row_h
        for _, label, n in members:
            shown = label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"
            # A non-zero count keeps at least one pixel, so a rare reason is still seen.
            length = max(1, round(bar_w * n / top)) if n else 0
            parts.append(
                f'<g class="bar"><title>{label_of(label)}: {n:,}</title>'
                f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="#222">{label_of(shown)}</text>'
                f'<rect x="{label_w}" y="{y + 3}" width="{length}" height="{row_h - 6}" fill="{colour}"/>'
                f'<text class="n" x="{label_w + length + 6}" y="{y + 15}" fill="#333">{n:,}</text></g>'
            )
            y += row_h
        y += 6
    return (
        f'<svg role="img" aria-label="build funnel" width="{width}" height="{y}" viewBox="0 0 {width} {y}" '
        f'font-size="13" font-family="system-ui, sans-serif">{"".join(parts)}</svg>'
    )
