"""Executing the report notebook in a kernel and exporting it to HTML without code.

A :class:`NotebookRenderer` owns one kernel (started from this very Python, so it has the
project's packages) and reuses it for report after report: that is what makes batches fast.
Before each report the kernel's namespace is reset and open figures are closed, and every
report's parameters arrive as a JSON file that the notebook reads — data, never code. The
notebook and the HTML exporter are loaded once per renderer, so neither nbformat's nor
nbconvert's import cost sits on the per-report path.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

RESET_CODE = (
    "%reset -f\n"
    "import matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt\n"
)
WARMUP_CODE = (
    "import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
    # figures are laid out by their own code: skip the inline backend's second, 'tight' draw
    "get_ipython().run_line_magic('config', \"InlineBackend.print_figure_kwargs = {'bbox_inches': None}\")\n"
    "import pandas, toolkit.reports.views, toolkit.reports.bundle, toolkit.viz.fonts\n"
    "toolkit.viz.fonts.register_cjk_font()\n"
)


class RenderError(RuntimeError):
    """A report notebook raised; ``message`` is the error's name and value."""


class NotebookRenderer:
    """Render a parameterised notebook to HTML, reusing one kernel.

    Parameters
    ----------
    notebook : path of the notebook; its parameters cell must carry the tag ``parameters``
        and accept ``params_file``.
    timeout : seconds allowed per cell.
    """

    def __init__(self, notebook: str | Path, timeout: int = 180):
        import nbformat
        from jupyter_client import KernelManager
        from nbconvert import HTMLExporter

        self._nbformat = nbformat
        self.template = nbformat.read(str(notebook), as_version=4)
        tags = [i for i, c in enumerate(self.template.cells) if "parameters" in c.metadata.get("tags", [])]
        if len(tags) != 1:
            raise ValueError(f"{notebook}: needs exactly one cell tagged 'parameters', found {len(tags)}")
        self._param_index = tags[0]
        self.timeout = timeout
        # no code, no prompts, no markdown (the notebook's markdown is for researchers): a report
        # shows only what its cells display. Data-derived text is escaped by toolkit.reports.views.
        self.exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                                     exclude_output_prompt=True, exclude_markdown=True)
        self.km = KernelManager(kernel_cmd=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                            "{connection_file}"])
        env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
        self.km.start_kernel(env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self._run(WARMUP_CODE)
        self.n_rendered = 0

    def _run(self, code: str) -> None:
        reply = self.kc.execute_interactive(code, timeout=self.timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise RenderError(f"{c.get('ename')}: {c.get('evalue')}")

    def execute(self, params_file: str | Path):
        """Run the notebook with ``params_file`` and return the executed notebook node."""
        import nbclient
        from nbclient.exceptions import CellExecutionError

        self._run(RESET_CODE)
        nb = copy.deepcopy(self.template)
        inject = self._nbformat.v4.new_code_cell(f"params_file = {json.dumps(str(params_file))}")
        inject.metadata["tags"] = ["injected-parameters"]
        inject.id = "injected-parameters"  # not a random id: reports must be byte-reproducible
        nb.cells.insert(self._param_index + 1, inject)
        client = nbclient.NotebookClient(nb, km=self.km, timeout=self.timeout, allow_errors=False)
        client.kc = self.kc
        client.reset_execution_trackers()
        try:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
        except CellExecutionError as exc:
            lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
            raise RenderError(lines[-1] if lines else repr(exc)) from None
        for cell in nb.cells:  # what differs between a fresh and a reused kernel is removed
            if cell.cell_type == "code":
                cell.execution_count = None
                cell.metadata.pop("execution", None)
                for out in cell.outputs:
                    if "execution_count" in out:
                        out["execution_count"] = None
        self.n_rendered += 1
        return nb

    def to_html(self, nb, title: str, head: str = "") -> str:
        """HTML of an executed notebook; ``head`` (e.g. an embedded font's CSS) goes into <head>."""
        body, _ = self.exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        if head:
            body = body.replace("</head>", f"<style>{head}</style>\n</head>", 1)
        return body

    def render(self, params_file: str | Path, title: str, head: str = "") -> str:
        return self.to_html(self.execute(params_file), title, head)

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
