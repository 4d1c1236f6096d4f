"""The command line: annotate, recipes show, and build filters, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main
from builder.config import config_from_mapping
from builder.pipeline import build


def test_annotate_reads_stdin_and_prints_offsets() -> None:
    """`twcasual annotate` prints one JSON object per line with particle offsets and functions."""
    lines = "這家滷肉飯超好吃的啦\n欸，你今天有帶傘嗎？\n我在酒吧打工\n"
    proc = subprocess.run([sys.executable, "-m", "builder", "annotate"], input=lines,
                          capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["text"] for r in rows] == lines.splitlines()
    assert rows[0]["particles"] == [{"text": "啦", "offset": 9, "function": "assert"}]
    assert rows[1]["particles"] == [] and rows[1]["interjections"] == [
        {"text": "欸", "offset": 0, "function": "question"}]  # 欸 opens a question
    assert rows[2]["particles"] == []  # 吧 inside 酒吧 is a word, not a particle


def test_annotate_unknown_backend_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown backend is a usage error naming the available ones."""
    assert main(["annotate", "--backend", "nope", "/dev/null"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lexicon" in err


def test_min_particles_filters_pairs_for_one_recipe(tmp_path: Path) -> None:
    """`min_particles` keeps pairs with too few particles out of that recipe only."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "The meeting starts at nine.\n會議九點開始\n\n"
        "Do not forget your keys.\n不要忘記帶鑰匙喔\n\n"
        "That is really too expensive.\n這樣真的太貴了啦，好不好\n\n",
        encoding="utf-8",
    )
    config = config_from_mapping(
        {"input": {"paths": ["in"]}, "build": {"workers": 1},
         "split": {"ratios": {"train": 1.0}},
         "recipes": {"en-to-casual": {}, "casual-to-en": {"min_particles": 1}}},
        base=tmp_path,
    )
    result = build(config, tmp_path / "out")
    assert result.counts["en-to-casual"]["train"] == 3
    assert result.counts["casual-to-en"]["train"] == 2


def test_recipes_list_shows_every_built_in(capsys: pytest.CaptureFixture[str]) -> None:
    """`recipes list --json` names the four built-in recipes with their origin."""
    assert main(["recipes", "list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    for name in ("en-to-casual", "casual-to-en", "casualize", "explain-particles"):
        assert rows[name]["origin"] == "built-in" and rows[name]["description"]
