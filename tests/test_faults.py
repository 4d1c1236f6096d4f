"""Recipe faults in a build: stop with one line naming recipe, version and pair, or set pairs aside."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder import Example, Pair, RecipeContext, recipe
from builder.cli import main
from builder.config import BuildConfig, config_from_mapping
from builder.contract.registry import Registry
from builder.errors import RecipeError
from builder.pipeline import build

# Fresh pairs; the third one (lines 5 and 6) is the one the faulty recipes trip on.
PAIRS = [
    ("The convenience store downstairs is open all night.", "樓下的便利商店整晚都有開喔。"),
    ("My cousin just got a new scooter.", "我表弟剛買了一台新機車耶。"),
    ("Could you lend me an umbrella? It is pouring outside.", "可以借我一把傘嗎？外面雨超大的啦。"),
    ("The dumplings here are cheap and filling.", "這家水餃便宜又吃得飽啦。"),
]
TRIGGER = "umbrella"


def _write_input(folder: Path) -> Path:
    path = folder / "pairs.txt"
    path.write_text("".join(f"{en}\n{zh}\n" for en, zh in PAIRS), encoding="utf-8")
    return path


def _config(folder: Path, recipes: dict[str, Any], workers: int = 1) -> BuildConfig:
    _write_input(folder)
    data = {"input": {"paths": ["pairs.txt"]}, "recipes": recipes, "build": {"workers": workers}}
    return config_from_mapping(data, base=folder)


def _registry(function: Any, name: str) -> Registry:
    registry = Registry()
    registry.register(recipe(name, version="1.2.3")(function), "test")
    return registry


def _raises(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Fail on one pair, as a buggy recipe would."""
    if TRIGGER in pair.en:
        raise ValueError("no template for rain")
    yield Example(instruction="用口語講：", input=pair.en, output=pair.zh)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("workers", [1, 2], ids=["inline", "two-workers"])
def test_recipe_that_raises_stops_the_build_with_one_line(tmp_path: Path, workers: int) -> None:
    """The error names recipe, version and pair file:line, and no output folder appears."""
    config = _config(tmp_path, {"fragile": {}}, workers)
    out = tmp_path / "out"
    with pytest.raises(RecipeError) as caught:
        build(config, out, registry=_registry(_raises, "fragile"))
    message = str(caught.value)
    assert (
        message
        == "recipe 'fragile' 1.2.3 failed on pair pairs.txt:5: ValueError: no template for rain"
    )
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_failed_build_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    """A build that stops on a recipe error does not touch what OUT held before."""
    config = _config(tmp_path, {"fragile": {}})
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("an earlier build\n", encoding="utf-8")
    with pytest.raises(RecipeError):  # force: `out` is not a twcasual output, replacing it is asked for
        build(config, out, registry=_registry(_raises, "fragile"), force=True)
    assert [p.name for p in out.iterdir()] == ["earlier.txt"]
    assert (out / "earlier.txt").read_text(encoding="utf-8") == "an earlier build\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("workers", [1, 2], ids=["inline", "two-workers"])
def test_skip_errors_sets_the_pair_aside_and_counts_it(tmp_path: Path, workers: int) -> None:
    """With skip_errors the failing pair is set aside with the error, counted in build_report.json."""
    config = _config(tmp_path, {"fragile": {}}, workers)
    out = tmp_path / "out"
    result = build(config, out, registry=_registry(_raises, "fragile"), skip_errors=True)
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["pairs_set_aside"] == {"recipe_error:ValueError": 1}
    (entry,) = [s for s in report["set_aside"] if s["reason"] == "recipe_error"]
    assert (entry["file"], entry["line"]) == ("pairs.txt", 5)
    assert "no template for rain" in entry["text"]
    assert sum(result.counts["fragile"].values()) == len(PAIRS) - 1
    assert report["totals"]["records"] == len(PAIRS) - 1


def _empty_output(pair: Pair, ctx: RecipeContext) -> Iterator[Any]:
    """Yield an example with an empty assistant turn on one pair."""
    yield Example(
        instruction="說說看：", input=pair.en, output="" if TRIGGER in pair.en else pair.zh
    )


def _wrong_type(pair: Pair, ctx: RecipeContext) -> Iterator[Any]:
    """Yield a number as the instruction on one pair."""
    yield Example(
        instruction=42 if TRIGGER in pair.en else "說說看：", input=pair.en, output=pair.zh
    )  # type: ignore[arg-type]


def _not_an_example(pair: Pair, ctx: RecipeContext) -> Iterator[Any]:
    """Yield a plain dict on one pair."""
    if TRIGGER in pair.en:
        yield {"instruction": "說說看：", "output": pair.zh}
    else:
        yield Example(instruction="說說看：", input=pair.en, output=pair.zh)


def _simplified(pair: Pair, ctx: RecipeContext) -> Iterator[Any]:
    """Yield Simplified-script zh output on one pair."""
    output = "借我一把伞吧，外面雨下得很大" if TRIGGER in pair.en else pair.zh
    yield Example(instruction="說說看：", input=pair.en, output=output)


MALFORMED = [
    (_empty_output, "empty output (assistant turn)"),
    (_wrong_type, "instruction is int, not str"),
    (_not_an_example, "yielded dict, not Example"),
    (_simplified, "output is in Simplified script"),
]


@pytest.mark.parametrize(("function", "problem"), MALFORMED, ids=[p for _, p in MALFORMED])
def test_malformed_example_stops_the_build_naming_the_problem(
    tmp_path: Path, function: Any, problem: str
) -> None:
    """An empty turn, a wrong type or Simplified output is reported like a raise, with the problem."""
    config = _config(tmp_path, {"sloppy": {}})
    out = tmp_path / "out"
    with pytest.raises(RecipeError) as caught:
        build(config, out, registry=_registry(function, "sloppy"))
    assert str(caught.value).startswith(
        f"recipe 'sloppy' 1.2.3 failed on pair pairs.txt:5: malformed example: {problem}"
    )
    assert not out.exists()


@pytest.mark.parametrize(("function", "problem"), MALFORMED, ids=[p for _, p in MALFORMED])
def test_malformed_example_is_set_aside_with_skip_errors(
    tmp_path: Path, function: Any, problem: str
) -> None:
    """With skip_errors a malformed example sets its pair aside, counted as malformed."""
    config = _config(tmp_path, {"sloppy": {}})
    out = tmp_path / "out"
    build(config, out, registry=_registry(function, "sloppy"), skip_errors=True)
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["pairs_set_aside"] == {"recipe_error:malformed_example": 1}
    (entry,) = [s for s in report["set_aside"] if s["reason"] == "recipe_error"]
    assert entry["line"] == 5 and problem in entry["text"]


def test_multi_line_exception_message_still_gives_one_line(tmp_path: Path) -> None:
    """A recipe whose exception text spans lines still stops the build with a one-line message."""

    def chatty(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Fail with a message over two lines."""
        raise RuntimeError("first line\nsecond line")
        yield  # pragma: no cover

    with pytest.raises(RecipeError) as caught:
        build(
            _config(tmp_path, {"chatty": {}}),
            tmp_path / "out",
            registry=_registry(chatty, "chatty"),
        )
    assert str(caught.value).endswith("RuntimeError: first line second line")


def test_extra_that_is_not_json_is_reported_with_the_pair(tmp_path: Path) -> None:
    """An extra value that cannot be stored is a malformed example naming the pair, not a crash."""

    def tagged(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Tag each example with a set, which JSON cannot hold."""
        yield Example(
            instruction="說說看：", input=pair.en, output=pair.zh, extra={"tags": {"casual"}}
        )

    registry = Registry()
    registry.register(recipe("tagged", version="1.0.0", fields=("tags",))(tagged), "test")
    with pytest.raises(
        RecipeError,
        match=r"recipe 'tagged' 1\.0\.0 failed on pair pairs\.txt:1: malformed example: extra is not JSON",
    ):
        build(_config(tmp_path, {"tagged": {}}), tmp_path / "out", registry=registry)


# --- the command line --------------------------------------------------------------------------

FRAGILE_FILE = f'''
from builder import Example, recipe


@recipe("fragile", version="1.2.3")
def fragile(pair, ctx):
    """Fail on one pair, as a buggy recipe would."""
    if {TRIGGER!r} in pair.en:
        raise ValueError("no template for rain")
    yield Example(instruction="用口語講：", input=pair.en, output=pair.zh)
'''


def _cli_setup(folder: Path) -> Path:
    _write_input(folder)
    (folder / "fragile.py").write_text(textwrap.dedent(FRAGILE_FILE), encoding="utf-8")
    config = folder / "build.toml"
    config.write_text(
        '[input]\npaths = ["pairs.txt"]\n\n[recipes."fragile.py"]\n', encoding="utf-8"
    )
    return config


def test_cli_recipe_error_is_one_stderr_line_and_nonzero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --debug the CLI prints one line, no traceback, exits non-zero, writes no output."""
    config = _cli_setup(tmp_path)
    out = tmp_path / "out"
    code = main(["build", "--config", str(config), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.err == (
        "twcasual: error: recipe 'fragile' 1.2.3 failed on pair pairs.txt:5: "
        "ValueError: no template for rain\n"
    )
    assert "Traceback" not in captured.err and captured.out == ""
    assert not out.exists()


def test_cli_debug_shows_the_traceback(tmp_path: Path) -> None:
    """With --debug the error propagates, with the recipe's own exception as its cause."""
    config = _cli_setup(tmp_path)
    with pytest.raises(RecipeError) as caught:
        main(
            ["--debug", "build", "--config", str(config), "--out", str(tmp_path / "out"), "--quiet"]
        )
    assert isinstance(caught.value.__cause__, ValueError)


def test_cli_skip_errors_finishes_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--skip-errors builds the rest and reports the pair set aside."""
    config = _cli_setup(tmp_path)
    out = tmp_path / "out"
    assert (
        main(["build", "--config", str(config), "--out", str(out), "--quiet", "--skip-errors"]) == 0
    )
    capsys.readouterr()
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["pairs_set_aside"] == {"recipe_error:ValueError": 1}


def _picky(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Two records for a line with 喔, none for any other."""
    if "喔" in pair.zh:
        yield Example(instruction="用口語講：", input=pair.en, output=pair.zh)
        yield Example(instruction="再講一次：", input=pair.en, output=pair.zh)


@pytest.mark.parametrize("workers", [1, 2], ids=["inline", "two-workers"])
def test_report_accounts_for_every_pair_per_recipe(tmp_path: Path, workers: int) -> None:
    """build_report.json says, per recipe, how many kept pairs made records, were kept out by
    min_particles, or made nothing; with the set-aside and dropped pairs that is every pair."""
    pairs = [PAIRS[0], ("My cousin just got a new scooter.", "我表弟剛買了一台新機車。"),
             PAIRS[2], PAIRS[3], PAIRS[0]]  # no particle; fails in `fragile`; a duplicate
    (tmp_path / "pairs.txt").write_text("".join(f"{en}\n{zh}\n" for en, zh in pairs),
                                        encoding="utf-8")
    data = {"input": {"paths": ["pairs.txt"]}, "build": {"workers": workers},
            "recipes": {"fragile": {}, "picky": {"min_particles": 1}}}
    registry = _registry(_raises, "fragile")
    registry.register(recipe("picky", version="0.1.0")(_picky), "test")
    build(config_from_mapping(data, base=tmp_path), tmp_path / "out", registry=registry,
          skip_errors=True)
    report = json.loads((tmp_path / "out" / "build_report.json").read_text(encoding="utf-8"))
    assert report["recipes"] == {
        "fragile": {"records": 3, "pairs_with_records": 3, "pairs_below_min_particles": 0,
                    "pairs_below_min_casual": 0, "pairs_without_records": 0},
        "picky": {"records": 2, "pairs_with_records": 1, "pairs_below_min_particles": 1,
                  "pairs_below_min_casual": 0, "pairs_without_records": 1},
    }
    totals = report["totals"]
    left = totals["pairs"] - totals["duplicates"] - sum(totals["pairs_set_aside"].values())
    for counts in report["recipes"].values():
        assert counts["pairs_with_records"] + counts["pairs_below_min_particles"] \
            + counts["pairs_without_records"] == left == 3


_KILLER = textwrap.dedent('''
    import os
    import signal

    from builder import Example, recipe

    @recipe("killer", version="0.0.1")
    def killer(pair, ctx):
        """Kill the worker process on one pair, as the kernel's out-of-memory killer would."""
        if "umbrella" in pair.en:
            os.kill(os.getpid(), signal.SIGKILL)
        yield Example(instruction="用口語講：", input=pair.en, output=pair.zh)
''')


def test_a_worker_killed_mid_build_fails_the_build_instead_of_hanging(tmp_path: Path) -> None:
    """A worker process that dies (SIGKILL, e.g. out of memory) stops the build with one line
    and no output; it must not leave the main process waiting forever for its batch."""
    import subprocess
    import sys

    _write_input(tmp_path)
    (tmp_path / "killer.py").write_text(_KILLER, encoding="utf-8")
    (tmp_path / "twcasual.toml").write_text(
        '[input]\npaths = ["pairs.txt"]\n[build]\nworkers = 2\n[recipes."killer.py"]\n',
        encoding="utf-8")
    command = [sys.executable, "-m", "builder", "build", "--config", "twcasual.toml",
               "--out", "out", "--no-cache"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "worker process" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
