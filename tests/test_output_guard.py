"""A build never replaces a folder that is not its own output (issue 17, point 1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.cli import main

PAIRS = (
    "The shop on the corner opens at nine.\n轉角那家店九點開喔\n\n"
    "Please remember to bring an umbrella tomorrow.\n明天記得帶傘啦\n\n"
    "I have already eaten dinner, thank you.\n我吃過晚餐了啦，謝啦\n"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder holding one small input file."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "pairs.txt").write_text(PAIRS, encoding="utf-8")
    return folder


def _build(*args: str) -> int:
    return main(["build", "--quiet", "--no-cache", *args])


def _one_error_line(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("twcasual: error: ")
    for word in words:
        assert word in err
    return err


def test_unrelated_folder_is_refused_and_kept(corpus: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without a twcasual manifest is refused in one line; its files stay."""
    out = tmp_path / "u"
    out.mkdir()
    (out / "important.txt").write_text("x")
    assert _build("--input", str(corpus), "--out", str(out)) != 0
    _one_error_line(capsys, "not a twcasual output", "--force")
    assert (out / "important.txt").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "u"]  # no staging left


def test_force_replaces_an_unrelated_folder(corpus: Path, tmp_path: Path) -> None:
    """--force is the user's explicit say-so: the folder becomes the build's output."""
    out = tmp_path / "u"
    out.mkdir()
    (out / "important.txt").write_text("x")
    assert _build("--input", str(corpus), "--out", str(out), "--force") == 0
    assert not (out / "important.txt").exists()
    assert (out / "manifest.json").is_file()


def test_previous_output_is_replaced_but_not_user_additions(corpus: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A rebuild replaces its own output; a file the user added makes it refuse, naming the file."""
    out = tmp_path / "dist"
    assert _build("--input", str(corpus), "--out", str(out)) == 0
    assert _build("--input", str(corpus), "--out", str(out)) == 0
    (out / "my-notes.md").write_text("mine")
    capsys.readouterr()
    assert _build("--input", str(corpus), "--out", str(out)) != 0
    _one_error_line(capsys, "my-notes.md", "did not write")
    assert (out / "my-notes.md").read_text() == "mine"
    assert _build("--input", str(corpus), "--out", str(out), "--force") == 0
    assert not (out / "my-notes.md").exists()


def test_changed_output_file_counts_as_the_users(corpus: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A file the manifest lists but with another size was edited by someone: refused."""
    out = tmp_path / "dist"
    assert _build("--input", str(corpus), "--out", str(out)) == 0
    (out / "README.md").write_text("my own card")
    assert _build("--input", str(corpus), "--out", str(out)) != 0
    _one_error_line(capsys, "README.md")


@pytest.mark.parametrize("where", ["same", "inside", "parent"])
def test_output_overlapping_an_input_is_refused_even_with_force(
        corpus: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    """OUT equal to, inside, or holding an input is refused outright; the input is untouched."""
    out = {"same": corpus, "inside": corpus / "dist", "parent": corpus.parent}[where]
    assert _build("--input", str(corpus), "--out", str(out), "--force") != 0
    _one_error_line(capsys, "which the build reads")
    assert (corpus / "pairs.txt").read_text(encoding="utf-8") == PAIRS
    assert not (corpus / "dist").exists()


def test_working_and_home_folders_and_root_are_refused(corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`--out .`, `--out ~` (and a folder above them) and `--out /` are refused even with --force."""
    work = tmp_path / "project"
    work.mkdir()
    (work / "twcasual.toml").write_text("# mine\n")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    for out, what in ((".", "working folder"), (str(home), "home folder"), (str(tmp_path), "home folder"),
                      ("/", "root folder")):
        assert _build("--input", str(corpus), "--out", out, "--force") != 0
        _one_error_line(capsys, what)
    assert (work / "twcasual.toml").read_text() == "# mine\n"
    assert sorted(p.name for p in work.iterdir()) == ["twcasual.toml"]


def test_symlinked_output_is_refused(corpus: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """OUT that is a symbolic link is refused (it is not replaced by a folder, no link is left)."""
    target = tmp_path / "real"
    assert _build("--input", str(corpus), "--out", str(target)) == 0
    link = tmp_path / "dist"
    link.symlink_to(target)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert _build("--input", str(corpus), "--out", str(link), "--force") != 0
    _one_error_line(capsys, "symbolic link")
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_outputs_inside_an_input_folder_are_never_read_back(corpus: Path, tmp_path: Path) -> None:
    """A twcasual output lying in an input folder is skipped (and said so), not read as input."""
    from builder.ingest.discover import discover

    out = tmp_path / "elsewhere"
    assert _build("--input", str(corpus), "--out", str(out), "--export", "jsonl") == 0
    os.rename(out, corpus / "old-build")  # e.g. moved there by hand
    found = discover([corpus])
    assert [f.name for f in found] == ["pairs.txt"]
    assert "old-build/ (a twcasual output)" in found.skipped


def test_an_input_inside_an_output_is_refused(corpus: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Naming a file of a twcasual output as input is one line, not a build of our own records."""
    out = tmp_path / "dist"
    assert _build("--input", str(corpus), "--out", str(out), "--export", "jsonl") == 0
    exported = sorted((out / "jsonl").iterdir())[0]
    assert _build("--input", str(exported), "--out", str(tmp_path / "again")) != 0
    _one_error_line(capsys, "twcasual output", "never reads its own outputs")
