"""The computed changelog: rows added/removed per config and split, recipes, split stability."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_hub import FakeHub, write_release

from builder.errors import ConfigError, InputError
from builder.release.changelog import compute_changelog
from builder.release.previous import SplitAssignments, load_previous

V1_PAIRS = {f"p{i:03d}": "train" if i % 10 else "test" for i in range(40)}


def _v2_pairs() -> dict[str, str]:
    pairs = {k: v for k, v in V1_PAIRS.items() if k not in ("p001", "p002")}  # two pairs left the data
    pairs.update({f"n{i:03d}": "validation" if i % 2 else "train" for i in range(6)})  # six new pairs
    return pairs


@pytest.fixture()
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let huggingface_hub talk to the loopback fake (conftest switches it offline)."""
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)  # read at import, checked per request


def test_first_release_counts_every_row_as_added(tmp_path: Path) -> None:
    """Without a previous release, every row is new and there is no stability figure."""
    out = write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS)
    log = compute_changelog(None, out)
    assert log.previous is None and log.stability is None and log.version == "1.0.0"
    assert {(d.split, d.before, d.after, d.added, d.removed) for d in log.rows} == {
        ("train", 0, 36, 36, 0), ("test", 0, 4, 4, 0),
    }
    assert "First release" in log.to_markdown()


def test_rows_added_and_removed_per_config_and_split(tmp_path: Path) -> None:
    """Two pairs removed and six added show up in the right splits, from record ids."""
    v1 = write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS)
    v2 = write_release(tmp_path / "v2", version="1.1.0", pairs=_v2_pairs())
    log = compute_changelog(load_previous(str(v1)), v2)
    rows = {d.split: (d.before, d.after, d.added, d.removed) for d in log.rows}
    assert rows == {"train": (36, 37, 3, 2), "validation": (0, 3, 3, 0), "test": (4, 4, 0, 0)}
    assert [d.split for d in log.rows] == ["train", "validation", "test"]  # reading order, not alphabetical
    assert log.previous_version == "1.0.0" and log.version == "1.1.0"
    assert str(tmp_path) not in log.to_markdown() and str(tmp_path) not in json.dumps(log.to_dict())


def test_recipes_added_removed_and_changed(tmp_path: Path) -> None:
    """A new recipe, a dropped one and a version bump are each reported."""
    v1 = write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS,
                       recipes={"en-to-casual": "1.0.0", "casual-to-en": "1.0.0"})
    v2 = write_release(tmp_path / "v2", version="2.0.0", pairs=V1_PAIRS,
                       recipes={"en-to-casual": "1.1.0", "add-particles": "0.1.0"})
    log = compute_changelog(load_previous(str(v1)), v2)
    assert log.recipes_added == (("add-particles", "0.1.0"),)
    assert log.recipes_removed == (("casual-to-en", "1.0.0"),)
    assert log.recipes_changed == (("en-to-casual", "1.0.0", "1.1.0"),)
    removed = {d.split: d.removed for d in log.rows if d.config == "casual-to-en"}
    assert removed == {"train": 36, "test": 4}
    text = log.to_markdown()
    assert "added `add-particles` 0.1.0" in text and "`en-to-casual` 1.0.0 → 1.1.0" in text


def test_split_stability_all_kept(tmp_path: Path) -> None:
    """Every earlier pair still present kept its split; the pairs that left are counted apart."""
    v1 = write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS)
    v2 = write_release(tmp_path / "v2", version="1.1.0", pairs=_v2_pairs())
    stability = compute_changelog(load_previous(str(v1)), v2).stability
    assert stability is not None and stability.stable
    assert (stability.previous_pairs, stability.present, stability.kept, stability.moved) == (40, 38, 38, 0)


def test_moved_pair_is_listed_and_breaks_stability(tmp_path: Path) -> None:
    """A pair that changed split is named, in the markdown and in the dict."""
    v1 = write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS)
    moved = dict(V1_PAIRS, p000="train", p013="validation")  # p000 was test, p013 was train
    log = compute_changelog(load_previous(str(v1)), write_release(tmp_path / "v2", version="1.1.0", pairs=moved))
    assert log.stability is not None and not log.stability.stable and log.stability.moved == 2
    assert {(m.pair_id, m.before, m.after) for m in log.stability.moved_pairs} == {
        ("p000", "test", "train"), ("p013", "train", "validation"),
    }
    assert "Split stability broken: 2 of 40" in log.to_markdown()
    assert log.to_dict()["split_stability"]["stable"] is False


def test_changelog_of_a_build_in_progress_reads_versions_from_shards(tmp_path: Path) -> None:
    """Before manifest.json exists (the build writes it last), recipe versions come from the shards."""
    v1 = write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS)
    v2 = write_release(tmp_path / "v2", version="1.1.0", pairs=V1_PAIRS, recipes={"en-to-casual": "1.2.0"})
    (v2 / "manifest.json").unlink()
    log = compute_changelog(load_previous(str(v1)), v2, version="1.1.0")
    assert log.recipes_changed == (("en-to-casual", "1.0.0", "1.2.0"),) and log.version == "1.1.0"
    assert all(d.added == d.removed == 0 for d in log.rows)


def test_split_assignments_behave_as_a_mapping(tmp_path: Path) -> None:
    """PreviousRelease.splits answers pair_id -> split like a dict, from hashes and one Arrow array."""
    previous = load_previous(str(write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS)))
    assert previous is not None
    splits = previous.splits
    assert isinstance(splits, SplitAssignments) and len(splits) == 40
    assert splits["p000"] == "test" and splits["p001"] == "train" and "nope" not in splits
    assert dict(splits) == V1_PAIRS
    with pytest.raises(KeyError):
        splits["nope"]


def test_to_dict_is_json_ready(tmp_path: Path) -> None:
    """to_dict round-trips through JSON with the figures the manifest needs."""
    v1 = write_release(tmp_path / "v1", version="1.0.0", pairs=V1_PAIRS)
    data = json.loads(json.dumps(compute_changelog(load_previous(str(v1)), write_release(
        tmp_path / "v2", version="1.1.0", pairs=_v2_pairs())).to_dict()))
    assert data["configs"]["en-to-casual"]["validation"] == {"before": 0, "after": 3, "added": 3, "removed": 0}
    assert data["previous"]["version"] == "1.0.0" and data["split_stability"]["kept_split"] == 38


def test_load_previous_rejects_folder_without_manifest(tmp_path: Path) -> None:
    """A folder that is not a release is a one-line input error."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no manifest.json"):
        load_previous(str(tmp_path / "empty"))


def test_load_previous_rejects_a_spec_that_is_neither(tmp_path: Path) -> None:
    """Neither a folder nor org/name[@tag]: a config error naming the value."""
    with pytest.raises(ConfigError, match="neither a folder"):
        load_previous("just-a-name")


def test_load_previous_offline_is_one_line(tmp_path: Path) -> None:
    """With HF_HUB_OFFLINE (set by conftest) and nothing cached, the error is one line and says why."""
    with pytest.raises(InputError) as caught:
        load_previous("org/never-cached@v1.0.0", cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert "\n" not in message and "org/never-cached@v1.0.0" in message
    assert "offline" in message or "cache" in message


def _publish(hub: FakeHub, repo: str, folder: Path, tag: str) -> None:
    """Put a release straight into the fake (no client), as if pushed earlier."""
    key = ("dataset", repo)
    if key not in hub.repos:
        from fake_hub import Repo

        hub.repos[key] = Repo("dataset", repo, private=False)
        hub._commit(hub.repos[key], {".gitattributes": b"\n"}, "initial commit")
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    hub.repos[key].tags[tag] = hub._commit(hub.repos[key], files, f"Release {tag}")


def test_load_previous_from_hub_takes_the_highest_semver_tag(tmp_path: Path, online: None) -> None:
    """org/name alone means its highest vX.Y.Z tag (v1.10.0 beats v1.9.0), read through hf_hub_download."""
    with FakeHub() as hub:
        _publish(hub, "org/ds", write_release(tmp_path / "a", version="1.9.0", pairs=V1_PAIRS), "v1.9.0")
        _publish(hub, "org/ds", write_release(tmp_path / "b", version="1.10.0", pairs=_v2_pairs()), "v1.10.0")
        latest = load_previous("org/ds", endpoint=hub.endpoint, cache_dir=tmp_path / "cache")
        pinned = load_previous("org/ds@v1.9.0", endpoint=hub.endpoint, cache_dir=tmp_path / "cache")
    assert latest is not None and latest.version == "1.10.0" and latest.label == "org/ds@v1.10.0"
    assert pinned is not None and pinned.version == "1.9.0" and len(pinned.splits) == 40


def test_load_previous_from_hub_without_release_tags_is_none(tmp_path: Path, online: None) -> None:
    """A repo with no vX.Y.Z tag has no previous release."""
    with FakeHub() as hub:
        _publish(hub, "org/ds", write_release(tmp_path / "a", version="1.0.0", pairs=V1_PAIRS), "nightly")
        assert load_previous("org/ds", endpoint=hub.endpoint, cache_dir=tmp_path / "cache") is None


def test_load_previous_from_hub_unknown_tag_and_tampered_file(tmp_path: Path, online: None) -> None:
    """A missing tag and a shard that differs from its manifest are both one-line input errors."""
    with FakeHub() as hub:
        _publish(hub, "org/ds", write_release(tmp_path / "a", version="1.0.0", pairs=V1_PAIRS), "v1.0.0")
        with pytest.raises(InputError, match=r"org/ds@v9\.9\.9: HTTP 404"):
            load_previous("org/ds@v9.9.9", endpoint=hub.endpoint, cache_dir=tmp_path / "cache")
        repo = hub.repo("org/ds")
        repo.commits[repo.tags["v1.0.0"]].files["splits.parquet"] = b"not parquet"
        with pytest.raises(InputError, match="splits.parquet does not match its manifest"):
            load_previous("org/ds@v1.0.0", endpoint=hub.endpoint, cache_dir=tmp_path / "cache2")


def test_first_release_shortcut_equals_reading_the_shards(tmp_path: Path) -> None:
    """The first-release changelog made from the counts equals the one computed from the shards."""
    from dataclasses import replace as _replace

    from builder.config import load_config
    from builder.pipeline import build
    from builder.release.changelog import first_release

    config = _replace(load_config(Path(__file__).resolve().parent.parent / "twcasual.toml"), workers=1)
    result = build(config, tmp_path / "out")
    from builder.contract.registry import default_registry

    versions = {name: default_registry().get(name).version for name in result.counts}
    fast = first_release(config.version, result.counts, versions)
    slow = compute_changelog(None, tmp_path / "out", version=config.version)
    assert fast.to_dict() == slow.to_dict() and fast.to_markdown() == slow.to_markdown()
    assert (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8") == fast.to_markdown()
