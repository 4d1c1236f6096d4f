"""The example plugin installs like a real third-party package and shows up in list and build.

This test INSTALLS examples/recipe-plugin with pip (offline: --no-index --no-deps
--no-build-isolation) into a temporary folder, never into the venv, and runs twcasual in
subprocesses with that folder on PYTHONPATH, so other tests never see the plugin.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.installs

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "recipe-plugin"
PLUGIN = ("particle-hint", "0.1.0", "twcasual-particle-hint")

# Fresh pairs with and without particles.
PAIRS = [
    ("Remember to bring your ID card.", "記得帶身分證喔。"),
    ("Fine, see you tomorrow then.", "好啦，那明天見囉。"),
    ("The store opens at nine.", "店九點開門。"),
    ("This cake is really good.", "這個蛋糕真的很好吃耶！"),
    ("Let us take the MRT instead; it is faster.", "還是搭捷運吧，比較快啦。"),
    ("The printer on the third floor is broken again.", "三樓那台印表機又壞了。"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Install the example plugin into a private folder and return that folder."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools is not installed: the example plugin cannot be built offline")
    root = tmp_path_factory.mktemp("plugin")
    source = root / "source"
    # Build from a copy: an in-tree build would leave build/ and *.egg-info in the repository.
    shutil.copytree(
        EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    target = root / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    yield target


def _twcasual(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
    )
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_recipes_list_shows_the_plugin_with_its_package(site: Path) -> None:
    """`twcasual recipes list` shows name, version, package name and version, and the description."""
    done = _twcasual(site, "recipes", "list", "--json")
    assert done.returncode == 0, done.stderr
    listed = {row["name"]: row for row in json.loads(done.stdout)}
    name, version, package = PLUGIN
    assert listed[name]["version"] == version
    assert listed[name]["origin"] == f"{package} {version}"
    assert listed[name]["description"].startswith("Ask for a casual zh-TW rendering")
    assert listed["en-to-casual"]["origin"] == "built-in"

    table = _twcasual(site, "recipes", "list")
    (line,) = [row for row in table.stdout.splitlines() if row.startswith(f"{name} ")]
    assert line.split()[:4] == [name, version, package, version]


def test_recipes_show_renders_the_plugin(site: Path) -> None:
    """`twcasual recipes show` runs the installed recipe with a parameter."""
    done = _twcasual(
        site,
        "recipes",
        "show",
        "particle-hint",
        "--en",
        PAIRS[1][0],
        "--zh",
        PAIRS[1][1],
        "--param",
        "max_per_pair=2",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"recipe": "particle-hint"') == 2
    assert '"extra": "{\\"particle\\": \\"囉\\"}"' in done.stdout


def test_a_build_selecting_the_plugin_writes_its_config(site: Path, tmp_path: Path) -> None:
    """A config selecting particle-hint builds an OUT/particle-hint/ config with its records."""
    (tmp_path / "pairs.txt").write_text(
        "".join(f"{en}\n{zh}\n" for en, zh in PAIRS), encoding="utf-8"
    )
    (tmp_path / "build.toml").write_text(
        '[input]\npaths = ["pairs.txt"]\n\n[split]\nratios = { train = 1.0 }\n\n'
        "[recipes.en-to-casual]\n\n[recipes.particle-hint]\nmax_per_pair = 2\n",
        encoding="utf-8",
    )
    done = _twcasual(
        site, "build", "--config", "build.toml", "--out", "out", "--quiet", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    shards = sorted((tmp_path / "out" / "particle-hint").glob("*.parquet"))
    assert shards, "no particle-hint shards"
    rows = pq.read_table(shards[0], columns=["recipe", "recipe_version", "extra", "zh"]).to_pylist()
    assert {r["recipe"] for r in rows} == {"particle-hint"}
    assert {r["recipe_version"] for r in rows} == {"0.1.0"}
    particles = sorted(json.loads(r["extra"])["particle"] for r in rows)
    assert particles == sorted(["喔", "啦", "囉", "耶", "吧", "啦"])
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert "particle-hint@0.1.0" in json.dumps(manifest)


def test_the_plugin_own_tests_pass_with_the_kit(site: Path, tmp_path: Path) -> None:
    """The example's own pytest suite, which uses builder.testing, passes against the installed copy."""
    env = dict(os.environ, PYTHONPATH=str(site))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "4 passed" in done.stdout
