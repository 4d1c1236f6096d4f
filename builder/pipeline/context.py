"""What every batch body of a build needs, made once per build and given to each worker process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from builder.annotate import Annotator
from builder.contract.apply import Step
from builder.dedup.settings import DedupSettings
from builder.engine.cache import BuildCache
from builder.quality.filter_settings import FilterSettings
from builder.text.normalize import Normalizer

__all__ = ["PassContext"]


@dataclass
class PassContext:
    """The tools of both passes: one normaliser (one OpenCC converter per process), the annotator,
    the recipe steps with their cache keys, the dedup settings and the bitext filters' settings."""

    normalizer: Normalizer
    annotator: Annotator
    steps: Sequence[Step]
    step_keys: Sequence[str]
    skip_errors: bool
    dedup: DedupSettings
    cache: BuildCache
    filters: FilterSettings = FilterSettings()
