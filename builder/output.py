"""Atomic output: build into a hidden folder beside OUT, then swap it in.

A build that fails leaves the previous OUT untouched and removes its staging folder. A build
killed outright (SIGKILL, power loss) can leave a staging folder behind; the next build into the
same OUT removes it, and restores OUT if the kill came between the two renames of the swap.
"""

from __future__ import annotations

import os
import shutil
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from builder.errors import BuildError

__all__ = ["staged_output", "sweep_stale"]

_STAGE = ".{name}.building-"
_OLD = ".{name}.previous-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(out: Path) -> None:
    """Remove staging folders of dead builds into `out`; bring back OUT lost mid-swap."""
    parent = out.parent
    if not parent.is_dir():
        return
    for entry in sorted(parent.iterdir()):
        for prefix in (_STAGE.format(name=out.name), _OLD.format(name=out.name)):
            if not entry.name.startswith(prefix):
                continue
            pid_text = entry.name[len(prefix):].split("-", 1)[0]
            if pid_text.isdigit() and _pid_alive(int(pid_text)) and int(pid_text) != os.getpid():
                continue
            if prefix.endswith("previous-") and not out.exists():
                entry.rename(out)  # killed between the two renames: the old OUT is still whole
            else:
                shutil.rmtree(entry, ignore_errors=True)


class _Terminated(BaseException):
    """SIGTERM during a build: unwind like Ctrl-C so the staging folder is removed."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces `out`, on any failure it is removed."""
    out = out.absolute()
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out.name}: output path exists and is not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"{out.parent}: cannot create output folder: {error.strerror}") from None
    sweep_stale(out)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    stage = out.parent / (_STAGE.format(name=out.name) + tag)
    stage.mkdir()
    previous_handler = None
    try:
        previous_handler = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: cannot install handlers there
        previous_handler = None
    try:
        yield stage
        old = out.parent / (_OLD.format(name=out.name) + tag)
        if out.exists():
            out.rename(old)
        stage.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except _Terminated:
        shutil.rmtree(stage, ignore_errors=True)
        raise BuildError("build terminated (SIGTERM); previous output left as it was") from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
