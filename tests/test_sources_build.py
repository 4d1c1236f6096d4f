"""Bring your own corpus, end to end: the shapes people have their pairs in, built with their licenses
and attribution carried into every record and the card."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard
from test_ingest_formats import CMN_PAIRS, CREDIT, _cmn_text

from builder.cli import main
from builder.config import load_config
from builder.pipeline import build


def _records(out: Path, config: str = "en-to-casual") -> list[dict[str, object]]:
    return pq.read_table(out / config).to_pylist()


def test_three_column_tsv_saved_as_txt_builds_with_no_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """English<TAB>zh<TAB>credit saved as .txt: every pair read with no flag, each row's credit in its records."""
    (tmp_path / "cmn.txt").write_text(_cmn_text(), encoding="utf-8")
    code = main(["build", "--input", str(tmp_path / "cmn.txt"), "--out", str(tmp_path / "out"), "--quiet",
                 "--no-cache"])
    assert code == 0 and f"{len(CMN_PAIRS)} pairs from {len(CMN_PAIRS)} lines" in capsys.readouterr().out
    report = json.loads((tmp_path / "out" / "build_report.json").read_text(encoding="utf-8"))
    [f] = report["files"]
    assert (f["format"], f["pairs"], f["unpaired"], f["rejected"]) == ("tsv", len(CMN_PAIRS), 0, {})
    assert f["read_as"] == "tsv (sniffed: 30 of 30 lines have a tab)"
    assert f["columns"] == "en=col1, zh=col2, attribution=col3 (default; attribution recognised by its text)"
    rows = {row["en"]: row for row in _records(tmp_path / "out")}
    assert len(rows) == len(CMN_PAIRS)
    for index, (en, _) in enumerate(CMN_PAIRS):
        assert rows[en]["attribution"] == CREDIT.format(a=1000 + index, b=5000 + index)
        assert (rows[en]["license"], rows[en]["meta"]) == ("cc-by-4.0", "{}")
    # the mixed-script zh column comes out in Taiwan Traditional, converted in context
    station, light = rows["Where is the station?"], rows["Turn off the light."]
    assert (station["zh"], station["converted_simplified"]) == ("車站在哪裡？", True)
    assert (light["zh"], light["converted_simplified"]) == ("把燈關掉。", False)


CONFIG = """
[dataset]
license = "cc-by-4.0"

[input]
paths = ["own"]

[[input.sources]]
path = "cmn.txt"
license = "cc-by-2.0"
attribution = "English-Mandarin pairs from example.org, CC BY 2.0 (France)"
attribution_column = 3

[[input.sources]]
path = "chat.parquet"
license = "{chat_license}"
attribution = "Chat pairs collected at a Keelung meetup"
columns = {{en = "sentence_en", zh = "sentence_zh_tw", attribution = "credit"}}

[recipes.en-to-casual]
"""

OWN = [("Could you water the plants while I am away?", "我不在的時候可以幫我澆花嗎？", "home"),
       ("The last bus leaves at eleven.", "末班公車十一點就開走了喔", "travel"),
       ("This hot pot place is always full on Fridays.", "這家火鍋禮拜五都客滿欸", "food")]
CHAT = {"row_id": [1, 2, 3],
        "sentence_en": ["I will be ten minutes late.", "Do you want to split a taxi?", "The concert was amazing."],
        "sentence_zh_tw": ["我會晚十分鐘到啦", "要不要一起坐計程車？", "演唱會超讚的耶"],
        "credit": ["mei", "", "kao"], "tags": [["late"], [], ["music", "night"]]}


def _corpus(tmp_path: Path, chat_license: str = "cc-by-4.0") -> Path:
    (tmp_path / "cmn.txt").write_text(_cmn_text(), encoding="utf-8")
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "pairs.tsv").write_text(
        "english\tchinese\ttopic\n" + "".join(f"{en}\t{zh}\t{topic}\n" for en, zh, topic in OWN), encoding="utf-8")
    pq.write_table(pa.table(CHAT), tmp_path / "chat.parquet")
    config = tmp_path / "twcasual.toml"
    config.write_text(CONFIG.format(chat_license=chat_license), encoding="utf-8")
    return config


def test_licenses_attribution_and_meta_reach_records_report_and_card(tmp_path: Path) -> None:
    """Each record carries its source's license and its row's (else its source's) attribution; other
    columns reach meta; the card lists every source and, as they differ, says `license: other`."""
    result = build(load_config(_corpus(tmp_path)), tmp_path / "out")
    rows = {row["en"]: row for row in _records(tmp_path / "out")}
    hurry = rows["Hurry up."]
    assert (hurry["license"], hurry["attribution"]) == ("cc-by-2.0", CREDIT.format(a=1000, b=5000))
    own = rows[OWN[1][0]]
    assert (own["license"], own["attribution"], json.loads(own["meta"])) == ("cc-by-4.0", "", {"topic": "travel"})
    late, taxi = rows["I will be ten minutes late."], rows["Do you want to split a taxi?"]
    assert (late["attribution"], json.loads(late["meta"])) == ("mei", {"row_id": "1", "tags": '["late"]'})
    assert taxi["attribution"] == "Chat pairs collected at a Keelung meetup"  # empty credit: the source's line
    sources = result.report["sources"]
    assert sources["license"] == "other" and sources["warning"] == ""
    assert [(s["label"], s["license"], s["records"]) for s in sources["sources"]] == [
        ("inputs without a declared source", "cc-by-4.0", 3), ("cmn.txt", "cc-by-2.0", len(CMN_PAIRS)),
        ("chat.parquet", "cc-by-4.0", 3)]
    card = DatasetCard.load(tmp_path / "out" / "README.md")
    assert card.data.license == "other"
    assert "Records carry different licenses: cc-by-2.0 (30 records), cc-by-4.0 (6 records)" in card.text
    assert "| `cmn.txt` | `cc-by-2.0` | English-Mandarin pairs from example.org, CC BY 2.0 (France) | 1 | 30 |" \
        in card.text
    files = {f["file"]: f for f in result.report["files"]}
    assert files["chat.parquet"]["columns"] == "en=sentence_en, zh=sentence_zh_tw, attribution=credit (mapping)"
    assert files["pairs.tsv"]["rejected"] == {"header": 1}


def test_one_license_everywhere_is_the_cards_license(tmp_path: Path) -> None:
    """When every record carries one license, the card's `license:` is that license, with no `other`."""
    (tmp_path / "cmn.txt").write_text(_cmn_text(), encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('[input]\npaths = []\n[[input.sources]]\npath = "cmn.txt"\nlicense = "cc-by-2.0"\n'
                      "[recipes.en-to-casual]\n", encoding="utf-8")
    result = build(load_config(config), tmp_path / "out")
    assert result.report["sources"]["license"] == "cc-by-2.0"
    assert DatasetCard.load(tmp_path / "out" / "README.md").data.license == "cc-by-2.0"


def test_sharealike_source_beside_a_non_sharealike_default_warns_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ShareAlike source in a cc-by-4.0 build: one warning line on stderr and in the report; none without it."""
    config = _corpus(tmp_path, chat_license="cc-by-sa-4.0")
    assert main(["build", "--config", str(config), "--out", str(tmp_path / "out"), "--quiet", "--no-cache"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "ShareAlike" in warnings[0] and "cc-by-sa-4.0" in warnings[0]
    report = json.loads((tmp_path / "out" / "build_report.json").read_text(encoding="utf-8"))
    assert [w for w in report["warnings"] if "ShareAlike" in w] == [warnings[0].removeprefix("warning: ")]
    config.write_text(config.read_text(encoding="utf-8").replace("cc-by-sa-4.0", "cc-by-4.0"), encoding="utf-8")
    assert main(["build", "--config", str(config), "--out", str(tmp_path / "out"), "--quiet", "--no-cache"]) == 0
    assert "warning:" not in capsys.readouterr().err


def test_save_to_disk_folder_is_an_input(tmp_path: Path) -> None:
    """A folder written by `datasets` (save_to_disk) builds like a file; its other columns reach meta."""
    import datasets

    data = {"english": [en for en, _, _ in OWN], "mandarin": [zh for _, zh, _ in OWN],
            "topic": [topic for _, _, topic in OWN]}
    datasets.DatasetDict({"train": datasets.Dataset.from_dict(data)}).save_to_disk(str(tmp_path / "saved"))
    config = tmp_path / "c.toml"
    config.write_text('[input]\npaths = ["saved"]\n[recipes.en-to-casual]\n', encoding="utf-8")
    result = build(load_config(config), tmp_path / "out")
    [f] = result.report["files"]
    assert (f["file"], f["format"], f["pairs"], f["lines"]) == ("saved/train", "datasets", 3, 3)
    assert f["columns"] == "en=english, zh=mandarin (guessed from names)" and len(f["sha256"]) == 64
    metas = sorted(json.loads(row["meta"])["topic"] for row in _records(tmp_path / "out"))
    assert metas == ["food", "home", "travel"]


def test_columns_flag_maps_a_csv(tmp_path: Path) -> None:
    """`--columns` maps a CSV whose columns are in another order; the header is counted, not paired; a
    row over three lines (two quoted fields with a newline) is one pair, its other two lines counted as
    joined (the report adds up)."""
    rows = "".join(f'"{topic}","{zh}","{en}"\n' for en, zh, topic in OWN)
    rows += '"poem","今天好熱，\n我們去吃冰吧","It is so hot today;\nlet us go and get shaved ice."\n'
    (tmp_path / "p.csv").write_text("topic,zh_tw,sentence\n" + rows, encoding="utf-8")
    code = main(["build", "--input", str(tmp_path / "p.csv"), "--columns", "en=sentence,zh=zh_tw",
                 "--out", str(tmp_path / "out"), "--quiet", "--no-cache"])
    assert code == 0
    report = json.loads((tmp_path / "out" / "build_report.json").read_text(encoding="utf-8"))
    [f] = report["files"]
    assert (f["lines"], f["pairs"], f["joined"], f["rejected"]) == (7, 4, 2, {"header": 1})
    assert f["columns"] == "en=sentence, zh=zh_tw (mapping)"
    topics = sorted(json.loads(r["meta"])["topic"] for r in _records(tmp_path / "out"))
    assert topics == ["food", "home", "poem", "travel"]


def test_hub_dataset_unreachable_offline_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An hf:// input passes through discovery and the plan untouched (no local path, no hash); offline it
    fails in one line naming it. (Reading one is tested against a local folder in test_ingest_tables.py.)"""
    code = main(["build", "--input", "hf://datasets/nobody/none", "--out", str(tmp_path / "out"), "--quiet"])
    assert code != 0
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("twcasual: error: hf://datasets/nobody/none: cannot load from the Hub: ")
    assert not (tmp_path / "out").exists()
