"""Smoke tests of the throughput benchmark (bench/): it runs and reports; no speed is asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bench import run
from bench.corpus import DUP_KINDS, write_corpus

STAGES = ("ingest", "normalise", "annotate", "dedup", "split", "recipes", "export", "card")
MEASURED = ("wall_s", "cpu_s", "user_s", "sys_s", "cpu_sampled_s", "cpu_main_s", "peak_rss_max_mb",
            "peak_rss_tree_mb", "peak_pss_tree_mb", "processes", "others_cores", "exit_code",
            "timeline")


def _pairs(path: Path) -> list[tuple[str, str]]:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    assert blocks[-1] == ""
    return [tuple(block.split("\n")) for block in blocks[:-1]]  # type: ignore[misc]


def test_corpus_is_reproducible_and_shaped(tmp_path: Path) -> None:
    """The same seed gives the same bytes; lengths, particles and duplicates are as documented."""
    first, second, other = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    stats = write_corpus(first, 4000, seed=5, dup_rate=0.05, truth=tmp_path / "a.tsv")
    write_corpus(second, 4000, seed=5, dup_rate=0.05)
    write_corpus(other, 4000, seed=6, dup_rate=0.05)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    pairs = _pairs(first)
    assert len(pairs) == 4000 and stats.bytes == first.stat().st_size
    assert all(40 <= len(en) <= 250 and 15 <= len(zh) <= 120 for en, zh in pairs)
    assert len({len(en) // 20 for en, _ in pairs}) >= 8  # a spread of lengths, not one
    assert 0.8 < stats.zh_with_particle and 0.05 < stats.zh_with_latin < 0.6
    planted = sum(stats.planted.values())
    assert set(stats.planted) == set(DUP_KINDS) and 120 < planted < 290
    rows = (tmp_path / "a.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == planted
    for row in rows:  # every planted pair points at an earlier original it was made from
        index, kind, of = row.split("\t")
        assert int(of) < int(index) and kind in DUP_KINDS
        if kind == "exact":
            assert pairs[int(index)] == pairs[int(of)]
        else:
            assert pairs[int(index)] != pairs[int(of)]
    originals = [p for i, p in enumerate(pairs) if str(i) not in {r.split("\t")[0] for r in rows}]
    assert len(set(originals)) == len(originals)


def test_floor_writes_the_asked_record_count(tmp_path: Path) -> None:
    """The I/O floor reads every pair and writes exactly the build's record count to Parquet."""
    corpus = tmp_path / "c.txt"
    write_corpus(corpus, 500, seed=2)
    out = tmp_path / "floor.parquet"
    assert run.write_floor(corpus, 500, 1777, out, batch=256) == 1777
    table = pq.read_table(out)
    assert table.num_rows == 1777
    assert table.column_names == ["id", "instruction", "input", "output", "en", "zh"]
    assert len(set(table.column("zh").to_pylist())) > 400


def test_bench_run_writes_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tiny end-to-end run prints the tables and saves JSON with every key and sane values."""
    work, results = tmp_path / "work", tmp_path / "results"
    argv = ["--n", "300", "--workdir", str(work), "--results", str(results), "--workers", "1"]
    assert run.main(argv) == 0
    printed = capsys.readouterr().out
    assert "vs floor" in printed and "rebuild" in printed and "target" in printed
    latest = json.loads((results / "latest.json").read_text(encoding="utf-8"))
    stamped = [p for p in results.glob("*.json") if p.name != "latest.json"]
    assert len(stamped) == 1 and json.loads(stamped[0].read_text(encoding="utf-8")) == latest
    keys = {"schema", "timestamp", "command", "settings", "machine", "runs", "targets"}
    assert keys <= set(latest)
    assert latest["command"][-6:] == argv[-6:]
    machine = latest["machine"]
    assert machine["nproc"] >= 1 and machine["python"] and machine["pyarrow"]
    assert "git_sha" in machine
    (one,) = latest["runs"]
    assert one["n"] == 300 and one["corpus"]["n"] == 300
    for label in ("build", "rebuild", "floor"):
        figures = one[label]
        assert set(MEASURED) <= set(figures)
        assert figures["exit_code"] == 0
        assert figures["wall_s"] > 0 and figures["cpu_s"] > 0
        assert figures["peak_rss_max_mb"] > 0 and figures["peak_rss_tree_mb"] > 0
        assert figures["timeline"] and all(len(row) == 5 for row in figures["timeline"])
    assert set(STAGES) <= set(one["build"]["stages"])
    assert len(one["build"]["code"]) == 12 and one["rebuild"]["code"] == one["build"]["code"]
    assert all(seconds >= 0 for seconds in one["build"]["stages"].values())
    assert one["build"]["pairs_per_s"] > 0 and one["ratio"] > 0 and one["rebuild_fraction"] > 0
    assert one["report"]["pairs"] == 300
    assert one["report"]["records"] == one["floor"]["records"] > 300
    assert [t["key"] for t in latest["targets"]] == [key for key, _label, _limit in run.TARGETS]
    assert latest["targets"][0]["met"] is None  # no 1M run here: n/a, not a failure
    # the corpus stays cached in the workdir; build outputs are removed without --keep
    assert list(work.glob("corpus-*.txt")) and not (work / "out-300").exists()
    assert run.main(argv) == 0
    assert "(cached" in capsys.readouterr().out


def test_recipe_bench_times_every_built_in_recipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m bench.recipes` runs pass 1 on a few batches and prints a figure per recipe."""
    from bench import recipes

    corpus = tmp_path / "corpus.txt"
    write_corpus(corpus, 300, seed=2, dup_rate=0.0)
    recipes.main(["--corpus", str(corpus), "--batches", "2", "--batch-size", "100", "--repeat", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("200 pairs in 2 batches")
    timed = {line.split()[0]: float(line.split()[1]) for line in lines[1:]}
    assert set(timed) == {"en-to-casual", "casual-to-en", "casualize", "explain-particles"}
    assert all(value > 0 for value in timed.values())
    with pytest.raises(SystemExit):
        recipes.main(["--corpus", str(tmp_path / "missing.txt")])
