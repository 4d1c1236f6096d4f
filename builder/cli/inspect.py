"""`twcasual inspect`: write one self-contained HTML page of what a build made and set aside."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from builder.output.inspect import DEFAULT_SAMPLE

__all__ = ["add_inspect_command", "run_inspect"]


def add_inspect_command(commands: Any) -> None:
    """Register `twcasual inspect`."""
    p = commands.add_parser("inspect", help="write one HTML page of what a build made and what it set aside")
    p.add_argument("out", metavar="OUT", help="the output folder of a build")
    p.add_argument("--html", metavar="FILE",
                   help="where to write the page (default: OUT.html beside the folder; never inside it)")
    p.add_argument("--sample", type=int, default=DEFAULT_SAMPLE, metavar="N",
                   help=f"records shown per config and split, drawn with a fixed seed (default: {DEFAULT_SAMPLE})")
    p.set_defaults(handler=run_inspect)


def run_inspect(args: argparse.Namespace) -> int:
    """Handle `twcasual inspect`: write the page and print its path."""
    from builder.output.inspect import write_page

    print(write_page(Path(args.out), Path(args.html) if args.html else None, args.sample))
    return 0
