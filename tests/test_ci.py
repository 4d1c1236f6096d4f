""".ci/run gives the browser test a browser where it can, never fails because it could not, and still
fails when the tests fail. Run with stand-ins for apt-get, make and the browser on an empty PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None or shutil.which("dirname") is None, reason="needs bash and dirname")


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!{BASH}\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def run_ci(tmp_path: Path, *, apt: str | None = "exit 0", browser: bool = False, make: str = "exit 0",
           uid: int = 0) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run .ci/run with only the given stand-ins on PATH; return the process and the commands they logged."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to(shutil.which("dirname") or "")
    _stub(bin_dir, "id", f"echo {uid}")
    _stub(bin_dir, "make", f'echo "make $*" >> {log}; {make}')
    if apt is not None:
        _stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}; {apt}')
    if browser:
        _stub(bin_dir, "chromium", "exit 0")
    env = {k: v for k, v in os.environ.items() if k != "CHROMIUM"} | {"PATH": str(bin_dir)}
    proc = subprocess.run([str(BASH), str(ROOT / ".ci" / "run")], capture_output=True, text=True, env=env)
    return proc, log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_installs_chromium_and_a_cjk_font_when_missing(tmp_path: Path) -> None:
    """No browser and apt-get present: update, install chromium and the font quietly, then the tests."""
    proc, calls = run_ci(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert calls[0] == "apt-get update -qq"
    assert calls[1].startswith("apt-get install -y -qq") and calls[1].endswith("chromium fonts-wqy-microhei")
    assert calls[2:] == ["make test"]


def test_a_failed_install_does_not_fail_ci(tmp_path: Path) -> None:
    """apt-get failing leaves a note and the tests still run (the browser test then skips with its reason)."""
    proc, calls = run_ci(tmp_path, apt="exit 100")
    assert proc.returncode == 0
    assert "could not install Chromium" in proc.stderr
    assert calls == ["apt-get update -qq", "make test"]


def test_no_root_and_no_sudo_is_a_failed_install(tmp_path: Path) -> None:
    """Without root or sudo nothing is attempted with apt-get, and CI goes on."""
    proc, calls = run_ci(tmp_path, uid=1000)
    assert proc.returncode == 0 and "could not install Chromium" in proc.stderr
    assert calls == ["make test"]


def test_nothing_is_installed_where_a_browser_is_found_or_apt_get_is_missing(tmp_path: Path) -> None:
    """A browser on PATH, or no apt-get: straight to the tests."""
    for name, options in (("browser", {"browser": True}), ("no-apt", {"apt": None})):
        (tmp_path / name).mkdir()
        proc, calls = run_ci(tmp_path / name, **options)
        assert proc.returncode == 0 and calls == ["make test"], name


def test_failing_tests_still_fail_ci(tmp_path: Path) -> None:
    """The exit code of `make test` is CI's."""
    proc, _ = run_ci(tmp_path, browser=True, make="exit 2")
    assert proc.returncode == 2
