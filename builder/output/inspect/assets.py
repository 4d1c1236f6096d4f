"""The inline CSS and JS of the inspect page: no fonts, images or scripts from anywhere else."""

from __future__ import annotations

__all__ = ["PAGE_CSS", "PAGE_JS", "SPAN_KINDS"]

# One colour per span kind; the legend, the CSS and the tests all read this table.
SPAN_KINDS: dict[str, tuple[str, str]] = {
    "particle": ("#f6c7c2", "sentence-final particle"),
    "interjection": ("#fde0a6", "interjection"),
    "marker": ("#c8e8bf", "Taiwan colloquial marker"),
    "mainland": ("#c9dcfb", "Mainland term"),
}

_SPAN_CSS = "\n".join(
    f"mark.sp-{kind}, .legend .sp-{kind} {{ background: {colour}; }}" for kind, (colour, _) in SPAN_KINDS.items()
)

PAGE_CSS = (
    """
:root { color-scheme: light; }
[hidden] { display: none !important; }
body { font: 15px/1.5 system-ui, "Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif;
       color: #222; background: #fff; margin: 0 auto; max-width: 1280px; padding: 0 20px 60px; }
header { border-bottom: 2px solid #333; margin-bottom: 8px; }
h1 { font-size: 24px; margin: 18px 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid #ccc; }
h3 { font-size: 16px; margin: 18px 0 6px; }
nav a { margin-right: 14px; color: #1a4f8b; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
.sig { word-break: break-all; background: #f4f4f4; padding: 2px 4px; }
.muted { color: #666; font-size: 13px; }
.count { font-weight: 600; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.wide { width: 100%; }
.zh { font-size: 16px; white-space: pre-wrap; }
.txt { white-space: pre-wrap; word-break: break-word; }
.ins-label { color: #666; font-size: 12px; }
mark { padding: 0 1px; border-radius: 2px; color: inherit; }
mark[title] { cursor: help; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 8px; border-radius: 2px; }
.warn { color: #9b1c1c; font-size: 13px; }
.note { color: #555; font-size: 13px; }
del { background: #f9c9c4; text-decoration: line-through; }
ins { background: #bfe9bf; text-decoration: none; }
details { margin: 4px 0; }
summary { cursor: pointer; }
.controls { position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid #eee; z-index: 1; }
.controls input[type=search] { width: 260px; font-size: 15px; padding: 3px 6px; }
.controls select { font-size: 14px; margin-left: 6px; }
.needs-js { display: none; }
.js .needs-js { display: block; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #e6e6e6; font-size: 12px; }
.chart svg { max-width: 100%; height: auto; }
pre.md { background: #f7f7f7; padding: 8px; overflow-x: auto; }
"""
    + _SPAN_CSS
    + "\n"
)

# Filters work on the rows already in the page (data attributes), so the page reads fine without JS.
PAGE_JS = """
(function () {
  "use strict";
  document.documentElement.className += " js";
  function $(id) { return document.getElementById(id); }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function prep(rows) { each(rows, function (r) { r.dataset.text = r.textContent.toLowerCase(); }); }

  var recRows = document.querySelectorAll("tr.rec");
  prep(recRows);
  each(recRows, function (r) {
    var block = r.closest(".rec-block");
    r.dataset.config = block.dataset.config;
    r.dataset.split = block.dataset.split;
  });
  function recFilter() {
    var term = $("rec-search").value.trim().toLowerCase();
    var want = { config: $("rec-config").value, split: $("rec-split").value,
                 register: $("rec-register").value };
    var particle = $("rec-particle").value;
    var shown = 0;
    each(recRows, function (r) {
      var ok = (!term || r.dataset.text.indexOf(term) >= 0) &&
        (!want.config || r.dataset.config === want.config) &&
        (!want.split || r.dataset.split === want.split) &&
        (!want.register || r.dataset.register === want.register) &&
        (!particle || (" " + r.dataset.particles + " ").indexOf(" " + particle + " ") >= 0);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    each(document.querySelectorAll(".rec-block"), function (b) {
      var n = b.querySelectorAll("tr.rec:not([hidden])").length;
      b.querySelector(".block-count").textContent = n + " of " + b.querySelectorAll("tr.rec").length;
      b.hidden = n === 0;
    });
    $("rec-count").textContent = shown + " of " + recRows.length + " rows";
  }
  if ($("rec-search")) {
    $("rec-search").addEventListener("input", recFilter);
    each(["rec-config", "rec-split", "rec-particle", "rec-register"], function (id) {
      $(id).addEventListener("change", recFilter);
    });
  }

  var saRows = document.querySelectorAll("tr.sa");
  prep(saRows);
  function saFilter() {
    var term = $("sa-search").value.trim().toLowerCase();
    var shown = 0;
    each(saRows, function (r) {
      var ok = !term || r.dataset.text.indexOf(term) >= 0;
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    each(document.querySelectorAll("details.sa-group"), function (g) {
      var n = g.querySelectorAll("tr.sa:not([hidden])").length;
      g.hidden = n === 0;
      if (term && n > 0) { g.open = true; }
    });
    $("sa-count").textContent = shown + " of " + saRows.length + " lines";
  }
  if ($("sa-search")) { $("sa-search").addEventListener("input", saFilter); }
})();
"""
