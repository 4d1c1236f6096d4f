"""Releases on the Hub: the pure plan offline, the executor against FakeHub with the real HfApi.

FakeHub encodes our reading of the Hub protocol (see its docstring); these tests prove our call
sequence under that reading, not the Hub's behaviour. The last test talks to the real Hub and
runs only when HF_TOKEN and TWCASUAL_TEST_REPO are set.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from fake_hub import FakeHub, write_release

from builder.cli.push import add_push_command
from builder.errors import InputError, TwcasualError
from builder.release.changelog import compute_changelog
from builder.release.hub import push
from builder.release.hubcalls import RetryPolicy, scrub
from builder.release.plan import RemoteState, plan_release
from builder.release.previous import load_previous
from builder.release.verify import read_manifest, verify_release

REPO = "twcasual-test/ds"
TOKEN = "hf_FAKEtokenThatMustNeverLeak0123456789"
PAIRS = {f"p{i:03d}": "test" if i % 8 == 0 else "train" for i in range(24)}
FAST = RetryPolicy(attempts=3, base_delay=0.0, sleep=lambda seconds: None)


@pytest.fixture()
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let huggingface_hub reach the loopback fake (conftest sets HF_HUB_OFFLINE=1 before import)."""
    import huggingface_hub.constants as hub_constants

    # constants.HF_HUB_OFFLINE is read from the environment once, at import; every request checks
    # the module attribute, so patching the attribute (not the env) is what turns it off.
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_TOKEN", TOKEN)


@pytest.fixture()
def hub(online: None):  # type: ignore[no-untyped-def]
    with FakeHub() as server:
        yield server


def _push(hub: FakeHub, out: Path, lines: list[str] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    sink = lines if lines is not None else []
    return push(out, REPO, endpoint=hub.endpoint, out=sink.append, retry=FAST, verify=False, **kwargs)  # type: ignore[arg-type]


def _release(tmp_path: Path, name: str, version: str, pairs: dict[str, str] = PAIRS, **kw: object) -> Path:
    return write_release(tmp_path / name, version=version, pairs=pairs, **kw)  # type: ignore[arg-type]


def _remote_of(out: Path, **kw: object) -> RemoteState:
    """The remote state right after `out` was committed at head 'a' * 40."""
    files = tuple(sorted([".gitattributes", "manifest.json", *read_manifest(out)["files"]]))
    return RemoteState(True, "a" * 40, files, manifest=read_manifest(out), **kw)  # type: ignore[arg-type]


# -- the plan, offline ----------------------------------------------------------------------

def test_plan_first_release_adds_every_file_and_tags_the_version(tmp_path: Path) -> None:
    """A new repo: every file (manifest included) added, nothing deleted, tag v<version>."""
    out = _release(tmp_path, "v1", "1.0.0", signature="twcasual:0.1.0|version:1.0.0|sig-one")
    plan = plan_release(out, REPO, RemoteState(exists=False))
    assert plan.action == "commit-and-tag" and plan.tag == "v1.0.0" and plan.creates_repo
    assert {a.path for a in plan.adds} == {*read_manifest(out)["files"], "manifest.json"}
    assert plan.deletions == () and plan.parent_commit is None
    assert "v1.0.0" in plan.commit_message and "sig-one" in plan.commit_message


def test_plan_deletes_what_the_release_dropped_but_keeps_gitattributes(tmp_path: Path) -> None:
    """Files of an older release that this one lacks are deleted; the Hub's .gitattributes stays."""
    old = _release(tmp_path, "v1", "1.0.0", recipes={"en-to-casual": "1.0.0", "casual-to-en": "1.0.0"})
    new = _release(tmp_path, "v2", "1.1.0")
    plan = plan_release(new, REPO, _remote_of(old, tags={"v1.0.0": "a" * 40}))
    assert plan.parent_commit == "a" * 40
    assert plan.deletions == ("casual-to-en/test-00000-of-00001.parquet", "casual-to-en/train-00000-of-00001.parquet")


def test_plan_refuses_an_existing_tag(tmp_path: Path) -> None:
    """A version whose tag exists is never published again, whatever the data."""
    out = _release(tmp_path, "v1", "1.0.0")
    other = _release(tmp_path, "other", "1.0.0", pairs=dict(PAIRS, extra="train"))
    with pytest.raises(TwcasualError, match="tag v1.0.0 already exists"):
        plan_release(out, REPO, _remote_of(other, tags={"v1.0.0": "a" * 40}))


def test_plan_refuses_changed_data_under_the_same_version(tmp_path: Path) -> None:
    """Head holds 1.0.0 (untagged) with other data: publishing different 1.0.0 data is refused."""
    out = _release(tmp_path, "v1", "1.0.0")
    other = _release(tmp_path, "other", "1.0.0", pairs=dict(PAIRS, extra="train"))
    with pytest.raises(TwcasualError, match="already holds version 1.0.0 with different data"):
        plan_release(out, REPO, _remote_of(other))


def test_plan_accepts_the_same_data_under_a_new_version(tmp_path: Path) -> None:
    """Identical shards under a new version is a normal release."""
    old, new = _release(tmp_path, "v1", "1.0.0"), _release(tmp_path, "v2", "1.0.1")
    plan = plan_release(new, REPO, _remote_of(old, tags={"v1.0.0": "a" * 40}))
    assert plan.action == "commit-and-tag" and plan.tag == "v1.0.1" and plan.deletions == ()


def test_plan_resumes_with_the_tag_only_and_sees_a_finished_release(tmp_path: Path) -> None:
    """Our manifest at head without its tag -> tag that head; with the tag there -> nothing to do."""
    out = _release(tmp_path, "v1", "1.0.0")
    resume = plan_release(out, REPO, _remote_of(out))
    assert resume.action == "tag-only" and resume.tag_target == "a" * 40
    done = plan_release(out, REPO, _remote_of(out, tags={"v1.0.0": "a" * 40}))
    assert done.action == "nothing" and "nothing to do" in done.describe()


def test_plan_refuses_a_version_older_than_the_latest_tag(tmp_path: Path) -> None:
    """main always carries the newest release: 1.2.0 after v1.10.0 is refused."""
    out = _release(tmp_path, "v1", "1.2.0")
    with pytest.raises(TwcasualError, match="not newer than v1.10.0"):
        plan_release(out, REPO, RemoteState(True, "a" * 40, (".gitattributes",), {"v1.10.0": "b" * 40}))


def test_dry_run_text_lists_files_sizes_deletions_message_and_tag(tmp_path: Path) -> None:
    """describe() shows what --dry-run promises."""
    old = _release(tmp_path, "v1", "1.0.0", recipes={"en-to-casual": "1.0.0", "casual-to-en": "1.0.0"})
    plan = plan_release(_release(tmp_path, "v2", "1.1.0"), REPO, _remote_of(old))
    text = plan.describe()
    size = (tmp_path / "v2" / "splits.parquet").stat().st_size
    assert f"{size:>12}  splits.parquet" in text and "- casual-to-en/train-00000-of-00001.parquet" in text
    assert "tag:       v1.1.0" in text and plan.commit_message in text


def test_verify_release_loads_every_config_and_catches_tampering(tmp_path: Path) -> None:
    """verify_release passes a good folder (load_dataset per card config) and names a changed or extra file."""
    out = _release(tmp_path, "v1", "1.0.0", recipes={"en-to-casual": "1.0.0", "casual-to-en": "1.0.0"})
    assert verify_release(out)["dataset"]["version"] == "1.0.0"
    (out / "stray.txt").write_text("left over\n", encoding="utf-8")
    with pytest.raises(InputError, match="stray.txt is not in manifest.json"):
        verify_release(out, load=False)
    (out / "stray.txt").unlink()
    shard = out / "en-to-casual" / "train-00000-of-00001.parquet"
    shard.write_bytes(shard.read_bytes()[:-1] + b"\0")
    with pytest.raises(InputError, match="train-00000-of-00001.parquet does not match"):
        verify_release(out, load=False)


def test_verify_release_refuses_a_card_config_that_does_not_load(tmp_path: Path) -> None:
    """A card whose YAML points a split at files that are not there fails before anything is sent."""
    out = _release(tmp_path, "v1", "1.0.0")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["configs"]["en-to-casual"]["splits"]["validation"] = 5  # the card promises no such rows
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="rows differ"):
        verify_release(out)


# -- the executor against FakeHub -------------------------------------------------------------

def test_first_release_creates_the_repo_commits_once_and_tags_that_commit(tmp_path: Path, hub: FakeHub) -> None:
    """One commit holds every file byte for byte; the tag names its oid, never a branch."""
    out = _release(tmp_path, "v1", "1.0.0")
    result = _push(hub, out, private=True)
    assert result.action == "released" and hub.repo(REPO).private
    history = hub.history(REPO)
    assert [c.summary.split(" (")[0] for c in history] == ["initial commit", "Release v1.0.0"]
    assert history[-1].parent == history[0].oid  # made against the head read first
    stored = hub.files(REPO, "v1.0.0")
    local = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {k: v for k, v in stored.items() if k != ".gitattributes"} == local
    assert hub.repo(REPO).tags == {"v1.0.0": result.commit} and result.commit == history[-1].oid
    assert hub.calls(f"/tag/{result.commit}") == 1 and hub.calls("/tag/main") == 0


def test_second_release_with_changes_and_its_changelog(tmp_path: Path, hub: FakeHub) -> None:
    """v1.1.0 built against v1.0.0 read back from the Hub: changelog figures, deletions, both tags kept."""
    v1 = _release(tmp_path, "v1", "1.0.0", recipes={"en-to-casual": "1.0.0", "casual-to-en": "1.0.0"})
    first = _push(hub, v1)
    pairs = {k: v for k, v in PAIRS.items() if k != "p001"} | {"n001": "train", "n002": "validation"}
    v2 = _release(tmp_path, "v2", "1.1.0", pairs=pairs, recipes={"en-to-casual": "1.1.0"})
    previous = load_previous(REPO, endpoint=hub.endpoint, cache_dir=tmp_path / "cache")
    log = compute_changelog(previous, v2)
    (v2 / "CHANGELOG.md").write_text(log.to_markdown(), encoding="utf-8")
    _refresh_manifest(v2)
    assert previous is not None and previous.label == f"{REPO}@v1.0.0"
    rows = {(d.config, d.split): (d.added, d.removed) for d in log.rows}
    assert rows[("en-to-casual", "train")] == (1, 1) and rows[("en-to-casual", "validation")] == (1, 0)
    assert rows[("casual-to-en", "train")] == (0, 21) and log.stability is not None and log.stability.stable
    second = _push(hub, v2)
    assert hub.repo(REPO).tags == {"v1.0.0": first.commit, "v1.1.0": second.commit}
    assert "casual-to-en/train-00000-of-00001.parquet" not in hub.files(REPO, "v1.1.0")
    assert "casual-to-en/train-00000-of-00001.parquet" in hub.files(REPO, "v1.0.0")
    assert hub.files(REPO, "v1.1.0")["CHANGELOG.md"].decode().startswith("## Changes in v1.1.0")


def test_existing_tag_is_refused_and_an_identical_repush_does_nothing(tmp_path: Path, hub: FakeHub) -> None:
    """Other data under a published version is refused; the same release again sends no commit."""
    out = _release(tmp_path, "v1", "1.0.0")
    _push(hub, out)
    commits = hub.calls("/commit/")
    assert _push(hub, out).action == "already-published"
    changed = _release(tmp_path, "changed", "1.0.0", pairs=dict(PAIRS, extra="train"))
    with pytest.raises(TwcasualError, match="tag v1.0.0 already exists"):
        _push(hub, changed)
    assert hub.calls("/commit/") == commits and len(hub.history(REPO)) == 2


def test_changed_data_under_an_unchanged_untagged_version_is_refused(tmp_path: Path, hub: FakeHub) -> None:
    """Commit landed, tag never made, then the data changed but not the version: refused."""
    hub.fail_next_tags(FAST.attempts, status=503)
    with pytest.raises(TwcasualError, match="run the same push again"):
        _push(hub, _release(tmp_path, "v1", "1.0.0"))
    changed = _release(tmp_path, "changed", "1.0.0", pairs=dict(PAIRS, extra="train"))
    with pytest.raises(TwcasualError, match="already holds version 1.0.0 with different data"):
        _push(hub, changed)
    assert hub.repo(REPO).tags == {}


def test_stale_head_412_is_reread_and_replanned(tmp_path: Path, hub: FakeHub) -> None:
    """Someone commits between our read and our commit: 412, re-read, one commit on the new head."""
    _push(hub, _release(tmp_path, "v1", "1.0.0"))
    hub.commit_elsewhere_before_next_commit({"notes.txt": b"written by another client\n"})
    lines: list[str] = []
    result = _push(hub, _release(tmp_path, "v2", "1.1.0", pairs=dict(PAIRS, extra="train")), lines)
    history = hub.history(REPO)
    assert [c.summary.split(" (")[0] for c in history[-2:]] == ["a commit from someone else", "Release v1.1.0"]
    assert result.commit == history[-1].oid and history[-1].parent == history[-2].oid
    assert any("HTTP 412" in line for line in lines)
    assert "notes.txt" not in hub.files(REPO)  # a release is the whole tree


def test_failure_between_commit_and_tag_is_resumed_by_the_next_run(tmp_path: Path, hub: FakeHub) -> None:
    """Tagging keeps failing: the error says to rerun; the rerun tags that commit and commits nothing."""
    out = _release(tmp_path, "v1", "1.0.0")
    hub.fail_next_tags(FAST.attempts, status=500)
    with pytest.raises(TwcasualError, match="is on twcasual-test/ds but tagging failed") as caught:
        _push(hub, out)
    assert "\n" not in str(caught.value) and hub.repo(REPO).tags == {}
    landed = hub.history(REPO)[-1].oid
    result = _push(hub, out)
    assert result.action == "tagged" and hub.repo(REPO).tags == {"v1.0.0": landed}
    assert hub.calls("/commit/") == 1 and len(hub.history(REPO)) == 2


@pytest.mark.parametrize("mode", ["after", "drop"])
def test_ambiguous_commit_failure_is_not_committed_twice(tmp_path: Path, hub: FakeHub, mode: str) -> None:
    """The commit lands but the answer is a 500 or nothing: we look, find it, tag it, send no second commit."""
    hub.fail_next_commits(1, status=500, mode=mode)
    lines: list[str] = []
    result = _push(hub, _release(tmp_path, "v1", "1.0.0"), lines)
    assert hub.calls("/commit/") == 1 and len(hub.history(REPO)) == 2
    assert result.action == "tagged" and hub.repo(REPO).tags == {"v1.0.0": hub.history(REPO)[-1].oid}
    assert any("re-reading" in line for line in lines)


def test_commit_refused_before_applying_is_retried_with_backoff(tmp_path: Path, hub: FakeHub) -> None:
    """503 then 429 before anything happened: two waits, then one commit."""
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, base_delay=0.5, max_delay=1.0, sleep=waits.append)
    hub.fail_next_commits(1, status=503)
    hub.fail_next_commits(1, status=429)
    result = push(_release(tmp_path, "v1", "1.0.0"), REPO, endpoint=hub.endpoint, out=lambda s: None,
                  retry=policy, verify=False)
    assert result.action == "released" and waits == [0.5, 1.0]
    assert hub.calls("/commit/") == 3 and len(hub.history(REPO)) == 2


def test_a_hub_that_stops_answering_fails_the_push_instead_of_hanging(
    tmp_path: Path, hub: FakeHub, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """huggingface_hub's shared client waits forever by default: push gives it a timeout, so a
    commit that hangs times out, is retried, and the push stops with one line."""
    from huggingface_hub import close_session, get_session

    monkeypatch.setenv("TWCASUAL_HUB_TIMEOUT", "0.5")
    close_session()  # a fresh shared client, without a timeout, as in a new process
    try:
        hub.stall_next_commits(2, seconds=3.0)
        policy = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01, sleep=lambda s: None)
        lines: list[str] = []
        with pytest.raises(TwcasualError, match="did not answer") as caught:
            push(_release(tmp_path, "v1", "1.0.0"), REPO, endpoint=hub.endpoint, out=lines.append,
                 retry=policy, verify=False)
        assert "\n" not in str(caught.value) and get_session().timeout.read == 0.5
        assert any("commit attempt 1 failed" in line and "ReadTimeout" in line for line in lines)
        assert len(hub.history(REPO)) == 1  # nothing was committed
    finally:
        close_session()


def test_session_timeout_keeps_a_chosen_one_and_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timeout already set on the session stays; a bad TWCASUAL_HUB_TIMEOUT is a ConfigError."""
    from huggingface_hub import close_session, get_session

    from builder.errors import ConfigError
    from builder.release.hubcalls import bound_session_timeout

    close_session()
    try:
        session = get_session()
        session.timeout = type(session.timeout)(7.0)
        bound_session_timeout()
        assert get_session().timeout.read == 7.0
        monkeypatch.setenv("TWCASUAL_HUB_TIMEOUT", "soon")
        with pytest.raises(ConfigError, match="TWCASUAL_HUB_TIMEOUT"):
            bound_session_timeout()
    finally:
        close_session()


def test_tag_whose_answer_was_lost_is_not_made_again(tmp_path: Path, hub: FakeHub) -> None:
    """The tag is created but the answer is a 502: refs show it at our commit, so we are done."""
    hub.fail_next_tags(1, status=502, mode="after")
    result = _push(hub, _release(tmp_path, "v1", "1.0.0"))
    assert result.action == "released" and hub.repo(REPO).tags == {"v1.0.0": result.commit}
    assert hub.calls("/tag/") == 1


def test_dry_run_prints_the_plan_and_sends_nothing(tmp_path: Path, hub: FakeHub) -> None:
    """--dry-run only reads: no repo is created, no POST reaches the server."""
    lines: list[str] = []
    result = _push(hub, _release(tmp_path, "v1", "1.0.0"), lines, dry_run=True)
    assert result.action == "dry-run" and result.commit is None
    assert not [r for r in hub.requests if r.method == "POST"] and not hub.repos
    assert "(repo will be created)" in lines[0] and "nothing was sent" in lines[0]


def test_token_never_printed_logged_raised_or_written(
    tmp_path: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    """HF_TOKEN goes to the server and nowhere else: not our output, errors, logs (DEBUG), files, or stored data."""
    caplog.set_level(logging.DEBUG)  # huggingface_hub and httpx2 debug logs included
    lines: list[str] = []
    hub.fail_next_commits(1, status=500, mode="after")
    hub.fail_next_tags(1, status=500)
    _push(hub, _release(tmp_path, "v1", "1.0.0"), lines)
    hub.fail_next_commits(5, status=403)
    with pytest.raises(TwcasualError) as caught:
        _push(hub, _release(tmp_path, "v2", "1.1.0"), lines)
    assert f"Bearer {TOKEN}" in hub.authorizations  # the token did go where it belongs
    captured = capsys.readouterr()
    seen = [*lines, str(caught.value), repr(caught.value), captured.out, captured.err, caplog.text,
            *(p.read_text("utf-8", "replace") for p in tmp_path.rglob("*") if p.is_file())]
    assert len(lines) > 5 and not [text for text in seen if TOKEN in text]
    assert not [blob for blob in hub.stored_bytes() if TOKEN.encode() in blob]


def test_token_echoed_by_the_server_is_scrubbed(tmp_path: Path, hub: FakeHub) -> None:
    """A server that puts the Authorization header in its error text: our lines and errors hide it."""
    hub.echo_authorization = True
    lines: list[str] = []
    hub.fail_next_commits(1, status=503)
    hub.fail_next_tags(5, status=403)
    with pytest.raises(TwcasualError) as caught:
        _push(hub, _release(tmp_path, "v1", "1.0.0"), lines)
    assert "(request carried Bearer ***)" in str(caught.value)  # the echo was there, and scrubbed
    assert any("(request carried Bearer ***)" in line for line in lines)
    assert not [text for text in [*lines, str(caught.value)] if TOKEN in text]
    assert scrub(f"x {TOKEN} y", None) == "x hf_*** y"


def test_cli_push_dry_run_through_add_push_command(
    tmp_path: Path, hub: FakeHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """`push OUT --repo org/name --dry-run` parses, verifies, prints the plan, sends nothing."""
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "ENDPOINT", hub.endpoint)  # what HF_ENDPOINT sets at import
    parser = argparse.ArgumentParser(prog="twcasual")
    add_push_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["push", str(_release(tmp_path, "v1", "1.0.0")), "--repo", REPO, "--dry-run"])
    assert args.handler(args) == 0
    printed = capsys.readouterr().out
    assert "Release plan for dataset twcasual-test/ds" in printed and "every config loads" in printed
    assert not [r for r in hub.requests if r.method == "POST"] and TOKEN not in printed


def test_cli_push_takes_the_repo_from_the_config(
    tmp_path: Path, hub: FakeHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """Without --repo, push uses [dataset] repo of --config (or ./twcasual.toml); with neither it
    stops with a one-line ConfigError and sends nothing."""
    import huggingface_hub.constants as hub_constants

    from builder.errors import ConfigError

    monkeypatch.setattr(hub_constants, "ENDPOINT", hub.endpoint)
    monkeypatch.chdir(tmp_path)  # no ./twcasual.toml here
    parser = argparse.ArgumentParser(prog="twcasual")
    add_push_command(parser.add_subparsers(dest="command"))
    folder = str(_release(tmp_path, "v1", "1.0.0"))
    args = parser.parse_args(["push", folder, "--dry-run"])
    with pytest.raises(ConfigError, match="push needs --repo"):
        args.handler(args)
    config = tmp_path / "cfg.toml"
    config.write_text(f'[dataset]\nrepo = "{REPO}"\n', encoding="utf-8")
    args = parser.parse_args(["push", folder, "--config", str(config), "--dry-run"])
    assert args.handler(args) == 0
    assert f"Release plan for dataset {REPO}" in capsys.readouterr().out
    (tmp_path / "twcasual.toml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    args = parser.parse_args(["push", folder, "--dry-run"])
    assert args.handler(args) == 0
    assert f"Release plan for dataset {REPO}" in capsys.readouterr().out
    assert not [r for r in hub.requests if r.method == "POST"]


def _refresh_manifest(folder: Path) -> None:
    """Re-list every file in manifest.json after a test added one (what the build does last)."""
    from builder.output.manifest import file_sha256

    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = {
        p.relative_to(folder).as_posix(): {"sha256": file_sha256(p), "size": p.stat().st_size}
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


# -- the real Hub (opt-in) --------------------------------------------------------------------

@pytest.mark.skipif(
    not (os.environ.get("HF_TOKEN") and os.environ.get("TWCASUAL_TEST_REPO")),
    reason="real-Hub test: set HF_TOKEN and TWCASUAL_TEST_REPO (a scratch dataset repo you own) to run it",
)
def test_real_hub_push_tag_and_load_by_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Push a small release to a scratch repo, tag it, load it back with load_dataset(revision=tag)."""
    import time

    import datasets.config
    import huggingface_hub.constants as hub_constants
    from datasets import load_dataset

    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    repo = os.environ["TWCASUAL_TEST_REPO"]
    version = f"0.0.{int(time.time())}"  # a fresh, always newer version: tags are never reused
    out = _release(tmp_path, "real", version)
    result = push(out, repo, private=True, out=lambda s: None)
    assert result.commit is not None
    loaded = load_dataset(repo, "en-to-casual", revision=f"v{version}", cache_dir=str(tmp_path / "cache"))
    assert {s: d.num_rows for s, d in loaded.items()} == read_manifest(out)["configs"]["en-to-casual"]["splits"]
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
