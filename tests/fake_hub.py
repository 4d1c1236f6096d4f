"""FakeHub: a loopback HTTP server that answers the few Hub API routes a twcasual release uses.

It encodes OUR READING of the Hugging Face Hub protocol, as spoken by huggingface_hub 2.4.0's
`HfApi` (read from its source: hf_api.py, _commit_api.py, file_download.py), not the Hub itself.
A test that passes against it shows that our call sequence is right under that reading; it does
not show that the real Hub answers the same way. In particular it serves every file in "regular"
mode (base64 inside the commit), never LFS or Xet, keeps whole files in memory, has no
permissions model beyond remembering which Authorization headers it saw, and gives commits
made-up ids. The opt-in real-Hub test in tests/test_hub.py is the check against the real thing.

Routes (paths as HfApi builds them; `{type}s` is models, datasets or spaces):

    POST /api/repos/create                        HfApi.create_repo
    GET  /api/{type}s/{ns}/{name}[/revision/{rev}] HfApi.repo_info / dataset_info
    POST /api/validate-yaml                       create_commit, when the commit has a README.md
    POST /api/{type}s/{ns}/{name}/preupload/{rev}  create_commit -> preupload_lfs_files
    POST /api/{type}s/{ns}/{name}/commit/{rev}     create_commit (NDJSON; 412 on a stale parentCommit)
    POST /api/{type}s/{ns}/{name}/tag/{rev}        HfApi.create_tag (409 when the tag exists)
    GET  /api/{type}s/{ns}/{name}/refs             HfApi.list_repo_refs
    HEAD|GET /[{type}s/]{ns}/{name}/resolve/{rev}/{path}   hf_hub_download

Faults are queued on the instance and consumed by the next matching request.

`write_release` makes a small release folder of the shape `twcasual build` writes, for tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from typing_extensions import Self

__all__ = ["FakeHub", "Fault", "RequestRecord", "write_release"]

# Written for twcasual: what a fresh repo holds before the first upload.
_INITIAL_GITATTRIBUTES = b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"
_STALE_PARENT = "A commit has happened since. Please refresh and try again."
_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_REPO = r"(?P<kind>models|datasets|spaces)/(?P<repo>[^/]+/[^/]+)"
_API_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/api/repos/create$"), "create_repo"),
    ("POST", re.compile(r"^/api/validate-yaml$"), "validate_yaml"),
    ("GET", re.compile(rf"^/api/{_REPO}/refs$"), "refs"),
    ("POST", re.compile(rf"^/api/{_REPO}/preupload/(?P<rev>[^/]+)$"), "preupload"),
    ("POST", re.compile(rf"^/api/{_REPO}/commit/(?P<rev>[^/]+)$"), "commit"),
    ("POST", re.compile(rf"^/api/{_REPO}/tag/(?P<rev>[^/]+)$"), "tag"),
    ("GET", re.compile(rf"^/api/{_REPO}(?:/revision/(?P<rev>[^/]+))?$"), "info"),
]
_RESOLVE = re.compile(r"^/(?:(?P<kind>datasets|spaces)/)?(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")


def git_blob_sha1(data: bytes) -> str:
    """Return the git blob id of `data` (what the Hub reports as a regular file's oid)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Commit:
    """One commit: its parent, the full file tree after it, and its message."""

    oid: str
    parent: str | None
    files: dict[str, bytes]
    summary: str
    description: str


@dataclass
class Repo:
    """A repository: commits by oid, branch and tag heads."""

    repo_type: str
    repo_id: str
    private: bool
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    """A canned failure for the next matching request.

    `mode` is "before" (answer `status` without doing anything), "after" (do the work, then
    answer `status`: the client cannot tell whether it happened) or "drop" (do the work, then
    close the connection without any answer).
    """

    status: int = 500
    mode: str = "before"


@dataclass(frozen=True)
class RequestRecord:
    """What the server logs about a request: never headers or bodies."""

    method: str
    path: str
    status: int


class FakeHub:
    """A Hub fake on 127.0.0.1 (random port); use as a context manager."""

    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], Repo] = {}
        self.requests: list[RequestRecord] = []
        self.authorizations: set[str] = set()  # kept in memory only, to prove a token was sent
        self.commit_faults: deque[Fault] = deque()
        self.tag_faults: deque[Fault] = deque()
        self.foreign_commits: deque[dict[str, bytes]] = deque()
        self.commit_stalls: deque[float] = deque()
        self.echo_authorization = False  # put the Authorization header into error messages
        self._lock = threading.RLock()
        self._counter = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        # shutdown() waits for serve_forever to look at its flag: every 0.5 s by default, which
        # cost about 6 s of teardown over the suite; 0.02 s is still idle enough.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def endpoint(self) -> str:
        """Return the base URL to pass as `HfApi(endpoint=...)`."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- fault injection -------------------------------------------------------------------
    def fail_next_commits(self, count: int = 1, *, status: int = 500, mode: str = "before") -> None:
        """Make the next `count` commit requests fail."""
        self.commit_faults.extend(Fault(status, mode) for _ in range(count))

    def fail_next_tags(self, count: int = 1, *, status: int = 500, mode: str = "before") -> None:
        """Make the next `count` tag requests fail."""
        self.tag_faults.extend(Fault(status, mode) for _ in range(count))

    def stall_next_commits(self, count: int = 1, *, seconds: float = 2.0) -> None:
        """Make the next `count` commit requests hang for `seconds` and then drop the connection
        without doing anything: a Hub that stops answering (the client should give up first)."""
        self.commit_stalls.extend([seconds] * count)

    def commit_elsewhere_before_next_commit(self, files: dict[str, bytes]) -> None:
        """Let another client commit `files` to main just before our next commit arrives."""
        self.foreign_commits.append(files)

    # -- inspection ------------------------------------------------------------------------
    def repo(self, repo_id: str, repo_type: str = "dataset") -> Repo:
        """Return the stored repository (KeyError when absent)."""
        return self.repos[(repo_type, repo_id)]

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "dataset") -> dict[str, bytes]:
        """Return the file tree of `repo_id` at a branch, tag or commit."""
        repo = self.repo(repo_id, repo_type)
        oid = _resolve(repo, revision)
        assert oid is not None, revision
        return dict(repo.commits[oid].files)

    def history(self, repo_id: str, repo_type: str = "dataset") -> list[Commit]:
        """Return main's commits, oldest first."""
        repo = self.repo(repo_id, repo_type)
        out: list[Commit] = []
        oid: str | None = repo.branches["main"]
        while oid is not None:
            out.append(repo.commits[oid])
            oid = repo.commits[oid].parent
        return out[::-1]

    def stored_bytes(self) -> list[bytes]:
        """Return every byte string the server keeps: file contents, messages, tag names."""
        chunks: list[bytes] = []
        for repo in self.repos.values():
            for commit in repo.commits.values():
                chunks.extend(commit.files.values())
                chunks.extend(p.encode() for p in commit.files)
                chunks += [commit.summary.encode(), commit.description.encode()]
            chunks.extend(t.encode() for t in repo.tags)
        return chunks

    def calls(self, route_suffix: str, method: str = "POST") -> int:
        """Count requests whose path contains `route_suffix` (e.g. "/commit/")."""
        return sum(1 for r in self.requests if r.method == method and route_suffix in r.path)

    # -- state changes (called with the lock held) -----------------------------------------
    def _new_oid(self, seed: str) -> str:
        self._counter += 1
        return hashlib.sha1(f"{self._counter}:{seed}".encode()).hexdigest()

    def _commit(self, repo: Repo, files: dict[str, bytes], summary: str, description: str = "") -> str:
        parent = repo.branches.get("main")
        oid = self._new_oid(f"{repo.repo_id}:{parent}:{summary}")
        repo.commits[oid] = Commit(oid, parent, files, summary, description)
        repo.branches["main"] = oid
        return oid


def _resolve(repo: Repo, revision: str) -> str | None:
    if revision in repo.branches:
        return repo.branches[revision]
    if revision in repo.tags:
        return repo.tags[revision]
    if re.fullmatch(r"[0-9a-f]{7,40}", revision):
        found = [oid for oid in repo.commits if oid.startswith(revision)]
        return found[0] if len(found) == 1 else None
    return None


class _Reply(Exception):
    """Raised inside a route to answer with an error status."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects; every answer has a length

    @property
    def fake(self) -> FakeHub:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log lives in FakeHub.requests, without headers

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        auth = self.headers.get("Authorization")
        body = self._read_body()
        if method == "POST" and "/commit/" in path:
            with self.fake._lock:
                stall = self.fake.commit_stalls.popleft() if self.fake.commit_stalls else 0.0
            if stall:  # outside the lock: other requests (the client's retry) are still served
                time.sleep(stall)
                self.fake.requests.append(RequestRecord(method, path, 0))
                self.close_connection = True
                return
        status = 500
        try:
            with self.fake._lock:
                if auth:
                    self.fake.authorizations.add(auth)
                status, payload, headers = self._route(method, path, body)
        except _Reply as reply:
            status = reply.status
            if self.fake.echo_authorization:  # a careless server: tests that we scrub what it says
                reply.message += f" (request carried {auth})"
            headers = {"X-Error-Message": reply.message}
            if reply.code:
                headers["X-Error-Code"] = reply.code
            payload = json.dumps({"error": reply.message}).encode()
        except _Drop:
            self.fake.requests.append(RequestRecord(method, path, 0))
            self.close_connection = True
            return
        self.fake.requests.append(RequestRecord(method, path, status))
        self.send_response(status)
        headers.setdefault("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(payload)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _route(self, method: str, path: str, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        for verb, pattern, name in _API_ROUTES:
            match = pattern.match(path)
            if match and verb == method:
                args = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
                result = getattr(self, f"_api_{name}")(body=body, **args)
                return 200, json.dumps(result).encode(), {}
        match = _RESOLVE.match(path)
        if match and method in ("GET", "HEAD"):
            return self._resolve_file(**{k: unquote(v) if v else v for k, v in match.groupdict().items()})
        raise _Reply(404, f"FakeHub has no route for {method} {path}")

    # -- routes ----------------------------------------------------------------------------
    def _repo(self, kind: str, repo: str) -> Repo:
        found = self.fake.repos.get((_TYPES[kind], repo))
        if found is None:
            raise _Reply(404, "Repository not found", "RepoNotFound")
        return found

    def _oid(self, repo: Repo, rev: str) -> str:
        oid = _resolve(repo, rev)
        if oid is None:
            raise _Reply(404, f"Invalid rev id: {rev}", "RevisionNotFound")
        return oid

    def _api_create_repo(self, body: bytes) -> dict[str, Any]:
        payload = json.loads(body)
        repo_type = payload.get("type") or "model"
        repo_id = f"{payload.get('organization') or 'fake-user'}/{payload['name']}"
        prefix = "" if repo_type == "model" else f"{repo_type}s/"
        url = f"{self.fake.endpoint}/{prefix}{repo_id}"
        if (repo_type, repo_id) in self.fake.repos:
            raise _Reply(409, f"You already created this {repo_type} repo")
        repo = Repo(repo_type, repo_id, private=payload.get("visibility") == "private")
        self.fake.repos[(repo_type, repo_id)] = repo
        self.fake._commit(repo, {".gitattributes": _INITIAL_GITATTRIBUTES}, "initial commit")
        return {"url": url, "name": repo_id, "id": repo_id}

    def _api_info(self, body: bytes, kind: str, repo: str, rev: str = "main") -> dict[str, Any]:
        found = self._repo(kind, repo)
        oid = self._oid(found, rev)
        files = found.commits[oid].files
        return {
            "id": repo,
            "sha": oid,
            "private": found.private,
            "siblings": [{"rfilename": name, "size": len(files[name])} for name in sorted(files)],
        }

    def _api_validate_yaml(self, body: bytes) -> dict[str, Any]:
        content = json.loads(body).get("content", "")
        match = re.match(r"^---\n(.*?)\n---\n", content, re.DOTALL)
        try:
            data = yaml.safe_load(match.group(1)) if match else {}
        except yaml.YAMLError as err:
            raise _Reply(400, f"invalid YAML in README.md: {err}") from None
        if data is not None and not isinstance(data, dict):
            raise _Reply(400, "README.md metadata must be a mapping")
        return {"errors": [], "warnings": []}

    def _api_preupload(self, body: bytes, kind: str, repo: str, rev: str) -> dict[str, Any]:
        found = self._repo(kind, repo)
        current = found.commits[self._oid(found, rev)].files
        files = []
        for item in json.loads(body)["files"]:
            existing = current.get(item["path"])
            oid = git_blob_sha1(existing) if existing is not None else None
            files.append({"path": item["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": oid})
        return {"files": files, "commitOid": found.branches["main"]}

    def _api_commit(self, body: bytes, kind: str, repo: str, rev: str) -> dict[str, Any]:
        found = self._repo(kind, repo)
        if rev != "main":
            raise _Reply(400, "FakeHub commits to main only")
        while self.fake.foreign_commits:
            files = dict(found.commits[found.branches["main"]].files)
            files.update(self.fake.foreign_commits.popleft())
            self.fake._commit(found, files, "a commit from someone else")
        fault = self.fake.commit_faults.popleft() if self.fake.commit_faults else None
        if fault and fault.mode == "before":
            raise _Reply(fault.status, "injected failure before the commit")
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            raise _Reply(400, "the first NDJSON line must be the header")
        header = lines[0]["value"]
        head = found.branches["main"]
        parent = header.get("parentCommit")
        if parent is not None and not head.startswith(parent):
            raise _Reply(412, _STALE_PARENT)
        files = dict(found.commits[head].files)
        for line in lines[1:]:
            key, value = line["key"], line["value"]
            if key == "file":
                if value.get("encoding") != "base64":
                    raise _Reply(400, "FakeHub reads base64 file content only")
                files[value["path"]] = base64.b64decode(value["content"])
            elif key == "deletedFile":
                if files.pop(value["path"], None) is None:
                    raise _Reply(404, "A file with this name doesn't exist", "EntryNotFound")
            elif key == "deletedFolder":
                prefix = value["path"].rstrip("/") + "/"
                files = {p: c for p, c in files.items() if not p.startswith(prefix)}
            else:
                raise _Reply(400, f"FakeHub does not take '{key}' lines (it serves regular mode only)")
        oid = self.fake._commit(found, files, header["summary"], header.get("description", ""))
        if fault:
            self._fail_after(fault)
        prefix = "" if found.repo_type == "model" else f"{found.repo_type}s/"
        return {"success": True, "commitOid": oid, "commitUrl": f"{self.fake.endpoint}/{prefix}{repo}/commit/{oid}"}

    def _api_tag(self, body: bytes, kind: str, repo: str, rev: str) -> dict[str, Any]:
        found = self._repo(kind, repo)
        fault = self.fake.tag_faults.popleft() if self.fake.tag_faults else None
        if fault and fault.mode == "before":
            raise _Reply(fault.status, "injected failure before the tag")
        oid = self._oid(found, rev)
        tag = json.loads(body)["tag"]
        if tag in found.tags or tag in found.branches:
            raise _Reply(409, f"Tag '{tag}' already exists")
        found.tags[tag] = oid
        if fault:
            self._fail_after(fault)
        return {}

    def _api_refs(self, body: bytes, kind: str, repo: str) -> dict[str, Any]:
        found = self._repo(kind, repo)

        def ref(name: str, oid: str, where: str) -> dict[str, str]:
            return {"name": name, "ref": f"refs/{where}/{name}", "targetCommit": oid}

        return {
            "branches": [ref(n, o, "heads") for n, o in sorted(found.branches.items())],
            "converts": [],
            "tags": [ref(n, o, "tags") for n, o in sorted(found.tags.items())],
            "pullRequests": [],
        }

    def _resolve_file(self, kind: str | None, repo: str, rev: str, path: str) -> tuple[int, bytes, dict[str, str]]:
        found = self._repo(kind or "models", repo)
        oid = self._oid(found, rev)
        content = found.commits[oid].files.get(path)
        if content is None:
            raise _Reply(404, "Entry not found", "EntryNotFound")
        headers = {
            "X-Repo-Commit": oid,
            "ETag": f'"{git_blob_sha1(content)}"',
            "Content-Type": "application/octet-stream",
        }
        return 200, content, headers

    def _fail_after(self, fault: Fault) -> None:
        if fault.mode == "drop":
            raise _Drop
        raise _Reply(fault.status, "injected failure after the change was applied")


class _Drop(Exception):
    """Close the connection without answering."""


def write_release(
    folder: Path,
    *,
    version: str,
    pairs: dict[str, str],
    recipes: dict[str, str] | None = None,
    name: str = "twcasual-test",
    signature: str | None = None,
) -> Path:
    """Write a release folder: card, shards per recipe and split, splits.parquet, report, manifest.

    `pairs` maps pair_id -> split; every recipe (config -> recipe version) makes one record per
    pair, with id "<config>/<pair_id>/0". Empty splits are left out, as the build does.
    """
    recipes = recipes or {"en-to-casual": "1.0.0"}
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    yaml_configs = []
    for index, (config, recipe_version) in enumerate(sorted(recipes.items())):
        files = []
        for split in ("train", "validation", "test"):
            ids = sorted(p for p, s in pairs.items() if s == split)
            if not ids:
                continue
            table = pa.table({
                "id": [f"{config}/{p}/0" for p in ids],
                "pair_id": ids,
                "recipe": [config] * len(ids),
                "recipe_version": [recipe_version] * len(ids),
                "en": [f"Test sentence {p} is written in a formal register." for p in ids],
                "zh": [f"測試句子 {p} 啦" for p in ids],
            })
            (folder / config).mkdir(exist_ok=True)
            pq.write_table(table, folder / config / f"{split}-00000-of-00001.parquet")
            counts.setdefault(config, {})[split] = len(ids)
            files.append({"split": split, "path": f"{config}/{split}-*"})
        entry: dict[str, Any] = {"config_name": config, "data_files": files}
        if index == 0:
            entry["default"] = True
        yaml_configs.append(entry)
    split_ids = sorted(pairs)
    pq.write_table(pa.table({"pair_id": split_ids, "split": [pairs[p] for p in split_ids]}), folder / "splits.parquet")
    card = yaml.safe_dump({"configs": yaml_configs, "license": "cc-by-4.0"}, sort_keys=False)
    (folder / "README.md").write_text(f"---\n{card}---\n\n# {name} v{version}\n\nA test release.\n", encoding="utf-8")
    (folder / "build_report.json").write_text(json.dumps({"pairs": len(pairs)}) + "\n", encoding="utf-8")
    listed = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"):
        data = path.read_bytes()
        listed[path.relative_to(folder).as_posix()] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    manifest = {
        "format": 1,
        "twcasual_version": "0.1.0",
        "dataset": {"name": name, "version": version},
        "signature": signature or f"twcasual:0.1.0|version:{version}|pairs:{len(pairs)}",
        "configs": {c: {"recipe_version": v, "splits": counts.get(c, {})} for c, v in sorted(recipes.items())},
        "files": listed,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return folder
