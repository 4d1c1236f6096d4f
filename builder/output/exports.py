"""Exports beyond Parquet, made from the Parquet shards after they are written.

- `jsonl`: `OUT/jsonl/<config>/<split>.jsonl`, one `{"messages": [...]}` per line (the chat shape
  OpenAI-style fine-tuning and most trainers read), plus `OUT/jsonl/all/<split>.jsonl` holding
  every config's records, config after config in name order.
- `llama-factory`: `OUT/llama_factory/`, a LLaMA-Factory `dataset_dir`. Data files are in its
  `sharegpt` formatting with OpenAI-style tags (`messages`, `role`, `content`, `user`,
  `assistant`), which keeps our user turn byte for byte (its `alpaca` formatting would join
  instruction and input with one newline where our chat turn has two). `dataset_info.json` names:
  `twcasual_<config>` (train split; dashes become underscores, so `en-to-casual` is
  `twcasual_en_to_casual`), `twcasual_<config>_<split>` for the other splits, and
  `twcasual_all` / `twcasual_all_<split>`, which point at a split's folder, so LLaMA-Factory reads
  every config's file in it.

Shards are read back in batches, so memory stays bounded by the batch size, and the bytes written
depend only on the shards: rebuilds give identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

import jsonlines
import pyarrow.parquet as pq

from builder.errors import BuildError, ConfigError
from builder.output.layout import ALL_CONFIG, JSONL_DIR, LLAMA_FACTORY_DIR
from builder.split import ordered_splits

__all__ = ["DATASET_PREFIX", "EXPORTS", "dataset_name", "write_exports"]

EXPORTS = ("jsonl", "llama-factory")
DATASET_PREFIX = "twcasual"
_BATCH_ROWS = 4096

# Compact and unescaped, so files are small, readable, and the same bytes on every build.
_dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))

_SHAREGPT_ENTRY: dict[str, Any] = {
    "formatting": "sharegpt",
    "columns": {"messages": "messages"},
    "tags": {
        "role_tag": "role",
        "content_tag": "content",
        "user_tag": "user",
        "assistant_tag": "assistant",
    },
}


def dataset_name(config: str, split: str = "train") -> str:
    """The LLaMA-Factory dataset name of one config and split (`twcasual_en_to_casual_test`)."""
    base = f"{DATASET_PREFIX}_{config.replace('-', '_')}"
    return base if split == "train" else f"{base}_{split}"


def _messages(out: Path, config: str, split: str) -> Iterator[list[dict[str, str]]]:
    """Stream the `messages` column of one config and split, shard after shard."""
    shards = sorted((out / config).glob(f"{split}-*.parquet"))
    for shard in shards:
        for batch in pq.ParquetFile(shard).iter_batches(
            batch_size=_BATCH_ROWS, columns=["messages"]
        ):
            yield from batch.column(0).to_pylist()


def _write_lines(handle: IO[str], rows: Iterator[list[dict[str, str]]]) -> int:
    written = 0
    with jsonlines.Writer(handle, dumps=_dumps, flush=False) as writer:
        for messages in rows:
            writer.write(
                {"messages": [{"role": m["role"], "content": m["content"]} for m in messages]}
            )
            written += 1
    return written


def _export(out: Path, config: str, split: str, target: Path, expected: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="\n") as handle:
        written = _write_lines(handle, _messages(out, config, split))
    if written != expected:
        raise BuildError(
            f"{config}/{split}: {written} rows in the shards, the build counted {expected}"
        )


def _append_all(out: Path, configs: Sequence[str], split: str, target: Path) -> None:
    """Write every config's rows of one split into one file, config after config."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="\n") as handle:
        for config in configs:
            _write_lines(handle, _messages(out, config, split))


def _check_names(counts: Mapping[str, Mapping[str, int]], reserved: Sequence[str]) -> None:
    for name in reserved:
        if name in counts:
            raise BuildError(
                f"a config is named '{name}', which the exports reserve; rename the recipe"
            )


def _jsonl(out: Path, counts: Mapping[str, Mapping[str, int]]) -> list[Path]:
    _check_names(counts, (ALL_CONFIG, JSONL_DIR))
    root = out / JSONL_DIR
    written: list[Path] = []
    configs = sorted(c for c, splits in counts.items() if any(splits.values()))
    for config in configs:
        for split in ordered_splits([s for s, n in counts[config].items() if n]):
            target = root / config / f"{split}.jsonl"
            _export(out, config, split, target, counts[config][split])
            written.append(target)
    all_splits = ordered_splits(sorted({s for c in configs for s, n in counts[c].items() if n}))
    for split in all_splits:
        target = root / ALL_CONFIG / f"{split}.jsonl"
        _append_all(out, [c for c in configs if counts[c].get(split)], split, target)
        written.append(target)
    return written


def _llama_factory(out: Path, counts: Mapping[str, Mapping[str, int]]) -> list[Path]:
    _check_names(counts, (ALL_CONFIG,))
    root = out / LLAMA_FACTORY_DIR
    written: list[Path] = []
    info: dict[str, dict[str, Any]] = {}
    configs = sorted(c for c, splits in counts.items() if any(splits.values()))
    all_splits: set[str] = set()
    for config in configs:
        for split in ordered_splits([s for s, n in counts[config].items() if n]):
            # One folder per split: `twcasual_all_<split>` reads the whole folder.
            relative = f"{split}/{config.replace('-', '_')}.jsonl"
            _export(out, config, split, root / relative, counts[config][split])
            written.append(root / relative)
            info[dataset_name(config, split)] = {"file_name": relative, **_SHAREGPT_ENTRY}
            all_splits.add(split)
    for split in ordered_splits(sorted(all_splits)):
        info[dataset_name(ALL_CONFIG, split)] = {"file_name": split, **_SHAREGPT_ENTRY}
    index = root / "dataset_info.json"
    root.mkdir(parents=True, exist_ok=True)
    index.write_text(
        json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return [index, *written]


def write_exports(
    out: Path, formats: Sequence[str], counts: Mapping[str, Mapping[str, int]]
) -> list[Path]:
    """Write the extra export formats next to the Parquet shards in `out`; return the files."""
    unknown = [f for f in formats if f not in EXPORTS and f != "parquet"]
    if unknown:
        raise ConfigError(
            f"unknown export format {unknown[0]!r}. Known: parquet, {', '.join(EXPORTS)}"
        )
    written: list[Path] = []
    if "jsonl" in formats:
        written += _jsonl(out, counts)
    if "llama-factory" in formats:
        written += _llama_factory(out, counts)
    return written
