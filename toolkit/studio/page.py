"""The studio as a served page (Voilà, ``make studio``): its framework, its language, its words.

Notebook 06 is both a research notebook (JupyterLab, papermill, nbval) and the page the studio
server shows. Served, it differs in three ways, all decided here:

* **the framework** is the server's (``python -m toolkit.studio.serve --data … --spec …`` puts
  the paths in :data:`ENV_DATA` and :data:`ENV_SPEC`, which every kernel inherits), read and
  checked once per server (:func:`load`: the server's later kernels load the checked copy);
* **the language** is the visitor's: ``?lang=en`` or ``?lang=zh`` in the address, else the
  notebook's ``lang``. The server pre-executes the notebook in a waiting kernel up to
  :func:`language` (the data read, the nominal index built, the font subset, the studio made in
  each language: :func:`studio`), which then waits for the visitor's request;
* **the page is the studio alone**: the template shows no Markdown (the narrative comes from
  :mod:`toolkit.studio.words` in the page's language), and the research sections (SMAA,
  selection) are skipped (:func:`served`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

__all__ = ["ENV_DATA", "ENV_SPEC", "ENV_CACHE", "LANGUAGES", "served", "framework_paths", "load", "kept",
           "language", "wait_for_request", "studio", "intro", "paragraph"]

ENV_DATA, ENV_SPEC = "TOOLKIT_STUDIO_DATA", "TOOLKIT_STUDIO_SPEC"
#: a folder the studio server makes for its kernels (and removes when it stops): what one kernel
#: prepared before its visitor came, the next kernels load instead of preparing it again
ENV_CACHE = "TOOLKIT_STUDIO_CACHE"
LANGUAGES = ("zh", "en")


def served() -> bool:
    """True in a kernel the studio server started (Voilà sets ``VOILA_PREHEAT`` in every kernel
    it starts: ``True`` for one pre-executed before its visitor comes, else ``False``)."""
    return "VOILA_PREHEAT" in os.environ


def framework_paths(data_path, spec_path) -> tuple:
    """The data and specification a page shows: the server's (:data:`ENV_DATA`, :data:`ENV_SPEC`)
    when served, else the notebook's parameters.

    Examples
    --------
    >>> framework_paths("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")  # doctest: +SKIP
    ('data/raw/demo_synthetic_returns.csv', 'configs/default.yaml')
    """
    if not served():
        return data_path, spec_path
    return os.environ.get(ENV_DATA) or data_path, os.environ.get(ENV_SPEC) or spec_path


def load(data_path, spec_path) -> tuple:
    """The page's return and specification, read and checked: ``(IndicatorData, IndexSpec)`` of
    :func:`toolkit.notebooks.load` on :func:`framework_paths`.

    Served, every visitor's kernel would read and check the same files again (about a third of a
    CPU-second each); the server's first kernel keeps the checked pair (:func:`kept`) and the
    later ones load it. The pair is kept under the SHA-256 of both files' bytes, so a file changed
    while the server runs is read and checked afresh.
    """
    from ..repo_paths import resolve

    data_path, spec_path = framework_paths(data_path, spec_path)

    def read():
        from ..notebooks import load as read_and_check

        return read_and_check(data_path, spec_path)

    if not _cache_folder():
        return read()
    files = [resolve(data_path), resolve(spec_path)]
    try:
        key = ("load", *((str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files))
    except OSError:  # a missing file: the reader says which, and why
        return read()
    return kept(key, read)


def _cache_folder() -> Path | None:
    folder = os.environ.get(ENV_CACHE) if served() else None
    return Path(folder) if folder else None


def kept(key: tuple, make):
    """``make()``, kept in the server's cache folder (:data:`ENV_CACHE`) under ``key`` when served:
    the server's first kernel makes it and stores it (atomically: written to a temporary file,
    then renamed, so a kernel never reads half of it), the later kernels load it. Outside a
    served kernel, or without a cache folder, ``make()``.

    The folder is the server's own (made and removed by :func:`toolkit.studio.serve.server_env`'s
    caller, readable by its user only), so what it holds was written by this server's kernels.
    """
    folder = _cache_folder()
    if folder is None:
        return make()
    path = folder / f"{hashlib.sha256(repr(key).encode('utf-8')).hexdigest()[:32]}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - written by this server's own kernels
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):  # none yet, or unreadable
        pass
    value = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):  # kept for no one: this kernel has its value all the same
        pass
    return value


def language(default: str = "zh") -> str:
    """The page's language: the visitor's ``?lang=`` when served, else ``default``.

    In a kernel the server pre-executed, this waits for the visitor's request
    (:func:`wait_for_request`: the cells above ran before anyone came; the cells below run for them).
    """
    if not served():
        return default
    if os.environ.get("VOILA_PREHEAT") == "True" and not os.environ.get("QUERY_STRING"):
        wait_for_request()
    asked = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [default])[0]
    return asked if asked in LANGUAGES else default


def wait_for_request() -> None:
    """Wait for the visitor of a pre-executed kernel, then put their request's variables
    (``QUERY_STRING`` …) into the environment.

    This is what Voilà 0.5's ``voila.utils.wait_for_request`` does — the same environment
    variables, the same address (``voila/query/<kernel id>`` on the server, which sends the request
    as a JSON object once the visitor comes), the same warning if the server cannot be reached —
    without importing :mod:`voila`: its package imports the whole Jupyter server (down to a URI
    grammar that ``jsonschema`` compiles on import), about 2 CPU-seconds and 45 MB in every
    visitor's kernel. ``tests/studio/test_voila.py`` checks both ask the same address.
    """
    import asyncio
    import json
    import threading
    import warnings

    import websockets

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID')}")
    got: list[str] = []

    async def receive():
        try:
            async with websockets.connect(url, open_timeout=5) as socket:
                got.append(await socket.recv())
        except (TimeoutError, ConnectionRefusedError):
            warnings.warn(f"Failed to connect to {url}", stacklevel=1)

    # the kernel's own event loop is running: the request is awaited in a thread with its own
    thread = threading.Thread(target=asyncio.run, args=(receive(),))
    thread.start()
    thread.join()
    for name, value in (json.loads(got[0]).items() if got else ()):
        env[name] = value


def studio(data, spec, *, year=None, top_n: int = 10, lang: str = "zh", save_path: str = "configs/studio.yaml"):
    """The page's studio in the page's language (:func:`language`), made before the visitor comes.

    In a notebook this is ``Studio(…, lang=lang)``. Served, everything a visitor would wait for
    is made in the pre-executed kernel before they come: the model with the nominal index (the
    server's first kernel builds it, the later ones load it: :func:`kept`), the font subset, and
    the studio in each language; once the visitor's language is known, the
    studios in the other languages are closed (their widgets never reach the page). The font is
    then carried by the page (:func:`intro`), not by the widget.
    """
    from .app import Studio, studio_text
    from .glyphs import font_style
    from .model import StudioModel

    if not served():
        model = StudioModel(data, spec, year=year, top_n=top_n)
        return Studio(data, spec, year=year, top_n=top_n, save_path=save_path, lang=lang, model=model)
    # the nominal index and the studio's first evaluation, as the server's first kernel made them
    model = kept(("model", data.sha256, spec.sha256, year, top_n), lambda: _evaluated(data, spec, year, top_n))
    font_style(studio_text(model))
    made = {code: Studio(data, spec, year=year, top_n=top_n, save_path=save_path, lang=code, model=model,
                         embed_font=False) for code in LANGUAGES}
    lang = language(lang)
    for code, other in made.items():
        if code != lang:
            _close(other.widget)
    return made[lang]


def _evaluated(data, spec, year, top_n):
    """A studio model with its nominal choices evaluated (what a new studio shows first)."""
    from .model import StudioModel

    model = StudioModel(data, spec, year=year, top_n=top_n)
    model.evaluate()
    return model


def _close(widget) -> None:
    """Close a widget and every widget it holds (children, layout, style): its comms go, so the
    page's widget manager never fetches them."""
    from ipywidgets import Widget

    for name in widget.keys:
        value = getattr(widget, name, None)
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, Widget) and item is not widget:
                _close(item)
    widget.close()


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def intro(studio):
    """The page's opening paragraph in ``lang``, a progress line in ``lang`` shown until the
    studio's widgets are drawn (a served page loads them after its text) and, served, the font
    subset to every character the studio may show (:func:`toolkit.studio.app.studio_text`), so
    that the progress line is drawn too (in a notebook the studio's widget carries the font; a
    stored notebook keeps no font)."""
    from .app import studio_text
    from .glyphs import font_style
    from .words import say

    model, lang = studio.model, studio.lang
    fw = model.framework
    dim = fw.words(lang)["dim"]
    loading = escape(say("loading", lang))
    return _html(
        (font_style(studio_text(model)) if served() else "") +
        "<style>body:has(.toolkit-studio) .studio-loading{display:none}"
        ".studio-loading{font-size:16px;color:#1c4a8a;margin:8px 0}</style>"
        f"<p class='studio-intro'>{escape(say('intro', lang, dim=dim))}</p>"
        f"<p class='studio-loading' role='status'>{loading}</p>")


def paragraph(key: str, fw, lang: str):
    """One of the narrative paragraphs of :mod:`toolkit.studio.words` in ``lang``."""
    from .words import say

    return _html(f"<p>{escape(say(key, lang, dim=fw.words(lang)['dim']))}</p>")
