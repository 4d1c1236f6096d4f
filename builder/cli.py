"""The `twcasual` command: parse arguments, call the API, print. Errors are one line on stderr."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import builder
from builder.errors import ConfigError, TwcasualError

__all__ = ["main"]


def _cmd_build(args: argparse.Namespace) -> int:
    from builder.config import BuildConfig, config_or_default
    from builder.pipeline import build

    # --input without --config builds from the defaults, not from ./twcasual.toml
    config = BuildConfig() if args.input and not args.config else config_or_default(args.config)
    if args.input:
        config = replace(config, inputs=tuple(Path(p) for p in args.input))
    if args.format:
        config = replace(config, input_format=args.format)
    if args.version:
        config = replace(config, version=args.version)
    if args.previous:
        config = replace(config, previous=args.previous)
    if getattr(args, "debug", False):
        config = replace(config, workers=1)  # tracebacks straight from the recipe, not a worker
    if args.export:
        formats = tuple(dict.fromkeys([*config.formats, *args.export]))
        config = replace(config, formats=formats)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(unit=" pairs", desc="reading", file=sys.stderr, mininterval=0.5,
                   disable=None, leave=False)
    try:
        cache_dir = None if args.no_cache else (config.cache_dir or Path(args.cache_dir))
        result = build(replace(config, cache_dir=None), Path(args.out), skip_errors=args.skip_errors,
                       progress=bar.update if bar is not None else None, cache_dir=cache_dir,
                       force=args.force)
    finally:
        if bar is not None:
            bar.close()
    if args.timings or args.timings_json:
        rows = result.timings.ordered()
        if args.timings_json:
            Path(args.timings_json).write_text(json.dumps(dict(rows), indent=2) + "\n", encoding="utf-8")
        if args.timings:
            for stage, seconds in rows:
                print(f"  {stage:<11} {seconds:8.2f} s", file=sys.stderr)
    totals = result.report["totals"]
    per_split: dict[str, int] = {}
    for splits in result.counts.values():
        for split, rows in splits.items():
            per_split[split] = per_split.get(split, 0) + rows
    set_aside = totals["unpaired"] + sum(totals["rejected"].values())
    hits = result.cache.get("hits", {})
    if hits.get("output"):
        print("(unchanged inputs and config: output restored from the build cache)", file=sys.stderr)
    print(
        f"built {args.out}: {totals['pairs']} pairs from {totals['lines']} lines in {totals['files']} files; "
        f"{set_aside} lines set aside, {totals['duplicates']} duplicates dropped; records "
        + ", ".join(f"{s} {n}" for s, n in sorted(per_split.items()))
    )
    return 0


def _cmd_release(args: argparse.Namespace) -> int:
    """Build against the latest release on the Hub (stable splits, changelog), then push."""
    from builder.config import config_or_default
    from builder.pipeline import build
    from builder.release.hub import push
    from builder.release.previous import load_previous

    config = config_or_default(args.config)
    repo = args.repo or config.repo
    if not repo:
        raise ConfigError("release needs --repo org/name (or [dataset] repo in the config)")
    if args.dataset_version:
        config = replace(config, version=args.dataset_version)
    previous = config.previous
    if not previous:
        from huggingface_hub import HfApi

        from builder.errors import TwcasualError
        from builder.release.hubcalls import bound_session_timeout, describe_error, hub_errors

        # the newest vX.Y.Z tag of the repo, if it exists and has one (a first release has none)
        bound_session_timeout()
        try:
            exists = HfApi().repo_exists(repo, repo_type="dataset")
        except hub_errors() as error:
            raise TwcasualError(f"cannot reach {repo} on the Hub: {describe_error(error)}") from None
        if exists and load_previous(repo) is not None:
            previous = repo
    config = replace(config, previous=previous)
    build(config, Path(args.out), cache_dir=None if args.no_cache else Path(args.cache_dir),
          force=args.force)
    push(Path(args.out), repo, private=args.private, dry_run=args.dry_run)
    return 0


def _cmd_recipes_list(args: argparse.Namespace) -> int:
    from builder.contract.registry import default_registry

    registry = default_registry()
    for path in args.file or ():
        registry.load_file(Path(path), display=path)
    rows = [(r.name, r.version, r.origin, r.description) for r in registry]
    if args.json:
        print(json.dumps([dict(zip(("name", "version", "origin", "description"), r)) for r in rows],
                         ensure_ascii=False, indent=2))
        return 0
    widths = [max(len(r[i]) for r in rows + [("name", "version", "from", "")]) for i in range(3)]
    print(f"{'name':<{widths[0]}}  {'version':<{widths[1]}}  {'from':<{widths[2]}}  description")
    for name, version, origin, description in rows:
        print(f"{name:<{widths[0]}}  {version:<{widths[1]}}  {origin:<{widths[2]}}  {description}")
    return 0


def _cmd_recipes_show(args: argparse.Namespace) -> int:
    from builder.contract.apply import Step, apply_recipes
    from builder.contract.registry import default_registry
    from builder.output.records import records_to_table
    from builder.testing import new_pair

    registry = default_registry()
    for path in args.file or ():
        registry.load_file(Path(path), display=path)
    recipe = registry.get(args.name)
    params: dict[str, Any] = {}
    for item in args.param or ():
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise ConfigError(f"--param {item!r}: expected KEY=VALUE")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    try:  # normalised and annotated exactly as a build would
        pair = new_pair(args.en, args.zh, file="<command line>")
    except ValueError as error:
        raise ConfigError(str(error)) from None
    records = apply_recipes(pair, [Step(recipe, params)])
    if not records:
        print(f"recipe '{recipe.name}' {recipe.version} makes no record for this pair (it skips it)")
        return 0
    for row in records_to_table(records).to_pylist():
        print(json.dumps(row, ensure_ascii=False, indent=2))
    return 0


def _cmd_annotate(args: argparse.Namespace) -> int:
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


def _open_text(path: str) -> Any:
    try:
        return open(path, encoding="utf-8-sig")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None


def parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the CLI reference)."""
    main_parser = argparse.ArgumentParser(
        prog="twcasual",
        description="Build style-transfer datasets: formal English to casual Taiwanese Mandarin.",
    )
    main_parser.add_argument("--version", action="version", version=f"twcasual {builder.__version__}")
    main_parser.add_argument("--debug", action="store_true",
                             help="show tracebacks on errors (builds run in one process)")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("build", help="build a dataset folder from paired lines")
    p.add_argument("--config", help="build config (default: ./twcasual.toml if present)")
    p.add_argument("--input", action="append", metavar="PATH",
                   help="input file or folder (repeatable; overrides the config)")
    p.add_argument("--format", choices=["auto", "lines", "tsv", "jsonl"], help="input format (default: by extension)")
    p.add_argument("--out", default="dist", help="output folder (default: dist)")
    p.add_argument("--force", action="store_true",
                   help="replace --out even when it is not a previous twcasual output")
    p.add_argument("--export", action="append", choices=["jsonl", "llama-factory"],
                   help="extra export format (repeatable)")
    p.add_argument("--dataset-version", dest="version", help="dataset version (overrides the config)")
    p.add_argument("--previous", help="previous release (folder or org/name@vX.Y.Z) to keep splits stable against")
    p.add_argument("--skip-errors", action="store_true", help="set aside pairs a recipe fails on instead of stopping")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--cache-dir", default=os.environ.get("TWCASUAL_CACHE_DIR", ".twcasual-cache"),
                   metavar="DIR", help="build cache (default: $TWCASUAL_CACHE_DIR or .twcasual-cache; "
                   "[build] cache_dir in the config wins)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")
    p.add_argument("--timings", action="store_true",
                   help="print seconds per stage (worker stages add up their workers)")
    p.add_argument("--timings-json", metavar="FILE", help="write seconds per stage as JSON")
    p.set_defaults(handler=_cmd_build)

    p = commands.add_parser("release", help="build against the latest release, then push it as the next version")
    p.add_argument("--config", help="build config (default: ./twcasual.toml if present)")
    p.add_argument("--repo", help="Hub dataset repo (default: [dataset] repo in the config)")
    p.add_argument("--out", default="dist", help="output folder (default: dist)")
    p.add_argument("--force", action="store_true",
                   help="replace --out even when it is not a previous twcasual output")
    p.add_argument("--dataset-version", help="dataset version (overrides the config)")
    p.add_argument("--private", action="store_true", help="create the repo as private")
    p.add_argument("--dry-run", action="store_true", help="build, then print the push plan; send nothing")
    p.add_argument("--cache-dir", default=os.environ.get("TWCASUAL_CACHE_DIR", ".twcasual-cache"),
                   metavar="DIR", help="build cache (default: $TWCASUAL_CACHE_DIR or .twcasual-cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")
    p.set_defaults(handler=_cmd_release)

    recipes = commands.add_parser("recipes", help="list or try recipes").add_subparsers(
        dest="recipes_command", required=True, metavar="SUBCOMMAND")
    p = recipes.add_parser("list", help="show every installed recipe")
    p.add_argument("--file", action="append", help="also load recipes from this Python file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_recipes_list)
    p = recipes.add_parser("show", help="render the records a recipe makes for one pair")
    p.add_argument("name")
    p.add_argument("--en", required=True, help="the formal English line")
    p.add_argument("--zh", required=True, help="the casual zh-TW line")
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="recipe parameter (JSON value)")
    p.add_argument("--file", action="append", help="also load recipes from this Python file")
    p.set_defaults(handler=_cmd_recipes_show)

    p = commands.add_parser("annotate", help="print the style annotation of zh lines as JSON lines")
    p.add_argument("file", nargs="?", help="file of zh lines (default: stdin)")
    p.add_argument("--backend", default="lexicon", help="lexicon (default) or ckip")
    p.add_argument("--device", type=int, help="ckip: -1 for CPU, N for cuda:N")
    p.add_argument("--model", help="ckip: model name or local folder")
    p.add_argument("--batch-size", type=int, help="ckip: batch size")
    p.set_defaults(handler=_cmd_annotate)

    try:
        from builder.release.hub import add_push_command
    except ImportError:  # the hub module is optional at import time only while it is being built
        pass
    else:
        add_push_command(commands)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except TwcasualError as error:
        if args.debug:
            raise
        print(f"twcasual: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("twcasual: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141


if __name__ == "__main__":
    sys.exit(main())
