"""The ckip backend, tested offline on tiny models built here with CKIP's real label sets.

The real CKIP weights live only on the Hugging Face Hub, which tests never reach. Each test
model is a randomly initialised one-layer BertForTokenClassification (hidden size 16) whose
output is forced: position embeddings, attention output and feed-forward output are zeroed,
so every token's logits depend on its own embedding only, and each character's embedding is
set to the classifier row of the label it must get. That makes exact assertions possible on
loading (through the same `model_name=` folder users pass), label mapping, batching, chunking
and our own post-processing. It proves nothing about CKIP's linguistic accuracy: see
docs/annotation.md. The opt-in test at the end runs the real models when you have them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

torch = pytest.importorskip(
    "torch", reason="the ckip extra is not installed (pip install 'twcasual[ckip]')"
)
pytest.importorskip(
    "ckip_transformers", reason="the ckip extra is not installed (pip install 'twcasual[ckip]')"
)
transformers = pytest.importorskip("transformers", reason="the ckip extra is not installed")

from builder.annotate import annotate_lines, get_annotator
from builder.annotate.ckip import POS_TAGS, WS_LABELS, _chunks
from builder.errors import ConfigError

# What each character must come out as: (word-segmentation label, POS tag). Characters not
# listed (and anything the vocab lacks, which becomes [UNK]) get ("B", "Na").
# fmt: off
CHARS: dict[str, tuple[str, str]] = {
    "好": ("B", "VH"), "啦": ("B", "T"), "，": ("B", "COMMACATEGORY"), "你": ("B", "Nh"),
    "呢": ("B", "T"), "？": ("B", "QUESTIONCATEGORY"), "吃": ("B", "VC"), "飽": ("B", "VH"),
    "了": ("B", "T"), "他": ("B", "Nh"), "很": ("B", "Dfa"), "齁": ("I", "VH"),
    "欸": ("B", "I"), "去": ("B", "VCL"), "酒": ("B", "Nc"), "吧": ("I", "T"), "嗎": ("B", "T"),
    "喃": ("I", "VA"), "的": ("B", "DE"), "聲": ("B", "Na"), "音": ("I", "Na"),
    "我": ("B", "Nh"), "走": ("B", "VA"), "。": ("B", "PERIODCATEGORY"),
    **{ch: ("B", "Neu") for ch in "一二三四五六七八九十"},
}
# fmt: on
MODEL_MAX_LENGTH = 16  # so the max_length limit is 14, and chunking is easy to reach


def save_tiny_model(
    folder: Path,
    labels: Sequence[str],
    label_of: Mapping[str, str],
    default: str,
    *,
    force: str | None = None,
) -> None:
    """Save a tiny forced BERT token classifier and its character tokenizer in `folder`."""
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(label_of)]
    folder.mkdir(parents=True)
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(
        vocab=str(folder / "vocab.txt"), do_lower_case=False, model_max_length=MODEL_MAX_LENGTH
    )
    tokenizer.save_pretrained(folder)
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=MODEL_MAX_LENGTH,
        id2label=dict(enumerate(labels)),
        label2id={label: k for k, label in enumerate(labels)},
    )
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config)
    # One zero-mean unit direction per label: LayerNorm keeps it, and its own row wins argmax.
    directions = torch.randn(len(labels), 16)
    directions -= directions.mean(dim=1, keepdim=True)
    directions /= directions.norm(dim=1, keepdim=True)
    with torch.no_grad():
        embeddings = model.bert.embeddings
        embeddings.position_embeddings.weight.zero_()
        embeddings.token_type_embeddings.weight.zero_()
        for layer in model.bert.encoder.layer:
            for linear in (layer.attention.output.dense, layer.output.dense):
                linear.weight.zero_()
                linear.bias.zero_()
        for token_id, token in enumerate(vocab):
            label = label_of.get(token, default)
            embeddings.word_embeddings.weight[token_id] = 4 * directions[labels.index(label)]
        if force is None:
            model.classifier.weight.copy_(directions)
            model.classifier.bias.zero_()
        else:  # zero weights, one biased label: every token gets `force`
            model.classifier.weight.zero_()
            model.classifier.bias.zero_()
            model.classifier.bias[labels.index(force)] = 1.0
    model.save_pretrained(folder)


def save_pair(root: Path, pos_labels: Sequence[str] = POS_TAGS, **force: str) -> Path:
    """Save ws/ and pos/ tiny models under root, the layout `model_name=<folder>` expects."""
    save_tiny_model(
        root / "ws", WS_LABELS, {c: v[0] for c, v in CHARS.items()}, "B", force=force.get("ws")
    )
    save_tiny_model(
        root / "pos", pos_labels, {c: v[1] for c, v in CHARS.items()}, "Na", force=force.get("pos")
    )
    return root


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_pair(tmp_path_factory.mktemp("ckip"))


@pytest.fixture(scope="module")
def ckip(models: Path):  # type: ignore[no-untyped-def]
    return get_annotator("ckip", model_name=str(models), max_length=8, batch_size=2)


def particles(style) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(span.text, span.offset) for span in style.particles]


def test_label_sets_are_ckips() -> None:
    """Use CKIP's documented label sets: B/I for WS and the 60 POS tags with T and I."""
    assert WS_LABELS == ("B", "I")
    assert len(POS_TAGS) == len(set(POS_TAGS)) == 60
    assert {"T", "I", "DE", "SHI", "FW", "COMMACATEGORY", "QUESTIONCATEGORY"} <= set(POS_TAGS)


def test_forced_model_gives_the_labels_it_was_built_for(ckip) -> None:  # type: ignore[no-untyped-def]
    """Check the fixture itself: the driver returns our per-character words and tags."""
    words = ckip._ws(["他很好啦齁", "去酒吧嗎"], show_progress=False)
    assert words == [["他", "很", "好", "啦齁"], ["去", "酒吧", "嗎"]]
    assert ckip._pos(words, show_progress=False) == [["Nh", "Dfa", "VH", "T"], ["VCL", "Nc", "T"]]


def test_particles_are_clause_final_t_words_with_offsets(ckip) -> None:  # type: ignore[no-untyped-def]
    """Report T words before punctuation, at the end, or before a space, at their offsets."""
    styles = ckip.annotate(["好啦，你呢？", "好啦 我走了。"])
    assert particles(styles[0]) == [("啦", 1), ("呢", 4)]
    assert particles(styles[1]) == [("啦", 1)]
    assert [s.length for s in styles] == [6, 7]


def test_neutral_t_words_are_left_out(ckip) -> None:  # type: ignore[no-untyped-def]
    """Drop 了 (tagged T by CKIP) and 嗎, and keep the particle after them."""
    assert particles(ckip.annotate(["吃飽了啦"])[0]) == [("啦", 3)]
    assert particles(ckip.annotate(["去酒吧嗎"])[0]) == []


def test_multi_character_t_word_is_split_into_particles(ckip) -> None:  # type: ignore[no-untyped-def]
    """Report each inventory character of a T word (啦齁 as one word) at its own offset."""
    assert particles(ckip.annotate(["他很好啦齁"])[0]) == [("啦", 3), ("齁", 4)]


def test_word_tag_comes_from_its_first_character(ckip) -> None:  # type: ignore[no-untyped-def]
    """Read 酒吧 as one Nc word, so its 吧 (tagged T alone) is no particle."""
    assert particles(ckip.annotate(["去酒吧。"])[0]) == []


def test_t_word_inside_a_clause_is_not_a_particle(ckip) -> None:  # type: ignore[no-untyped-def]
    """Leave a T word that does not end its clause (呢喃的聲音) alone."""
    assert particles(ckip.annotate(["呢喃的聲音"])[0]) == []


def test_interjections_come_from_the_i_tag(ckip) -> None:  # type: ignore[no-untyped-def]
    """Report I-tagged words as interjections with offsets."""
    style = ckip.annotate(["欸，去酒吧嗎"])[0]
    assert [(s.text, s.offset) for s in style.interjections] == [("欸", 0)]
    assert style.particles == ()


def test_unknown_characters_and_empty_lines(ckip) -> None:  # type: ignore[no-untyped-def]
    """Survive [UNK] characters (Latin) and empty lines."""
    styles = ckip.annotate(["ok啦", ""])
    assert particles(styles[0]) == [("啦", 2)]
    assert styles[1].length == 0 and styles[1].particles == ()


def test_batching_does_not_change_results(models: Path) -> None:
    """Give the same styles for batch sizes 1 and 64, in input order."""
    lines = ["好啦，你呢？", "", "他很好啦齁", "吃飽了啦", "欸，去酒吧嗎", "一二三四啦，五六七八"]
    one = get_annotator("ckip", model_name=str(models), max_length=8, batch_size=1).annotate(lines)
    many = get_annotator("ckip", model_name=str(models), max_length=8, batch_size=64).annotate(
        lines
    )
    assert one == many
    assert len(one) == len(lines)


def test_chunking_cuts_at_delimiters_or_hard() -> None:
    """Cut long lines after the last delimiter that fits, else at max_length."""
    assert _chunks("一二三，四五六七八九十好啦", 5) == [(0, 4), (4, 9), (9, 13)]
    assert _chunks("一二三四五", 5) == [(0, 5)]
    assert _chunks("", 5) == []


def test_chunk_edge_is_not_a_clause_end(ckip) -> None:  # type: ignore[no-untyped-def]
    """Judge clause ends on the whole line: a T word at a chunk edge followed by text is none."""
    ckip.max_length = 5
    try:
        assert particles(ckip.annotate(["一二三四啦五六七八九"])[0]) == []
        assert particles(ckip.annotate(["一二三四啦，五六七八"])[0]) == [("啦", 4)]
        assert particles(ckip.annotate(["一二三，四五六七八九十好啦"])[0]) == [("啦", 12)]
    finally:
        ckip.max_length = 8


def test_lines_longer_than_the_model_are_chunked(ckip) -> None:  # type: ignore[no-untyped-def]
    """Annotate a line far longer than model_max_length with offsets into the whole line."""
    line = "一二三四五六七八九十" * 6 + "好啦"
    assert len(line) > MODEL_MAX_LENGTH * 3
    assert particles(ckip.annotate([line])[0]) == [("啦", 61)]


def test_label_order_does_not_matter(tmp_path: Path) -> None:
    """Map labels through the model's id2label, whatever order the config lists them in."""
    root = save_pair(tmp_path, pos_labels=tuple(reversed(POS_TAGS)))
    ckip = get_annotator("ckip", model_name=str(root), max_length=8)
    assert particles(ckip.annotate(["好啦，你呢？"])[0]) == [("啦", 1), ("呢", 4)]


def test_bias_forced_all_t_keeps_inventory_characters_only(tmp_path: Path) -> None:
    """With every character its own T word, report only the inventory's particles."""
    root = save_pair(tmp_path, ws="B", pos="T")
    ckip = get_annotator("ckip", model_name=str(root), max_length=8)
    assert particles(ckip.annotate(["好啦齁了"])[0]) == [("啦", 1), ("齁", 2)]


def test_annotate_lines_with_the_ckip_backend(models: Path) -> None:
    """Yield JSON-ready dicts through the same options the CLI passes."""
    rows = list(
        annotate_lines(["好啦，你呢？\n"], backend="ckip", model_name=str(models), max_length=8)
    )
    assert rows[0]["text"] == "好啦，你呢？"
    assert rows[0]["particles"] == [{"text": "啦", "offset": 1, "function": "soften"},
                                    {"text": "呢", "offset": 4, "function": "question"}]


def test_model_folder_needs_ws_and_pos(tmp_path: Path) -> None:
    """Refuse a folder without ws/ and pos/ with a one-line ConfigError."""
    with pytest.raises(ConfigError, match="must hold ws/ and pos/"):
        get_annotator("ckip", model_name=str(tmp_path))


def test_a_model_without_t_and_i_is_refused(tmp_path: Path) -> None:
    """Refuse a POS model whose labels are not CKIP's."""
    root = tmp_path / "m"
    save_tiny_model(root / "ws", WS_LABELS, {}, "B")
    save_tiny_model(root / "pos", ("Na", "VH"), {}, "Na")
    with pytest.raises(ConfigError, match="not a CKIP POS tagger"):
        get_annotator("ckip", model_name=str(root))


def test_max_length_must_fit_the_model(models: Path) -> None:
    """Refuse max_length at or above model_max_length - 2, and pick a fitting default."""
    with pytest.raises(ConfigError, match="below 14"):
        get_annotator("ckip", model_name=str(models), max_length=14)
    assert get_annotator("ckip", model_name=str(models)).max_length == 13


def test_missing_model_is_a_config_error(tmp_path: Path) -> None:
    """Turn a model that cannot be loaded (offline Hub, no folder) into a ConfigError."""
    with pytest.raises(ConfigError, match="cannot load CKIP models"):
        get_annotator(
            "ckip",
            ws_model_name=str(tmp_path / "nope-ws"),
            pos_model_name=str(tmp_path / "nope-pos"),
        )


def test_bad_options_are_config_errors(models: Path) -> None:
    """Name unknown options, bad devices and a missing CUDA device in ConfigErrors."""
    with pytest.raises(ConfigError, match="unknown option.*beam"):
        get_annotator("ckip", model_name=str(models), beam=3)
    with pytest.raises(ConfigError, match="device"):
        get_annotator("ckip", model_name=str(models), device=-2)
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="CUDA device 0 is not available"):
            get_annotator("ckip", model_name=str(models), device=0)


REAL = os.environ.get("TWCASUAL_CKIP_MODEL", "")


@pytest.mark.skipif(
    not REAL,
    reason="opt-in: set TWCASUAL_CKIP_MODEL to a folder with CKIP's real ws/ and pos/ models "
    "(e.g. ckiplab/bert-base-chinese-ws and -pos, downloaded elsewhere)",
)
def test_real_ckip_models_find_common_particles() -> None:
    """With the real CKIP weights, find the obvious particles and skip the obvious traps."""
    ckip = get_annotator(
        "ckip", model_name=REAL, device=int(os.environ.get("TWCASUAL_CKIP_DEVICE", "-1"))
    )
    styles = ckip.annotate(["好啦，我們走吧。", "你在幹嘛？", "這間酒吧很有名。", "欸，你呢？"])
    assert {s.text for s in styles[0].particles} == {"啦", "吧"}
    assert styles[1].particles == () and styles[2].particles == ()
    assert ("呢", 4) in particles(styles[3])


def test_a_lone_i_word_after_digits_and_a_space_is_a_particle(tmp_path: Path) -> None:
    """要 800 喔: a particle tagged I after a space that follows digits ends the words before it, as
    in the lexicon backend; after a hanzi and a space it stays an interjection. Both get a function."""
    root = save_pair(tmp_path, ws="B", pos="I")
    ckip = get_annotator("ckip", model_name=str(root), max_length=8)
    after_digits, after_hanzi = ckip.annotate(["要 800 喔", "好 喔"])
    assert [(s.text, s.offset, s.function) for s in after_digits.particles] == [("喔", 6, "remind")]
    assert "喔" not in [s.text for s in after_digits.interjections]
    assert particles(after_hanzi) == [] and ("喔", 2) in [(s.text, s.offset) for s in after_hanzi.interjections]
    assert all(s.function for s in after_digits.interjections + after_hanzi.interjections)
