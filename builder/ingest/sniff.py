"""How to read a file, from its first lines: TSV or paired lines for a `.txt`, a CSV's delimiter, and
which line of a pair comes first in a paired-lines file.

Each sniffer returns its answer and a note the report shows, e.g. `tsv (sniffed: 50 of 50 lines have
a tab)` or `zh line first (sniffed: 24 pairs that way, 23 the other; ...)`.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
from collections.abc import Sequence
from pathlib import Path

from builder.ingest.stream import open_regular
from builder.text.language import line_language

__all__ = ["ORDERS", "SNIFF_LINES", "sniff_csv", "sniff_order", "sniff_txt", "sample_lines"]

SNIFF_LINES = 50  # non-blank lines that decide TSV or paired lines
ORDER_LINES = 400  # non-blank lines that decide which line of a pair comes first
SNIFF_BYTES = 1 << 16
ORDERS = ("en-zh", "zh-en", "unclear")
# The vote (see _votes) that decides the order: at least ORDER_VOTES, more as the voters grow.
ORDER_VOTES = 2.0
ORDER_VOTES_GROWTH = 0.3


def sample_lines(file: Path, size: int = SNIFF_BYTES) -> list[str]:
    """The first complete lines of a file (up to `size` bytes), decoded leniently."""
    fh, _ = open_regular(file)
    with fh:
        data = fh.read(size)
    if len(data) == size:
        data = data[: data.rfind(b"\n") + 1]
    return data.decode("utf-8", "replace").splitlines()


def sniff_txt(file: Path) -> tuple[str, str]:
    """Decide between paired lines and TSV for a .txt: (format, note for the report)."""
    lines = [line for line in sample_lines(file) if line.strip()][:SNIFF_LINES]
    tabs = sum("\t" in line for line in lines)
    chosen = "tsv" if lines and 2 * tabs > len(lines) else "lines"
    return chosen, f"{chosen} (sniffed: {tabs} of {len(lines)} lines have a tab)"


def sniff_csv(file: Path) -> str:
    """Guess a CSV file's delimiter from its first lines; "," when the sniffer cannot tell."""
    sample = "\n".join(sample_lines(file)[: 4 * SNIFF_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


# --- which line of a pair comes first ------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _pairing(lines: Sequence[tuple[str, str]], first: str) -> int:
    """Count the pairs the reader would make with `first` ("en" or "zh") leading."""
    pairs, pending = 0, False
    for language, _ in lines:
        if language == first:
            pending = True
        elif language in ("en", "zh") and pending:
            pairs, pending = pairs + 1, False
        else:
            pending = False
    return pairs


def _ends(text: str) -> str:
    mark = text.rstrip()[-1:]
    return {"?": "?", "？": "?", "!": "!", "！": "!"}.get(mark, "")


def _ratio(en: str, zh: str) -> float:
    return math.log((len(_LETTER.findall(en)) + 1) / (len(_LETTER.findall(zh)) + 1))


def _misfit(en: str, zh: str, middle: float) -> float:
    """How badly a zh line fits an English line as its translation: a length ratio far from the
    file's, digits or an end mark (? !) that differ, English words in the zh line that the English
    line lacks. A line and its translation agree on these; a line and a neighbour's mostly do not."""
    misfit = abs(_ratio(en, zh) - middle)
    misfit += (_DIGITS.findall(en) != _DIGITS.findall(zh)) + (_ends(en) != _ends(zh))
    borrowed = _LATIN_WORD.findall(zh)
    if borrowed and not any(word.lower() in en.lower() for word in borrowed):
        misfit += 1
    return misfit


def _votes(lines: Sequence[tuple[str, str]]) -> tuple[float, int]:
    """Each zh line between two English lines votes for the one it fits better: (sum, voters).

    A positive sum says the English line comes first in a pair, a negative one the zh line.
    """
    triples = [(lines[i - 1][1], lines[i][1], lines[i + 1][1]) for i in range(1, len(lines) - 1)
               if lines[i][0] == "zh" and lines[i - 1][0] == lines[i + 1][0] == "en"]
    if not triples:
        return 0.0, 0
    middle = statistics.median(_ratio(en, zh) for before, zh, after in triples for en in (before, after))
    total = sum(max(-1.0, min(1.0, _misfit(after, zh, middle) - _misfit(before, zh, middle)))
                for before, zh, after in triples)
    return total, len(triples)


def sniff_order(lines: Sequence[str]) -> tuple[str, str]:
    """Decide which line of a pair comes first in paired lines: ("en-zh" | "zh-en" | "unclear", note).

    Every zh line between two English lines votes for the neighbour it fits better as a translation.
    Clear votes decide; else a way of pairing that pairs clearly more lines; else, when the file
    starts with an English line, English first (the documented default). Otherwise the order is
    "unclear" and the reader sets the file aside rather than risk pairing each line with its
    neighbour's translation.
    """
    sample = [(line_language(t), t) for t in (line.strip() for line in lines) if t][:ORDER_LINES]
    total, voters = _votes(sample)
    en_first, zh_first = _pairing(sample, "en"), _pairing(sample, "zh")
    seen = (f"{en_first} pairs with the English line first, {zh_first} with the zh line first; "
            f"vote {total:+.1f} of {voters} zh lines")
    threshold = ORDER_VOTES + ORDER_VOTES_GROWTH * math.sqrt(voters)  # noise grows with the voters
    if total >= threshold:
        return "en-zh", f"English line first (sniffed: {seen})"
    if total <= -threshold:
        return "zh-en", f"zh line first (sniffed: {seen})"
    if abs(total) < 1 and (en_first >= zh_first + 2 or (en_first and not zh_first)):
        return "en-zh", f"English line first (sniffed: {seen})"
    if abs(total) < 1 and (zh_first >= en_first + 2 or (zh_first and not en_first)):
        return "zh-en", f"zh line first (sniffed: {seen})"
    starts = next((language for language, _ in sample if language in ("en", "zh")), "en")
    if starts == "en":  # the documented default, and no clear vote against it
        return "en-zh", f"English line first (the default; sniffed: {seen})"
    return "unclear", f"unclear (sniffed: {seen}): which line of a pair comes first cannot be told"
