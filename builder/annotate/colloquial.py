"""Take the colloquial layer off a zh-TW line: `strip_colloquial`, and the steps it shares.

It removes what the annotator found (particles, clause-opening interjections, listed markers) by
rules and repairs the punctuation, so that no mark is doubled or left dangling and questions stay
questions. `builder.annotate.plain.plain_version` (what the `casualize` recipe pairs with the
casual line) goes further and maps colloquial words too; both use `strip_spans` and
`repair_punctuation` from here.
"""

from __future__ import annotations

import re

from builder.annotate.lexicon import BOUNDARY_CLASS, MARKERS
from builder.annotate.rules import is_boundary
from builder.text.script import HAN, char_class
from builder.types import Span, Style

__all__ = ["CLAUSE_PUNCT", "check_spans", "clause_start", "repair_punctuation", "strip_colloquial", "strip_spans"]

# --- taking the particles and interjections off ---------------------------------------------

_LAST_BOUNDARY = re.compile(f"[{BOUNDARY_CLASS}][^{BOUNDARY_CLASS}]*$")
_NEUTRAL_MARKERS = {term.word: term.neutral for term in MARKERS if term.neutral}
# 啥, 幹嘛 and 了沒 ask questions too: 你要吃啥啊？ must not become 你要吃啥嗎？.
_QUESTION_WORDS = re.compile(r"什麼|怎麼|怎樣|為什麼|哪|誰|幾|多少|如何|還是|嗎|啥|幹嘛|幹麻|了沒|(.)不\1|(.)沒\2")
# A reminder with 囉 (記得帶傘囉) is not a change of state: no 了 for it.
_REMINDER = re.compile("記得|不要|別|請|小心|千萬")
_PRONOUNS = frozenset({"你", "我", "他", "她", "你們", "我們", "他們", "她們", "大家"})
CLAUSE_PUNCT = "，、,；;：:！!？?。.～~…⋯ "


def check_spans(text: str, spans: tuple[Span, ...]) -> None:
    """Raise ValueError unless every span sits where it says in `text`."""
    for span in spans:
        if text[span.offset : span.offset + len(span.text)] != span.text:
            raise ValueError(f"style does not fit the text: {span.text!r} is not at {span.offset}")


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, replacement in sorted(edits):
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def clause_start(text: str, pos: int) -> int:
    """Return where the clause that holds `pos` starts: just after the last boundary before it."""
    found = _LAST_BOUNDARY.search(text, 0, pos)
    return found.start() + 1 if found else 0


def _interjection_edit(text: str, span: Span) -> tuple[int, int, str] | None:
    """Drop an interjection that opens or closes a clause, with the punctuation it brings."""
    start, end = span.offset, span.offset + len(span.text)
    if start == 0 or is_boundary(text[start - 1]):
        while end < len(text) and text[end] in CLAUSE_PUNCT:
            end += 1
        if not text[end:].strip(CLAUSE_PUNCT + "」』）)"):
            return None  # the interjection is all there is: 「蛤？」 stays
        return start, end, ""
    if end == len(text) or is_boundary(text[end]):
        return start, end, ""  # trailing laughter: 好好笑哈哈
    return None  # mid-clause (一直嘿嘿嘿地笑): part of the sentence


def _cluster_edit(text: str, cs: int, ce: int) -> tuple[int, int, str]:
    """Plan the removal of one particle cluster text[cs:ce]."""
    nxt = text[ce : ce + 1]
    # The clause before the cluster (clause_start is a scan) is found only by the branches that read it.
    if nxt in ("？", "?"):
        # Keep the question a question: 是喔？→是嗎？, 人咧？→人呢？, 你呢？ stays.
        if _QUESTION_WORDS.search(text, clause_start(text, cs), cs):
            return cs, ce, ""
        return cs, ce, "呢" if text[ce - 1] in "呢咧捏" else "嗎"
    if nxt in ("～", "~"):
        end = ce
        while end < len(text) and text[end] in "～~":
            end += 1
        rest = text[end:]
        return cs, end, "" if rest[:1] and is_boundary(rest[0]) else ("。" if not rest.strip() else "，")
    if nxt in ("，", ",") and text[clause_start(text, cs) : cs].strip() in _PRONOUNS:
        return cs, ce + 1, ""  # 你齁，每次都遲到 → 你每次都遲到
    if not nxt or is_boundary(nxt):
        # 囉 announces a change: 我終於升組長囉 → 我終於升組長了, not 我終於升組長.
        if (text[ce - 1] in "囉嘍" and text[cs - 1 : cs] != "了"
                and not _REMINDER.search(text, clause_start(text, cs), cs)):
            return cs, ce, "了"
        return cs, ce, ""
    return cs, ce, "，"  # 好吧你說的對 → 好，你說的對


def _particle_edits(text: str, particles: list[int]) -> list[tuple[int, int, str]]:
    """Plan the removal of particle clusters (given as sorted offsets into `text`)."""
    clusters: list[list[int]] = []  # [start, end] of each run of touching particles
    for offset in particles:
        if clusters and offset == clusters[-1][1]:
            clusters[-1][1] += 1
        else:
            clusters.append([offset, offset + 1])
    return [_cluster_edit(text, start, end) for start, end in clusters]


def _shift(offsets: list[int], edits: list[tuple[int, int, str]]) -> list[int]:
    """Move offsets past earlier edits; drop those an edit swallowed."""
    shifted: list[int] = []
    for offset in offsets:
        shift = 0
        for start, end, replacement in edits:
            if end <= offset:
                shift += len(replacement) - (end - start)
            elif start <= offset < end:
                break
        else:
            shifted.append(offset + shift)
    return sorted(shifted)


# --- punctuation repair ----------------------------------------------------------------------

_MARKS = "，、,；;：:。！!？?"
_TILDES = "～~"
_COMMAS = frozenset("，、,；;：:")
_LEADING = " \t.。" + _MARKS + _TILDES
# Runs of two or more marks or spaces (doubled marks, a space before a mark, double spaces). The
# pattern opens with a character class, so the engine scans for it in C and a clean line costs
# no Python call; the single-character cases are cheap `in` checks in repair_punctuation.
_RUN = re.compile(f"[ \\t{_MARKS}{_TILDES}][ \\t{_MARKS}{_TILDES}]+")
_TILDE = re.compile(f"[{_TILDES}]+")
_COMMA_BEFORE_CLOSER = re.compile("[，、,；;：:](?=[」』）)])")
_EMPTY_QUOTE = re.compile(r"「\s*」|『\s*』|（\s*）|\(\s*\)")
_QUESTION_MA = re.compile(r"(?<=嗎)[！!。]")  # 真的假的！ → 真的嗎！ → 真的嗎？
_HANZI_CHAR = re.compile(f"[{char_class(HAN)}]")
# Opens with a class so the engine scans in C; _fix_answer checks that it opens a clause.
_REPEATED_ANSWER = re.compile("([好對是嗯行來走])，\\1(?=[，。！？]|$)")


def _strongest(marks: str) -> str:
    """The one mark a run of marks stands for: a question wins, then an exclamation, a stop."""
    for group, mark in (("？?", "？"), ("！!", "！"), ("。", "。"), ("；;", "；"), ("：:", "：")):
        if any(ch in group for ch in marks):
            return mark
    return "、" if set(marks) == {"、"} else "，"


def _fix_run(match: re.Match[str]) -> str:
    run = match.group()
    marks = run.replace(" ", "").replace("\t", "")
    if not marks:
        return " "
    if len(marks) == 1 and run[0] == marks and marks not in _TILDES:
        return run  # one mark and the spaces after it: 「Maps, and」 keeps its own spacing
    text, start, end = match.string, match.start(), match.end()
    if not marks.strip(_TILDES):  # tildes alone: a chat ending only after a hanzi (not 3 ~ 5)
        if start == 0 or not _HANZI_CHAR.match(text[start - 1]):
            return run
        return "。" if not text[end:].strip() else ("" if is_boundary(text[end]) else "，")
    return _strongest(marks.strip(_TILDES) or marks)


def _fix_answer(match: re.Match[str]) -> str:
    start = match.start()
    opens = start == 0 or match.string[start - 1] in "，。！？"
    return match.group(1) if opens else match.group()


def _fix_tilde(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or not _HANZI_CHAR.match(text[start - 1]):
        return match.group()
    return "。" if end == len(text) else ("" if is_boundary(text[end]) else "，")


def repair_punctuation(text: str) -> str:
    """Leave no doubled, dangling or leading mark; keep questions questions."""
    if "」" in text or "』" in text or "）" in text or ")" in text:
        text = _EMPTY_QUOTE.sub("", text)  # first: what it leaves may be a doubled or leading mark
        text = _COMMA_BEFORE_CLOSER.sub("", text)
    if _RUN.search(text):  # one line in six: a search is cheaper than a sub that finds nothing
        text = _RUN.sub(_fix_run, text)
    if "，" in text:
        text = _REPEATED_ANSWER.sub(_fix_answer, text)  # 好啦好啦，… → 好，好，… → 好，…
    if "～" in text or "~" in text:
        text = _TILDE.sub(_fix_tilde, text)
    if text[:1] in _LEADING:
        text = text.lstrip(_LEADING)
    if "嗎" in text:
        text = _QUESTION_MA.sub("？", text)
    text = text.rstrip()
    if text.endswith("嗎"):
        return text + "？"  # 真的假的啦 at the end → 真的嗎 → 真的嗎？
    if text[-1:] in _COMMAS:
        text = text.rstrip("".join(_COMMAS) + " \t") + "。"
    return text


# --- the two steps together -------------------------------------------------------------------


def strip_spans(text: str, style: Style, left_to_others: frozenset[str] = frozenset()) -> str:
    """Take off particles and interjections and map the markers to their neutral forms (no repair).

    Markers in `left_to_others` stay, for a word list that sees their context to map
    (plain_version: 傻眼 as a whole clause needs another form than 我傻眼了).
    """
    edits = [(m.offset, m.offset + len(m.text), _NEUTRAL_MARKERS[m.text]) for m in style.markers
             if m.text in _NEUTRAL_MARKERS and m.text not in left_to_others]
    particles = [p.offset for p in style.particles]
    for span in style.interjections:
        if edit := _interjection_edit(text, span):
            edits.append(edit)
    kept: list[tuple[int, int, str]] = []
    for edit in sorted(edits):  # particles never overlap markers; interjections may (哈囉 …)
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    if not kept:  # most lines: particles alone
        return _apply(text, _particle_edits(text, sorted(particles)))
    first = _apply(text, kept)
    # Particles go on the text as pass 1 left it, so 真的假的捏？ → 真的嗎捏？ sees 嗎.
    return _apply(first, _particle_edits(first, _shift(sorted(particles), kept)))


def strip_colloquial(text: str, style: Style) -> str:
    """Remove particles, opening interjections and listed markers; return text if none go."""
    spans = style.particles + style.interjections + style.markers
    check_spans(text, spans)
    if not spans:
        return text
    stripped = strip_spans(text, style)
    if stripped == text:
        return text
    result = repair_punctuation(stripped)
    if not result.strip(CLAUSE_PUNCT + "「」『』（）()"):
        return text  # nothing would be left: keep the line (the recipe then skips it)
    return result
