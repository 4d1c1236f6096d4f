"""The first pass's batches of raw pairs cross to a worker as columns and arrive whole."""

from __future__ import annotations

import pickle
from multiprocessing.reduction import ForkingPickler

from builder.pipeline.pass1 import RawBatch
from builder.types import RawPair, Source


def test_raw_batch_round_trips_through_pickle_as_columns() -> None:
    """A RawBatch pickles to columns and comes back as equal raw pairs, metas and licenses included."""
    source = Source("a.txt", 3, 4)
    raws = [RawPair("Hi.", "嗨", source), RawPair("Yes.", "是啦", Source("b.csv", 7, 7), {"k": "v"}, "me", "CC0")]
    back = pickle.loads(ForkingPickler.dumps(RawBatch(raws)))
    assert len(back) == 2 and list(back) == raws
    assert list(pickle.loads(pickle.dumps(RawBatch()))) == []
