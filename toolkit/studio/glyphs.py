"""The studio's embedded font: a subset of the bundled CJK font to every character it may show.

A served studio page is opened on machines without a Chinese system font, so it carries the
glyphs itself, as the reports do (:func:`toolkit.viz.fonts.font_face_css`). Subsetting the font
takes seconds, and every visitor's kernel would repeat it; the subset is memoised in the process
and kept on disk (in the system's temporary folder, by the SHA-256 of the characters), so only the
first kernel of a server pays for it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

__all__ = ["FAMILY", "font_face", "font_style"]

FAMILY = "Noto Sans SC Embedded"


def _cache_dir() -> Path:
    return Path(os.environ.get("TOOLKIT_FONT_CACHE") or Path(tempfile.gettempdir()) / "toolkit-studio-fonts")


@lru_cache(maxsize=8)
def font_face(text: str) -> str:
    """The ``@font-face`` CSS of the bundled CJK font subset to ``text`` ("" without the font).

    Read from the disk cache when a kernel made it before; else subset, then stored atomically
    (written to a temporary file, then renamed), so a kernel never reads half a file.
    """
    from ..viz.fonts import font_face_css

    key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    cached = _cache_dir() / f"{key}.css"
    try:
        return cached.read_text("utf-8")
    except OSError:
        pass
    css = font_face_css(text, family=FAMILY)
    if css:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(css)
            os.replace(tmp, cached)
        except OSError:  # a read-only temporary folder: the subset is only memoised
            pass
    return css


def font_style(text: str) -> str:
    """A ``<style>`` with the font subset to ``text`` and the rule that makes the widgets' text,
    labels, selectors and SVG use it ("" without the font).

    Examples
    --------
    >>> style = font_style("权重")  # doctest: +SKIP
    >>> style.startswith("<style>@font-face")  # doctest: +SKIP
    True
    """
    css = font_face("".join(sorted(set(text))))
    if not css:
        return ""
    return (f"<style>{css}.widget-html-content,.widget-label,.widget-dropdown select,.widget-readout,"
            f".jupyter-button,.widget-text input,svg text{{font-family:'{FAMILY}','Noto Sans SC',sans-serif}}</style>")
