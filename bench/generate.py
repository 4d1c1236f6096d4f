"""Make N synthetic en / zh-TW pairs with planted near-duplicates and hard negatives, and the truth.

Every sentence is built from clause templates written for twcasual: a formal English clause and
its casual Taiwanese Mandarin rendering, with slots for a name, an action, a place, a town, a
time, a food or an object, and a clause-final particle on the zh side. Pairs are unique by
content (templates and slot values, clause order ignored), so two pairs of different groups
never differ only in particles, punctuation or order.

Planted kinds (a copy of an earlier pair, same group): particle, one_char, punct_width,
whitespace, simplified, reorder, case, combo. Hard negatives (own group): the same sentence with
one name or one action changed, on both sides as a translation would.

    python -m bench.generate --n 100000 --seed 7 --out /tmp/pairs.txt
writes the paired-lines file (English line, zh line, blank line) and /tmp/pairs.truth.tsv.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Synthetic", "generate", "write_paired_lines", "KINDS"]

NAMES = [("Zhi-Ming", "志明"), ("Chun-Jiao", "春嬌"), ("Ya-Ting", "雅婷"), ("Jia-Hao", "家豪"),
         ("Yi-Jun", "怡君"), ("Zong-Han", "宗翰"), ("Shu-Fen", "淑芬"), ("Jun-Jie", "俊傑"),
         ("Mei-Ling", "美玲"), ("Guan-Yu", "冠宇"), ("Pei-Shan", "佩珊"), ("Cheng-En", "承恩"),
         ("Hsin-Yi", "欣怡"), ("Po-Wei", "柏維"), ("Yu-Ting", "郁婷"), ("Wei-Lun", "偉倫"),
         ("Shih-Han", "詩涵"), ("Kuan-Ting", "冠廷"), ("Ting-Yu", "庭瑜"), ("Chia-Wei", "家瑋"),
         ("Amy", "艾咪"), ("Kevin", "凱文"), ("Grandma", "阿嬤"), ("Grandpa", "阿公"),
         ("my brother", "我哥"), ("my sister", "我姊"), ("Auntie Lin", "林阿姨"),
         ("Uncle Chen", "陳叔叔"), ("Teacher Wang", "王老師"), ("our manager", "我們主管"),
         ("the landlord", "房東"), ("my roommate", "我室友"), ("Xiao-Mei", "小美"),
         ("A-Kai", "阿凱"), ("A-Hsiang", "阿翔"), ("Da-Wei", "大偉"), ("Manager Huang", "黃經理"),
         ("Doctor Lee", "李醫生")]
ACTIONS = [("buy some fruit on the way home", "回家路上買點水果"),
           ("book a table for six people", "訂六個人的位子"),
           ("return the library books", "把圖書館的書還回去"),
           ("water the plants on the balcony", "幫陽台的植物澆水"),
           ("call the landlord about the leak", "打給房東講漏水的事"),
           ("pick up the kids from cram school", "去補習班接小孩"),
           ("print the slides for the meeting", "把開會要用的投影片印出來"),
           ("charge the scooter battery", "把機車電池充飽"), ("pay the electricity bill", "繳電費"),
           ("wash the rice for dinner", "洗米準備煮晚餐"),
           ("take the dog for a walk", "帶狗去散步"), ("reply to the client's email", "回客戶的信"),
           ("send me the photos from the trip", "把出去玩的照片傳給我"),
           ("sign up for the swimming class", "報名游泳課"),
           ("check the train timetable", "查一下火車時刻表"), ("bring an umbrella", "帶把傘"),
           ("update the phone before the trip", "出發前先把手機更新"),
           ("clean out the fridge", "把冰箱清一清"), ("order the birthday cake", "訂生日蛋糕"),
           ("move the meeting to the afternoon", "把會議改到下午"),
           ("fill out the insurance form", "把保險的表格填好"),
           ("return the rental bike", "把租來的腳踏車還掉"),
           ("buy tickets for the concert", "買演唱會的票"), ("hand in the report", "交報告"),
           ("fix the leaking tap", "修那個漏水的水龍頭"),
           ("cancel the gym membership", "把健身房的會員退掉"),
           ("top up the transit card", "加值悠遊卡"),
           ("take out the recycling", "把資源回收拿去丟"),
           ("pick a restaurant for Friday", "挑禮拜五要吃的餐廳"),
           ("write the thank-you card", "寫感謝卡"),
           ("ask the doctor about the rash", "問醫生那個疹子的事"),
           ("collect the package at the front desk", "去櫃檯領包裹"),
           ("finish the slides", "把簡報做完"), ("get up early", "早點起床"),
           ("practise the guitar", "練吉他"), ("feed the cat", "餵貓"),
           ("lock the back door", "把後門鎖好"), ("return the call from the bank", "回銀行的電話"),
           ("repaint the bedroom wall", "把房間的牆重新漆過"),
           ("air out the futon", "把棉被拿去曬")]
PLACES = [("the night market", "夜市"), ("the train station", "火車站"),
          ("the convenience store", "便利商店"), ("the office", "公司"), ("the hospital", "醫院"),
          ("the library", "圖書館"), ("the post office", "郵局"), ("the gym", "健身房"),
          ("the bakery on the corner", "轉角那家麵包店"), ("the MRT station", "捷運站"),
          ("the supermarket", "超市"), ("the coffee shop downstairs", "樓下的咖啡廳"),
          ("the bus stop", "公車站"), ("the school gate", "校門口"), ("the parking lot", "停車場"),
          ("the department store", "百貨公司"), ("the noodle shop", "麵店"), ("the clinic", "診所"),
          ("the bank", "銀行"), ("the park", "公園"), ("Grandma's house", "阿嬤家"),
          ("the breakfast shop", "早餐店"), ("the hotpot place", "火鍋店"),
          ("the bookstore", "書店"), ("the cram school", "補習班"), ("the temple square", "廟口"),
          ("the beach", "海邊"), ("the airport", "機場")]
TOWNS = [("Tamsui", "淡水"), ("Hualien", "花蓮"), ("Tainan", "台南"), ("Keelung", "基隆"),
         ("Hsinchu", "新竹"), ("Taichung", "台中"), ("Yilan", "宜蘭"), ("Kaohsiung", "高雄"),
         ("Jiufen", "九份"), ("Taitung", "台東"), ("Chiayi", "嘉義"), ("Pingtung", "屏東"),
         ("Kenting", "墾丁"), ("Alishan", "阿里山"), ("Penghu", "澎湖"),
         ("Sun Moon Lake", "日月潭")]
TIMES = [("tomorrow morning", "明天早上"), ("this Friday", "這禮拜五"), ("tonight", "今天晚上"),
         ("after lunch", "吃完午餐之後"), ("next week", "下禮拜"),
         ("on Sunday afternoon", "禮拜天下午"), ("later today", "今天晚一點"),
         ("first thing in the morning", "早上一起來"), ("before the weekend", "週末之前"),
         ("during the break", "休息的時候"), ("this evening", "今天傍晚"),
         ("right after work", "一下班"), ("at half past seven", "七點半"),
         ("on the way back", "回來的路上"), ("by noon", "中午以前"), ("next month", "下個月"),
         ("over the long weekend", "連假的時候"), ("tomorrow night", "明天晚上"),
         ("in ten minutes", "十分鐘後"), ("on Wednesday", "禮拜三")]
FOODS = [("beef noodles", "牛肉麵"), ("bubble tea", "珍奶"), ("braised pork rice", "滷肉飯"),
         ("stinky tofu", "臭豆腐"), ("oyster omelettes", "蚵仔煎"), ("scallion pancakes", "蔥油餅"),
         ("popcorn chicken", "鹹酥雞"), ("shaved ice", "剉冰"), ("dumplings", "水餃"),
         ("pineapple cakes", "鳳梨酥"), ("rice noodles", "米粉"), ("sweet potato balls", "地瓜球"),
         ("pork buns", "肉包"), ("egg crepes", "蛋餅"), ("mango ice", "芒果冰"),
         ("milk tea", "奶茶"), ("sticky rice", "油飯"), ("chicken rice", "雞肉飯"),
         ("taro balls", "芋圓"), ("fish ball soup", "魚丸湯"), ("fried rice", "炒飯"),
         ("ramen", "拉麵")]
OBJECTS = [("the umbrella", "雨傘"), ("the charger", "充電器"), ("the receipt", "收據"),
           ("the spare key", "備用鑰匙"), ("my wallet", "我的錢包"),
           ("the remote control", "遙控器"), ("the helmet", "安全帽"), ("the laptop", "筆電"),
           ("the water bottle", "水壺"), ("the headphones", "耳機"), ("the jacket", "外套"),
           ("the notebook", "筆記本"), ("the transit card", "悠遊卡"), ("the tape measure", "捲尺"),
           ("the scissors", "剪刀"), ("the blue folder", "藍色資料夾"),
           ("the power bank", "行動電源"), ("the sunglasses", "太陽眼鏡"),
           ("the shopping bag", "購物袋"), ("the car keys", "車鑰匙"),
           ("the membership card", "會員卡"), ("the lunch box", "便當盒"), ("the raincoat", "雨衣")]
SLOTS = {"N": NAMES, "A": ACTIONS, "P": PLACES, "C": TOWNS, "T": TIMES, "F": FOODS, "O": OBJECTS}
# (en, zh, particle class): s statement, r request or suggestion, q question (ends in 嗎).
CLAUSES = [
    ("{N} will {A} {T}", "{N}{T}會{A}", "s"),
    ("could you remind {N} to {A}", "可以提醒{N}{A}嗎", "q"),
    ("I forgot to {A} {T}", "我{T}忘記{A}了", "s"),
    ("{N} asked me to {A}", "{N}叫我{A}", "s"),
    ("the {F} at {P} is really good", "{P}的{F}真的很好吃", "s"),
    ("{N} left {O} at {P}", "{N}把{O}忘在{P}了", "s"),
    ("I am meeting {N} at {P} {T}", "我{T}要跟{N}在{P}碰面", "s"),
    ("is {P} still open {T}", "{P}{T}還有開嗎", "q"),
    ("the train to {C} is running late again", "往{C}的火車又誤點了", "s"),
    ("{N} is going to {C} {T}", "{N}{T}要去{C}", "s"),
    ("please do not forget to {A}", "不要忘記{A}", "r"),
    ("I have already asked {N} to bring {O}", "我已經叫{N}帶{O}了", "s"),
    ("{N} thinks we should try the {F} at {P}", "{N}覺得我們應該去吃{P}的{F}", "s"),
    ("let us {A} together {T}", "我們{T}一起{A}", "r"),
    ("{N} never remembers to {A}", "{N}每次都忘記{A}", "s"),
    ("it is far too hot to {A} {T}", "{T}太熱了不想{A}", "s"),
    ("I found {O} under the sofa", "我在沙發底下找到{O}", "s"),
    ("{N} has been waiting at {P} for an hour", "{N}已經在{P}等一個小時了", "s"),
    ("the queue at {P} is extremely long {T}", "{P}{T}排隊排超長", "s"),
    ("{N} recommended the {F} from {P}", "{N}推薦{P}的{F}", "s"),
    ("I cannot find {O} anywhere", "我到處都找不到{O}", "s"),
    ("{N} is unwell and cannot {A} {T}", "{N}不舒服{T}沒辦法{A}", "s"),
    ("can we {A} {T} instead", "我們可以改成{T}{A}嗎", "q"),
    ("{N} bought {F} for everyone", "{N}買了{F}請大家吃", "s"),
    ("the weather in {C} looks terrible {T}", "{C}{T}的天氣看起來很糟", "s"),
    ("I need to {A} before I leave", "我出門前要先{A}", "s"),
    ("{N} lent me {O}", "{N}借我{O}", "s"),
    ("do you know if {N} can {A} {T}", "你知道{N}{T}能不能{A}嗎", "q"),
    ("there is a new {F} stall near {P}", "{P}附近開了一家新的{F}攤", "s"),
    ("{N} and I are planning to visit {C} {T}", "我跟{N}{T}打算去{C}玩", "s"),
    ("you should ask {N} to {A}", "你應該叫{N}{A}", "r"),
    ("{N} will wait for us outside {P}", "{N}會在{P}外面等我們", "s"),
]
PARTICLES = {"s": "啦喔耶欸捏齁啊", "r": "吧啦嘛喔", "q": ""}
KINDS = ("particle", "one_char", "punct_width", "whitespace", "simplified", "reorder", "case",
         "combo")
_SURFACE = ("particle", "punct_width", "whitespace", "simplified", "case")
_TYPO_ZH = "的得地在再是事那哪他她有又要也就都很還會說看想"
_SLOT_KEYS = [(i, [s for s in "NAPCTFO" if "{" + s + "}" in en])
              for i, (en, _zh, _c) in enumerate(CLAUSES)]


@dataclass(frozen=True)
class Synthetic:
    """Pairs with their truth: group (same group = duplicates), kind ("" original)."""

    en: list[str]
    zh: list[str]
    group: list[int]
    kind: list[str]  # "" for an original, a planted kind, or "hard_negative"


def _clause(rng: random.Random) -> tuple[int, tuple[int, ...]]:
    idx, slots = _SLOT_KEYS[rng.randrange(len(_SLOT_KEYS))]
    return idx, tuple(rng.randrange(len(SLOTS[s])) for s in slots)


def _render(clauses: list[tuple[int, tuple[int, ...]]], parts: list[str], end: int,
            joiner: str) -> tuple[str, str]:
    """Render clauses with their zh particles to an (en, zh) pair."""
    ens, zhs = [], []
    for (idx, values), part in zip(clauses, parts):
        en_t, zh_t, _cls = CLAUSES[idx]
        names = _SLOT_KEYS[idx][1]
        en_fill = {s: SLOTS[s][v][0] for s, v in zip(names, values)}
        zh_fill = {s: SLOTS[s][v][1] for s, v in zip(names, values)}
        ens.append(en_t.format(**en_fill))
        zhs.append(zh_t.format(**zh_fill) + part)
    question = CLAUSES[clauses[-1][0]][2] == "q"
    en = ", ".join(ens)
    en = en[0].upper() + en[1:] + ("?" if question else ".!"[end % 2] if end < 2 else ".")
    zh_end = "？" if question else ("。", "！", "", "～")[end % 4]
    return en, joiner.join(zhs) + zh_end


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seen: set[tuple[tuple[int, tuple[int, ...]], ...]] = set()

    def content(self) -> list[tuple[int, tuple[int, ...]]] | None:
        rng = self.rng
        count = rng.choices((1, 2, 3), (0.3, 0.5, 0.2))[0]
        clauses = [_clause(rng) for _ in range(count)]
        return self.claim(clauses)

    def claim(self, clauses: list[tuple[int, tuple[int, ...]]]) -> list | None:
        key = tuple(sorted(clauses))
        if key in self.seen or len({c[0] for c in clauses}) < len(clauses):
            return None
        self.seen.add(key)
        return clauses

    def particles(self, clauses: list[tuple[int, tuple[int, ...]]]) -> list[str]:
        out = []
        for idx, _v in clauses:
            pool = PARTICLES[CLAUSES[idx][2]]
            out.append(self.rng.choice(pool) if pool and self.rng.random() < 0.6 else "")
        return out


def _one_char(rng: random.Random, en: str, zh: str) -> tuple[str, str]:
    if rng.random() < 0.5:
        spots = [i for i, c in enumerate(zh) if "\u4e00" <= c <= "\u9fff"]
        i = rng.choice(spots)
        new = rng.choice([c for c in _TYPO_ZH if c != zh[i]])
        return en, zh[:i] + new + zh[i + 1:]
    # Inside a lower-case word: a typo in a name could make another real name.
    spots = [i for i in range(1, len(en) - 1) if en[i].islower() and en[i - 1].isalpha()
             and en[en.rfind(" ", 0, i) + 1].islower()]
    i = rng.choice(spots)
    new = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != en[i]])
    return en[:i] + new + en[i + 1:], zh


def _surface(kind: str, rng: random.Random, en: str, zh: str) -> tuple[str, str]:
    if kind == "punct_width":
        wide = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
        zh = zh.replace("，", rng.choice((",", "、", " , "))).replace("？", "?").rstrip("。！～")
        zh = zh.translate(wide) + rng.choice(("", "!!", "…", "。。"))
        en = en.rstrip(".!?") + rng.choice(("", "!", "...", " ?", "!!"))
        return en.replace(", ", rng.choice((" , ", ",", "; "))), zh
    if kind == "whitespace":
        cut = rng.randrange(1, len(zh))
        space = rng.choice((" ", "\u3000"))
        return "  " + en.replace(" ", "  ", 2) + " ", zh[:cut] + space + zh[cut:]
    if kind == "case":
        return rng.choice((en.lower(), en.upper(), en.title())), zh
    return en, zh


def generate(n: int, seed: int = 0) -> Synthetic:
    """Make n pairs: about 72 % originals, 21 % planted duplicates, 7 % hard negatives."""
    maker = _Maker(seed)
    rng = maker.rng
    en: list[str] = []
    zh: list[str] = []
    group: list[int] = []
    kind: list[str] = []
    to_simplify: list[int] = []

    def emit(e: str, z: str, g: int, k: str) -> None:
        en.append(e)
        zh.append(z)
        group.append(g)
        kind.append(k)

    groups = 0
    while len(en) < n:
        clauses = maker.content()
        if clauses is None:
            continue
        parts = maker.particles(clauses)
        end, joiner = rng.randrange(4), rng.choice(("，", "，", " "))
        base_en, base_zh = _render(clauses, parts, end, joiner)
        if not (40 <= len(base_en) <= 250 and 15 <= len(base_zh) <= 120):
            maker.seen.discard(tuple(sorted(clauses)))
            continue
        emit(base_en, base_zh, groups, "")
        roll = rng.random()
        if roll < 0.21:
            for _ in range(rng.choices((1, 2, 3), (0.7, 0.2, 0.1))[0]):
                k = rng.choice(KINDS)
                if k == "reorder" and len(clauses) < 2:
                    k = "punct_width"
                if k == "particle" and not any(PARTICLES[CLAUSES[c][2]] for c, _v in clauses):
                    k = "whitespace"
                steps = [k] if k != "combo" else rng.sample(_SURFACE, rng.choice((2, 3))) + \
                    [rng.choice(("one_char", "reorder" if len(clauses) > 1 else "one_char"))]
                if not any(PARTICLES[CLAUSES[c][2]] for c, _v in clauses) and "particle" in steps:
                    steps.remove("particle")
                new_parts, order = parts, list(range(len(clauses)))
                if "particle" in steps:
                    while new_parts == parts:
                        new_parts = maker.particles(clauses)
                if "reorder" in steps:
                    while order == sorted(order):
                        rng.shuffle(order)
                e, z = _render([clauses[i] for i in order], [new_parts[i] for i in order],
                               end, joiner)
                for step in ("one_char", "punct_width", "whitespace", "case"):
                    if step in steps:
                        e, z = _one_char(rng, e, z) if step == "one_char" else \
                            _surface(step, rng, e, z)
                if "simplified" in steps:
                    to_simplify.append(len(en))
                emit(e, z, groups, k)
        elif roll < 0.31:
            swap = rng.randrange(len(clauses))
            idx, values = clauses[swap]
            slots = _SLOT_KEYS[idx][1]
            choices = [j for j, s in enumerate(slots) if s in "NA"] or list(range(len(slots)))
            j = rng.choice(choices)
            vals = list(values)
            vals[j] = rng.choice([v for v in range(len(SLOTS[slots[j]])) if v != values[j]])
            twin = maker.claim(clauses[:swap] + [(idx, tuple(vals))] + clauses[swap + 1:])
            if twin is not None:
                e, z = _render(twin, parts, end, joiner)
                if 40 <= len(e) <= 250 and 15 <= len(z) <= 120:
                    groups += 1
                    emit(e, z, groups, "hard_negative")
        groups += 1
    del en[n:], zh[n:], group[n:], kind[n:]
    _simplify(zh, [i for i in to_simplify if i < n], rng)
    order = list(range(n))
    rng.shuffle(order)
    return Synthetic(en=[en[i] for i in order], zh=[zh[i] for i in order],
                     group=[group[i] for i in order], kind=[kind[i] for i in order])


def _simplify(zh: list[str], where: list[int], rng: random.Random) -> None:
    """Turn the chosen zh lines into Simplified script, half with Mainland vocabulary."""
    import opencc

    for config, part in (("tw2s.json", where[::2]), ("tw2sp.json", where[1::2])):
        if part:
            out = opencc.OpenCC(config).convert("\n".join(zh[i] for i in part)).split("\n")
            for i, text in zip(part, out):
                zh[i] = text


def write_paired_lines(data: Synthetic, path: Path) -> Path:
    """Write the pairs as paired lines and the truth as PATH.truth.tsv; return the truth path."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as out:
        for e, z in zip(data.en, data.zh):
            out.write(f"{e.strip()}\n{z.strip()}\n\n")
    truth = path.with_suffix(".truth.tsv")
    with truth.open("w", encoding="utf-8") as out:
        out.write("index\tgroup\tkind\n")
        for i, (g, k) in enumerate(zip(data.group, data.kind)):
            out.write(f"{i}\t{g}\t{k}\n")
    return truth


def main(argv: list[str] | None = None) -> None:
    """Generate pairs and write them with their truth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    truth = write_paired_lines(generate(args.n, args.seed), args.out)
    print(f"wrote {args.n} pairs to {args.out} and the truth to {truth}")


if __name__ == "__main__":
    main()
