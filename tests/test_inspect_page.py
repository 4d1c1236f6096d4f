"""The inspect page of a small real build: its counts are the report's, every reason is there, every
highlight sits on its span's text, and the file names no other address."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from html_tree import Node, external_references, marks_with_offsets, parse
from inspect_corpus import build_messy

from builder.output.inspect.gather import gather
from builder.output.inspect.page import render_page
from builder.output.inspect.sample import SPAN_COLUMNS


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_messy(tmp_path_factory.mktemp("messy"))


@pytest.fixture(scope="module")
def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "build_report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def html(out: Path) -> str:
    return render_page(gather(out, 200))


@pytest.fixture(scope="module")
def page(html: str) -> Node:
    return parse(html)


def _section(page: Node, anchor: str) -> Node:
    return next(s for s in page.iter("section") if s.attrs.get("id") == anchor)


def _bars(page: Node) -> dict[str, int]:
    """The funnel's bars: label -> the count written beside the bar."""
    bars = {}
    for bar in _section(page, "funnel").iter("g", "bar"):
        label = bar.iter("title")[0].text().rsplit(":", 1)[0]
        bars[label] = int(bar.iter("text", "n")[0].text().replace(",", ""))
    return bars


def test_funnel_counts_are_the_reports(report: dict[str, Any], page: Node) -> None:
    """Every count of build_report.json that the funnel draws is drawn with the report's number."""
    totals = report["totals"]
    expected = {"lines read": totals["lines"], "pairs": totals["pairs"], "unpaired": totals["unpaired"],
                **totals["rejected"], **totals["pairs_set_aside"], **report["dedup"]["by_kind"]}
    expected.update({f"{name}: below min_particles": r["pairs_below_min_particles"]
                     for name, r in report["recipes"].items() if r["pairs_below_min_particles"]})
    expected.update({f"{config} / {split}": n for config, splits in report["records"].items()
                     for split, n in splits.items()})
    assert _bars(page) == expected
    # the build had every kind of trouble, so none of these is an empty check
    assert totals["unpaired"] and len(totals["rejected"]) >= 5 and totals["pairs_set_aside"]
    assert all(report["dedup"]["by_kind"].values())
    summary = _section(page, "funnel").iter("p")[0].text()
    assert summary.startswith(f"{totals['lines']:,} lines read → {totals['pairs']:,} pairs → ")
    assert summary.endswith(f"→ {totals['records']:,} records in all")


def test_every_set_aside_reason_is_shown_with_its_lines(report: dict[str, Any], page: Node) -> None:
    """Each reason of the report has a group holding each of its lines as file:line and text."""
    groups = {g.attrs["data-reason"]: g for g in _section(page, "set-aside").iter("details", "sa-group")}
    reasons = {entry["reason"] for entry in report["set_aside"]}
    assert set(groups) == reasons
    assert set(report["totals"]["rejected"]) | {"unpaired_en", "unpaired_zh", "recipe_error"} <= reasons
    for entry in report["set_aside"]:
        rows = [(r.iter("td")[0].text(), r.iter("td")[1].text()) for r in groups[entry["reason"]].iter("tr", "sa")]
        assert (f"{entry['file']}:{entry['line']}", entry["text"]) in rows
    assert f"all {report['set_aside_total']:,}" in _section(page, "set-aside").text()


def _shard_rows(out: Path) -> dict[str, dict[str, Any]]:
    """Every written record by id, read straight from the shards."""
    rows = {}
    for shard in out.glob("*/*.parquet"):
        for row in pq.read_table(shard).to_pylist():
            rows[row["id"]] = row
    return rows


def test_highlights_sit_at_the_offsets_of_the_written_spans(out: Path, page: Node) -> None:
    """Each sampled row marks exactly the spans of its Parquet row, at their code-point offsets."""
    written = _shard_rows(out)
    rows = page.iter("tr", "rec")
    assert len(rows) == len(written)  # 200 per block exceeds this build: every record is shown
    astral = 0
    for row in rows:
        record_id = row.iter("td")[0].iter("div", "muted")[-1].text().split(" · ")[0]
        source = written[record_id]
        text, marks = marks_with_offsets(row.iter("div", "zh")[0])
        assert text == source["zh"]
        spans = sorted((s["offset"], s["text"]) for column in SPAN_COLUMNS for s in source[column])
        assert [(offset, mark) for offset, mark, _ in marks] == spans
        for offset, mark, title in marks:
            assert source["zh"][offset:offset + len(mark)] == mark and title.endswith(f"offset {offset}")
        astral += any(ord(ch) > 0xFFFF for ch in text[: marks[-1][0]]) if marks else 0
    assert astral >= 2  # spans after an emoji or a CJK Extension B character, not shifted


def test_page_names_no_other_address(html: str) -> None:
    """The page fetches nothing: no URL, no linked file, no script or style from elsewhere."""
    assert external_references(html) == []


def test_clusters_show_where_each_member_was_read(report: dict[str, Any], page: Node) -> None:
    """Each dedup example of the report is a cluster naming its kept pair's and its members' file and line."""
    clusters = _section(page, "clusters").iter("div", "cluster")
    assert len(clusters) == len(report["dedup"]["examples"]) == 3
    for cluster, example in zip(clusters, report["dedup"]["examples"], strict=True):
        rep, *members = example["members"]
        assert f"kept {rep['file']}:{rep['line']}" in cluster.iter("h3")[0].text()
        rows = cluster.iter("tbody")[0].iter("tr")
        for row, member in zip(rows, members, strict=True):
            cells = row.iter("td")
            assert cells[0].text() == member["kind"]
            assert cells[1].text() == f"{member['jaccard']:.2f}"
            assert cells[3].iter("div", "muted")[0].text() == f"{member['file']}:{member['line']}"


def test_sample_is_bounded_and_the_same_every_time(out: Path) -> None:
    """--sample caps each config and split; the same build gives the same draw, and a page byte for byte."""
    small = gather(out, 2)
    blocks: dict[tuple[str, str], int] = {}
    for record in small["records"]:
        blocks[record["config"], record["split"]] = blocks.get((record["config"], record["split"]), 0) + 1
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert blocks == {(c, s): min(2, n) for c, splits in report["records"].items() for s, n in splits.items()}
    assert render_page(gather(out, 2)) == render_page(small)
    assert "Up to 2 records per config and split" in small["sample_note"]
