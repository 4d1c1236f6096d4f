"""The first pass: input files -> batches of raw pairs (main process) -> normalised, filtered,
annotated and register-scored pairs with their dedup features (`annotate_batch`, in the workers).

`read_batches` accounts for every line it reads in the file's report; `annotate_batch` hands back
what it set aside (refused by the normaliser, dropped by the bitext filters), so the main process
finishes the accounting. The pairs come back pickled for the spool (the main process only copies
the bytes).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from builder.annotate.plain import plain_side
from builder.dedup.fold import SideFeatures, pair_features
from builder.engine.spool import dump_pairs
from builder.engine.timing import Timings
from builder.errors import InputError
from builder.ingest.inputs import FileStats, InputFile
from builder.ingest.raw_batch import RawBatch
from builder.ingest.readers import raw_batches
from builder.ingest.stream import CHANGED
from builder.output.report import FileReport
from builder.pipeline.context import PassContext
from builder.quality.filters import check_pairs
from builder.quality.register import CASUAL_THRESHOLD, scores_from_styles
from builder.types import Pair, RawPair, SetAside, Source, Style

__all__ = ["Pass1Result", "annotate_batch", "read_batches"]


@dataclass
class Pass1Result:
    """One batch after normalise and annotate, in the form the main process needs."""

    count: int  # pairs left (the refused ones are not among them)
    spooled: bytes  # those pairs' table, as the spool keeps it (`dump_pairs`)
    ids: list[str]
    converted: int  # pairs whose zh side was converted from Simplified
    features: tuple[SideFeatures, SideFeatures] | None  # None when no pair is left
    refused: list[SetAside]  # refused by the normaliser
    filtered: list[SetAside]  # dropped by the bitext filters; reason: the filter kind
    formal: int  # pairs left whose zh line reads formal
    warnings: list[tuple[Source, str]]
    warning_count: int
    timings: Timings


def read_batches(f: InputFile, batch_size: int, report: FileReport, set_aside: list[SetAside],
                 timings: Timings, max_line_chars: int, sha256: str = "") -> Iterator[RawBatch]:
    """Stream one file in batches of raw pairs; account for every line read in `report`.

    `sha256` is the hash the build's cache keys were made with: bytes read that hash otherwise mean
    the file changed since, and the build stops before anything of it is cached.
    """
    stats = FileStats()
    last: RawBatch | None = None
    started = time.perf_counter()
    for batch in raw_batches(f, batch_size, set_aside, stats, max_line_chars):
        timings.add("ingest", time.perf_counter() - started)
        if len(batch) < batch_size:  # the short last batch, once the file is read: it goes after the accounting
            last = batch
        else:
            yield batch
        started = time.perf_counter()
    if sha256 and stats.sha256 != sha256:
        raise InputError(f"{f.name}: {CHANGED}")
    report.sha256 = stats.sha256  # the hash of what was built
    report.lines = stats.lines
    report.pairs += stats.pairs  # less the pairs the normaliser refuses, counted as they come back
    report.unpaired = stats.unpaired
    report.rejected.update(stats.rejected_by_reason)
    report.joined, report.swapped, report.columns = stats.joined, stats.swapped, stats.columns
    timings.add("ingest", time.perf_counter() - started)
    if last is not None:
        yield last


def annotate_batch(context: PassContext, batch: RawBatch | Iterable[RawPair]) -> Pass1Result:
    """Normalise and annotate one batch of raw pairs; fingerprint what is left for dedup."""
    timings = Timings()
    normalizer = context.normalizer
    warnings_before, count_before = len(normalizer.warnings), normalizer.warning_count
    # Each pair is made once, whole, at the end: until then its parts travel as a row.
    rows: list[_Row] = []
    refused: list[SetAside] = []
    fields = batch.rows() if isinstance(batch, RawBatch) else (
        (raw.en, raw.zh, raw.source, raw.meta, raw.attribution, raw.license) for raw in batch)
    parts = normalizer.parts
    with timings.stage("normalise"):
        for en, zh, source, meta, attribution, license in fields:
            made = parts(en, zh, source, meta)
            if isinstance(made, SetAside):
                refused.append(made)
            else:
                rows.append((made, source, attribution, license))
    with timings.stage("filter"):
        rows, filtered = _filtered(rows, context)
    zh = [made[2] for made, _, _, _ in rows]
    with timings.stage("annotate"):
        styles = context.annotator.annotate(zh)
    with timings.stage("register"):
        scores = scores_from_styles(zh, styles)
        formal = sum(score < CASUAL_THRESHOLD for score in scores)
    with timings.stage("plain"):  # the plain side, once: casualize's prompt and a split-group key
        sides = [plain_side(line, style) for line, style in zip(zh, styles)]
        plain = [made for made, _ in sides]
        # Each pair and its Style are made once, whole (spans, score, plain side), not once per stage.
        pairs = [Pair(pid, en, line, source, converted,
                      Style(s.particles, s.interjections, s.markers, s.mainland_terms, s.length, score, made, words),
                      license, attribution, meta)
                 for ((pid, en, line, converted, meta), source, attribution, license), s, score, (made, words)
                 in zip(rows, styles, scores, sides)]
    warnings = normalizer.warnings[warnings_before:]
    del normalizer.warnings[warnings_before:]  # each batch hands its own warnings back
    warning_count = normalizer.warning_count - count_before
    with timings.stage("dedup"):
        features = pair_features([p.en for p in pairs], zh, context.dedup, plain) if pairs else None
    with timings.stage("spool"):
        spooled = dump_pairs(pairs)
    return Pass1Result(
        count=len(pairs), spooled=spooled, ids=[p.id for p in pairs],
        converted=sum(p.converted_simplified for p in pairs), features=features, refused=refused,
        filtered=filtered, formal=formal, warnings=warnings, warning_count=warning_count, timings=timings,
    )


_SHOWN = 200  # characters of a dropped pair kept in the report
# a normalised pair before it is made: (id, en, zh, converted, meta text), source, attribution, license
_Row = tuple[tuple[str, str, str, bool, str], Source, str, str]


def _filtered(rows: list[_Row], context: PassContext) -> tuple[list[_Row], list[SetAside]]:
    """Run the bitext filters on a batch: the rows that pass, and the others set aside by kind."""
    if not rows:
        return rows, []
    reasons = check_pairs([made[1] for made, _, _, _ in rows], [made[2] for made, _, _, _ in rows],
                          context.filters)
    if not any(reasons):
        return rows, []
    kept = [row for row, reason in zip(rows, reasons) if reason is None]
    dropped = [SetAside(source.file, source.en_line, reason, f"{made[1]}\t{made[2]}"[:_SHOWN], "filtered")
               for (made, source, _, _), reason in zip(rows, reasons) if reason is not None]
    return kept, dropped
