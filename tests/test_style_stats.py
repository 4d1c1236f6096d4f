"""StyleStats: counts per split, the card's markdown, the SVG chart and the report dict."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from builder.annotate import annotate
from builder.annotate.style_stats import StyleStats

TRAIN = ["好啦，我們走吧。", "你呢？", "這家超夯耶", "我今天很忙。"]
TEST = ["我用視頻軟件看", "對啊對啊"]


def filled() -> StyleStats:
    stats = StyleStats()
    for line in TRAIN:
        stats.add(annotate(line), "train")
    for line in TEST:
        stats.add(annotate(line), "test")
    return stats


def test_counts_per_split_and_in_total() -> None:
    """Count lines, particles, shares, densities and warnings per split and in total."""
    data = filled().to_dict()
    assert data["lines"] == 6 and data["particles"] == 6
    assert data["particle_counts"] == {"啊": 2, "啦": 1, "呢": 1, "耶": 1, "吧": 1}
    assert data["lines_by_particle"]["啊"] == 1
    train = data["splits"]["train"]
    assert train["lines"] == 4 and train["lines_with_particle"] == 3
    assert train["share_with_particle"] == 75.0
    assert train["chars"] == sum(map(len, TRAIN))
    assert train["particles_per_100_chars"] == round(100 * 4 / sum(map(len, TRAIN)), 4)
    assert data["splits"]["test"]["lines_with_mainland_terms"] == 1
    assert data["mainland_terms"] == {"視頻": 1, "軟件": 1}
    assert data["top_markers"] == [["超夯", 1]]


def test_markdown_has_the_tables_the_card_needs() -> None:
    """Render the frequency table, share, per-split density, markers and the warning."""
    md = filled().render_markdown()
    assert "| 啊 | 2 | 33.33 % | 1 |" in md
    assert "Lines with at least one particle: 66.67 % (4 of 6)." in md
    assert "| train | 4 | 75.00 % |" in md and "| test | 2 | 50.00 % |" in md
    assert "- 超夯: 1" in md
    assert "Warning: 1 lines (16.67 %) use Mainland-only vocabulary: 視頻 (1), 軟件 (1)." in md


def test_svg_is_well_formed_deterministic_and_ranked() -> None:
    """Give the same bytes for the same counts, bars in count order, valid XML."""
    svg = filled().render_svg()
    assert svg == filled().render_svg()
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text for t in root.iter(f"{ns}text") if t.get("text-anchor") == "end"]
    assert labels == ["啊", "啦", "呢", "耶", "吧"]
    bars = [int(r.get("width")) for r in root.iter(f"{ns}rect")][1:]
    assert bars[0] == max(bars) and bars[1] * 2 == bars[0]


def test_merge_equals_adding_everything_in_one() -> None:
    """Merge worker accumulators into the same result as one accumulator."""
    one = filled()
    a, b = StyleStats(), StyleStats()
    for line in TRAIN[:2]:
        a.add(annotate(line), "train")
    for line in TRAIN[2:]:
        b.add(annotate(line), "train")
    for line in TEST:
        b.add(annotate(line), "test")
    a.merge(b)
    assert a.to_dict() == one.to_dict()
    assert a.render_svg() == one.render_svg()


def test_empty_stats_render() -> None:
    """Render an empty accumulator without dividing by zero."""
    stats = StyleStats()
    assert stats.to_dict()["share_with_particle"] == 0.0
    assert "(none)" in stats.render_markdown()
    assert "no particles found" in stats.render_svg()


def test_memory_is_bounded_by_the_word_lists() -> None:
    """Keep only counters keyed by inventory entries, however many lines are added."""
    stats = StyleStats()
    style = annotate("好啦，超夯耶，我用視頻")
    for _ in range(5000):
        stats.add(style, "train")
    counts = stats._splits["train"]
    assert len(counts.by_particle) == 2 and len(counts.markers) == 1 and len(counts.mainland) == 1
    assert stats.to_dict()["particles"] == 10000


def test_particle_functions_in_the_report_and_the_card() -> None:
    """Count each particle by its function: {particle: {function: n}} and a particle x function table."""
    stats = StyleStats()
    lines = ("趕快改掉啦", "不好意思啦，我今天沒辦法去", "沒關係啦，下次再約", "好啦好啦", "我們走吧", "她應該睡了吧？")
    for line in lines:
        stats.add(annotate(line), "train")
    data = stats.to_dict()
    assert data["particle_functions"] == {"啦": {"assert": 1, "soften": 3, "urge": 1},
                                          "吧": {"suggest": 1, "guess": 1}}
    md = stats.render_markdown()
    assert "| particle | assert | soften | urge | suggest | guess | total |" in md
    assert "| 啦 | 1 | 3 | 1 | · | · | 5 |" in md and "| 吧 | · | · | · | 1 | 1 | 2 |" in md


def test_particle_functions_merge_across_workers() -> None:
    """Function counts from two accumulators add up, as from two worker processes."""
    a, b = StyleStats(), StyleStats()
    a.add(annotate("趕快改掉啦"), "train")
    b.add(annotate("趕快改掉啦"), "test")
    b.add(annotate("沒關係啦"), "test")
    a.merge(b)
    assert a.to_dict()["particle_functions"] == {"啦": {"assert": 1, "urge": 2}}


def test_a_span_without_a_function_is_counted_apart() -> None:
    """Spans made without a function (a plugin's annotator) show as (none), not as a real function."""
    from builder.types import Span, Style

    stats = StyleStats()
    stats.add(Style(particles=(Span("啦", 1),), length=2))
    assert stats.to_dict()["particle_functions"] == {"啦": {"(none)": 1}}
    assert "| particle | (none) | total |" in stats.render_markdown()
