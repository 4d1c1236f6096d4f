"""Table inputs: Parquet with other column names, `save_to_disk` folders, and hf:// (offline, on local folders).

What is NOT tested here: reaching the real Hub. `read_file` on an hf:// input calls
`datasets.load_dataset(repo, split=..., revision=..., streaming=True)`; the test points `repo` at a
local folder laid out like a Hub dataset repo, so our code path (column mapping, batching,
accounting, errors) is the same, but the Hub's resolution of org/name and revisions is not exercised.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from readcheck import read_checked

from builder.errors import InputError
from builder.ingest import tables
from builder.ingest.columns import parse_columns
from builder.ingest.discover import discover
from builder.ingest.inputs import InputFile
from builder.ingest.readers import read_file
from builder.ingest.sources import HubSpec, InputSource, parse_hub
from builder.types import RawPair, Source

EN = ["Please remember to water the plants.", "The meeting moved to Thursday.", "Could you close the window?"]
ZH = ["記得幫植物澆水喔", "會議改到禮拜四了啦", "可以幫我關一下窗戶嗎？"]


def _parquet(path: Path, table: dict[str, list[object]], row_group_size: int = 1024) -> Path:
    pq.write_table(pa.table(table), path, row_group_size=row_group_size)
    return path


def test_parquet_with_other_column_names_maps_by_name(tmp_path: Path) -> None:
    """Columns sentence_en / sentence_zh_tw are mapped by --columns names; the rest reach meta as text."""
    path = _parquet(tmp_path / "p.parquet", {"row_id": [1, 2, 3], "sentence_en": EN, "sentence_zh_tw": ZH,
                                             "tags": [["home"], [], ["ask", "polite"]]})
    f = InputFile(path, "p.parquet", "parquet", columns=parse_columns("en=sentence_en,zh=sentence_zh_tw"))
    pairs, aside, stats = read_checked(f)
    assert aside == [] and stats.lines_per_pair == 1
    assert pairs[2] == RawPair(EN[2], ZH[2], Source("p.parquet", 3, 3), {"row_id": "3", "tags": '["ask", "polite"]'})
    assert stats.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_parquet_names_guessed_positions_and_defaults(tmp_path: Path) -> None:
    """Known names (English/Mandarin) are found; positions work; otherwise the first two columns are en, zh."""
    path = _parquet(tmp_path / "g.parquet", {"Mandarin": ZH, "English": EN})
    pairs, _, stats = read_checked(InputFile(path, "g.parquet", "parquet"))
    assert [p.en for p in pairs] == EN and stats.columns == "en=English, zh=Mandarin (guessed from names)"
    pairs, _, _ = read_checked(InputFile(path, "g.parquet", "parquet", columns=parse_columns("en=2,zh=1")))
    assert [p.zh for p in pairs] == ZH
    path = _parquet(tmp_path / "d.parquet", {"a": EN, "b": ZH})
    assert [p.zh for p in read_checked(InputFile(path, "d.parquet", "parquet"))[0]] == ZH


def test_parquet_rows_are_numbered_across_batches_and_bad_rows_set_aside(tmp_path: Path) -> None:
    """Row numbers run on across row groups; null, too-long and untranslated cells are set aside by row."""
    en = [f"Row number {i} is here." for i in range(2500)]
    zh = [f"第{i}行在這裡" for i in range(2500)]
    en[1500], zh[2000], zh[2400] = None, "好" * 20_001, "Not translated."  # type: ignore[call-overload]
    path = _parquet(tmp_path / "n.parquet", {"en": en, "zh": zh}, row_group_size=700)
    pairs, aside, stats = read_checked(InputFile(path, "n.parquet", "parquet"))
    assert [(a.line, a.reason) for a in aside] == [(1501, "missing_field"), (2001, "line_too_long"),
                                                   (2401, "wrong_language")]
    assert (stats.lines, len(pairs), pairs[-1].source.en_line) == (2500, 2497, 2500)


def test_parquet_missing_mapped_column_is_one_line(tmp_path: Path) -> None:
    """A mapped column that the Parquet file lacks names the columns it has."""
    path = _parquet(tmp_path / "m.parquet", {"a": EN, "b": ZH})
    with pytest.raises(InputError) as info:
        list(read_file(InputFile(path, "m.parquet", "parquet", columns=parse_columns("en=en,zh=b"))))
    assert str(info.value) == "m.parquet: no column 'en'; the columns are 'a', 'b'"


def test_parquet_changed_while_read_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Parquet file appended to between two batches stops the reader with 'changed while being read'."""
    path = _parquet(tmp_path / "c.parquet", {"en": EN * 400, "zh": ZH * 400}, row_group_size=100)
    monkeypatch.setattr(tables, "BATCH_ROWS", 100)
    items = read_file(InputFile(path, "c.parquet", "parquet"))
    next(items)
    with path.open("ab") as out:
        out.write(b"more")
    with pytest.raises(InputError, match="^c.parquet: changed while being read; nothing was cached for it$"):
        list(items)


def test_not_parquet_is_one_line(tmp_path: Path) -> None:
    """A .parquet that is not Parquet is one InputError line, not an Arrow traceback."""
    (tmp_path / "x.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"x.parquet: cannot read as Parquet: "):
        list(read_file(InputFile(tmp_path / "x.parquet", "x.parquet", "parquet")))


# --- datasets folders -----------------------------------------------------------------------------


def test_save_to_disk_folders_are_found_and_read(tmp_path: Path) -> None:
    """A Dataset folder and each split of a DatasetDict folder are inputs, inside a folder or named."""
    one = datasets.Dataset.from_dict({"english": EN, "chinese": ZH, "who": ["a", "b", "c"]})
    one.save_to_disk(str(tmp_path / "corpus" / "single"))
    datasets.DatasetDict({"train": one, "test": one.select([0])}).save_to_disk(str(tmp_path / "corpus" / "dict"))
    (tmp_path / "corpus" / "notes.md").write_text("not data", encoding="utf-8")
    found = discover([tmp_path / "corpus"])
    assert [(f.name, f.format) for f in found] == [("dict/test", "datasets"), ("dict/train", "datasets"),
                                                   ("single", "datasets")]
    assert found.skipped == ("notes.md (unknown extension)",)
    pairs, aside, stats = read_checked(found[2])
    assert aside == [] and pairs[1] == RawPair(EN[1], ZH[1], Source("single", 2, 2), {"who": "b"})
    assert len(stats.sha256) == 64 and stats.bytes > 0
    assert [p.en for p in read_checked(found[0])[0]] == EN[:1]
    assert [f.name for f in discover([tmp_path / "corpus" / "dict"])] == ["dict/test", "dict/train"]


# --- hf:// ----------------------------------------------------------------------------------------


def test_hub_address_parses_and_refuses_nonsense() -> None:
    """hf://datasets/org/name[@revision] gives a HubSpec; anything else under hf:// is one line."""
    assert parse_hub("hf://datasets/some-org/pairs@v1.0") == HubSpec("some-org/pairs", "v1.0")
    assert parse_hub("data/x.txt") is None
    with pytest.raises(Exception, match="expected hf://datasets/ORG/NAME"):
        parse_hub("hf://models/some-org/model")


def test_hub_input_streams_through_load_dataset_offline(tmp_path: Path) -> None:
    """An hf:// input is read with load_dataset(streaming=True): here pointed at a local Hub-like folder."""
    repo = tmp_path / "hub-repo"
    (repo / "data").mkdir(parents=True)
    _parquet(repo / "data" / "train-00000-of-00001.parquet", {"src": EN, "tgt": ZH, "credit": ["x", "y", "z"]})
    source = InputSource(label="hf://datasets/org/pairs", path="hf://datasets/org/pairs", license="cc-by-4.0",
                         columns=parse_columns("en=src,zh=tgt,attribution=credit"), split="validation")
    [f] = discover(["hf://datasets/org/pairs@main"], sources=[source])
    assert (f.format, f.hub, f.split, f.source) == ("hub", HubSpec("org/pairs", "main"), "validation", source)
    assert f.columns == source.columns
    local = InputFile(repo, "hf://datasets/org/pairs", "hub", columns=source.columns, split="train",
                      hub=HubSpec(str(repo)))
    pairs, aside, stats = read_checked(local)
    assert aside == [] and [(p.en, p.attribution) for p in pairs] == list(zip(EN, ["x", "y", "z"], strict=True))
    assert stats.sha256 == ""  # nothing local to hash


def test_hub_dataset_that_cannot_be_reached_is_one_line() -> None:
    """Offline (HF_HUB_OFFLINE=1), an hf:// dataset not in the cache is one InputError line."""
    f = InputFile(Path("x"), "hf://datasets/nobody/none", "hub", split="train", hub=HubSpec("nobody/none"))
    with pytest.raises(InputError) as info:
        list(read_file(f))
    assert str(info.value).startswith("hf://datasets/nobody/none: cannot load from the Hub: ")
    assert "\n" not in str(info.value)
