"""The small frozen types that flow through the pipeline.

A `RawPair` comes out of ingest and becomes a `Pair` in normalisation; the pair gets a `Style`
from the annotator, goes into each recipe, and every `Example` a recipe yields becomes one
`Record` (the core adds ids and provenance). Frozen, so one stage or recipe cannot change what the next one sees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = ["Source", "RawPair", "Span", "Style", "Pair", "Example", "Record", "SetAside"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})

_T = TypeVar("_T")


def _quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen slots dataclass an `__init__` that sets each slot through its descriptor.

    The generated `__init__` of a frozen dataclass calls `object.__setattr__` per field (a name
    lookup each); calling the slot's own setter is two to three times faster, and pass 1 makes
    several of these objects per pair. Same parameters, defaults and result; assignment after
    construction still raises, as the class's `__setattr__` is untouched.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]  # a dataclass, checked below
    scope: dict[str, Any] = {}
    params = []
    for f in fields(cls):  # type: ignore[arg-type]
        if not f.init or f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: _quick_init takes fields with plain defaults only")
        scope[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"\n    _set_{name}(self, {name})" for name in names)
    made: dict[str, Callable[..., None]] = {}
    exec(f"def __init__(self, {', '.join(params)}):{body}", scope, made)  # noqa: S102  # our own field names only
    init = made["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields(cls)}, "return": None}  # type: ignore[arg-type]
    cls.__init__ = init  # type: ignore[misc]
    return cls


@_quick_init
@dataclass(frozen=True, slots=True)
class Source:
    """Where a pair came from: the file (relative to its input root) and its line numbers."""

    file: str
    en_line: int
    zh_line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.en_line}"

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # positional rebuild: much faster than the generic dataclass pickling (spool, workers)
        return (Source, (self.file, self.en_line, self.zh_line))


@_quick_init
@dataclass(frozen=True, slots=True)
class RawPair:
    """An English text and its zh text as read, before normalisation, with what travels with them.

    `meta`: the row's other columns (name -> text), None when there were none. `attribution`: the
    row's attribution column, else its source's attribution line. `license`: its source's license,
    else the dataset's.
    """

    en: str
    zh: str
    source: Source
    meta: Mapping[str, str] | None = None
    attribution: str = ""
    license: str = ""

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # positional rebuild: raw pairs cross to worker processes by the million (hot path)
        return (RawPair, (self.en, self.zh, self.source, self.meta, self.attribution, self.license))


@_quick_init
@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the zh line found by the annotator: its text, character offset and function.

    `function` is what a particle or an interjection does in this line (one of
    `builder.annotate.functions.FUNCTIONS`: "soften", "urge", ...); "" for markers and Mainland
    terms, and for spans made by hand without one.
    """

    text: str
    offset: int
    function: str = ""

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # positional rebuild: much faster than the generic dataclass pickling (spool, workers)
        return (Span, (self.text, self.offset, self.function))


@_quick_init
@dataclass(frozen=True, slots=True)
class Style:
    """The colloquial layer of one zh line, as the annotator sees it.

    `particles` are sentence-final/discourse particles (啦, 喔, 齁 ...), `interjections` are
    clause-opening ones (「欸，」), `markers` are Taiwan colloquial words (超夯, 傻眼 ...),
    `mainland_terms` are words that are not Taiwan usage (視頻, 軟件 ...). `casual` is the line's
    register score in [0, 1] (`builder.quality.register`: casual from `CASUAL_THRESHOLD` up); it is
    1.0 until the scorer has seen the line, so an unscored line is never kept out as formal.
    `plain` is the line with its colloquial layer taken off (`builder.annotate.plain.plain_version`,
    the prompt of a `casualize` record), filled in by the build's first pass; "" until then.
    `neutral_words` are the colloquial words that plain side mapped to neutral ones
    (`neutral_words_in`), made with it in the first pass; None until then.
    """

    particles: tuple[Span, ...] = ()
    interjections: tuple[Span, ...] = ()
    markers: tuple[Span, ...] = ()
    mainland_terms: tuple[Span, ...] = ()
    length: int = 0
    casual: float = 1.0
    plain: str = ""
    neutral_words: tuple[str, ...] | None = None

    @property
    def particle_count(self) -> int:
        return len(self.particles)

    @property
    def particle_density(self) -> float:
        """Particles per 100 characters of the zh line."""
        return round(100.0 * len(self.particles) / self.length, 4) if self.length else 0.0

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # positional rebuild: much faster than the generic dataclass pickling (spool, workers)
        return (Style, (self.particles, self.interjections, self.markers, self.mainland_terms, self.length,
                        self.casual, self.plain, self.neutral_words))


@_quick_init
@dataclass(frozen=True, slots=True)
class Pair:
    """One formal English line and its casual zh-TW rendering, normalised.

    `id` is a content hash of the normalised texts, so it does not depend on input order and
    stays the same across builds and versions. `license` and `attribution` travel with the pair
    into every record made of it; `meta` holds the row's other columns as JSON object text ("{}"
    when none).
    """

    id: str
    en: str
    zh: str
    source: Source
    converted_simplified: bool = False
    style: Style | None = None
    license: str = ""
    attribution: str = ""
    meta: str = "{}"

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # positional rebuild: much faster than the generic dataclass pickling (spool, workers)
        return (Pair, (self.id, self.en, self.zh, self.source, self.converted_simplified, self.style,
                       self.license, self.attribution, self.meta))


@dataclass(frozen=True, slots=True)
class Example:
    """What a recipe yields: one instruction-tuning example.

    The user turn is `instruction`, followed by a blank line and `input` when `input` is not
    empty; the assistant turn is `output`. `extra` holds the recipe's declared extra fields.
    `synthetic` marks examples whose source side was made by rules rather than written by a person.
    """

    instruction: str
    output: str
    input: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    synthetic: bool = False

    @property
    def user(self) -> str:
        return f"{self.instruction}\n\n{self.input}" if self.input else self.instruction


@dataclass(frozen=True, slots=True)
class Record:
    """One row of the dataset: an example with the ids and provenance the core fills in."""

    id: str
    recipe: str
    recipe_version: str
    pair: Pair
    example: Example
    extra_json: str = "{}"  # `example.extra` as the JSON text stored in the dataset


@dataclass(frozen=True, slots=True)
class SetAside:
    """An input line (or pair) left out of the build, with the reason. Counted in the report."""

    file: str
    line: int
    reason: str
    text: str = ""
    kind: str = "rejected"  # what left it out: unpaired, rejected, filtered or recipe_error
