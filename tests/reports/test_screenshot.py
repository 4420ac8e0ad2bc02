"""A real browser shows the reports' Chinese text (headless Chromium; `make browser` installs it)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib import image

from toolkit.reports.screenshot import find_chromium, screenshot
from toolkit.viz.fonts import font_face_css

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (make browser)")
CHARS = "产业大脑"


def _glyph_crops(tmp_path, css: str) -> list[np.ndarray]:
    cells = "".join(f'<div style="position:absolute;left:{20 + 120 * i}px;top:20px;font-size:90px;'
                    f'line-height:100px">{c}</div>' for i, c in enumerate(CHARS))
    page = tmp_path / "glyphs.html"
    page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}'
                    f'body{{margin:0;background:#fff}}</style></head><body>{cells}</body></html>', "utf-8")
    png = screenshot(page, tmp_path / "glyphs.png", width=520, height=160)
    img = image.imread(png)[..., :3].mean(axis=2)
    return [img[20:120, 20 + 120 * i: 120 + 120 * i] for i in range(len(CHARS))]


def test_embedded_font_shows_distinct_chinese_glyphs(tmp_path):
    """Four different characters must draw four different shapes. Missing glyphs (tofu) would
    all draw the same empty box, and missing text would draw nothing at all."""
    crops = _glyph_crops(tmp_path, font_face_css(CHARS))
    for crop in crops:
        assert (crop < 0.5).mean() > 0.03  # ink on the page
    for i in range(len(crops)):
        for j in range(i + 1, len(crops)):
            assert np.abs(crops[i] - crops[j]).mean() > 0.02, (CHARS[i], CHARS[j])
