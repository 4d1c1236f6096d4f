"""Style statistics of a build, for the dataset card and the build report.

`StyleStats` keeps counters only (keyed by particle, particle and function, marker and Mainland
term, all from bounded lists, and the two registers), so memory does not grow with the number of
lines. Add each pair's style once per split (not once per record: a pair feeds several recipes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.annotate.functions import FUNCTIONS
from builder.annotate.lexicon import PARTICLES
from builder.quality.register import CASUAL_THRESHOLD
from builder.types import Style

__all__ = ["StyleStats"]

_ORDER = {p: k for k, p in enumerate(PARTICLES)}


@dataclass
class _Split:
    lines: int = 0
    chars: int = 0
    lines_with_particle: int = 0
    particles: int = 0
    interjections: int = 0
    lines_with_mainland: int = 0
    casual: int = 0  # lines whose casual score reaches CASUAL_THRESHOLD
    formal: int = 0
    by_particle: Counter[str] = field(default_factory=Counter)
    lines_by_particle: Counter[str] = field(default_factory=Counter)
    by_function: Counter[tuple[str, str]] = field(default_factory=Counter)  # (particle, function)
    markers: Counter[str] = field(default_factory=Counter)
    mainland: Counter[str] = field(default_factory=Counter)

    def merge(self, other: _Split) -> None:
        self.lines += other.lines
        self.chars += other.chars
        self.lines_with_particle += other.lines_with_particle
        self.particles += other.particles
        self.interjections += other.interjections
        self.lines_with_mainland += other.lines_with_mainland
        self.casual += other.casual
        self.formal += other.formal
        self.by_particle.update(other.by_particle)
        self.lines_by_particle.update(other.lines_by_particle)
        self.by_function.update(other.by_function)
        self.markers.update(other.markers)
        self.mainland.update(other.mainland)


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    """Sort by count, then by inventory order (particles) or by text: deterministic."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], _ORDER.get(kv[0], len(_ORDER)), kv[0]))


_FUNCTION_ORDER = {f: k for k, f in enumerate(FUNCTIONS)}


def _function_order(function: str) -> tuple[int, str]:
    """The twelve in FUNCTIONS order; "" (a span without one) and anything else after them."""
    return _FUNCTION_ORDER.get(function, len(_FUNCTION_ORDER)), function


def _functions_by_particle(c: _Split) -> dict[str, dict[str, int]]:
    """{particle: {function: n}}, particles by count as elsewhere, functions in FUNCTIONS order."""
    table: dict[str, dict[str, int]] = {}
    for particle, _ in _ranked(c.by_particle):
        row = {f: n for (p, f), n in c.by_function.items() if p == particle}
        table[particle] = {f or "(none)": row[f] for f in sorted(row, key=_function_order)}
    return table


def _function_table(c: _Split) -> str:
    """A particle x function table: a row per particle seen, a column per function used, with totals."""
    used = sorted({f for _, f in c.by_function}, key=_function_order)
    if not used:
        return "(no particles)"
    out = ["| particle | " + " | ".join(f or "(none)" for f in used) + " | total |",
           "|---|" + "---:|" * (len(used) + 1)]
    for particle, n in _ranked(c.by_particle):
        cells = [c.by_function.get((particle, f), 0) for f in used]
        out.append(f"| {particle} | " + " | ".join(f"{k:,}" if k else "·" for k in cells) + f" | {n:,} |")
    return "\n".join(out)


def _flat(column: pa.Array) -> tuple[list[int], list[str], list[str]]:
    """A span column's spans as flat lists: each span's row, text and function."""
    rows = pc.list_parent_indices(column).to_pylist()
    values = pc.list_flatten(column)
    return rows, values.field("text").to_pylist(), values.field("function").to_pylist()


def _add_columns(counts: _Split, part: pa.RecordBatch) -> None:
    """Count the style columns of some pairs of one split into `counts` (what `add` counts)."""
    particles = part.column("particles")
    per_line = pc.list_value_length(particles).to_numpy(zero_copy_only=False)
    counts.lines += part.num_rows
    counts.chars += int(part.column("length").to_numpy(zero_copy_only=False).astype(np.int64).sum())
    counts.lines_with_particle += int((per_line > 0).sum())
    counts.particles += int(per_line.sum())
    lines, texts, functions = _flat(particles)
    counts.by_particle.update(texts)
    counts.lines_by_particle.update(text for _, text in dict.fromkeys(zip(lines, texts)))
    counts.by_function.update(zip(texts, functions))
    counts.interjections += int(pc.sum(pc.list_value_length(part.column("interjections"))).as_py() or 0)
    casual = int((part.column("casual_score").to_numpy(zero_copy_only=False) >= CASUAL_THRESHOLD).sum())
    counts.casual += casual
    counts.formal += part.num_rows - casual
    counts.markers.update(_flat(part.column("markers"))[1])
    mainland = part.column("mainland_terms")
    counts.lines_with_mainland += int((pc.list_value_length(mainland).to_numpy(zero_copy_only=False) > 0).sum())
    counts.mainland.update(_flat(mainland)[1])


class StyleStats:
    """Accumulate the style of zh lines per split and render it for the card and the report."""

    def __init__(self, top_markers: int = 10) -> None:
        self.top_markers = top_markers
        self._splits: dict[str, _Split] = {}

    def add(self, style: Style, split: str = "train") -> None:
        """Count one line's style in a split."""
        counts = self._splits.get(split)
        if counts is None:
            counts = self._splits[split] = _Split()
        counts.lines += 1
        counts.chars += style.length
        if style.particles:
            counts.lines_with_particle += 1
            counts.particles += len(style.particles)
            counts.by_particle.update(span.text for span in style.particles)
            counts.lines_by_particle.update({span.text for span in style.particles})
            counts.by_function.update((span.text, span.function) for span in style.particles)
        counts.interjections += len(style.interjections)
        if style.casual >= CASUAL_THRESHOLD:
            counts.casual += 1
        else:
            counts.formal += 1
        counts.markers.update(span.text for span in style.markers)
        if style.mainland_terms:
            counts.lines_with_mainland += 1
            counts.mainland.update(span.text for span in style.mainland_terms)

    def add_table(self, table: pa.RecordBatch, splits: Sequence[str], rows: np.ndarray) -> None:
        """`add` for the pairs at `rows` of a pair table (`builder.pair_table`), each in its split
        (`splits[row]`), from the columns: no `Style` object per pair. Splits are met in row order,
        as `add` meets them; `rows` must hold annotated pairs only."""
        names = [splits[row] for row in rows.tolist()]
        order = {name: code for code, name in enumerate(dict.fromkeys(names))}
        named = np.array([order[n] for n in names], dtype=np.int64)
        for code, split in enumerate(order):
            chosen = pa.array(rows[named == code])
            part = table.take(chosen)
            counts = self._splits.get(split)
            if counts is None:
                counts = self._splits[split] = _Split()
            _add_columns(counts, part)

    def merge(self, other: StyleStats) -> None:
        """Add another accumulator's counts (e.g. from a worker process)."""
        for split, counts in other._splits.items():
            self._splits.setdefault(split, _Split()).merge(counts)

    @property
    def splits(self) -> tuple[str, ...]:
        """The splits seen, in the order they first appeared."""
        return tuple(self._splits)

    def _total(self) -> _Split:
        total = _Split()
        for counts in self._splits.values():
            total.merge(counts)
        return total

    def to_dict(self) -> dict[str, Any]:
        """Return the statistics as plain, JSON-ready data (for the build report)."""
        total = self._total()

        def split_dict(c: _Split) -> dict[str, Any]:
            return {
                "lines": c.lines,
                "chars": c.chars,
                "lines_with_particle": c.lines_with_particle,
                "share_with_particle": _pct(c.lines_with_particle, c.lines),
                "particles": c.particles,
                "particles_per_100_chars": round(100.0 * c.particles / c.chars, 4)
                if c.chars
                else 0.0,
                "particles_per_line": round(c.particles / c.lines, 4) if c.lines else 0.0,
                "interjections": c.interjections,
                "lines_with_mainland_terms": c.lines_with_mainland,
            }

        return {
            **split_dict(total),
            "particle_counts": dict(_ranked(total.by_particle)),
            "lines_by_particle": dict(_ranked(total.lines_by_particle)),
            "particle_functions": _functions_by_particle(total),
            "top_markers": [[word, n] for word, n in _ranked(total.markers)[: self.top_markers]],
            "mainland_terms": dict(_ranked(total.mainland)),
            "splits": {split: split_dict(c) for split, c in self._splits.items()},
            "register_by_split": {split: {"casual": c.casual, "formal": c.formal}
                                  for split, c in self._splits.items()},
        }

    def render_markdown(self) -> str:
        """Render the tables for the dataset card (markdown, no trailing blank line)."""
        total = self._total()
        out = ["| particle | count | share of particles | lines with it |", "|---|---:|---:|---:|"]
        for particle, n in _ranked(total.by_particle):
            out.append(
                f"| {particle} | {n:,} | {_pct(n, total.particles):.2f} % "
                f"| {total.lines_by_particle[particle]:,} |"
            )
        if not total.by_particle:
            out.append("| (none) | 0 | - | 0 |")
        out += [
            "",
            (
                f"Lines with at least one particle: {_pct(total.lines_with_particle, total.lines):.2f} % "
                f"({total.lines_with_particle:,} of {total.lines:,})."
            ),
            "",
            "| split | lines | with a particle | particles per 100 chars | particles per line |",
            "|---|---:|---:|---:|---:|",
        ]
        for split, c in self._splits.items():
            density = 100.0 * c.particles / c.chars if c.chars else 0.0
            per_line = c.particles / c.lines if c.lines else 0.0
            out.append(
                f"| {split} | {c.lines:,} | {_pct(c.lines_with_particle, c.lines):.2f} % "
                f"| {density:.2f} | {per_line:.2f} |"
            )
        out += ["", *self._register_markdown(), "",
                "What each particle does in its line, as the annotator reads it (the twelve functions "
                "are described in twcasual's docs/annotation.md):", "",
                _function_table(total)]
        out += ["", f"Top colloquial markers (of {sum(total.markers.values()):,} found):", ""]
        top = _ranked(total.markers)[: self.top_markers]
        out += [f"- {word}: {n:,}" for word, n in top] or ["- (none)"]
        out.append("")
        if total.lines_with_mainland:
            terms = ", ".join(f"{word} ({n:,})" for word, n in _ranked(total.mainland))
            out.append(
                f"Warning: {total.lines_with_mainland:,} lines "
                f"({_pct(total.lines_with_mainland, total.lines):.2f} %) use Mainland-only "
                f"vocabulary: {terms}."
            )
        else:
            out.append("No Mainland-only vocabulary found.")
        return "\n".join(out)

    def _register_markdown(self) -> list[str]:
        """The register of the zh lines per split (casual from CASUAL_THRESHOLD up)."""
        out = [f"Register of the zh lines of every deduplicated pair, before any recipe's register gate (a casual "
               f"score from {CASUAL_THRESHOLD:g} up reads casual):", "",
               "| split | casual | formal | formal share |", "|---|---:|---:|---:|"]
        for split, c in self._splits.items():
            out.append(f"| {split} | {c.casual:,} | {c.formal:,} | {_pct(c.formal, c.lines):.2f} % |")
        return out

    def render_svg(self) -> str:
        """Render particle frequencies as a self-contained horizontal bar chart (SVG text)."""
        ranked = _ranked(self._total().by_particle)
        width, left, right, top, bar, gap = 640, 48, 96, 40, 20, 6
        height = top + max(len(ranked), 1) * (bar + gap) + 16
        font = "'Noto Sans CJK TC','Noto Sans TC','PingFang TC','Microsoft JhengHei',sans-serif"
        out = [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" font-family="{font}" font-size="14">'
            ),
            "<title>twcasual: particle frequencies</title>",
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            '<text x="16" y="24" font-size="16" fill="#222222">Sentence-final particles</text>',
        ]
        if not ranked:
            out.append(f'<text x="{left}" y="{top + 14}" fill="#666666">no particles found</text>')
        peak = ranked[0][1] if ranked else 1
        span = width - left - right
        for k, (particle, n) in enumerate(ranked):
            y = top + k * (bar + gap)
            length = max(1, round(span * n / peak))
            out += [
                (
                    f'<text x="{left - 10}" y="{y + 15}" text-anchor="end" fill="#222222">'
                    f"{escape(particle)}</text>"
                ),
                f'<rect x="{left}" y="{y}" width="{length}" height="{bar}" fill="#d9534f"/>',
                f'<text x="{left + length + 6}" y="{y + 15}" fill="#444444">{n:,}</text>',
            ]
        out.append("</svg>")
        return "\n".join(out) + "\n"
