"""Executing the report notebook in a kernel and turning its displayed output into a page.

A :class:`NotebookRenderer` owns one kernel (started from this very Python, so it has the
project's packages) and reuses it for report after report: that is what makes batches fast.
Before each report the names the previous report defined are deleted and open figures are
closed; every report's parameters arrive as a JSON file that the notebook reads — data, never
code.

The notebook is read as JSON and its code cells are sent to the kernel directly; the page is
built from what the cells *display* (HTML blocks, PNG/SVG images) inside
:func:`toolkit.reports.page.document`. So neither nbformat (whose import costs seconds: it
compiles an RFC 3987 grammar through jsonschema) nor nbconvert (whose template loads
require.js and MathJax from a CDN) is on the report path, and the page needs no network.

The kernel talks over IPC (Unix sockets in a private temporary folder) where the platform has
them, so it opens no TCP port and prints no "running over TCP without encryption" warning.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# delete what the previous report defined, without %reset's two full garbage collections
RESET_CODE = (
    "_ns = get_ipython().user_ns\n"
    "for _k in [k for k in _ns if k not in _BASE and not k.startswith('_')]:\n    del _ns[_k]\n"
    "_plt.close('all')\n"
)
WARMUP_CODE = (
    "import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
    "get_ipython().run_line_magic('config', \"InlineBackend.print_figure_kwargs = {'bbox_inches': None}\")\n"
    "import matplotlib.pyplot as _plt\n"
    "import pandas, toolkit.reports.views, toolkit.reports.city_views, toolkit.reports.bundle\n"
    "_BASE = set(get_ipython().user_ns)\n"
)


class RenderError(RuntimeError):
    """A report notebook raised; ``message`` is the error's name and value."""


def read_notebook(path: str | Path) -> tuple[list[str], int]:
    """The code cells' sources of a notebook and the index of the one tagged ``parameters``."""
    nb = json.loads(Path(path).read_text("utf-8"))
    cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    tags = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tags) != 1:
        raise ValueError(f"{path}: needs exactly one cell tagged 'parameters', found {len(tags)}")
    src = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]
    return src, tags[0]


def ipc_supported() -> bool:
    """True where ZeroMQ's IPC transport (Unix domain sockets) exists: not on Windows."""
    return os.name == "posix"


class NotebookRenderer:
    """Render a parameterised notebook to HTML, reusing one kernel.

    Parameters
    ----------
    notebook : path of the notebook; its parameters cell must carry the tag ``parameters``
        and accept ``params_file``.
    timeout : seconds allowed per cell.
    """

    def __init__(self, notebook: str | Path, timeout: int = 180):
        from jupyter_client import KernelManager

        self.cells, self._param_index = read_notebook(notebook)
        self.timeout = timeout
        self._tmp = tempfile.mkdtemp(prefix="sdb-kernel-")
        kw = {}
        if ipc_supported():
            kw = {"transport": "ipc", "ip": os.path.join(self._tmp, "k")}
        self.km = KernelManager(kernel_cmd=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                            "{connection_file}"],
                                connection_file=os.path.join(self._tmp, "kernel.json"), **kw)
        env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
        # the kernel's own log (e.g. "Parent appears to have exited" when a worker ends) is not
        # the reader's business; errors of the report's code arrive as messages, not on stderr
        self.km.start_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self._run(WARMUP_CODE)
        self.n_rendered = 0

    def _run(self, code: str, outputs: list | None = None) -> None:
        def hook(msg):
            if outputs is None:
                return
            kind = msg["header"]["msg_type"]
            if kind in ("display_data", "execute_result"):
                outputs.append(msg["content"]["data"])
            elif kind == "error":
                outputs.append({"error": msg["content"]})

        reply = self.kc.execute_interactive(code, timeout=self.timeout, output_hook=hook, allow_stdin=False)
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise RenderError(f"{c.get('ename')}: {c.get('evalue')}")

    def execute(self, params_file: str | Path) -> list[dict]:
        """Run the notebook with ``params_file``; returns the displayed outputs (MIME bundles).

        The reset, the cells and the injected parameter go to the kernel as one execution: one
        round trip per report instead of one per cell."""
        parts = [RESET_CODE]
        for i, code in enumerate(self.cells):
            parts.append(code)
            if i == self._param_index:
                parts.append(f"params_file = {json.dumps(str(params_file))}")
        outputs: list[dict] = []
        self._run("\n".join(parts), outputs)
        self.n_rendered += 1
        return outputs

    @staticmethod
    def body(outputs: list[dict]) -> str:
        """The page body from displayed outputs: HTML as is, images inline, text escaped."""
        import html

        parts = []
        for data in outputs:
            if "text/html" in data:
                parts.append(data["text/html"])
            elif "image/svg+xml" in data:
                parts.append(f"<figure>{data['image/svg+xml']}</figure>")
            elif "image/png" in data:
                parts.append(f'<figure><img alt="" style="max-width:100%" '
                             f'src="data:image/png;base64,{data["image/png"].strip()}"></figure>')
            elif "text/plain" in data:
                parts.append(f"<pre>{html.escape(data['text/plain'])}</pre>")
        return "\n".join(parts)

    def render(self, params_file: str | Path, title: str, head: str = "", lang: str = "zh") -> str:
        from .page import document

        return document(title, self.body(self.execute(params_file)), lang, head)

    def close(self) -> None:
        import shutil

        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
