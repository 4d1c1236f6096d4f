"""Stream N synthetic en / zh-TW pairs for the throughput benchmark, with a few planted duplicates.

Each pair joins two to four clauses drawn from templates written for this benchmark: a formal
English clause and a casual Taiwanese Mandarin rendering with slots for a person, a task, a
place, a time, a thing, a device, a dish, a town, a chat channel or a duration. zh clauses end
in a particle most of the time (by mood: statements, requests, questions; 嗎 questions take
none), some zh lines carry English terms (LINE, iPad, Uber Eats), and an opener or a sentence
break varies the shape. Lengths spread over English 40-250 and zh 15-120 characters.

The content space (about 10^11 clause pairs) keeps accidental repeats rare at a million pairs, so
the duplicates a build finds are, to within a few hundred, the planted ones: copies of a recent
original (from a ring of the last RING originals; memory stays flat) that are exact, a particle
swap, punctuation / width changes, or a one-character change.

    python -m bench.corpus --n 1000000 --seed 1 --out FILE [--dup-rate 0.03] [--truth FILE.tsv]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import string
import sys
import time
from bisect import bisect
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import TextIO

from builder import PARTICLES

__all__ = ["CorpusStats", "DUP_KINDS", "VERSION", "iter_pairs", "write_corpus"]

VERSION = 1  # bump when the output for a given (n, seed, dup_rate) changes: caches key on it
DUP_KINDS = ("exact", "particle", "punct_width", "one_char")
_DUP_WEIGHTS = (0.25, 0.30, 0.25, 0.20)
RING = 50_000

# fmt: off
PEOPLE = [("Yu-Hsuan", "宇軒"), ("Pin-Yu", "品妤"), ("Tzu-Han", "子涵"), ("Hao-Yu", "浩宇"),
          ("Yi-Chen", "以琛"), ("Hui-Wen", "慧雯"), ("Chih-Hao", "志豪"), ("Ya-Wen", "雅雯"),
          ("Tsung-Yi", "宗益"), ("Hsiao-Ching", "曉青"), ("Ming-Che", "明哲"), ("Li-Hua", "麗華"),
          ("Jen-Hao", "仁豪"), ("Szu-Yu", "思妤"), ("Yen-Ting", "彥廷"), ("Chia-Ying", "佳穎"),
          ("my cousin", "我表哥"), ("our neighbour", "我們鄰居"), ("the new intern", "新來的實習生"),
          ("Coach Liu", "劉教練"), ("Auntie Hsu", "許阿姨"), ("my boss", "我老闆"),
          ("the delivery rider", "外送員"), ("my mum", "我媽"), ("my dad", "我爸"),
          ("Teacher Tsai", "蔡老師"), ("the team lead", "組長"), ("my classmate", "我同學"),
          ("the landlady", "房東太太"), ("Uncle Kuo", "郭伯伯"), ("Senior Lin", "林學長"),
          ("Chang from accounting", "會計部的小張"), ("my girlfriend", "我女朋友"),
          ("my boyfriend", "我男朋友"), ("the shop assistant", "店員"), ("Doctor Hung", "洪醫師"),
          ("Jessica", "Jessica"), ("Auntie Wu", "吳媽媽")]
TASKS = [("renew my passport", "換新護照"), ("change the light bulb in the bathroom", "換浴室的燈泡"),
         ("fold the laundry", "摺衣服"), ("defrost the chicken", "把雞肉退冰"),
         ("book the train tickets for the long weekend", "訂連假的火車票"),
         ("bring the chairs inside before the typhoon", "颱風來之前把椅子搬進來"),
         ("vacuum the living room", "吸客廳的地"), ("check the receipt lottery numbers", "對發票"),
         ("wash the scooter", "洗機車"), ("pick up the dry cleaning", "去拿送洗的衣服"),
         ("restart the router", "把路由器重開"), ("back up the photos", "備份照片"),
         ("buy a new phone case", "買新的手機殼"), ("send the quotation to the client", "把報價單寄給客戶"),
         ("finish the quarterly report", "把季報寫完"), ("prepare the slides for Monday", "準備禮拜一的簡報"),
         ("return the borrowed drill", "把借來的電鑽還回去"), ("walk the neighbour's dog", "幫鄰居遛狗"),
         ("renew the gym membership", "續健身房的會員"), ("replace the scooter tyre", "換機車輪胎"),
         ("buy a present for the wedding", "買婚禮的禮物"), ("pack the suitcase", "整理行李"),
         ("cook a pot of soup", "煮一鍋湯"), ("make an appointment with the dentist", "跟牙醫約時間"),
         ("pay the phone bill", "繳手機費"), ("tidy the desk", "整理桌子"),
         ("print the boarding passes", "把登機證印出來"), ("clean the air conditioner filter", "洗冷氣濾網"),
         ("bake cookies for the office", "烤餅乾帶去公司"), ("register for the marathon", "報名馬拉松"),
         ("fix the squeaky door", "修那扇會叫的門"), ("move the sofa", "搬沙發"),
         ("change the Wi-Fi password", "改 Wi-Fi 密碼"), ("take the medicine after meals", "飯後吃藥"),
         ("collect the grandparents from the station", "去車站接阿公阿嬤"),
         ("water the vegetable patch", "幫菜園澆水"), ("buy eggs and milk", "買蛋跟牛奶"),
         ("hang the new curtains", "把新窗簾掛起來"), ("update the app", "把 app 更新"),
         ("sort the recycling", "做資源回收")]
PLACES = [("the hardware store", "五金行"), ("the traditional market", "傳統市場"),
          ("the stationery shop", "文具店"), ("the laundromat", "自助洗衣店"),
          ("the community centre", "活動中心"), ("the riverside park", "河濱公園"),
          ("the rooftop", "頂樓"), ("the pharmacy", "藥局"), ("the police station", "派出所"),
          ("the district office", "區公所"), ("the basketball court", "籃球場"),
          ("the karaoke place", "KTV"),
          ("the hot spring hotel", "溫泉飯店"), ("the 7-Eleven near my flat", "我家附近的小七"),
          ("the food court", "美食街"), ("the station exit", "車站出口"),
          ("the high-speed rail station", "高鐵站"), ("the ferry pier", "碼頭"),
          ("the old street", "老街"),
          ("the drinks stand", "飲料店"), ("the print shop", "影印店"), ("the swimming pool", "游泳池"),
          ("the lobby", "大廳"), ("the meeting room", "會議室"), ("the car park", "停車場"),
          ("the barber's", "理髮店"), ("the vet", "獸醫院"), ("the temple", "廟口"),
          ("the stadium", "體育館"), ("the cinema", "電影院"), ("the mall", "百貨公司"),
          ("the IKEA in Xinzhuang", "新莊 IKEA"), ("the Costco", "Costco")]
TIMES = [("this afternoon", "今天下午"), ("on Saturday morning", "禮拜六早上"), ("tonight", "今晚"),
         ("tomorrow", "明天"), ("after dinner", "吃完晚餐"), ("before nine", "九點前"),
         ("over the weekend", "週末"), ("next Tuesday", "下禮拜二"), ("at lunchtime", "中午"),
         ("early tomorrow", "明天一早"), ("after the meeting", "開完會"), ("this Thursday", "這禮拜四"),
         ("before the holiday", "放假前"), ("at the end of the month", "月底"),
         ("during the typhoon day off", "颱風假的時候"), ("after class", "下課後"),
         ("on New Year's Eve", "跨年那天"), ("around eight", "八點左右"), ("later this evening", "晚一點"),
         ("right now", "現在")]
THINGS = [("the charger", "充電線"), ("the USB drive", "隨身碟"), ("the HDMI cable", "HDMI 線"),
          ("the spare key", "備用鑰匙"), ("the warranty card", "保固卡"), ("the paper bags", "紙袋"),
          ("the rice cooker", "電鍋"), ("the hair dryer", "吹風機"), ("the folding chair", "折疊椅"),
          ("the extension cord", "延長線"), ("the first-aid kit", "急救箱"), ("the thermos", "保溫瓶"),
          ("the staff badge", "識別證"), ("the parcel", "包裹"), ("the face masks", "口罩"),
          ("the scooter helmet", "安全帽"), ("the calculator", "計算機"), ("the stapler", "釘書機"),
          ("the umbrella", "雨傘"), ("the EasyCard", "悠遊卡"), ("the raincoat", "雨衣"),
          ("the wedding invitation", "喜帖"), ("the car key", "車鑰匙"), ("the red envelope", "紅包")]
DEVICES = [("my phone", "我的手機"), ("the iPad", "iPad"), ("the laptop", "筆電"),
           ("the router", "路由器"), ("the printer", "印表機"), ("the AirPods", "AirPods"),
           ("the Switch", "Switch"), ("the smartwatch", "智慧手錶"), ("the projector", "投影機"),
           ("the dashcam", "行車記錄器"), ("the MacBook", "MacBook"), ("the TV box", "電視盒"),
           ("the Bluetooth speaker", "藍牙喇叭"), ("the tablet", "平板")]
DISHES = [("pepper buns", "胡椒餅"), ("rice dumplings", "粽子"), ("hot pot", "火鍋"),
          ("fried chicken cutlets", "雞排"), ("iced black tea", "冰紅茶"), ("tofu pudding", "豆花"),
          ("radish cake", "蘿蔔糕"), ("soy milk", "豆漿"), ("pig blood cake", "豬血糕"),
          ("minced pork rice", "肉燥飯"), ("grass jelly", "仙草"), ("mochi", "麻糬"),
          ("sesame oil chicken", "麻油雞"), ("milkfish soup", "虱目魚湯"), ("coffin bread", "棺材板"),
          ("pan-fried buns", "水煎包"), ("Korean fried chicken", "韓式炸雞"), ("lattes", "拿鐵"),
          ("lemon green tea", "檸檬綠"), ("peanut ice cream rolls", "花生捲冰淇淋"),
          ("braised snacks", "滷味"), ("spring rolls", "潤餅"), ("mango smoothies", "芒果冰沙"),
          ("beef soup", "牛肉湯")]
TOWNS = [("Taipei", "台北"), ("Taoyuan", "桃園"), ("Miaoli", "苗栗"), ("Changhua", "彰化"),
         ("Nantou", "南投"), ("Yunlin", "雲林"), ("Tainan", "台南"), ("Kaohsiung", "高雄"),
         ("Hualien", "花蓮"), ("Yilan", "宜蘭"), ("Keelung", "基隆"), ("Hsinchu", "新竹"),
         ("Taichung", "台中"), ("Chiayi", "嘉義"), ("Pingtung", "屏東"), ("Taitung", "台東"),
         ("Green Island", "綠島"), ("Lukang", "鹿港"), ("Beitou", "北投"), ("Wulai", "烏來"),
         ("Ximending", "西門町"), ("Xinyi District", "信義區")]
CHANNELS = [("the LINE group", "LINE 群組"), ("Instagram", "IG"), ("Facebook", "臉書"),
            ("Dcard", "Dcard"), ("the family chat", "家族群組"), ("the class group", "班群"),
            ("the shared drive", "雲端硬碟"), ("the shared album", "共用相簿"), ("Discord", "Discord"),
            ("the neighbourhood group", "社區群組"), ("the club's fan page", "社團粉專"),
            ("the office group chat", "公司群組"), ("the team's Notion page", "團隊的 Notion 頁面")]
SPANS = [("ten minutes", "十分鐘"), ("half an hour", "半小時"), ("two hours", "兩個小時"),
         ("the whole afternoon", "一整個下午"), ("three days", "三天"), ("a week", "一個禮拜"),
         ("forty minutes", "四十分鐘"), ("an hour and a half", "一個半小時"),
         ("all morning", "一整個早上"), ("twenty minutes", "二十分鐘")]
SLOTS = {"P": PEOPLE, "V": TASKS, "L": PLACES, "W": TIMES, "X": THINGS, "T": DEVICES, "E": DISHES,
         "C": TOWNS, "G": CHANNELS, "D": SPANS}
# (en, zh, mood): s statement, r request, q open question (particle optional), m 嗎 question.
CLAUSES = [
    ("{P} promised to {V} {W}", "{P}說好{W}要{V}", "s"),
    ("{P} still has not managed to {V}", "{P}到現在還沒{V}", "s"),
    ("I left {X} at {L}", "我把{X}放在{L}忘記拿", "s"),
    ("{P} posted the photos from {C} in {G}", "{P}把在{C}拍的照片丟到{G}", "s"),
    ("the {E} near {L} sold out before noon", "{L}附近的{E}中午前就賣完了", "s"),
    ("{P} has been queuing at {L} for {D}", "{P}已經在{L}排了{D}", "s"),
    ("we spent {D} looking for {X}", "我們花了{D}在找{X}", "s"),
    ("{P} says the {E} in {C} is the best on the island", "{P}說{C}的{E}是全台最好吃的", "s"),
    ("the road to {C} is closed after the landslide", "去{C}的路因為坍方封起來了", "s"),
    ("{P} forgot to bring {X} {W}", "{P}{W}忘記帶{X}", "s"),
    ("I have been craving {E} all week", "我整個禮拜都超想吃{E}", "s"),
    ("{P} is moving to {C} next month", "{P}下個月要搬去{C}", "s"),
    ("{T} stopped working again {W}", "{T}{W}又壞掉了", "s"),
    ("{P} is repairing {T} at {L}", "{P}在{L}修{T}", "s"),
    ("I have already put the file in {G}", "檔案我已經丟到{G}了", "s"),
    ("{P} will meet us at {L} {W}", "{P}{W}會在{L}跟我們會合", "s"),
    ("the weather in {C} should clear up {W}", "聽說{C}{W}就會放晴", "s"),
    ("{P} paid for everyone's {E}", "{P}幫大家出了{E}的錢", "s"),
    ("it took {D} to get from {L} to {C}", "從{L}到{C}花了{D}", "s"),
    ("I cannot believe {P} has never tried {E}", "我不敢相信{P}沒吃過{E}", "s"),
    ("{P} keeps sending memes to {G}", "{P}一直在{G}傳梗圖", "s"),
    ("the printer at {L} has run out of paper", "{L}的印表機沒紙了", "s"),
    ("{P} lost {X} somewhere in {C}", "{P}在{C}不知道哪裡把{X}弄丟了", "s"),
    ("I only slept for {D} last night", "我昨天只睡了{D}", "s"),
    ("{P} cooked {E} for the whole family {W}", "{P}{W}煮了{E}給全家吃", "s"),
    ("{P} fell asleep at {L} after {D} of waiting", "{P}在{L}等了{D}就睡著了", "s"),
    ("the {E} we ordered on Uber Eats arrived cold", "我們在 Uber Eats 點的{E}送來都冷了", "s"),
    ("{P} set up {T} for me {W}", "{P}{W}幫我把{T}設定好了", "s"),
    ("I am trying to {V} before {P} gets home", "我想在{P}回家之前{V}", "s"),
    ("nobody in {G} has answered my question", "{G}裡面都沒人回我", "s"),
    ("{P} bought {X} at {L} for half price", "{P}在{L}用半價買到{X}", "s"),
    ("the train from {C} was {D} late", "從{C}來的火車誤點了{D}", "s"),
    ("I need {D} to {V}", "我需要{D}才能{V}", "s"),
    ("{P} recommended a YouTube video about {C}", "{P}推薦了一支在講{C}的 YouTube 影片", "s"),
    ("please remind {P} to {V}", "記得提醒{P}{V}", "r"),
    ("let us get some {E} at {L}", "我們去{L}吃{E}", "r"),
    ("you had better {V} {W}", "你最好{W}先{V}", "r"),
    ("do not forget to bring {X}", "不要忘了帶{X}", "r"),
    ("put the details in {G} when you have a moment", "有空再把細節丟到{G}", "r"),
    ("ask {P} to lend you {X}", "去跟{P}借{X}", "r"),
    ("try the {E} at {L} next time", "下次去{L}吃吃看{E}", "r"),
    ("charge {T} before we set off for {C}", "出發去{C}之前先把{T}充電", "r"),
    ("wait for me at {L} {W}", "{W}在{L}等我", "r"),
    ("would you like to go to {C} with {P} {W}", "你{W}要不要跟{P}去{C}", "q"),
    ("who took {X} from {L}", "誰把{L}的{X}拿走了", "q"),
    ("where did {P} put {X}", "{P}把{X}放到哪裡去了", "q"),
    ("how long does it take to {V}", "{V}要花多久", "q"),
    ("why is {L} so crowded {W}", "{L}{W}怎麼那麼多人", "q"),
    ("can {P} {V} or not", "{P}到底能不能{V}", "q"),
    ("is {L} open {W}", "{L}{W}有開嗎", "m"),
    ("have you seen {X} anywhere", "你有看到{X}嗎", "m"),
    ("did {P} reply in {G}", "{P}有在{G}回嗎", "m"),
    ("is the {E} at {L} worth the queue", "{L}的{E}值得排嗎", "m"),
    ("could you help me {V} {W}", "{W}可以幫我{V}嗎", "m"),
]
OPENERS = [("Honestly, ", "老實說，"), ("By the way, ", "對了，"), ("Hey, ", "欸，"), ("Oh, ", "喔，"),
           ("Listen, ", "你聽我說，"), ("Actually, ", "其實"), ("Good news: ", "好消息，"),
           ("To be fair, ", "說真的，"), ("Huh, ", "蛤，"), ("You know what, ", "你知道嗎，")]
# Particle pools by mood, repeated entries as weights; "" is no particle.
PARTICLE_POOLS = {
    "s": ["啦"] * 5 + ["喔"] * 4 + ["耶"] * 3 + ["欸"] * 2 + ["捏", "齁", "啊", "囉", "咧", "嘛",
                                                       "啦齁", "了啦"] + [""] * 8,
    "r": ["吧"] * 4 + ["啦"] * 3 + ["喔"] * 3 + ["嘛", "唷", "囉"] + [""] * 6,
    "q": ["啊", "呢", "咧", "蛤", "啊"] + [""] * 5,
    "m": [""],
}
SENTENCE_END = {"s": ("。", "！", "", "～", "!!"), "r": ("。", "", "～", "！"), "q": ("？", "", "?"),
                "m": ("？", "", "?")}
MID_END = ("。", "。", "。", "！", " ")  # between sentences: casual writers also use a space
# fmt: on
_PARTICLE_CHARS = frozenset(PARTICLES)  # the annotator's inventory: its one home is builder
_CLAUSE_END = frozenset("，。！？～!?,. ")
_TYPO_ZH = "的得在再是事那哪他她有又要也就都很還會說看想去來"
_WIDE = {ord(c): ord(c) + 0xFEE0 for c in string.digits + string.ascii_letters}
_COMPILED = [(en, zh, mood, [k for k in SLOTS if "{" + k + "}" in en]) for en, zh, mood in CLAUSES]
# Templates are drawn with weight sqrt(slot combinations): a two-slot template with 13 fillings
# drawn as often as one with 30,000 would repeat whole clauses, and so whole pairs, at 1M.
_SIZES = [math.prod(len(SLOTS[k]) for k in keys) for *_, keys in _COMPILED]
_CUMULATIVE = list(accumulate(math.sqrt(size) for size in _SIZES))
_TOTAL = _CUMULATIVE[-1]
_SINGLE = [i for i, size in enumerate(_SIZES) if size >= 5000]  # one-clause pairs: big templates


@dataclass
class CorpusStats:
    """What a corpus holds: counts, planted duplicates by kind, and length spreads."""

    n: int
    seed: int
    dup_rate: float
    version: int = VERSION
    planted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DUP_KINDS, 0))
    en_chars: dict[str, float] = field(default_factory=dict)  # min, mean, max
    zh_chars: dict[str, float] = field(default_factory=dict)
    zh_with_particle: float = 0.0  # fraction of zh lines holding a particle character (a proxy)
    zh_with_latin: float = 0.0  # fraction of zh lines holding an English term
    bytes: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """Return the figures as a JSON-ready dict."""
        return asdict(self)


def _original(rng: random.Random, singles: set[int]) -> tuple[str, str]:
    """Render one fresh pair, re-rolled until both sides are inside the length bounds."""
    slots, clauses, randrange, rand = SLOTS, _COMPILED, rng.randrange, rng.random
    while True:
        r = rand()
        count = 1 if r < 0.1 else 2 if r < 0.55 else 3 if r < 0.87 else 4
        picked: list[int] = []
        while len(picked) < count:
            i = _SINGLE[randrange(len(_SINGLE))] if count == 1 else \
                bisect(_CUMULATIVE, rand() * _TOTAL)
            if i not in picked:
                picked.append(i)
        en_parts: list[str] = []
        zh_parts: list[str] = []
        new_sentence = True
        if rand() < 0.25:
            opener_en, opener_zh = OPENERS[randrange(len(OPENERS))]
            en_parts.append(opener_en)
            zh_parts.append(opener_zh)
        content = picked[0]
        for position, i in enumerate(picked):
            en_t, zh_t, mood, keys = clauses[i]
            en_fill: dict[str, str] = {}
            zh_fill: dict[str, str] = {}
            for key in keys:
                values = slots[key]
                v = randrange(len(values))
                content = content * 64 + v
                en_fill[key], zh_fill[key] = values[v]
            en = en_t.format_map(en_fill)
            if new_sentence and not (en_parts and en_parts[-1][-2] == ","):
                en = en[0].upper() + en[1:]
            pool = PARTICLE_POOLS[mood]
            zh = zh_t.format_map(zh_fill) + pool[randrange(len(pool))]
            last = position == count - 1
            new_sentence = last or mood in "qm" or rand() < 0.45
            if new_sentence:
                en += "?" if mood in "qm" else "!" if rand() < 0.1 else "."
                if last:
                    ends = SENTENCE_END[mood]
                    zh += ends[randrange(len(ends))]
                else:
                    en += " "
                    zh += "？" if mood in "qm" else MID_END[randrange(len(MID_END))]
            else:
                en += ", " if rand() < 0.7 else "; "
                zh += "，" if rand() < 0.8 else " "
            en_parts.append(en)
            zh_parts.append(zh)
        en_line, zh_line = "".join(en_parts), "".join(zh_parts).rstrip()
        if not (40 <= len(en_line) <= 244 and 16 <= len(zh_line) <= 118):  # room for dup edits
            continue
        if count == 1:  # one clause is a small space: remember it so no two pairs repeat one
            if content in singles:
                continue
            singles.add(content)
        return en_line, zh_line


def _particle_spots(zh: str) -> list[int]:
    return [i for i, c in enumerate(zh) if c in _PARTICLE_CHARS
            and (i + 1 == len(zh) or zh[i + 1] in _CLAUSE_END)]


def _duplicate(kind: str, en: str, zh: str, rng: random.Random) -> tuple[str, str]:
    """Return a planted duplicate of (en, zh) of a kind; the text differs unless it is exact."""
    if kind == "particle":
        spots = _particle_spots(zh)
        if not spots:  # add one before the final punctuation
            cut = len(zh.rstrip("。！？～!? "))
            return en, zh[:cut] + rng.choice("啦喔耶") + zh[cut:]
        i = rng.choice(spots)
        new = rng.choice([p for p in "啦喔耶欸齁吧捏" if p != zh[i]] + [""])
        return en, zh[:i] + new + zh[i + 1:]
    if kind == "punct_width":
        zh2 = zh.replace("，", rng.choice((",", "、", " "))).replace("？", "?").replace("。", "")
        zh2 = zh2.translate(_WIDE) + rng.choice(("", "!!", "…", "～～"))
        en2 = en.replace(", ", rng.choice((" , ", ",", " - "))).rstrip(".!?")
        en2 += rng.choice(("", "!!", "..."))
        if (en2, zh2) == (en, zh):
            en2 += "!!"
        return en2, zh2
    if kind == "one_char":
        if rng.random() < 0.6:
            spots = [i for i, c in enumerate(zh)
                     if "\u4e00" <= c <= "\u9fff" and c not in _PARTICLE_CHARS]
            i = rng.choice(spots)
            return en, zh[:i] + rng.choice([c for c in _TYPO_ZH if c != zh[i]]) + zh[i + 1:]
        spots = [i for i in range(1, len(en) - 1) if en[i].islower() and en[i - 1].isalpha()]
        i = rng.choice(spots)
        return en[:i] + rng.choice([c for c in "etaoinshrdlu" if c != en[i]]) + en[i + 1:], zh
    return en, zh  # exact


def iter_pairs(n: int, seed: int = 1,
               dup_rate: float = 0.03) -> Iterator[tuple[str, str, str, int]]:
    """Yield n (en, zh, kind, of) tuples: kind "" for an original, of = the copied pair's index."""
    if not 0.0 <= dup_rate < 1.0:
        raise ValueError(f"dup_rate must be in [0, 1), not {dup_rate}")
    rng = random.Random(seed)
    ring: list[tuple[int, str, str]] = []
    filled = 0
    singles: set[int] = set()
    for index in range(n):
        if filled and rng.random() < dup_rate:
            of, en, zh = ring[rng.randrange(min(filled, RING))]
            kind = rng.choices(DUP_KINDS, _DUP_WEIGHTS)[0]
            en, zh = _duplicate(kind, en, zh, rng)
            yield en, zh, kind, of
            continue
        en, zh = _original(rng, singles)
        if filled < RING:
            ring.append((index, en, zh))
        else:
            ring[filled % RING] = (index, en, zh)
        filled += 1
        yield en, zh, "", -1


def write_corpus(path: Path, n: int, seed: int = 1, dup_rate: float = 0.03,
                 truth: Path | None = None) -> CorpusStats:
    """Stream n pairs to `path` as paired lines (and the truth TSV if asked); return the stats."""
    started = time.perf_counter()
    stats = CorpusStats(n=n, seed=seed, dup_rate=dup_rate)
    en_total = zh_total = with_particle = with_latin = 0
    en_min = zh_min = 10**9
    en_max = zh_max = 0
    truth_out: TextIO | None = truth.open("w", encoding="utf-8") if truth else None
    try:
        with Path(path).open("w", encoding="utf-8", newline="\n") as out:
            if truth_out:
                truth_out.write("index\tkind\tof\n")
            buf: list[str] = []
            for index, (en, zh, kind, of) in enumerate(iter_pairs(n, seed, dup_rate)):
                buf.append(f"{en}\n{zh}\n\n")
                if truth_out and kind:
                    truth_out.write(f"{index}\t{kind}\t{of}\n")
                if kind:
                    stats.planted[kind] += 1
                le, lz = len(en), len(zh)
                en_total += le
                zh_total += lz
                en_min, en_max = min(en_min, le), max(en_max, le)
                zh_min, zh_max = min(zh_min, lz), max(zh_max, lz)
                # Cheap proxies (no regex in the hot loop): a particle character; an ASCII letter.
                with_particle += not _PARTICLE_CHARS.isdisjoint(zh)
                with_latin += not zh.isascii() and any(c.isascii() and c.isalpha() for c in zh)
                if len(buf) >= 8192:
                    out.write("".join(buf))
                    buf.clear()
            out.write("".join(buf))
    finally:
        if truth_out:
            truth_out.close()
    if n:
        stats.en_chars = {"min": en_min, "mean": round(en_total / n, 1), "max": en_max}
        stats.zh_chars = {"min": zh_min, "mean": round(zh_total / n, 1), "max": zh_max}
        stats.zh_with_particle = round(with_particle / n, 4)
        stats.zh_with_latin = round(with_latin / n, 4)
    stats.bytes = Path(path).stat().st_size
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Write a benchmark corpus and print its stats as JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="pairs (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dup-rate", type=float, default=0.03,
                        help="planted duplicates (default 0.03)")
    parser.add_argument("--out", type=Path, required=True, help="paired-lines file to write")
    parser.add_argument("--truth", type=Path, help="also write index/kind/of of every planted pair")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be >= 0")
    if not 0.0 <= args.dup_rate < 1.0:
        parser.error("--dup-rate must be in [0, 1)")
    stats = write_corpus(args.out, args.n, args.seed, args.dup_rate, args.truth)
    json.dump(stats.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
