"""The dataset card: YAML the Hub needs for configs and the viewer, and a body from dataset_card.md."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from huggingface_hub import DatasetCardData

from builder.errors import BuildError
from builder.ingest.licenses import SourceRow
from builder.output.layout import ALL_CONFIG
from builder.quality.register_cues import CASUAL_THRESHOLD
from builder.split import SPLIT_ORDER, ordered_splits

__all__ = ["CardInfo", "render_card", "card_configs", "template_path"]

LICENSE_TEXT = {
    "cc-by-4.0": (
        "The sentence pairs and prompt templates were written for twcasual and are released under "
        "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/). The twcasual code that built "
        "this dataset is Apache-2.0."
    ),
}


@dataclass(frozen=True)
class CardInfo:
    """Everything the card says, gathered by the pipeline."""

    pretty_name: str
    description: str
    version: str
    twcasual_version: str
    license: str
    signature: str
    counts: Mapping[str, Mapping[str, int]]  # config -> split -> rows (recipes only)
    recipes: Sequence[tuple[str, str, str, str]]  # name, version, origin, description
    default_config: str = ""
    repo: str = ""
    input_summary: str = ""
    converted: int = 0
    dedup_summary: str = ""
    leak_summary: str = ""
    filter_summary: str = ""
    funnel: str = ""  # lines -> pairs -> filtered -> duplicates -> register gate -> records
    split_summary: str = ""
    style_section: str = ""
    changelog: str = ""
    extra_yaml: Mapping[str, object] = field(default_factory=dict)
    sources: Sequence[SourceRow] = ()  # every input source with its license, attribution and records
    license_note: str = ""  # why `license` is `other`: which records carry which license


def template_path() -> Path:
    """The card template: the repo's dataset_card.md (packaged as builder/data/dataset_card.md)."""
    return Path(__file__).parent.parent / "data" / "dataset_card.md"


def card_configs(counts: Mapping[str, Mapping[str, int]], default: str) -> list[dict[str, object]]:
    """The YAML `configs:` list: one per recipe with rows, plus `all`; empty splits left out."""
    configs: list[dict[str, object]] = []
    all_files: dict[str, list[str]] = {}
    for name in sorted(counts):
        splits = {s: n for s, n in counts[name].items() if n > 0}
        if not splits:
            continue
        data_files = []
        for split in ordered_splits(splits):
            data_files.append({"split": split, "path": f"{name}/{split}-*"})
            all_files.setdefault(split, []).append(f"{name}/{split}-*")
        configs.append({"config_name": name, "data_files": data_files})
    if all_files:
        configs.append(
            {
                "config_name": ALL_CONFIG,
                "data_files": [
                    {"split": split, "path": all_files[split]} for split in ordered_splits(all_files)
                ],
            }
        )
    names = [str(c["config_name"]) for c in configs]
    chosen = default if default in names else (names[0] if names else "")
    for config in configs:
        if config["config_name"] == chosen:
            config["default"] = True
    return configs


def _size_category(rows: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if rows < limit:
            return label
    return "10M<n<100M"


def _counts_table(counts: Mapping[str, Mapping[str, int]]) -> str:
    splits = ordered_splits({s for c in counts.values() for s in c})
    lines = ["| config | " + " | ".join(splits) + " | total |", "|---" * (len(splits) + 2) + "|"]
    totals = dict.fromkeys(splits, 0)
    for name in sorted(counts):
        row = [counts[name].get(s, 0) for s in splits]
        for s, n in zip(splits, row):
            totals[s] += n
        lines.append(f"| `{name}` | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    lines.append(f"| `{ALL_CONFIG}` | " + " | ".join(str(totals[s]) for s in splits)
                 + f" | {sum(totals.values())} |")
    return "\n".join(lines)


def _empty_note(counts: Mapping[str, Mapping[str, int]]) -> str:
    splits = sorted({s for c in counts.values() for s in c} | set(SPLIT_ORDER))
    notes = []
    for name in sorted(counts):
        missing = [s for s in splits if counts[name].get(s, 0) == 0]
        if missing:
            notes.append(f"`{name}` has no rows in {', '.join(missing)}")
    if not notes:
        return ""
    return ("Empty splits are left out of the files and the `configs:` metadata (a 0-row split "
            "cannot be loaded): " + "; ".join(notes) + ".")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "-"


def _sources_table(rows: Sequence[SourceRow]) -> str:
    """The sources the records came from, each with its license, attribution line and records."""
    if not rows:
        return ""
    lines = ["| source | license | attribution | files | records |", "|---|---|---|---|---|"]
    lines += [f"| `{_cell(r.label)}` | `{r.license}` | {_cell(r.attribution)} | {r.files} | {r.records} |"
              for r in rows]
    return "\n".join(lines)


def _usage(repo: str, configs: Sequence[str], version: str) -> str:
    where = f'"{repo}"' if repo else '"path/to/this/folder"'
    revision = f', revision="v{version}"' if repo else ""
    lines = [f'ds = load_dataset({where}, "{name}"{revision})' for name in configs[:3]]
    lines.append('print(ds["train"][0]["messages"])')
    return "\n".join(lines)


def render_card(info: CardInfo, template: Path | None = None) -> str:
    """Render the card; a template placeholder that is not filled is an error naming it."""
    configs = card_configs(info.counts, info.default_config)
    total = sum(sum(splits.values()) for splits in info.counts.values())
    data = DatasetCardData(
        language=["en", "zh"],
        license=info.license,
        pretty_name=info.pretty_name,
        task_categories=["text-generation", "translation"],
        size_categories=[_size_category(total)],
        tags=["zh-TW", "taiwanese-mandarin", "style-transfer", "instruction-tuning", "twcasual"],
        configs=configs,
        **dict(info.extra_yaml),
    )
    names = [str(c["config_name"]) for c in configs]
    default = next((str(c["config_name"]) for c in configs if c.get("default")), "")
    recipes_table = "\n".join(
        ["| recipe | version | from | what it makes |", "|---|---|---|---|"]
        + [f"| `{n}` | {v} | {o} | {d} |" for n, v, o, d in info.recipes]
    )
    values = {
        "yaml": data.to_yaml().rstrip("\n"),
        "pretty_name": info.pretty_name,
        "description": info.description or "Instruction-tuning data for turning formal English "
        "into casual Taiwanese Mandarin (zh-TW), and back.",
        "version": info.version,
        "twcasual_version": info.twcasual_version,
        "signature": info.signature,
        "usage": _usage(info.repo, [default] + [n for n in names if n != default], info.version),
        "counts_table": _counts_table(info.counts),
        "empty_splits": _empty_note(info.counts),
        "recipes_table": recipes_table,
        "style_section": info.style_section or "No style annotation was run.",
        "input_summary": info.input_summary,
        "converted": str(info.converted),
        "dedup_summary": info.dedup_summary,
        "leak_summary": info.leak_summary,
        "funnel": info.funnel,
        "filter_summary": info.filter_summary or "not run.",
        "casual_threshold": f"{CASUAL_THRESHOLD:g}",
        "split_summary": info.split_summary,
        "changelog_section": f"## Changes since the previous release\n\n{info.changelog}"
        if info.changelog else "",
        "license_text": info.license_note or LICENSE_TEXT.get(info.license, f"Released under `{info.license}`."),
        "sources_table": _sources_table(info.sources) or "The inputs declared no sources.",
    }
    source = (template or template_path()).read_text(encoding="utf-8")
    try:
        text = Template(source).substitute(values)
    except (KeyError, ValueError) as error:
        raise BuildError(f"{template or 'dataset_card.md'}: unknown or bad placeholder {error}") from None
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
