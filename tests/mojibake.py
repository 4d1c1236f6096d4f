"""Make the mojibake rows of noisy_pairs.tsv: our own UTF-8 text, really mis-decoded.

Each source pair below was written for twcasual. One side (or one word of it) is encoded as
UTF-8 and decoded as Latin-1 or Windows-1252, the two usual ways a UTF-8 file gets misread;
a few rows instead cut a UTF-8 byte string mid-character and decode it with errors="replace",
which leaves U+FFFD. Bytes that Windows-1252 leaves undefined (81 8D 8F 90 9D) come out as the
C1 control of the same number, as browsers do. The tests use `misread` and `cut` to make broken
pairs of their own. Run: python tests/mojibake.py
"""

from __future__ import annotations

import codecs


def _cp1252_lenient(error: UnicodeDecodeError) -> tuple[str, int]:
    # Undefined cp1252 bytes become the C1 control with the same code (WHATWG behaviour).
    return chr(error.object[error.start]), error.start + 1


codecs.register_error("c1", _cp1252_lenient)


def misread(text: str, codec: str) -> str:
    """Return `text` as UTF-8 bytes read back as `codec` (latin-1 or cp1252)."""
    return text.encode("utf-8").decode(codec, errors="c1")


def cut(text: str, drop: int) -> str:
    """Return `text` with its last `drop` UTF-8 bytes removed, decoded with U+FFFD."""
    return text.encode("utf-8")[:-drop].decode("utf-8", errors="replace")


# (en, zh, which side, how, note): "word:X" mis-decodes only the word X of that side.
SOURCES = [
    ("Let’s meet at the café at noon.", "中午在咖啡廳見吧", "en", "cp1252", "en curly quote and é via cp1252"),
    ("The braised pork rice here is amazing.", "這家的滷肉飯超好吃", "zh", "cp1252", "whole zh via cp1252"),
    ("I have arrived.", "我到了喔", "zh", "latin-1", "whole zh via latin-1 (C1 controls)"),
    ("See you at the library.", "圖書館見", "zh", "word:館:latin-1", "one hanzi via latin-1: é¤¨"),
    ("Please update your résumé before Monday.", "禮拜一前記得更新履歷喔", "en", "cp1252", "en résumé via cp1252"),
    ("I don’t think it will rain today.", "我覺得今天不會下雨啦", "en", "latin-1", "en curly quote via latin-1"),
    ("The night market is packed tonight.", "今晚夜市人超多的", "zh", "cut:2", "zh cut mid-character: U+FFFD"),
    ("My phone screen cracked again.", "我手機螢幕又裂了啦", "zh", "cp1252", "whole zh via cp1252"),
    ("We ordered crème brûlée for dessert.", "甜點我們點了烤布蕾", "en", "cp1252", "en accents via cp1252"),
    ("Thanks for the ride home.", "謝謝你載我回家", "zh", "word:載我:cp1252", "two hanzi via cp1252"),
    ("The “limited edition” sold out in an hour.", "限量款一個小時就賣光了", "en", "cp1252", "en curly double quotes"),
    ("Could you lower the air conditioning a little?", "冷氣可以調小一點嗎", "zh", "cut:1",
     "zh cut mid-character: U+FFFD"),
    ("My grandma makes the best turnip cake.", "我阿嬤做的蘿蔔糕最好吃", "zh", "latin-1", "whole zh via latin-1"),
    ("The Pokémon event starts on Saturday.", "寶可夢活動禮拜六開始", "en", "latin-1", "en é via latin-1"),
    ("I’ll bring snacks for everyone.", "我會帶零食給大家", "en", "cp1252", "en apostrophe only: â€™"),
]


def make_rows() -> list[tuple[str, str, str]]:
    """Return (en, zh, note) rows with the chosen side mis-decoded."""
    rows = []
    for en, zh, side, how, note in SOURCES:
        text = en if side == "en" else zh
        if how.startswith("cut:"):
            broken = cut(text, int(how[4:]))
        elif how.startswith("word:"):
            _, word, codec = how.split(":")
            broken = text.replace(word, misread(word, codec))
        else:
            broken = misread(text, how)
        rows.append((broken, zh, note) if side == "en" else (en, broken, note))
    return rows


if __name__ == "__main__":
    for en, zh, note in make_rows():
        print(ascii((en, zh, note)))
