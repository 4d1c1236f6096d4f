"""Gather what the inspect page shows from a build's output folder into one plain data dict.

It reads the build report, the manifest, the card's title, the changelog, the particle chart and a
seeded sample of the records (`builder.output.inspect.sample`). Reports grow new sections as the
build learns new things, and an older or newer build may lack some: a missing or mistyped key
gives an empty section on the page, never a crash. Only a folder that is no twcasual output, or a
report that is not a JSON object, is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from builder.errors import InputError
from builder.ingest.inputs import UNPAIRED_REASONS
from builder.output.inspect.sample import sample_config
from builder.output.layout import ALL_CONFIG, CARD, CHANGELOG, MANIFEST, REPORT, STYLE_CHART
from builder.output.staging import is_twcasual_output
from builder.split import ordered_splits

__all__ = ["SET_ASIDE_KINDS", "check_output", "gather", "read_report", "set_aside_kind"]

SET_ASIDE_KINDS = ("unpaired", "rejected", "filtered", "recipe_error")
# Per recipe, the pairs it kept out, as the report counts them -> how the funnel names them.
_GATES = {
    "pairs_below_min_casual": "register gate (min_casual)",
    "pairs_below_min_particles": "below min_particles",
    "pairs_without_records": "made no record",
}
_KIND_RANK = ("near", "particle", "exact")  # a cluster is named after its loosest tie
_CONFIG_NAME = re.compile(r"^[\w][\w.-]*$")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _counts(value: Any) -> dict[str, int]:
    """The integer entries of a {name: count} mapping, anything else left out."""
    return {str(k): v for k, v in _mapping(value).items() if isinstance(v, int) and not isinstance(v, bool)}


def read_report(out: Path) -> dict[str, Any]:
    """Read OUT's build report; a missing or damaged one is a one-line error."""
    path = out / REPORT
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: missing: this twcasual output has no build report") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    except ValueError as error:  # not JSON, or not UTF-8
        raise InputError(f"{path}: damaged build report: {str(error).splitlines()[0]}") from None
    if not isinstance(report, dict):
        raise InputError(f"{path}: damaged build report: a JSON {type(report).__name__}, not an object")
    return report


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return ""


def _card_title(card: str) -> str:
    """The card's `pretty_name` from its YAML header, or "" (a plain scalar, single or double quoted)."""
    if not card.startswith("---"):
        return ""
    for line in card.splitlines()[1:]:
        if line.startswith("---"):
            break
        if line.startswith("pretty_name:"):
            value = line.split(":", 1)[1].strip()
            if len(value) > 1 and value[0] == value[-1] == "'":
                return value[1:-1].replace("''", "'")
            if len(value) > 1 and value[0] == value[-1] == '"':
                try:
                    return str(json.loads(value))
                except ValueError:
                    return value[1:-1]
            return value
    return ""


def _header(out: Path, manifest: Mapping[str, Any]) -> dict[str, Any]:
    dataset = _mapping(manifest.get("dataset"))
    return {
        "title": _card_title(_read_text(out / CARD)) or str(dataset.get("name") or out.name),
        "version": str(dataset.get("version") or "?"),
        "signature": str(manifest.get("signature") or "(none)"),
        "built_from": out.name,
    }


def _funnel(report: Mapping[str, Any], totals: Mapping[str, Any], configs: list[str]) -> dict[str, Any]:
    """Every count from lines read to records written, each section empty when the report lacks it."""
    written = {str(c): _counts(s) for c, s in _mapping(report.get("records")).items()}
    order = {name: i for i, name in enumerate(configs)}
    records = {c: {s: written[c][s] for s in ordered_splits(written[c])}
               for c in sorted(written, key=lambda c: (order.get(c, len(order)), c))}
    set_aside = {"unpaired": _int(totals.get("unpaired"))} if _int(totals.get("unpaired")) else {}
    set_aside.update(_counts(totals.get("rejected")))
    kept_out = {}
    for recipe, counts in _mapping(report.get("recipes")).items():
        gates = {label: _int(_mapping(counts).get(key)) for key, label in _GATES.items()}
        if any(gates.values()):
            kept_out[str(recipe)] = {label: n for label, n in gates.items() if n}
    return {
        "lines": _int(totals.get("lines")),
        "pairs": _int(totals.get("pairs")),
        "set_aside": set_aside,
        "filtered": _counts(totals.get("pairs_filtered")),
        "duplicates": _counts(_mapping(report.get("dedup")).get("by_kind")),
        "recipe_errors": _counts(totals.get("pairs_set_aside")),
        "kept_out": kept_out,
        "records": records,
    }


def set_aside_kind(entry: Mapping[str, Any], filter_reasons: set[str]) -> str:
    """The kind of a set-aside entry: its own `kind` when it has a known one, else from its reason."""
    if entry.get("kind") in SET_ASIDE_KINDS:
        return str(entry["kind"])
    reason = str(entry.get("reason", ""))
    if reason in UNPAIRED_REASONS:
        return "unpaired"
    if reason.startswith("recipe_error"):
        return "recipe_error"
    return "filtered" if reason in filter_reasons else "rejected"


def _set_aside(report: Mapping[str, Any], filter_reasons: set[str]) -> list[dict[str, Any]]:
    entries = report.get("set_aside")
    return [
        {"file": str(e.get("file", "")), "line": e.get("line", ""), "reason": str(e.get("reason", "")),
         "kind": set_aside_kind(e, filter_reasons), "text": str(e.get("text", ""))}
        for e in (entries if isinstance(entries, list) else []) if isinstance(e, dict)
    ]


def _shown_pair(member: Mapping[str, Any]) -> dict[str, Any]:
    """A cluster member as the page shows it; reports before file and line name the pair index."""
    where = ({"file": str(member["file"]), "line": member.get("line", "")} if "file" in member
             else {"file": "pair", "line": f"#{member.get('index', '?')}"})
    return {"en": str(member.get("en", "")), "zh": str(member.get("zh", "")), **where}


def _clusters(dedup: Mapping[str, Any]) -> list[dict[str, Any]]:
    clusters = []
    examples = dedup.get("examples")
    for example in examples if isinstance(examples, list) else []:
        members = [m for m in _mapping(example).get("members", []) if isinstance(m, dict)]
        rep = next((m for m in members if m.get("kind") == "representative"), None)
        others = [m for m in members if m is not rep]
        if rep is None or not others:
            continue
        kinds = {m.get("kind") for m in others}
        clusters.append({
            "kind": next((k for k in _KIND_RANK if k in kinds), "duplicate"),
            "size": _int(example.get("size")) or len(members),
            "representative": _shown_pair(rep),
            "members": [{**_shown_pair(m), "kind": str(m.get("kind", "")),
                         "jaccard": float(m.get("jaccard", 0.0)) if isinstance(m.get("jaccard"), (int, float))
                         else 0.0}
                        for m in others],
        })
    return clusters


def _recipe_order(manifest: Mapping[str, Any]) -> list[str]:
    """The build's recipes in the order it ran them."""
    recipes = _mapping(manifest.get("build_signature")).get("recipes")
    return [str(r.get("name")) for r in recipes if isinstance(r, dict)] if isinstance(recipes, list) else []


def _configs(out: Path, report: Mapping[str, Any], order: list[str]) -> list[str]:
    """The recipe configs to sample, in the build's recipe order, each a folder in OUT."""
    named = order + sorted(set(map(str, _mapping(report.get("records")))) - set(order))
    # The mixed config repeats every recipe's records; a name that is not a plain folder name is not read.
    return [c for c in named if c != ALL_CONFIG and _CONFIG_NAME.match(c) and (out / c).is_dir()]


def _style(out: Path, style: Mapping[str, Any]) -> dict[str, Any]:
    by_split = _mapping(style.get("register_by_split"))
    return {
        "particles": _counts(style.get("particle_counts")),
        "particle_functions": {str(p): _counts(f) for p, f in _mapping(style.get("particle_functions")).items()
                               if _counts(f)},
        "register_by_split": {s: {"casual": _int(_mapping(by_split[s]).get("casual")),
                                  "formal": _int(_mapping(by_split[s]).get("formal"))}
                              for s in ordered_splits(map(str, by_split)) if isinstance(by_split[s], dict)},
        "chart_svg": _read_text(out / STYLE_CHART),
    }


def _changes(out: Path, manifest: Mapping[str, Any]) -> str | None:
    """The changelog when the build had a previous release, else None."""
    previous = _mapping(_mapping(manifest.get("build_signature")).get("split")).get("previous")
    if not previous:
        return None
    return _read_text(out / CHANGELOG) or f"The build compared with {previous}, but its {CHANGELOG} is missing."


def check_output(out: Path) -> None:
    """Refuse, in one line, a folder that is not a twcasual output."""
    if not is_twcasual_output(out):
        raise InputError(f"{out}: not a twcasual output (no twcasual {MANIFEST}); give a folder that "
                         "`twcasual build` wrote")


def gather(out: Path, sample: int) -> dict[str, Any]:
    """Read a build's output folder into the inspect page's data; records: up to `sample` per config and split."""
    check_output(out)
    report = read_report(out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))  # is_twcasual_output parsed it
    totals = _mapping(report.get("totals"))
    order = _recipe_order(manifest)
    funnel = _funnel(report, totals, order)
    records = [record for config in _configs(out, report, order) for record in sample_config(out / config, sample)]
    set_aside = _set_aside(report, set(funnel["filtered"]))
    note = (f"Up to {sample:,} records per config and split ({len(records):,} in all), drawn at random with a "
            "fixed seed, so the same build always shows the same records (twcasual inspect --sample N)")
    return {
        **_header(out, manifest),
        "sample_note": note,
        "funnel": funnel,
        "set_aside": set_aside,
        "set_aside_total": max(_int(report.get("set_aside_total")), len(set_aside)),
        "clusters": _clusters(_mapping(report.get("dedup"))),
        "records": records,
        "style": _style(out, _mapping(report.get("style"))),
        "changes": _changes(out, manifest),
    }
