"""Measure the Simplified-in-context conversion on real text: leftovers on mixed-script lines, changes
on real Taiwan Traditional lines. The corpora are not ours: pass their paths, never commit them.

    python -m bench.script_measure --mixed cmn_part1.tsv [--mixed ...] --taiwan tw_chat.txt [--taiwan ...]

`--mixed`: TSV files whose second column is zh in mixed Simplified/Traditional script (the
English-Mandarin sentence files). `--taiwan`: real Taiwan Traditional text, one line a line.
Prints, for the mixed lines after `normalize_zh`: lines converted, output lines that still hold a
Simplified-only character or a listed Simplified spelling (target: none), and lines an OpenCC
t2s -> s2tw round trip would still rewrite (an independent check with a floor: real Taiwan text
has one too); for the Taiwan lines: lines changed (target: none), and what s2tw / s2twp over every
line would change, for scale; and microseconds per line (noisy on a shared machine).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import opencc

from builder.text import script
from builder.text.normalize import normalize_zh
from builder.text.script import Converter

CONVERTER = Converter()


def _tsv_zh(paths: list[Path]) -> list[str]:
    lines = []
    for path in paths:
        for row in path.read_text(encoding="utf-8").splitlines():
            cells = row.split("\t")
            if len(cells) >= 2 and cells[1].strip():
                lines.append(cells[1])
    return lines


def _plain(paths: list[Path]) -> list[str]:
    return [row for path in paths for row in path.read_text(encoding="utf-8").splitlines() if row.strip()]


def _round_trip_disagrees(line: str) -> bool:
    view = opencc.OpenCC("s2tw.json").convert(opencc.OpenCC("t2s.json").convert(line))
    return bool(view != line)


def measure_mixed(lines: list[str]) -> dict[str, int]:
    """Convert mixed-script zh lines the build's way; count what is left Simplified."""
    outputs = [normalize_zh(line, CONVERTER) for line in lines]
    texts = [text for text, _ in outputs]
    return {
        "lines": len(lines),
        "converted": sum(changed for _, changed in outputs),
        "simplified_only_character_left": sum(bool(script._SIMPLIFIED_CHAR.search(t)) for t in texts),
        "simplified_spelling_left": sum(bool(script._IN_CONTEXT.search(t)) for t in texts),
        "opencc_round_trip_disagrees": sum(_round_trip_disagrees(t) for t in texts),
    }


def measure_taiwan(lines: list[str]) -> dict[str, int]:
    """Count the real Taiwan lines each path changes (ours must change none)."""
    s2tw, s2twp = opencc.OpenCC("s2tw.json"), opencc.OpenCC("s2twp.json")
    return {
        "lines": len(lines),
        "changed_by_to_taiwan": sum(script.to_taiwan(line)[1] for line in lines),
        "judged_traditional": sum(script.script_of(line) == "traditional" for line in lines),
        "s2tw_over_every_line_would_change": sum(s2tw.convert(line) != line for line in lines),
        "s2twp_over_every_line_would_change": sum(s2twp.convert(line) != line for line in lines),
    }


def _per_line(function: Callable[[str], object], lines: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for line in lines:
            function(line)
        best = min(best, time.perf_counter() - started)
    return best / max(len(lines), 1) * 1e6


def main() -> None:
    """Parse the arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mixed", action="append", type=Path, default=[], metavar="TSV")
    parser.add_argument("--taiwan", action="append", type=Path, default=[], metavar="TXT")
    args = parser.parse_args()
    mixed, taiwan = _tsv_zh(args.mixed), _plain(args.taiwan)
    if mixed:
        print("mixed-script lines:", measure_mixed(mixed))
    if taiwan:
        print("real Taiwan lines:", measure_taiwan(taiwan))
    script.to_taiwan("这里")  # build the converters outside the timing
    for label, lines in (("mixed", mixed), ("taiwan", taiwan)):
        if lines:
            print(f"{label}: to_taiwan {_per_line(script.to_taiwan, lines):.2f} us/line, "
                  f"script_of {_per_line(script.script_of, lines):.2f} us/line (noisy)")


if __name__ == "__main__":
    main()
