"""`twcasual release`: build against the latest release on the Hub, then push the next version."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from builder.cli.build import add_cache_options
from builder.errors import ConfigError, TwcasualError

__all__ = ["add_release_command", "run_release"]


def add_release_command(commands: Any) -> None:
    """Register `twcasual release`."""
    p = commands.add_parser("release", help="build against the latest release, then push it as the next version")
    p.add_argument("--config", help="build config (default: ./twcasual.toml if present)")
    p.add_argument("--repo", help="Hub dataset repo (default: [dataset] repo in the config)")
    p.add_argument("--out", default="dist", help="output folder (default: dist)")
    p.add_argument("--force", action="store_true",
                   help="replace --out even when it is not a previous twcasual output")
    p.add_argument("--dataset-version", help="dataset version (overrides the config)")
    p.add_argument("--private", action="store_true", help="create the repo as private")
    p.add_argument("--dry-run", action="store_true", help="build, then print the push plan; send nothing")
    add_cache_options(p, config_wins=False)
    p.set_defaults(handler=run_release)


def _latest_release(repo: str) -> str:
    """`repo` when it exists on the Hub with a vX.Y.Z tag (the release to build against), else ""."""
    from huggingface_hub import HfApi

    from builder.release.hubcalls import bound_session_timeout, describe_error, hub_errors
    from builder.release.previous import load_previous

    bound_session_timeout()
    try:
        exists = HfApi().repo_exists(repo, repo_type="dataset")
    except hub_errors() as error:
        raise TwcasualError(f"cannot reach {repo} on the Hub: {describe_error(error)}") from None
    return repo if exists and load_previous(repo) is not None else ""


def run_release(args: argparse.Namespace) -> int:
    """Handle `twcasual release`: build against the latest release (stable splits, changelog), then push."""
    from builder.config import config_or_default
    from builder.pipeline import build
    from builder.release.hub import push

    config = config_or_default(args.config)
    repo = args.repo or config.repo
    if not repo:
        raise ConfigError("release needs --repo org/name (or [dataset] repo in the config)")
    if args.dataset_version:
        config = replace(config, version=args.dataset_version)
    config = replace(config, previous=config.previous or _latest_release(repo))
    # --no-cache means no cache at all: [build] cache_dir must not come back through the config.
    build(replace(config, cache_dir=None), Path(args.out),
          cache_dir=None if args.no_cache else Path(args.cache_dir), force=args.force)
    push(Path(args.out), repo, private=args.private, dry_run=args.dry_run)
    return 0
