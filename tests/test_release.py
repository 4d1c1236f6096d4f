"""`twcasual release` end to end against FakeHub: build against the latest tag, push, tag.

FakeHub encodes our reading of the Hub protocol (tests/fake_hub.py), not the Hub itself: these
tests prove our own sequence (stable splits from the previous release, a computed changelog, one
commit and a tag per version, refusals), not the Hub's behaviour.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_hub import FakeHub

from builder.cli import main

REPO = "twcasual-test/release"
TOKEN = "hf_FAKEreleaseTokenThatMustNeverLeak42"

FIRST = [
    ("The library closes early on public holidays.", "圖書館國定假日會提早關門喔"),
    ("My phone screen cracked when it fell this morning.", "我手機早上摔到，螢幕裂掉了啦"),
    ("We should book the train tickets before Friday.", "我們禮拜五前要先訂火車票吧"),
    ("The dumplings at that stall are unbelievably juicy.", "那攤的水餃超多汁的耶"),
    ("It has been raining in Keelung for a whole week.", "基隆已經連續下一整個禮拜的雨了欸"),
    ("Please turn off the air conditioner when you leave.", "你出門的時候記得關冷氣喔"),
    ("The new coffee shop downstairs opens at seven.", "樓下新開的咖啡店七點就開了"),
    ("I forgot my umbrella at the office again.", "我又把傘忘在公司了啦"),
    ("Our team finally won the basketball match.", "我們隊終於贏了籃球比賽耶"),
    ("The bus was so crowded that I had to stand.", "公車擠到我只能站著欸"),
]
ADDED = [
    ("Grandma planted basil on the balcony last spring.", "阿嬤去年春天在陽台種了九層塔"),
    ("Could you lower the music a little, please?", "音樂可以小聲一點嗎？"),
    ("The cram school moved to the building across the street.", "補習班搬到對面那棟了喔"),
]


@pytest.fixture()
def hub(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)  # read once at import: patch the attribute
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    with FakeHub() as server:
        monkeypatch.setattr(hub_constants, "ENDPOINT", server.endpoint)
        monkeypatch.setattr(hub_constants, "HUGGINGFACE_CO_URL_TEMPLATE",
                            server.endpoint + "/{repo_id}/resolve/{revision}/{filename}")
        yield server


def _project(tmp_path: Path, pairs: list[tuple[str, str]], version: str) -> Path:
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "pairs.txt").write_text("".join(f"{e}\n{z}\n\n" for e, z in pairs), encoding="utf-8")
    config = tmp_path / "twcasual.toml"
    config.write_text(
        f'[dataset]\nname = "release-test"\nversion = "{version}"\nrepo = "{REPO}"\n'
        '[input]\npaths = ["in"]\n[split]\nratios = { train = 0.5, test = 0.5 }\n'
        "[build]\nworkers = 1\n[recipes.en-to-casual]\n[recipes.casual-to-en]\n",
        encoding="utf-8",
    )
    return config


def _release(tmp_path: Path, config: Path, out: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["release", "--config", str(config), "--out", str(tmp_path / out), "--no-cache"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_two_releases_keep_splits_and_tag_each_version(
    tmp_path: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    """v0.1.0, then v0.2.0 with more pairs: old pairs keep their splits; a re-release is refused."""
    config = _project(tmp_path, FIRST, "0.1.0")
    code, printed = _release(tmp_path, config, "v1", capsys)
    assert code == 0, printed
    assert "v0.1.0" in hub.repo(REPO).tags

    config = _project(tmp_path, FIRST + ADDED, "0.2.0")
    code, printed = _release(tmp_path, config, "v2", capsys)
    assert code == 0, printed
    assert {"v0.1.0", "v0.2.0"} <= set(hub.repo(REPO).tags)
    manifest = json.loads((tmp_path / "v2" / "manifest.json").read_text())
    stability = manifest["changelog"]["split_stability"]
    assert stability["moved"] == 0 and stability["kept_split"] == len(FIRST) and stability["stable"]
    changelog = (tmp_path / "v2" / "CHANGELOG.md").read_text()
    assert "0.2.0" in changelog
    assert "Changes since the previous release" in (tmp_path / "v2" / "README.md").read_text()
    assert TOKEN not in printed

    code, printed = _release(tmp_path, config, "v3", capsys)  # same version again
    assert code != 0 and "v0.2.0" in printed and TOKEN not in printed


def test_release_no_cache_reads_and_writes_no_cache_even_the_one_the_config_names(
    tmp_path: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    """`release --no-cache` builds without the cache that [build] cache_dir names (it used to fall
    back to it), and still releases."""
    config = _project(tmp_path, FIRST, "0.1.0")
    config.write_text(config.read_text(encoding="utf-8").replace("[build]\n", '[build]\ncache_dir = "cache"\n'),
                      encoding="utf-8")
    code, printed = _release(tmp_path, config, "v1", capsys)
    assert code == 0, printed
    assert not (tmp_path / "cache").exists()
    assert "v0.1.0" in hub.repo(REPO).tags
