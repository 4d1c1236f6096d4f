"""The inspect page rendered from hand-made data: counts, reasons, span offsets, no URLs, escaping, empty cases."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from html_tree import Node, external_references, marks_with_offsets, parse
from inspect_testdata import HOSTILE, small_data

from builder.output.inspect.funnel import funnel_rows
from builder.output.inspect.page import render_page


@pytest.fixture
def data() -> dict[str, Any]:
    return small_data()


@pytest.fixture
def page(data: dict[str, Any]) -> Node:
    return parse(render_page(data))


def test_every_funnel_count_is_drawn_beside_its_bar(data: dict[str, Any], page: Node) -> None:
    """Each funnel number is written next to a bar whose label names it."""
    drawn = {}
    for bar in page.iter("g", "bar"):
        label = bar.iter("title")[0].text().rsplit(":", 1)[0]
        drawn[label] = bar.iter("text", "n")[0].text()
        assert bar.iter("rect"), label
    expected = {label: f"{n:,}" for _, label, n in funnel_rows(data["funnel"])}
    assert drawn == expected
    assert "987,654" in drawn.values() and "66,789" in drawn.values()
    bars = page.iter("g", "bar")
    widths = {bar.iter("title")[0].text(): int(bar.iter("rect")[0].attrs["width"] or 0) for bar in bars}
    assert widths["lines read: 987,654"] > widths["pairs: 480,321"] > widths["unpaired_en: 17,011"] > 0


def test_every_set_aside_reason_has_a_group_with_its_lines(data: dict[str, Any], page: Node) -> None:
    """Every reason gets a collapsible group listing its lines with file:line."""
    groups = {g.attrs["data-reason"]: g for g in page.iter("details", "sa-group")}
    assert set(groups) == {item["reason"] for item in data["set_aside"]}
    for item in data["set_aside"]:
        rows = groups[item["reason"]].iter("tr", "sa")
        cells = [(r.iter("td")[0].text(), r.iter("td")[1].text()) for r in rows]
        assert (f"{item['file']}:{item['line']}", item["text"]) in cells
    section = page.iter("section")[1]
    assert "Showing 6 of 18,404" in section.text()


def test_spans_are_highlighted_at_their_code_point_offsets(data: dict[str, Any], page: Node) -> None:
    """Marks sit at the spans' offsets, also after emoji and astral-plane characters."""
    rows = page.iter("tr", "rec")
    assert len(rows) == len(data["records"])
    checked_astral = 0
    for rec, row in zip(data["records"], rows, strict=True):
        if rec["id"].endswith("validation-00100/0"):
            continue  # the deliberately broken span, tested below
        text, marks = marks_with_offsets(row.iter("div", "zh")[0])
        assert text == rec["zh"]
        assert [(o, t) for o, t, _ in marks] == [(s["offset"], s["text"]) for s in rec["spans"]]
        for (_, _, title), span in zip(marks, rec["spans"], strict=True):
            assert title.startswith(f"{span['kind']}: {span['text']}") and span["function"] in title
        if any(ord(ch) > 0xFFFF for ch in rec["zh"]) and marks:
            checked_astral += 1
    assert checked_astral >= 4  # the 😂 and 𠮷 lines in each config and split


def test_span_after_emoji_is_not_shifted() -> None:
    """Hand-placed spans after two emoji are marked on their own text (10 code points, 12 UTF-16 units in)."""
    data = small_data()
    rec = data["records"][0]
    rec.update(zh="😂😂那段影片笑死我了啦", spans=[
        {"kind": "marker", "text": "笑死", "offset": 6, "function": ""},
        {"kind": "particle", "text": "啦", "offset": 10, "function": "assert"},
    ])
    data["records"] = [rec]
    row = parse(render_page(data)).iter("tr", "rec")[0]
    _, marks = marks_with_offsets(row.iter("div", "zh")[0])
    assert [(o, t) for o, t, _ in marks] == [(6, "笑死"), (10, "啦")]
    assert [m.attrs["class"] for m in row.iter("mark")] == ["sp-marker", "sp-particle"]
    assert marks[1][2] == "particle: 啦 · assert · offset 10"


def test_a_span_that_does_not_fit_is_a_warning_not_a_highlight(data: dict[str, Any], page: Node) -> None:
    """A span whose text is not at its offset is reported and left unmarked."""
    index = next(i for i, r in enumerate(data["records"]) if r["id"].endswith("validation-00100/0"))
    row = page.iter("tr", "rec")[index]
    assert row.iter("mark") == []
    assert "does not match the text" in row.iter("div", "warn")[0].text()


def test_page_holds_no_external_url(data: dict[str, Any]) -> None:
    """No URL, no fetching attribute, no stylesheet or script from elsewhere; the chart is inline."""
    html = render_page(data)
    assert external_references(html) == []
    assert not parse(html).iter("img")


def test_the_url_check_sees_what_it_must_refuse(data: dict[str, Any]) -> None:
    """The check above finds a URL, a fetching attribute, a stylesheet link and a script source."""
    html = render_page(data)
    for extra in ('<a href="https://example.org/x">x</a>', '<img src="x.png">', '<link rel="stylesheet" href="a">',
                  '<script src="a.js"></script>', "<style>@import 'a.css';</style>"):
        assert external_references(html.replace("</body>", extra + "</body>")), extra


def test_chart_with_other_urls_goes_into_a_data_image() -> None:
    """A chart that names a URL beyond its namespace is embedded as a data: image, so the page holds none."""
    data = small_data()
    data["style"]["chart_svg"] = '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://a.example/x.png"/></svg>'
    html = render_page(data)
    assert "https://" not in html and "http://" not in html
    assert parse(html).iter("img")[0].attrs["src"].startswith("data:image/svg+xml;base64,")


@pytest.mark.parametrize("chart", [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)" width="5" height="5"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>',
], ids=["script", "handler", "foreign-object"])
def test_a_chart_that_could_run_script_is_never_inlined(chart: str) -> None:
    """A chart file edited to hold script, handlers or HTML goes into an inert data: image."""
    data = small_data()
    data["style"]["chart_svg"] = chart
    tree = parse(render_page(data))
    style = next(s for s in tree.iter("section") if s.attrs.get("id") == "style")
    assert not style.iter("svg") and not style.iter("rect") and not style.iter("script")
    assert style.iter("img")[0].attrs["src"].startswith("data:image/svg+xml;base64,")


def test_hostile_text_comes_out_inert(data: dict[str, Any]) -> None:
    """Markup in lines, reasons, names and the changelog is shown as text, never run."""
    data["set_aside"][0]["reason"] = HOSTILE
    data["funnel"]["records"][HOSTILE] = {"train": 1}
    data["changes"] = f"# {HOSTILE}\n\n- {HOSTILE}\n\n[click](javascript:alert(1))\n\n```\n{HOSTILE}\n```\n"
    html = render_page(data)
    tree = parse(html)
    assert not tree.iter("img")
    assert all((a.attrs.get("href") or "").startswith("#") for a in tree.iter("a"))
    assert len(tree.iter("script")) == 2
    assert all(not name.startswith("on") for node in tree.iter() for name in node.attrs)
    assert html.count("</script>") == 2
    assert HOSTILE in tree.text()  # shown, as text
    blob = tree.iter("script")[0]
    assert blob.attrs == {"type": "application/json", "id": "twcasual-data"}
    expected = copy.deepcopy(data)
    expected["style"]["chart_svg"] = "(inline in the page)"
    assert json.loads(blob.text()) == expected


def test_changes_render_as_markdown_or_say_there_were_none(data: dict[str, Any]) -> None:
    """The changelog becomes headings, lists, tables and code; without a previous release a line says so."""
    changes = parse(render_page(data)).iter("section")[-1]
    assert changes.iter("table")[0].iter("td")[1].text() == "120"
    assert [li.text() for li in changes.iter("li")] == ["added casualize 1.1.0", "fixed two splits"]
    assert changes.iter("code")[0].text() == "casualize"
    data["changes"] = None
    changes = parse(render_page(data)).iter("section")[-1]
    assert "no previous release" in changes.text()
    assert not changes.iter("table")


def test_empty_build_still_renders_every_section() -> None:
    """No set-aside lines, clusters, records or particles: each section says so."""
    data = small_data()
    data.update(set_aside=[], set_aside_total=0, clusters=[], records=[], changes=None)
    data["funnel"].update(set_aside={}, filtered={}, duplicates={}, recipe_errors={}, kept_out={})
    data["style"].update(particles={}, particle_functions={}, register_by_split={})
    tree = parse(render_page(data))
    ids = [s.attrs["id"] for s in tree.iter("section")]
    assert ids == ["funnel", "set-aside", "clusters", "records", "style", "changes"]
    text = tree.text()
    assert "No line or pair was set aside" in text and "No duplicate clusters" in text
    assert "No records were sampled" in text and "No particles were counted" in text
    assert "no register counts" in text and "counts no particle functions" in text


def test_cluster_members_show_their_differences(data: dict[str, Any], page: Node) -> None:
    """A particle variant marks the representative's 吧 as removed and the member's 啦 as added."""
    cluster = page.iter("div", "cluster")[1]
    row = cluster.iter("tbody")[0].iter("tr")[0]
    rep_cell, member_cell = row.iter("td")[2], row.iter("td")[3]
    assert [d.text() for d in rep_cell.iter("del")] == ["吧"]
    assert [i.text() for i in member_cell.iter("ins")] == ["啦"]
    assert row.iter("td")[1].text() == "0.88"
    assert "particle" in cluster.iter("h3")[0].text()


def test_records_have_filters_and_a_row_count(data: dict[str, Any], page: Node) -> None:
    """Search, filters and the 'N of M rows' count are there, with every config and particle listed."""
    count = next(n for n in page.iter("span") if n.attrs.get("id") == "rec-count")
    assert count.text() == f"{len(data['records'])} of {len(data['records'])} rows"
    configs = next(n for n in page.iter("select") if n.attrs.get("id") == "rec-config")
    assert [o.attrs["value"] for o in configs.iter("option")] == ["", "en-to-casual", "casual-to-en"]
    particles = next(n for n in page.iter("select") if n.attrs.get("id") == "rec-particle")
    wanted = {s["text"] for r in data["records"] for s in r["spans"] if s["kind"] == "particle"}
    assert {o.attrs["value"] for o in particles.iter("option")} - {""} == wanted
