"""Atomic output: build into a hidden folder beside OUT, then swap it in; never replace what is not ours.

A build that fails leaves the previous OUT untouched and removes its staging folder. A build
killed outright (SIGKILL, power loss) can leave a staging folder behind; the next build into the
same OUT removes it, and restores OUT if the kill came between the two renames of the swap.

OUT is replaced only when it is missing, empty, or a previous twcasual output (its manifest says
so and it holds no file the manifest does not list); anything else is refused unless `force`.
Some targets are refused even with `force`: `/`, the home folder, the working folder or a folder
above them, a symbolic link, and a folder that is, holds or lies inside an input.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from builder.engine.pids import pid_alive
from builder.errors import BuildError
from builder.limits import LEFT_AS_IT_WAS
from builder.output.layout import MANIFEST

__all__ = ["check_target", "foreign_files", "is_twcasual_output", "staged_output", "sweep_stale",
           "terminable"]

_SHOWN = 5  # foreign file names listed in a refusal

_STAGE = ".{name}.building-"
_OLD = ".{name}.previous-"



def sweep_stale(out: Path) -> list[str]:
    """Remove staging folders of dead builds into `out`; bring back OUT lost mid-swap. Return one
    line for each thing done."""
    parent = out.parent
    done: list[str] = []
    if not parent.is_dir():
        return done
    for entry in sorted(parent.iterdir()):
        for prefix in (_STAGE.format(name=out.name), _OLD.format(name=out.name)):
            if not entry.name.startswith(prefix):
                continue
            pid_text = entry.name[len(prefix):].split("-", 1)[0]
            if pid_text.isdigit() and pid_alive(int(pid_text)) and int(pid_text) != os.getpid():
                continue
            if prefix.endswith("previous-") and not out.exists():
                entry.rename(out)  # killed between the two renames: the old OUT is still whole
                done.append(f"put back {out} from {entry.name}, left by a build killed while "
                            "swapping it in")
            else:
                shutil.rmtree(entry, ignore_errors=True)
                done.append(f"removed {entry}, left by a build (pid {pid_text}) that did not finish")
    return done


def _manifest_files(folder: Path) -> dict[str, int] | None:
    """The files a twcasual manifest in `folder` lists (name -> size), or None if it has none."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not (isinstance(files, dict) and "twcasual_version" in manifest and "signature" in manifest):
        return None
    sizes = {}
    for name, entry in files.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("size"), int):
            return None
        sizes[name] = entry["size"]
    return sizes


def is_twcasual_output(folder: Path) -> bool:
    """Tell whether `folder` holds a twcasual manifest (a build's output, or a copy of one)."""
    return _manifest_files(folder) is not None


def foreign_files(folder: Path) -> list[str] | None:
    """The files in `folder` that are not part of the twcasual output its manifest describes.

    None when the folder is no twcasual output at all; [] when every file is one the manifest
    lists with the size it lists (files the manifest lists may be missing: they were ours).
    """
    listed = _manifest_files(folder)
    if listed is None:
        return None
    foreign = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if relative == MANIFEST:
                continue
            size = listed.get(relative)
            if size is None or path.is_symlink() or path.stat().st_size != size:
                foreign.append(relative)
    for root, dirs, names in os.walk(folder):  # empty folders the user made count too
        if not dirs and not names and Path(root) != folder:
            foreign.append(Path(root).relative_to(folder).as_posix() + "/")
    return foreign


def _related(a: Path, b: Path) -> bool:
    """Whether one path is the other or lies inside it."""
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def check_target(out: Path, *, inputs: Iterable[Path] = (), force: bool = False) -> Path:
    """Refuse an output folder a build must not replace; return it as an absolute path.

    `inputs` are every path the build reads (input files and folders, the config file, the
    cache folder). Checked before any work is done, and again just before the swap.
    """
    given = out
    if out.is_symlink():
        raise BuildError(f"{given}: the output folder is a symbolic link (to {os.readlink(out)}); "
                         "give the real folder as --out")
    out = Path(os.path.abspath(out))
    real = out.resolve()
    protected = {Path("/"): "the root folder", Path.home().resolve(): "your home folder",
                 Path.cwd().resolve(): "the working folder"}
    for place, what in protected.items():
        if real == place or place.is_relative_to(real):
            raise BuildError(f"{given}: refusing to replace {what} or a folder above it; choose an "
                             "output folder of its own, such as dist")
    for path in inputs:
        source = Path(os.path.realpath(path))  # unlike resolve(), no RuntimeError on a symlink loop
        if _related(real, source):
            where = ("is" if real == source else "is inside" if real.is_relative_to(source)
                     else "holds")
            raise BuildError(f"{given}: the output folder {where} {path}, which the build reads; "
                             "choose an output folder outside every input")
    if not out.exists():
        return out
    if not out.is_dir():
        raise BuildError(f"{given}: output path exists and is not a folder")
    if force or not any(out.iterdir()):
        return out
    foreign = foreign_files(out)
    if foreign is None:
        raise BuildError(f"{given}: the folder exists and is not a twcasual output (no twcasual "
                         f"{MANIFEST}); choose another --out, or pass --force to replace it")
    if foreign:
        shown = ", ".join(foreign[:_SHOWN]) + (f" and {len(foreign) - _SHOWN} more"
                                               if len(foreign) > _SHOWN else "")
        raise BuildError(f"{given}: the previous output holds files twcasual did not write "
                         f"({shown}); move them out, or pass --force to replace them")
    return out


class _Terminated(BaseException):
    """SIGTERM during a build: unwind like Ctrl-C so the staging folder is removed."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


@contextmanager
def terminable() -> Iterator[None]:
    """Unwind the block on SIGTERM (cleaning up on the way) and end it with a one-line BuildError.

    Blocks nest; outside the main thread (where no handler can be set) SIGTERM keeps its default.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        previous = None
    try:
        yield
    except _Terminated:
        raise BuildError(f"build terminated (SIGTERM); {LEFT_AS_IT_WAS}") from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@contextmanager
def staged_output(out: Path, *, inputs: Iterable[Path] = (), force: bool = False,
                  notify: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces `out`, on any failure it is removed.

    `out` is checked with `check_target` before the staging folder is made and again before the
    swap (the folder may have changed while the build ran). Leftovers of dead builds into `out`
    are removed first, each said in one line to `notify`.
    """
    inputs = tuple(inputs)
    given = out
    out = check_target(out, inputs=inputs, force=force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"{out.parent}: cannot create output folder: {error.strerror}") from None
    for line in sweep_stale(out):
        if notify is not None:
            notify(line)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    stage = out.parent / (_STAGE.format(name=out.name) + tag)
    with terminable():
        stage.mkdir()
        try:
            yield stage
            check_target(given, inputs=inputs, force=force)
            old = out.parent / (_OLD.format(name=out.name) + tag)
            if out.exists():
                out.rename(old)
            stage.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
