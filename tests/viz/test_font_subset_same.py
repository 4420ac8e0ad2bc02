"""The CJK font subset is byte-identical to what the plain fontTools subsetting gives (#25).

``toolkit.viz.fonts._woff_subset`` keeps its results on disk, so that only a machine's first
process pays for subsetting the 8 MB font. These tests compare its output, made afresh and read
back from the disk cache, with a copy of the original function (``_reference`` below, the code
of ``toolkit/viz/fonts.py`` at d3178e0) for four character sets: the demo reports' text, English
only, rare CJK characters, and characters the font lacks.
"""

from __future__ import annotations

import base64
from pathlib import Path

import matplotlib
import pytest

from toolkit.viz import fonts

FONT = fonts.cjk_font_path()
pytestmark = pytest.mark.skipif(FONT is None, reason="the CJK font package is not installed")
TOOLKIT = Path(fonts.__file__).parents[1]
PRINTABLE = "".join(chr(c) for c in range(32, 127))
#: a small font (matplotlib's own, 0.3 MB) for the tests of the disk cache: whether an entry is
#: reused, made again or keyed apart does not depend on the font, and subsetting it costs a tenth
#: of the 8 MB CJK font's third of a CPU-second (the byte-identity tests keep the CJK font)
SMALL = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _reference(path: str, chars: str) -> str:
    """The original ``_woff_subset`` (d3178e0), kept verbatim as the oracle (but for closing the font
    file, which it left to the garbage collector: a ResourceWarning in whichever test ran then)."""
    import io

    from fontTools import subset

    opts = subset.Options()
    opts.flavor = "woff"
    opts.layout_features = ["*"]
    font = subset.load_font(path, opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    font.close()
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _demo_text() -> str:
    # what a run's reports can show (toolkit.reports.workers.run_font_css reads these same files)
    files = sorted((TOOLKIT / "reports").glob("*.py")) + sorted((TOOLKIT / "reference").glob("*.yaml"))
    return "".join(f.read_text("utf-8") for f in files)


CHARSETS = {
    "demo": lambda: _demo_text(),
    "english": lambda: PRINTABLE,
    "rare-cjk": lambda: PRINTABLE + "龘靐齉爩鱻麤䲜䶮𠀀𪚥囧槑烎",
    "absent": lambda: "A" + "\U0001F600\u0E01\u05D0",  # emoji, Thai, Hebrew: not in Noto Sans SC
}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_FONT_CACHE", str(tmp_path))
    fonts._woff_subset.cache_clear()
    yield tmp_path
    fonts._woff_subset.cache_clear()


@pytest.mark.parametrize("name", list(CHARSETS))
def test_subset_is_byte_identical_made_and_cached(cache, name):
    chars = "".join(sorted(set(CHARSETS[name]())))
    expected = _reference(str(FONT), chars)
    assert base64.b64decode(expected)[:4] == b"wOFF"
    made = fonts._woff_subset(str(FONT), chars)
    assert made == expected
    stored = list(cache.iterdir())
    assert len(stored) == 1 and stored[0].read_text("ascii") == expected
    fonts._woff_subset.cache_clear()  # a new process: read from disk
    assert fonts._woff_subset(str(FONT), chars) == expected


def test_damaged_or_planted_cache_file_is_made_again(cache):
    chars = "".join(sorted(set(PRINTABLE + "产业大脑")))
    expected = _reference(str(SMALL), chars)
    fonts._woff_subset(str(SMALL), chars)
    (stored,) = cache.iterdir()
    for bad in ["", expected[: len(expected) // 2 + 1], expected[: len(expected) // 8 * 4],
                ')</style><script>alert(1)</script>',
                base64.b64encode(b"not a font").decode()]:
        stored.write_text(bad, "ascii")
        fonts._woff_subset.cache_clear()
        assert fonts._woff_subset(str(SMALL), chars) == expected
        assert stored.read_text("ascii") == expected  # and replaced by the good subset


def test_cache_key_follows_characters_and_font_file(cache, tmp_path_factory):
    a = fonts._woff_subset(str(SMALL), "AB")
    b = fonts._woff_subset(str(SMALL), "AC")
    assert a != b and len(list(cache.iterdir())) == 2
    copy = tmp_path_factory.mktemp("font") / SMALL.name  # another file (path, size, time): its own entry
    copy.write_bytes(SMALL.read_bytes())
    assert fonts._woff_subset(str(copy), "AB") == a
    assert len(list(cache.iterdir())) == 3


def test_unwritable_cache_folder_still_gives_the_subset(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TOOLKIT_FONT_CACHE", str(blocker / "sub"))  # cannot be made: a file is in the way
    fonts._woff_subset.cache_clear()
    try:
        assert fonts._woff_subset(str(SMALL), "AB") == _reference(str(SMALL), "AB")
    finally:
        fonts._woff_subset.cache_clear()
