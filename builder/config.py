"""The build config (`twcasual.toml`): what to read, which recipes to run, how to dedup and split."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.contract.params import check_core, split_table
from builder.errors import ConfigError
from builder.ingest.columns import Columns
from builder.ingest.sources import INPUT_KEYS, MAX_LINE_CHARS, InputSource, input_settings
from builder.split import DEFAULT_RATIOS, LARGE_GROUP

__all__ = ["DEFAULT_CONFIG", "BuildConfig", "RecipeSelection", "config_from_mapping", "config_or_default",
           "load_config"]

# The recipes a config without [recipes] selects, in this order (which the build signature, the
# card and the manifest follow). Which recipes are built in is said once, by the entry points in
# pyproject.toml; tests/test_one_home.py checks that this tuple names exactly those.
DEFAULT_RECIPES = ("en-to-casual", "casual-to-en", "casualize", "explain-particles")
EXPORT_FORMATS = ("parquet", "jsonl", "llama-factory")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")

_SECTIONS: dict[str, tuple[str, ...]] = {
    "dataset": ("name", "pretty_name", "version", "license", "description", "repo"),
    "input": INPUT_KEYS,  # checked by builder.ingest.sources.input_settings
    "annotate": ("backend", "options"),
    "dedup": (),  # checked by DedupSettings.from_mapping
    "filter": (),  # checked by builder.quality.filter_settings.FilterSettings.from_mapping
    "split": ("ratios", "previous", "large_group"),
    "export": ("formats", "shard_rows", "default_config"),
    "build": ("workers", "cache_dir", "batch_size"),
    "recipes": (),
}


@dataclass(frozen=True)
class RecipeSelection:
    """One recipe chosen by the config: its name (or file), its parameters, the values of the
    core's keys (`builder.contract.params.CORE_KEYS`), and the config it came from."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    core: Mapping[str, Any] = field(default_factory=dict)
    file: Path | None = None
    where: str = "config"


@dataclass(frozen=True)
class BuildConfig:
    """Everything a build needs besides the registry. Paths are absolute; an input may also be a Hub
    dataset address (`hf://datasets/org/name`, a string)."""

    name: str = "twcasual"
    pretty_name: str = "twcasual: formal English to casual Taiwanese Mandarin"
    version: str = "0.1.0"
    license: str = "cc-by-4.0"
    description: str = ""
    repo: str = ""
    inputs: tuple[Path | str, ...] = ()
    input_format: str = "auto"
    input_columns: Columns | None = None
    max_line_chars: int = MAX_LINE_CHARS
    sources: tuple[InputSource, ...] = ()  # [[input.sources]]: license, attribution, columns per input
    annotate_backend: str = "lexicon"
    annotate_options: Mapping[str, Any] = field(default_factory=dict)
    dedup: Mapping[str, Any] = field(default_factory=dict)
    filters: Mapping[str, Any] = field(default_factory=dict)  # the [filter] table: bitext filters
    ratios: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATIOS))
    previous: str = ""
    large_group: float = LARGE_GROUP  # share of the smallest split's expected size (builder.split)
    formats: tuple[str, ...] = ("parquet",)
    shard_rows: int = 500_000
    default_config: str = ""
    workers: int = 0  # 0: one worker process per core
    batch_size: int = 2048
    cache_dir: Path | None = None
    recipes: tuple[RecipeSelection, ...] = tuple(RecipeSelection(n) for n in DEFAULT_RECIPES)


def load_config(path: Path) -> BuildConfig:
    """Read a TOML build config; relative paths in it are relative to its folder."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    return config_from_mapping(data, base=path.parent, where=str(path))


DEFAULT_CONFIG = Path("twcasual.toml")


def config_or_default(path: str | Path | None) -> BuildConfig:
    """The config at `path`, else ./twcasual.toml if there is one, else the defaults."""
    if path:
        return load_config(Path(path))
    return load_config(DEFAULT_CONFIG) if DEFAULT_CONFIG.is_file() else BuildConfig()


def config_from_mapping(data: Mapping[str, Any], base: Path, where: str = "config") -> BuildConfig:
    """Check and convert a parsed config; every mistake is one line naming the key."""
    for section, value in data.items():
        if section not in _SECTIONS:
            raise ConfigError(f"{where}: unknown section [{section}]. Known: {', '.join(_SECTIONS)}")
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: [{section}] must be a table")
        known = _SECTIONS[section]
        for key in value if known else ():
            if key not in known:
                raise ConfigError(f"{where}: unknown key {section}.{key}. Known: {', '.join(known)}")
    dataset = data.get("dataset", {})
    inputs = input_settings(data.get("input", {}), base, where)
    annotate = data.get("annotate", {})
    split = data.get("split", {})
    export = data.get("export", {})
    build = data.get("build", {})
    defaults = BuildConfig()

    version = _typed(where, "dataset.version", dataset.get("version", defaults.version), str)
    if not _SEMVER.match(version):
        raise ConfigError(f"{where}: dataset.version {version!r} is not semver (like '1.2.0')")
    formats = tuple(_typed(where, "export.formats", export.get("formats", ["parquet"]), list))
    for name in formats:
        if name not in EXPORT_FORMATS:
            raise ConfigError(f"{where}: unknown export format {name!r}. Known: {', '.join(EXPORT_FORMATS)}")
    if "parquet" not in formats:
        formats = ("parquet", *formats)
    ratios = _typed(where, "split.ratios", split.get("ratios", dict(defaults.ratios)), Mapping)
    cache_dir = build.get("cache_dir")
    return BuildConfig(
        name=_typed(where, "dataset.name", dataset.get("name", defaults.name), str),
        pretty_name=_typed(where, "dataset.pretty_name", dataset.get("pretty_name", defaults.pretty_name), str),
        version=version,
        license=_typed(where, "dataset.license", dataset.get("license", defaults.license), str),
        description=_typed(where, "dataset.description", dataset.get("description", ""), str),
        repo=_typed(where, "dataset.repo", dataset.get("repo", ""), str),
        inputs=tuple(p if p.startswith("hf://") else Path(p) for p in inputs.paths),
        input_format=inputs.format,
        input_columns=inputs.columns,
        max_line_chars=inputs.max_line_chars,
        sources=inputs.sources,
        annotate_backend=_typed(where, "annotate.backend", annotate.get("backend", "lexicon"), str),
        annotate_options=_typed(where, "annotate.options", annotate.get("options", {}), Mapping),
        dedup=dict(data.get("dedup", {})),
        filters=dict(data.get("filter", {})),
        ratios={str(k): float(v) for k, v in ratios.items()},
        previous=_typed(where, "split.previous", split.get("previous", ""), str),
        large_group=_large_group(where, split.get("large_group", defaults.large_group)),
        formats=formats,
        shard_rows=_positive(where, "export.shard_rows", export.get("shard_rows", defaults.shard_rows)),
        default_config=_typed(where, "export.default_config", export.get("default_config", ""), str),
        workers=_typed(where, "build.workers", build.get("workers", defaults.workers), int),
        batch_size=_positive(where, "build.batch_size", build.get("batch_size", defaults.batch_size)),
        cache_dir=base / cache_dir if cache_dir else None,
        recipes=_recipes(data.get("recipes"), base, where) if "recipes" in data else defaults.recipes,
    )


def _recipes(table: Mapping[str, Any], base: Path, where: str) -> tuple[RecipeSelection, ...]:
    selections = []
    for name, options in table.items():
        if not isinstance(options, Mapping):
            raise ConfigError(f"{where}: [recipes.{name}] must be a table (use {{}} for no parameters)")
        params, core = split_table(options)
        check_core(name, core, where)
        file = base / name if name.endswith(".py") else None
        selections.append(RecipeSelection(name, params, core, file, where))
    if not selections:
        raise ConfigError(f"{where}: [recipes] selects no recipe")
    return tuple(selections)


def _typed(where: str, key: str, value: Any, kind: type) -> Any:
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        kinds = {str: "a string", int: "a whole number", list: "a list", Mapping: "a table"}
        raise ConfigError(f"{where}: {key} must be {kinds.get(kind, kind)}, not {value!r}")
    return value


def _large_group(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigError(f"{where}: split.large_group must be a number > 0 (a share of the smallest "
                          f"split's expected size), not {value!r}")
    return float(value)


def _positive(where: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where}: {key} must be a whole number > 0, not {value!r}")
    return value
