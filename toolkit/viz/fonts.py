"""A CJK font for the figures, shipped by a PyPI package and registered with matplotlib.

Chinese labels must render on a fresh machine from the project's own install, so the toolkit
assumes no system font and downloads nothing: the font comes from the runtime dependency
``pylopdf-fonts-zh-cn`` (Noto Sans SC Regular, the Simplified-Chinese subset OTF of Google's
``notofonts/noto-cjk``, SIL Open Font License 1.1; ~8 MB file, 17 MB wheel). It covers GB 2312
and far beyond, plus Latin, digits and the typographic minus sign used on axes.

:func:`register_cjk_font` adds the file to matplotlib's font manager and puts its family first
in ``rcParams["font.sans-serif"]`` (the only global state the toolkit's plots touch). It is
idempotent and cheap after the first call; :mod:`toolkit.viz.plots` calls it on first use.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import tempfile
import warnings
from pathlib import Path

__all__ = ["CJK_FONT_PACKAGE", "CJKFontWarning", "cjk_font_path", "register_cjk_font"]

#: The PyPI distribution that carries the font (a runtime dependency of the toolkit).
CJK_FONT_PACKAGE = "pylopdf-fonts-zh-cn"

_registered: dict[str, str] = {}


class CJKFontWarning(UserWarning):
    """The CJK font is not installed: Chinese labels would render as empty boxes."""


def cjk_font_path() -> Path | None:
    """Path of the bundled Noto Sans SC font file, or None when its package is not installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def register_cjk_font(path: str | Path | None = None) -> str | None:
    """Register a CJK font with matplotlib and make it the first sans-serif family.

    Parameters
    ----------
    path : str or Path, optional
        A font file to use instead of the bundled Noto Sans SC.

    Returns
    -------
    str or None
        The family name now first in ``rcParams["font.sans-serif"]`` (e.g. ``"Noto Sans SC"``),
        or None, with a :class:`CJKFontWarning`, when no font file is available.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> name = register_cjk_font()
    >>> name, mpl.rcParams["font.sans-serif"][0] == name
    ('Noto Sans SC', True)
    >>> register_cjk_font() == name  # idempotent
    True
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    path = Path(path) if path is not None else cjk_font_path()
    if path is None or not path.is_file():
        warnings.warn(f"no CJK font found (install {CJK_FONT_PACKAGE}); Chinese labels will not "
                      "render", CJKFontWarning, stacklevel=2)
        return None
    key = str(path.resolve())
    name = _registered.get(key)
    if name is None:
        font_manager.fontManager.addfont(key)
        name = font_manager.FontProperties(fname=key).get_name()
        _registered[key] = name
    families = [f for f in mpl.rcParams["font.sans-serif"] if f != name]
    if mpl.rcParams["font.sans-serif"][:1] != [name]:
        mpl.rcParams["font.sans-serif"] = [name, *families]
    return name


def font_face_css(text: str, family: str = "Noto Sans SC Embedded") -> str:
    """A CSS ``@font-face`` rule embedding the bundled CJK font, subset to ``text``'s characters.

    Reports are HTML files opened anywhere — including machines without a Chinese system font —
    so each run embeds a WOFF subset (tens of kB) as a data: URL; a browser then shows every
    glyph the reports use. Returns "" when the font package is missing. Subsetting the 8 MB font
    takes about a CPU-second, so the subsets made are kept, in the process and on disk
    (``_woff_subset``): pages that use the same characters (the pages of a run, a command run
    again, the next process) embed it again.
    """
    path = cjk_font_path()
    if path is None:
        return ""
    printable = "".join(chr(c) for c in range(32, 127))
    chars = "".join(sorted(set(text + printable + "，。：；（）、·–—…%‰≤≥×√“”‘’《》【】")))
    data = _woff_subset(str(path), chars)
    return (f'@font-face{{font-family:"{family}";src:url(data:font/woff;base64,{data}) format("woff");}}\n'
            f'body,table,th,td,h1,h2,h3,p,div{{font-family:"{family}","Noto Sans SC","Microsoft YaHei",'
            f'"PingFang SC",sans-serif !important}}\n')


def _cache_dir() -> Path:
    """Where subsets are kept between processes: ``TOOLKIT_FONT_CACHE``, else a temporary folder."""
    return Path(os.environ.get("TOOLKIT_FONT_CACHE") or Path(tempfile.gettempdir()) / "toolkit-fonts")


_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


@functools.lru_cache(maxsize=16)
def _woff_subset(path: str, chars: str) -> str:
    """The font file ``path`` subset to the characters ``chars``, as base64 WOFF (zlib, no brotli).

    The same arguments give the same bytes (the subset keeps the font's own timestamps), so the
    result is cached for the process (the 16 latest character sets) and on disk, where the next
    processes read it instead of subsetting again (about half a CPU-second for a run's characters).
    The disk entry is keyed by the SHA-256 of the characters, the font file's path, size and
    modification time and fontTools' version; it is written atomically, and one that is not a
    base64 WOFF file (damaged, or planted in a shared temporary folder) is made again. A folder
    that cannot be written only loses the cache.

    Parameters
    ----------
    path : str
        A TrueType/OpenType font file.
    chars : str
        The characters to keep (order and repeats do not matter; pass them sorted, so that one
        character set is one cache entry).

    Returns
    -------
    str
        Base64 of the WOFF file.
    """
    import fontTools

    from ..publish.files import write_atomic
    from ..publish.guard import InputClash

    st = os.stat(path)
    key = hashlib.sha256("\0".join([fontTools.version, os.path.abspath(path), str(st.st_size),
                                    str(st.st_mtime_ns), chars]).encode("utf-8", "surrogatepass"))
    cached = _cache_dir() / f"{key.hexdigest()[:32]}.woff.b64"
    try:
        data = cached.read_text("ascii")
        woff = base64.b64decode(data, validate=True) if _BASE64.fullmatch(data) else b""
        if woff[:4] == b"wOFF" and int.from_bytes(woff[8:12], "big") == len(woff):  # whole
            return data
    except (OSError, ValueError):
        pass
    data = _make_woff_subset(path, chars)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, lambda tmp: tmp.write_text(data, "ascii"))
    except (OSError, InputClash):  # a read-only folder, or the cache file given as an input: kept in the process
        pass
    return data


def _make_woff_subset(path: str, chars: str) -> str:
    """Subset with fontTools (what :func:`_woff_subset` keeps); the GSUB/GPOS features all kept."""
    import io

    from fontTools import subset

    opts = subset.Options()
    opts.flavor = "woff"  # zlib-compressed; needs no brotli
    opts.layout_features = ["*"]
    font = subset.load_font(path, opts)
    try:
        sub = subset.Subsetter(opts)
        sub.populate(text=chars)
        sub.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, opts)
    finally:  # the font file is closed here, not by a later garbage collection (a ResourceWarning then)
        font.close()
    return base64.b64encode(buf.getvalue()).decode("ascii")
