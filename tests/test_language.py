"""The language of a line: zh lines full of English stay zh, English lines with a hanzi name stay
English, and zh-TW lines with long English titles are paired by the readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.ingest.readers import FileStats, InputFile, read_file
from builder.text.language import has_chinese, line_language
from builder.types import RawPair, SetAside

# Written for twcasual in the shape of zh-TW news translations: a name, then a long English title.
NEWS_ZH = [
    ("資深編劇 Anna Lee，同時也是《The Long Way Home: Notes From a Small Island Kitchen and Other "
     "Stories》的作者，則有不同看法。"),
    ("知名建築師 David Okafor，也是《Building With Light and Water: Essays on the Future of Coastal "
     "Cities》一書的共同作者，昨天在高雄演講。"),
    "研究員 Maria Santos 在 Journal of Applied Ocean Science and Coastal Engineering 發表論文",
]
NEWS_EN = [
    "Veteran screenwriter Anna Lee, who also wrote a long book about an island kitchen, disagrees.",
    "The architect David Okafor, co-author of a book on coastal cities, spoke in Kaohsiung yesterday.",
    "Researcher Maria Santos published a paper in an ocean engineering journal.",
]


@pytest.mark.parametrize(
    "text",
    [
        # English terms inside casual zh
        "我昨天用ChatGPT寫Python的API測試，超方便的啦",
        "iPhone 15 Pro Max好貴喔",
        "Google Maps說走路要20分鐘耶",
        "用Kubernetes部署microservices啦",
        "Pull request 記得要 review 喔",
        "這個bug超難debug的",
        "這個API是for內部用的啦",
        "這個 feature for 新人 超好用",
        "今天要meeting to討論的東西超多",
        "好ㄛ",
        # code-mixed chat
        "我剛買了 Switch 2 跟兩片卡帶",
        "等等 LINE 你，記得回",
        "欸 Kevin，you coming tonight or not？",
        "Deadline 是 Friday morning before the client meeting",
        "明天 10 a.m. 的 stand-up meeting 改到 Room 3B",
        # book and show titles
        *NEWS_ZH,
        "我超愛 Ghosts of the Night Market and the Last Train Home",
        "最近在看《A Field Guide to Quiet Mornings in the Mountains》",
        "Netflix 新劇 Stranger Things 第五季上線",
        # company and product names, no grammar hanzi: the hanzi still carry the line
        "TSMC 新竹廠 Q3 營收創新高",
        "Uber Eats 外送員 Kevin Chang 今天下午送錯餐",
        "新版 iOS 更新 Face ID 功能",
    ],
)
def test_zh_lines_full_of_english_are_zh(text: str) -> None:
    """A line with Chinese grammar, CJK punctuation or a real share of hanzi is zh, however much
    English it holds."""
    assert line_language(text) == "zh"


@pytest.mark.parametrize(
    "text",
    [
        "Meet me at 台北 Main Station at 3 p.m.",
        "\u201cI\u2019ll be there at 7:30,\u201d she said, \u201cwith 2 friends.\u201d",
        "The price rose 12.5% to $1,299 (before tax) on 2024-05-01.",
        "Please ask 王小明 to call me back before noon.",
        "Ask 王小明 to go.",
        "Lunch meeting: 林, tomorrow, Taipei Main Station.",
        "Ms. 林 said that 陳先生 will arrive at 台北車站 tomorrow.",
        "Caf\u00e9 owners in Tainan open early.",
        "We ate at 鼎泰豐 yesterday.",
        "We walked through 饒河街夜市 after dinner.",
        "My flight lands at 桃園機場 at six in the morning.",
        "I met 張家和 at the station.",
        "Our office moved from 成都 to Taipei last spring.",
        "The sign said 請勿吸菸 in red letters.",
        "Foxconn and 台積電 both opened offices in Arizona this year.",
    ],
)
def test_english_lines_with_names_are_en(text: str) -> None:
    """An English sentence with hanzi names or a quoted sign (no Chinese grammar) stays English."""
    assert line_language(text) == "en"


def test_documented_limits() -> None:
    """The two known misses of the module docstring: the rule reads grammar, not quotation marks."""
    # an English line quoting a Chinese sentence: its 了/沒 make it zh
    assert line_language("Grandma always says 吃飽了沒 when she calls.") == "zh"
    # a zh headline with a long English title and no grammar hanzi: the title's "to" makes it English
    assert line_language("Netflix 新劇 Midnight Ferry to Keelung 第二季上線") == "en"
    assert line_language("Netflix 那部 Midnight Ferry to Keelung 第二季上線了耶") == "zh"


@pytest.mark.parametrize("text", ["2024", "!!! ...", "12:30 - 13:45", "\u3000", "こんにちは", "？？！", "，。"])
def test_lines_without_letters_or_hanzi_are_unknown(text: str) -> None:
    """A line with neither Latin letters nor hanzi has no language, CJK punctuation or not."""
    assert line_language(text) == "unknown"


def test_cjk_punctuation_without_hanzi_leaves_english_english() -> None:
    """Full-width punctuation alone does not make a Latin line Chinese."""
    assert line_language("OK，see you tomorrow！") == "en"


def test_has_chinese_sees_hanzi_and_bopomofo_only() -> None:
    """has_chinese is true for a hanzi or a bopomofo letter, false for kana, Latin and punctuation."""
    assert has_chinese("好") and has_chinese("ㄅㄅ")
    assert not has_chinese("こんにちは，。") and not has_chinese("Hello")


def test_news_lines_with_long_english_titles_are_paired(tmp_path: Path) -> None:
    """English line, then a zh-TW news line naming a long English title: one pair each, nothing
    set aside as unpaired (the old rule read these zh lines as English)."""
    path = tmp_path / "news.txt"
    path.write_text("".join(f"{en}\n{zh}\n\n" for en, zh in zip(NEWS_EN, NEWS_ZH)), encoding="utf-8")
    stats = FileStats()
    items = list(read_file(InputFile(path=path, name="news.txt", format="lines"), stats))
    assert [i for i in items if isinstance(i, SetAside)] == []
    assert [(i.en, i.zh) for i in items if isinstance(i, RawPair)] == list(zip(NEWS_EN, NEWS_ZH))
    assert stats.adds_up()
