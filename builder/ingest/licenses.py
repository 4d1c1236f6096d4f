"""Licenses and attribution: what each pair carries, and what the card says about the whole build.

A pair carries its source's license, else the dataset's (`[dataset] license`); its attribution is
its row's attribution column, else its source's attribution line. The card's `license:` is the one
license every record carries, or `other` with a line saying which records carry which; a build that
mixes a ShareAlike license with another says so in one warning line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from builder.ingest.sources import InputSource

__all__ = ["UNDECLARED", "CardLicense", "SourceRow", "card_license", "is_sharealike", "license_for",
           "source_rows"]

_SHAREALIKE = re.compile(r"(?:^|-)sa(?:-|$)")


def license_for(source: InputSource | None, default: str) -> str:
    """The license a pair carries: its source's, else the dataset's."""
    return source.license if source is not None and source.license else default


def is_sharealike(license_id: str) -> bool:
    """Tell whether a license id is a ShareAlike one (cc-by-sa-4.0, cc-by-nc-sa-4.0, ...)."""
    return bool(_SHAREALIKE.search(license_id.lower()))


@dataclass(frozen=True, slots=True)
class CardLicense:
    """The card's `license:` value, a line explaining it when sources differ, and a warning or ""."""

    value: str
    explanation: str = ""
    warning: str = ""


def card_license(licenses: Mapping[str, int] | Iterable[str], default: str) -> CardLicense:
    """Decide the card's license from the records' licenses (with their counts, if known)."""
    counts = dict(licenses) if isinstance(licenses, Mapping) else dict.fromkeys(licenses, 0)
    found = sorted(counts)
    value = found[0] if len(found) == 1 else (default if not found else "other")
    explanation = ""
    if len(found) > 1:
        parts = [f"{lic} ({counts[lic]:,} records)" if counts[lic] else lic for lic in found]
        explanation = (f"Records carry different licenses: {', '.join(parts)}; "
                       "each record's license field says which applies to it.")
    sharealike = [lic for lic in found if is_sharealike(lic)]
    mixed = sorted({*found, default})
    warning = ""
    if sharealike and len(mixed) > 1:
        warning = (f"ShareAlike: this build mixes {', '.join(mixed)} (ShareAlike: {', '.join(sharealike)}; "
                   f"dataset default {default}); a ShareAlike license asks that adaptations carry the same "
                   "license, so check the terms before publishing")
    return CardLicense(value, explanation, warning)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One source of a build as the card lists it: its label, license, attribution line and records."""

    label: str
    license: str
    attribution: str
    files: int
    records: int


UNDECLARED = "inputs without a declared source"


def source_rows(files: Iterable[tuple[InputSource | None, str, int]]) -> list[SourceRow]:
    """Group input files (source, license, records) by their declared source, in build order.

    Files without a declared source form one row, under `UNDECLARED`.
    """
    rows: dict[str, SourceRow] = {}
    for source, licence, records in files:
        label = source.label if source is not None else UNDECLARED
        attribution = source.attribution if source is not None else ""
        row = rows.get(label)
        rows[label] = SourceRow(label, licence, attribution, 1, records) if row is None else \
            SourceRow(label, row.license, row.attribution, row.files + 1, row.records + records)
    return list(rows.values())
