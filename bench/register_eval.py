"""Evaluate the register score on tests/data/register_eval.tsv and time it.

    python -m bench.register_eval [--tsv FILE] [--part tune|heldout] [--errors tune] [--lines 20000]
                                  [--no-timing] [--no-core]

Prints, per part (tune, heldout), precision and recall for each label and the accuracy, using
the project's lexicon annotator for the particle / interjection / marker counts. Then times the
scorer alone (counts precomputed) on `--lines` zh lines of the benchmark corpus (bench.corpus,
casual chat) and on the labelled lines repeated to the same number (half formal), in batches of
1024 like `twcasual annotate`, and the single-line call for comparison.
`--errors tune` lists the wrongly labelled tune lines (tuning looks at tune lines only; held-out
lines are never listed).
`--no-core` is an ablation: the everyday characters of register_cues.CORE_CHARS lose their weight.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from builder.annotate import LexiconAnnotator
from builder.quality import register
from builder.quality.register import casual_score, casual_scores, register_of

EVAL_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "register_eval.tsv"

LABELS = ("casual", "formal")
BATCH = 1024


def load_eval(path: Path = EVAL_FILE) -> list[tuple[str, str, str, str]]:
    """Read (line, label, part, note) rows, skipping # comments."""
    rows = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        line, label, part, note = raw.split("\t")
        rows.append((line, label, part, note))
    return rows


def counts(texts: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
    """Return the annotator's particle, interjection and marker counts per line."""
    styles = LexiconAnnotator().annotate(texts)
    return (
        [len(s.particles) for s in styles],
        [len(s.interjections) for s in styles],
        [len(s.markers) for s in styles],
    )


def score_lines(texts: Sequence[str]) -> list[float]:
    """Score lines with annotator counts, in batches."""
    out: list[float] = []
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        out.extend(casual_scores(batch, *counts(batch)))
    return out


def metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Return precision and recall per label and accuracy."""
    result: dict[str, float] = {"n": float(len(gold))}
    for label in LABELS:
        true_pos = sum(g == p == label for g, p in zip(gold, predicted))
        said = sum(p == label for p in predicted)
        real = sum(g == label for g in gold)
        result[f"{label}_precision"] = true_pos / said if said else float("nan")
        result[f"{label}_recall"] = true_pos / real if real else float("nan")
        result[f"{label}_n"] = float(real)
    result["accuracy"] = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    return result


def batch_of(note: str) -> str:
    """Return which writing batch a row belongs to: "r1" (first) or "r2" (written later)."""
    return "r2" if note.endswith(" r2") else "r1"


def print_figures(name: str, m: dict[str, float]) -> None:
    """Print one line of figures."""
    print(
        f"{name:11s} n={int(m['n']):3d}  "
        + "  ".join(
            f"{label}: P={m[label + '_precision']:.3f} R={m[label + '_recall']:.3f} (n={int(m[label + '_n'])})"
            for label in LABELS
        )
        + f"  accuracy={m['accuracy']:.3f}"
    )


def report_parts(
    rows: list[tuple[str, str, str, str]], errors: str | None = None, parts: Sequence[str] = ("tune", "heldout")
) -> dict[str, dict[str, float]]:
    """Print and return the figures per part, and per writing batch within each part."""
    scores = score_lines([row[0] for row in rows])
    figures = {}
    for part in parts:
        picked = [(row, s) for row, s in zip(rows, scores) if row[2] == part]
        for batch in ("", "r1", "r2"):
            chosen = [(row, s) for row, s in picked if not batch or batch_of(row[3]) == batch]
            m = metrics([row[1] for row, _ in chosen], [register_of(s) for _, s in chosen])
            figures[f"{part} {batch}".strip()] = m
            print_figures(f"{part} {batch}".strip() if batch else part, m)
        if errors == part:
            for (line, label, _, note), s in picked:
                if register_of(s) != label:
                    print(f"   wrong {s:.3f} gold={label:6s} {note:17s} {line}")
    return figures


def bench_lines(limit: int) -> list[str]:
    """Return `limit` zh lines of the project's benchmark corpus (casual chat)."""
    from bench.corpus import iter_pairs

    return [pair[1] for pair in iter_pairs(limit, seed=1)]


def time_scorer(name: str, texts: list[str]) -> None:
    """Print µs per line for the batch scorer and the single-line call (counts precomputed)."""
    particles, interjections, markers = counts(texts)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for start in range(0, len(texts), BATCH):
            end = start + BATCH
            casual_scores(texts[start:end], particles[start:end], interjections[start:end], markers[start:end])
        best = min(best, time.perf_counter() - started)
    sample = texts[:2000]
    started = time.perf_counter()
    for text, p, i, m in zip(sample, particles, interjections, markers):
        casual_score(text, p, i, m)
    single = (time.perf_counter() - started) / len(sample)
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        LexiconAnnotator().annotate(texts[start : start + BATCH])
    annotate_s = time.perf_counter() - started
    mean_len = sum(map(len, texts)) / len(texts)
    per_line = 1e6 / len(texts)
    print(
        f"timing {name}: {len(texts)} lines, mean {mean_len:.1f} chars: "
        f"batch {best * per_line:.2f} µs/line (best of 5), single-line call {single * 1e6:.1f} µs/line; "
        f"the annotator alone {annotate_s * per_line:.1f} µs/line"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=EVAL_FILE)
    parser.add_argument("--errors", choices=("tune",), help="list the wrongly labelled tune lines")
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument(
        "--no-core", action="store_true", help="ablation: everyday characters weigh like any other character"
    )
    parser.add_argument("--part", choices=("tune", "heldout"), help="report one part only (tuning looks at tune only)")
    args = parser.parse_args(argv)
    rows = load_eval(args.tsv)
    if args.no_core:
        register.CORE_WEIGHT = register.CHAR_WEIGHT
        register._TABLES = register._Tables()
    report_parts(rows, args.errors, (args.part,) if args.part else ("tune", "heldout"))
    if not args.no_timing:
        time_scorer("bench.corpus zh lines", bench_lines(args.lines))
        labelled = [row[0] for row in rows]
        time_scorer("register_eval lines repeated", (labelled * (args.lines // len(labelled) + 1))[: args.lines])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
