"""Text readers: paired lines, TSV, CSV, JSONL; sniffing, headers, column mapping, meta, swapped columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from readcheck import Read, read_checked

from builder.errors import ConfigError, InputError
from builder.ingest.columns import parse_columns
from builder.ingest.discover import discover
from builder.ingest.inputs import InputFile
from builder.types import RawPair, Source

EN1 = "The train to Hualien leaves at 7:40 tomorrow morning."
ZH1 = "明天早上7:40的火車去花蓮喔，不要遲到啦"
EN2 = "Could you please send me the revised budget by Friday?"
ZH2 = "修改過的預算禮拜五前傳給我好嗎？拜託啦"

# English<TAB>Chinese<TAB>attribution, the shape of the common English-Mandarin sentence files; written
# for these tests, zh in mixed Traditional and Simplified script, credits to a made-up site.
CMN_PAIRS = [
    ("Hurry up.", "快點啦。"), ("I'm starving.", "我快餓死了。"), ("Where is the station?", "车站在哪里？"),
    ("Turn off the light.", "把燈關掉。"), ("It's raining again.", "又下雨了。"),
    ("Don't worry about it.", "别担心啦。"),
    ("Let's take the bus.", "我們搭公車吧。"), ("My phone is dead.", "我手機沒電了。"),
    ("Who broke the vase?", "谁把花瓶打破了？"), ("I forgot my umbrella.", "我忘記帶傘了。"),
    ("This tea is too sweet.", "这个茶太甜了。"), ("Call me when you arrive.", "到了打給我喔。"),
    ("The shop closes at nine.", "店九點關門。"), ("He is always late.", "他总是迟到。"),
    ("Can you help me carry this?", "可以幫我搬這個嗎？"), ("I can't find my keys.", "我找不到钥匙。"),
    ("We missed the last train.", "我們錯過末班車了。"), ("Your cat is very cute.", "你的貓好可愛喔。"),
    ("Please speak more slowly.", "请说慢一点。"), ("The soup is still hot.", "湯還很燙。"),
    ("She lives near the river.", "她住在河边。"), ("I've never been to Tainan.", "我沒去過台南。"),
    ("What time does the movie start?", "电影几点开始？"), ("Leave the door open.", "門開著就好。"),
    ("I'll pay this time.", "這次我請客。"), ("My feet hurt.", "我脚好痛。"), ("Is this seat taken?", "這裡有人坐嗎？"),
    ("The printer is jammed again.", "打印机又卡纸了。"), ("Wait for me at the corner.", "在轉角等我。"),
    ("Happy birthday, Grandpa!", "爺爺生日快樂！"),
]
CREDIT = "CC-BY 2.0 (France) Attribution: example.org #{a} (lin) & #{b} (kao)"


def _cmn_text() -> str:
    return "".join(f"{en}\t{zh}\t{CREDIT.format(a=1000 + i, b=5000 + i)}\n" for i, (en, zh) in enumerate(CMN_PAIRS))


# --- paired lines and sniffing --------------------------------------------------------------------


def test_paired_lines_make_pairs_with_both_line_numbers(read: Read) -> None:
    """English then zh lines pair up; blank lines are ignored; a zh line full of English still pairs."""
    pairs, aside, stats = read(f"{EN1}\n{ZH1}\n\n\nDid you get the new console?\n我剛買了 Switch 2 跟兩片卡帶\n")
    assert aside == []
    assert pairs == [RawPair(EN1, ZH1, Source("in.txt", 1, 2)),
                     RawPair("Did you get the new console?", "我剛買了 Switch 2 跟兩片卡帶", Source("in.txt", 5, 6))]
    assert (stats.lines, stats.lines_per_pair) == (4, 2)


def test_bad_utf8_and_nul_are_set_aside_and_the_build_goes_on(read: Read) -> None:
    """A line that is not UTF-8 or holds a NUL is set aside with its number; its English line becomes unpaired."""
    data = f"{EN1}\n".encode() + "修改".encode("big5") + f"\n{EN2}\n明天\x00見\n{EN1}\n{ZH1}\n".encode()
    pairs, aside, stats = read(data)
    assert [(a.line, a.reason) for a in aside] == [(1, "unpaired_en"), (2, "not_utf8"), (3, "unpaired_en"),
                                                   (4, "nul_byte")]
    assert [p.source.en_line for p in pairs] == [5]
    assert stats.sha256 and stats.bytes == len(data)


def test_three_column_tsv_saved_as_txt_reads_every_pair_with_its_attribution(tmp_path: Path) -> None:
    """A cmn-style .txt (en, zh, credit) is sniffed as TSV with no flags; every pair is read, credit kept."""
    (tmp_path / "cmn.txt").write_text(_cmn_text(), encoding="utf-8")
    [f] = discover([tmp_path / "cmn.txt"])
    assert (f.format, f.sniffed) == ("tsv", "tsv (sniffed: 30 of 30 lines have a tab)")
    pairs, aside, stats = read_checked(f)
    assert aside == [] and [(p.en, p.zh) for p in pairs] == CMN_PAIRS
    assert pairs[2].attribution == CREDIT.format(a=1002, b=5002) and pairs[2].meta is None
    assert stats.columns == "en=col1, zh=col2, attribution=col3 (default; attribution recognised by its text)"


def test_alternating_txt_is_sniffed_as_lines(tmp_path: Path) -> None:
    """A .txt without tabs stays paired lines, and the report can say why."""
    (tmp_path / "a.txt").write_text(f"{EN1}\n{ZH1}\n\n{EN2}\n{ZH2}\n", encoding="utf-8")
    [f] = discover([tmp_path])
    assert (f.format, f.order) == ("lines", "en-zh")
    assert f.sniffed.startswith("lines (sniffed: 0 of 4 lines have a tab); English line first (")


# Written for these tests: everyday requests and remarks, English and casual Taiwan Mandarin, of
# varied lengths, some with digits or a question.
ORDER_PAIRS = [
    ("Can you pick up two bento boxes on your way home?", "你回家的路上可以順便買兩個便當嗎？"),
    ("The bus is late again.", "公車又遲到了啦"),
    ("I left my umbrella at the office, so I got completely soaked.", "我把傘忘在公司，結果整個人淋成落湯雞"),
    ("Is the night market open on Mondays?", "夜市禮拜一有開嗎？"),
    ("Thanks!", "謝啦！"),
    ("My sister just adopted a three-month-old kitten from the shelter.", "我妹剛從收容所領養一隻三個月大的小貓"),
    ("Let's meet at the MRT exit at 6:30.", "我們6:30在捷運出口見喔"),
    ("This bubble tea is far too sweet for me.", "這杯珍奶對我來說太甜了啦"),
    ("Where did you park the scooter?", "你機車停哪裡？"),
    ("Please turn the air conditioner down a little, it is freezing in here.", "冷氣可以調小一點嗎，這裡超冷的欸"),
    ("I'm so sleepy.", "我好睏喔"),
    ("The landlord says the rent goes up by 2000 next year.", "房東說明年房租要漲2000"),
    ("Did you finish the report?", "報告你寫完了沒？"),
    ("We should book the train tickets for the long weekend before they sell out.",
     "連假的火車票要趕快訂，不然會賣光啦"),
    ("Happy birthday!", "生日快樂！"),
    ("My phone battery died in the middle of the call.", "講到一半我手機就沒電了"),
    ("How much is this?", "這個多少錢？"),
    ("The typhoon day off was announced at ten last night.", "颱風假昨天晚上十點才宣布欸"),
    ("Don't forget to bring your student ID.", "記得帶學生證喔"),
    ("I have eaten at that beef noodle shop 15 times this year.", "那家牛肉麵我今年已經吃15次了"),
    ("Wait for me!", "等我一下啦！"),
    ("Could you send me the photos from the trip to Kenting?", "墾丁的照片可以傳給我嗎？"),
    ("Grandma made far too much food again.", "阿嬤又煮太多菜了"),
    ("Is it going to rain tomorrow?", "明天會下雨嗎？"),
    ("My laptop fan has been making a strange noise since yesterday.", "我的筆電風扇從昨天開始就有怪聲"),
    ("See you at 8.", "8點見"),
    ("The convenience store on the corner sells really good tea eggs.", "轉角那家超商的茶葉蛋超好吃"),
    ("Are you coming to the karaoke tonight?", "你今天晚上要來唱歌嗎？"),
    ("I need to renew my health insurance card.", "我要去換健保卡"),
    ("That movie was way too long.", "那部電影也太長了吧"),
]


def _alternating(pairs: list[tuple[str, str]], zh_first: bool, caption: str = "") -> str:
    lines = [caption] if caption else []
    for en, zh in pairs:
        lines += [zh, en] if zh_first else [en, zh]
        lines.append("")
    return "\n".join(lines) + "\n"


def test_alternating_file_with_the_zh_line_first_is_read_the_right_way_round(tmp_path: Path) -> None:
    """zh, then English, in every pair: the order is sniffed per file and no line meets its neighbour's translation."""
    (tmp_path / "zh_first.txt").write_text(_alternating(ORDER_PAIRS, zh_first=True), encoding="utf-8")
    (tmp_path / "en_first.txt").write_text(_alternating(ORDER_PAIRS[:5], zh_first=False), encoding="utf-8")
    en_file, zh_file = discover([tmp_path])
    assert (zh_file.order, en_file.order) == ("zh-en", "en-zh")
    assert "zh line first (sniffed: " in zh_file.sniffed
    pairs, aside, stats = read_checked(zh_file)
    assert aside == [] and [(p.en, p.zh) for p in pairs] == ORDER_PAIRS
    assert (pairs[0].source.en_line, pairs[0].source.zh_line) == (2, 1)
    assert [(p.en, p.zh) for p in read_checked(en_file)[0]] == ORDER_PAIRS[:5]


def test_read_the_other_way_round_a_zh_first_file_would_be_mispaired(tmp_path: Path) -> None:
    """What the sniffing prevents: read English-first, every zh line meets the next English line."""
    path = tmp_path / "zh_first.txt"
    path.write_text(_alternating(ORDER_PAIRS[:4], zh_first=True), encoding="utf-8")
    pairs, aside, _ = read_checked(InputFile(path, "zh_first.txt", "lines", order="en-zh"))
    assert [(p.en, p.zh) for p in pairs] == [(ORDER_PAIRS[i][0], ORDER_PAIRS[i + 1][1]) for i in range(3)]
    assert [a.reason for a in aside] == ["unpaired_zh", "unpaired_en"]


def test_caption_on_top_of_an_english_first_file_is_unpaired_not_a_shift(tmp_path: Path) -> None:
    """A zh caption before English-first pairs looks like a zh-first file; the pairs' fit says otherwise."""
    (tmp_path / "c.txt").write_text(_alternating(ORDER_PAIRS[:12], zh_first=False, caption="本週生活對話整理"),
                                    encoding="utf-8")
    [f] = discover([tmp_path / "c.txt"])
    assert f.order == "en-zh"
    pairs, aside, _ = read_checked(f)
    assert [(p.en, p.zh) for p in pairs] == ORDER_PAIRS[:12]
    assert [(a.line, a.reason) for a in aside] == [(1, "unpaired_zh")]


def test_order_that_cannot_be_told_sets_the_file_aside_with_its_reason(tmp_path: Path) -> None:
    """Two lines of each starting with zh and nothing to tell the order by: set aside, never mispaired."""
    (tmp_path / "u.txt").write_text("好啊\nSure.\n好啊\nSure.\n", encoding="utf-8")
    [f] = discover([tmp_path / "u.txt"])
    assert f.order == "unclear" and "cannot be told" in f.sniffed
    pairs, aside, stats = read_checked(f)
    assert pairs == [] and [a.reason for a in aside] == ["pair_order_unclear"] * 4
    assert stats.rejected_by_reason == {"pair_order_unclear": 4}


# --- TSV ------------------------------------------------------------------------------------------


def test_tsv_extra_columns_without_a_header_go_to_meta_as_col3(read: Read) -> None:
    """With no header the first two columns are en and zh, and the rest are kept as col3, col4."""
    pairs, aside, stats = read(f"{EN1}\t{ZH1}\tfood\t4\n{EN2}\t{ZH2}\n", "tsv", "x.tsv")
    assert aside == []
    assert [p.meta for p in pairs] == [{"col3": "food", "col4": "4"}, None]
    assert stats.columns == "en=col1, zh=col2 (default)"


def test_tsv_header_names_the_columns_and_is_counted(read: Read) -> None:
    """A header row is consumed as `header`; zh-first columns are found by name; other names key the meta."""
    pairs, aside, stats = read(f"Chinese\tEnglish\tTopic\n{ZH1}\t{EN1}\ttravel\n", "tsv", "x.tsv")
    assert [(a.line, a.reason) for a in aside] == [(1, "header")]
    assert pairs == [RawPair(EN1, ZH1, Source("x.tsv", 2, 2), {"Topic": "travel"})]
    assert stats.rejected_by_reason == {"header": 1} and stats.swapped == 0


def test_tsv_header_of_plain_labels_is_recognised(read: Read) -> None:
    """A first row of short labels without Chinese ("Sentence", "Translation", "Credit") is a header."""
    pairs, aside, _ = read(f"Sentence\tTranslation\tCredit\n{EN1}\t{ZH1}\tby mei\n", "tsv", "x.tsv")
    assert [a.reason for a in aside] == ["header"]
    assert (pairs[0].attribution, pairs[0].meta) == ("by mei", None)


def test_tsv_mapping_by_position_and_by_name(read: Read) -> None:
    """--columns by 1-based position reads any column order; by name it needs and uses the header."""
    pairs, _, stats = read(f"x1\t{ZH1}\t{EN1}\n", "tsv", "p.tsv", columns=parse_columns("en=3,zh=2"))
    assert (pairs[0].en, pairs[0].zh, pairs[0].meta) == (EN1, ZH1, {"col1": "x1"})
    assert stats.columns == "en=col3, zh=col2 (mapping)"
    pairs, aside, _ = read(f"id\tsrc\ttgt\tby\n7\t{EN1}\t{ZH1}\tmei\n", "tsv", "n.tsv",
                           columns=parse_columns("en=src,zh=tgt,attribution=by"))
    assert [a.reason for a in aside] == ["header"]
    assert (pairs[0].en, pairs[0].attribution, pairs[0].meta) == (EN1, "mei", {"id": "7"})


def test_tsv_mapping_errors_are_one_line(read: Read) -> None:
    """A mapped name missing from the header names the columns there are, in one line."""
    with pytest.raises(InputError) as info:
        read(f"a\tb\n{EN1}\t{ZH1}\n", "tsv", "n.tsv", columns=parse_columns("en=English,zh=b"))
    assert str(info.value) == "n.tsv: no column 'English'; the columns are 'a', 'b'"


def test_tsv_rows_with_too_few_columns_are_set_aside(read: Read) -> None:
    """A row without the mapped columns is set aside as tsv_columns; the other rows still pair."""
    pairs, aside, _ = read(f"{EN1}\t{ZH1}\n{EN2}\n{EN2}\t{ZH2}\n", "tsv", "x.tsv")
    assert [(a.line, a.reason) for a in aside] == [(2, "tsv_columns")]
    assert len(pairs) == 2


# --- swapped columns ------------------------------------------------------------------------------


def test_file_mapped_the_wrong_way_round_is_read_swapped(read: Read) -> None:
    """zh<TAB>en rows become (en, zh) pairs, counted in stats.swapped; rows that are neither are rejected."""
    rows = f"{ZH1}\t{EN1}\n{ZH2}\t{EN2}\n{EN1}\t{EN2}\n{ZH1}\t{ZH2}\n"
    pairs, aside, stats = read(rows, "tsv", "s.tsv")
    assert [(p.en, p.zh) for p in pairs] == [(EN1, ZH1), (EN2, ZH2)]
    assert [(a.line, a.reason) for a in aside] == [(3, "wrong_language"), (4, "wrong_language")]
    assert stats.swapped == 2


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_quoted_newlines_count_their_physical_lines(read: Read) -> None:
    """A quoted field over three lines makes one pair; its two extra lines are counted as joined."""
    data = ('english,chinese,note\n"The first line,\nand the second.","第一行，\n還有第二行。",poem\n\n'
            f'{EN2.replace(",", "")},早安啦,plain\n')
    pairs, aside, stats = read(data, "csv", "q.csv")
    assert [a.reason for a in aside] == ["header"]
    assert pairs[0] == RawPair("The first line,\nand the second.", "第一行，\n還有第二行。", Source("q.csv", 2, 2),
                               {"note": "poem"})
    assert pairs[1].source.en_line == 6
    assert (stats.lines, stats.pairs, stats.joined) == (5, 2, 2)


def test_csv_delimiter_is_sniffed(tmp_path: Path) -> None:
    """A semicolon CSV is sniffed as such at discovery and read with it."""
    (tmp_path / "s.csv").write_text(f"en;zh\n{EN1};{ZH1}\n{EN2.replace(',', '')};{ZH2}\n", encoding="utf-8")
    [f] = discover([tmp_path / "s.csv"])
    assert (f.delimiter, f.sniffed) == (";", "csv (sniffed: delimiter ';')")
    pairs, _, _ = read_checked(f)
    assert [p.zh for p in pairs] == [ZH1, ZH2]


def test_csv_multiline_field_over_the_limit_is_set_aside(read: Read) -> None:
    """A quoted field whose lines are short but which adds up past max_line_chars is line_too_long."""
    field = "\n".join("好" * 40 for _ in range(3))  # each line is short, the field is 122 characters
    pairs, aside, stats = read(f'{EN1},"{field}"\n{EN1},{ZH1}\n', "csv", "m.csv", max_line_chars=100)
    assert [(a.line, a.reason) for a in aside] == [(1, "line_too_long")]
    assert [p.source.en_line for p in pairs] == [4] and stats.joined == 2


def test_csv_runaway_quote_is_set_aside_and_the_rest_builds(read: Read) -> None:
    """An unclosed quote that grows past csv's field limit is one invalid_csv row; accounting still adds up."""
    runaway = '"' + "\n".join("x" * 9000 for _ in range(20)) + "\n"
    pairs, aside, stats = read(f"{EN1},{ZH1}\n{runaway}", "csv", "r.csv")
    assert "invalid_csv" in [a.reason for a in aside]
    assert pairs[0].zh == ZH1 and stats.joined > 0


# --- JSONL ----------------------------------------------------------------------------------------


def test_jsonl_other_field_names_are_guessed_and_extra_fields_reach_meta(read: Read) -> None:
    """Fields named english/mandarin are found; nested and numeric extras go to meta as JSON text."""
    row = {"id": 3, "english": EN1, "mandarin": ZH1, "tags": ["travel", {"k": 1}], "who": "mei"}
    pairs, _, stats = read(json.dumps(row, ensure_ascii=False) + "\n", "jsonl", "g.jsonl")
    assert pairs[0].meta == {"id": "3", "tags": '["travel", {"k": 1}]', "who": "mei"}
    assert stats.columns == "en=english, zh=mandarin (guessed from names)"


def test_jsonl_mapping_by_name_and_positions_refused(read: Read) -> None:
    """A JSONL mapping names fields (attribution included); a mapping by position is a one-line ConfigError."""
    row = json.dumps({"a": EN1, "b": ZH1, "c": "by mei"}, ensure_ascii=False) + "\n"
    pairs, _, _ = read(row, "jsonl", "m.jsonl", columns=parse_columns({"en": "a", "zh": "b", "attribution": "c"}))
    assert (pairs[0].en, pairs[0].attribution, pairs[0].meta) == (EN1, "by mei", None)
    with pytest.raises(ConfigError, match="^p.jsonl: JSONL fields need names"):
        read(row, "jsonl", "p.jsonl", columns=parse_columns("en=1,zh=2"))


def test_jsonl_good_and_bad_rows(read: Read) -> None:
    """Each bad JSONL row is set aside with its line number and reason; swapped rows are read swapped."""
    lines = [
        b"\xef\xbb\xbf" + json.dumps({"en": EN1, "zh": ZH1}, ensure_ascii=False).encode(),  # 1 good, BOM
        b"",  # 2 blank
        b'{"en": "Broken line", "zh": ',  # 3 invalid
        json.dumps({"en": EN2}).encode(),  # 4 no zh
        b"[1, 2, 3]",  # 5 not an object
        json.dumps({"en": EN2, "zh": 42}).encode(),  # 6 zh not text
        b'{"en": "Nul\x00here", "zh": "\xe5\xa5\xbd"}',  # 7 NUL byte
        json.dumps({"en": ZH2, "zh": EN2}, ensure_ascii=False).encode(),  # 8 swapped
        json.dumps({"en": EN2, "zh": "   "}).encode(),  # 9 empty zh
    ]
    pairs, aside, stats = read(b"\r\n".join(lines) + b"\r\n", "jsonl", "rows.jsonl")
    assert [(p.en, p.source.en_line) for p in pairs] == [(EN1, 1), (EN2, 8)]
    assert [(a.line, a.reason) for a in aside] == [(3, "invalid_json"), (4, "missing_field"), (5, "invalid_json"),
                                                   (6, "missing_field"), (7, "nul_byte"), (9, "missing_field")]
    assert (stats.lines, stats.swapped) == (8, 1)


# --- accounting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("lines", b""),
        ("lines", b"\n\n  \n"),
        ("lines", f"{ZH1}\n{ZH2}\n{EN1}\n{EN2}\n".encode()),
        ("lines", b"\xff\n\x00\n" + f"{EN1}\n{ZH1}\n?!\n".encode()),
        ("tsv", f"en\tzh\n{EN1}\t{ZH1}\n".encode() + b"\xff\n\t\n" + f"{EN2}\n{ZH1}\t{EN1}\tx\n".encode()),
        ("csv", f'a,b\n"{EN1}","{ZH1}\n\nmore"\n'.encode() + b"\xff\n" + f"{EN2}\n".encode()),
        ("jsonl", b'{}\n"text"\n{"en": "Hi there", "zh": "\xe5\x97\xa8"}\n\xff\n' + b"[" * 50_000 + b"\n"),
    ],
)
def test_every_line_is_accounted_for(read: Read, fmt: str, data: bytes) -> None:
    """lines == lines_per_pair * pairs + unpaired + rejected + joined, whatever the file holds."""
    _, aside, stats = read(data, fmt)
    assert stats.lines == sum(1 for line in data.splitlines() if line.strip())
    assert sorted(stats.reasons.elements()) == sorted(a.reason for a in aside)
