"""Which column holds English, which holds zh, which holds a per-row attribution, and where the rest go.

A mapping comes from `--columns en=1,zh=2,attribution=3` (1-based positions) or `--columns
en=English,zh=Chinese` (header or field names), or the same as a TOML table. Without one, a header
row (or a Parquet/JSONL field list) is searched for known names; failing that, the first two
columns are en and zh. Every other column goes to the pair's `meta` under its header name, or
`col3`, `col4`, ... when there is no header; a headerless column that reads like a license credit
("CC-BY 2.0 (France) Attribution: ...") is taken as the attribution.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder.errors import ConfigError, InputError
from builder.text.language import has_chinese

__all__ = [
    "ATTRIBUTION_NAMES",
    "EN_NAMES",
    "ZH_NAMES",
    "ColumnPlan",
    "Columns",
    "looks_like_header",
    "meta_text",
    "parse_columns",
    "plan_columns",
    "with_attribution_guess",
]

ROLES = ("en", "zh", "attribution")

# Header names compared after lower-casing and turning "_" and spaces into "-".
EN_NAMES = frozenset({"en", "eng", "english", "source", "src", "en-us", "en-gb", "英文", "英語"})
ZH_NAMES = frozenset(
    {"zh", "cmn", "zho", "chi", "chinese", "mandarin", "target", "tgt", "translation", "zh-tw",
     "zh-hant", "zh-hans", "zh-cn", "cmn-hant", "cmn-hans", "中文", "華語", "國語", "繁中", "譯文"}
)
ATTRIBUTION_NAMES = frozenset({"attribution", "attributions", "credit", "credits"})
_KNOWN = EN_NAMES | ZH_NAMES | ATTRIBUTION_NAMES
_LABEL = re.compile(r"^[^\W\d][\w .()/-]{0,39}$")  # what a column title looks like: short, no sentence


def meta_text(value: Any) -> str:
    """A meta value as text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:  # deeper than json can write: keep the row, say what was lost
        return '"(nested too deep to keep)"'


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


@dataclass(frozen=True, slots=True)
class Columns:
    """Which columns hold en, zh and the per-row attribution: 1-based positions or names."""

    en: int | str
    zh: int | str
    attribution: int | str | None = None

    def __str__(self) -> str:
        roles = [("en", self.en), ("zh", self.zh), ("attribution", self.attribution)]
        return ",".join(f"{role}={value}" for role, value in roles if value is not None)

    @property
    def uses_positions(self) -> bool:
        """Tell whether any role is given by position."""
        return any(isinstance(v, int) for v in (self.en, self.zh, self.attribution))


def parse_columns(value: str | Mapping[str, Any], where: str = "--columns") -> Columns:
    """Check and convert a column mapping (`en=1,zh=2` or a TOML table); errors are one line."""
    if isinstance(value, str):
        items: list[tuple[str, Any]] = []
        for part in filter(None, (p.strip() for p in value.split(","))):
            role, sep, column = part.partition("=")
            if not sep:
                raise ConfigError(f"{where}: {part!r} is not ROLE=COLUMN (like en=1,zh=2 or en=English)")
            items.append((role.strip(), column.strip()))
    elif isinstance(value, Mapping):
        items = list(value.items())
    else:
        raise ConfigError(f"{where}: expected a table like {{en = 1, zh = 2}}, not {value!r}")
    found: dict[str, int | str] = {}
    for role, column in items:
        if role not in ROLES:
            raise ConfigError(f"{where}: unknown role {role!r} (use en, zh, attribution)")
        if role in found:
            raise ConfigError(f"{where}: {role} is given twice")
        found[role] = _column(where, role, column)
    for role in ("en", "zh"):
        if role not in found:
            raise ConfigError(f"{where}: {role} is missing (like en=1,zh=2 or en=English,zh=Chinese)")
    values = list(found.values())
    for role, column in found.items():
        if values.count(column) > 1:
            raise ConfigError(f"{where}: column {column!r} is given to more than one role ({role} and another)")
    return Columns(found["en"], found["zh"], found.get("attribution"))


def _column(where: str, role: str, column: Any) -> int | str:
    if isinstance(column, str) and column.strip().isdigit():
        column = int(column)
    if isinstance(column, bool) or not isinstance(column, int | str):
        raise ConfigError(f"{where}: {role} must be a position (1, 2, ...) or a column name, not {column!r}")
    if isinstance(column, int) and column < 1:
        raise ConfigError(f"{where}: {role}={column}: positions start at 1")
    if isinstance(column, str) and not column.strip():
        raise ConfigError(f"{where}: {role} has an empty column name")
    return column.strip() if isinstance(column, str) else column


def looks_like_header(cells: Sequence[str]) -> bool:
    """Tell whether a first row names its columns rather than holding a sentence pair."""
    if any(_key(cell) in _KNOWN for cell in cells):
        return True
    # A real pair has Chinese in it; a header row of titles ("Sentence", "Translation") has none,
    # and every cell is a short label, not a sentence ending in . ! ?
    texts = [cell.strip() for cell in cells if cell.strip()]
    return (len(texts) >= 2 and not any(has_chinese(t) for t in texts)
            and all(_LABEL.match(t) and t[-1] not in ".!?" for t in texts))


_ATTRIBUTION_TEXT = re.compile(r"\b(?:attribution|cc[- ]by|creative commons|licen[cs]ed?)\b", re.IGNORECASE)


def with_attribution_guess(plan: ColumnPlan, cells: Sequence[str]) -> ColumnPlan:
    """On a headerless file read by default, take a later column that reads like a license credit as attribution."""
    if plan.how != "default" or plan.attribution is not None:
        return plan
    for index in range(2, len(cells)):
        if _ATTRIBUTION_TEXT.search(cells[index]):
            return ColumnPlan(plan.en, plan.zh, index, plan.names, "default; attribution recognised by its text")
    return plan


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """A mapping resolved for one file: 0-based indexes of en, zh, attribution, and all column names."""

    en: int
    zh: int
    attribution: int | None
    names: tuple[str, ...]
    how: str  # "header", "mapping", "guessed from names" or "default": said in the file's stats

    @property
    def simple(self) -> bool:
        """Tell whether rows of exactly two cells are (en, zh) with nothing else to keep."""
        return self.en == 0 and self.zh == 1 and self.attribution is None

    @property
    def needed(self) -> int:
        """The fewest cells a row must have."""
        return max(i for i in (self.en, self.zh, self.attribution) if i is not None) + 1

    def name(self, index: int) -> str:
        """The meta key of a column: its name, or col3, col4, ... without one."""
        return self.names[index] if index < len(self.names) and self.names[index] else f"col{index + 1}"

    def describe(self) -> str:
        """Say in a few words which columns were read as what, for the report."""
        roles = [("en", self.en), ("zh", self.zh), ("attribution", self.attribution)]
        text = ", ".join(f"{role}={self.name(i)}" for role, i in roles if i is not None)
        return f"{text} ({self.how})"

    def meta(self, cells: Sequence[Any]) -> dict[str, Any] | None:
        """The cells of the other columns, by column name; None when there are none."""
        used = (self.en, self.zh, self.attribution)
        extra = {self.name(i): cell for i, cell in enumerate(cells) if i not in used}
        return extra or None


def plan_columns(columns: Columns | None, names: Sequence[str] | None, file: str) -> ColumnPlan:
    """Resolve a mapping (or the defaults) against a file's column names; None: no header."""
    if columns is not None:
        found = [_index(columns.en, names, file), _index(columns.zh, names, file)]
        attribution = None if columns.attribution is None else _index(columns.attribution, names, file)
        return ColumnPlan(found[0], found[1], attribution, tuple(names or ()), "mapping")
    if not names:
        return ColumnPlan(0, 1, None, (), "default")
    keys = [_key(n) for n in names]
    en = _find(keys, "en", EN_NAMES, None)
    zh = _find(keys, "zh", ZH_NAMES, en)
    attribution = _find(keys, "attribution", ATTRIBUTION_NAMES, None)
    how = "guessed from names" if en is not None or zh is not None else "default"
    free = (i for i in range(len(names) + 2) if i not in (en, zh, attribution))
    en = next(free) if en is None else en
    zh = next(free) if zh is None else zh
    return ColumnPlan(en, zh, attribution, tuple(names), how)


def _find(keys: list[str], exact: str, names: frozenset[str], taken: int | None) -> int | None:
    """The column named exactly `exact`, else the first with one of `names` (not `taken`)."""
    if exact in keys:
        return keys.index(exact)
    return next((i for i, k in enumerate(keys) if k in names and i != taken), None)


def _index(column: int | str, names: Sequence[str] | None, file: str) -> int:
    if isinstance(column, int):
        return column - 1
    if not names:
        raise InputError(f"{file}: columns name {column!r} but the file has no header row or field names")
    if column in names:
        return list(names).index(column)
    folded = [n.strip().casefold() for n in names]
    if column.casefold() in folded:
        return folded.index(column.casefold())
    listed = ", ".join(repr(n) for n in names[:12])
    raise InputError(f"{file}: no column {column!r}; the columns are {listed}")
