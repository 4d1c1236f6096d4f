"""`twcasual inspect OUT [--html FILE] [--sample N]`: where the page goes, where it never goes, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from inspect_corpus import build_messy

from builder.cli import main
from builder.output.inspect import DEFAULT_SAMPLE
from builder.output.staging import foreign_files


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_messy(tmp_path_factory.mktemp("messy"))


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "dist"))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["inspect", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_default_page_goes_beside_the_folder(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OUT.html is written next to OUT, its path printed, and OUT itself is left exactly as the build wrote it."""
    code, printed, err = _run(capsys, str(out))
    assert (code, err) == (0, "")
    assert printed == f"{out.parent / 'dist.html'}\n"
    assert (out.parent / "dist.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert foreign_files(out) == []  # nothing added inside: a release of OUT never carries the page


def test_dot_and_a_trailing_slash_name_the_folder_itself(
        out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`inspect .` inside the folder and `inspect dist/` both write dist.html beside it."""
    monkeypatch.chdir(out)
    assert _run(capsys, ".")[1] == f"{out.parent / 'dist.html'}\n"
    monkeypatch.chdir(out.parent)
    assert _run(capsys, "dist/")[1] == f"{out.parent / 'dist.html'}\n"


def test_html_option_chooses_the_file(out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--html FILE writes there and nowhere else; --sample changes how many rows the page holds."""
    target = tmp_path / "review" / "page.html"
    target.parent.mkdir()
    code, printed, _ = _run(capsys, str(out), "--html", str(target), "--sample", "1")
    assert code == 0 and printed == f"{target}\n"
    assert not (out.parent / "dist.html").exists()
    rows = target.read_text(encoding="utf-8").count('<tr class="rec"')
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert rows == sum(1 for splits in report["records"].values() for n in splits.values() if n)


@pytest.mark.parametrize("inside", ["page.html", "en-to-casual/page.html", "."], ids=["top", "nested", "itself"])
def test_a_page_inside_the_output_is_refused(out: Path, inside: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--html inside OUT (or OUT itself) is refused in one line, and nothing is written."""
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    code, printed, err = _run(capsys, str(out), "--html", str(out / inside))
    assert code == 2 and printed == ""
    assert err.count("\n") == 1 and "inside the output folder" in err and "Traceback" not in err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_a_folder_that_is_not_an_output_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without a twcasual manifest: exit 2, one line naming it, no page."""
    folder = tmp_path / "notes"
    folder.mkdir()
    code, printed, err = _run(capsys, str(folder))
    assert code == 2 and printed == "" and err.count("\n") == 1
    assert f"{folder}: not a twcasual output" in err
    assert not (tmp_path / "notes.html").exists()


def test_a_damaged_report_is_one_line(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A truncated build_report.json: exit 2, one line naming the file, no page."""
    report = out / "build_report.json"
    report.write_text(report.read_text(encoding="utf-8")[:200], encoding="utf-8")
    code, _, err = _run(capsys, str(out))
    assert code == 2 and err.count("\n") == 1 and f"{report}: damaged build report" in err
    assert not (out.parent / "dist.html").exists()


def test_a_negative_sample_is_refused(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--sample -1 is a one-line error."""
    code, _, err = _run(capsys, str(out), "--sample", "-1")
    assert code == 2 and "--sample must be 0 or more" in err


def test_the_help_states_the_default_sample(capsys: pytest.CaptureFixture[str]) -> None:
    """The help names the same default the page uses."""
    with pytest.raises(SystemExit):
        main(["inspect", "--help"])
    assert f"(default: {DEFAULT_SAMPLE})" in capsys.readouterr().out
