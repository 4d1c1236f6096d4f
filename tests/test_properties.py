"""Properties on arbitrary input (hypothesis): the readers account for every line, normalising
twice changes nothing, folding is stable and a line's case, width and script variants meet."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.dedup.fold import fold_text
from builder.ingest.readers import LINES_PER_PAIR, FileStats, InputFile, read_file
from builder.text.normalize import Normalizer, normalize_en, widen_punctuation
from builder.types import RawPair, SetAside, Source

# 150 examples a property in `make test`; TWCASUAL_HYPOTHESIS_EXAMPLES=3000 for a longer hunt.
SETTINGS = settings(max_examples=int(os.environ.get("TWCASUAL_HYPOTHESIS_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Lines that look like data, mixed with anything at all.
ENGLISH = st.sampled_from(["The ferry leaves at noon.", "Grandpa naps after lunch.", "Is the clinic open?"])
CHINESE = st.sampled_from(["渡輪中午開喔", "阿公吃飽就睡午覺了啦", "診所有開嗎？", "好啦"])
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
LINE = st.one_of(ENGLISH, CHINESE, ANY_TEXT, st.just(""), st.just("  \u3000 "))
RAW_LINE = st.one_of(LINE.map(lambda t: t.encode("utf-8")), st.binary(max_size=30))


def _file_bytes(lines: list[bytes], crlf: bool) -> bytes:
    return (b"\r\n" if crlf else b"\n").join(line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines)


def _as_format(lines: list[bytes], fmt: str, draw_json: list[bool]) -> list[bytes]:
    if fmt != "jsonl":
        return lines
    out = []
    for line, as_object in zip(lines, draw_json):
        text = line.decode("utf-8", "replace")
        out.append(json.dumps({"en": text, "zh": text}, ensure_ascii=False).encode() if as_object else line)
    return out


@SETTINGS
@given(lines=st.lists(RAW_LINE, max_size=25), fmt=st.sampled_from(["lines", "tsv", "jsonl"]),
       crlf=st.booleans(), as_json=st.lists(st.booleans(), min_size=25, max_size=25))
@example(lines=[b"\xef\xbb\xbfThe ferry leaves at noon.", "渡輪中午開喔".encode()], fmt="lines", crlf=False,
         as_json=[False] * 25)
def test_every_line_read_is_accounted_for(tmp_path: Path, lines: list[bytes], fmt: str, crlf: bool,
                                         as_json: list[bool]) -> None:
    """Each non-blank line of any file is in exactly one pair or one set-aside line, and the
    counts add up: lines == lines_per_pair x pairs + unpaired + rejected."""
    lines = _as_format(lines, fmt, as_json)
    path = tmp_path / f"input.{fmt}"
    path.write_bytes(_file_bytes(lines, crlf))
    stats = FileStats()
    items = list(read_file(InputFile(path, path.name, fmt), stats))
    pairs = [i for i in items if isinstance(i, RawPair)]
    set_aside = [i for i in items if isinstance(i, SetAside)]
    assert stats.adds_up()
    assert stats.pairs == len(pairs) and sum(stats.reasons.values()) == len(set_aside)
    used = [n for p in pairs for n in sorted({p.source.en_line, p.source.zh_line})] + [s.line for s in set_aside]
    assert len(used) == len(set(used)) == stats.lines  # no line twice, none left out
    physical = path.read_bytes().split(b"\n")
    assert all(1 <= n <= len(physical) for n in used)
    if fmt != "jsonl":  # jsonlines decides blank lines its own way; these formats by this rule
        def blank(raw: bytes, number: int) -> bool:
            raw = raw[3:] if number == 1 and raw.startswith(b"\xef\xbb\xbf") else raw
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                return not raw.strip()
            return not text or text.isspace()

        assert sorted(used) == [n for n, raw in enumerate(physical, 1) if not blank(raw, n)]
    assert LINES_PER_PAIR[fmt] * len(pairs) + len(set_aside) == stats.lines


SOURCE = Source("p.txt", 1, 2)


@SETTINGS
@given(en=st.one_of(ENGLISH, ANY_TEXT), zh=st.one_of(CHINESE, ANY_TEXT, CHINESE.map(
    lambda t: opencc.OpenCC("t2s.json").convert(t))))
@example(en="Tea ,please !", zh="喝茶,好嗎?")
def test_normalising_twice_changes_nothing(en: str, zh: str) -> None:
    """A normalised pair normalised again is the same pair (text and id)."""
    normalizer = Normalizer()
    once = normalizer(RawPair(en, zh, SOURCE))
    if isinstance(once, SetAside):
        return
    twice = normalizer(RawPair(once.en, once.zh, SOURCE))
    assert not isinstance(twice, SetAside)
    assert (twice.en, twice.zh, twice.id) == (once.en, once.zh, once.id)
    assert normalize_en(once.en) == once.en and widen_punctuation(once.zh) == once.zh




def _spacing_diacritic(ch: str) -> bool:
    """A spacing accent (¯ ´ ¨ ˜ ...): NFKC makes it a space and a combining mark."""
    folded = unicodedata.normalize("NFKC", ch)
    return len(folded) > 1 and folded[0] == " " and unicodedata.combining(folded[1]) > 0


# Readers set NUL aside; spacing accents are the known exception below.
NO_NUL = st.text(st.characters(codec="utf-8", exclude_characters="\x00").filter(
    lambda c: not _spacing_diacritic(c)), max_size=30)


@SETTINGS
@given(text=st.one_of(NO_NUL, ENGLISH, CHINESE), particles=st.booleans())
def test_folding_a_folded_text_again_changes_nothing(text: str, particles: bool) -> None:
    """fold(fold(x)) == fold(x): a key's text is a fixed point of the fold (particles kept)."""
    once = fold_text(text, fold_particles=False)
    assert fold_text(once, fold_particles=False) == once
    if particles:  # with particles folded away, the rest of the folded line is stable too
        assert fold_text(fold_text(text), fold_particles=False) == fold_text(text)


ASCII = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30)
TRADITIONAL = st.text(st.sampled_from("這裡的飲料與點心價錢實在太貴們說話聽見開關電腦網路颱風鐵路醫師"), min_size=1,
                      max_size=20)


@SETTINGS
@given(text=ASCII)
def test_case_and_width_variants_meet(text: str) -> None:
    """Upper case, lower case and full-width forms of a line fold to one key text."""
    wide = "".join(chr(ord(c) + 0xFEE0) for c in text)
    assert fold_text(text.upper()) == fold_text(text.lower()) == fold_text(wide.upper()) == fold_text(text)


@SETTINGS
@given(text=TRADITIONAL)
def test_script_variants_meet(text: str) -> None:
    """A Traditional line and its Simplified copy fold to one key text."""
    simplified = opencc.OpenCC("t2s.json").convert(text)
    assert fold_text(simplified) == fold_text(text)
    back = opencc.OpenCC("s2tw.json").convert(simplified)  # one-to-many the other way: still one key
    assert fold_text(back) == fold_text(text)


@pytest.mark.parametrize("text", ["好啦啦", "是喔喔喔", "啦"])
def test_fold_examples(text: str) -> None:
    """Stacked particles: folding the folded line with particles kept changes nothing."""
    once = fold_text(text)
    assert fold_text(once, fold_particles=False) == once


def test_a_spacing_accent_folds_stably() -> None:
    """fold(fold('E¯')) == fold('E¯'): found by the property above (a spacing accent folded to a
    dropped space and a combining mark, which composed with the letter before it when folded again).
    A mark left without a letter after NFKC is now dropped; an accent NFKC composes stays."""
    once = fold_text("E\u00af", fold_particles=False)
    assert fold_text(once, fold_particles=False) == once == "e"
    assert fold_text("Caf\u00e9") == fold_text("Cafe\u0301") == "caf\u00e9"
