"""Measure how often the pair-order sniffing of paired-lines files is right, set aside, or wrong.

    python -m bench.order_measure [--tsv cmn.tsv ...] [--trials 100] [--seed 11]

Writes random samples of sentence pairs as alternating lines, English line first and zh line first,
with and without a zh caption on top, at 5, 25, 80 and 200 pairs, and asks `sniff_order` which line
of a pair comes first. Pairs come from `--tsv` files (English<TAB>zh; real corpora are not ours:
pass their paths, never commit them) and from the synthetic benchmark corpus. "wrong" would pair
every line with its neighbour's translation: the target is none.
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import Counter
from pathlib import Path

from bench.corpus import iter_pairs
from builder.ingest.sniff import sniff_order

SIZES = (5, 25, 80, 200)
CAPTION = "今天的對話整理"


def _tsv(paths: list[Path]) -> list[tuple[str, str]]:
    rows = (line.split("\t") for path in paths for line in path.read_text(encoding="utf-8").splitlines())
    return [(cells[0], cells[1]) for cells in rows if len(cells) >= 2 and cells[0].strip() and cells[1].strip()]


def measure(pairs: list[tuple[str, str]], trials: int, rng: random.Random) -> dict[tuple[int, bool], Counter[str]]:
    """Per (size, caption): how many files came out right, set aside (unclear) or wrong."""
    tally: dict[tuple[int, bool], Counter[str]] = {}
    for caption, size in itertools.product((False, True), SIZES):
        counts = tally.setdefault((size, caption), Counter())
        for _ in range(trials):
            chunk = rng.sample(pairs, size)
            for order in ("en-zh", "zh-en"):
                lines = [line for en, zh in chunk for line in ((en, zh) if order == "en-zh" else (zh, en))]
                got, _ = sniff_order([CAPTION, *lines] if caption else lines)
                counts["right" if got == order else "set aside" if got == "unclear" else "wrong"] += 1
    return tally


def main() -> None:
    """Parse the arguments and print a table per corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", action="append", type=Path, default=[])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    corpora = {"synthetic (bench.corpus)": [(en, zh) for en, zh, _, _ in iter_pairs(3000, 1)]}
    if args.tsv:
        corpora["tsv"] = _tsv(args.tsv)
    for name, pairs in corpora.items():
        print(f"{name}: {len(pairs)} pairs, {args.trials} samples x 2 orders per row")
        for (size, caption), counts in measure(pairs, args.trials, rng).items():
            print(f"  {size:4} pairs{' + caption' if caption else '          '}  {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
