"""`[input]` and `[[input.sources]]`: parsing, one-line errors, license and attribution per pair, the card license."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from readcheck import read_checked

from builder.errors import ConfigError
from builder.ingest.columns import Columns, parse_columns
from builder.ingest.discover import discover
from builder.ingest.licenses import card_license, is_sharealike, license_for
from builder.ingest.sources import InputSource, input_settings, source_for

CONFIG = """
[input]
paths = ["data/own"]
columns = "en=1,zh=2"
max_line_chars = 5000

[[input.sources]]
path = "data/cmn.txt"
license = "CC-BY-2.0"
attribution = "Sentence pairs from example.org, used under CC BY 2.0"
attribution_column = 3

[[input.sources]]
path = "hf://datasets/some-org/pairs@v2"
license = "cc-by-sa-4.0"
columns = {en = "english", zh = "mandarin"}
split = "train"
"""


def _settings(text: str, base: Path = Path("/project")) -> object:
    return input_settings(tomllib.loads(text).get("input", {}), base, "twcasual.toml")


def test_input_section_becomes_frozen_settings() -> None:
    """Paths are absolute, source paths become inputs, licenses are lower-cased, columns parsed."""
    settings = _settings(CONFIG)
    assert settings.paths == ("/project/data/own", "/project/data/cmn.txt", "hf://datasets/some-org/pairs@v2")
    assert (settings.columns, settings.max_line_chars) == (Columns(1, 2), 5000)
    cmn, hub = settings.sources
    assert (cmn.label, cmn.license, cmn.columns) == ("data/cmn.txt", "cc-by-2.0", Columns(1, 2, 3))
    assert (hub.columns, hub.split) == (Columns("english", "mandarin"), "train")
    with pytest.raises(AttributeError):
        cmn.license = "other"  # type: ignore[misc]


SOURCE = "[[input.sources]]\npath = 'a'\n"
KNOWN_SOURCE_KEYS = "path, license, attribution, attribution_column, columns, format, delimiter, split, config, order"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[input]\npath = ['x']",
         "input: unknown key 'path'. Known: paths, format, columns, max_line_chars, sources"),
        ("[input]\nformat = 'xlsx'",
         "input.format: unknown input format 'xlsx' (use auto, lines, tsv, csv, jsonl, parquet)"),
        ("[input]\nmax_line_chars = 0", "input.max_line_chars must be a whole number > 0, not 0"),
        ("[[input.sources]]\nlicense = 'mit'",
         "input.sources[1]: path is missing (a file, a folder or hf://datasets/org/name)"),
        (SOURCE + "license = 'CC BY 2.0'", "input.sources[1]: license 'CC BY 2.0' is not a license id like cc-by-4.0"),
        (SOURCE + "licence = 'mit'", f"input.sources[1]: unknown key 'licence'. Known: {KNOWN_SOURCE_KEYS}"),
        (SOURCE + 'attribution = "x\\ny"', "input.sources[1]: attribution must be one line of text, not 'x\\ny'"),
        (SOURCE + "order = 'zh-first'",
         "input.sources[1]: order 'zh-first' is not en-zh (English line first) or zh-en"),
        (SOURCE + "columns = {en = 1}",
         "input.sources[1].columns: zh is missing (like en=1,zh=2 or en=English,zh=Chinese)"),
        (SOURCE + "columns = {en = 1, zh = 2, attribution = 3}\nattribution_column = 4",
         "input.sources[1]: attribution_column 4 and columns.attribution 3 disagree; give one"),
    ],
)
def test_config_mistakes_are_one_line(text: str, message: str) -> None:
    """Every mistake in [input] is one ConfigError line naming the key."""
    with pytest.raises(ConfigError) as info:
        _settings(text)
    assert str(info.value) == f"twcasual.toml: {message}"


def test_malformed_hub_address_is_one_line() -> None:
    """A source path under hf:// that is no dataset address is refused while the config is read."""
    with pytest.raises(ConfigError) as info:
        _settings("[[input.sources]]\npath = 'hf://datasets/x'")
    assert str(info.value) == "hf://datasets/x: expected hf://datasets/ORG/NAME or hf://datasets/ORG/NAME@REVISION"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("en=1", "--columns: zh is missing (like en=1,zh=2 or en=English,zh=Chinese)"),
        ("en=1,zh=1", "--columns: column 1 is given to more than one role (en and another)"),
        ("en=0,zh=1", "--columns: en=0: positions start at 1"),
        ("en=1,zh", "--columns: 'zh' is not ROLE=COLUMN (like en=1,zh=2 or en=English)"),
        ("en=1,zh=2,note=3", "--columns: unknown role 'note' (use en, zh, attribution)"),
        ("en=1,zh=2,en=3", "--columns: en is given twice"),
        ("en=,zh=2", "--columns: en has an empty column name"),
    ],
)
def test_columns_flag_mistakes_are_one_line(value: str, message: str) -> None:
    """--columns is checked in one function, each mistake one line."""
    with pytest.raises(ConfigError) as info:
        parse_columns(value)
    assert str(info.value) == message


def test_columns_flag_reads_positions_and_names() -> None:
    """Digits are 1-based positions, anything else a column name; str() gives the flag back."""
    columns = parse_columns(" en = English , zh=2, attribution=Credit ")
    assert columns == Columns("English", 2, "Credit") and str(columns) == "en=English,zh=2,attribution=Credit"


def test_source_for_picks_the_nearest_declaration(tmp_path: Path) -> None:
    """A file gets the source declared for itself, else for its nearest folder, else none."""
    outer = InputSource("data", str(tmp_path / "data"), license="cc-by-4.0")
    inner = InputSource("data/cmn", str(tmp_path / "data" / "cmn"), license="cc-by-2.0")
    assert source_for(tmp_path / "data" / "cmn" / "a.txt", [outer, inner]) is inner
    assert source_for(tmp_path / "data" / "b.txt", [inner, outer]) is outer
    assert source_for(tmp_path / "elsewhere.txt", [inner, outer]) is None


def test_discover_applies_a_sources_format_and_columns(tmp_path: Path) -> None:
    """A declared source's format and columns (attribution column included) reach the file's reader."""
    (tmp_path / "pairs.txt").write_text("好啦，等我一下\tWait for me a moment.\tby mei\n", encoding="utf-8")
    settings = input_settings({"sources": [{"path": "pairs.txt", "format": "tsv", "license": "cc-by-2.0",
                                            "attribution": "From example.org", "columns": "en=2,zh=1",
                                            "attribution_column": 3}]}, tmp_path)
    [f] = discover(list(settings.paths), columns=settings.columns, sources=settings.sources)
    assert (f.format, f.sniffed, f.source) == ("tsv", "", settings.sources[0])
    [pair], _, _ = read_checked(f)
    assert (pair.en, pair.attribution) == ("Wait for me a moment.", "by mei")
    assert license_for(f.source, "cc-by-4.0") == "cc-by-2.0"


def test_license_and_attribution_of_a_pair(tmp_path: Path) -> None:
    """A pair carries its source's license else the default; its row's attribution else its source's line."""
    source = InputSource("a", "/a", license="cc-by-2.0", attribution="From example.org")
    bare = InputSource("b", "/b")
    assert [license_for(s, "cc-by-4.0") for s in (source, bare, None)] == ["cc-by-2.0", "cc-by-4.0", "cc-by-4.0"]
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "p.tsv").write_text("en\tzh\tcredit\nLet's go.\t走吧！\tby mei\nWait.\t等一下\t\n",
                                           encoding="utf-8")
    (tmp_path / "other.tsv").write_text("Hi.\t嗨\n", encoding="utf-8")
    settings = input_settings({"paths": ["other.tsv"], "sources": [
        {"path": "own", "license": "cc-by-2.0", "attribution": "From example.org"}]}, tmp_path)
    other, own = discover(list(settings.paths), sources=settings.sources, default_license="cc-by-4.0")
    pairs = read_checked(own)[0] + read_checked(other)[0]
    assert [(p.license, p.attribution) for p in pairs] == [
        ("cc-by-2.0", "by mei"), ("cc-by-2.0", "From example.org"), ("cc-by-4.0", "")]


def test_card_license_single_or_other_with_an_explanation() -> None:
    """One license is the card's license; several make it `other` with a line listing them and their counts."""
    assert card_license({"cc-by-2.0": 28_000}, "cc-by-4.0").value == "cc-by-2.0"
    assert card_license([], "cc-by-4.0").value == "cc-by-4.0"
    mixed = card_license({"cc-by-2.0": 28_000, "cc-by-4.0": 300}, "cc-by-4.0")
    assert (mixed.value, mixed.warning) == ("other", "")
    assert mixed.explanation == ("Records carry different licenses: cc-by-2.0 (28,000 records), cc-by-4.0 "
                                 "(300 records); each record's license field says which applies to it.")


def test_sharealike_mixed_with_others_warns_in_one_line() -> None:
    """ShareAlike beside a non-ShareAlike default or source warns once; ShareAlike alone with its default does not."""
    assert is_sharealike("cc-by-sa-4.0") and is_sharealike("CC-BY-NC-SA-4.0") and not is_sharealike("cc-by-4.0")
    assert not is_sharealike("isc") and not is_sharealike("osl-3.0")
    warned = card_license({"cc-by-sa-4.0": 10}, "cc-by-4.0").warning
    assert warned.startswith("ShareAlike: this build mixes cc-by-4.0, cc-by-sa-4.0 (ShareAlike: cc-by-sa-4.0; "
                             "dataset default cc-by-4.0)") and "\n" not in warned
    assert card_license({"cc-by-sa-4.0": 10, "cc-by-2.0": 5}, "cc-by-sa-4.0").warning
    assert card_license({"cc-by-sa-4.0": 10}, "cc-by-sa-4.0").warning == ""
    assert card_license({"cc-by-2.0": 10, "cc-by-4.0": 5}, "cc-by-4.0").warning == ""
