"""The last stage: the exports, the build signature, the changelog, the chart, the card, the report
and the manifest, written into the staging folder once every shard is."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from builder.annotate.style_stats import StyleStats
from builder.dedup.leaks import LeakReport
from builder.dedup.settings import DedupSettings
from builder.engine.timing import Timings
from builder.ingest.licenses import CardLicense, SourceRow, card_license, source_rows
from builder.output.card import CardInfo, render_card
from builder.output.exports import write_exports
from builder.output.funnel import render_funnel
from builder.output.layout import CARD, CHANGELOG, REPORT, STYLE_CHART
from builder.output.manifest import Signature, write_json, write_manifest
from builder.output.report import BuildReport
from builder.pipeline.plan import BuildPlan
from builder.release.changelog import Changelog, compute_changelog, first_release
from builder.version import __version__

__all__ = ["build_signature", "finish_output"]

Counts = dict[str, dict[str, int]]  # config -> split -> rows


def build_signature(plan: BuildPlan, report: BuildReport) -> Signature:
    """Everything that decided the output: inputs' hashes, recipes, parameters, settings."""
    config, steps, previous = plan.config, plan.steps, plan.previous
    return Signature(
        twcasual=__version__,
        dataset_version=config.version,
        inputs={f.name: report.files[f.name].sha256 for f in plan.files},
        recipes=[(s.recipe.name, s.recipe.version) for s in steps],
        recipe_params={s.recipe.name: {"params": dict(s.params), **s.core_values} for s in steps},
        annotate=plan.annotator.name,
        dedup=asdict(plan.dedup),
        split={"ratios": dict(config.ratios), "previous": previous.label if previous else "",
               "large_group": config.large_group},
        formats=config.formats,
        filters=plan.filters.signature(),
    )


def finish_output(stage: Path, plan: BuildPlan, report: BuildReport, counts: Counts,
                  dedup_summary: dict[str, Any], leak: LeakReport, style: StyleStats,
                  timings: Timings) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write the exports, changelog, chart, card, report and manifest; return the report and the
    manifest as written."""
    config, steps, previous = plan.config, plan.steps, plan.previous
    if len(config.formats) > 1:
        with timings.stage("exports"):
            write_exports(stage, [f for f in config.formats if f != "parquet"], counts)
    signature = build_signature(plan, report)
    # Every release folder carries a changelog; a first release says it is one.
    changelog = (
        compute_changelog(previous, stage, version=config.version) if previous
        else first_release(config.version, counts,
                           {s.recipe.name: s.recipe.version for s in steps if s.recipe.name in counts})
    )
    (stage / CHANGELOG).write_text(changelog.to_markdown(), encoding="utf-8")
    (stage / STYLE_CHART).write_text(style.render_svg(), encoding="utf-8")
    report.sections["dedup"] = dedup_summary
    report.sections["leak_check"] = leak.as_dict()
    report.sections["style"] = style.to_dict()
    sources, terms = licenses(plan, report)
    info = _card_info(plan, report, counts, signature, dedup_summary, leak, style, changelog)
    card = render_card(replace(info, license=terms.value, license_note=terms.explanation, sources=sources))
    (stage / CARD).write_text(card, encoding="utf-8")
    report_dict = report.to_dict(counts)
    write_json(stage / REPORT, report_dict)
    configs = {s.recipe.name: {"recipe_version": s.recipe.version,
                               "splits": counts.get(s.recipe.name, {})} for s in steps}
    manifest = write_manifest(
        stage,
        signature=signature,
        dataset={"name": config.name, "version": config.version},
        configs=configs,
        extra={"changelog": changelog.to_dict()},
    )
    return report_dict, manifest


def licenses(plan: BuildPlan, report: BuildReport) -> tuple[list[SourceRow], CardLicense]:
    """The sources with their records, and the card's license; a ShareAlike mix warns once."""
    records = {f.name: report.files[f.name].records for f in plan.files}
    sources = source_rows((f.source, f.license, records[f.name]) for f in plan.files)
    by_license: Counter[str] = Counter()
    for f in plan.files:
        by_license[f.license] += records[f.name]
    terms = card_license({lic: n for lic, n in by_license.items() if n}, plan.config.license)
    if terms.warning:
        report.warn(terms.warning)
    report.sections["sources"] = {"license": terms.value, "explanation": terms.explanation,
                                  "warning": terms.warning, "sources": [asdict(row) for row in sources]}
    return sources, terms


def _card_info(plan: BuildPlan, report: BuildReport, counts: Counts, signature: Signature,
               dedup_summary: dict[str, Any], leak: LeakReport, style: StyleStats,
               changelog: Changelog) -> CardInfo:
    config, steps = plan.config, plan.steps
    totals = report.totals()
    return CardInfo(
        pretty_name=config.pretty_name,
        description=config.description,
        version=config.version,
        twcasual_version=__version__,
        license=config.license,
        signature=str(signature),
        counts=counts,
        recipes=[(s.recipe.name, s.recipe.version, s.recipe.origin, s.recipe.description) for s in steps],
        default_config=config.default_config or steps[0].recipe.name,
        repo=config.repo,
        input_summary=f"{totals['files']} files, {totals['lines']} lines, "
        f"{totals['pairs']} pairs ({totals['unpaired']} unpaired lines and "
        f"{sum(totals['rejected'].values())} rejected lines set aside"
        + (f"; {totals['joined']} lines continued a CSV row" if totals["joined"] else "") + ")",
        converted=totals["converted_simplified"],
        dedup_summary=_dedup_line(dedup_summary, plan.dedup),
        filter_summary=_filter_line(totals["pairs_filtered"], plan),
        funnel=render_funnel(totals, report.sections.get("recipes", {}),
                             [(s.recipe.name, s.core_values["min_casual"]) for s in steps]),
        split_summary=_split_line(report.sections.get("split_groups", {})),
        leak_summary=f"the input and output of all {leak.records} records, in every config, were "
        f"compared with every train record's: {leak.exact} held-out texts equal a train text and "
        f"{leak.near} held-out lines are near duplicates of a train line (n-gram Jaccard at least "
        f"{plan.dedup.threshold:g}; {leak.near_cut} lines only partly searched, see docs/dedup.md).",
        style_section=f"![Particle frequencies]({STYLE_CHART})\n\n" + style.render_markdown(),
        changelog=changelog.to_markdown(level=3) if plan.previous else "",
    )


def _filter_line(filtered: dict[str, int], plan: BuildPlan) -> str:
    found = ", ".join(f"{reason} {n}" for reason, n in sorted(filtered.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"`{plan.filters.signature()}`; {sum(filtered.values())} pairs dropped"
            + (f" ({found})" if found else "") + ", each listed with its file, line and reason in "
            "`build_report.json`.")


def _split_line(summary: dict[str, Any]) -> str:
    if not summary:
        return ""
    large = summary.get("large_groups", 0)
    text = (f"assigned per group of pairs that share an English or Chinese line (folded), a near-duplicate "
            f"line or a dedup cluster, so no prompt is in two splits; {summary.get('groups', 0)} groups, "
            f"{summary.get('groups_of_several', 0)} of several pairs.")
    if large:
        example = summary.get("large_group_examples", [{}])[0].get("members", [{}])[0]
        sizes = ", ".join(str(n) for n in summary.get("large_group_sizes", [])[:5])
        text += (f" {large} groups were too large to hold out without upsetting the ratios (more than "
                 f"{summary.get('large_group_limit', 0):g} pairs; sizes {sizes}) and went to train, "
                 f"e.g. the group of {example.get('en', '')!r} / {example.get('zh', '')!r}.")
    moved = summary.get("moved_from_previous", {})
    if moved:
        text += " Pairs of the previous release that changed split: " + ", ".join(
            f"{n} {how}" for how, n in moved.items()) + "."
    return text


def _dedup_line(summary: dict[str, Any], settings: DedupSettings) -> str:
    kinds = {k: n for k, n in summary.get("by_kind", {}).items() if n}
    found = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none found"
    return (f"exact and near-duplicate clusters (`{settings.signature()}`); "
            f"{summary.get('dropped', 0)} pairs dropped; members by kind: {found}.")
