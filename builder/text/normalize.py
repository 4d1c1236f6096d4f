"""Raw pair -> Pair: Unicode and whitespace, zh punctuation width, script checks, pair ids.

Width normalisation changes a zh line only where a mark turns full-width (and the spaces beside
it go); the annotator runs on the normalised line, so its offsets need no mapping. Simplified
Chinese that leaked in, by its characters or by its words (什么, 那里), is converted to Taiwan
Traditional in context (`builder.text.script.to_taiwan`); text that is already Traditional is never
run through OpenCC, because s2twp rewrites a Taiwan writer's own words (消息→訊息, 支持→支援, 台→臺).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping

from builder.text.script import BOPOMOFO, CJK_PUNCTUATION, FULL_WIDTH_FORMS, HAN, Converter, char_class
from builder.types import Pair, RawPair, SetAside, Source

__all__ = [
    "MAX_WARNINGS",
    "Normalizer",
    "english_warnings",
    "normalize_en",
    "normalize_zh",
    "pair_id",
    "widen_punctuation",
]

MAX_WARNINGS = 1000  # warnings kept with their source; the count goes on past it
_META_NONE = "{}"  # one object for every pair without meta: pickled once per batch


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# Invisible characters that copy-paste and scraping leave behind: a stray BOM (U+FEFF) inside a
# file, zero-width space, word joiner, soft hyphen. Not the zero-width joiner (emoji sequences).
_INVISIBLE = re.compile("[\ufeff\u200b\u2060\u00ad]")


def _collapse(text: str) -> str:
    if not text.isascii() and _INVISIBLE.search(text):  # rare: skip the rewrite otherwise
        text = _INVISIBLE.sub("", text)
    # str.split() with no argument splits on every Unicode space (incl. U+3000, U+00A0).
    return " ".join(text.split())


def normalize_en(text: str) -> str:
    """Apply NFC, trim and collapse whitespace; otherwise keep the author's text."""
    return _collapse(_nfc(text))


# --- zh punctuation width -------------------------------------------------------------------

# The rule (docs/text.md, "Punctuation width"): in a zh line, a run of , : ; ! ? becomes full-width
# when its nearest non-space neighbour on either side is Chinese (hanzi, zhuyin, CJK punctuation, a
# full-width form); a pair of parentheses becomes full-width when what it holds is Chinese (a hanzi
# or zhuyin): 今天(禮拜五), Dewi (35 歲); around Latin content it stays half-width: 帕盧市 (Palu),
# 價格(USD), print(), f(x). A parenthesis without a partner goes by its inner neighbour. Spaces
# beside a mark made full-width go: the mark carries its own space, and a space left beside it is
# the artefact 「Dewi （35 歲） 正在」. The rest stays as written: . ~ quotes, faces, and the spaces
# around marks the author typed full-width.
_CJK_CONTEXT = char_class(HAN, CJK_PUNCTUATION, BOPOMOFO, FULL_WIDTH_FORMS)
_CHINESE_CONTEXT = re.compile(f"[{_CJK_CONTEXT}]")
_CHINESE_CONTENT = re.compile(f"[{char_class(HAN, BOPOMOFO)}]")
_ANY_MARK = re.compile(r"[,:;!?()]")
_PAREN = re.compile(r"[()]")
# :) ;-) :D :P ^^) are faces, not punctuation: their colon and parenthesis stay as typed.
_FACE = re.compile(r"[:;^][-^]?[()DPp](?![A-Za-z])")
_MARK = r"(?:[,!?]|[:;](?![-^]?[()DPp](?![A-Za-z])))"  # a colon is a mark unless it starts a face
_MARK_RUN = re.compile(rf"\s*({_MARK}(?:\s*{_MARK})*)\s*")  # a run may hold spaces: "? ,"
_FULL_WIDTH = str.maketrans(",:;!?()", "，：；！？（）")


def _paren_widths(text: str) -> set[int]:
    """Positions of the parentheses to widen: pairs holding Chinese, lone ones beside Chinese."""
    widen: set[int] = set()
    if "(" not in text and ")" not in text:  # most lines with a mark to widen
        return widen
    opened: list[int] = []
    mouths = {face.end() - 1 for face in _FACE.finditer(text)}
    for match in _PAREN.finditer(text):
        at = match.start()
        if at in mouths:
            continue
        if match.group() == "(":
            opened.append(at)
        elif opened:
            start = opened.pop()
            if _CHINESE_CONTENT.search(text, start + 1, at):
                widen.update((start, at))
        elif at and _CHINESE_CONTENT.match(text, at - 1):  # never opened: the text before it
            widen.add(at)
    for start in opened:  # never closed: the text after it decides
        if _CHINESE_CONTENT.match(text, start + 1):
            widen.add(start)
    return widen


def _is_chinese_at(text: str, at: int, widened: set[int]) -> bool:
    return 0 <= at < len(text) and (at in widened or _CHINESE_CONTEXT.match(text, at) is not None)


def widen_punctuation(text: str) -> str:
    """Make half-width , : ; ! ? beside Chinese and ( ) around Chinese full-width, and drop the
    spaces beside each mark made full-width; Latin runs, code, decimals and faces stay."""
    if _ANY_MARK.search(text) is None:
        return text
    widened = _paren_widths(text)
    spans: list[tuple[int, int, int, int]] = []  # (start, end) with its spaces, (first, last) marks
    for match in _MARK_RUN.finditer(text):
        start, end = match.span()
        first, last = match.span(1)
        if _is_chinese_at(text, start - 1, widened) or _is_chinese_at(text, end, widened):
            spans.append((start, end, first, last))
    spans += [(at, at + 1, at, at + 1) for at in widened]
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end, first, last in sorted(spans):
        out.append(text[pos:start].rstrip())  # the spaces before a full-width mark go
        out.append("".join(text[first:last].split()).translate(_FULL_WIDTH))
        pos = end
        while pos < len(text) and text[pos].isspace():  # and the spaces after it
            pos += 1
    out.append(text[pos:])
    return "".join(out)


def normalize_zh(text: str, converter: Converter) -> tuple[str, bool]:
    """Normalise a zh line; return it and whether it was converted from Simplified."""
    converted, changed = converter.to_taiwan(_collapse(_nfc(text)))
    return widen_punctuation(converted), changed


# --- English --------------------------------------------------------------------------------

# Known acronyms typed (or OCR'd) with a lowercase l for the capital I. Small on purpose: each
# entry must be a token that is never a real word. "Al" alone is a name (Al Gore, Al Jazeera),
# so it is flagged only right after a vendor or adjective that makes it AI, or right before an
# AI term.
_MISTYPED = {
    "OpenAl": "OpenAI",
    "xAl": "xAI",
    "GenAl": "GenAI",
    "APl": "API",
    "APls": "APIs",
    "GUl": "GUI",
    "CLl": "CLI",
    "lBM": "IBM",
}
_AI_BEFORE = (
    r"(?:Azure|Google|Meta|Apple|Microsoft|IBM|Amazon|Adobe|"
    r"[Gg]enerative|[Rr]esponsible|[Cc]onversational)"
)
_AI_AFTER = (
    r"(?:models?|chatbots?|assistants?|agents?|tools?|systems?|chips?|safety|research|"
    r"features?|generated|powered|based|startups?|companies|company|regulation)"
)
_SUSPECTS = re.compile(
    rf"\b(?:(?P<word>{'|'.join(_MISTYPED)})"
    rf"|(?P<before>{_AI_BEFORE} )Al|Al(?P<after>[- ]{_AI_AFTER}))\b"
)


def english_warnings(text: str) -> list[str]:
    """List suspicious tokens in an English line (flagged, never changed)."""
    # Every suspect contains one of these pairs; most lines have none, and `in` is far cheaper
    # than running the pattern (written out: a generator over the pairs costs as much again).
    if not ("Al" in text or "Pl" in text or "Ul" in text or "Ll" in text or "lB" in text):
        return []
    warnings = []
    for match in _SUSPECTS.finditer(text):
        token = match.group(0)
        if match.group("word"):
            fixed = _MISTYPED[token]
        else:
            fixed = f"{match.group('before') or ''}AI{match.group('after') or ''}"
        warnings.append(f"{token!r} looks like {fixed!r} (lowercase l for I)")
    return warnings


# --- pairs ----------------------------------------------------------------------------------


def pair_id(en: str, zh: str) -> str:
    """Return the 16-hex-digit content id of a normalised pair."""
    return hashlib.blake2b(f"{en}\x00{zh}".encode(), digest_size=8).hexdigest()


class Normalizer:
    """Turn raw pairs into Pairs (each says whether its zh side was converted); collect English
    warnings.

    `warnings` keeps the first MAX_WARNINGS (source, message) in input order; `warning_count`
    counts them all.
    """

    def __init__(self) -> None:
        self.converter = Converter()
        self.warnings: list[tuple[Source, str]] = []
        self.warning_count = 0

    def __call__(self, raw: RawPair) -> Pair | SetAside:
        """Normalise one raw pair, or set it aside when nothing is left of a side."""
        made = self.parts(raw.en, raw.zh, raw.source, raw.meta)
        if isinstance(made, SetAside):
            return made
        pid, en, zh, converted, meta = made
        return Pair(pid, en, zh, raw.source, converted, None, raw.license, raw.attribution, meta)

    def parts(self, en: str, zh: str, source: Source,
              meta: Mapping[str, str] | None) -> tuple[str, str, str, bool, str] | SetAside:
        """A raw pair's normalised parts: id, en, zh, converted, meta text; or it set aside.

        What `__call__` does without the `Pair`, for the first pass, which makes each pair once,
        annotated.
        """
        en_made = normalize_en(en)
        zh_made, converted = normalize_zh(zh, self.converter)
        if not en_made or not zh_made:
            text = f"{en}\t{zh}".strip()[:200]
            return SetAside(source.file, source.en_line, "empty_after_normalise", text)
        for message in english_warnings(en_made):
            self.warning_count += 1
            if len(self.warnings) < MAX_WARNINGS:
                self.warnings.append((source, message))
        meta_text = _META_NONE if not meta else json.dumps(meta, ensure_ascii=False)
        return pair_id(en_made, zh_made), en_made, zh_made, converted, meta_text
