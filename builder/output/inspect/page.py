"""Render the `twcasual inspect` page: one self-contained HTML file from the plain data dict `gather` makes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from builder.output.inspect.assets import PAGE_CSS, PAGE_JS, SPAN_KINDS
from builder.output.inspect.funnel import funnel_rows, funnel_svg
from builder.output.inspect.markdown import render_markdown
from builder.output.inspect.marks import annotate_zh, diff_html, inline_svg, label_of
from builder.output.layout import ALL_CONFIG

__all__ = ["page_json", "render_page"]

_SECTIONS = (
    ("funnel", "Funnel"),
    ("set-aside", "Set aside"),
    ("clusters", "Duplicates"),
    ("records", "Records"),
    ("style", "Style"),
    ("changes", "Changes"),
)


def page_json(data: Mapping[str, Any]) -> str:
    """Serialise the data for the page's JSON block; '<' is escaped so no text can close the script."""
    # The chart is already inline in the page and carries a namespace URL; the JSON copy leaves it out.
    payload = {**data, "style": {**data["style"], "chart_svg": "(inline in the page)"}}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def render_page(data: Mapping[str, Any]) -> str:
    """Render the whole inspect page as one HTML string with inline CSS, JS and SVG."""
    nav = "".join(f'<a href="#{anchor}">{title}</a>' for anchor, title in _SECTIONS)
    body = "\n".join(
        (
            _header(data),
            f"<nav>{nav}</nav>",
            _funnel_section(data["funnel"]),
            _set_aside_section(data["set_aside"], data["set_aside_total"]),
            _clusters_section(data["clusters"]),
            _records_section(data["records"], data["funnel"]["records"], data["sample_note"]),
            _style_section(data["style"]),
            _changes_section(data["changes"]),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{label_of(data['title'])} {label_of(data['version'])}: inspect</title>\n"
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n{body}\n"
        f'<script type="application/json" id="twcasual-data">{page_json(data)}</script>\n'
        f"<script>{PAGE_JS}</script>\n</body>\n</html>\n"
    )


def _header(data: Mapping[str, Any]) -> str:
    """Render the title, version, signature and where the page was made from."""
    return (
        f"<header><h1>{label_of(data['title'])} <span class=\"muted\">v{label_of(data['version'])}</span></h1>"
        f"<p>Made from <code>{label_of(data['built_from'])}</code> by <code>twcasual inspect</code>. "
        f"Build signature: <code class=\"sig\">{label_of(data['signature'])}</code></p></header>"
    )


def _funnel_section(funnel: Mapping[str, Any]) -> str:
    """Render the funnel chart with a one-line summary above it."""
    # The mixed config repeats every recipe's records: counting it too would count them twice.
    total_records = sum(sum(splits.values()) for config, splits in funnel["records"].items() if config != ALL_CONFIG)
    summary = (
        f"{funnel['lines']:,} lines read → {funnel['pairs']:,} pairs → "
        f"{sum(funnel['set_aside'].values()):,} lines set aside, {sum(funnel['filtered'].values()):,} pairs "
        f"filtered, {sum(funnel['duplicates'].values()):,} duplicates dropped, "
        f"{sum(funnel['recipe_errors'].values()):,} pairs failed by a recipe → {total_records:,} records in all"
    )
    return (
        '<section id="funnel"><h2>Funnel</h2>'
        f'<p>{label_of(summary)}</p><div class="chart">{funnel_svg(funnel_rows(funnel))}</div></section>'
    )


def _set_aside_section(items: Sequence[Mapping[str, Any]], total: int) -> str:
    """Render set-aside lines grouped by reason, each group collapsible, with a search box."""
    if not items:
        return '<section id="set-aside"><h2>Set aside</h2><p>No line or pair was set aside.</p></section>'
    by_reason: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        by_reason.setdefault(str(item["reason"]), []).append(item)
    groups = []
    for reason, rows in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        kinds = ", ".join(sorted({str(r["kind"]) for r in rows}))
        body = "".join(
            f'<tr class="sa"><td><code>{label_of(r["file"])}:{label_of(r["line"])}</code></td>'
            f'<td class="txt">{label_of(r["text"])}</td></tr>'
            for r in rows
        )
        groups.append(
            f'<details class="sa-group" data-reason="{label_of(reason)}"><summary><strong>{label_of(reason)}</strong>'
            f' <span class="badge">{label_of(kinds)}</span> <span class="count">{len(rows):,}</span> shown</summary>'
            f'<table class="wide"><thead><tr><th>file:line</th><th>text</th></tr></thead><tbody>{body}</tbody>'
            "</table></details>"
        )
    shown = f"{len(items):,} of {total:,}" if total > len(items) else f"all {total:,}"
    return (
        f'<section id="set-aside"><h2>Set aside</h2><p>Showing {shown} set-aside lines and pairs, '
        "grouped by reason (open a group to see its lines).</p>"
        '<div class="controls needs-js"><input type="search" id="sa-search" placeholder="search set-aside text" '
        f'aria-label="search set-aside lines"> <span id="sa-count">{len(items)} of {len(items)} lines</span></div>'
        + "".join(groups)
        + "</section>"
    )


def _cluster_html(cluster: Mapping[str, Any]) -> str:
    """Render one cluster: each member beside the representative, differences marked."""
    rep = cluster["representative"]
    rows = []
    for member in cluster["members"]:
        rep_zh, mem_zh = diff_html(str(rep["zh"]), str(member["zh"]))
        rep_en, mem_en = diff_html(str(rep["en"]), str(member["en"]))
        rows.append(
            f"<tr><td>{label_of(member['kind'])}</td><td class=\"num\">{float(member['jaccard']):.2f}</td>"
            f'<td><div class="zh">{rep_zh}</div><div class="txt">{rep_en}</div></td>'
            f'<td><div class="zh">{mem_zh}</div><div class="txt">{mem_en}</div>'
            f'<div class="muted">{label_of(member["file"])}:{label_of(member["line"])}</div></td></tr>'
        )
    return (
        f'<div class="cluster"><h3><span class="badge">{label_of(cluster["kind"])}</span> '
        f'cluster of {int(cluster["size"]):,}, kept <code>{label_of(rep["file"])}:{label_of(rep["line"])}</code></h3>'
        '<table class="wide"><thead><tr><th>kind</th><th class="num">Jaccard</th>'
        "<th>representative (kept)</th><th>member (dropped)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _clusters_section(clusters: Sequence[Mapping[str, Any]]) -> str:
    """Render the duplicate clusters, or say there were none."""
    if not clusters:
        return '<section id="clusters"><h2>Duplicates</h2><p>No duplicate clusters in this build.</p></section>'
    kinds = Counter(str(c["kind"]) for c in clusters)
    summary = ", ".join(f"{n:,} {kind}" for kind, n in sorted(kinds.items()))
    return (
        '<section id="clusters"><h2>Duplicates</h2>'
        f"<p>{len(clusters):,} clusters shown ({label_of(summary)}). In each row the representative is on the "
        "left, a member it replaced on the right: <del>only in the representative</del>, "
        "<ins>only in the member</ins>.</p>" + "".join(_cluster_html(c) for c in clusters) + "</section>"
    )


def _text_or_same(text: str, zh: str) -> str:
    """Render a record field, or a short pointer when it only repeats the zh text."""
    return '<span class="muted">(the zh text)</span>' if text == zh else label_of(text)


def _record_row(rec: Mapping[str, Any]) -> str:
    """Render one sampled record as a table row with its zh text annotated."""
    zh = str(rec["zh"])
    zh_html, notes = annotate_zh(zh, rec["spans"])
    particles = " ".join(sorted({str(s["text"]) for s in rec["spans"] if s.get("kind") == "particle"}))
    note_html = "".join(
        f'<div class="{"warn" if n.startswith("⚠") else "note"}">{label_of(n)}</div>' for n in notes
    )
    score = rec.get("casual_score")
    register = (f'{label_of(rec["register"])}<div class="muted">{score:.2f}</div>' if isinstance(score, float)
                else label_of(rec["register"]) or '<span class="muted" title="this build scores no register">—</span>')
    # Config and split live on the table around the row: repeating them per row would cost ~10 % of the page.
    return (
        f'<tr class="rec" data-register="{label_of(rec["register"])}" data-particles="{label_of(particles)}">'
        f'<td><div class="zh">{zh_html}</div>{note_html}'
        f'<div class="muted">{label_of(rec["id"])} · {label_of(rec["source"])}</div></td>'
        f'<td class="txt"><div class="muted">{label_of(rec["instruction"])}</div>'
        f"<div>{_text_or_same(str(rec['input']), zh)}</div>"
        f"<div>→ {_text_or_same(str(rec['output']), zh)}</div></td>"
        f"<td>{register}</td></tr>"
    )


def _options(element_id: str, label: str, values: Sequence[str]) -> str:
    """Render a filter drop-down with an 'any' choice first."""
    opts = "".join(f'<option value="{label_of(v)}">{label_of(v)}</option>' for v in values)
    return f'<select id="{element_id}" aria-label="{label}"><option value="">any {label}</option>{opts}</select>'


def _records_controls(records: Sequence[Mapping[str, Any]]) -> str:
    """Render the search box, the filters and the visible-rows count."""
    particles = sorted({str(s["text"]) for r in records for s in r["spans"] if s.get("kind") == "particle"})
    return (
        '<div class="controls needs-js"><input type="search" id="rec-search" placeholder="search records" '
        'aria-label="search records">'
        + _options("rec-config", "config", list(dict.fromkeys(str(r["config"]) for r in records)))
        + _options("rec-split", "split", list(dict.fromkeys(str(r["split"]) for r in records)))
        + _options("rec-particle", "particle", particles)
        + _options("rec-register", "register", ["casual", "formal"])
        + f' <span id="rec-count" class="count">{len(records)} of {len(records)} rows</span></div>'
    )


def _records_section(
    records: Sequence[Mapping[str, Any]], totals: Mapping[str, Mapping[str, int]], sample_note: str
) -> str:
    """Render one table of sampled records per config and split, with a legend and filters."""
    legend = "".join(f'<span class="sp-{kind}">{label_of(desc)}</span>' for kind, (_, desc) in SPAN_KINDS.items())
    blocks: dict[tuple[str, str], list[str]] = {}
    for rec in records:
        blocks.setdefault((str(rec["config"]), str(rec["split"])), []).append(_record_row(rec))
    tables = []
    for (config, split), rows in blocks.items():
        total = totals.get(config, {}).get(split)
        of_total = f" sampled of {total:,} records" if isinstance(total, int) else " sampled"
        tables.append(
            f'<div class="rec-block" data-config="{label_of(config)}" data-split="{label_of(split)}">'
            f'<h3>{label_of(config)} · {label_of(split)}: '
            f'<span class="block-count">{len(rows)}</span>{of_total}</h3>'
            '<table class="wide"><thead><tr><th>zh (annotated)</th><th>instruction · input → output</th>'
            f"<th>register</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    body = "".join(tables) if tables else "<p>No records were sampled.</p>"
    return (
        f'<section id="records"><h2>Records</h2><p>{label_of(sample_note)}. Hover a highlight to see '
        f'its annotation.</p><p class="legend">{legend}</p>{_records_controls(records)}{body}</section>'
    )


def _particle_table(counts: Mapping[str, int]) -> str:
    """Render the particle counts and shares, or say there were none."""
    if not counts:
        return "<p>No particles were counted.</p>"
    total = sum(counts.values()) or 1
    rows = "".join(
        f'<tr><td class="zh">{label_of(p)}</td><td class="num">{n:,}</td><td class="num">{100 * n / total:.1f} %</td>'
        "</tr>"
        for p, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return (
        '<h3>Particles</h3><table><thead><tr><th>particle</th><th class="num">count</th>'
        f'<th class="num">share</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _function_table(functions: Mapping[str, Mapping[str, int]]) -> str:
    """Render particles by function, or say the build counted none."""
    if not functions:
        return "<h3>Particles by function</h3><p>This build's report counts no particle functions.</p>"
    names = sorted({f for per in functions.values() for f in per})
    head = "".join(f"<th>{label_of(f)}</th>" for f in names)
    rows = "".join(
        f'<tr><td class="zh">{label_of(p)}</td>'
        + "".join(f'<td class="num">{per.get(f, 0) or ""}</td>' for f in names)
        + "</tr>"
        for p, per in functions.items()
    )
    return (
        f"<h3>Particles by function</h3><table><thead><tr><th>particle</th>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _register_table(by_split: Mapping[str, Mapping[str, int]]) -> str:
    """Render the casual/formal split of each split, or say the build scored no register."""
    if not by_split:
        return "<h3>Register per split</h3><p>This build's report has no register counts.</p>"
    rows = "".join(
        f'<tr><td>{label_of(split)}</td><td class="num">{c["casual"]:,}</td><td class="num">{c["formal"]:,}</td>'
        f'<td class="num">{100 * c["casual"] / ((c["casual"] + c["formal"]) or 1):.1f} %</td></tr>'
        for split, c in by_split.items()
    )
    return (
        '<h3>Register per split</h3><table><thead><tr><th>split</th><th class="num">casual</th>'
        f'<th class="num">formal</th><th class="num">casual share</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _style_section(style: Mapping[str, Any]) -> str:
    """Render the card's chart, the particle tables and the register split."""
    return (
        '<section id="style"><h2>Style</h2>'
        f'<div class="chart">{inline_svg(style["chart_svg"])}</div>'
        + _particle_table(style["particles"])
        + _function_table(style["particle_functions"])
        + _register_table(style["register_by_split"])
        + "</section>"
    )


def _changes_section(changes: str | None) -> str:
    """Render the changelog of this build, or say there was no previous release."""
    if not changes:
        return (
            '<section id="changes"><h2>Changes since the previous release</h2>'
            "<p>None: this build had no previous release to compare with.</p></section>"
        )
    return f'<section id="changes"><h2>Changes since the previous release</h2>{render_markdown(changes)}</section>'
