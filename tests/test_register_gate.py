"""The register in builds: records carry the score, the built-ins keep formal lines out by default
(min_casual), min_casual = 0 lets them in, the report counts them, and a mostly formal file gets
one warning line.

tests/data/formal_news.tsv: 40 formal news-like zh-TW lines with English sources, written for
twcasual (names, places and figures made up; CC-BY-4.0). The casual pairs below are fresh too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builder import CASUAL_THRESHOLD, Example, Pair, RecipeContext, recipe
from builder.annotate import annotate
from builder.cli import main
from builder.config import DEFAULT_RECIPES, config_from_mapping
from builder.contract.registry import Registry, default_registry
from builder.errors import ConfigError, RecipeError
from builder.output.records import SCHEMA
from builder.pipeline import build
from builder.pipeline.build import BuildResult

NEWS = Path(__file__).resolve().parent / "data" / "formal_news.tsv"
CASUAL = [
    ("Are you home yet? It is pouring outside.", "你到家了沒？外面雨好大喔。"),
    ("I will call you later, I am driving now.", "我晚點再打給你啦，現在在開車。"),
    ("This beef noodle soup is really good.", "這碗牛肉麵也太好吃了吧！"),
    ("Do you want to go to Costco on Saturday?", "禮拜六要不要去 Costco？"),
]


def _project(folder: Path, recipes: dict[str, Any] | None = None, news: Path = NEWS) -> dict[str, Any]:
    (folder / "news.tsv").write_bytes(news.read_bytes())
    (folder / "chat.tsv").write_text("".join(f"{en}\t{zh}\n" for en, zh in CASUAL), encoding="utf-8")
    data: dict[str, Any] = {"input": {"paths": ["news.tsv", "chat.tsv"]}, "build": {"workers": 1},
                            "split": {"ratios": {"train": 1.0}}}
    if recipes is not None:
        data["recipes"] = recipes
    return data


def _rows(result: BuildResult, config: str) -> list[dict[str, Any]]:
    path = result.out / config / "train-00000-of-00001.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


@pytest.fixture(scope="module")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The formal news and a casual chat file, built with the default recipes."""
    folder = tmp_path_factory.mktemp("gate")
    return build(config_from_mapping(_project(folder), base=folder), folder / "out")


def test_formal_news_makes_no_record_by_default(default_build: BuildResult) -> None:
    """No built-in recipe makes a record of a formal line; every record written is casual."""
    for name in DEFAULT_RECIPES:
        rows = _rows(default_build, name)
        assert all(row["source_file"] == "chat.tsv" for row in rows), name
        assert all(row["register"] == "casual" and row["casual_score"] >= CASUAL_THRESHOLD for row in rows)
        counts = default_build.report["recipes"][name]
        assert counts["pairs_below_min_casual"] == 40, name
    assert len(_rows(default_build, "en-to-casual")) == len(CASUAL)


def test_a_mostly_formal_file_gets_one_warning_line(default_build: BuildResult) -> None:
    """The report says why in one line: the file, the count, and how to turn the gate off."""
    report = default_build.report
    (warning,) = report["register"]["warnings"]
    assert warning.startswith("news.tsv: 40 of 40 pairs have a formal zh line")
    assert "min_casual = 0" in warning and "\n" not in warning
    assert all(name in warning for name in DEFAULT_RECIPES)
    assert [w for w in report["warnings"] if "formal" in w] == [warning]
    assert report["register"]["formal_pairs"] == 40
    news = next(f for f in report["files"] if f["file"] == "news.tsv")
    assert news["formal"] == 40 and news["records"] == 0


def test_the_card_shows_the_gate_and_the_register_per_split(default_build: BuildResult) -> None:
    """The funnel names each recipe's gate and what it kept out; the style section counts registers."""
    card = (default_build.out / "README.md").read_text(encoding="utf-8")
    assert "| `en-to-casual` | 0.5 | 40 |" in card
    assert "| train | 4 | 40 | 90.91 % |" in card
    assert default_build.report["style"]["register_by_split"] == {"train": {"casual": 4, "formal": 40}}


def test_records_carry_the_score_and_register_after_particle_density(default_build: BuildResult) -> None:
    """casual_score (float64) and register (string) follow particle_density; the score is the line's."""
    names = SCHEMA.names
    at = names.index("particle_density")
    assert names[at + 1: at + 3] == ["casual_score", "register"]
    assert SCHEMA.field("casual_score").type == pa.float64() and SCHEMA.field("register").type == pa.string()
    for row in _rows(default_build, "casual-to-en"):
        assert row["casual_score"] == annotate(row["zh"]).casual


def test_min_casual_zero_lets_formal_lines_through(tmp_path: Path) -> None:
    """min_casual = 0 for one recipe: its records include the formal lines, labelled formal; the
    other recipes keep their gate, and the warning names only them."""
    recipes = {name: {} for name in DEFAULT_RECIPES} | {"en-to-casual": {"min_casual": 0}}
    result = build(config_from_mapping(_project(tmp_path, recipes), base=tmp_path), tmp_path / "out")
    rows = _rows(result, "en-to-casual")
    formal = [row for row in rows if row["source_file"] == "news.tsv"]
    assert len(formal) == 40 and all(row["register"] == "formal" for row in formal)
    assert result.report["recipes"]["en-to-casual"]["pairs_below_min_casual"] == 0
    assert result.report["recipes"]["casual-to-en"]["pairs_below_min_casual"] == 40
    (warning,) = result.report["register"]["warnings"]
    assert "en-to-casual" not in warning and "casual-to-en" in warning
    assert result.manifest["build_signature"]["recipe_params"]["en-to-casual"]["min_casual"] == 0.0


def test_with_every_gate_off_the_warning_says_records_are_made(tmp_path: Path) -> None:
    """No gate on: the formal lines make records, and the one warning line says so."""
    recipes = {name: {"min_casual": 0} for name in DEFAULT_RECIPES}
    result = build(config_from_mapping(_project(tmp_path, recipes), base=tmp_path), tmp_path / "out")
    assert sum(row["source_file"] == "news.tsv" for row in _rows(result, "casual-to-en")) == 40
    (warning,) = result.report["register"]["warnings"]
    assert "no recipe's register gate is on" in warning


def test_a_file_half_formal_or_less_gets_no_warning(tmp_path: Path) -> None:
    """The warning is for a file whose zh lines are mostly formal: four formal of eight is not."""
    news = NEWS.read_text(encoding="utf-8").splitlines(keepends=True)
    chat = [f"{en}\t{zh}\n" for en, zh in CASUAL]
    config = config_from_mapping({"input": {"paths": ["mixed.tsv"]}, "build": {"workers": 1}}, base=tmp_path)
    for formal, warned in ((4, False), (5, True)):
        (tmp_path / "mixed.tsv").write_text("".join(news[:formal] + chat), encoding="utf-8")
        result = build(config, tmp_path / "out")
        assert len(result.report["register"]["warnings"]) == warned, formal
        assert result.report["files"][0]["formal"] == formal


def _echo(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Echo the zh line."""
    yield Example(instruction="請再講一次：", input=pair.en, output=pair.zh)


def test_a_plugin_gates_only_when_it_says_so(tmp_path: Path) -> None:
    """A recipe without core_defaults takes formal lines; one that declares min_casual does not."""
    registry = Registry()
    registry.register(recipe("echo", version="1.0.0")(_echo), "test")
    registry.register(recipe("casual-echo", version="1.0.0", core_defaults={"min_casual": CASUAL_THRESHOLD})(_echo),
                      "test")
    result = build(config_from_mapping(_project(tmp_path, {"echo": {}, "casual-echo": {}}), base=tmp_path),
                   tmp_path / "out", registry=registry)
    assert len(_rows(result, "echo")) == 44 and len(_rows(result, "casual-echo")) == 4
    assert result.report["recipes"]["casual-echo"]["pairs_below_min_casual"] == 40


@pytest.mark.parametrize(("value", "words"), [(1.5, "from 0 to 1, not 1.5"), ("high", "from 0 to 1, not 'high'"),
                                              (-0.1, "from 0 to 1, not -0.1")])
def test_min_casual_out_of_range_is_one_line(tmp_path: Path, value: Any, words: str) -> None:
    """min_casual is a number from 0 to 1; anything else stops the build naming the recipe and key."""
    with pytest.raises(ConfigError, match=f"recipes.en-to-casual.min_casual must be a number {words}"):
        config_from_mapping(_project(tmp_path, {"en-to-casual": {"min_casual": value}}), base=tmp_path)


@pytest.mark.parametrize(("defaults", "problem"), [({"min_casul": 0.5}, "'min_casul' is not a key of the core"),
                                                   ({"min_casual": 2}, "min_casual must be a number from 0 to 1")])
def test_a_bad_core_default_is_refused_at_registration(defaults: dict[str, Any], problem: str) -> None:
    """core_defaults names core keys and gives them values they can take."""
    with pytest.raises(RecipeError, match=problem):
        recipe("echo", version="1.0.0", core_defaults=defaults)(_echo)


def test_the_built_ins_whose_casual_side_is_the_point_declare_the_gate() -> None:
    """en-to-casual, casual-to-en, casualize and explain-particles keep formal lines out by default."""
    registry = default_registry()
    for name in DEFAULT_RECIPES:
        assert registry.get(name).core_defaults == {"min_casual": CASUAL_THRESHOLD}


def test_the_cli_prints_the_warning_and_recipes_show_says_why(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`build` prints the one warning line; `recipes show` names the key that kept a formal pair out."""
    _project(tmp_path)
    (tmp_path / "build.toml").write_text('[input]\npaths = ["news.tsv", "chat.tsv"]\n', encoding="utf-8")
    assert main(["build", "--config", str(tmp_path / "build.toml"), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(err) == 1 and "news.tsv: 40 of 40" in err[0]
    en, zh = NEWS.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert main(["recipes", "show", "en-to-casual", "--en", en, "--zh", zh]) == 0
    out = capsys.readouterr().out
    assert "makes no record for this pair (min_casual = 0.5 keeps it out" in out
    assert main(["recipes", "show", "en-to-casual", "--en", en, "--zh", zh, "--param", "min_casual=0"]) == 0
    assert json.loads(capsys.readouterr().out)["register"] == "formal"


def test_twcasual_annotate_prints_the_score_and_register(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each JSON line has `casual` (0..1) and `register`, exactly casual or formal."""
    lines = tmp_path / "lines.txt"
    lines.write_text(f"{CASUAL[0][1]}\n{NEWS.read_text(encoding='utf-8').splitlines()[0].split(chr(9))[1]}\n",
                     encoding="utf-8")
    assert main(["annotate", str(lines)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["register"] for row in rows] == ["casual", "formal"]
    assert all(0.0 <= row["casual"] <= 1.0 for row in rows)
