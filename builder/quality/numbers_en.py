"""Read the numbers of an English line: digits, number words, clock times and dates.

Two-phase for speed: one regex finds digit tokens and runs of number words (a trie of the words,
so a failed attempt costs a character or two), then a few lines of Python read each hit with the
text around it (a.m., o'clock, a month name, "half past").
"""

from __future__ import annotations

import functools
import re

from builder.quality.mentions import Mention, hour

__all__ = ["NUMBER_WORDS", "STRONG_WORDS", "english_numbers", "hit_positions"]

_UNITS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
_TENS = {w: 10 * i for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2)}
_ORDINALS = {w: i for i, w in enumerate(
    ["third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"], start=3)}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "dozen": 12}
# Weak: they match a number on the other side but never make a pair disagree.
_WEAK = {"one": 1, "once": 1, "twice": 2, "couple": 2, "pair": 2, "noon": 12, "midnight": 12, "first": 1,
         "second": 2, "half": 0.5, "quarter": 0.25}
_VALUES: dict[str, float] = {**_UNITS, **_TENS, **_ORDINALS, **_SCALES, **_WEAK}
NUMBER_WORDS = frozenset(_VALUES)
STRONG_WORDS = NUMBER_WORDS - frozenset(_WEAK)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")


def _trie(words: list[str]) -> str:
    """Return a regex alternation of `words` shaped as a trie (shared prefixes written once)."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = "|".join(branches)
        if "" in node:
            return f"(?:{body})?"
        return body if len(branches) == 1 else f"(?:{body})"

    return emit(tree)


_WORD = _trie(list(_VALUES))
_D = "0-9\uff10-\uff19"  # ASCII and full-width digits (float() reads both)
# Where a number starts: a digit run, or a whole word that is a number word (number_hits finds
# the same positions with numpy for a batch).
_START = re.compile(rf"(?<![{_D}])[{_D}]|(?<![a-z]){_WORD}(?![a-z])")
_CLOCK = r"[ap]\.?m\b\.?|o['’]clock"
# A number expression read from a start: "half past seven", a digit token with its suffix and
# what follows (a.m., million, of May), or a run of number words and a clock word.
_EXPR = re.compile(
    rf"(?P<frac>half|quarter)\s+(?P<rel>past|to)\s+(?P<hour>[{_D}]{{1,2}}(?![{_D}])|{_WORD}(?![a-z]))"
    rf"|(?P<digits>[{_D}]+(?:[.,:][{_D}]+)*)(?:(?P<suffix>st|nd|rd|th|k|bn)(?![a-z]))?"
    rf"(?:\s*(?:(?P<clock>{_CLOCK})|(?P<scale>hundred|thousand|million|billion)\b|(?:of\s+)?(?P<month>{_MONTH})\b))?"
    rf"|(?P<words>{_WORD}(?:[\s-]+(?:and[\s-]+)?(?:an?\s+)?{_WORD})*(?![a-z]))(?:\s*(?P<wordclock>{_CLOCK}))?"
)
_MONTH_BEFORE = re.compile(rf"\b(?P<month>{_MONTH})\.?\s+(?:the\s+)?$")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_LETTERS = re.compile("[a-z]+")


def _words(words: list[str]) -> list[Mention]:
    """Read a run of number words: "twenty-five", "two hundred", "three and a half", "six thirty"."""
    mentions: list[Mention] = []
    current: float | None = None
    weak = False
    for word in words:
        value = _VALUES.get(word)
        if value is None:
            continue  # "and", "a"
        if word in _SCALES:
            current, weak = (value if current is None else current * value), False
        elif word == "half" and current is not None:  # three and a half
            mentions.append(Mention(frozenset((current + 0.5, current)), weak))
            current = None
        elif current is not None and current >= 20 and current % 10 == 0 and word in _UNITS and value < 10:
            current += value  # twenty-five
        else:
            if current is not None:
                mentions.append(Mention(frozenset((current,)), weak))
            current, weak = value, word in _WEAK
    if current is not None:
        mentions.append(Mention(frozenset((current,)), weak))
    if STRONG_WORDS.isdisjoint(words):  # "one", "a couple": never strong
        mentions = [m._replace(weak=True) for m in mentions]
    return mentions


def _digits(match: re.Match[str]) -> tuple[Mention, ...]:
    """Read a digit expression: 6:30, 1,200, 3.5 million, 1.5k, 8 p.m., 12 May."""
    text = match.group("digits")
    if ":" in text:
        parts = text.split(":")
        if len(parts) == 2 and len(parts[0]) <= 2 and len(parts[1]) == 2:
            return hour(float(parts[0])), Mention(frozenset((float(parts[1]),)))
        return tuple(Mention(frozenset((float(p),))) for p in parts if p.replace(".", "", 1).isdigit())
    if "," in text and not _THOUSANDS.fullmatch(text):
        return tuple(Mention(frozenset((float(p),))) for p in text.split(",") if p.replace(".", "", 1).isdigit())
    value = float(text.replace(",", ""))
    if match.group("clock") and value <= 24:
        return (hour(value),)
    if match.group("scale"):
        value *= _SCALES[match.group("scale")]
    if match.group("suffix") in ("k", "bn"):
        return (Mention(frozenset((value * (1000 if match.group("suffix") == "k" else 10**9), value))),)
    if match.group("month"):
        return Mention(frozenset((value,))), Mention(frozenset((float(_MONTHS[match.group("month")[:3]]),)))
    return (Mention(frozenset((value,))),)


@functools.lru_cache(maxsize=16384)
def _read_expression(expression: str, month_before: str) -> tuple[Mention, ...]:
    """Read one number expression; `month_before` is a month name just before it, or empty."""
    match = _EXPR.fullmatch(expression)
    if match is None:
        return ()
    if match.group("frac"):  # half past seven, quarter to six
        base = _words([match.group("hour")]) if match.group("hour")[0].isalpha() else \
            [Mention(frozenset((float(match.group("hour")),)))]
        value = min(base[0].values) - (match.group("rel") == "to")
        minute = 30 if match.group("frac") == "half" else 15 if match.group("rel") == "past" else 45
        return hour(value, base[0].weak), Mention(frozenset((float(minute),)), base[0].weak)
    if match.group("digits"):
        found = _digits(match)
        if month_before and len(found) == 1 and max(found[0].values) <= 31:
            found += (Mention(frozenset((float(_MONTHS[month_before[:3]]),))),)
        return found
    mentions = _words(_LETTERS.findall(match.group("words")))
    if match.group("wordclock") and mentions and max(mentions[-1].values) <= 24:
        mentions[-1] = hour(min(mentions[-1].values), mentions[-1].weak)
    return tuple(mentions)


def _lower(line: str) -> str:
    lower = line.lower()
    # A few characters change length when lower-cased (İ); keep positions by lowering ASCII only.
    return lower if len(lower) == len(line) else "".join(c.lower() if c.isascii() else c for c in line)


def hit_positions(line: str) -> list[int]:
    """Return where the numbers of an English line start (the batch path finds them with numpy)."""
    return [match.start() for match in _START.finditer(_lower(line))]


def english_numbers(line: str, starts: list[int] | None = None) -> list[Mention]:
    """Return the number mentions of an English line; `starts` are its hit positions if known."""
    line = _lower(line)
    mentions: list[Mention] = []
    until = -1
    for start in hit_positions(line) if starts is None else starts:
        if start < until or (match := _EXPR.match(line, start)) is None:
            continue
        until = match.end()
        month = ""
        if match.group("digits") and start and len(match.group("digits")) <= 2:
            before = _MONTH_BEFORE.search(line, max(start - 16, 0), start)
            month = before.group("month") if before else ""
        mentions.extend(_read_expression(match.group(0), month))
    return mentions
