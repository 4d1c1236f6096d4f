"""Publish a built release folder to the Hub: one commit with every file, then a version tag.

`push` is the thin executor over `huggingface_hub.HfApi`: read the remote, plan, make
one `create_commit(parent_commit=head)`, then `create_tag(v<version>, revision=<that commit>)`.
After a failure whose outcome is unknown it re-reads the remote and re-plans, so a commit that
did land is tagged instead of being sent twice. Tags are never moved or deleted.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.errors import ConfigError, TwcasualError
from builder.output.layout import MANIFEST
from builder.release.hubcalls import (
    RetryPolicy,
    bound_session_timeout,
    describe_error,
    hub_errors,
    is_transient,
    login_token,
    scrub,
    status_of,
)
from builder.release.plan import ReleasePlan, RemoteState, plan_release
from builder.release.verify import verify_release

if TYPE_CHECKING:
    from huggingface_hub import HfApi

__all__ = ["PushResult", "push", "read_remote_state"]

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_COMMIT_OID = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class PushResult:
    """What push did: released, tagged (resumed), already-published or dry-run."""

    repo_id: str
    tag: str
    commit: str | None
    action: str
    plan: ReleasePlan


def read_remote_state(api: HfApi, repo_id: str) -> RemoteState:
    """Read head, files, tags and the head's manifest.json of a dataset repo."""
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        info = api.dataset_info(repo_id)
    except RepositoryNotFoundError:
        return RemoteState(exists=False)
    files = tuple(sorted(s.rfilename for s in info.siblings or []))
    tags = {t.name: t.target_commit for t in api.list_repo_refs(repo_id, repo_type="dataset").tags}
    manifest = None
    if MANIFEST in files:
        with tempfile.TemporaryDirectory(prefix="twcasual-remote-") as cache:
            path = api.hf_hub_download(repo_id, MANIFEST, repo_type="dataset", revision=info.sha, cache_dir=cache)
            try:
                manifest = json.loads(Path(path).read_text(encoding="utf-8"))
            except ValueError:
                manifest = None
    if not (isinstance(manifest, dict) and isinstance(manifest.get("files"), dict)):
        manifest = None  # not a twcasual manifest: the release simply replaces it
    return RemoteState(True, info.sha, files, tags, manifest, info.private)


def push(
    out_dir: Path,
    repo_id: str,
    *,
    private: bool = False,
    dry_run: bool = False,
    token: str | None = None,
    endpoint: str | None = None,
    api: HfApi | None = None,
    out: Callable[[str], None] = print,
    retry: RetryPolicy = RetryPolicy(),
    verify: bool = True,
) -> PushResult:
    """Publish OUT to the Hub dataset `repo_id` as one commit and a v<version> tag."""
    out_dir = Path(out_dir)
    if not _REPO_ID.match(repo_id):
        raise ConfigError(f"--repo {repo_id!r}: expected a Hub dataset id like org/name")
    api_token = getattr(api, "token", None)
    secrets = (token, api_token if isinstance(api_token, str) else None, login_token())
    secret = next((t for t in secrets if t), None)

    def say(message: str) -> None:
        out(scrub(message, *secrets))

    if verify:
        manifest = verify_release(out_dir)
        say(f"checked {out_dir.name}: {len(manifest['files']) + 1} files match {MANIFEST}; every config loads")
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi(endpoint=endpoint, token=token)
    bound_session_timeout()
    try:
        return _push(api, out_dir, repo_id, private=private, dry_run=dry_run, say=say, retry=retry, secret=secret)
    except hub_errors() as err:
        raise TwcasualError(scrub(f"push to {repo_id} failed: {describe_error(err, secret)}", *secrets)) from None


def _retrying(call: Callable[[], Any], retry: RetryPolicy, say: Callable[[str], None], what: str,
              secret: str | None) -> Any:
    for attempt in range(1, retry.attempts + 1):
        try:
            return call()
        except hub_errors() as err:
            if not is_transient(err) or attempt == retry.attempts:
                raise
            say(f"{what} failed ({describe_error(err, secret)}); retry {attempt} of {retry.attempts - 1}")
            retry.sleep(retry.delay(attempt, err))
    raise AssertionError("unreachable")


def _push(
    api: HfApi, out_dir: Path, repo_id: str, *, private: bool, dry_run: bool,
    say: Callable[[str], None], retry: RetryPolicy, secret: str | None,
) -> PushResult:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    def read() -> RemoteState:
        return _retrying(lambda: read_remote_state(api, repo_id), retry, say, f"reading {repo_id}", secret)

    state = read()
    plan = plan_release(out_dir, repo_id, state)
    if dry_run:
        say(plan.describe() + "\n(dry run: nothing was sent)")
        return PushResult(repo_id, plan.tag, None, "dry-run", plan)
    if not state.exists:
        _retrying(lambda: api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True),
                  retry, say, f"creating {repo_id}", secret)
        say(f"created dataset repo {repo_id}" + (" (private)" if private else ""))
        state = read()
        if not state.exists:
            raise TwcasualError(f"{repo_id} was created but cannot be read back; check the token's permissions")
        plan = plan_release(out_dir, repo_id, state)
    elif private and state.private is False:
        say(f"note: {repo_id} already exists and is public; --private only applies when creating it")
    commit = plan.tag_target
    attempt = 0
    if plan.action == "commit-and-tag":
        say(plan.describe())
    while plan.action == "commit-and-tag":
        operations: list[Any] = [CommitOperationAdd(a.path, str(out_dir / a.path)) for a in plan.adds]
        operations += [CommitOperationDelete(path, is_folder=False) for path in plan.deletions]
        try:
            info = api.create_commit(
                repo_id, operations, commit_message=plan.commit_message,
                commit_description=plan.commit_description, repo_type="dataset", parent_commit=plan.parent_commit,
            )
            commit = info.oid
            say(f"committed {plan.tag} to {repo_id}: {commit}")
            break
        except hub_errors() as err:
            attempt += 1
            if not is_transient(err) or attempt >= retry.attempts:
                raise
            # The commit may have landed even though we got no answer: look before trying again.
            say(f"commit attempt {attempt} failed ({describe_error(err, secret)}); re-reading {repo_id}")
            retry.sleep(retry.delay(attempt, err))
            state = read()
            plan = plan_release(out_dir, repo_id, state)
            say(f"{repo_id} head is {state.head}; next step: {plan.action}")
    if plan.action == "nothing":
        say(plan.describe())
        return PushResult(repo_id, plan.tag, plan.tag_target, "already-published", plan)
    if plan.action == "tag-only":
        commit = plan.tag_target
        say(f"the {plan.tag} release commit {commit} is already on {repo_id}; adding the missing tag")
    assert commit is not None
    _tag(api, repo_id, plan.tag, commit, retry=retry, say=say, secret=secret)
    say(f"tagged {plan.tag} -> {commit}; load it with load_dataset({repo_id!r}, <config>, revision={plan.tag!r})")
    return PushResult(repo_id, plan.tag, commit, "tagged" if plan.action == "tag-only" else "released", plan)


def _tag(
    api: HfApi, repo_id: str, tag: str, commit: str, *,
    retry: RetryPolicy, say: Callable[[str], None], secret: str | None,
) -> None:
    if not _COMMIT_OID.match(commit):  # never a branch name: a tag on "main" would follow nothing
        raise TwcasualError(f"refusing to tag {commit!r}: not a full commit id")
    for attempt in range(1, retry.attempts + 1):
        try:
            api.create_tag(repo_id, tag=tag, revision=commit, tag_message=f"twcasual release {tag}",
                           repo_type="dataset")
            return
        except hub_errors() as err:
            if status_of(err) == 409 or is_transient(err):
                # An earlier attempt may have made it, or someone else did: look, never overwrite.
                refs = _retrying(lambda: api.list_repo_refs(repo_id, repo_type="dataset"), retry, say,
                                 "reading tags", secret)
                existing = {t.name: t.target_commit for t in refs.tags}.get(tag)
                if existing == commit:
                    return
                if existing is not None:
                    raise TwcasualError(
                        f"tag {tag} appeared on {repo_id} at {existing[:12]}, not at the release commit"
                        f" {commit[:12]}; it is left as it is"
                    ) from None
            if not is_transient(err) or attempt == retry.attempts:
                raise TwcasualError(
                    f"the {tag} release commit {commit[:12]} is on {repo_id} but tagging failed"
                    f" ({describe_error(err, secret)}); run the same push again to add the tag"
                ) from None
            say(f"tagging failed ({describe_error(err, secret)}); retry {attempt} of {retry.attempts - 1}")
            retry.sleep(retry.delay(attempt, err))
