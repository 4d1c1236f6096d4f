"""The batched form of a recipe: a batch of pairs in as Arrow columns, columns of examples out.

    @recipe("echo", version="1.0.0", batched=True)
    def echo(pairs: PairBatch, ctx: BatchContext) -> Examples:
        '''Ask for the zh line back.'''
        return Examples(instruction=ctx.pick(PROMPTS), input=pairs.en, output=pairs.zh)

`PairBatch` holds the pairs a build gives the recipe (every column of `builder.pair_table`).
`BatchContext.pick` makes, for each pair, the choice `RecipeContext.pick` makes for it: the n-th
draw for a pair hashes the recipe name, the pair id and n, whatever else is in the batch, so the
per-pair form and the batched form of one recipe agree record for record. `Examples` is what the
recipe returns: one entry per example in each column, `rows` saying which pair (its row in the
batch) each example is made of, in batch order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Union

import numpy as np
import pyarrow as pa

from builder.pair_table import PAIR_SCHEMA, pair_table, pairs_of, spans_per_row
from builder.types import Pair, Span

__all__ = ["BatchContext", "BatchFunction", "Column", "Examples", "PairBatch", "json_string"]

# A column of an `Examples`: one string for every example, or one value per example.
Column = Union[str, Sequence[Any], np.ndarray, pa.Array, pa.ChunkedArray]


class PairBatch:
    """A batch of pairs as Arrow columns (`builder.pair_table.PAIR_SCHEMA`), one row per pair.

    `pairs.en`, `pairs.zh`, `pairs.id`, `pairs.plain` (the zh line's plain side), `pairs.casual`
    (its casual score), `pairs.particles` (and `interjections`, `markers`, `mainland_terms`: a
    list of `{text, offset, function}` per pair) are `pyarrow.Array`s; `pairs.column(name)` gives
    any column by its name in the schema; `pairs.pairs()` gives the rows as `Pair` objects.
    """

    __slots__ = ("batch", "_pairs", "_last_take")

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch = batch
        self._pairs: list[Pair] | None = None
        self._last_take: tuple[np.ndarray, PairBatch] | None = None  # recipes of a batch take the same rows

    @classmethod
    def of(cls, pairs: Sequence[Pair]) -> PairBatch:
        """The batch of some `Pair` objects (each with its style, if it has one)."""
        batch = cls(pair_table(pairs))
        batch._pairs = list(pairs)
        return batch

    def __len__(self) -> int:
        return self.batch.num_rows

    def column(self, name: str) -> pa.Array:
        """One column by its name in `PAIR_SCHEMA`."""
        return self.batch.column(name)

    @property
    def id(self) -> pa.Array:
        return self.batch.column("pair_id")

    @property
    def en(self) -> pa.Array:
        return self.batch.column("en")

    @property
    def zh(self) -> pa.Array:
        return self.batch.column("zh")

    @property
    def plain(self) -> pa.Array:
        return self.batch.column("plain")

    @property
    def casual(self) -> pa.Array:
        return self.batch.column("casual_score")

    @property
    def particles(self) -> pa.Array:
        return self.batch.column("particles")

    @property
    def interjections(self) -> pa.Array:
        return self.batch.column("interjections")

    @property
    def markers(self) -> pa.Array:
        return self.batch.column("markers")

    @property
    def mainland_terms(self) -> pa.Array:
        return self.batch.column("mainland_terms")

    def pairs(self) -> list[Pair]:
        """The rows as `Pair` objects (made once per batch; a slow path, for per-pair work)."""
        if self._pairs is None:
            self._pairs = pairs_of(self.batch)
        return list(self._pairs)  # a copy: the batch is shared by every recipe of a build's batch

    def spans(self, name: str, rows: Sequence[int] | np.ndarray | None = None) -> list[tuple[Span, ...]]:
        """One span column (`particles`, `interjections`, `markers`, `mainland_terms`) as a tuple
        of `Span`s per pair, or per entry of `rows` (only that column is taken)."""
        column = self.batch.column(name)
        if rows is not None:
            column = column.take(pa.array(np.asarray(rows, dtype=np.int64)))
        return spans_per_row(column)

    def take(self, rows: Sequence[int] | np.ndarray) -> PairBatch:
        """The batch of some rows, in the order given."""
        indices = np.asarray(rows, dtype=np.int64)
        if indices.size == len(self) and np.array_equal(indices, np.arange(len(self))):
            return self
        if self._last_take is not None and np.array_equal(self._last_take[0], indices):
            return self._last_take[1]
        taken = PairBatch(self.batch.take(pa.array(indices)))
        if self._pairs is not None:
            taken._pairs = [self._pairs[i] for i in indices.tolist()]
        self._last_take = (indices.copy(), taken)
        return taken


@dataclass(frozen=True)
class Examples:
    """What a batched recipe returns: columns of examples, one entry per example in each.

    `rows` gives each example's pair as its row in the batch, in batch order (several examples of
    one pair follow each other; a pair without any is left out); None means one example per pair,
    in order. `instruction`, `input` and `output` hold text, `extra` the declared extra fields of
    each example as JSON object text ("{}" or None: none), `synthetic` booleans. A single string
    (or a single bool) stands for the same value in every example.
    """

    instruction: Column
    output: Column
    input: Column = ""
    rows: Sequence[int] | np.ndarray | pa.Array | None = None
    extra: Column | None = None
    synthetic: bool | Column = False


def _draw_numbers(rows: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """The draw number of each entry of `rows` (a row may repeat: its entries take its next draws
    in order), advancing `draws`, each row's count of draws so far."""
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    ranked = rows[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(ranked.size), 0))
    within = np.empty(rows.size, dtype=np.int64)
    within[order] = np.arange(ranked.size) - first
    numbers = draws[rows] + within + 1
    np.add.at(draws, rows, 1)
    return numbers


# A draw's number as the bytes it is hashed as (str(n).encode()), made once: most pairs draw a few times.
_NUMERALS = [str(number).encode() for number in range(256)]


class BatchContext:
    """What a batched recipe gets besides the pairs: its parameters and seeded choices per pair.

    `pick(options, rows)` draws one option for each entry of `rows` (default: every pair of the
    batch once). The n-th draw for a pair is the n-th `RecipeContext.pick` of the per-pair form,
    so a recipe that draws in the same order for each pair makes the same choices in both forms.
    """

    __slots__ = ("recipe", "pairs", "params", "_draws", "_prefixes", "_rngs")

    def __init__(self, recipe: str, pairs: PairBatch, params: Any = None) -> None:
        self.recipe = recipe
        self.pairs = pairs
        self.params = params if isinstance(params, MappingProxyType) else MappingProxyType(dict(params or {}))
        self._draws = np.zeros(len(pairs), dtype=np.int64)
        self._prefixes: list[bytes] | None = None
        self._rngs: dict[int, random.Random] = {}

    def _rows(self, rows: Sequence[int] | np.ndarray | None) -> np.ndarray:
        if rows is None:
            return np.arange(len(self.pairs), dtype=np.int64)
        indices = np.asarray(rows, dtype=np.int64).reshape(-1)
        if indices.size and (indices.min() < 0 or indices.max() >= len(self.pairs)):
            raise IndexError(f"pick: rows must lie in 0..{len(self.pairs) - 1}")
        return indices

    def choices(self, count: int | Sequence[int] | np.ndarray,
                rows: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """The index each entry of `rows` draws among `count` options (one count for all, or one
        per entry), as `RecipeContext.pick` would draw it for that entry's pair."""
        indices = self._rows(rows)
        counts = np.asarray(count, dtype=np.int64)
        if counts.ndim and counts.shape != indices.shape:
            raise ValueError(f"choices: {counts.size} counts for {indices.size} draws")
        if counts.size and int(counts.min()) < 1:
            raise ValueError("pick() needs at least one option")
        numbers = _draw_numbers(indices, self._draws)
        if self._prefixes is None:
            self._prefixes = [f"{self.recipe}\x00{pair_id}\x00".encode() for pair_id in self.pairs.id.to_pylist()]
        prefixes, blake = self._prefixes, hashlib.blake2b
        numerals = _NUMERALS if numbers.size == 0 or int(numbers.max()) < len(_NUMERALS) else \
            [str(number).encode() for number in range(int(numbers.max()) + 1)]
        digests = b"".join([blake(prefixes[row] + numerals[number], digest_size=8).digest()
                            for row, number in zip(indices.tolist(), numbers.tolist())])
        values = np.frombuffer(digests, dtype=">u8").astype(np.uint64)
        return (values % counts.astype(np.uint64)).astype(np.int64)

    def pick(self, options: Sequence[Any], rows: Sequence[int] | np.ndarray | None = None) -> pa.Array:
        """One of `options` for each entry of `rows` (every pair once by default), as an Arrow array."""
        if not options:
            raise ValueError("pick() needs at least one option")
        return pa.array(list(options)).take(pa.array(self.choices(len(options), rows)))

    def rng(self, row: int) -> random.Random:
        """The `random.Random` of one pair: the one `RecipeContext.rng` gives the per-pair form."""
        found = self._rngs.get(row)
        if found is None:
            pair_id = self.pairs.id[row].as_py()
            digest = hashlib.blake2b(f"{self.recipe}\x00{pair_id}".encode(), digest_size=8).digest()
            found = self._rngs[row] = random.Random(int.from_bytes(digest, "big"))
        return found


@functools.lru_cache(maxsize=8192)
def json_string(text: str) -> str:
    """A string as JSON text (`json.dumps(text, ensure_ascii=False)`), remembered: a batched form
    that writes its `extra` by hand quotes each particle, word or function name once."""
    return json.dumps(text, ensure_ascii=False)


BatchFunction = Callable[[PairBatch, BatchContext], Examples]
EMPTY_BATCH = PairBatch(pa.RecordBatch.from_pylist([], schema=PAIR_SCHEMA))
