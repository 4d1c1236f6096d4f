"""Read the numbers of a Chinese line, and say whether the numbers of a pair disagree.

A number mention is the set of values it may stand for (八點 is 8 or 20; 七折 is 70 % paid,
30 % off, or 7) and whether it is weak. Weak mentions (一 and "one" used as articles, 半 and
"half", 幾十, 兩三, "a couple") can match a number on the other side but never make a pair
disagree on their own. Reading is two-phase for speed: one charset-first regex finds the runs of
digits and numerals, then a few lines of Python read each run with the characters around it.
"""

from __future__ import annotations

import functools
import re

from builder.quality.mentions import Mention, hour, unmatched
from builder.quality.numbers_en import english_numbers

__all__ = [
    "Mention",
    "chinese_numbers",
    "english_numbers",
    "numbers_disagree",
    "parse_chinese_number",
    "zh_hit_positions",
]

_ZH_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
# 万 亿 两 (Simplified) can survive normalisation in a mostly Traditional line: read them too.
_ZH_BIG = {"萬": 10_000, "億": 100_000_000, "万": 10_000, "亿": 100_000_000}
_WIDE = str.maketrans("０１２３４５６７８９．，：％", "0123456789.,:%")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A mention is strong only if its run holds one of these (features.NUM_HINT is the same set), so
# a line without any can be skipped before reading.
_ZH_STRONG = re.compile("[0-9０-９二三四五六七八九十百千萬億兩零〇万亿两]")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二兩三四五六七八九十百千萬億万亿两]")
_NUMERALS = "零〇一二兩三四五六七八九十百千萬億万亿两"
_NOT_ALONE = frozenset("0123456789０１２３４５６７８９點" + _NUMERALS)  # what makes a 一 more than a lone 一


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _read_numeral(text: str) -> int | float | None:
    """Read digits and Chinese numerals with units (一千二, 3.5萬, 一百零五); None if malformed."""
    tokens = _TOKEN.findall(text)
    if not tokens or "".join(tokens) != text:
        return None
    if len(tokens) > 1 and all(t in _ZH_DIGIT for t in tokens):  # 二〇二四: digit by digit
        return int("".join(str(_ZH_DIGIT[t]) for t in tokens)) if "〇" in text or "零" in text else None
    total: float = 0
    section: float = 0
    pending: float | None = None
    last_unit, gap = 0, False
    for token in tokens:
        if token in "零〇" and (section or total):
            gap = True  # 一百零五: no shorthand after a zero
        elif token in _ZH_DIGIT or token[0].isdigit():
            if pending is not None:
                return None  # 三五 (three or five): not one number
            pending = _ZH_DIGIT[token] if token in _ZH_DIGIT else float(token)
        elif token in _ZH_SMALL:
            if pending is None and token != "十":
                return None  # 百, 千 alone (百貨, 千萬別) are words
            section += (1 if pending is None else pending) * _ZH_SMALL[token]
            pending, last_unit, gap = None, _ZH_SMALL[token], False
        else:
            if pending is None and not section:
                return None  # 萬 alone (萬一, 萬華)
            total += (section + (pending or 0)) * _ZH_BIG[token]
            section, pending, last_unit, gap = 0, None, _ZH_BIG[token], False
    if pending is not None:
        # 一千二 = 1,200 and 三萬五 = 35,000: a final digit counts in the next unit down.
        section += pending * (last_unit // 10) if last_unit >= 100 and not gap and pending < 10 else pending
    return _number(total + section)


@functools.lru_cache(maxsize=4096)
def parse_chinese_number(text: str) -> int | float | None:
    """Read a Chinese or mixed numeral (一千二, 三萬五千, 3.5萬, 兩百, 百分之二十, 一半, 1,200); None if not one."""
    text = _THOUSANDS.sub("", text.strip().translate(_WIDE))
    if text in ("半", "一半"):
        return 0.5
    if text.startswith("百分之"):
        return parse_chinese_number(text[3:])
    if text.endswith("%"):
        return parse_chinese_number(text[:-1])
    if "分之" in text:
        whole, _, part = text.partition("分之")
        denominator, numerator = parse_chinese_number(whole), parse_chinese_number(part)
        return _number(numerator / denominator) if denominator and numerator is not None else None
    if text.endswith("半") and len(text) > 1:  # 三個半, 兩個半
        base = parse_chinese_number(text[:-1].removesuffix("個"))
        return None if base is None else _number(base + 0.5)
    return _read_numeral(text)


# Words whose numeral characters are not counts (places, foods, set phrases). 一 words (一下,
# 一起, 一直) need no entry: a lone 一 is weak anyway.
_ZH_WORDS = ("三明治", "九層塔", "八卦", "五花肉", "四季豆", "三溫暖", "九份", "三峽", "五股", "八里", "七堵",
             "八德", "三重", "十字", "五金", "亂七八糟", "七嘴八舌", "三心二意", "一清二楚", "一五一十",
             "三七二十一", "說三道四", "三不五時", "再三", "二手", "二話不說", "十全十美", "三八", "小七", "七上八下")
_WORDS_AT: dict[str, list[tuple[str, int]]] = {}
_WORD_PAIRS = set()  # a run can only be inside a phrase if it touches one of these pairs
for _word in _ZH_WORDS:
    _at = next(i for i, c in enumerate(_word) if c in _NUMERALS)
    _WORDS_AT.setdefault(_word[_at], []).append((_word, _at))
    _WORD_PAIRS.update(_word[i:i + 2] for i in range(max(_at - 1, 0), _at + 1))
_RUN_TEXT = f"[0-9０-９{_NUMERALS}](?:[0-9０-９{_NUMERALS}]|[.,](?=[0-9０-９]))*"
# A number expression read from a start: a run and what makes it a time, a discount, a share,
# a half, a fraction or an approximation; or a lone 半.
_EXPR = re.compile(
    rf"(?P<run>{_RUN_TEXT})(?:\s*[點:：]\s*(?:(?P<quarter>[一三])刻|(?P<minute>{_RUN_TEXT})(?:\s*分)?|(?P<half>半))?"
    rf"|(?P<tail>個半|半|折|成|年|[幾多來])|分之(?P<numerator>{_RUN_TEXT}))?|半")
_START = re.compile(f"(?<![0-9０-９{_NUMERALS}])[0-9０-９{_NUMERALS}]|半")
_WEAK_ONE = (Mention(frozenset((1.0,)), True),)


def _phrase_end(line: str, start: int, run: str) -> int:
    """Return where the set phrase, weekday or 十分 (very) holding the run at `start` ends; 0 if none."""
    if line[start:start + 2] in _WORD_PAIRS or line[start - 1:start + 1] in _WORD_PAIRS:
        for word, at in _WORDS_AT.get(run[0], ()):
            if line.startswith(word, start - at):
                return start - at + len(word)
    if len(run) == 1 and run in "一二三四五六日" and (line[start - 1:start] in ("週", "周")
                                                     or line[max(start - 2, 0):start] in ("星期", "禮拜")):
        return start + 1
    if run == "十" and line.startswith("分", start + 1) and not line.startswith("分鐘", start + 1) \
            and line[start - 1:start] not in ("點", ":", "："):
        return start + 1
    return 0


def _mention(values: tuple[float, ...], strong: bool) -> Mention:
    return Mention(frozenset(map(float, values)), not strong)


@functools.lru_cache(maxsize=65536)
def _read_in_context(before: str, expression: str, after: str) -> tuple[tuple[Mention, ...], int]:
    """Read a number expression with the two characters before it and the three after it.

    Return its mentions and how many characters after the expression a set phrase covers.
    """
    run = _EXPR.match(expression).group("run")  # type: ignore[union-attr]
    if run is not None and (end := _phrase_end(before + expression + after, len(before), run)):
        return (), max(end - len(before) - len(expression), 0)
    if before[-1:] == "幾":
        before = "幾"
    return _read_expression(expression, "民國" if before == "民國" else "幾" if before == "幾" else ""), 0


def _read_expression(expression: str, before: str) -> tuple[Mention, ...]:
    """Read one number expression (七點半, 三萬五, 七折, 三個半); `before` is 民國, 幾 or empty."""
    match = _EXPR.fullmatch(expression)
    if match is None or match.group("run") is None:
        return (Mention(frozenset((0.5,)), True),)  # 半 alone
    run = match.group("run")
    if run == "百" and match.group("numerator") is not None:  # 百分之二十: a percentage
        run = match.group("numerator")
        return (_mention((parse_chinese_number(run) or 0,), _ZH_STRONG.search(run) is not None),)
    value = parse_chinese_number(run)
    strong = _ZH_STRONG.search(run) is not None
    if value is None:
        if len(run) == 2 and run[0] in _ZH_DIGIT and run[1] in _ZH_DIGIT:  # 兩三: "two or three"
            return (Mention(frozenset((float(_ZH_DIGIT[run[0]]), float(_ZH_DIGIT[run[1]]))), True),)
        return ()
    tail, minute_text = match.group("tail"), match.group("minute")
    if expression[len(run):].lstrip()[:1] in ("點", ":", "："):
        minute = 30 if match.group("half") else None
        if match.group("quarter"):
            minute = 15 if match.group("quarter") == "一" else 45
        if minute_text is not None:
            minute = parse_chinese_number(minute_text)
            strong = strong or _ZH_STRONG.search(minute_text) is not None
        # 一點 alone is "a bit" (晚一點) as often as one o'clock: weak, like every lone 一.
        return (hour(value, not strong),) + (() if minute is None else (_mention((minute,), strong),))
    if match.group("numerator") is not None:
        numerator = parse_chinese_number(match.group("numerator"))
        strong = strong or _ZH_STRONG.search(match.group("numerator")) is not None
        return () if numerator is None or not value else (_mention((numerator / value,), strong),)
    if tail == "年" and before == "民國":
        return (_mention((value, value + 1911), strong),)
    if tail == "折":
        paid = value * 10 if value < 10 else value  # 八折 pays 80 %, 七五折 pays 75 %
        return (_mention((paid, 100 - paid, value), strong),)
    if tail == "成":
        return (_mention((value, value * 10), strong),)
    if tail in ("個半", "半"):
        return (_mention((value + 0.5, value), strong),)
    approximate = tail in ("幾", "多", "來") or before == "幾"
    return (_mention((value,), strong and not approximate),)


def zh_hit_positions(line: str) -> list[int]:
    """Return where the numbers of a Chinese line start (the batch path finds them with numpy)."""
    return [match.start() for match in _START.finditer(line)]


def chinese_numbers(line: str, starts: list[int] | None = None) -> list[Mention]:
    """Return the number mentions of a Chinese line; `starts` are its hit positions if known."""
    mentions: list[Mention] = []
    until = -1
    for start in zh_hit_positions(line) if starts is None else starts:
        if start < until:
            continue
        if line[start] == "一" and line[start + 1:start + 2] not in _NOT_ALONE:
            mentions.extend(_WEAK_ONE)  # the commonest run by far (一下, 一個, 一起): no regex
            until = start + 1
            continue
        match = _EXPR.match(line, start)
        if match is None:
            continue
        until = match.end()
        # The context is part of the cache key: 民國, 幾, weekdays, 十分 and set phrases need it.
        found, covered = _read_in_context(line[max(start - 2, 0):start], match.group(0), line[until:until + 3])
        mentions.extend(found)
        until += covered
    return mentions


def numbers_disagree(en: str, zh: str, tolerance: float = 0.0, en_starts: list[int] | None = None,
                     zh_starts: list[int] | None = None) -> bool:
    """Say whether each side states a number that the other side has no counterpart for."""
    en_mentions = english_numbers(en, en_starts)
    if all(mention.weak for mention in en_mentions):
        return False
    zh_mentions = chinese_numbers(zh, zh_starts)
    return unmatched(en_mentions, zh_mentions, tolerance) and unmatched(zh_mentions, en_mentions, tolerance)
