"""What each particle does in Taiwan Mandarin: `GLOSSARY` and `explain`.

The glosses are written for twcasual (short English and zh-TW glosses per function); the
`explain-particles` recipe uses them. The glossary follows the particle inventory
(`builder.annotate.lexicon.PARTICLES`) entry for entry, in its order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from builder.annotate.lexicon import PARTICLES

__all__ = ["GLOSSARY", "ParticleEntry", "Sense", "explain"]


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
