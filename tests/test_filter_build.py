"""The bitext filters in real builds: each kind dropped with its reason and listed, its clean
look-alike kept, every line accounted for, the [filter] table, the cache key and the signature.

Every sentence here was written for twcasual (CC-BY-4.0). The readers set aside lines that are
not English or not Chinese at all before the filters see them (reason `wrong_language`), so the
broken pairs below are ones that pass the readers: what only the filters can catch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from mojibake import misread

from builder.cli import main
from builder.config import config_from_mapping
from builder.errors import BuildError, ConfigError
from builder.output.report import FileReport
from builder.pipeline import build
from builder.quality.filter_settings import KINDS

# kind -> (a broken pair the filter drops, its clean look-alikes the filter keeps)
CASES: dict[str, tuple[tuple[str, str], list[tuple[str, str]]]] = {
    "mojibake": (("See you at the hostel.", "旅" + misread("館", "latin-1") + "見"),
                 [("The café sells a great crème brûlée.", "那間咖啡廳的烤布蕾超讚"),
                  ("Beyoncé’s tour sold out in minutes.", "碧昂絲的巡演幾分鐘就賣光了")]),
    "markup": (("Please read the notice.", "請看公告 <div>"),
               [("I <3 weekends.", "我超愛週末 <3"),
                ("The form is at www.example.gov.tw if you need it.", "需要的話表格在 www.example.gov.tw")]),
    "repetition": (("What a day.", "唉" * 30),
                   [("That was so funny.", "笑死，哈哈哈"), ("Yes, yes, yes.", "好好好")]),
    "zh_not_chinese": (("The last bus leaves at midnight.", "The last bus leaves at midnight 喔"),
                       [("I just bought a MacBook Air, I will LINE you.", "我剛買了 MacBook Air，LINE 你一下"),
                        ("I will send the Excel sheet later.", "Excel 表格我晚點傳給你")]),
    "en_not_english": (("Ticket 0800 123 456 789", "客服電話"),
                       [("Let us grab 滷肉飯 at the night market.", "去夜市吃滷肉飯吧")]),
    "length_ratio": (("Please forward the signed contract and the updated invoice to the accounting office "
                      "by Friday afternoon.", "合約"),
                     [("Sure.", "好喔"), ("Thanks!", "感恩啦")]),
    "numbers_disagree": (("The cake costs 450 dollars.", "蛋糕要 540 塊"),
                         [("It costs 1,200 dollars.", "要一千二喔"), ("The show starts at 8 p.m.", "表演八點開始"),
                          ("The rent is 35,000 a month.", "房租一個月三萬五千")]),
}
# A side without letters never reaches the filters in a build: the readers set it aside first.
NO_LETTERS = ("I love it.", "❤️❤️")


def _rows() -> list[tuple[str, str, str | None]]:
    """(en, zh, expected reason or None) in file order."""
    rows: list[tuple[str, str, str | None]] = []
    for kind, (broken, clean) in CASES.items():
        rows.append((*broken, kind))
        rows += [(en, zh, None) for en, zh in clean]
    return rows


def _project(folder: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    rows = _rows()
    (folder / "pairs.tsv").write_text("".join(f"{en}\t{zh}\n" for en, zh, _ in rows) + "\t".join(NO_LETTERS)
                                      + "\n", encoding="utf-8")
    return {"input": {"paths": ["pairs.tsv"]}, "build": {"workers": 1}, "split": {"ratios": {"train": 1.0}},
            "recipes": {"en-to-casual": {"min_casual": 0}}, **(extra or {})}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], set[str], str]:
    """One build of every case: its report, the en lines that made records, and the card."""
    folder = tmp_path_factory.mktemp("filters")
    result = build(config_from_mapping(_project(folder), base=folder), folder / "out")
    records = pq.read_table(folder / "out" / "en-to-casual" / "train-00000-of-00001.parquet")
    return result.report, set(records.column("en").to_pylist()), (folder / "out" / "README.md").read_text()


@pytest.mark.parametrize("kind", list(CASES))
def test_each_kind_drops_its_broken_pair_and_keeps_its_look_alikes(
        built: tuple[dict[str, Any], set[str], str], kind: str) -> None:
    """The broken pair is listed as set aside, with its file, line and reason; the look-alikes make records."""
    report, made, _ = built
    line = next(n for n, (_, _, reason) in enumerate(_rows(), start=1) if reason == kind)
    entries = [s for s in report["set_aside"] if s["line"] == line]
    assert entries == [{"file": "pairs.tsv", "line": line, "kind": "filtered", "reason": kind,
                        "text": entries[0]["text"]}]
    assert entries[0]["text"].startswith(CASES[kind][0][0])
    broken, clean = CASES[kind]
    assert broken[0] not in made
    for en, _ in clean:
        assert en in made, f"{kind}: the look-alike {en!r} was dropped"


def test_a_side_without_letters_is_set_aside_before_the_filters(built: tuple[dict[str, Any], set[str], str]) -> None:
    """The readers catch a pair with no letters on one side; it is set aside with its reason all the same."""
    report, made, _ = built
    (entry,) = [s for s in report["set_aside"] if s["line"] == len(_rows()) + 1]
    assert (entry["kind"], entry["reason"]) == ("rejected", "wrong_language")
    assert NO_LETTERS[0] not in made


def test_every_line_is_accounted_for_and_the_card_counts_drops_per_reason(
        built: tuple[dict[str, Any], set[str], str]) -> None:
    """Per file and in total, each drop is counted under its reason; the card names every reason."""
    report, made, card = built
    (file,) = report["files"]
    expected = dict.fromkeys(CASES, 1)
    assert file["filtered"] == expected and report["totals"]["pairs_filtered"] == expected
    assert file["lines"] == file["pairs"] + sum(file["filtered"].values()) + sum(file["rejected"].values())
    assert file["pairs"] == len(made) == sum(len(clean) for _, clean in CASES.values())
    assert {s["kind"] for s in report["set_aside"]} == {"filtered", "rejected"}
    for kind in CASES:
        assert f"{kind} 1" in card
    assert f"{len(CASES)} filtered out by the bitext filters" in card


def test_a_filtered_pair_of_two_lines_accounts_for_both(tmp_path: Path) -> None:
    """In the paired-lines format a dropped pair accounts for its two lines, and the sums still hold."""
    broken, _ = CASES["markup"]
    (tmp_path / "pairs.txt").write_text(f"{broken[0]}\n{broken[1]}\nSure.\n好喔\n", encoding="utf-8")
    result = build(config_from_mapping({"input": {"paths": ["pairs.txt"]}, "build": {"workers": 1}},
                                       base=tmp_path), tmp_path / "out")
    (file,) = result.report["files"]
    assert (file["lines"], file["pairs"], file["filtered"]) == (4, 1, {"markup": 1})
    assert result.report["set_aside"][0]["line"] == 1


def test_the_file_check_fails_when_a_filtered_pair_is_not_counted() -> None:
    """The per-file sum counts lines_per_pair lines for each filtered pair, and catches one left out."""
    report = FileReport("a.txt", "lines", 2, lines=6, pairs=2)
    report.filtered["markup"] = 1
    report.check()
    report.filtered.clear()
    with pytest.raises(BuildError, match="6 lines read, 4 accounted for"):
        report.check()


def test_filters_are_switched_and_tuned_in_the_config_and_key_the_cache(tmp_path: Path) -> None:
    """[filter] markup = false keeps the tagged pair even with a warm pass-1 cache; enabled = false
    keeps every pair; the build signature records the settings."""
    cache = tmp_path / "cache"
    config = config_from_mapping(_project(tmp_path), base=tmp_path)
    first = build(config, tmp_path / "a", cache_dir=cache)
    assert first.report["totals"]["pairs_filtered"]["markup"] == 1
    lenient = config_from_mapping(_project(tmp_path, {"filter": {"markup": False}}), base=tmp_path)
    second = build(lenient, tmp_path / "b", cache_dir=cache)
    assert "markup" not in second.report["totals"]["pairs_filtered"]
    assert len(second.report["totals"]["pairs_filtered"]) == len(CASES) - 1
    off = build(config_from_mapping(_project(tmp_path, {"filter": {"enabled": False}}), base=tmp_path),
                tmp_path / "c", cache_dir=cache)
    assert off.report["totals"]["pairs_filtered"] == {}
    signatures = [r.manifest["build_signature"]["filters"] for r in (first, second, off)]
    assert len(set(signatures)) == 3 and signatures[2] == "filter:off"
    assert len({r.manifest["signature"] for r in (first, second, off)}) == 3


def test_an_unknown_filter_key_stops_the_build_with_one_line(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in [filter] is a ConfigError naming the key, before any line is read."""
    config = config_from_mapping(_project(tmp_path, {"filter": {"markups": False}}), base=tmp_path)
    with pytest.raises(ConfigError, match="unknown key 'markups'"):
        build(config, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    (tmp_path / "build.toml").write_text('[input]\npaths = ["pairs.tsv"]\n\n[filter]\nlength_max_slack = "big"\n',
                                         encoding="utf-8")
    assert main(["build", "--config", str(tmp_path / "build.toml"), "--out", str(tmp_path / "out"),
                 "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "length_max_slack must be a non-negative number" in err and "\n" not in err


def test_timings_and_the_report_name_the_new_stages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--timings lists the filter and register stages; the report keeps a set-aside entry's kind."""
    (tmp_path / "build.toml").write_text('[input]\npaths = ["pairs.tsv"]\n', encoding="utf-8")
    _project(tmp_path)
    assert main(["build", "--config", str(tmp_path / "build.toml"), "--out", str(tmp_path / "out"),
                 "--quiet", "--no-cache", "--timings"]) == 0
    captured = capsys.readouterr()
    stages = [line.split()[0] for line in captured.err.splitlines() if line.startswith("  ")]
    assert stages.index("normalise") < stages.index("filter") < stages.index("annotate") < stages.index("register")
    assert f"{len(CASES)} pairs filtered" in captured.out
    report = json.loads((tmp_path / "out" / "build_report.json").read_text(encoding="utf-8"))
    assert all(s["kind"] in ("unpaired", "rejected", "filtered", "recipe_error") for s in report["set_aside"])


def test_every_kind_is_covered() -> None:
    """The cases cover every filter kind but no_letters, which the readers catch first."""
    assert set(CASES) == set(KINDS) - {"no_letters"}
