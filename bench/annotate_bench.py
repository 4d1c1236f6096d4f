"""Annotation throughput of the lexicon backend, next to the time to merely read the same lines.

    python -m bench.annotate_bench --corpus FILE [--lines 500000]

Reads the zh lines of a paired-lines corpus (every second non-blank line), then times, in this
one process: reading them, and annotating them with the lexicon backend in batches of 1024.
Prints lines per second for both; `bench.run` calls `measure()` and stores the figures.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from builder.annotate import get_annotator

BATCH = 1024


def _zh_lines(corpus: Path, limit: int) -> list[str]:
    lines: list[str] = []
    with corpus.open(encoding="utf-8") as handle:
        non_blank = (line.rstrip("\n") for line in handle if line.strip())
        for index, line in enumerate(non_blank):
            if index % 2 == 1:
                lines.append(line)
                if len(lines) >= limit:
                    break
    return lines


def measure(corpus: Path, limit: int = 500_000) -> dict[str, Any]:
    """Time reading and lexicon-annotating up to `limit` zh lines of `corpus`."""
    started = time.perf_counter()
    lines = _zh_lines(corpus, limit)
    read_s = time.perf_counter() - started
    annotator = get_annotator("lexicon")
    started = time.perf_counter()
    particles = 0
    for start in range(0, len(lines), BATCH):
        for style in annotator.annotate(lines[start:start + BATCH]):
            particles += style.particle_count
    annotate_s = time.perf_counter() - started
    return {
        "lines": len(lines),
        "read_s": round(read_s, 3),
        "annotate_s": round(annotate_s, 3),
        "read_lines_per_s": round(len(lines) / read_s) if read_s else None,
        "annotate_lines_per_s": round(len(lines) / annotate_s) if annotate_s else None,
        "particles_found": particles,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lines", type=int, default=500_000)
    args = parser.parse_args(argv)
    r = measure(args.corpus, args.lines)
    print(f"{r['lines']:,} zh lines: read {r['read_s']:.2f} s ({r['read_lines_per_s']:,} lines/s), "
          f"lexicon annotate {r['annotate_s']:.2f} s ({r['annotate_lines_per_s']:,} lines/s), "
          f"{r['particles_found']:,} particles")


if __name__ == "__main__":
    main()
