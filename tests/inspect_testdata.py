"""Page data dicts for the render tests and the size measurement; every line here was written for twcasual."""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["HOSTILE", "LINES", "big_data", "find_spans", "small_data"]

HOSTILE = '</script><img src=x onerror="alert(1)"><!-- & "quoted"'

# (en, zh) pairs written for these tests. The emoji and the Extension B character sit before spans on
# purpose: a renderer counting UTF-16 units or bytes instead of code points would mark the wrong text.
LINES: list[tuple[str, str]] = [
    ("Please remember to bring an umbrella tomorrow.", "明天記得帶傘喔，聽說會下大雨"),
    ("This bubble tea is surprisingly good.", "這杯珍奶超好喝耶，下次還要來"),
    ("I really do not want to go to the meeting.", "我才不要去開會咧，好累"),
    ("Let us take the MRT home together.", "我們一起搭捷運回家吧"),
    ("That is obviously how it works.", "本來就是這樣嘛，不用想太多"),
    ("Dinner is ready, everyone.", "開飯囉！大家快來吃"),
    ("The queue at the night market was absurdly long.", "夜市排隊排超久，很扯欸"),
    ("Hey, did you finish the report?", "欸，你報告寫完了嗎"),
    ("The video quality on this phone is not great.", "這支手機拍視頻的質量不太好啦"),
    ("😂 I laughed so hard at that clip.", "😂😂那段影片笑死我了啦"),
    ("My cousin 𠮷 is coming to visit, right?", "表弟𠮷田要來玩齁，好期待喔"),
    ("Huh? You already bought the tickets?", "蛤？你已經買好票了喔"),
]

_PARTICLES = {"喔": "remind", "耶": "surprise", "咧": "contrary", "吧": "suggest", "嘛": "obvious",
              "囉": "change", "欸": "exclaim", "啦": "assert", "齁": "seek_agreement"}
_INTERJECTIONS = ("蛤", "欸")
_MARKERS = ("很扯", "笑死", "超好喝", "珍奶")
_MAINLAND = ("視頻", "質量")


def find_spans(zh: str) -> list[dict[str, Any]]:
    """Locate the test lexicon's words in zh by code-point offset (a stand-in for the annotator)."""
    spans: list[dict[str, Any]] = []
    for kind, words in (("marker", _MARKERS), ("mainland", _MAINLAND)):
        spans += [{"kind": kind, "text": w, "offset": zh.find(w), "function": ""} for w in words if w in zh]
    for i, ch in enumerate(zh):
        if ch in _INTERJECTIONS and (i == 0 or zh[i - 1] in "，！？ ") and i + 1 < len(zh) and zh[i + 1] in "，？":
            spans.append({"kind": "interjection", "text": ch, "offset": i, "function": "attention"})
        elif ch in _PARTICLES and (i + 1 == len(zh) or zh[i + 1] in "，！？"):
            spans.append({"kind": "particle", "text": ch, "offset": i, "function": _PARTICLES[ch]})
    return sorted(spans, key=lambda s: s["offset"])


def _record(config: str, split: str, n: int, en: str, zh: str) -> dict[str, Any]:
    """Make one record of a config the way its recipe would shape it."""
    casual = any(s["kind"] == "particle" for s in find_spans(zh))
    io = (en, zh) if config != "casual-to-en" else (zh, en)
    return {
        "config": config, "split": split, "id": f"{config}/{split}-{n:05d}/0",
        "source": f"chat.txt:{2 * n + 1}",
        "instruction": "Rewrite the formal English line as casual Taiwanese Mandarin, the way friends chat.",
        "input": io[0], "output": io[1], "zh": zh, "register": "casual" if casual else "formal",
        "casual_score": 0.91 if casual else 0.22, "spans": find_spans(zh),
    }


def small_data() -> dict[str, Any]:
    """Return a small page data dict with every section filled and some hostile text."""
    records = [
        _record(config, split, i, en, zh)
        for config in ("en-to-casual", "casual-to-en")
        for split in ("train", "test")
        for i, (en, zh) in enumerate(LINES)
    ]
    records.append(_record("en-to-casual", "validation", 99, HOSTILE, f"快來看{HOSTILE}啦"))
    # A span whose offset points at the wrong character: shown as a warning, never highlighted.
    bad = _record("en-to-casual", "validation", 100, "A line with a bad span.", "今天好熱喔")
    bad["spans"] = [{"kind": "particle", "text": "喔", "offset": 2, "function": "remind"}]
    records.append(bad)
    set_aside = [
        {"file": "chat.txt", "line": 3, "reason": "unpaired_en", "kind": "unpaired",
         "text": "An English line whose partner went missing."},
        {"file": "chat.txt", "line": 9, "reason": "unpaired_en", "kind": "unpaired",
         "text": "Another English line left alone at the end."},
        {"file": "old.tsv", "line": 14, "reason": "not_utf8", "kind": "rejected", "text": "b'\\xff\\xfe broken'"},
        {"file": "web.jsonl", "line": 2, "reason": "markup", "kind": "filtered", "text": HOSTILE},
        {"file": "web.jsonl", "line": 5, "reason": "numbers_disagree", "kind": "filtered",
         "text": "It costs 300 dollars. / 這個要五百塊啦"},
        {"file": "chat.txt", "line": 40, "reason": "recipe 'casualize' failed", "kind": "recipe_error",
         "text": "找不到可以拿掉的語氣詞"},
    ]
    return {
        "title": "twcasual test build", "version": "0.3.1",
        "signature": "twcasual:0.3.1|version:0.3.1|inputs:3@sha256:0123abcd|dedup:drop",
        "built_from": "dist-test",
        "sample_note": "Up to 300 records per config and split, chosen by a seeded draw",
        "funnel": {
            "lines": 987_654, "pairs": 480_321,
            "set_aside": {"unpaired_en": 17_011, "not_utf8": 203},
            "filtered": {"numbers_disagree": 4_409, "markup": 1_187},
            "duplicates": {"exact": 9_876, "particle": 3_210, "near": 2_468},
            "recipe_errors": {"recipe_error:ValueError": 3},
            "kept_out": {"casualize": {"register gate (min_casual)": 5_555},
                         "explain-particles": {"below min_particles": 66_789}},
            "records": {"en-to-casual": {"train": 431_002, "validation": 24_117, "test": 24_301},
                        "casual-to-en": {"train": 431_003, "validation": 24_118, "test": 24_300}},
        },
        "set_aside": set_aside, "set_aside_total": 18_404,
        "clusters": _clusters(),
        "records": records,
        "style": {
            "particles": {"喔": 412, "啦": 388, "耶": 97, "欸": 54},
            "particle_functions": {"喔": {"remind": 300, "realize": 112}, "啦": {"assert": 250, "soften": 138}},
            "register_by_split": {"train": {"casual": 400_100, "formal": 30_902},
                                  "test": {"casual": 22_222, "formal": 2_079}},
            "chart_svg": ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect x="0" y="0" '
                          'width="150" height="20" fill="#d9534f"/><text x="160" y="15">412</text></svg>'),
        },
        "changes": "## Changes in v0.3.1\n\n- added `casualize` 1.1.0\n- fixed **two** splits\n\n"
                   "| Config | Added |\n|---|---:|\n| en-to-casual | 120 |\n",
    }


def _clusters() -> list[dict[str, Any]]:
    """Return three small duplicate clusters, one of each kind."""
    rep = {"en": "Let us take the MRT home together.", "zh": "我們一起搭捷運回家吧", "file": "chat.txt", "line": 7}
    return [
        {"kind": "exact", "size": 2, "representative": rep,
         "members": [{**rep, "line": 77, "kind": "exact", "jaccard": 1.0}]},
        {"kind": "particle", "size": 2, "representative": rep,
         "members": [{"en": rep["en"], "zh": "我們一起搭捷運回家啦", "file": "more.txt", "line": 12,
                      "kind": "particle", "jaccard": 0.875}]},
        {"kind": "near", "size": 3, "representative": rep,
         "members": [{"en": "Let us take the MRT back home together.", "zh": "我們一起坐捷運回家吧",
                      "file": "more.txt", "line": 31, "kind": "near", "jaccard": 0.72},
                     {"en": "Shall we ride the MRT home?", "zh": "要不要一起搭捷運回去", "file": "more.txt",
                      "line": 58, "kind": "near", "jaccard": 0.61}]},
    ]


def big_data(per_block: int = 300, set_aside: int = 1000) -> dict[str, Any]:
    """Return a page data dict of 4 configs x 3 splits x per_block records and many set-aside lines."""
    data = copy.deepcopy(small_data())
    configs = ("en-to-casual", "casual-to-en", "casualize", "explain-particles")
    data["records"] = [
        _record(config, split, i, *LINES[i % len(LINES)])
        for config in configs
        for split in ("train", "validation", "test")
        for i in range(per_block)
    ]
    data["set_aside"] = [
        {"file": f"part-{i // 250:03d}.txt", "line": i * 2 + 1, "reason": ("unpaired_en", "not_utf8", "markup")[i % 3],
         "kind": ("unpaired", "rejected", "filtered")[i % 3], "text": LINES[i % len(LINES)][i % 2]}
        for i in range(set_aside)
    ]
    data["set_aside_total"] = max(set_aside, 18_404)
    return data
