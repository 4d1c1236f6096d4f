"""A corpus shaped like Tatoeba, written for twcasual: the same English line with several casual
renderings, the same casual line with several English sources, and a chain of short generic lines."""

from __future__ import annotations

from pathlib import Path

PEOPLE = [("Ya-Ting", "雅婷"), ("Jia-Hao", "家豪"), ("Mei-Ling", "美玲"), ("Po-Wei", "柏維"),
          ("Shu-Fen", "淑芬"), ("Guan-Yu", "冠宇"), ("Hsin-Yi", "欣怡"), ("Cheng-En", "承恩"),
          ("Wei-Lun", "偉倫"), ("Pei-Shan", "佩珊"), ("Zong-Han", "宗翰"), ("Yu-Ting", "郁婷"),
          ("Chia-Wei", "家瑋"), ("Ting-Yu", "庭瑜"), ("Kuan-Ting", "冠廷"), ("Shih-Han", "詩涵")]
TASKS = [("water the plants", "澆花"), ("return the library books", "還圖書館的書"),
         ("book the train tickets", "訂火車票"), ("fix the bathroom light", "修浴室的燈"),
         ("pick up the dry cleaning", "拿送洗的衣服"), ("feed the neighbour's cat", "餵鄰居的貓"),
         ("renew the scooter insurance", "續保機車險"), ("clean out the fridge", "清冰箱")]
TIMES = [("tomorrow", "明天"), ("tonight", "今晚"), ("this weekend", "週末"), ("this afternoon", "下午"),
         ("at noon", "中午"), ("by the end of the month", "月底"), ("next week", "下週"), ("in a minute", "等一下"),
         ("on Wednesday", "禮拜三"), ("before New Year", "過年前"), ("before school starts", "開學前"),
         ("during the holiday", "放假時"), ("early in the morning", "一大早"), ("before bed", "睡前"),
         ("before leaving", "出門前"), ("after work", "下班後")]
# English frames far enough apart that two different requests are not near duplicates
FRAMES = ("Please remind {name} to {task} {when}.", "{name} promised to {task} {when}.",
          "Could you ask {name} whether they can {task} {when}?")
GENERIC = [("Thank you.", "謝謝"), ("Thank you.", "謝啦"), ("Thanks a lot.", "謝謝"),
           ("Thanks a lot.", "感謝喔"), ("Many thanks.", "感謝喔"), ("Many thanks.", "多謝")]


def repeated_pairs() -> list[tuple[str, str]]:
    """Pairs in which prompts repeat with different answers, in both directions."""
    pairs = list(GENERIC)
    for p, (name, zh_name) in enumerate(PEOPLE):
        for t, (task, zh_task) in enumerate(TASKS):
            # two requests never share two of (person, task, time): each would be a near twin
            when, zh_when = TIMES[(p + t) % len(TIMES)]
            en = FRAMES[(p + t) % len(FRAMES)].format(name=name, task=task, when=when)
            # one English line, two or three casual renderings worded apart
            pairs.append((en, f"{zh_when}記得叫{zh_name}{zh_task}喔"))
            pairs.append((en, f"{zh_name}，{zh_task}{zh_when}要弄好啦"))
            if (p + t) % 2:
                pairs.append((en, f"你提醒{zh_name}一下吧，{zh_when}{zh_task}"))
            # one casual line, a second English source
            if (p + t) % 3 == 0:
                pairs.append((f"Tell {name} that {task} has to happen {when}.",
                               f"{zh_when}記得叫{zh_name}{zh_task}喔"))
    return pairs


def write_tsv(path: Path, pairs: list[tuple[str, str]] | None = None) -> Path:
    """Write the pairs as an English<TAB>zh file."""
    path.write_text("".join(f"{en}\t{zh}\n" for en, zh in (pairs or repeated_pairs())), encoding="utf-8")
    return path
