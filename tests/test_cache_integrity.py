"""Every cache entry proves itself: damaged, truncated, empty, foreign or swapped entries are misses
with one warning line each, rebuilt and replaced; never wrong bytes, never a traceback."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from builder.config import BuildConfig, config_from_mapping
from builder.engine.entry import Damaged, EntryWriter, read_entry
from builder.pipeline import build

PAIRS = [
    ("Remember to water the plants on the balcony.", "陽台的植物記得澆水喔"),
    ("The umbrella stand by the door is full again.", "門口的傘架又滿了啦"),
    ("Shall we grab shaved ice after the movie?", "看完電影要不要去吃剉冰？"),
    ("My brother borrowed my charger and never returned it.", "我弟借了我的充電器就沒還了欸"),
    ("The night bus was almost empty.", "夜間公車幾乎沒人耶"),
    ("This soup needs a little more salt.", "這碗湯要再加一點鹽啦"),
    ("Could you pick up some eggs on the way home?", "回家路上可以順便買蛋嗎？"),
    ("The typhoon knocked over our neighbour's fence.", "颱風把隔壁的圍牆吹倒了耶"),
]
KEY = "ab" * 32


def _config(tmp_path: Path, workers: int = 1) -> BuildConfig:
    folder = tmp_path / "in"
    if not folder.exists():
        folder.mkdir()
        for name, part in (("a.txt", PAIRS[:5]), ("b.txt", PAIRS[5:])):
            (folder / name).write_text("".join(f"{en}\n{zh}\n\n" for en, zh in part), encoding="utf-8")
    return config_from_mapping({"input": {"paths": ["in"]}, "build": {"workers": workers, "batch_size": 2},
                                "recipes": {"en-to-casual": {}, "casualize": {}}}, base=tmp_path)


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _entries(cache: Path, kind: str) -> list[Path]:
    if kind == "output":
        return sorted(cache.glob("output/*/*/.entry"))
    return sorted(p for p in cache.glob(f"{kind}/*/*") if not p.name.startswith("."))


def _flip(path: Path) -> None:
    """Change one byte of a payload: a letter of the English text where it shows (pass 1, as the
    issue saw: `wese` for `were`), else a byte in the middle."""
    data = bytearray(path.read_bytes())
    at = data.find(b"umbrella")
    at = at + 7 if at >= 0 else len(data) // 3
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _damage(how: str, target: Path, other: Path) -> None:
    if how == "flip":
        _flip(target)
    elif how == "truncate":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif how == "empty":
        target.write_bytes(b"")
    elif how == "foreign":  # another key's entry copied into this place
        shutil.copyfile(other, target)
    elif how == "swapped":  # two entries of one kind changed places
        parked = target.with_name("parked")
        target.rename(parked)
        other.rename(target)
        parked.rename(other)


DAMAGES = ["flip", "truncate", "empty", "foreign", "swapped"]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The output of an uncached build: what every build below must give."""
    folder = tmp_path_factory.mktemp("clean")
    build(_config(folder), folder / "out")
    return _files(folder / "out")


def _filled_cache(tmp_path: Path, workers: int = 1) -> tuple[BuildConfig, Path, Path]:
    """A cache holding the entries of `config` and a second output entry (other split ratios, for
    the foreign and swapped output cases); also return the output entry of `config`."""
    config, cache = _config(tmp_path, workers), tmp_path / "cache"
    build(config, tmp_path / "first", cache_dir=cache, notify=lambda _: None)
    (own,) = _entries(cache, "output")
    build(replace(config, ratios={"train": 0.5, "test": 0.5}), tmp_path / "other", cache_dir=cache,
          notify=lambda _: None)
    return config, cache, own


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("kind", ["pass1", "records", "output"])
def test_a_damaged_entry_is_a_miss_with_one_warning_and_is_replaced(
        tmp_path: Path, clean: dict[str, bytes], kind: str, how: str) -> None:
    """The build after the damage gives the clean output, says so in one line naming the entry,
    and puts a sound entry back: the build after it hits without a word."""
    config, cache, own = _filled_cache(tmp_path)
    if kind != "output":
        shutil.rmtree(cache / "output")  # reach the level under test
    entries = _entries(cache, kind)
    assert len(entries) >= 2
    # the entry whose text shows, if one does: a flip there changes a record, not padding;
    # at the output level, the entry this build would restore
    entries.sort(key=lambda p: (p != own, b"umbrella" not in p.read_bytes()))
    target, other = entries[0], entries[-1]
    _damage(how, target, other)
    said: list[str] = []
    result = build(config, tmp_path / "second", cache_dir=cache, notify=said.append)
    assert _files(tmp_path / "second") == clean
    damaged = 2 if how == "swapped" and kind != "output" else 1
    if kind == "output":  # the swapped-in entry of the other build is refused, the other not read
        assert result.cache["hits"]["output"] == 0
    assert len(said) == damaged, said
    assert all(line.startswith("build cache entry ") and "rebuilt and replaced" in line for line in said)
    shown = target.parent if kind == "output" else target
    assert any(str(shown) in line for line in said)
    assert result.notices == said
    again: list[str] = []
    third = build(config, tmp_path / "third", cache_dir=cache, notify=again.append)
    assert again == [] and third.cache["hits"]["output"] == 1
    assert _files(tmp_path / "third") == clean


@pytest.mark.parametrize("how", ["flip", "foreign"])
def test_damaged_records_found_in_a_worker_come_back_as_warnings(
        tmp_path: Path, clean: dict[str, bytes], how: str) -> None:
    """Records entries are read in the worker processes: their warnings and misses reach the main
    process (the build result, stderr) all the same."""
    config, cache, _ = _filled_cache(tmp_path, workers=2)
    shutil.rmtree(cache / "output")  # reach the records level
    target, other = _entries(cache, "records")[0], _entries(cache, "records")[-1]
    _damage(how, target, other)
    said: list[str] = []
    result = build(config, tmp_path / "second", cache_dir=cache, notify=said.append)
    assert _files(tmp_path / "second") == clean
    assert len(said) == 1 and str(target) in said[0]
    assert result.cache["misses"]["records"] == 1
    assert result.cache["hits"]["records"] == len(_entries(cache, "records")) - 1


def test_the_warning_goes_to_stderr_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without a notify callback the warning is one stderr line; the dataset's report does not
    carry it (its bytes must not depend on the state of a cache)."""
    config, cache, _ = _filled_cache(tmp_path)
    shutil.rmtree(cache / "output")
    _flip(_entries(cache, "pass1")[0])
    capsys.readouterr()
    build(config, tmp_path / "second", cache_dir=cache)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("twcasual: warning: build cache entry ")
    assert "build cache" not in (tmp_path / "second" / "build_report.json").read_text(encoding="utf-8")


# --- the envelope itself ------------------------------------------------------------------------

def _sealed(path: Path, payload: bytes, key: str = KEY) -> None:
    entry = EntryWriter(path, key)
    entry.write(payload)
    entry.commit()


def test_an_entry_reads_back_its_payload(tmp_path: Path) -> None:
    """A sealed entry gives back exactly its payload, and leaves no temporary file."""
    _sealed(tmp_path / "e", b"payload bytes")
    assert read_entry(tmp_path / "e", KEY).to_pybytes() == b"payload bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["e"]


@pytest.mark.parametrize(("change", "reason"), [
    (lambda d: d[:0], "empty"),
    (lambda d: d[:40], "truncated (40 bytes)"),
    (lambda d: d[:-1], "no trailer"),
    (lambda d: b"x" + d, "truncated or extended"),
    (lambda d: d[:3] + bytes([d[3] ^ 1]) + d[4:], "do not match its digest"),
])
def test_every_kind_of_damage_is_named(tmp_path: Path, change, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Each way an entry can be damaged is refused with its own reason."""
    _sealed(tmp_path / "e", b"some payload of a cache entry")
    (tmp_path / "e").write_bytes(change((tmp_path / "e").read_bytes()))
    with pytest.raises(Damaged, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_entry(tmp_path / "e", KEY)


def test_an_entry_under_another_key_is_refused(tmp_path: Path) -> None:
    """An entry sealed under one key is refused when read under another (copied or swapped)."""
    _sealed(tmp_path / "e", b"payload", key="cd" * 32)
    with pytest.raises(Damaged, match="another key"):
        read_entry(tmp_path / "e", KEY)


def test_a_discarded_entry_leaves_nothing(tmp_path: Path) -> None:
    """An entry given up half-way leaves neither the entry nor its temporary file."""
    entry = EntryWriter(tmp_path / "e", KEY)
    entry.write(b"half")
    entry.discard()
    assert list(tmp_path.iterdir()) == []
