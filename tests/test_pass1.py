"""The first pass's batches of raw pairs: read in order with the lines set aside between them, and
sent to a worker as columns that arrive whole."""

from __future__ import annotations

import pickle
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

from builder.engine.timing import Timings
from builder.ingest.inputs import LINES_PER_PAIR, InputFile
from builder.ingest.raw_batch import RawBatch
from builder.ingest.readers import read_file
from builder.output.report import FileReport
from builder.pipeline.pass1 import read_batches
from builder.types import RawPair, SetAside, Source


def test_raw_batch_round_trips_through_pickle_as_columns() -> None:
    """A RawBatch pickles to columns and comes back as equal raw pairs, metas and licenses included."""
    batch = RawBatch("b.csv", "CC0")
    batch.add("Hi.", "嗨", 3, 4, None, "")
    batch.add("Yes.", "是啦", 7, 7, {"k": "v"}, "me")
    back = pickle.loads(ForkingPickler.dumps(batch))
    assert len(back) == 2 and list(back) == [RawPair("Hi.", "嗨", Source("b.csv", 3, 4), None, "", "CC0"),
                                             RawPair("Yes.", "是啦", Source("b.csv", 7, 7), {"k": "v"}, "me", "CC0")]
    assert list(back.rows()) == [tuple(vars_of(raw)) for raw in back]
    assert list(pickle.loads(pickle.dumps(RawBatch("a.txt", "")))) == []


def vars_of(raw: RawPair) -> tuple[object, ...]:
    """A raw pair's fields in order, as `RawBatch.rows` gives them."""
    return (raw.en, raw.zh, raw.source, raw.meta, raw.attribution, raw.license)


EN = ["The train to Hualien leaves at 7:40.", "Could you send the budget by Friday?", "I booked a table for four.",
      "Grandpa naps after lunch.", "Is the clinic open today?"]
ZH = ["明天早上7:40的火車去花蓮喔", "預算禮拜五前傳給我好嗎？", "我訂好四個人的位子了啦", "阿公吃飽就睡午覺了啦",
      "診所今天有開嗎？"]


@pytest.mark.parametrize("fmt", ["lines", "tsv"])
def test_batches_come_with_the_lines_set_aside_before_their_last_pair(tmp_path: Path, fmt: str) -> None:
    """Batches of two: each comes with exactly the lines set aside before its last pair, the short
    last batch after the report adds up; pairs and lines as read_file gives them, in its order."""
    rows = [(EN[0], ZH[0]), "!!!", (EN[1], ZH[1]), "2024", (EN[2], ZH[2]), "???", (EN[3], ZH[3]), "...",
            (EN[4], ZH[4]), "~~~"]
    sep = "\n" if fmt == "lines" else "\t"
    path = tmp_path / f"in.{fmt}"
    path.write_text("".join(f"{r}\n" if isinstance(r, str) else f"{r[0]}{sep}{r[1]}\n" for r in rows), encoding="utf-8")
    f = InputFile(path, path.name, fmt, license="CC0", attribution="Ann")
    report, aside = FileReport(f.name, fmt, LINES_PER_PAIR[fmt]), []
    batches, seen = [], []  # per batch: its pairs, the lines set aside so far, the lines in the report
    for batch in read_batches(f, 2, report, aside, Timings(), 1000):
        batches.append(batch)
        seen.append((len(batch), len(aside), report.lines))
    lines = 5 * LINES_PER_PAIR[fmt] + 5
    assert seen == [(2, 1, 0), (2, 3, 0), (1, 5, lines)]  # "~~~" comes after the last pair, before its batch
    assert (report.pairs, sum(report.rejected.values())) == (5, 5)
    items = list(read_file(f))
    assert [p for b in batches for p in b] == [i for i in items if isinstance(i, RawPair)]
    assert aside == [i for i in items if isinstance(i, SetAside)]
    assert {(p.license, p.attribution, p.meta) for b in batches for p in b} == {("CC0", "Ann", None)}
