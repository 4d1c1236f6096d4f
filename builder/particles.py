"""What each particle does in Taiwan Mandarin, and how to take the colloquial layer off a line.

`GLOSSARY` is written for twcasual (short English and zh-TW glosses per function), used by the
`explain-particles` recipe and the dataset card. `strip_colloquial` removes what the annotator
found (particles, clause-opening interjections, listed markers) by rules and repairs the
punctuation; the `casualize` recipe pairs its output with the original line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from builder.annotate import is_boundary
from builder.lexicon import BOUNDARY_PUNCTUATION, MARKERS, PARTICLES
from builder.types import Span, Style

__all__ = ["GLOSSARY", "ParticleEntry", "Sense", "explain", "strip_colloquial"]


@dataclass(frozen=True, slots=True)
class Sense:
    """One function of a particle, glossed in English and in zh-TW."""

    en: str
    zh: str


@dataclass(frozen=True, slots=True)
class ParticleEntry:
    """A particle, its functions (most common first), and the form it is a spelling of."""

    particle: str
    senses: tuple[Sense, ...]
    variant_of: str = ""


def _entry(particle: str, *senses: tuple[str, str], variant_of: str = "") -> ParticleEntry:
    return ParticleEntry(particle, tuple(Sense(en, zh) for en, zh in senses), variant_of)


# fmt: off
_ENTRIES = (
    _entry("啦", ("settles the point, with assurance", "把話說定，語氣肯定"),
           ("softens a request or a refusal", "緩和請求或拒絕"),
           ("shows impatience", "帶點不耐煩")),
    _entry("喔", ("a friendly reminder or warning", "友善地提醒、叮嚀"),
           ("'oh, I see': takes in news", "表示恍然大悟，知道了"),
           ("checks that the listener means it", "向對方確認")),
    _entry("哦", ("a reminder, like 喔", "提醒，同「喔」"),
           ("'oh, I see'", "恍然大悟"), variant_of="喔"),
    _entry("呢", ("a follow-up question: 'and you?'", "追問「那……呢？」"),
           ("keeps a question open and gentle", "讓問句較委婉"),
           ("mild emphasis on a fact", "輕輕強調事實")),
    _entry("耶", ("surprise at something just noticed", "對剛發現的事感到驚訝"),
           ("enthusiasm", "表示興奮、讚嘆")),
    _entry("欸", ("an exclamation, like 耶", "感嘆、驚訝"),
           ("a mild complaint", "輕微抱怨")),
    _entry("誒", ("an exclamation, like 欸", "感嘆，同「欸」"), variant_of="欸"),
    _entry("齁", ("seeks agreement: 'right?'", "徵求認同：「對吧？」"),
           ("marks a topic before the speaker goes on", "標出話題，接著往下說")),
    _entry("吼", ("seeks agreement, like 齁", "徵求認同，同「齁」"),
           ("marks a topic, like 齁", "標出話題"), variant_of="齁"),
    _entry("吧", ("a suggestion: 'let's'", "提議：「我們……吧」"),
           ("a guess that asks for confirmation", "推測並求證"),
           ("reluctant acceptance", "勉強接受")),
    _entry("嘛", ("'it's obvious'", "理所當然"),
           ("pleading or coaxing", "撒嬌、央求")),
    _entry("囉", ("announces a change or what happens next", "宣告狀態改變或接下來要做的事"),
           ("a light reminder", "輕鬆提醒")),
    _entry("嘍", ("announces a change, like 囉", "宣告狀態改變，同「囉」"), variant_of="囉"),
    _entry("咧", ("contrary to expectation, defiant", "與預期相反，不服氣"),
           ("a challenging 'where is ...?'", "質問：「……咧？」")),
    _entry("捏", ("a cute spelling of 呢: playful emphasis", "「呢」的可愛寫法，俏皮強調"),
           variant_of="呢"),
    _entry("唷", ("a lively reminder or encouragement", "活潑地提醒或鼓勵")),
    _entry("喲", ("a lively reminder, like 唷", "活潑地提醒，同「唷」"), variant_of="唷"),
    _entry("啊", ("an exclamation", "感嘆"),
           ("softens a statement or question", "緩和語氣"),
           ("a pause after a topic", "話題後的停頓")),
    _entry("呀", ("an exclamation or softening, like 啊 after a vowel", "「啊」的音變：感嘆、緩和"),
           variant_of="啊"),
    _entry("哇", ("an exclamation or cheerful agreement, like 啊", "「啊」的音變：感嘆、爽快答應"),
           variant_of="啊"),
    _entry("蛤", ("'huh?': asks to hear it again, or disbelief", "沒聽清楚或不敢相信"),
           ("presses a question, impatient", "不耐煩地追問")),
    _entry("哈", ("a casual close that invites a reply", "輕鬆收尾，等對方回應")),
    _entry("嘿", ("a warm, friendly close", "親切地收尾或提醒")),
    _entry("咩", ("a cute 'isn't it?'", "撒嬌地反問")),
)
# fmt: on

GLOSSARY: Mapping[str, ParticleEntry] = MappingProxyType({e.particle: e for e in _ENTRIES})
assert tuple(GLOSSARY) == tuple(PARTICLES), "glossary and particle inventory out of step"


def explain(particle: str, lang: str = "en") -> str:
    """Describe what a particle does, in English ("en") or zh-TW ("zh")."""
    entry = GLOSSARY.get(particle)
    if entry is None:
        raise KeyError(f"not a particle twcasual knows: {particle!r}. Known: {PARTICLES}")
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    return ("; " if lang == "en" else "；").join(getattr(sense, lang) for sense in entry.senses)


# --- strip_colloquial ----------------------------------------------------------------------

# The characters `is_boundary` accepts, as one regex class, so finding where a clause starts is
# one search instead of a Python loop per character (this runs for every casualize record).
_BOUNDARY_CLASS = (
    "".join(re.escape(ch) for ch in sorted(BOUNDARY_PUNCTUATION)) + r"\s"
    + "\U0001F000-\U0001FAFF\u2190-\u2BFF\u3100-\u312F\u200D\uFE0F"
)
_LAST_BOUNDARY = re.compile(f"[{_BOUNDARY_CLASS}][^{_BOUNDARY_CLASS}]*$")

_NEUTRAL = {term.word: term.neutral for term in MARKERS if term.neutral}
_QUESTION_WORDS = re.compile(r"什麼|怎麼|怎樣|為什麼|哪|誰|幾|多少|如何|還是|嗎|(.)不\1|(.)沒\2")
_PRONOUNS = frozenset({"你", "我", "他", "她", "你們", "我們", "他們", "她們", "大家"})
_CLAUSE_PUNCT = "，、,；;：:！!？?。.～~…⋯ "
_DOUBLE_COMMA = re.compile(r"[，、,]{2,}")
_COMMA_BEFORE_STOP = re.compile(r"[，、,]+\s*([。！？!?」』）)])")
_LEADING = re.compile(r"^[\s，、,；;：:。.！!？?～~]+")
_TRAILING_COMMA = re.compile(r"[，、,]+\s*$")
_SPACES = re.compile("  +")


def _check(text: str, spans: tuple[Span, ...]) -> None:
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


def _clause_start(text: str, pos: int) -> int:
    """The start of the clause that holds `pos`: just after the last boundary before it."""
    found = _LAST_BOUNDARY.search(text, 0, pos)
    return found.start() + 1 if found else 0


def _interjection_edit(text: str, span: Span) -> tuple[int, int, str] | None:
    """Drop an interjection that opens or closes a clause, with the punctuation it brings."""
    start, end = span.offset, span.offset + len(span.text)
    opens = start == 0 or is_boundary(text[start - 1])
    if opens:
        while end < len(text) and text[end] in _CLAUSE_PUNCT:
            end += 1
        if not text[end:].strip(_CLAUSE_PUNCT + "」』）)"):
            return None  # the interjection is all there is: 「蛤？」 stays
        return start, end, ""
    if end == len(text) or is_boundary(text[end]):
        return start, end, ""  # trailing laughter: 好好笑哈哈
    return None  # mid-clause (一直嘿嘿嘿地笑): part of the sentence


def _particle_edits(text: str, particles: list[int]) -> list[tuple[int, int, str]]:
    """Plan the removal of particle clusters (given as offsets into `text`)."""
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(particles):
        cs = particles[i]
        j = i
        while j + 1 < len(particles) and particles[j + 1] == particles[j] + 1:
            j += 1
        ce = particles[j] + 1
        i = j + 1
        nxt = text[ce : ce + 1]
        clause = text[_clause_start(text, cs) : cs]
        if nxt in ("？", "?"):
            # Keep the question a question: 是喔？→是嗎？, 人咧？→人呢？, 你呢？ stays.
            if _QUESTION_WORDS.search(clause):
                edits.append((cs, ce, ""))
            elif text[ce - 1] in "呢咧捏":
                edits.append((cs, ce, "呢"))
            else:
                edits.append((cs, ce, "嗎"))
        elif nxt in ("～", "~"):
            end = ce
            while end < len(text) and text[end] in "～~":
                end += 1
            rest = text[end:]
            stop = "" if rest[:1] and is_boundary(rest[0]) else ("。" if not rest.strip() else "，")
            edits.append((cs, end, stop))
        elif nxt in ("，", ",") and clause.strip() in _PRONOUNS:
            edits.append((cs, ce + 1, ""))  # 你齁，每次都遲到 → 你每次都遲到
        elif not nxt or is_boundary(nxt):
            edits.append((cs, ce, ""))
        else:
            edits.append((cs, ce, "，"))  # 好吧你說的對 → 好，你說的對
    return edits


def _without_overlaps(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for edit in sorted(edits):
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


def _repair(text: str) -> str:
    text = _DOUBLE_COMMA.sub("，", text)
    text = _COMMA_BEFORE_STOP.sub(r"\1", text)
    text = _LEADING.sub("", text)
    text = _TRAILING_COMMA.sub("。", text)
    return _SPACES.sub(" ", text).strip()


def strip_colloquial(text: str, style: Style) -> str:
    """Remove particles, opening interjections and listed markers; return text if none go."""
    _check(text, style.particles + style.interjections + style.markers)
    # Pass 1: markers to their neutral form, interjections out. Particles never overlap them.
    edits = [
        (m.offset, m.offset + len(m.text), _NEUTRAL[m.text])
        for m in style.markers
        if m.text in _NEUTRAL
    ]
    edits += [e for span in style.interjections if (e := _interjection_edit(text, span))]
    edits = _without_overlaps(edits)
    shifted: list[int] = []
    for particle in style.particles:
        shift = 0
        for start, end, replacement in edits:
            if end <= particle.offset:
                shift += len(replacement) - (end - start)
            elif start <= particle.offset < end:
                break
        else:
            shifted.append(particle.offset + shift)
    first = _apply(text, edits)
    # Pass 2: particles out, on the text as pass 1 left it (so 真的假的捏？→真的嗎？ sees 嗎).
    second = _apply(first, _particle_edits(first, sorted(shifted)))
    result = _repair(second) if second != text else text
    if not result.strip(_CLAUSE_PUNCT + "「」『』（）()"):
        return text
    return result
