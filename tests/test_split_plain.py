"""Split groups tie a zh line to another line that equals its plain side (the casualize prompt)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from repeated_prompts import PEOPLE, TASKS

from builder.config import BuildConfig
from builder.dedup.fold import fold_text
from builder.errors import BuildError
from builder.pipeline import build, pass1

DAYS = [("Monday", "一"), ("Tuesday", "二"), ("Wednesday", "三"), ("Thursday", "四"), ("Friday", "五"),
        ("Saturday", "六"), ("Sunday", "天")]
PARTS = [("morning", "早上"), ("afternoon", "下午"), ("evening", "晚上")]
WHEN = [(f"{day} {part}", zh_day, zh_part) for day, zh_day in DAYS for part, zh_part in PARTS]
FRAMES_A = ("On {when}, {name} will {task}; please remind them.", "{name} said they would {task} on {when}.",
            "Remind me that {name} wants to {task} on {when}.")
FRAMES_B = ("{name} has to {task} on {when}.", "It is {name} who must {task} on {when}.",
            "By {when}, {name} needs to {task}.")


def _write(path: Path) -> Path:
    """Pairs whose casual zh line says 禮拜N with a particle, each beside another pair whose zh line
    is its plain side (星期N, no particle) under another English sentence. Any two requests differ
    in two of (person, task, time), so they are not near duplicates of each other."""
    lines = []
    for p, (name, zh_name) in enumerate(PEOPLE):
        for t, (task, zh_task) in enumerate(TASKS):
            when, zh_day, zh_part = WHEN[(p + t) % len(WHEN)]
            frame = (p + t) % len(FRAMES_A)
            lines.append(f"{FRAMES_A[frame].format(name=name, task=task, when=when)}\n"
                         f"{zh_name}禮拜{zh_day}{zh_part}要{zh_task}啦\n")
            lines.append(f"{FRAMES_B[frame].format(name=name, task=task, when=when)}\n"
                         f"{zh_name}星期{zh_day}{zh_part}要{zh_task}\n")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_without_the_plain_side_tie_the_leak_check_stops_the_build(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Test-only hook: no plain side in the first pass (casualize then makes it itself). A casualize
    prompt equal to a zh line of another split is a leak, and the check stops the build."""
    monkeypatch.setattr(pass1, "plain_side", lambda text, style: ("", None))
    with pytest.raises(BuildError, match="leak check failed") as err:
        build(BuildConfig(inputs=(_write(tmp_path / "days.txt"),)), tmp_path / "out")
    assert "casualize input" in str(err.value)


def test_a_zh_line_and_a_line_equal_to_its_plain_side_share_a_split(tmp_path: Path) -> None:
    """With the tie, the same corpus builds, and no folded zh text, the casualize prompts included,
    is in more than one split in any config."""
    out = tmp_path / "out"
    result = build(BuildConfig(inputs=(_write(tmp_path / "days.txt"),)), out)
    assert result.report["split_groups"]["shared_side"]["zh_plain"] > 0
    splits_of: dict[str, set[str]] = {}
    for shard in out.glob("*/*.parquet"):
        table = pq.read_table(shard, columns=["input", "output", "zh"])
        split = shard.name.split("-")[0]
        for column in ("input", "output", "zh"):
            for text in table.column(column).to_pylist():
                if any("\u4e00" <= ch <= "\u9fff" for ch in text) and len(text) < 40:
                    splits_of.setdefault(fold_text(text), set()).add(split)
    crossing = {text: s for text, s in splits_of.items() if len(s) > 1}
    assert len(splits_of) > 200 and crossing == {}
    assert len(result.counts["casualize"]) > 1  # the pairs did not all go to train
