"""Serve the studio notebook as a web app with Voilà on localhost (``make studio``).

Voilà runs ``notebooks/06_weighting_studio.ipynb`` in a kernel per visitor and shows its outputs
and widgets only — no code cells, no Markdown — so officials can use the studio in a browser
without Jupyter. It listens on 127.0.0.1 only.

* ``--data`` and ``--spec`` choose the framework the page shows (default the notebook's: the
  Shandong demo); the visitor chooses the language with ``?lang=en`` or ``?lang=zh``.
* ``--framework NAME DATA SPEC`` (repeated) serves several frameworks from one server, each at
  its own address (:func:`page_path`: ``/voila/render/NAME.ipynb``), each with its own
  pre-executed kernel (:func:`write_site`).
* One kernel is kept pre-executed up to the visitor's language (:mod:`toolkit.studio.page`), so a
  visitor waits for the studio's widgets only, not for the imports, the data and the index.
* The page makes no request outside the server (:func:`write_template`) and says what is
  loading in the page's language.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["NOTEBOOK", "CULL_IDLE_SECONDS", "SERVER_SKIPS", "voila_command", "server_options", "server_env", "write_template",
           "write_site", "page_path", "running", "free_port", "main"]

NOTEBOOK = Path("notebooks") / "06_weighting_studio.ipynb"
TEMPLATE = "studio"

#: seconds a visitor's kernel may sit idle (its tab closed) before the server shuts it down
CULL_IDLE_SECONDS = 120

#: modules the Voilà server would import for nothing it does, refused when it starts
#: (``sys.modules[name] = None``, Python's documented way of making an import fail):
#: ``rfc3987_syntax`` is jsonschema's optional checker of the ``iri`` format, which compiles a Lark
#: grammar as it is imported — about a CPU-second at every start of the server (python-jsonschema
#: issue 1428) — for a format that no schema of the Jupyter server's (its events') uses
SERVER_SKIPS = ("rfc3987_syntax",)


def voila_command(port: int = 8866, notebook: str | Path | None = None, root: str | Path | None = None,
                  pool: int = 1, **options) -> list[str]:
    """The Voilà command line that serves the studio on ``127.0.0.1:port`` (``options`` go to
    :func:`server_options`); run it with :func:`server_env`'s environment. It is ``python -m voila``
    with the imports of :data:`SERVER_SKIPS` refused.

    Examples
    --------
    >>> voila_command(9000)[4:7], voila_command(9000)[-1]
    (['--no-browser', '--port=9000', '--Voila.ip=127.0.0.1'], '--show_tracebacks=False')
    """
    from ..notebooks import repo_root

    root = Path(root) if root is not None else repo_root()
    nb = Path(notebook) if notebook is not None else root / NOTEBOOK
    preheat = ["--preheat_kernel=True", f"--pool_size={int(pool)}"] if pool > 0 else []
    start = f"import sys; sys.modules.update(dict.fromkeys({SERVER_SKIPS!r})); from voila.app import main; main()"
    return [sys.executable, "-c", start, str(nb), "--no-browser", f"--port={int(port)}", "--Voila.ip=127.0.0.1",
            f"--template={TEMPLATE}", *preheat, *server_options(**options), "--show_tracebacks=False"]


def server_options(cull_idle: int = CULL_IDLE_SECONDS, interval: int | None = None) -> list[str]:
    """The Voilà options that keep a long-running studio server small and its log quiet.

    * Each visit starts a kernel of a few hundred MB; a kernel idle for ``cull_idle`` seconds
      with no browser connected is shut down (checked every ``interval`` seconds), so the
      server's memory follows the visitors who are there, not every visit since it started.
      The pre-executed kernel is not idle (it is waiting for its visitor), so it is kept.
    * The log shows errors only: a kernel started or culled, an unsigned notebook, are expected.
    * Kernels talk over IPC (Unix sockets beside each kernel's connection file) where the platform
      has them: no TCP port, no "running over TCP without encryption" warning on each visit.

    Examples
    --------
    >>> server_options(60)[1:4]
    ['--MappingKernelManager.cull_idle_timeout=60', '--MappingKernelManager.cull_interval=20', \
'--MappingKernelManager.cull_connected=False']
    """
    from ..reports.render import ipc_supported

    interval = interval or max(1, cull_idle // 3)
    out = ["--Voila.log_level=ERROR",  # each visit's expected events (kernel started, culled, an
           # unsigned notebook) are not news; errors still are
           f"--MappingKernelManager.cull_idle_timeout={int(cull_idle)}",
           f"--MappingKernelManager.cull_interval={int(interval)}", "--MappingKernelManager.cull_connected=False"]
    if ipc_supported():  # each kernel's sockets are named after its own connection file: two kernels
        # started at once (the waiting one and a visitor's) never share a socket
        out += ["--KernelManager.transport=ipc"]
    return out


def write_template(folder: str | Path) -> Path:
    """Write the studio's Voilà template under ``folder`` (a Jupyter data folder:
    ``voila/templates/studio``), with its progress words in both languages and the glyphs of the
    Chinese ones embedded (the page's own font comes later, with the kernel's output)."""
    from ..viz.fonts import font_face_css
    from .words import say

    words = {lang: {"loading": say("loading", lang), "title": say("title", lang)} for lang in ("zh", "en")}
    words["default"] = "zh"
    text = "".join(w["loading"] + w["title"] for lang, w in words.items() if lang != "default")
    font = font_face_css(text, family="Studio Loading").split("\n")[0]  # the @font-face rule alone
    source = (Path(__file__).parent / "voila" / "index.html.j2").read_text("utf-8")
    page = source.replace("/*STUDIO_FONT*/", font).replace("/*STUDIO_WORDS*/", json.dumps(words, ensure_ascii=False))
    out = Path(folder) / "voila" / "templates" / TEMPLATE
    out.mkdir(parents=True, exist_ok=True)
    (out / "conf.json").write_text(json.dumps({"base_template": "lab"}), "utf-8")
    (out / "index.html.j2").write_text(page, "utf-8")
    return out


def page_path(name: str) -> str:
    """The address of framework ``name``'s page on a server of several (:func:`write_site`),
    relative to the server's root.

    Examples
    --------
    >>> page_path("hdi")
    'voila/render/hdi.ipynb'
    """
    return f"voila/render/{name}.ipynb"


def write_site(folder: str | Path, frameworks: Mapping[str, tuple], root: str | Path | None = None) -> Path:
    """Write the pages of a server of several frameworks into ``folder``: for each
    ``name: (data, spec)``, ``name.ipynb``, the studio notebook with the framework's paths
    (absolute) set in its parameters cell, as papermill would. Voilà serves the folder, each page
    at :func:`page_path` with its own pool of pre-executed kernels; a page names its framework
    itself, so every kernel of it (pre-executed or not) shows that framework. Returns ``folder``.

    Raises ``ValueError`` for a name that is not a plain file name (letters, digits, ``_``, ``-``)
    or a data or specification file that is not there (relative paths are taken from the working
    directory, as ``--data`` and ``--spec`` are).
    """
    from ..notebooks import repo_root

    root = Path(root) if root is not None else repo_root()
    notebook = json.loads((root / NOTEBOOK).read_text("utf-8"))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (data, spec) in frameworks.items():
        if not re.fullmatch(r"[A-Za-z0-9_-]+", str(name)):
            raise ValueError(f"studio server: framework name {name!r} is not letters, digits, '_' or '-'")
        paths = {"data_path": Path(data).resolve(), "spec_path": Path(spec).resolve()}
        for what, path in paths.items():
            if not path.is_file():
                raise ValueError(f"studio server: framework {name!r}: no file {path} ({what.split('_')[0]})")
        page = copy.deepcopy(notebook)
        cell = next(c for c in page["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
        cell["source"] = "".join(cell["source"]).rstrip("\n") + "\n# this page's framework (toolkit.studio.serve)\n" + \
            "".join(f"{k} = {str(v)!r}\n" for k, v in paths.items())
        (folder / f"{name}.ipynb").write_text(json.dumps(page, ensure_ascii=False, indent=1), "utf-8")
    return folder


def server_env(root: str | Path | None = None, data: str | Path | None = None, spec: str | Path | None = None,
               template_folder: str | Path | None = None) -> dict:
    """The environment of the server (and so of its kernels): the repository on ``PYTHONPATH``,
    the template on ``JUPYTER_PATH`` (written by :func:`write_template` into
    ``template_folder``, default a new temporary folder), the framework's data and
    specification for :func:`toolkit.studio.page.framework_paths`, and the kernels' cache
    (:data:`toolkit.studio.page.ENV_CACHE`: ``cache`` in the same folder, gone with it)."""
    from ..notebooks import repo_root
    from .page import ENV_CACHE, ENV_DATA, ENV_SPEC

    root = Path(root) if root is not None else repo_root()
    folder = Path(template_folder) if template_folder is not None else Path(tempfile.mkdtemp(prefix="studio-voila-"))
    write_template(folder)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
           "JUPYTER_PATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("JUPYTER_PATH")])),
           ENV_CACHE: str(folder / "cache")}
    for name, value in ((ENV_DATA, data), (ENV_SPEC, spec)):
        if value is not None:
            env[name] = str(Path(value).resolve())
        else:  # not one of the shell's: the notebook's (or, on a server of several, each page's)
            env.pop(name, None)
    return env


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(data=None, spec=None, *, frameworks: Mapping[str, tuple] | None = None, port: int | None = None,
            root=None, notebook=None, log=None, timeout: float = 120, pool: int = 1, **options):
    """A studio server for the time of a ``with`` block (tests, benchmarks): yields its
    ``(url, process)`` once it answers, and stops it after.

    ``frameworks`` (``name: (data, spec)``, instead of ``data`` and ``spec``) serves each at
    ``url + page_path(name)`` (:func:`write_site`). ``log`` is a file to write the server's output
    to (default: discarded); ``options`` go to :func:`server_options` (``cull_idle``, ``interval``).
    """
    import time
    import urllib.request

    from ..notebooks import repo_root

    root = Path(root) if root is not None else repo_root()
    port = port or free_port()
    out = open(log, "w") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - closed below
    with tempfile.TemporaryDirectory(prefix="studio-voila-") as folder:
        env = server_env(root, data, spec, template_folder=folder)
        if frameworks:
            if data is not None or spec is not None or notebook is not None:
                raise ValueError("studio server: frameworks, or data and spec (and notebook), not both")
            notebook = write_site(Path(folder) / "site", frameworks, root)
        proc = subprocess.Popen(voila_command(port, notebook=notebook, root=root, pool=pool, **options), cwd=root,
                                env=env, stdout=out, stderr=out)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(url + "voila/static/voila.js", timeout=2)  # noqa: S310 - localhost
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the studio server did not start within {timeout:.0f} s") from None
                    time.sleep(0.25)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if log is not None:
                out.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.studio.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--data", help="the return or data file the studio shows (default: the demo)")
    parser.add_argument("--spec", help="its specification (default: configs/default.yaml)")
    parser.add_argument("--framework", nargs=3, action="append", metavar=("NAME", "DATA", "SPEC"),
                        help="serve this framework at /voila/render/NAME.ipynb (repeat for several)")
    args = parser.parse_args(argv)
    if args.framework and (args.data or args.spec):
        parser.error("--framework, or --data and --spec, not both")
    from ..notebooks import repo_root

    root = repo_root()
    with tempfile.TemporaryDirectory(prefix="studio-voila-") as folder:  # the template and the kernels' cache
        env = server_env(root, args.data, args.spec, template_folder=folder)
        url = f"http://127.0.0.1:{args.port}/"
        notebook = None
        if args.framework:
            try:
                notebook = write_site(Path(folder) / "site", {n: (d, s) for n, d, s in args.framework}, root)
            except ValueError as exc:
                parser.error(str(exc))
            for name, *_ in args.framework:
                print(f"weighting studio, {name}: {url}{page_path(name)}")
        else:
            print(f"weighting studio: {url}")
        print("(?lang=en for English; Ctrl-C to stop)")
        return subprocess.call(voila_command(args.port, notebook=notebook, root=root), cwd=root, env=env)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
