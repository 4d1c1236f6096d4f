"""What a push will do, decided offline: the folder plus what the remote holds -> a plan or a refusal.

`plan_release` is pure: adds for every file, deletions of remote files the release does not have,
the commit message with the build signature, and the `v<version>` tag; or a refusal when the tag
exists with other data, the version is not newer, or changed data keeps its version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from builder.errors import TwcasualError
from builder.output.layout import MANIFEST
from builder.output.manifest import file_sha256
from builder.release.verify import SEMVER, read_manifest

__all__ = ["KEEP_REMOTE", "FileAdd", "ReleasePlan", "RemoteState", "plan_release"]

KEEP_REMOTE = frozenset({".gitattributes"})  # the Hub's LFS rules: a release never deletes them


@dataclass(frozen=True)
class RemoteState:
    """What the executor read from the Hub before planning."""

    exists: bool
    head: str | None = None
    files: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)  # tag -> commit
    manifest: Mapping[str, Any] | None = None  # manifest.json at head
    private: bool | None = None


@dataclass(frozen=True)
class FileAdd:
    """One file of the release: its repo path, size and sha256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ReleasePlan:
    """What a push will do; `action` is commit-and-tag, tag-only (resume) or nothing."""

    repo_id: str
    version: str
    tag: str
    action: str
    commit_message: str
    commit_description: str
    adds: tuple[FileAdd, ...]
    deletions: tuple[str, ...]
    parent_commit: str | None
    tag_target: str | None  # for tag-only / nothing: the commit that holds this release
    creates_repo: bool

    def describe(self) -> str:
        """Render the plan for --dry-run and for the log."""
        where = " (repo will be created)" if self.creates_repo else ""
        lines = [f"Release plan for dataset {self.repo_id}{where}", f"  version:   {self.version}"]
        if self.action != "commit-and-tag":
            done = "nothing to do" if self.action == "nothing" else "the commit is there, only the tag is missing"
            return "\n".join([*lines, f"  tag:       {self.tag} -> {self.tag_target} ({done})"])
        total = sum(a.size for a in self.adds)
        lines += [
            f"  tag:       {self.tag} -> the new commit",
            f"  parent:    {self.parent_commit or '(none)'}",
            f"  commit:    {self.commit_message}",
            f"  files:     {len(self.adds)} ({total} bytes)",
            *(f"    {a.size:>12}  {a.path}" for a in self.adds),
            f"  deletions: {len(self.deletions)}",
            *(f"    - {path}" for path in self.deletions),
        ]
        return "\n".join(lines)


def _version_key(version: str) -> tuple[int, int, int, int, str]:
    match = SEMVER.match(version)
    assert match is not None
    major, minor, patch, pre = match.groups()
    return int(major), int(minor), int(patch), 0 if pre else 1, pre or ""


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    a, b = old.get("files", {}), new.get("files", {})
    changed = sorted(n for n in set(a) | set(b) if (a.get(n) or {}).get("sha256") != (b.get(n) or {}).get("sha256"))
    return changed or ([MANIFEST] if old != new else [])


def plan_release(out_dir: Path, repo_id: str, remote: RemoteState) -> ReleasePlan:
    """Decide what publishing OUT to `repo_id` means given `remote`, or refuse with the reason."""
    manifest = read_manifest(out_dir)
    version = manifest["dataset"]["version"]
    tag = f"v{version}"
    same = remote.manifest is not None and not _differences(remote.manifest, manifest)
    signature = str(manifest.get("signature", "")).strip()
    adds = tuple(
        FileAdd(name, int(entry["size"]), str(entry["sha256"])) for name, entry in sorted(manifest["files"].items())
    ) + (FileAdd(MANIFEST, (out_dir / MANIFEST).stat().st_size, file_sha256(out_dir / MANIFEST)),)
    plan = ReleasePlan(
        repo_id=repo_id, version=version, tag=tag, action="commit-and-tag",
        commit_message=f"Release {tag}" + (f" ({signature})" if signature else ""),
        commit_description=(
            f"twcasual release {tag} of {manifest['dataset'].get('name', repo_id)}.\n\n"
            f"Build signature: {signature or '(none)'}\nFiles: {len(adds)}\n"
        ),
        adds=adds, deletions=(), parent_commit=remote.head, tag_target=None, creates_repo=not remote.exists,
    )
    if tag in remote.tags:
        if same and remote.tags[tag] == remote.head:
            return replace(plan, action="nothing", tag_target=remote.head)
        raise TwcasualError(
            f"tag {tag} already exists on {repo_id} (commit {remote.tags[tag][:12]}); a published version is"
            " never replaced: raise the dataset version in the build config and rebuild"
        )
    remote_version = (remote.manifest or {}).get("dataset", {}).get("version")
    if same:
        return replace(plan, action="tag-only", tag_target=remote.head)
    if remote_version == version:
        diff = _differences(remote.manifest or {}, manifest)
        raise TwcasualError(
            f"{repo_id} already holds version {version} with different data ({len(diff)} files differ, e.g."
            f" {diff[0]}); changed data needs a new version: raise it in the build config and rebuild"
        )
    released = [t[1:] for t in remote.tags if t.startswith("v") and SEMVER.match(t[1:])]
    if released and _version_key(max(released, key=_version_key)) >= _version_key(version):
        newest = max(released, key=_version_key)
        raise TwcasualError(f"version {version} is not newer than v{newest} on {repo_id}; raise the dataset version")
    mine = {a.path for a in adds}
    deletions = tuple(sorted(f for f in remote.files if f not in mine and f not in KEEP_REMOTE))
    return replace(plan, deletions=deletions)
