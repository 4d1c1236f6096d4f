"""The `twcasual` command: parse arguments, call the API, print. Errors are one line on stderr.

One module per command (build, release, recipes, annotate, push, inspect), each registering its parser and
handling its arguments; this module only assembles them and turns the project's errors into one
line and an exit code (a traceback only with --debug).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from builder.cli.annotate import add_annotate_command
from builder.cli.build import add_build_command
from builder.cli.inspect import add_inspect_command
from builder.cli.push import add_push_command
from builder.cli.recipes import add_recipes_command
from builder.cli.release import add_release_command
from builder.cli.stdout import GuardedStdout, StdoutError
from builder.errors import TwcasualError
from builder.version import __version__

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the CLI reference)."""
    main_parser = argparse.ArgumentParser(
        prog="twcasual",
        description="Build style-transfer datasets: formal English to casual Taiwanese Mandarin.",
    )
    main_parser.add_argument("--version", action="version", version=f"twcasual {__version__}")
    main_parser.add_argument("--debug", action="store_true",
                             help="show tracebacks on errors (builds run in one process)")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (add_build_command, add_release_command, add_recipes_command, add_annotate_command,
                add_push_command, add_inspect_command):
        add(commands)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    stdout, sys.stdout = sys.stdout, GuardedStdout(sys.stdout)  # type: ignore[assignment]
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a full device or a closed pipe says so here, not at exit
        return code
    except StdoutError as error:
        _silence(stdout)
        if error.broken_pipe:
            return 141  # the reader went away (`| head`): as quiet as any Unix tool
        print(f"twcasual: error: {error}", file=sys.stderr)
        return error.exit_code
    except TwcasualError as error:
        if args.debug:
            raise
        print(f"twcasual: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("twcasual: interrupted", file=sys.stderr)
        return 130
    finally:
        sys.stdout = stdout


def _silence(stream: TextIO) -> None:
    """Point a failed stream's descriptor at /dev/null: Python's own flush at exit must not fail
    (and print a traceback) again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, AttributeError, ValueError):  # no descriptor (captured in tests): nothing to do
        pass
