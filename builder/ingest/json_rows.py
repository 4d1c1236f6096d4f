"""JSONL lines -> pairs: which fields are en, zh and attribution, and the rest as meta.

Fields are found like a header's columns: by the mapping's names, else by known names (en, zh,
english, chinese, ...), else the first two fields whose values are text. Positions mean nothing in
a JSON object, so a mapping by position is refused. Non-text values of other fields go to meta as
JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from builder.errors import ConfigError
from builder.ingest.columns import ColumnPlan, meta_text, plan_columns
from builder.ingest.inputs import FileStats, InputFile, check_pair, set_aside
from builder.types import RawPair, SetAside

__all__ = ["JsonRows", "read_jsonl"]

Decoded = Iterator[tuple[int, "str | SetAside"]]


def read_jsonl(decoded: Decoded, f: InputFile, stats: FileStats) -> Iterator[RawPair | SetAside]:
    """Parse each decoded line as one JSON object and make its pair."""
    rows = JsonRows(f, stats)
    for number, text in decoded:
        if isinstance(text, SetAside):
            yield text
            continue
        try:
            value = json.loads(text)
        except ValueError:
            yield set_aside(f.name, number, "invalid_json", text)
            continue
        except RecursionError:  # json nests by recursion: 100,000 brackets must not crash the build
            yield set_aside(f.name, number, "json_too_deep", text)
            continue
        yield rows.item(number, value, text)


class JsonRows:
    """Turn parsed JSONL values into pairs; decides the field plan on the first usable object."""

    def __init__(self, f: InputFile, stats: FileStats) -> None:
        if f.columns is not None and f.columns.uses_positions:
            raise ConfigError(f"{f.name}: JSONL fields need names in the column mapping ({f.columns}), "
                              "not positions")
        self.f, self.stats = f, stats
        self.plan: ColumnPlan | None = None
        self.keys: tuple[str, ...] = ()

    def item(self, number: int, value: object, text: str) -> RawPair | SetAside:
        """The pair (or set-aside line) of one parsed line."""
        name = self.f.name
        if not isinstance(value, dict):
            return set_aside(name, number, "invalid_json", text)
        if self.plan is None:
            self._plan(value)
        plan = self.plan
        if plan is None:
            return set_aside(name, number, "missing_field", text)
        en, zh = value.get(self.keys[plan.en]), value.get(self.keys[plan.zh])
        row = f"{en}\t{zh}"
        if not isinstance(en, str) or not isinstance(zh, str):
            return set_aside(name, number, "missing_field", row)
        used = {self.keys[plan.en], self.keys[plan.zh]}
        attribution = ""
        if plan.attribution is not None:
            key = self.keys[plan.attribution]
            used.add(key)
            attribution = meta_text(value.get(key, "")).strip()
        meta = {k: meta_text(v) for k, v in value.items() if k not in used} if len(value) > len(used) else None
        return check_pair(self.f, number, en.strip(), zh.strip(), row, self.stats, meta, attribution)

    def _plan(self, value: dict[str, Any]) -> None:
        keys = list(value)
        plan = plan_columns(self.f.columns, keys, self.f.name)
        if plan.how == "default":  # no known names: the first two fields that hold text
            texts = [k for k, v in value.items() if isinstance(v, str)]
            if len(texts) < 2:
                return
            plan = ColumnPlan(keys.index(texts[0]), keys.index(texts[1]), None, tuple(keys),
                              "first two text fields")
        if max(plan.en, plan.zh) >= len(keys):
            return
        self.plan, self.keys = plan, tuple(keys)
        self.stats.columns = plan.describe()
