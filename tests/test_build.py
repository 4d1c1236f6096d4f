"""End to end: paired lines in, a load_dataset-ready, reproducible dataset folder out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main
from builder.config import load_config
from builder.pipeline import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample corpus built with the default config (once for this module)."""
    out = tmp_path_factory.mktemp("sample") / "dist"
    build(load_config(ROOT / "twcasual.toml"), out)
    return out


def test_every_config_loads_with_the_reported_rows(sample_build: Path, tmp_path: Path) -> None:
    """load_dataset reads every config in the card with the splits and row counts of the report."""
    from datasets import load_dataset
    from huggingface_hub import DatasetCard

    report = json.loads((sample_build / "build_report.json").read_text())
    card = DatasetCard.load(sample_build / "README.md")
    names = [c["config_name"] for c in card.data.configs]
    assert set(report["records"]) | {"all"} == set(names)
    for name in names:
        ds = load_dataset(str(sample_build), name, cache_dir=str(tmp_path / "cache"))
        expected = (
            {s: sum(c.get(s, 0) for c in report["records"].values()) for s in ds}
            if name == "all" else report["records"][name]
        )
        assert {s: ds[s].num_rows for s in ds} == {s: n for s, n in expected.items() if n}
    row = load_dataset(str(sample_build), "en-to-casual", cache_dir=str(tmp_path / "c2"))["train"][0]
    assert row["messages"][0]["role"] == "user" and row["messages"][1]["content"] == row["zh"]
    assert row["input"] == row["en"] and row["output"] == row["zh"]
    assert row["recipe"] == "en-to-casual" and row["id"].startswith("en-to-casual/")


def test_report_accounts_for_every_line(sample_build: Path) -> None:
    """For every file, lines = 2 x pairs + unpaired + rejected, and the sample has >= 300 pairs."""
    report = json.loads((sample_build / "build_report.json").read_text())
    for f in report["files"]:
        assert f["lines"] == 2 * f["pairs"] + f["unpaired"] + sum(f["rejected"].values()), f
    assert report["totals"]["pairs"] >= 300
    assert len(report["files"]) >= 10


def test_all_records_of_a_pair_share_a_split(sample_build: Path) -> None:
    """Every record made from one pair lands in the split that splits.parquet gives the pair."""
    import pyarrow.parquet as pq

    splits = dict(zip(*pq.read_table(sample_build / "splits.parquet").to_pydict().values()))
    for shard in sample_build.glob("*/*.parquet"):
        split = shard.name.split("-")[0]
        for pair_id in pq.read_table(shard, columns=["pair_id"]).column("pair_id").to_pylist():
            assert splits[pair_id] == split


def test_rebuild_is_byte_identical(sample_build: Path, tmp_path: Path) -> None:
    """A second build of the same inputs and config gives the same manifest and the same bytes."""
    again = tmp_path / "again"
    build(load_config(ROOT / "twcasual.toml"), again)
    first = (sample_build / "manifest.json").read_bytes()
    assert (again / "manifest.json").read_bytes() == first
    for name in json.loads(first)["files"]:
        assert (again / name).read_bytes() == (sample_build / name).read_bytes(), name


def test_no_build_machine_paths_in_outputs(sample_build: Path) -> None:
    """No output file mentions the absolute paths of the build machine."""
    needles = [str(ROOT).encode(), str(sample_build.parent).encode(), str(Path.home()).encode()]
    for path in sample_build.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, (path.name, needle)


def test_manifest_hashes_every_file(sample_build: Path) -> None:
    """manifest.json holds the sha256 and size of every other file, and the dataset version."""
    import hashlib

    manifest = json.loads((sample_build / "manifest.json").read_text())
    files = {p.relative_to(sample_build).as_posix() for p in sample_build.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == files - {"manifest.json"}
    for name, entry in manifest["files"].items():
        data = (sample_build / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert manifest["dataset"]["version"] == "0.1.0"
    assert "en-to-casual@1.0.0" in manifest["signature"]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


EDGE_CORPUS = """\
台北捷運新線今天通車，現場超多人
The new line opens to passengers at noon today.
新線中午就開放搭乘了喔！
We should bring umbrellas this afternoon.
Please remember to lock the back door.
出門記得鎖後門啦
The new line opens to passengers at noon today.
新線中午就開放搭乘了喔！
I tested the new API with Python and ChatGPT yesterday.
我昨天用Python跟ChatGPT測了一下新的API，蠻好用的耶
This line has no partner at the end.
"""


def test_edge_cases_are_set_aside_and_counted(tmp_path: Path) -> None:
    """Caption, two English lines in a row, a duplicate and a trailing English line are all counted."""
    _write(tmp_path / "in" / "edge.txt", EDGE_CORPUS)
    # Four pairs after a zh caption cannot tell which line of a pair comes first (a zh-first file
    # looks the same): the source says so, or the file would be set aside as pair_order_unclear.
    toml = '[input]\npaths = ["in"]\n[[input.sources]]\npath = "in"\norder = "en-zh"\n[recipes.en-to-casual]\n'
    result = build(load_config(_write(tmp_path / "c.toml", toml)), tmp_path / "out")
    (f,) = result.report["files"]
    assert (f["lines"], f["pairs"], f["unpaired"], f["duplicates"]) == (11, 4, 3, 1)
    reasons = sorted((s["line"], s["reason"]) for s in result.report["set_aside"])
    assert reasons == [(1, "unpaired_zh"), (4, "unpaired_en"), (11, "unpaired_en")]
    (cluster,) = result.report["dedup"]["examples"]
    assert [(m["kind"], m["file"], m["line"]) for m in cluster["members"]] == [
        ("representative", "edge.txt", 2), ("exact", "edge.txt", 7)]
    assert sum(result.counts["en-to-casual"].values()) == 3


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    """A missing input is exit code 2 with one line on stderr and no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--input", str(tmp_path / "missing"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "missing" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_cli_build_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`twcasual build --input` builds with the built-in recipes and prints pairs and records."""
    _write(tmp_path / "in" / "a.txt", EDGE_CORPUS.split("\n", 1)[1])  # without the caption: English first
    code = main(["build", "--input", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "4 pairs from 10 lines in 1 files" in out and "1 duplicates dropped" in out
    assert (tmp_path / "out" / "README.md").is_file()
