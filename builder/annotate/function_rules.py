"""The particle families: how each particle's function is read from its clause (written for twcasual).

Each family takes the clause core (the clause before the particle, without trailing particles,
的 or 嗎), the cue kinds found in the clause ({kind: cue word}, see function_cues.py) and whether a
question mark follows, and returns a Decision: (function, clue, cue word). The order of the
tests in a family is its priority: the first that holds decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from builder.annotate.function_cues import DEGREE
from builder.annotate.lexicon import PARTICLES

__all__ = ["FAMILY", "Decision"]

# (function, clue, cue word): the clue names the rule that fired, for explain-particles.
Decision = tuple[str, str, str]

# Imperatives that open the clause: 快/你快 (not 我快融化了 "almost", 快到了 "nearly there"),
# 不要/別 + a verb (not 別擔心, which reassures).
_URGE_START = re.compile("^(?:你們?|大家)?(?:趕快|快(?!到|要|了|樂)|給我)")
_PROHIBIT_START = re.compile("^(?:你們?|大家)?(?:不要|別|不准|不可以)(?!擔心|緊張|怕|客氣|忘|在意|太在意)(?=.)")
_DEGREE = re.compile(DEGREE)
_ANOTHER_QUESTION = re.compile(r"(.)[不沒]\1")  # A不A / A沒A: 要不要, 有沒有


def _asks(core: str, kinds: dict[str, str]) -> str:
    """Return the question word of the clause, or its A不A form (要不要, 有沒有), or ""."""
    word = kinds.get("question", "")
    if not word and ("不" in core or "沒" in core):
        pair = _ANOTHER_QUESTION.search(core)
        return pair.group() if pair else ""
    return word


# --- particle families: (clause core, cue kinds, question mark follows) -> Decision ---------


def _la(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """啦: settles (default), softens a refusal or a reluctant yes, urges, or proposes."""
    if core in ("好", "好嘛"):
        return "soften", "reluctant_yes", core
    if core.startswith("好了"):
        return "urge", "stop_it", "好了"
    if core in ("走", "來"):
        return "suggest", "lets_go", core
    if q or kinds.get("question") in _PRESSING:
        return "urge", "impatient_question", kinds.get("question", "？")
    if kinds:
        if "surprise" in kinds:
            return "surprise", "disbelief", kinds["surprise"]
        for kind in ("reassure", "obvious"):
            if kind in kinds:
                return "assert", kind, kinds[kind]
    if core.endswith("死了"):
        return "urge", "complaint", "死了"
    if core[:1] in _COMMAND_FIRST and (_PROHIBIT_START.match(core) or _URGE_START.match(core)):
        return "urge", "imperative", core[:2]
    if core[:1] in _REQUEST_FIRST or core[-2:] == "一下":
        return "soften", "request", core[:2] if core[-2:] != "一下" else "一下"
    if kinds:
        for kind, function in _LA_ORDER:
            if kind in kinds:
                return function, kind, kinds[kind]
    if core in _CHANGE_WORDS:
        return "change", "announce", core
    return "assert", "statement", ""


# Without a question mark, only these make 啦 press a question (你到底在幹嘛啦); 幾分鐘就… is not one.
_PRESSING = frozenset(("幹嘛", "干嘛", "為什麼", "怎麼"))
_LA_ORDER = (
    ("apology", "soften"), ("refuse", "soften"), ("plead", "soften"), ("settle", "soften"),
    ("urge", "urge"), ("deny", "urge"), ("we", "suggest"),
)  # fmt: skip
# Cheap gates before the regexes: the first characters an imperative or a request can start with.
_COMMAND_FIRST = frozenset("你大不別快趕給")
# A request that 啦 softens: it opens with 幫我/借我/等 (謝謝你幫我… is thanks) or ends with 一下.
_REQUEST_FIRST = frozenset("陪教借幫讓帶等")
_CHANGE_WORDS = frozenset(("開飯", "開動", "下課", "放假", "放學", "下班", "吃飯", "上菜"))


def _o(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """喔/哦: a reminder (default), "oh I see", "really?", an announcement or an exclamation."""
    if core in _REALIZE_CORES or "realize" in kinds:
        return "realize", "realize", kinds.get("realize", core)
    if q:
        return "question", "question_mark", "？"
    if core[:1] == "我" and (core[-1:] == "了" or core[1:2] == "先"):
        return "change", "announce", core
    if "remind" in kinds or "要" in core:
        return "remind", "remind", kinds.get("remind", "要")
    degree = _DEGREE.search(core)
    if degree:
        return "exclaim", "degree", degree.group()
    return "remind", "heads_up", ""


_REALIZE_CORES = frozenset(("是", "這樣", "是這樣", "原來", "難怪", "真的是這樣"))


def _ne(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """呢/捏: a (follow-up) question, else mild emphasis."""
    if q or core.endswith("覺得"):
        return "question", "question_mark", "？"
    asked = _asks(core, kinds)
    if asked:
        return "question", "question_word", asked
    for kind in ("refuse", "apology"):
        if kind in kinds:
            return "soften", kind, kinds[kind]
    degree = _DEGREE.search(core)
    if degree:
        return "exclaim", "degree", degree.group()
    return "assert", "emphasis", ""


def _ye(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """耶/欸/誒: surprise at something noticed (default), a softened no, or a complaint."""
    for kind in ("refuse", "apology"):
        if kind in kinds:
            return "soften", kind, kinds[kind]
    if "urge" in kinds or core.endswith("死了"):
        return "urge", "complaint", kinds.get("urge", "死了")
    if q:
        return "question", "question_mark", "？"
    return "surprise", "noticed", ""


def _ho(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """齁/吼: "right?" (default); after a bare 你 it opens a complaint (你齁，每次都…)."""
    if core in ("你", "你們", "你喔"):
        return "urge", "topic_complaint", core
    if core in ("你看", "我跟你說", "跟你說"):
        return "remind", "attention", core
    if core == "對" and not q:
        return "realize", "oh_right", "對"  # 對齁，我忘了: "oh right"
    return "seek_agreement", "right", ""


def _ba(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """吧: let's, a guess, "right?", a reluctant yes or softened request, or "that's too …!"."""
    if "surprise" in kinds:
        return "surprise", "too_much", kinds["surprise"]
    if core in _BA_CORES:
        function, clue = _BA_CORES[core]
        return function, clue, core
    if "guess" in kinds:
        return "guess", "guess", kinds["guess"]
    if "we" in kinds or core[:1] == "來":
        return "suggest", "we", kinds.get("we", "來")
    if "agree" in kinds:
        return "seek_agreement", "agree", kinds["agree"]
    if q and core[:1] == "你":
        return "guess", "about_you", "你"
    if q:
        degree = _DEGREE.search(core) or _EVALUATION.search(core)
        if degree:
            return "seek_agreement", "evaluation", degree.group()
        return "guess", "confirm", ""
    if core[:1] == "你" or "plead" in kinds or "settle" in kinds:
        return "soften", "request", kinds.get("settle", core[:1])
    return "suggest", "proposal", ""


_BA_CORES = {
    "好": ("soften", "reluctant_yes"), "也好": ("soften", "reluctant_yes"),
    "對": ("seek_agreement", "right"), "沒錯": ("seek_agreement", "right"), "是": ("seek_agreement", "right"),
    "走": ("suggest", "lets_go"), "來": ("suggest", "lets_go"),
}  # fmt: skip
_EVALUATION = re.compile("很|不錯|厲害|漂亮|好看|好吃|好聽")


def _ma(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """嘛: "it's obvious" (default), or coaxing / a reluctant yes."""
    if core in ("好", "好啦"):
        return "soften", "reluctant_yes", core
    if "obvious" in kinds:
        return "assert", "obvious", kinds["obvious"]
    coax = _COAX.search(core)
    if coax:
        return "soften", "coax", coax.group()
    return "assert", "obvious_plain", ""


_COAX = re.compile("[陪教借幫讓給帶跟]我|一下")


def _lo(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """囉/嘍: announces a change or what comes next; with 記得 a reminder."""
    if "remind" in kinds:
        return "remind", "remind", kinds["remind"]
    if q:
        return "question", "question_mark", "？"
    return "change", "announce", ""


def _lie(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """咧: "where is …?" / a pressing question, or defiance (default)."""
    if "deny" in kinds:
        return "urge", "defiance", kinds["deny"]
    if q or len(core) <= 2:
        return "question", "question_mark" if q else "where_is", core
    return "urge", "defiance", ""


def _a(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """啊/呀/哇: agreement, "oh, so that's it", a question, urging, let's, or an exclamation."""
    if core in _AGREE_CORES:
        return "assert", "agree", core
    if core in _REALIZE_CORES or "realize" in kinds:
        return "realize", "realize", kinds.get("realize", core)
    if "urge" in kinds:
        return "urge", "urge", kinds["urge"]
    if core[:1] in _COMMAND_FIRST and _URGE_START.match(core):
        return "urge", "imperative", core[:2]
    if q:
        return "question", "question_mark", "？"
    asked = _asks(core, kinds)
    if asked:
        return "question", "question_word", asked
    if "we" in kinds or core[:1] == "來":
        return "suggest", "we", kinds.get("we", "來")
    if "obvious" in kinds:
        return "assert", "obvious", kinds["obvious"]
    degree = _DEGREE.search(core)
    if degree:
        return "exclaim", "degree", degree.group()
    return "assert", "statement", ""


_AGREE_CORES = frozenset(("對", "是", "好", "當然", "沒錯", "對呀", "可以", "行"))


def _ha(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """蛤: "huh?", always a question."""
    return "question", "huh", ""


def _mie(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """咩: "isn't it?" (default), or a coaxing 好咩."""
    if core == "好":
        return "soften", "reluctant_yes", core
    return "seek_agreement", "isnt_it", ""


def _yo(core: str, kinds: dict[str, str], q: bool) -> Decision:
    """哈/嘿/唷/喲: a friendly reminder or close; before a question mark, a question."""
    if q:
        return "question", "question_mark", "？"
    return "remind", "remind" if "remind" in kinds else "friendly_close", kinds.get("remind", "")


FAMILY: dict[str, Callable[[str, dict[str, str], bool], Decision]] = {
    "啦": _la, "喔": _o, "哦": _o, "呢": _ne, "捏": _ne, "耶": _ye, "欸": _ye, "誒": _ye,
    "齁": _ho, "吼": _ho, "吧": _ba, "嘛": _ma, "囉": _lo, "嘍": _lo, "咧": _lie,
    "啊": _a, "呀": _a, "哇": _a, "蛤": _ha, "咩": _mie, "哈": _yo, "嘿": _yo, "唷": _yo, "喲": _yo,
}  # fmt: skip
assert set(FAMILY) == set(PARTICLES), "every particle needs a family"
