"""The build cache: rebuilds reuse what did not change, and never serve stale data."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from builder.config import config_from_mapping
from builder.contract.registry import Registry, default_registry
from builder.pipeline import build

PAIRS = [
    ("Please remember to bring your umbrella tomorrow.", "明天記得帶傘喔"),
    ("The night market is extremely crowded tonight.", "今天夜市人超多的啦"),
    ("Shall we take the MRT to the museum?", "我們搭捷運去博物館好不好？"),
    ("This bubble tea is far too sweet for me.", "這杯手搖太甜了吧"),
    ("I finally finished the report for my manager.", "我終於把報告交給主管了耶"),
    ("The scooter battery is completely flat again.", "機車電池又沒電了欸"),
    ("Could you send me the photos from the trip?", "可以把出去玩的照片傳給我嗎？"),
    ("My cat refuses to eat anything except fish.", "我家的貓除了魚什麼都不吃咧"),
]


def _write_corpus(folder: Path, name: str, pairs: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(f"{en}\n{zh}\n\n" for en, zh in pairs), encoding="utf-8")


def _config(tmp_path: Path, **recipes: dict) -> object:
    table = recipes or {"en-to-casual": {}, "casual-to-en": {}, "casualize": {}}
    return config_from_mapping(
        {"input": {"paths": ["in"]}, "build": {"workers": 1, "batch_size": 3},
         "recipes": table},
        base=tmp_path,
    )


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_unchanged_rebuild_restores_the_output(tmp_path: Path) -> None:
    """A second build with the same inputs and config is restored whole, byte for byte."""
    _write_corpus(tmp_path / "in", "a.txt", PAIRS)
    config, cache = _config(tmp_path), tmp_path / "cache"
    first = build(config, tmp_path / "out1", cache_dir=cache)
    second = build(config, tmp_path / "out2", cache_dir=cache)
    assert first.cache["hits"]["output"] == 0 and second.cache["hits"]["output"] == 1
    assert _files(tmp_path / "out1") == _files(tmp_path / "out2")
    assert second.counts == first.counts


@pytest.mark.parametrize("where", ["cache entry", "output edited in place"])
def test_tampered_output_entry_is_not_served(tmp_path: Path, where: str) -> None:
    """A cached output whose bytes no longer match its manifest is rebuilt, not restored.

    The cache shares files with the output by hard links, so editing the output in place also
    changes the entry: the manifest check must catch both."""
    _write_corpus(tmp_path / "in", "a.txt", PAIRS)
    config, cache = _config(tmp_path), tmp_path / "cache"
    build(config, tmp_path / "out1", cache_dir=cache)
    expected = _files(tmp_path / "out1")
    if where == "cache entry":
        (card,) = list((cache / "output").glob("*/*/README.md"))
        card.unlink()
        card.write_text("tampered", encoding="utf-8")
    else:
        with (tmp_path / "out1" / "README.md").open("r+b") as handle:
            handle.write(b"tampered")
    second = build(config, tmp_path / "out2", cache_dir=cache)
    assert second.cache["hits"]["output"] == 0
    assert _files(tmp_path / "out2") == expected


def test_changed_recipe_params_recompute_only_that_recipe(tmp_path: Path) -> None:
    """New parameters for one recipe miss its records cache only; the rest comes from the cache."""
    (tmp_path / "shout.py").write_text(
        "from builder import Example, Param, recipe\n\n"
        "@recipe('shout', version='1.0.0', params=[Param('mark', str, '!', 'the end mark')])\n"
        "def shout(pair, ctx):\n"
        "    '''Repeat the English line with a configurable mark.'''\n"
        "    yield Example(instruction='Say it louder.', input=pair.en,\n"
        "                  output=pair.en + ctx.params['mark'])\n",
        encoding="utf-8",
    )
    _write_corpus(tmp_path / "in", "a.txt", PAIRS)
    cache = tmp_path / "cache"
    build(_config(tmp_path, **{"en-to-casual": {}, "shout.py": {"mark": "!"}}), tmp_path / "o1",
          cache_dir=cache, registry=Registry())
    changed = _config(tmp_path, **{"en-to-casual": {}, "shout.py": {"mark": "!!"}})
    registry = default_registry()
    second = build(changed, tmp_path / "o2", cache_dir=cache, registry=registry)
    batches = 3  # 8 pairs in batches of 3
    assert second.cache["hits"]["pass1"] == 1
    assert second.cache["hits"]["records"] == batches  # en-to-casual
    assert second.cache["misses"]["records"] == batches  # shout, recomputed
    build(changed, tmp_path / "o3", registry=registry)
    assert _files(tmp_path / "o2") == _files(tmp_path / "o3")
    rows = json.loads((tmp_path / "o2" / "build_report.json").read_text())["records"]["shout"]
    assert sum(rows.values()) == len(PAIRS)


def test_changed_input_and_added_file(tmp_path: Path) -> None:
    """A changed file misses pass 1, an unchanged one hits; the output equals an uncached build."""
    _write_corpus(tmp_path / "in", "a.txt", PAIRS[:4])
    _write_corpus(tmp_path / "in", "b.txt", PAIRS[4:6])
    config, cache = _config(tmp_path), tmp_path / "cache"
    build(config, tmp_path / "o1", cache_dir=cache)
    _write_corpus(tmp_path / "in", "b.txt", PAIRS[4:7])  # b changed
    _write_corpus(tmp_path / "in", "c.txt", PAIRS[7:])  # c added
    second = build(config, tmp_path / "o2", cache_dir=cache)
    assert second.cache["hits"]["pass1"] == 1 and second.cache["misses"]["pass1"] == 2
    build(config, tmp_path / "o3")
    assert _files(tmp_path / "o2") == _files(tmp_path / "o3")
    assert json.loads((tmp_path / "o2" / "build_report.json").read_text())["totals"]["pairs"] == 8


def test_changed_split_ratios_reuse_records_but_not_output(tmp_path: Path) -> None:
    """A config change outside the recipes misses the output cache and still gives fresh bytes."""
    _write_corpus(tmp_path / "in", "a.txt", PAIRS)
    cache = tmp_path / "cache"
    build(_config(tmp_path), tmp_path / "o1", cache_dir=cache)
    changed = replace(_config(tmp_path), ratios={"train": 0.5, "test": 0.5})
    second = build(changed, tmp_path / "o2", cache_dir=cache)
    assert second.cache["hits"]["output"] == 0 and second.cache["misses"]["records"] == 0
    build(changed, tmp_path / "o3")
    assert _files(tmp_path / "o2") == _files(tmp_path / "o3")


@pytest.mark.parametrize("workers", [1, 2])
def test_cached_and_uncached_builds_agree_across_workers(tmp_path: Path, workers: int) -> None:
    """Output bytes do not depend on the cache or on the number of worker processes."""
    _write_corpus(tmp_path / "in", "a.txt", PAIRS)
    config = replace(_config(tmp_path), workers=workers)
    build(config, tmp_path / "cached", cache_dir=tmp_path / "cache")
    build(replace(_config(tmp_path), workers=1), tmp_path / "plain")
    assert _files(tmp_path / "cached") == _files(tmp_path / "plain")


def test_skipped_failures_in_the_cache_do_not_hide_errors(tmp_path: Path) -> None:
    """Records cached by a --skip-errors build must not let a strict build pass silently."""
    from builder.errors import RecipeError

    (tmp_path / "picky.py").write_text(
        "from builder import Example, recipe\n\n"
        "@recipe('picky', version='1.0.0')\n"
        "def picky(pair, ctx):\n"
        "    '''Refuse lines about cats.'''\n"
        "    if 'cat' in pair.en:\n"
        "        raise ValueError('no cats here')\n"
        "    yield Example(instruction='Repeat.', input=pair.en, output=pair.en)\n",
        encoding="utf-8",
    )
    _write_corpus(tmp_path / "in", "a.txt", PAIRS)
    config = _config(tmp_path, **{"picky.py": {}})
    cache = tmp_path / "cache"
    skipped = build(config, tmp_path / "o1", cache_dir=cache, skip_errors=True)
    assert skipped.report["totals"]["pairs_set_aside"] == {"recipe_error:ValueError": 1}
    with pytest.raises(RecipeError, match="no cats here"):
        build(config, tmp_path / "o2", cache_dir=cache)
