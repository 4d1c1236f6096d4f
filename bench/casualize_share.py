"""What the casualize records of a build teach: how many differ by more than particles.

    twcasual build --config twcasual.toml --out /tmp/sample-build
    python -m bench.casualize_share /tmp/sample-build

For every `casualize` record (all splits) it cuts the particle spans out of the output (the casual
line) and compares what is left with the input (the plain side), both without punctuation, spaces
and the 嗎/呢/了 the plain side puts where a particle stood (是喔？ -> 是嗎？, 升組長囉 -> 升組長了).
A record whose two sides still differ teaches more than "add a particle". `words` also cuts the
interjection spans, so only changed words count.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

_IGNORED = re.compile(r"[\s，。！？、；：～~…⋯,.!?;:「」『』（）()嗎呢了]")


def _cut(text: str, spans: list[dict[str, Any]]) -> str:
    """The text without the given spans."""
    out, pos = [], 0
    for start, end in sorted((s["offset"], s["offset"] + len(s["text"])) for s in spans):
        out.append(text[pos:start])
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def residue(text: str) -> str:
    """What is left of a line for the comparison: no punctuation, spaces, 嗎, 呢 or 了."""
    return _IGNORED.sub("", text)


def count(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Count the records, those that differ by more than particles, and those with words changed."""
    more = sum(residue(_cut(r["output"], r["particles"])) != residue(r["input"]) for r in rows)
    words = sum(residue(_cut(r["output"], r["particles"] + r["interjections"])) != residue(r["input"])
                for r in rows)
    return {"records": len(rows), "more_than_particles": more, "words_changed": words}


def measure(out: Path) -> dict[str, int]:
    """Read the casualize records of a build folder and count them."""
    files = sorted((out / "casualize").glob("*.parquet"))
    if not files:
        raise SystemExit(f"{out}: no casualize shards (build with the casualize recipe first)")
    rows: list[dict[str, Any]] = []
    for path in files:
        rows += pq.read_table(path, columns=["input", "output", "particles", "interjections"]).to_pylist()
    return count(rows)


def main() -> None:
    """Print the counts and shares for one build folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a build's output folder")
    figures = measure(parser.parse_args().out)
    n = figures["records"]
    print(f"casualize records: {n}")
    for key in ("more_than_particles", "words_changed"):
        print(f"{key}: {figures[key]} ({100 * figures[key] / n:.1f} %)" if n else f"{key}: 0")


if __name__ == "__main__":
    main()
