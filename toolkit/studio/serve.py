"""Serve the studio notebook as a web app with Voilà on localhost (``make studio``).

Voilà runs ``notebooks/06_weighting_studio.ipynb`` in a kernel per visitor and shows its outputs
and widgets only — no code cells — so officials can use the studio in a browser without
Jupyter. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["NOTEBOOK", "voila_command", "main"]

NOTEBOOK = Path("notebooks") / "06_weighting_studio.ipynb"


def voila_command(port: int = 8866, notebook: str | Path | None = None, root: str | Path | None = None) -> list[str]:
    """The Voilà command line that serves the studio on ``127.0.0.1:port``.

    Examples
    --------
    >>> voila_command(9000)[4:7], voila_command(9000)[-1]
    (['--no-browser', '--port=9000', '--Voila.ip=127.0.0.1'], '--show_tracebacks=False')
    """
    from ..notebooks import repo_root

    root = Path(root) if root is not None else repo_root()
    nb = Path(notebook) if notebook is not None else root / NOTEBOOK
    return [sys.executable, "-m", "voila", str(nb), "--no-browser", f"--port={int(port)}", "--Voila.ip=127.0.0.1",
            *server_options(), "--show_tracebacks=False"]


#: seconds a visitor's kernel may sit idle (its tab closed) before the server shuts it down
CULL_IDLE_SECONDS = 120


def server_options(cull_idle: int = CULL_IDLE_SECONDS, interval: int | None = None) -> list[str]:
    """The Voilà options that keep a long-running studio server small and its log quiet.

    * Each visit starts a kernel of a few hundred MB; a kernel idle for ``cull_idle`` seconds
      with no browser connected is shut down (checked every ``interval`` seconds), so the
      server's memory follows the visitors who are there, not every visit since it started.
    * The log shows errors only: a kernel started or culled, an unsigned notebook, are expected.
    * Kernels talk over IPC (Unix sockets in a private temporary folder) where the platform has
      them: no TCP port, no "running over TCP without encryption" warning on each visit.

    Examples
    --------
    >>> server_options(60)[1:4]
    ['--MappingKernelManager.cull_idle_timeout=60', '--MappingKernelManager.cull_interval=20', \
'--MappingKernelManager.cull_connected=False']
    """
    import tempfile

    from ..reports.render import ipc_supported

    interval = interval or max(1, cull_idle // 3)
    out = ["--Voila.log_level=ERROR",  # each visit's expected events (kernel started, culled, an
           # unsigned notebook) are not news; errors still are
           f"--MappingKernelManager.cull_idle_timeout={int(cull_idle)}",
           f"--MappingKernelManager.cull_interval={int(interval)}", "--MappingKernelManager.cull_connected=False"]
    if ipc_supported():
        folder = tempfile.mkdtemp(prefix="studio-kernels-")
        out += ["--KernelManager.transport=ipc", f"--KernelManager.ip={folder}/k"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.studio.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8866)
    args = parser.parse_args(argv)
    from ..notebooks import repo_root

    root = repo_root()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    print(f"weighting studio: http://127.0.0.1:{args.port}/  (Ctrl-C to stop)")
    return subprocess.call(voila_command(args.port, root=root), cwd=root, env=env)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
