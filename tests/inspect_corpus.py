"""A small real build with every kind of trouble, for the inspect tests; every line was written for twcasual.

The inputs are shaped like the public corpora people feed twcasual: subtitle-style paired lines, a
Tatoeba-style TSV and a translation-style JSONL, each with the faults such files have (captions
without a partner, a line in another encoding, a header, a swapped row, broken JSON), plus
duplicates of three kinds and one pair a recipe fails on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from builder import Example, Pair, RecipeContext, recipe
from builder.config import config_from_mapping
from builder.contract.registry import Registry
from builder.pipeline import build

__all__ = ["FAULTY_FILES", "RECIPES", "TRIGGER", "build_messy"]

TRIGGER = "plants"  # the fragile recipe fails on the pair whose English holds this word

_LINES = """\
The ferry to Penghu leaves at eight tomorrow.
明天八點的船去澎湖喔，不要遲到
夜市今晚人超多，停車位都滿了
I will bring snacks for the trip.
Please keep the receipt for the refund.
收據要留著才能退錢啦
The ferry to Penghu leaves at eight tomorrow.
明天八點的船去澎湖喔，不要遲到
Please keep the receipt for the refund.
收據要留著才能退錢喔
We are meeting at the north exit of the station.
我們約在車站北出口見面吧
We are meeting at the north exit of the station.
我們約在車站的北出口見面吧
Could you water the plants while I am away?
我不在的時候可以幫我澆花嗎
12345 ???
The bubble tea shop on the corner closed last week.
轉角那間手搖店上禮拜收掉了耶
My phone battery dies before lunch every day.
我手機每天不到中午就沒電了，超煩
😂 That clip of the cat made me laugh so hard.
😂😂那段貓咪影片笑死我了啦
Yoshida from next door is coming over, right?
隔壁的𠮷田要來玩齁，好期待喔
This last line has no partner.
"""

_TSV = """\
en\tzh
The library stays open late during exam week.\t考試週圖書館會開到很晚喔
The bus was late again this morning.\t今天早上公車又遲到了啦\textra column
我們下禮拜再約吧\tLet us meet again next week.
The noodles here are cheap but very tasty.\t這家麵便宜又好吃耶
"""

_JSONL = [
    json.dumps({"en": "Typhoon season starts next month.", "zh": "下個月就要進入颱風季了喔"}, ensure_ascii=False),
    '{"en": "The train is full today", "zh": ',
    json.dumps({"en": "Only the English side is here."}),
    json.dumps({"en": "The night market opens at six.", "zh": "夜市六點就開了啦"}, ensure_ascii=False),
]

# file name -> bytes; old.txt holds a line in Big5, which is not UTF-8.
FAULTY_FILES: dict[str, bytes] = {
    "chat.txt": _LINES.encode(),
    "old.txt": ("The rain finally stopped this afternoon.\n下午雨終於停了耶\n".encode()
                + "舊檔案的一行\n".encode("big5")
                + "Let us grab dinner after work.\n下班一起去吃晚餐吧\n".encode()),
    "pairs.tsv": _TSV.encode(),
    "web.jsonl": ("\n".join(_JSONL) + "\n").encode(),
}


@recipe("fragile-demo", version="0.1.0")
def fragile_demo(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Ask for the casual line, and fail on one pair as a buggy recipe would."""
    if TRIGGER in pair.en:
        raise ValueError("no template for gardening")
    yield Example(instruction="用台灣人聊天的口氣說：", input=pair.en, output=pair.zh)


RECIPES: dict[str, dict[str, Any]] = {"en-to-casual": {}, "explain-particles": {"min_particles": 1},
                                      "fragile-demo": {}}


def build_messy(folder: Path, extra_inputs: tuple[Path, ...] = ()) -> Path:
    """Write the faulty inputs into folder/in, build them (after any extra inputs) into folder/out."""
    inputs = folder / "in"
    inputs.mkdir(parents=True)
    for name, data in FAULTY_FILES.items():
        (inputs / name).write_bytes(data)
    registry = Registry()
    registry.add_entry_points()
    registry.register(fragile_demo, "test")
    paths = [*map(str, extra_inputs), str(inputs)]  # the faulty files last: their rows come last in a sample
    config = config_from_mapping({"input": {"paths": paths}, "recipes": RECIPES}, base=folder)
    build(config, folder / "out", registry=registry, skip_errors=True, cache_dir=None)
    return folder / "out"
