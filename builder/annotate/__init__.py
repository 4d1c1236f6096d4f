"""Find the colloquial layer of a zh-TW line: particles, interjections, markers, Mainland terms.

Two backends behind one interface (`Annotator`): `lexicon`, the default, offline and fast
(`builder.annotate.rules` over the word lists in `builder.annotate.lexicon`), and `ckip`
(`builder.annotate.ckip`, optional extra `twcasual[ckip]`), which asks CKIP's word segmenter and
POS tagger. Offsets are character indexes in the text as given. `annotate` and `annotate_lines`
also give each line its casual score (`builder.quality.register`); a build scores a batch right
after its annotator, whichever backend it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Protocol, runtime_checkable

from builder.annotate.rules import LexiconAnnotator, annotate_line
from builder.errors import ConfigError
from builder.quality.register import register_of, score_styles
from builder.types import Span, Style

__all__ = ["BACKENDS", "LINES_PER_CALL", "Annotator", "annotate", "annotate_lines", "get_annotator",
           "style_as_dict"]

BACKENDS = ("ckip", "lexicon")


@runtime_checkable
class Annotator(Protocol):
    """What every backend provides: a name and a batch call."""

    name: str

    def annotate(self, texts: Sequence[str]) -> list[Style]:
        """Annotate a batch of lines; `Style.length` is `len(text)`."""
        ...


def get_annotator(backend: str = "lexicon", **options: Any) -> Annotator:
    """Return the annotator for a backend name, configured with its options."""
    if backend == "lexicon":
        if options:
            raise ConfigError(
                f"the lexicon annotation backend takes no options, got: {', '.join(sorted(options))}"
            )
        return _LEXICON
    if backend == "ckip":
        # builder.annotate.ckip imports torch only inside CkipAnnotator: this import stays cheap.
        from builder.annotate.ckip import OPTIONS, CkipAnnotator, check_installed

        check_installed()
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise ConfigError(
                f"unknown option(s) for the ckip backend: {', '.join(unknown)}. "
                f"Available: {', '.join(OPTIONS)}"
            )
        return CkipAnnotator(**options)
    raise ConfigError(f"unknown annotation backend {backend!r}. Available: {', '.join(BACKENDS)}")


_LEXICON = LexiconAnnotator()


def annotate(text: str) -> Style:
    """Annotate one line with the lexicon backend, its casual score included."""
    return score_styles([text], [annotate_line(text)])[0]


def style_as_dict(style: Style) -> dict[str, list[dict[str, Any]]]:
    """Return the spans of a style as plain lists of dicts (for JSON).

    Particles and interjections are {"text", "offset", "function"}; markers and Mainland terms,
    which have no function, are {"text", "offset"}.
    """

    def spans(items: tuple[Span, ...]) -> list[dict[str, Any]]:
        return [{"text": span.text, "offset": span.offset} for span in items]

    def with_functions(items: tuple[Span, ...]) -> list[dict[str, Any]]:
        return [{"text": span.text, "offset": span.offset, "function": span.function} for span in items]

    return {
        "particles": with_functions(style.particles),
        "interjections": with_functions(style.interjections),
        "markers": spans(style.markers),
        "mainland_terms": spans(style.mainland_terms),
    }


# Lines handed to a backend per call; the ckip backend splits them again by its batch_size.
LINES_PER_CALL = 1024


def annotate_lines(
    lines: Iterable[str], backend: str = "lexicon", **options: Any
) -> Iterator[dict[str, Any]]:
    """Annotate lines (trailing newlines dropped) and yield one JSON-ready dict per line: its
    spans, its casual score and its register ("casual" or "formal")."""
    annotator = get_annotator(backend, **options)
    stripped = (line.rstrip("\r\n") for line in lines)
    while batch := list(islice(stripped, LINES_PER_CALL)):
        for text, style in zip(batch, score_styles(batch, annotator.annotate(batch))):
            yield {"text": text, **style_as_dict(style), "casual": style.casual,
                   "register": register_of(style.casual)}
