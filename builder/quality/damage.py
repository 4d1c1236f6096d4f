"""Exact checks for damage to the text itself: mojibake, markup and bare URLs, repetition spam.

They are regular expressions, run only on the few lines whose character counts point at them
(`builder.quality.filters` decides which); each says whether a pair or a side fails.
"""

from __future__ import annotations

import functools
import re

from builder.quality.filter_settings import FilterSettings

__all__ = ["is_markup", "is_mojibake", "is_repetitive"]

_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"  # a UTF-8 continuation byte read as Latin-1/cp1252
# A lead byte (Â Ã for 2-byte sequences; à-ï for 3-byte, hanzi and curly quotes; ð-ô for 4-byte,
# emoji) followed by the right number of continuation bytes. Other 2-byte leads (É, Ö, Ñ) need a
# Latin-1 continuation, so a word like CAFÉ’S is not taken for mojibake.
_MOJIBAKE = re.compile(rf"\ufffd|[ÂÃ][{_CONT}]|[\u00c4-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][{_CONT}]{{2}}"
                       rf"|[\u00f0-\u00f4][{_CONT}]{{3}}")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--|&(?:[A-Za-z]{2,10}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_URL_CHARS = r"[^\s<>\"'，。！？、；：「」『』（）《》]"
_URL = re.compile(rf"(?:[Hh][Tt][Tt][Pp][Ss]?://|www\.){_URL_CHARS}+"
                  rf"|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}}/{_URL_CHARS}*")
_SHORT_RUN = re.compile(r"(.{1,4}?)\1{2,}")


@functools.cache
def _long_runs(max_unit: int, repeats: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(rf"(.)\1{{{repeats - 1},}}"), re.compile(rf"(.{{2,{max_unit}}}?)\1{{{repeats - 2},}}")


def is_mojibake(en: str, zh: str, settings: FilterSettings) -> bool:
    """Say whether the pair holds enough mis-decoded sequences (or U+FFFD) to be mojibake."""
    return len(_MOJIBAKE.findall(en)) + len(_MOJIBAKE.findall(zh)) >= settings.mojibake_min_hits


def _urls(text: str) -> set[str]:
    return {url.rstrip(".,;:!?)'\"").lower() for url in _URL.findall(text)}


def is_markup(en: str, zh: str, settings: FilterSettings) -> bool:
    """Say whether a side holds a tag or an entity, or the sides' URLs differ or stand alone."""
    if _TAG.search(en) or _TAG.search(zh):
        return True
    en_urls, zh_urls = _urls(en), _urls(zh)
    if not en_urls and not zh_urls:
        return False
    if not settings.markup_keep_shared_urls or en_urls != zh_urls:
        return True  # a URL on one side only, or different URLs
    # The same URLs on both sides are kept only inside sentences, not as the whole line.
    return not any(map(str.isalpha, _URL.sub("", en))) or not any(map(str.isalpha, _URL.sub("", zh)))


def is_repetitive(text: str, settings: FilterSettings) -> bool:
    """Say whether a side is repetition spam: a unit repeated many times, or mostly one short unit."""
    single, multi = _long_runs(settings.repetition_max_unit, settings.repetition_min_repeats)
    if single.search(text):
        return True
    for match in multi.finditer(text):
        unit = match.group(1)
        # min_repeats - 1 whole units, then the last one whole or short of its final character
        # (the space after "buy now" when the line ends).
        if len(match.group(0)) >= settings.repetition_min_repeats * len(unit) \
                or text.startswith(unit[:-1], match.end()):
            return True
    floor = max(settings.repetition_min_chars, settings.repetition_min_share * len(text))
    return any(len(match.group(0)) >= floor for match in _SHORT_RUN.finditer(text))
