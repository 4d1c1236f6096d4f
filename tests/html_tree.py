"""A small HTML tree from the standard library parser, and what the inspect tests read from it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["Node", "external_references", "marks_with_offsets", "parse"]

_VOID = {"meta", "br", "img", "input", "hr", "link", "source", "wbr", "col", "area", "base", "embed"}


class Node:
    """One element of the parsed page."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        """Return the element's text, entities decoded."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        """Return every descendant element with this tag and class."""
        found = []
        for child in self.children:
            if isinstance(child, Node):
                classes = (child.attrs.get("class") or "").split()
                if (tag is None or child.tag == tag) and (cls is None or cls in classes):
                    found.append(child)
                found += child.iter(tag, cls)
        return found


class TreeBuilder(HTMLParser):
    """Build a Node tree with the standard library parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", {}, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in _VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag: str) -> None:
        node = self.cur
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)


def parse(html: str) -> Node:
    """Parse a page into a Node tree."""
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def marks_with_offsets(zh_div: Node) -> tuple[str, list[tuple[int, str, str]]]:
    """Walk a zh cell, returning its text and each mark's (code-point offset, text, title)."""
    text, marks = "", []
    for child in zh_div.children:
        if isinstance(child, str):
            text += child
        else:
            marks.append((len(text), child.text(), child.attrs.get("title") or ""))
            text += child.text()
    return text, marks


_FETCHING = {"href", "src", "action", "formaction", "poster", "xlink:href", "srcset", "data", "background"}


def external_references(html: str) -> list[str]:
    """Everything in a page that could make a browser fetch or visit another address."""
    found = re.findall(r"https?://[^\s\"'<>]*|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE)
    tree = parse(html)
    for node in tree.iter():
        for name, value in node.attrs.items():
            if name in _FETCHING and not (value or "").startswith(("#", "data:")):
                found.append(f"<{node.tag} {name}={value!r}>")
    found += [f"<{tag}>" for tag in ("link", "iframe", "object", "embed") if tree.iter(tag)]
    found += ["<script src>" for s in tree.iter("script") if "src" in s.attrs]
    found += [token for token in ("url(", "@import") if token in html]
    return found
