"""Shared fixtures. The Hub is unreachable here: keep every test offline and its caches private."""

from __future__ import annotations

import os
import tempfile

# Must be set before datasets or huggingface_hub is imported anywhere in the test session.
_HF_HOME = tempfile.mkdtemp(prefix="twcasual-hf-home-")
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_DATASETS_CACHE"] = os.path.join(_HF_HOME, "datasets")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_DATASETS_DISABLE_PROGRESS_BARS"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# CLI builds in tests get a private build cache, never the working folder's .twcasual-cache.
os.environ["TWCASUAL_CACHE_DIR"] = os.path.join(_HF_HOME, "twcasual-cache")

from readcheck import read  # noqa: E402,F401  (the reader tests' fixture; imported after the environment is set)


def pytest_addoption(parser):  # type: ignore[no-untyped-def]
    """--fault-runs N / --fault-seed S: how many kill points tests/test_fault_kills.py tries."""
    parser.addoption("--fault-runs", type=int, default=0,
                     help="kill a build at N seeded points (default: one run of each kind, 6)")
    parser.addoption("--fault-seed", type=int, default=17, help="seed of the kill points (default 17)")
