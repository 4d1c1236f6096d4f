"""Fault injection for the tests: a small corpus, a build in its own process that strikes itself
(a signal at a chosen batch of pass 1 or pair of pass 2), a tiny tmpfs, an injected ENOSPC, and
a look at /proc for processes left behind."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def corpus(count: int) -> list[tuple[str, str]]:
    """`count` (English, casual zh) pairs shaped like the benchmark's, always the same for a count
    (a few planted near-duplicates among them, as in real data)."""
    from bench.corpus import iter_pairs

    return [(en, zh) for en, zh, _, _ in iter_pairs(count, seed=17)]


def write_corpus(folder: Path, count: int, files: int = 2) -> Path:
    """Write `count` pairs over `files` files in `folder` (paired-lines format)."""
    folder.mkdir(parents=True, exist_ok=True)
    pairs = corpus(count)
    for index in range(files):
        part = pairs[index::files]
        (folder / f"part{index}.txt").write_text("".join(f"{en}\n{zh}\n\n" for en, zh in part),
                                                 encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the sha256 of its bytes (empty when there is no folder)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path, cache: Path | None = None) -> list[str]:
    """What a build must not leave: staging folders, lock and old-output names beside OUT, and
    temporary entries in the cache."""
    found = sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))
    if cache is not None and cache.exists():
        found += sorted(str(p.relative_to(cache)) for p in cache.glob("*/*/.*"))
    return found


# --- a build that strikes itself -----------------------------------------------------------------

TRIPWIRE = '''
import os, signal, time
from pathlib import Path
from builder import Example, recipe

_SEEN = [0]

@recipe("tripwire", version="1.0.0")
def tripwire(pair, ctx):
    """Echo the pair; at the pair the test names, strike as the test says (in a worker)."""
    _SEEN[0] += 1
    spec = os.environ.get("TWCASUAL_TEST_STRIKE", "")
    if spec:
        where, at, how, whom = spec.split(":")
        if where == "2" and _SEEN[0] == int(at):
            strike(how, whom)
    yield Example(instruction="Say it again.", input=pair.en, output=pair.zh)


def strike(how, whom):
    if how == "WAIT":  # hold the build here until the test removes the gate file
        gate = Path(os.environ["TWCASUAL_TEST_GATE"])
        gate.with_suffix(".reached").touch()
        while gate.exists():
            time.sleep(0.05)
        return
    sig = getattr(signal, how)
    if whom == "group":
        os.killpg(os.getpgid(0), sig)
    elif whom == "main":
        os.kill(int(os.environ["TWCASUAL_TEST_MAIN"]), sig)
    else:
        os.kill(os.getpid(), sig)
    time.sleep(30)  # the signal ends this process (or its build) long before
'''

DRIVER = '''
import json, os, signal, sys
from pathlib import Path
# Ctrl-C as a terminal delivers it: a test run from a background job or under nohup inherits an
# ignored SIGINT, and a build that ignores it would (rightly) run on through the strike.
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, sys.argv[2])
from builder.config import config_from_mapping
from builder.pipeline import build
from tripwire import strike

base, out, cache = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
os.environ["TWCASUAL_TEST_MAIN"] = str(os.getpid())
spec = os.environ.get("TWCASUAL_TEST_STRIKE", "")
batches = [0]

def progress(count):
    batches[0] += 1
    if spec.startswith("1:") and batches[0] == int(spec.split(":")[1]):
        strike(*spec.split(":")[2:])

config = config_from_mapping(json.loads(sys.argv[1]), base=base)
try:
    result = build(config, out, progress=progress, cache_dir=Path(cache) if cache else None)
except Exception as error:  # the one line a user would see
    print(f"error: {error}", file=sys.stderr)
    sys.exit(1)
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(130)
print(json.dumps(result.cache))
'''


def build_config(batch_size: int = 25) -> dict[str, Any]:
    """The config of the struck builds: two workers, small batches, the tripwire recipe."""
    return {"input": {"paths": ["in"]}, "recipes": {"en-to-casual": {}, "tripwire.py": {}},
            "build": {"workers": 2, "batch_size": batch_size}}


def prepare(base: Path, pairs: int) -> None:
    """Write the corpus and the tripwire recipe under `base`."""
    write_corpus(base / "in", pairs)
    (base / "tripwire.py").write_text(TRIPWIRE, encoding="utf-8")


def start_build(base: Path, out: Path, cache: Path | None, strike: str = "",
                extra_env: dict[str, str] | None = None, config: dict[str, Any] | None = None,
                ) -> subprocess.Popen[str]:
    """Start a build of `base` in its own process group; `strike` is `PASS:AT:SIGNAL:WHOM`."""
    env = {**os.environ, "TWCASUAL_TEST_STRIKE": strike, **(extra_env or {})}
    command = [sys.executable, "-c", DRIVER, json.dumps(config or build_config()), str(base), str(out),
               str(cache or "")]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    """Wait for a build process (bounded: a hang fails the test and kills the group)."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process.pid)
        process.communicate()
        pytest.fail(f"the build did not end within {timeout} s (a hang); group {process.pid} killed")
    return process.returncode, out, err


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in process group `pgid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_for_group_to_end(pgid: int, seconds: float = 10.0) -> list[int]:
    """Wait (bounded) for every process of a group to end; return those still alive."""
    deadline = time.monotonic() + seconds
    while (alive := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def kill_group(pgid: int) -> None:
    for pid in group_members(pgid):
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


# --- a full or read-only file system --------------------------------------------------------------

@contextmanager
def tiny_tmpfs(where: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    """Mount a tmpfs of `size` at `where` for the block (skip the test where mounting is not
    possible: not root, or no CAP_SYS_ADMIN in this container)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root (the injected-ENOSPC variant covers this case)")
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the injected variant covers it")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill a file system with a ballast file until about `leave` bytes are free."""
    free = shutil.disk_usage(disk).free
    with open(disk / "ballast", "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))


def no_space(after: int = 0, code: int = errno.ENOSPC) -> Callable[..., Any]:
    """A stand-in for a write function: it lets `after` calls through, then fails like a full disk
    (an OSError without a file name, as pyarrow raises it)."""
    calls = [0]

    def wrap(real: Callable[..., Any]) -> Callable[..., Any]:
        def failing(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] > after:
                raise OSError(code, os.strerror(code))
            return real(*args, **kwargs)
        return failing

    return wrap
