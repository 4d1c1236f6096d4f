"""`twcasual push`: publish a built dataset folder to the Hub as one commit and a version tag."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from builder.errors import ConfigError

__all__ = ["add_push_command", "run_push"]


def add_push_command(commands: Any) -> None:
    """Register `twcasual push OUT [--repo org/name] [--config F] [--private] [--dry-run]`."""
    p = commands.add_parser(
        "push", help="publish a built dataset folder to the Hub: one commit and a version tag",
        description="Publish OUT as one commit on a Hub dataset repo, then tag it v<dataset version>."
        " The token comes from HF_TOKEN or `hf auth login`.",
    )
    p.add_argument("out", metavar="OUT", help="the built dataset folder")
    p.add_argument("--repo", metavar="ORG/NAME",
                   help="Hub dataset repo, created if missing (default: [dataset] repo in the config)")
    p.add_argument("--config", help="where --repo defaults from (default: ./twcasual.toml if present)")
    p.add_argument("--private", action="store_true",
                   help="create the repo as private (an existing repo keeps its visibility)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the plan (files, sizes, deletions, commit message, tag); send nothing")
    p.set_defaults(handler=run_push)


def run_push(args: argparse.Namespace) -> int:
    """Handle `twcasual push`; errors surface as TwcasualError (one line)."""
    from builder.config import config_or_default
    from builder.release.hub import push

    repo = args.repo or config_or_default(args.config).repo
    if not repo:
        raise ConfigError("push needs --repo org/name (or [dataset] repo in the config)")
    push(Path(args.out), repo, private=args.private, dry_run=args.dry_run)
    return 0
