"""The `ckip` annotation backend: CKIP word segmentation and POS tags (optional extra).

Needs `pip install 'twcasual[ckip]'` (ckip-transformers, torch, transformers; GPL-3.0 code and
weights, which is why it is not in the core). Imported only when the backend is selected.

A particle is a word tagged `T` (語助詞) at the end of a clause, reported character by
character for the characters in twcasual's inventory (so 了/的/嗎, which CKIP also tags `T`,
and T-words outside the inventory such as 而已 are left out). A word tagged `I` (感嘆詞) is an
interjection, except a particle character that ends its clause right after a closing quote, or a
space after Latin letters or digits (要 800 喔): that ends the words before it, a particle, as in
the lexicon backend. Each particle and interjection gets its function from the same rules as the
lexicon backend (`builder.annotate.functions`); the POS tags do not refine them. Markers and
Mainland terms come from the same word lists as the lexicon backend.

Lines longer than `max_length` are cut into chunks, at the last clause delimiter that fits
(else hard), run through the models, and put back together before the clause-end test, so a
chunk edge is never mistaken for the end of a clause.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from typing import Any

from builder.annotate.functions import function_spans
from builder.annotate.lexicon import PARTICLES
from builder.annotate.rules import ends_words_before, find_terms, is_boundary
from builder.errors import ConfigError
from builder.types import Style

__all__ = ["OPTIONS", "POS_TAGS", "WS_LABELS", "CkipAnnotator", "check_installed"]

# The label sets of CKIP's models, as documented by CKIP Lab (ckiptagger wiki "POS Tags";
# ckip-transformers README). WHITESPACE is not a model label: the driver emits it for spaces.
WS_LABELS = ("B", "I")
# fmt: off
POS_TAGS = (
    "A", "Caa", "Cab", "Cba", "Cbb", "D", "Da", "Dfa", "Dfb", "Di", "Dk", "DM", "I",
    "Na", "Nb", "Nc", "Ncd", "Nd", "Nep", "Neqa", "Neqb", "Nes", "Neu", "Nf", "Ng", "Nh", "Nv",
    "P", "T", "VA", "VAC", "VB", "VC", "VCL", "VD", "VF", "VE", "VG", "VH", "VHC", "VI", "VJ",
    "VK", "VL", "V_2", "DE", "SHI", "FW",
    "COLONCATEGORY", "COMMACATEGORY", "DASHCATEGORY", "DOTCATEGORY", "ETCCATEGORY",
    "EXCLAMATIONCATEGORY", "PARENTHESISCATEGORY", "PAUSECATEGORY", "PERIODCATEGORY",
    "QUESTIONCATEGORY", "SEMICOLONCATEGORY", "SPCHANGECATEGORY",
)
# fmt: on
OPTIONS = (
    "model",
    "model_name",
    "ws_model_name",
    "pos_model_name",
    "batch_size",
    "max_length",
    "device",
)

_PARTICLE_SET = frozenset(PARTICLES)
_DELIMITERS = frozenset("，,。：:；;！!？?、～~… \t")


def check_installed() -> None:
    """Raise ConfigError unless the optional `ckip` extra is importable."""
    missing = [
        m
        for m in ("torch", "transformers", "ckip_transformers")
        if importlib.util.find_spec(m) is None
    ]
    if missing:
        raise ConfigError(
            f"the ckip annotation backend needs {', '.join(missing)}: "
            "install twcasual[ckip] (pip install 'twcasual[ckip]')"
        )


def _model_names(
    model: str, model_name: str | None, ws_model_name: str | None, pos_model_name: str | None
) -> tuple[str, str]:
    """Resolve the WS and POS model names or folders from the options."""
    if ws_model_name or pos_model_name:
        if not (ws_model_name and pos_model_name):
            raise ConfigError(
                "ckip backend: give both ws_model_name and pos_model_name, or model_name"
            )
        return ws_model_name, pos_model_name
    if model_name:
        if os.path.isdir(model_name):
            ws, pos = os.path.join(model_name, "ws"), os.path.join(model_name, "pos")
            if not (os.path.isdir(ws) and os.path.isdir(pos)):
                raise ConfigError(
                    f"ckip backend: folder {model_name} must hold ws/ and pos/ model folders"
                )
            return ws, pos
        return f"{model_name}-ws", f"{model_name}-pos"  # a Hub prefix: ckiplab/bert-base-chinese
    from ckip_transformers.nlp import CkipPosTagger, CkipWordSegmenter

    names = CkipWordSegmenter._model_names
    if model not in names:
        raise ConfigError(f"unknown CKIP model {model!r}. Available: {', '.join(sorted(names))}")
    return names[model], CkipPosTagger._model_names[model]


def _chunks(text: str, max_length: int) -> list[tuple[int, int]]:
    """Cut a line into (start, end) pieces of at most max_length, at clause delimiters if any."""
    pieces, start = [], 0
    while len(text) - start > max_length:
        cut = start + max_length
        for k in range(cut, start, -1):
            if text[k - 1] in _DELIMITERS:
                cut = k
                break
        pieces.append((start, cut))
        start = cut
    if start < len(text):
        pieces.append((start, len(text)))
    return pieces


class CkipAnnotator:
    """Annotate with CKIP's word segmenter and POS tagger (ckip-transformers)."""

    name = "ckip"

    def __init__(
        self,
        model: str = "bert-base",
        model_name: str | None = None,
        ws_model_name: str | None = None,
        pos_model_name: str | None = None,
        batch_size: int = 64,
        max_length: int | None = None,
        device: int = -1,
    ) -> None:
        import torch
        from ckip_transformers.nlp import CkipPosTagger, CkipWordSegmenter

        if batch_size < 1 or (max_length is not None and max_length < 1):
            raise ConfigError(
                f"ckip backend: batch_size and max_length must be >= 1, got {batch_size}, {max_length}"
            )
        if not isinstance(device, int) or device < -1:
            raise ConfigError(
                f"ckip backend: device must be -1 (CPU) or a CUDA index, got {device!r}"
            )
        if device >= 0 and (not torch.cuda.is_available() or device >= torch.cuda.device_count()):
            raise ConfigError(
                f"ckip backend: CUDA device {device} is not available on this machine"
            )
        ws_name, pos_name = _model_names(model, model_name, ws_model_name, pos_model_name)
        try:
            self._ws = CkipWordSegmenter(model_name=ws_name, device=device)
            self._pos = CkipPosTagger(model_name=pos_name, device=device)
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(
                f"cannot load CKIP models {ws_name!r}, {pos_name!r}: {first}"
            ) from exc
        self._check_labels(ws_name, pos_name)
        # ckip-transformers asserts max_length < model_max_length - 2 ([CLS] and [SEP]).
        limit = min(self._ws.tokenizer.model_max_length, self._pos.tokenizer.model_max_length) - 2
        if max_length is None:
            max_length = min(126, limit - 1)
        if max_length >= limit:
            raise ConfigError(
                f"ckip backend: max_length must be below {limit} for these models, got {max_length}"
            )
        self.batch_size = batch_size
        self.max_length = max_length

    def _check_labels(self, ws_name: str, pos_name: str) -> None:
        ws_labels = set(self._ws.model.config.id2label.values())
        pos_labels = set(self._pos.model.config.id2label.values())
        if ws_labels != set(WS_LABELS):
            raise ConfigError(f"{ws_name} is not a CKIP word segmenter: labels {sorted(ws_labels)}")
        if not {"T", "I"} <= pos_labels:
            raise ConfigError(f"{pos_name} is not a CKIP POS tagger: it has no T and I labels")

    def annotate(self, texts: Sequence[str]) -> list[Style]:
        """Annotate a batch of lines."""
        spans = [_chunks(text, self.max_length) for text in texts]
        pieces = [text[a:b] for text, chunk in zip(texts, spans) for a, b in chunk]
        call: dict[str, Any] = {
            "batch_size": self.batch_size,
            "max_length": self.max_length,
            "show_progress": False,
        }
        words = self._ws(pieces, **call) if pieces else []
        tags = self._pos(words, **call) if pieces else []
        styles, k = [], 0
        for text, chunk in zip(texts, spans):
            line: list[tuple[str, int, str]] = []
            for a, _ in chunk:
                offset = a
                for word, tag in zip(words[k], tags[k]):
                    line.append((word, offset, tag))
                    offset += len(word)
                k += 1
            styles.append(_style(text, line))
        return styles


def _style(text: str, words: list[tuple[str, int, str]]) -> Style:
    """Turn one line's (word, offset, tag) list into a Style."""
    # closes[i]: word i ends a clause; a T word before a clause-ending T word does too (啦齁).
    closes = [False] * len(words)
    for i in range(len(words) - 1, -1, -1):
        if i == len(words) - 1:
            closes[i] = True
            continue
        nxt_word, _, nxt_tag = words[i + 1]
        closes[i] = (
            nxt_tag.endswith("CATEGORY")
            or nxt_tag in ("WHITESPACE", "I")
            or is_boundary(nxt_word[0])
            or (nxt_tag == "T" and closes[i + 1])
        )
    particles: list[tuple[str, int]] = []
    interjections: list[tuple[str, int]] = []
    for (word, offset, tag), ends in zip(words, closes):
        if tag == "I" and not (ends and ends_words_before(text, offset, offset + len(word))):
            interjections.append((word, offset))
        elif tag in ("T", "I") and ends:
            particles.extend((ch, offset + j) for j, ch in enumerate(word) if ch in _PARTICLE_SET)
    found, opening = function_spans(text, particles, interjections)
    markers, mainland = find_terms(text)
    return Style(found, opening, markers, mainland, len(text))
