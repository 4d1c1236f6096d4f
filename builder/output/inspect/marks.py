"""Marked-up text for the inspect page: escaping, highlighted spans, character diffs, a safe chart."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from html import escape
from typing import Any

from builder.output.inspect.assets import SPAN_KINDS

__all__ = ["DIFF_MAX_CHARS", "annotate_zh", "diff_html", "inline_svg", "label_of"]

# Longer texts are shown without a character diff: SequenceMatcher grows with the square of the length.
DIFF_MAX_CHARS = 4000
_SVG_NS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_XML_PROLOGUE = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w:.-]*)")
# The elements the build's particle chart is drawn with; anything else is not put in the page as markup.
_CHART_TAGS = frozenset({"svg", "title", "desc", "g", "rect", "text", "tspan", "line", "path"})
_RISKY = re.compile(r"<[!?]|\son[a-z]+\s*=|href|url\(|javascript:", re.IGNORECASE)


def label_of(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return escape(str(value), quote=True)


def _span_fits(zh: str, span: Mapping[str, Any]) -> bool:
    """Tell whether a span's text sits at its code-point offset in zh."""
    text, offset = span.get("text"), span.get("offset")
    if not isinstance(text, str) or not text or not isinstance(offset, int) or offset < 0:
        return False
    return zh[offset : offset + len(text)] == text


def _span_title(span: Mapping[str, Any]) -> str:
    """Say what a highlighted span is, for its tooltip."""
    title = f"{span.get('kind')}: {span.get('text')}"
    if span.get("function"):
        title += f" · {span['function']}"
    return title + f" · offset {span.get('offset')}"


def annotate_zh(zh: str, spans: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    """Return zh as HTML with its spans marked, and notes for spans that do not fit or overlap."""
    notes: list[str] = []
    fitting = []
    for span in spans:
        if _span_fits(zh, span) and span.get("kind") in SPAN_KINDS:
            fitting.append(span)
        else:
            notes.append(f"⚠ span {span.get('text')!r} ({span.get('kind')}) at {span.get('offset')} "
                         "does not match the text: not highlighted")
    out: list[str] = []
    pos = 0
    for span in sorted(fitting, key=lambda s: (s["offset"], -len(s["text"]))):
        start, end = span["offset"], span["offset"] + len(span["text"])
        if start < pos:
            notes.append(f"{span['text']!r} ({span.get('kind')}) at {start} overlaps an earlier span")
            continue
        out.append(escape(zh[pos:start]))
        out.append(
            f'<mark class="sp-{span["kind"]}" title="{label_of(_span_title(span))}">{escape(span["text"])}</mark>'
        )
        pos = end
    out.append(escape(zh[pos:]))
    return "".join(out), notes


def diff_html(old: str, new: str) -> tuple[str, str]:
    """Mark, character by character, what old lacks (del) and what new adds (ins)."""
    if len(old) > DIFF_MAX_CHARS or len(new) > DIFF_MAX_CHARS:
        return escape(old), escape(new)
    left: list[str] = []
    right: list[str] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(escape(old[a1:a2]))
            right.append(escape(new[b1:b2]))
            continue
        if a2 > a1:
            left.append(f"<del>{escape(old[a1:a2])}</del>")
        if b2 > b1:
            right.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return "".join(left), "".join(right)


def inline_svg(svg: str) -> str:
    """Put a chart in the page: inline when it is plain shapes and text, else as a data: image.

    The chart comes from the output folder, which may have been edited or downloaded: markup that
    could run script or fetch anything is never inlined. An image from a data: URL runs no script
    and fetches nothing, and the page then holds no URL at all.
    """
    if not svg.strip():
        return ""
    inline = _SVG_NS.sub("", _XML_PROLOGUE.sub("", svg)).strip()
    tags = {tag.lower() for tag in _TAG.findall(inline)}
    if inline.startswith("<svg") and tags <= _CHART_TAGS and not _RISKY.search(inline) and "//" not in inline:
        return inline
    encoded = base64.b64encode(svg.encode()).decode()
    return f'<img alt="particle chart" src="data:image/svg+xml;base64,{encoded}">'
