"""The pipeline: `build()`, the build plan, the stages in order, and the bodies of both passes
(plain functions over a batch, run by `builder.engine.executor`)."""

from builder.pipeline.build import BuildResult, build
from builder.pipeline.plan import select_steps

__all__ = ["BuildResult", "build", "select_steps"]
