"""End to end: the inspect page of a real build, in a real headless Chromium, renders, filters on typing,
and is not blank.

The build is the bundled sample corpus plus the faulty files of `inspect_corpus`, so every section
has something to show. Skipped, saying why, where no Chromium binary is found (`.ci/run` installs
one). Set INSPECT_SCREENSHOT=docs/inspect-screenshot.png to refresh the screenshot in the docs.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_cdp import Browser, find_chromium, png_stats
from inspect_corpus import build_messy

from builder.cli import main
from builder.output.inspect.assets import SPAN_KINDS
from builder.output.inspect.funnel import funnel_rows
from builder.output.inspect.gather import gather

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium binary found (looked for $CHROMIUM, chromium, chromium-browser, google-chrome, "
    "google-chrome-stable); install one with `apt-get install -y chromium` to run the browser test",
)
VISIBLE_ROWS = "Array.from(document.querySelectorAll('tr.rec')).filter(r => r.offsetHeight > 0).length"
QUERY = "ferry"  # typed into the records search box: one line of the faulty files, in each of its records
SHOWN_FIELDS = ("zh", "id", "source", "instruction", "input", "output", "register")


def matching(records: list[dict[str, Any]], term: str) -> int:
    """Count the records whose shown text holds term, case-insensitively (what the page's search does)."""
    return sum(any(term in str(r[f]).lower() for f in SHOWN_FIELDS) for r in records)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    """The build, the page's data, and the page written by the command line."""
    folder = tmp_path_factory.mktemp("sample")
    out = build_messy(folder, extra_inputs=(ROOT / "data" / "sample",))
    assert main(["inspect", str(out)]) == 0
    return out, gather(out, 200), folder / "out.html"


@pytest.fixture(scope="module")
def browser(built: tuple[Path, dict[str, Any], Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    assert CHROMIUM is not None
    chromium = Browser(CHROMIUM, tmp_path_factory.mktemp("profile"))
    try:
        chromium.send("Network.enable")  # to see every request the page makes
        chromium.open(built[2].as_uri())
        yield chromium
    finally:
        chromium.close()


def test_charts_render_as_svg_bars(browser: Browser, built: tuple[Path, dict[str, Any], Path]) -> None:
    """The funnel and the particle chart are laid out as SVG with visible bars."""
    counts = [n for _, _, n in funnel_rows(built[1]["funnel"])]
    assert len(counts) >= 20  # every reason, duplicate kind and gate, and 3 configs x 3 splits of records
    bars = browser.evaluate(
        "Array.from(document.querySelectorAll('#funnel svg rect')).filter(r => r.getBBox().width > 0).length"
    )
    assert bars == sum(1 for n in counts if n)  # a bar for each count but zero, however small
    assert browser.evaluate("document.querySelector('#funnel svg').getBoundingClientRect().height") > 300
    particles = len(built[1]["style"]["particles"])
    drawn = browser.evaluate(
        "Array.from(document.querySelectorAll('#style svg rect')).filter(r => r.getBBox().width > 0).length"
    )
    assert drawn == particles + 1  # one bar per particle, on a white background rectangle


def test_page_requests_nothing_but_itself(browser: Browser) -> None:
    """Loading the page fetches no other file and reaches no network."""
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert len(urls) == 1 and urls[0].startswith("file://"), urls


def test_spans_are_coloured_and_carry_their_annotation(browser: Browser) -> None:
    """A particle highlight has its legend colour and a title naming kind and offset."""
    mark = browser.evaluate(
        "(() => { const m = document.querySelector('mark.sp-particle');"
        " return [getComputedStyle(m).backgroundColor, m.title]; })()"
    )
    red, green, blue = (int(SPAN_KINDS["particle"][0][i : i + 2], 16) for i in (1, 3, 5))
    assert mark[0] == f"rgb({red}, {green}, {blue})"
    assert mark[1].startswith("particle: ") and " · offset " in mark[1]


def test_tables_render_with_their_row_counts(browser: Browser, built: tuple[Path, dict[str, Any], Path]) -> None:
    """Every record row is laid out and counted; each set-aside reason and each cluster has its table."""
    data = built[1]
    total = len(data["records"])
    assert browser.evaluate("document.getElementById('rec-count').innerText") == f"{total} of {total} rows"
    assert browser.evaluate(VISIBLE_ROWS) == total
    reasons = len({item["reason"] for item in data["set_aside"]})
    assert browser.evaluate("document.querySelectorAll('details.sa-group').length") == reasons
    assert browser.evaluate("document.querySelectorAll('.cluster table tbody tr').length") == sum(
        len(c["members"]) for c in data["clusters"])
    assert browser.evaluate("getComputedStyle(document.getElementById('rec-search')).display") != "none"


def test_screenshot_is_not_blank(browser: Browser, tmp_path: Path) -> None:
    """A screenshot of the page has real content: many colours and a fair share of non-white pixels."""
    png = browser.screenshot()
    (tmp_path / "inspect.png").write_bytes(png)
    width, height, colours, ink = png_stats(png)
    assert (width, height) == (1280, 900)
    assert colours > 50, colours
    assert ink > 0.03, ink
    target = os.environ.get("INSPECT_SCREENSHOT")
    if target:  # the docs screenshot: from the set-aside section down, 1500 pixels
        top = browser.evaluate("document.getElementById('set-aside').getBoundingClientRect().top + window.scrollY")
        clip = {"x": 0, "y": top, "width": 1280, "height": 1500, "scale": 1}
        shot = browser.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        Path(target).write_bytes(base64.b64decode(shot["data"]))


def test_typing_in_the_search_box_filters_the_rows(browser: Browser, built: tuple[Path, dict[str, Any], Path]) -> None:
    """Typed keys (not a set value) hide the rows that do not match, and the count follows."""
    records = built[1]["records"]
    expected = matching(records, QUERY)
    assert 0 < expected < len(records)
    browser.click("#rec-search")
    browser.type_text(QUERY)
    assert browser.evaluate("document.getElementById('rec-search').value") == QUERY
    assert browser.evaluate(VISIBLE_ROWS) == expected
    assert browser.evaluate("document.getElementById('rec-count').innerText") == f"{expected} of {len(records)} rows"
