"""`twcasual inspect`: one self-contained HTML page of what a build made and what it set aside.

`gather` (`gather.py`, with `sample.py`) reads an output folder into a plain data dict,
`render_page` (`page.py`, with `funnel.py`, `marks.py`, `markdown.py`, `assets.py`) turns the dict
into the page (inline CSS, JS and SVG; nothing is fetched from anywhere), and `write_page` puts
the page beside the folder, never inside it, so a release never carries it.
"""

from __future__ import annotations

import os
from pathlib import Path

from builder.errors import ConfigError

__all__ = ["DEFAULT_SAMPLE", "default_page_path", "write_page"]

# Records per config and split. At about 1.2 KB per record on the page, 4 recipes x 3 splits x 200
# keep the page near 3 MB however many pairs the build has (docs/inspect.md).
DEFAULT_SAMPLE = 200


def default_page_path(out: Path) -> Path:
    """OUT.html beside the folder (for `.` or `dist/`, named after the folder itself)."""
    folder = Path(os.path.abspath(out))
    return folder.with_name(folder.name + ".html")


def write_page(out: Path, html: Path | None = None, sample: int = DEFAULT_SAMPLE) -> Path:
    """Write the inspect page of output folder `out` to `html` (default OUT.html); return its path."""
    # Imported here: the command line reads DEFAULT_SAMPLE at start, and this package's modules need pyarrow.
    from builder.output.inspect.gather import check_output, gather
    from builder.output.inspect.page import render_page

    if sample < 0:
        raise ConfigError(f"--sample must be 0 or more, not {sample}")
    check_output(out)
    target = Path(os.path.abspath(html)) if html is not None else default_page_path(out)
    folder = Path(os.path.abspath(out)).resolve()
    if target.resolve() == folder or target.resolve().is_relative_to(folder):
        raise ConfigError(f"{html}: inside the output folder {out}; a release would carry the page: "
                          "write it beside the folder (the default) or elsewhere")
    page = render_page(gather(Path(out), sample))
    # Written whole, then moved into place: a reader never sees half a page.
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"{target}: cannot write the page: {error.strerror}") from None
    return target
