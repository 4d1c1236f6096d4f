"""`twcasual annotate`: print the style annotation of zh lines, with their register, as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from builder.errors import ConfigError

__all__ = ["add_annotate_command", "run_annotate"]


def add_annotate_command(commands: Any) -> None:
    """Register `twcasual annotate`."""
    p = commands.add_parser("annotate", help="print the style annotation of zh lines (particles, interjections, "
                            "markers, Mainland terms, casual score and register) as JSON lines")
    p.add_argument("file", nargs="?", help="file of zh lines (default: stdin)")
    p.add_argument("--backend", default="lexicon", help="lexicon (default) or ckip")
    p.add_argument("--device", type=int, help="ckip: -1 for CPU, N for cuda:N")
    p.add_argument("--model", help="ckip: model name or local folder")
    p.add_argument("--batch-size", type=int, help="ckip: batch size")
    p.set_defaults(handler=run_annotate)


def run_annotate(args: argparse.Namespace) -> int:
    """Handle `twcasual annotate`: one JSON object per input line, in order."""
    from builder.annotate import annotate_lines

    options: dict[str, Any] = {}
    if args.device is not None:
        options["device"] = args.device
    if args.model:
        options["model_name"] = args.model
    if args.batch_size:
        options["batch_size"] = args.batch_size
    source = sys.stdin if args.file in (None, "-") else _open_text(args.file)
    try:
        lines = (line.rstrip("\r\n") for line in source)
        for row in annotate_lines(lines, backend=args.backend, **options):
            print(json.dumps(row, ensure_ascii=False))
    finally:
        if source is not sys.stdin:
            source.close()
    return 0


def _open_text(path: str) -> IO[str]:
    try:
        return open(path, encoding="utf-8-sig")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
