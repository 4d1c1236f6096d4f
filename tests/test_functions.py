"""Particle functions: the twelve, the rules on lines of each, the traps, and the held-out accuracy."""

from __future__ import annotations

from collections import Counter

import pytest
from labelled_functions import labelled, predicted, score

from builder.annotate import annotate
from builder.annotate.functions import FUNCTIONS, span_functions
from builder.annotate.lexicon import PARTICLES


def functions_of(line: str) -> tuple[list[str], list[str]]:
    """The functions the annotator gives the particles and the interjections of a line."""
    style = annotate(line)
    return [s.function for s in style.particles], [s.function for s in style.interjections]


# --- the labelled set ------------------------------------------------------------------------


def test_labelled_set_shape() -> None:
    """At least 250 labelled spans over all twelve functions; a third of each group held out."""
    rows = labelled()
    spans = [g for *_, gold in rows for g in gold]
    assert len(spans) >= 250
    per_function = Counter(g[3] for g in spans)
    assert all(per_function[f] >= 12 for f in FUNCTIONS), per_function
    assert {g[1] for g in spans if g[0] == "particle"} >= set("啦喔哦呢耶欸齁吼吧嘛囉咧捏唷啊呀哇蛤哈嘿咩")
    groups = Counter(note.split(":")[0] for _, _, note, _ in rows)
    held = Counter(note.split(":")[0] for _, part, note, _ in rows if part == "heldout")
    assert all(held[g] == groups[g] // 3 for g in groups)
    assert {part for _, part, _, _ in rows} == {"tune", "heldout"}


def test_heldout_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    """At least 85 % of the held-out spans get the right function; prints the per-function table.

    .venv/bin/python -m pytest tests/test_functions.py -k heldout_accuracy -s -q
    """
    right, total, missed, extra = score("heldout")
    with capsys.disabled():
        print(f"\nheld-out: {sum(right.values())}/{sum(total.values())} right "
              f"({100 * sum(right.values()) / sum(total.values()):.1f} %); spans missed {missed}, extra {extra}")
        for function in FUNCTIONS:
            print(f"  {function:<15} {right[function]:>3}/{total[function]:<3}")
    assert sum(total.values()) >= 100
    assert sum(right.values()) / sum(total.values()) >= 0.85


def test_the_accuracy_check_fails_a_reader_that_does_not_read() -> None:
    """The scorer catches a reader that gives every span its particle's most common function."""
    def default_only(line: str) -> dict[tuple[str, str, int], str]:
        return {key: "assert" for key in predicted(line)}

    right, total, _, _ = score("heldout", default_only)
    assert sum(right.values()) / sum(total.values()) < 0.85


# --- lines of each function (written for these tests, not in the labelled set) --------------

EACH_FUNCTION = [
    ("沒事啦，你先去睡。", ["assert"], []),
    ("他本來就很會唱歌嘛。", ["assert"], []),
    ("抱歉啦，我明天要上班。", ["soften"], []),
    ("好吧，那你決定。", ["soften"], []),
    ("我今天不太想出門耶。", ["soften"], []),
    ("快點啦，公車要走了！", ["urge"], []),
    ("我才不要咧。", ["urge"], []),
    ("記得吃藥喔。", ["remind"], []),
    ("加油唷！", ["remind"], []),
    ("喔，原來你住這裡。", [], ["realize"]),
    ("是喔，我都不知道。", ["realize"], []),
    ("我要回家了，你呢？", ["question"], []),
    ("蛤？什麼？", [], ["question"]),
    ("外面在下冰雹耶！", ["surprise"], []),
    ("哇，好大的雨。", [], ["surprise"]),
    ("這家拉麵很好吃齁？", ["seek_agreement"], []),
    ("很簡單咩。", ["seek_agreement"], []),
    ("我們去吃飯吧。", ["suggest"], []),
    ("來喝茶吧。", ["suggest"], []),
    ("他應該到家了吧？", ["guess"], []),
    ("大概是塞車了吧。", ["guess"], []),
    ("出發囉！", ["change"], []),
    ("上課囉，大家坐好。", ["change"], []),
    ("唉，又下雨了。", [], ["exclaim"]),
    ("好累喔。", ["exclaim"], []),
]


@pytest.mark.parametrize(("line", "particles", "interjections"), EACH_FUNCTION)
def test_each_function(line: str, particles: list[str], interjections: list[str]) -> None:
    """Lines of every one of the twelve functions get that function from the annotator."""
    assert functions_of(line) == (particles, interjections)


def test_every_function_is_tested() -> None:
    """The lines above cover all twelve functions."""
    assert {f for _, p, i in EACH_FUNCTION for f in p + i} == set(FUNCTIONS)


THREE_LA = [("趕快改掉啦", "urge"), ("不好意思啦，我今天沒辦法去", "soften"), ("沒關係啦，下次再約", "assert")]


@pytest.mark.parametrize(("line", "expected"), THREE_LA)
def test_three_la_lines_of_the_issue(line: str, expected: str) -> None:
    """The three 啦 lines of issue 14 get three different, right functions."""
    assert functions_of(line) == ([expected], [])


@pytest.mark.parametrize(
    ("line", "expected"),
    [("記得關燈喔", "remind"), ("你真的要搬去台中喔？", "question"), ("我們走吧", "suggest"),
     ("她應該睡了吧？", "guess")],
)
def test_the_issues_other_lines(line: str, expected: str) -> None:
    """喔 reminds or asks, 吧 suggests or guesses, as the issue reads them."""
    assert functions_of(line)[0] == [expected]


def test_oh_i_see_is_an_interjection_that_realizes() -> None:
    """喔，原來他今天請假: the opening 喔 takes in news."""
    assert functions_of("喔，原來他今天請假") == ([], ["realize"])


# --- traps ------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["她們在練啦啦隊。", "你幹嘛不接電話？", "樓下那間酒吧很吵。", "這條毛呢圍巾很暖。"])
def test_traps_have_no_spans(line: str) -> None:
    """Trap words (啦啦隊, 幹嘛, 酒吧, 毛呢) yield no span, so no function."""
    style = annotate(line)
    assert style.particles == () and style.interjections == ()


@pytest.mark.parametrize(
    ("line", "expected"),
    [("啦啦隊跳得好棒耶！", ["surprise"]), ("你幹嘛不早說啦！", ["urge"]), ("來去酒吧喝一杯吧。", ["suggest"])],
)
def test_traps_next_to_real_particles(line: str, expected: str) -> None:
    """A trap word does not hide the real particle in the same line, nor change its function."""
    assert functions_of(line)[0] == expected


@pytest.mark.parametrize(
    ("line", "particles"),
    [("你不要一直吼啦，我聽得到", ["啦"]), ("不要亂吼", []), ("別吼了，鄰居在睡覺", []), ("我今天又被吼", []),
     ("你不要對我吼", []), ("他們兩個在互吼", []), ("你不要一直捏", []),
     # The same characters ending a word before a real particle: 特別 + 吼, 混亂 + 吼.
     ("這家店很特別吼？", ["吼"]), ("現場很混亂吼", ["吼"]), ("這個很特別捏", ["捏"])],
)
def test_shout_and_pinch_are_verbs(line: str, particles: list[str]) -> None:
    """吼 (to shout) after 一直/亂/別/被/互/對我 and 捏 (to pinch) after 一直 are verbs, not particles."""
    assert [s.text for s in annotate(line).particles] == particles


@pytest.mark.parametrize(
    ("line", "particle", "function"),
    [("洗澡加剪毛要 800 喔。", "喔", "remind"), ("我什麼都靠 Google Maps 啦，不然會迷路", "啦", "assert"),
     ("你密碼是「12345678」喔？快改", "喔", "question"), ("他說「好」喔，那就走", "喔", "remind"),
     ("我買了 iPhone 15 欸！", "欸", "surprise")],
)
def test_a_particle_after_a_space_or_a_closing_quote_is_a_particle(line: str, particle: str, function: str) -> None:
    """要 800 喔, Google Maps 啦, 「12345678」喔？: the particle ends the words before it."""
    style = annotate(line)
    assert [(s.text, s.offset, s.function) for s in style.particles] == [(particle, line.rindex(particle), function)]
    assert style.interjections == ()


@pytest.mark.parametrize(
    ("line", "word"),
    [("好啦 喔，我知道", "喔"), ("他說「喔」", "喔"), ('他說 "喔"', "喔"), ("OK 欸欸欸", "欸欸欸"),
     ("「欸」，他說", "欸")],
)
def test_interjections_after_a_space_or_a_quote_stay_interjections(line: str, word: str) -> None:
    """Only a closing quote, or a space after Latin letters or digits, makes a particle of a lone one."""
    style = annotate(line)
    assert [s.text for s in style.interjections] == [word]
    assert all(s.offset != line.index(word) for s in style.particles)


# --- the interface ----------------------------------------------------------------------------


def test_clusters_and_repeats() -> None:
    """The outer particle of a cluster takes the question mark; 好啦好啦 is two reluctant yeses."""
    inner, outer = functions_of("這家很好吃啊齁？")[0]
    assert outer == "seek_agreement" and inner != "question"
    assert functions_of("好啦好啦，我去洗碗。")[0] == ["soften", "soften"]


def test_every_particle_has_a_rule() -> None:
    """Each particle of the inventory gets one of the twelve functions, alone at the end of a line."""
    for particle in PARTICLES:
        functions, _ = span_functions("今天下雨" + particle, [(particle, 4)], [])
        assert functions[0] in FUNCTIONS


def test_no_spans_no_functions() -> None:
    """No spans, no work; markers and Mainland terms carry no function."""
    assert span_functions("今天天氣很好。", [], []) == ([], [])
    style = annotate("這家超夯，視頻很多")
    assert [s.function for s in style.markers + style.mainland_terms] == ["", ""]
