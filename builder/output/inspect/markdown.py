"""Render the small markdown subset a CHANGELOG uses, escaping everything and making no links."""

from __future__ import annotations

import re
from html import escape

__all__ = ["render_markdown"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
# Inline markup is matched on already-escaped text, so nothing it produces can open a tag of its own.
_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _inline(text: str) -> str:
    """Escape a line and apply code, bold and link (as plain text) markup."""
    out = escape(text, quote=True)
    out = _LINK.sub(r"\1 (\2)", out)
    out = _CODE.sub(r"<code>\1</code>", out)
    return _BOLD.sub(r"<strong>\1</strong>", out)


def _cells(line: str) -> list[str]:
    """Split a markdown table row into its cells."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(lines: list[str]) -> str:
    """Render a header row, a rule and body rows as an HTML table."""
    head = "".join(f"<th>{_inline(c)}</th>" for c in _cells(lines[0]))
    body = "".join(
        "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in _cells(row)) + "</tr>" for row in lines[2:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _take_block(lines: list[str], start: int, pattern: re.Pattern[str]) -> tuple[list[str], int]:
    """Collect the items of consecutive lines matching a list pattern."""
    items: list[str] = []
    i = start
    while i < len(lines) and (match := pattern.match(lines[i])):
        items.append(match.group(1))
        i += 1
    return items, i


def render_markdown(text: str) -> str:
    """Render headings, lists, tables, fenced code and paragraphs; everything else is plain text."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.lstrip().startswith("```"):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].lstrip().startswith("```")), len(lines))
            out.append(f'<pre class="md"><code>{escape(chr(10).join(lines[i + 1 : end]))}</code></pre>')
            i = end + 1
        elif heading := _HEADING.match(line):
            # Page headings go down to h3, so changelog headings start at h4.
            level = min(len(heading.group(1)) + 3, 6)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
        elif line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            out.append(_table(lines[i:end]))
            i = end
        elif _BULLET.match(line) or _NUMBERED.match(line):
            tag, pattern = ("ul", _BULLET) if _BULLET.match(line) else ("ol", _NUMBERED)
            items, i = _take_block(lines, i, pattern)
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + f"</{tag}>")
        else:
            para = [line]
            i += 1
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                para.append(lines[i])
                i += 1
            out.append("<p>" + _inline(" ".join(p.strip() for p in para)) + "</p>")
    return "\n".join(out)


def _starts_block(line: str) -> bool:
    """Tell whether a line opens a heading, list, table or code block."""
    stripped = line.lstrip()
    return bool(
        stripped.startswith(("```", "|")) or _HEADING.match(line) or _BULLET.match(line) or _NUMBERED.match(line)
    )
