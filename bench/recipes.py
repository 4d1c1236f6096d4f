"""Each recipe's batched form on real batches, as a build runs it (its checks included).

    python -m bench.recipes [--corpus FILE] [--batches 10] [--batch-size 2048] [--repeat 3]

Reads the first batches of a paired-lines corpus (default: the 100k corpus `make bench` leaves in
bench/work), runs pass 1 on them in this process (normalise, annotate, plain side, as a build
does), then times each built-in recipe over them: CPU seconds (`time.process_time`), best of
`--repeat`, printed per pair. Nothing is asserted; figures go to stdout only.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from builder.config import config_from_mapping
from builder.contract.batch import PairBatch
from builder.contract.batch_run import run_on_batch
from builder.contract.registry import default_registry
from builder.engine.cache import BuildCache
from builder.engine.spool import load_pairs
from builder.engine.timing import Timings
from builder.output.report import FileReport
from builder.pipeline.context import PassContext
from builder.pipeline.pass1 import annotate_batch, read_batches
from builder.pipeline.plan import make_plan
from builder.text.normalize import Normalizer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "bench" / "work" / "corpus-v1-n100000-s1-d0.03.txt"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.recipes", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        raise SystemExit(f"{args.corpus}: no such corpus (run `make bench`, or `python -m bench.corpus`)")
    config = config_from_mapping({"input": {"paths": [args.corpus.name], "format": "lines"},
                                  "build": {"workers": 1}}, base=args.corpus.parent)
    plan = make_plan(config, default_registry(), False)
    context = PassContext(Normalizer(), plan.annotator, plan.steps, plan.step_keys, False, plan.dedup,
                          BuildCache(None), plan.filters)
    source = plan.files[0]
    batches: list[PairBatch] = []
    raw_batches = read_batches(source, args.batch_size, FileReport(source.name, source.format, 2), [], Timings(),
                               config.max_line_chars)
    for raw in raw_batches:
        batches.append(PairBatch(load_pairs(annotate_batch(context, raw).spooled)))
        if len(batches) == args.batches:
            break
    pairs = sum(len(batch) for batch in batches)
    print(f"{pairs:,} pairs in {len(batches)} batches of {args.corpus.name}; CPU per pair, best of {args.repeat}")
    for step in plan.steps:
        best = float("inf")
        for _ in range(args.repeat):
            started = time.process_time()
            for batch in batches:
                run_on_batch(step, batch, np.arange(len(batch)), False)
            best = min(best, time.process_time() - started)
        print(f"  {step.recipe.name:<20} {best / pairs * 1e6:7.1f} us")


if __name__ == "__main__":
    main()
