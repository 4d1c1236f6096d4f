"""Print per-kind precision and recall of the bitext filters on tests/data/noisy_pairs.tsv, and µs per pair.

    python -m bench.filters_eval [--errors] [--no-speed]

--errors lists the tune rows the filters get wrong (never the held-out ones: rules are tuned on
tune rows only). Rows are normalised as the build does (builder.text.normalize) first.

Rows labelled `swapped` have the zh line in the en column. Reading such a pair the right way round
is the readers' job (not this stage's); the filters see it as given and must set it aside with a
script reason (`SWAPPED_REASONS`). They are left out of the per-kind figures and counted apart.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from builder.quality.filters import KINDS, FilterSettings, check_pair, check_pairs
from builder.text.normalize import normalize_en, normalize_zh
from builder.text.script import Converter

ROOT = Path(__file__).resolve().parent.parent
NOISY_FILE = ROOT / "tests" / "data" / "noisy_pairs.tsv"
SAMPLE = ROOT / "data" / "sample"

LABELS = (*KINDS, "ok")
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})")


class Row(NamedTuple):
    """One labelled pair, normalised."""

    en: str
    zh: str
    expected: str
    part: str
    note: str


def load_rows(path: Path = NOISY_FILE) -> list[Row]:
    """Read the labelled set, undo its \\xNN escapes and normalise both sides."""
    converter = Converter()
    rows = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("# "):  # a row may itself start with # (#1)
            continue
        en, zh, expected, part, note = (_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), f)
                                        for f in line.split("\t"))
        rows.append(Row(normalize_en(en), normalize_zh(zh, converter)[0], expected, part, note))
    return rows


def predict(en: str, zh: str, settings: FilterSettings) -> str:
    """Return what the stage makes of a pair: a reason, or 'ok'."""
    return check_pair(en, zh, settings) or "ok"


# What a pair with its columns swapped must be set aside as, when this stage sees it as given.
SWAPPED_REASONS = ("zh_not_chinese", "en_not_english")


def right_here(row: Row, guess: str) -> bool:
    """Whether the stage's verdict on a row is right (a swapped row: set aside by script)."""
    return guess in SWAPPED_REASONS if row.expected == "swapped" else guess == row.expected


def scores(rows: list[Row], settings: FilterSettings) -> dict[str, tuple[int, int, int]]:
    """Return label -> (true positives, predicted, expected); swapped rows are left out (see above)."""
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    for row, guess in zip(rows, check_pairs([r.en for r in rows], [r.zh for r in rows], settings), strict=True):
        if row.expected == "swapped":
            continue
        guess = guess or "ok"
        predicted[guess] += 1
        expected[row.expected] += 1
        tp[guess] += guess == row.expected
    return {label: (tp[label], predicted[label], expected[label]) for label in LABELS}


def _ratio(top: int, bottom: int) -> str:
    return f"{top / bottom:6.1%}" if bottom else "     -"


def print_scores(part: str, rows: list[Row], settings: FilterSettings) -> None:
    """Print one part's table."""
    print(f"\n{part}: {len(rows)} rows")
    print(f"{'label':18} {'precision':>16} {'recall':>16}")
    for label, (tp, pred, exp) in scores(rows, settings).items():
        print(f"{label:18} {_ratio(tp, pred)} ({tp:3}/{pred:3}) {_ratio(tp, exp)} ({tp:3}/{exp:3})")


def realistic_pairs(n: int) -> dict[str, tuple[list[str], list[str]]]:
    """Return normalised pairs: make bench's corpus, bench.generate's, and the sample corpus cycled to n."""
    from bench.corpus import iter_pairs
    from bench.generate import generate

    converter = Converter()
    corpus = list(iter_pairs(n, seed=1))
    synthetic = generate(n, seed=7)
    sample_en, sample_zh = [], []
    for path in sorted(SAMPLE.glob("*.txt")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            lines = [x for x in block.split("\n") if x.strip()]
            if len(lines) == 2:
                sample_en.append(lines[0])
                sample_zh.append(lines[1])
    cycled = [(sample_en[i % len(sample_en)], sample_zh[i % len(sample_zh)]) for i in range(n)]

    def normalised(ens: list[str], zhs: list[str]) -> tuple[list[str], list[str]]:
        return [normalize_en(x) for x in ens], [normalize_zh(x, converter)[0] for x in zhs]

    return {
        "bench.corpus (make bench)": normalised([p[0] for p in corpus], [p[1] for p in corpus]),
        "bench.generate": normalised(list(synthetic.en[:n]), list(synthetic.zh[:n])),
        "data/sample x cycled": normalised([e for e, _ in cycled], [z for _, z in cycled]),
        "sample only (unique)": normalised(sample_en, sample_zh),
    }


def time_filters(ens: list[str], zhs: list[str], settings: FilterSettings, batch: int = 2000) -> tuple[float, Counter]:
    """Return (CPU µs per pair, reasons) for check_pairs over batches; best of 5 runs."""
    best = float("inf")
    reasons: Counter[str | None] = Counter()
    for _ in range(5):
        start = time.process_time()
        out: list[str | None] = []
        for i in range(0, len(ens), batch):
            e, z = ens[i:i + batch], zhs[i:i + batch]
            out.extend(check_pairs(e, z, settings))
        best = min(best, time.process_time() - start)
        reasons = Counter(out)
    return best / len(ens) * 1e6, reasons


def main() -> None:
    """Print the tables, the tune errors on request, and the speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list tune rows the filters get wrong")
    parser.add_argument("--no-speed", action="store_true", help="skip the timing")
    args = parser.parse_args()
    settings = FilterSettings()
    rows = load_rows()
    print(f"settings: {settings.signature()}")
    for part in ("tune", "heldout"):
        print_scores(part, [r for r in rows if r.part == part], settings)
        swapped = [r for r in rows if r.part == part and r.expected == "swapped"]
        right = sum(right_here(r, predict(r.en, r.zh, settings)) for r in swapped)
        print(f"swapped rows (not in the table) set aside by script: {right}/{len(swapped)}")
    if args.errors:
        print("\ntune errors:")
        for row in rows:
            guess = predict(row.en, row.zh, settings)
            if row.part == "tune" and not right_here(row, guess):
                print(f"  expected {row.expected}, got {guess}: {row.en[:60]!r} | {row.zh[:60]!r}")
    if not args.no_speed:
        print("\nCPU µs per pair (check_pairs, batches of 2,000, best of 5):")
        no_numbers = FilterSettings(numbers_disagree=False)
        for name, (ens, zhs) in realistic_pairs(20_000).items():
            micro, reasons = time_filters(ens, zhs, settings)
            without, _ = time_filters(ens, zhs, no_numbers)
            dropped = {str(r): c for r, c in reasons.items() if r}
            print(f"  {name}: {len(ens)} pairs, {micro:.2f} µs/pair ({without:.2f} without numbers_disagree),"
                  f" dropped {sum(dropped.values())} {dropped or ''}")


if __name__ == "__main__":
    main()
