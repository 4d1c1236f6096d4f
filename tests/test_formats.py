"""JSONL and LLaMA-Factory exports, made from Parquet shards written here with fresh text."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builder.errors import BuildError, ConfigError
from builder.output import exports as formats
from builder.output.exports import dataset_name, write_exports
from builder.output.records import records_to_table
from builder.output.shards import shard_name
from builder.types import Example, Pair, Record, Source

LINES = [
    ("The library closes early on public holidays.", "國定假日圖書館會提早關門喔。"),
    ("Please remember to bring an umbrella tomorrow.", "明天記得帶傘啦，聽說會下雨。"),
    ("This tea shop always has a long queue.", "這家手搖飲每次都大排長龍耶。"),
    ("I will be about ten minutes late.", "我大概會晚十分鐘到，歹勢啦。"),
    ("The new phone is surprisingly light.", "新手機竟然這麼輕喔！"),
]


def _record(recipe: str, index: int, en: str, zh: str) -> Record:
    pair = Pair(f"pair{index:03d}", en, zh, Source("fresh.txt", 2 * index + 1, 2 * index + 2))
    if recipe == "en-to-casual":
        example = Example(instruction="用台灣口語講這句。", input=en, output=zh)
    else:
        example = Example(instruction="Say this in formal English.", input=zh, output=en)
    return Record(f"{recipe}/{pair.id}/0", recipe, "1.0.0", pair, example)


def _shards(out: Path) -> dict[str, dict[str, int]]:
    """Write two configs, train (two shards) and test; return config -> split -> rows."""
    counts: dict[str, dict[str, int]] = {}
    for recipe in ("en-to-casual", "casual-to-en"):
        records = [_record(recipe, index, en, zh) for index, (en, zh) in enumerate(LINES)]
        parts = {"train": [records[:3], records[3:4]], "test": [records[4:]]}
        (out / recipe).mkdir(parents=True)
        for split, shards in parts.items():
            for index, shard in enumerate(shards):
                pq.write_table(
                    records_to_table(shard), out / recipe / shard_name(split, index, len(shards))
                )
            counts.setdefault(recipe, {})[split] = sum(len(s) for s in shards)
    return counts


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_export_writes_chat_shape_per_config_and_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every config and split gets a chat-shape JSONL file, and `all` holds every config's rows."""
    monkeypatch.setattr(formats, "_BATCH_ROWS", 1)  # many batches, to exercise the streaming
    counts = _shards(tmp_path)
    written = write_exports(tmp_path, ["parquet", "jsonl"], counts)
    root = tmp_path / "jsonl"
    assert sorted(p.relative_to(root).as_posix() for p in written) == [
        "all/test.jsonl",
        "all/train.jsonl",
        "casual-to-en/test.jsonl",
        "casual-to-en/train.jsonl",
        "en-to-casual/test.jsonl",
        "en-to-casual/train.jsonl",
    ]
    rows = _read_jsonl(root / "en-to-casual" / "train.jsonl")
    assert len(rows) == 4
    assert rows[0] == {
        "messages": [
            {"role": "user", "content": f"用台灣口語講這句。\n\n{LINES[0][0]}"},
            {"role": "assistant", "content": LINES[0][1]},
        ]
    }
    assert len(_read_jsonl(root / "all" / "train.jsonl")) == 8
    assert _read_jsonl(root / "all" / "test.jsonl")[0]["messages"][1]["content"] == LINES[4][0]


def test_jsonl_is_unescaped_and_byte_identical_on_rebuild(tmp_path: Path) -> None:
    """Chinese stays readable in the file, and two exports of the same shards are the same bytes."""
    first, second = tmp_path / "a", tmp_path / "b"
    write_exports(first, ["jsonl", "llama-factory"], _shards(first))
    write_exports(second, ["jsonl", "llama-factory"], _shards(second))
    text = (first / "jsonl" / "casual-to-en" / "train.jsonl").read_text(encoding="utf-8")
    assert "國定假日" in text and "\\u" not in text
    for path in sorted(
        p for p in first.rglob("*") if p.is_file() and p.suffix in (".jsonl", ".json")
    ):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path


def test_llama_factory_dataset_info_names_every_config_and_split(tmp_path: Path) -> None:
    """dataset_info.json lists `twcasual_<config>` for train, `_<split>` for the rest, and `all`."""
    counts = _shards(tmp_path)
    write_exports(tmp_path, ["llama-factory"], counts)
    root = tmp_path / "llama_factory"
    info = json.loads((root / "dataset_info.json").read_text(encoding="utf-8"))
    assert sorted(info) == [
        "twcasual_all",
        "twcasual_all_test",
        "twcasual_casual_to_en",
        "twcasual_casual_to_en_test",
        "twcasual_en_to_casual",
        "twcasual_en_to_casual_test",
    ]
    entry = info["twcasual_en_to_casual"]
    assert entry["file_name"] == "train/en_to_casual.jsonl"
    assert entry["formatting"] == "sharegpt"
    assert entry["columns"] == {"messages": "messages"}
    assert entry["tags"]["role_tag"] == "role" and entry["tags"]["user_tag"] == "user"
    assert info["twcasual_all_test"]["file_name"] == "test"
    for item in info.values():
        assert (root / item["file_name"]).exists()
    assert not (tmp_path / "jsonl").exists()


def test_llama_factory_files_load_the_way_llama_factory_loads_them(tmp_path: Path) -> None:
    """A file or a split folder named in dataset_info loads with datasets' json builder, roles in order."""
    from datasets import load_dataset

    counts = _shards(tmp_path)
    write_exports(tmp_path, ["llama-factory"], counts)
    root = tmp_path / "llama_factory"
    info = json.loads((root / "dataset_info.json").read_text(encoding="utf-8"))
    cache = str(tmp_path / "cache")

    single = load_dataset(
        "json",
        data_files=[str(root / info["twcasual_en_to_casual"]["file_name"])],
        split="train",
        cache_dir=cache,
    )
    assert single.num_rows == 4
    assert [m["role"] for m in single[0]["messages"]] == ["user", "assistant"]

    folder = root / info["twcasual_all"]["file_name"]
    every = load_dataset(
        "json", data_files=sorted(str(p) for p in folder.iterdir()), split="train", cache_dir=cache
    )
    assert every.num_rows == 8


def test_dataset_name_replaces_dashes_and_keeps_train_plain() -> None:
    """`en-to-casual` is `twcasual_en_to_casual` for train and gets the split name otherwise."""
    assert dataset_name("en-to-casual") == "twcasual_en_to_casual"
    assert dataset_name("en-to-casual", "validation") == "twcasual_en_to_casual_validation"


def test_parquet_only_writes_nothing_else(tmp_path: Path) -> None:
    """With only parquet asked for, no export folder appears."""
    assert write_exports(tmp_path, ["parquet"], _shards(tmp_path)) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["casual-to-en", "en-to-casual"]


def test_config_named_like_an_export_folder_is_refused(tmp_path: Path) -> None:
    """A recipe called `jsonl` or `all` would collide with the export folders: a clear error."""
    with pytest.raises(BuildError, match="'jsonl'"):
        write_exports(tmp_path, ["jsonl"], {"jsonl": {"train": 1}})
    with pytest.raises(BuildError, match="'all'"):
        write_exports(tmp_path, ["llama-factory"], {"all": {"train": 1}})


def test_unknown_format_lists_known_ones(tmp_path: Path) -> None:
    """An unknown format is a config error naming the known formats."""
    with pytest.raises(ConfigError, match="Known: parquet, jsonl, llama-factory"):
        write_exports(tmp_path, ["csv"], {})


def test_row_count_mismatch_with_the_build_is_an_error(tmp_path: Path) -> None:
    """If the shards hold fewer rows than the build counted, the export says so."""
    counts = _shards(tmp_path)
    counts["en-to-casual"]["train"] += 1
    with pytest.raises(
        BuildError, match="en-to-casual/train: 4 rows in the shards, the build counted 5"
    ):
        write_exports(tmp_path, ["jsonl"], counts)
