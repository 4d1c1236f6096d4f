"""Gathering the inspect page's data from an output folder: every kind of set-aside line, the report
sections other issues add, sampled rows, and folders that are old, partial, damaged or not ours."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from html_tree import parse
from inspect_corpus import build_messy

from builder.errors import InputError
from builder.output.inspect.gather import SET_ASIDE_KINDS, gather, set_aside_kind
from builder.output.inspect.page import render_page
from builder.output.inspect.sample import sample_config

SECTIONS = ["funnel", "set-aside", "clusters", "records", "style", "changes"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_messy(tmp_path_factory.mktemp("messy"))


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    """A copy of the messy build that a test may change."""
    return Path(shutil.copytree(built, tmp_path / "dist"))


def edit_report(out: Path, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    path = out / "build_report.json"
    report = json.loads(path.read_text(encoding="utf-8"))
    change(report)
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return report


def _add_filtered(report: dict[str, Any]) -> None:
    """What a build with bitext filters (issue 13) reports: filtered pairs, with and without a kind."""
    report["totals"]["pairs_filtered"] = {"markup": 1, "numbers_disagree": 1}
    report["set_aside"] += [
        {"file": "web.jsonl", "line": 9, "reason": "markup", "text": "<b>Bold</b> claims\t<b>粗體</b>的說法"},
        {"file": "web.jsonl", "line": 11, "reason": "numbers_disagree", "kind": "filtered",
         "text": "It costs 300 dollars.\t這個要五百塊啦"},
    ]
    report["set_aside_total"] += 2


def test_every_kind_of_set_aside_line_is_named(out: Path) -> None:
    """Unpaired, rejected, filtered and recipe-error lines each get their kind, and the page groups them."""
    report = edit_report(out, _add_filtered)
    data = gather(out, 5)
    kinds = {(item["file"], item["line"]): item["kind"] for item in data["set_aside"]}
    assert set(kinds.values()) == set(SET_ASIDE_KINDS)
    for entry in report["set_aside"]:
        reason = entry["reason"]
        expected = ("unpaired" if reason.startswith("unpaired") else "recipe_error" if reason == "recipe_error"
                    else "filtered" if reason in report["totals"]["pairs_filtered"] else "rejected")
        assert kinds[entry["file"], entry["line"]] == expected, entry
    assert data["funnel"]["filtered"] == {"markup": 1, "numbers_disagree": 1}
    assert data["set_aside_total"] == report["set_aside_total"]
    badges = {g.attrs["data-reason"]: g.iter("span", "badge")[0].text()
              for g in parse(render_page(data)).iter("details", "sa-group")}
    assert badges["markup"] == "filtered" and badges["not_utf8"] == "rejected"
    assert badges["unpaired_en"] == "unpaired" and badges["recipe_error"] == "recipe_error"


def test_a_stated_kind_wins_over_the_reason() -> None:
    """An entry's own kind is kept; an unknown one is ignored and the reason decides."""
    assert set_aside_kind({"reason": "unpaired_en", "kind": "filtered"}, set()) == "filtered"
    assert set_aside_kind({"reason": "unpaired_en", "kind": "mystery"}, set()) == "unpaired"
    assert set_aside_kind({"reason": "too_long"}, {"too_long"}) == "filtered"
    assert set_aside_kind({"reason": "too_long"}, set()) == "rejected"


def _add_register_and_functions(report: dict[str, Any]) -> None:
    """What builds with the register gate (issue 13) and particle functions (issue 14) report."""
    report["recipes"]["en-to-casual"]["pairs_below_min_casual"] = 4
    report["style"]["register_by_split"] = {"test": {"casual": 1, "formal": 0},
                                            "train": {"casual": 7, "formal": 3}}
    report["style"]["particle_functions"] = {"啦": {"assert": 3, "soften": 1}, "喔": {"remind": 2}}


def test_register_gate_and_style_sections_reach_the_page(out: Path) -> None:
    """The register gate is a funnel bar; register per split and particles by function are tables."""
    edit_report(out, _add_register_and_functions)
    data = gather(out, 5)
    assert data["funnel"]["kept_out"]["en-to-casual"] == {"register gate (min_casual)": 4}
    assert list(data["style"]["register_by_split"]) == ["train", "test"]  # the usual split order
    tree = parse(render_page(data))
    titles = [t.text() for t in tree.iter("title")]
    assert "en-to-casual: register gate (min_casual): 4" in titles
    style = next(s for s in tree.iter("section") if s.attrs["id"] == "style")
    cells = [[td.text() for td in tr.iter("td")] for tr in style.iter("tr")]
    assert ["train", "7", "3", "70.0 %"] in cells
    assert ["啦", "3", "", "1"] in cells  # assert, remind (none), soften


def _with_new_columns(shard: Path) -> None:
    """Rewrite a shard the way issues 13 and 14 grow the schema: casual_score and register after
    particle_density, and a function in every span struct."""
    table = pq.read_table(shard)
    span = pa.list_(pa.struct([("text", pa.string()), ("offset", pa.int32()), ("function", pa.string())]))
    for column in ("particles", "interjections", "markers", "mainland_terms"):
        rows = [[{**s, "function": "assert" if column == "particles" else ""} for s in spans]
                for spans in table.column(column).to_pylist()]
        table = table.set_column(table.schema.get_field_index(column), column, pa.array(rows, span))
    score = pa.array([0.25 + 0.5 * (count > 0) for count in table.column("particle_count").to_pylist()])
    register = pa.array(["casual" if s > 0.5 else "formal" for s in score.to_pylist()])
    for offset, (name, values) in enumerate((("casual_score", score), ("register", register))):
        if name in table.schema.names:  # the build already writes it (issue 13): replace its values
            table = table.set_column(table.schema.get_field_index(name), name, values)
        else:
            table = table.add_column(table.schema.get_field_index("particle_density") + 1 + offset, name, values)
    pq.write_table(table, shard)


def test_register_columns_and_span_functions_are_read(out: Path) -> None:
    """A shard with the new columns gives records with register, score and span functions, shown on the page."""
    shard = out / "en-to-casual" / "train-00000-of-00001.parquet"
    _with_new_columns(shard)
    records = [r for r in gather(out, 50)["records"] if (r["config"], r["split"]) == ("en-to-casual", "train")]
    assert records and {r["register"] for r in records} == {"casual", "formal"}
    assert {r["casual_score"] for r in records} == {0.25, 0.75}
    particle = next(s for r in records for s in r["spans"] if s["kind"] == "particle")
    assert particle["function"] == "assert"
    tree = parse(render_page(gather(out, 50)))
    rows = [r for r in tree.iter("tr", "rec") if r.attrs["data-register"] == "casual"]
    assert rows and "particle: " in rows[0].iter("mark")[0].attrs["title"]
    assert " · assert · offset " in rows[0].iter("mark", "sp-particle")[0].attrs["title"]


@pytest.mark.parametrize("key", ["totals", "records", "set_aside", "set_aside_total", "dedup", "recipes", "style"])
@pytest.mark.parametrize("how", ["missing", "mistyped"])
def test_a_missing_or_mistyped_section_gives_an_empty_one(out: Path, key: str, how: str) -> None:
    """A report without a section (older or newer builds), or with one of another type, still makes a page."""
    edit_report(out, lambda r: r.pop(key) if how == "missing" else r.__setitem__(key, ["not", "a", "mapping"]))
    data = gather(out, 3)
    tree = parse(render_page(data))
    assert [s.attrs["id"] for s in tree.iter("section")] == SECTIONS
    empty = {"totals": data["funnel"]["lines"] == 0 and data["funnel"]["set_aside"] == {},
             "records": data["funnel"]["records"] == {},
             "set_aside": data["set_aside"] == [],
             "set_aside_total": data["set_aside_total"] == len(data["set_aside"]),
             "dedup": data["clusters"] == [] and data["funnel"]["duplicates"] == {},
             "recipes": data["funnel"]["kept_out"] == {},
             "style": data["style"]["particles"] == {}}
    assert empty[key]


def test_folder_without_card_chart_or_changelog_still_makes_a_page(out: Path) -> None:
    """Missing side files leave their part empty; the title falls back to the manifest's name."""
    for name in ("README.md", "style_particles.svg", "CHANGELOG.md"):
        (out / name).unlink()
    data = gather(out, 3)
    assert data["title"] == "twcasual" and data["style"]["chart_svg"] == "" and data["changes"] is None
    assert [s.attrs["id"] for s in parse(render_page(data)).iter("section")] == SECTIONS


def test_changes_are_shown_only_after_a_previous_release(out: Path) -> None:
    """With no previous release the changelog (a first-release note) is left out; with one it is shown."""
    assert gather(out, 0)["changes"] is None
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["build_signature"]["split"]["previous"] = "org/twcasual@v0.1.0"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert gather(out, 0)["changes"] == (out / "CHANGELOG.md").read_text(encoding="utf-8")
    (out / "CHANGELOG.md").unlink()
    assert "CHANGELOG.md is missing" in gather(out, 0)["changes"]


def test_dedup_examples_without_file_and_line_name_the_pair(out: Path) -> None:
    """Reports written before members carried file and line show the pair's index instead."""
    def strip(report: dict[str, Any]) -> None:
        for example in report["dedup"]["examples"]:
            for member in example["members"]:
                del member["file"], member["line"]
    edit_report(out, strip)
    cluster = gather(out, 0)["clusters"][0]
    assert cluster["representative"]["file"] == "pair" and cluster["representative"]["line"].startswith("#")


@pytest.mark.parametrize("content, why", [("{ not json", "Expecting property name"),
                                          ("[1, 2]", "a JSON list, not an object"),
                                          (b"\xff\xfe", "codec can't decode")])
def test_a_damaged_report_is_one_line(out: Path, content: str | bytes, why: str) -> None:
    """A report that is not a JSON object is an InputError naming the file, on one line."""
    path = out / "build_report.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError) as caught:
        gather(out, 3)
    message = str(caught.value)
    assert message.startswith(f"{path}: damaged build report: ") and why in message and "\n" not in message


def test_a_missing_report_or_a_foreign_folder_is_refused(out: Path, tmp_path: Path) -> None:
    """No report, no manifest, or someone else's manifest: one line each."""
    (out / "build_report.json").unlink()
    with pytest.raises(InputError, match="build_report.json: missing"):
        gather(out, 3)
    other = tmp_path / "photos"
    other.mkdir()
    with pytest.raises(InputError, match="not a twcasual output"):
        gather(other, 3)
    (other / "manifest.json").write_text('{"files": {}}', encoding="utf-8")
    with pytest.raises(InputError, match="not a twcasual output"):
        gather(other, 3)


def test_a_damaged_shard_is_one_line_naming_it(out: Path) -> None:
    """A shard that is not Parquet stops the page with the config and split named."""
    (out / "en-to-casual" / "train-00000-of-00001.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(InputError) as caught:
        gather(out, 3)
    assert str(caught.value).startswith(f"{out / 'en-to-casual' / 'train'}-*.parquet: cannot read the shards")


def test_drawn_rows_are_read_from_the_right_row_group_and_shard(tmp_path: Path) -> None:
    """Across shards of several row groups, each drawn row's fields belong to that row, and no row twice."""
    folder = tmp_path / "demo"
    folder.mkdir()
    for index in range(2):
        ids = [f"r{index}-{i:04d}" for i in range(500)]
        table = pa.table({"id": ids, "zh": [f"第{i}句喔" for i in ids], "instruction": ["說說看"] * 500,
                          "input": ids, "output": ids})
        pq.write_table(table, folder / f"train-{index:05d}-of-00002.parquet", row_group_size=120)
    drawn = sample_config(folder, 60)
    assert len(drawn) == 60 and len({r["id"] for r in drawn}) == 60
    assert all(r["zh"] == f"第{r['id']}句喔" and r["input"] == r["id"] for r in drawn)
    assert {r["id"][:2] for r in drawn} == {"r0", "r1"}  # both shards drawn from
    assert [r["id"] for r in sample_config(folder, 60)] == [r["id"] for r in drawn]
    assert len(sample_config(folder, 5000)) == 1000
