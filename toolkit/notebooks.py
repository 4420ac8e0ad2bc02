"""The research notebooks (``notebooks/01_…`` to ``05_…``): paths, kernel set-up, storage and runner.

The notebooks are a numbered sequence a researcher opens in JupyterLab (``make lab``):

==================  ===========================================================================
``01_data``         coverage, missingness, distributions, skew and outliers, correlations
``02_weights``      every weighting method side by side, AHP, combinations, rank movements
``03_typology``     PCA, choice of k, clusters, stability, profiles
``04_index``        dimension and composite scores, ranks, audit, obstacle degrees, coupling
``05_robustness``   uncertainty and sensitivity analysis, leave-one-out
==================  ===========================================================================

Each notebook only makes thin calls into :mod:`toolkit`: the tables that put several results
side by side live with their domain (:mod:`toolkit.analysis.explore`,
:mod:`toolkit.analysis.variants`, :mod:`toolkit.analysis.results`, :mod:`toolkit.analysis.typology`)
and the figures in :mod:`toolkit.viz`. This module is the notebook tooling: paths, the set-up of
a kernel, the data notice, and the machinery behind the Makefile:

* :func:`run` (``make analysis``, ``python -m toolkit.notebooks run``) executes the notebooks
  with papermill into ``reports/analysis/``: the executed ``.ipynb`` and an HTML page without
  code cells, each written atomically.
* :func:`store` (``make notebooks``, ``python -m toolkit.notebooks store``) re-executes the
  notebooks in a fresh kernel of this environment and stores them in the reviewable form the
  tests check (:func:`clean_notebook`): the ``.ipynb`` with its text outputs but without
  images or volatile metadata, plus its jupytext pair ``.py`` (percent format).
* :func:`notebook_problems` (``python -m toolkit.notebooks check``) lists every way a stored
  notebook departs from that form; ``tests/notebooks/test_notebooks.py`` asserts there are none.

Paths inside the notebooks are relative to the repository root (:func:`resolve`), so they run
the same whether the kernel starts in ``notebooks/`` (JupyterLab, papermill, nbval) or anywhere
else.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import html
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

__all__ = [
    "KERNEL_DISPLAY_NAME", "KERNEL_NAME", "NOTEBOOKS", "PAIRED_FORMATS", "Notice", "clean_notebook",
    "data_notice", "kernel_name", "latest_year", "load", "notebook_problems", "relpath", "repo_root",
    "resolve", "run", "sanitize", "sanitize_patterns", "setup_notebook", "store",
]

#: The numbered research notebooks, in reading order (file stems in ``notebooks/``).
NOTEBOOKS = ("01_data", "02_weights", "03_typology", "04_index", "05_robustness")
#: The Jupyter kernel ``make setup`` installs for this environment, and the notebooks name.
KERNEL_NAME = "sd-brain"
KERNEL_DISPLAY_NAME = "Python (sd-brain toolkit)"
#: jupytext pairing of every research notebook: the .ipynb and a percent-format .py script.
PAIRED_FORMATS = "ipynb,py:percent"
PY_FORMAT = "py:percent"
#: Output MIME types that are never stored (figures are looked at, not diffed or compared).
IMAGE_MIME = re.compile(r"^(image/|application/pdf$|application/vnd\.)")
#: The nbval marker of a cell whose output is compared with the stored one.
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


# ------------------------------------------------------------------------------------ paths
def repo_root(start: str | Path | None = None) -> Path:
    """The repository root: the nearest folder at or above ``start`` (default: the working
    directory) holding this project's ``pyproject.toml``; else the folder above this package."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pp = folder / "pyproject.toml"
        if pp.is_file() and (folder / "toolkit").is_dir() and 'name = "sd-brain-toolkit"' in pp.read_text("utf-8"):
            return folder
    return Path(__file__).resolve().parents[1]


def resolve(path: str | Path) -> Path:
    """An absolute path: ``path`` itself if absolute, else relative to :func:`repo_root`."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else repo_root() / p


def relpath(path: str | Path) -> str:
    """``path`` relative to the repository root when it lies inside it (POSIX form), for display:
    stored outputs never show a machine's absolute paths."""
    p = Path(path)
    try:
        return p.resolve().relative_to(repo_root()).as_posix()
    except ValueError:
        return p.as_posix()


def notebooks_dir() -> Path:
    return repo_root() / "notebooks"


# ---------------------------------------------------------------------------- notebook set-up
def setup_notebook(dpi: int = 96) -> None:
    """Prepare a notebook kernel: the CJK font for figures, PNG display of matplotlib figures
    (the toolkit's figures are built without pyplot, so they need a formatter), and pandas
    display options that make text outputs the same on every machine.

    With the environment variable ``SD_BRAIN_FIGURES=off`` (set by ``notebooks/conftest.py``
    for the nbval run) figures are still built but not rasterised: they show as
    ``<Figure size …>``. nbval compares no figure, and rasterising is most of a notebook's run
    time; the figures themselves are tested in ``tests/viz/test_plots.py`` and drawn by
    ``make analysis``.
    """
    from .viz.fonts import register_cjk_font

    register_cjk_font()
    pd.set_option("display.width", 120)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_rows", 60)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.precision", 4)
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is not None and os.environ.get("SD_BRAIN_FIGURES", "on").lower() not in ("off", "0", "no"):
        # the figures lay themselves out (constrained layout): no second, "tight" drawing pass
        select_figure_formats(shell, {"png"}, dpi=dpi, bbox_inches=None)


class Notice:
    """A short message rendered as a coloured box in HTML and as plain text elsewhere (stored
    outputs, terminals), so that it reads the same in every view of a notebook."""

    def __init__(self, lines: Sequence[str], *, warning: bool = True):
        self.lines = list(lines)
        self.warning = warning

    def __repr__(self) -> str:
        return "\n".join(self.lines)

    def _repr_html_(self) -> str:
        colour = ("#8a1c1c", "#fdecea", "#e0a0a0") if self.warning else ("#1c4a8a", "#eaf1fd", "#a0b8e0")
        body = "<br>".join(html.escape(line) for line in self.lines)
        return (f'<div style="border:2px solid {colour[2]};background:{colour[1]};color:{colour[0]};'
                f'padding:8px 12px;margin:6px 0;border-radius:4px;font-weight:600">{body}</div>')


def data_notice(data) -> Notice:
    """Which data the notebook analyses, and — loudly, in both languages — whether they are
    synthetic (the bundled demo returns are: :attr:`toolkit.data.read.IndicatorData.is_synthetic`)."""
    years = ", ".join(str(int(y)) for y in data.years)
    n_units = data.table["unit_id"].nunique()
    source = f"{relpath(data.source)} (sha256 {data.sha256[:12]}…; {n_units} units, years {years})"
    if data.is_synthetic:
        return Notice([
            "⚠ 模拟数据 SYNTHETIC DATA ⚠",
            "本笔记本分析的是由 python -m toolkit demo 生成的合成演示数据，并非任何产业大脑的真实填报；"
            "所有数字仅用于演示方法。",
            "This notebook analyses synthetic demo data generated by python -m toolkit demo, not real "
            "returns of any 产业大脑; every number only illustrates the method.",
            f"数据 Data: {source}",
        ])
    return Notice([f"数据 Data: {source}"], warning=False)


def load(data_path: str | Path, spec_path: str | Path):
    """Read a return and a specification, paths relative to the repository root:
    ``(IndicatorData, IndexSpec)``."""
    from .data.read import read_indicators
    from .index.spec import load_spec

    return read_indicators(resolve(data_path)), load_spec(resolve(spec_path))


def latest_year(data_or_result, year: int | None = None) -> int:
    """``year`` if given (checked), else the latest year of the data or index result."""
    years = [int(y) for y in data_or_result.years]
    if year is None:
        return years[-1]
    if int(year) not in years:
        raise KeyError(f"no year {year}; the data have {years}")
    return int(year)


# ============================================================================ stored notebooks
def _nbformat():
    import nbformat

    return nbformat


def sanitize_patterns(path: str | Path | None = None) -> list[tuple[str, str]]:
    """The (regex, replacement) pairs of ``notebooks/nbval_sanitize.cfg``, read as nbval reads
    them (a ``regex:`` line directly followed by a ``replace:`` line)."""
    path = Path(path) if path is not None else notebooks_dir() / "nbval_sanitize.cfg"
    if not path.is_file():
        return []
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", path.read_text("utf-8"), flags=re.MULTILINE)


def sanitize(text: str, patterns: Sequence[tuple[str, str]] | None = None) -> str:
    """``text`` with the volatile parts masked, exactly as nbval masks them before comparing."""
    for regex, replace in sanitize_patterns() if patterns is None else patterns:
        text = re.sub(regex, replace, text)
    return text


def cell_id(cell) -> str:
    """A cell id derived from the cell's type and source (stable across re-executions, so
    stored notebooks do not churn; ``clean_notebook`` de-duplicates identical cells)."""
    return hashlib.sha1(f"{cell.cell_type}\0{cell.source}".encode()).hexdigest()[:8]


def _has_image(output) -> bool:
    data = output.get("data", {})
    if any(IMAGE_MIME.match(k) for k in data):
        return True
    return "<img " in str(data.get("text/html", "")) and "data:image" in str(data.get("text/html", ""))


def clean_notebook(nb):
    """The stored form of an executed notebook (returns a cleaned copy).

    * outputs that carry an image are dropped (a figure is looked at in JupyterLab or in the
      ``make analysis`` HTML, not diffed); text and HTML tables stay, so nbval can compare them;
    * output metadata and cell metadata other than ``tags`` are dropped (execution timing,
      papermill's bookkeeping, collapsed/scrolled states); papermill's injected-parameters cell,
      if any, is removed;
    * notebook metadata is reduced to the kernelspec (:data:`KERNEL_NAME`), the jupytext pairing
      and the language name (no Python patch version);
    * cell ids are derived from the cell content (:func:`cell_id`);
    * text outputs are passed through the nbval sanitize patterns (:func:`sanitize`): a timing is
      stored as ``<TIME>``, a path as ``<REPO>/…``, so re-storing an unchanged notebook gives the
      same bytes and no machine-specific detail is committed (nbval masks the same parts of a new
      run before comparing, so the comparison is unaffected).

    Execution counts are kept: in a stored notebook they run 1, 2, 3… — the proof that it was
    executed top to bottom in one fresh kernel.
    """
    nbf = _nbformat()
    patterns = sanitize_patterns()
    nb = copy.deepcopy(nb)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbf.NotebookNode({
        "jupytext": {"formats": PAIRED_FORMATS},
        "kernelspec": {"display_name": KERNEL_DISPLAY_NAME, "language": "python", "name": KERNEL_NAME},
        "language_info": {"name": "python"},
    })
    cells, seen = [], Counter()
    for cell in nb.cells:
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t]
        if "injected-parameters" in tags:
            continue
        cell.metadata = nbf.NotebookNode({"tags": tags} if tags else {})
        base = cell_id(cell)
        seen[base] += 1
        cell.id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if _has_image(out):
                    continue
                if out.output_type in ("display_data", "execute_result"):
                    out.metadata = nbf.NotebookNode({})
                    out.data = nbf.NotebookNode({k: sanitize(v, patterns) if isinstance(v, str) else v
                                                 for k, v in out.data.items() if not IMAGE_MIME.match(k)})
                elif out.output_type == "stream":
                    out.text = sanitize(out.text, patterns)
                outputs.append(out)
            cell.outputs = outputs
        cells.append(cell)
    nb.cells = cells
    return nb


def notebook_text(nb) -> str:
    """The bytes (as text) of a stored ``.ipynb``: nbformat's JSON and a final newline."""
    text = _nbformat().writes(nb)
    return text if text.endswith("\n") else text + "\n"


def paired_text(nb) -> str:
    """The jupytext percent-format script paired with ``nb``."""
    import jupytext

    return jupytext.writes(nb, fmt=PY_FORMAT)


def _is_heading(line: str) -> bool:
    return re.match(r"^#{1,6}\s", line) is not None


def notebook_problems(stem: str, folder: str | Path | None = None) -> list[str]:
    """Every way the stored notebook ``stem`` departs from the stored form (empty: none).

    Checks: both files of the pair exist; the ``.ipynb`` is valid, canonical and clean
    (:func:`clean_notebook`: no images, no volatile metadata, content-derived ids, kernelspec
    ``sd-brain``, jupytext pairing); it was executed top to bottom (every code cell ran, counts
    1, 2, 3…, no errors); it has a ``parameters`` cell, the synthetic-data warning, bilingual
    headings and at least one ``# NBVAL_CHECK_OUTPUT`` cell with stored output; no absolute path
    of this machine appears in an output; the ``.py`` is exactly what jupytext writes for it.
    """
    nbf = _nbformat()
    folder = Path(folder) if folder is not None else notebooks_dir()
    ipynb, py = folder / f"{stem}.ipynb", folder / f"{stem}.py"
    problems = [f"{p.name} is missing" for p in (ipynb, py) if not p.is_file()]
    if problems:
        return problems
    text = ipynb.read_text("utf-8")
    nb = nbf.reads(text, as_version=4)
    try:
        nbf.validate(nb)
    except nbf.ValidationError as exc:
        problems.append(f"{ipynb.name}: not a valid notebook ({str(exc).splitlines()[0]})")
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(nb.cells):
        where = f"{ipynb.name} cell {i} ({cell.get('id', '?')})"
        extra = set(cell.get("metadata", {})) - {"tags"}
        if extra:
            problems.append(f"{where}: volatile cell metadata {sorted(extra)}")
        for out in cell.get("outputs", []):
            if _has_image(out):
                problems.append(f"{where}: stores an image output")
            if out.get("output_type") == "error":
                problems.append(f"{where}: stores an error ({out.get('ename')})")
            if out.get("metadata"):
                problems.append(f"{where}: output metadata {sorted(out['metadata'])}")
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(f"{ipynb.name}: execution counts are {counts}, not 1…{len(code)}: not executed top to "
                        "bottom in one fresh kernel")
    if set(nb.metadata) - {"jupytext", "kernelspec", "language_info"}:
        problems.append(f"{ipynb.name}: volatile notebook metadata "
                        f"{sorted(set(nb.metadata) - {'jupytext', 'kernelspec', 'language_info'})}")
    if nb.metadata.get("kernelspec", {}).get("name") != KERNEL_NAME:
        problems.append(f"{ipynb.name}: kernelspec is not {KERNEL_NAME!r}")
    if nb.metadata.get("jupytext", {}).get("formats") != PAIRED_FORMATS:
        problems.append(f"{ipynb.name}: not paired with jupytext as {PAIRED_FORMATS!r}")
    if text != notebook_text(clean_notebook(nb)):
        problems.append(f"{ipynb.name}: not in stored form (ids, metadata or layout differ from "
                        "clean_notebook); run `python -m toolkit.notebooks store`")
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(params) != 1:
        problems.append(f"{ipynb.name}: needs exactly one cell tagged 'parameters', found {len(params)}")
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    if "SYNTHETIC" not in "\n".join(markdown[:2]):
        problems.append(f"{ipynb.name}: the opening markdown must say the demo data are SYNTHETIC")
    for src in markdown:
        for line in src.splitlines():
            if _is_heading(line) and not (_CJK.search(line) and _LATIN.search(line)):
                problems.append(f"{ipynb.name}: heading {line!r} is not bilingual (中文 / English)")
    checked = [c for c in code if CHECK_MARKER in c.source]
    if not checked:
        problems.append(f"{ipynb.name}: no cell is marked {CHECK_MARKER!r}, so nbval compares nothing")
    for c in checked:
        if not c.get("outputs"):
            problems.append(f"{ipynb.name}: cell {c.get('id')} is marked {CHECK_MARKER!r} but stores no output")
    root = str(repo_root())
    for c in code:
        blob = repr([o for o in c.get("outputs", [])])
        for needle in {root, os.path.expanduser("~") + "/", "/tmp/", "site-packages"}:
            if needle and needle != "/" and needle in blob:
                problems.append(f"{ipynb.name}: cell {c.get('id')} output shows a machine path ({needle!r})")
    if py.read_text("utf-8") != paired_text(nb):
        problems.append(f"{py.name} is out of sync with {ipynb.name} (jupytext pair); run "
                        "`python -m toolkit.notebooks store` or `jupytext --sync`")
    return problems


# ============================================================================ executing
def kernel_name() -> str:
    """The kernel to execute notebooks with: ``sd-brain`` when it is installed for this very
    environment (``make setup`` installs it), else ``python3`` (which jupyter_client runs with
    this interpreter)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:  # pragma: no cover - a dependency
        return "python3"
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return "python3"
    exe = Path(spec.argv[0]) if spec.argv else None
    if exe is not None and exe.is_file() and exe.parent.parent.resolve() == Path(sys.prefix).resolve():
        return KERNEL_NAME
    return "python3"


def _select(only: Iterable[str] | None) -> list[str]:
    if not only:
        return list(NOTEBOOKS)
    chosen = []
    for key in only:
        hits = [s for s in NOTEBOOKS if s == key or s.startswith(f"{key}_") or s.split("_", 1)[0] == key]
        if not hits:
            raise SystemExit(f"unknown notebook {key!r}; choose from {', '.join(NOTEBOOKS)}")
        chosen += [h for h in hits if h not in chosen]
    return [s for s in NOTEBOOKS if s in chosen]


def _execute(nb_or_path, parameters: Mapping | None, output_path: Path | None):
    """Execute with papermill in ``notebooks/`` (the kernel's working directory everywhere)."""
    import papermill as pm

    src = str(nb_or_path) if isinstance(nb_or_path, Path) else nb_or_path
    return pm.execute_notebook(src, str(output_path) if output_path else None,
                               parameters=dict(parameters or {}), kernel_name=kernel_name(), language="python",
                               cwd=str(notebooks_dir()), progress_bar=False, log_output=False,
                               request_save_on_cell_execute=output_path is not None)


def html_text(nb, title: str) -> str:
    """HTML of an executed notebook without code cells or prompts (nbconvert, lab template);
    stderr (warnings) is left to the executed ``.ipynb``."""
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # embed the CJK font, subset to the page's characters, so the Chinese text reads on machines
    # without a Chinese system font (the figures are PNGs and carry their glyphs already)
    from .viz import fonts

    css = fonts.font_face_css(body) if hasattr(fonts, "font_face_css") else ""
    if css and "</head>" in body:
        body = body.replace("</head>", f"<style>\n{css}</style>\n</head>", 1)
    return body


def run(out: str | Path = "reports/analysis", only: Iterable[str] | None = None,
        parameters: Mapping | None = None, html_pages: bool = True, echo=print) -> dict[str, float]:
    """Execute the research notebooks with papermill into ``out``: ``<stem>.ipynb`` (executed,
    with figures) and ``<stem>.html`` (no code cells). Each notebook's cells come from the newer
    file of its jupytext pair, so an edit of the ``.py`` alone is run too. Each pair is renamed into place only
    when the notebook ran through, so a failure leaves the previous results; the failing
    notebook is kept as ``<stem>.failed.ipynb``. Returns seconds per notebook; raises
    ``SystemExit(1)`` after trying all of them if any failed."""
    import nbformat

    from .files import write_many_atomic

    out = resolve(out)
    out.mkdir(parents=True, exist_ok=True)
    seconds, failed = {}, []
    for stem in _select(only):
        partial, failed_path = out / f".{stem}.partial.ipynb", out / f"{stem}.failed.ipynb"
        t0 = time.perf_counter()
        try:
            source, _ = _read_source(stem)  # the newer of the pair, as `store` does
            nb = _execute(source, parameters, partial)
        except Exception as exc:  # papermill raises its own error with the cell's traceback
            if partial.exists():
                os.replace(partial, failed_path)
            failed.append(stem)
            echo(f"FAILED {stem}: {type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
                 f" (see {relpath(failed_path)})")
            continue
        finally:
            seconds[stem] = time.perf_counter() - t0
        writers = {out / f"{stem}.ipynb": lambda p, nb=nb: p.write_text(notebook_text(nb), "utf-8")}
        if html_pages:
            page = html_text(nbformat.from_dict(nb), stem)
            writers[out / f"{stem}.html"] = lambda p, page=page: p.write_text(page, "utf-8")
        write_many_atomic(writers)
        for stale in (partial, failed_path):
            if stale.exists():
                stale.unlink()
        echo(f"{relpath(out / stem)}.{{ipynb,html}}  {seconds[stem]:.1f} s")
    if failed:
        raise SystemExit(1)
    return seconds


def _read_source(stem: str, prefer: str = "auto"):
    """The notebook to execute for ``store``: the ``.py`` or the ``.ipynb`` — whichever is newer
    when their inputs differ (``auto``, as ``jupytext --sync``), or the one asked for."""
    import jupytext

    folder = notebooks_dir()
    py, ipynb = folder / f"{stem}.py", folder / f"{stem}.ipynb"
    have = [p for p in (py, ipynb) if p.is_file()]
    if not have:
        raise SystemExit(f"{stem}: neither {py.name} nor {ipynb.name} exists")
    if prefer == "py" or (prefer == "auto" and not ipynb.is_file()):
        return jupytext.read(py), py
    if prefer == "ipynb" or not py.is_file():
        return jupytext.read(ipynb), ipynb
    from_py, from_nb = jupytext.read(py), jupytext.read(ipynb)
    same = [(c.cell_type, c.source) for c in from_py.cells] == [(c.cell_type, c.source) for c in from_nb.cells]
    if same:
        return from_nb, ipynb
    newer = py if py.stat().st_mtime >= ipynb.stat().st_mtime else ipynb
    return (from_py if newer == py else from_nb), newer


def store(only: Iterable[str] | None = None, prefer: str = "auto", echo=print) -> dict[str, float]:
    """Re-execute notebooks in a fresh kernel of this environment and write their stored form:
    ``<stem>.ipynb`` (:func:`clean_notebook`) and ``<stem>.py`` (jupytext percent), together
    and atomically. Returns seconds per notebook."""
    from .files import write_many_atomic

    seconds = {}
    for stem in _select(only):
        nb, source = _read_source(stem, prefer)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.metadata["kernelspec"] = {"display_name": KERNEL_DISPLAY_NAME, "language": "python",
                                     "name": KERNEL_NAME}
        nb.metadata["jupytext"] = {"formats": PAIRED_FORMATS}
        t0 = time.perf_counter()
        executed = _execute(nb, None, None)
        seconds[stem] = time.perf_counter() - t0
        clean = clean_notebook(executed)
        folder = notebooks_dir()
        write_many_atomic({
            folder / f"{stem}.ipynb": lambda p, nb=clean: p.write_text(notebook_text(nb), "utf-8"),
            folder / f"{stem}.py": lambda p, nb=clean: p.write_text(paired_text(nb), "utf-8"),
        })
        echo(f"stored notebooks/{stem}.{{ipynb,py}} from {source.name} ({seconds[stem]:.1f} s)")
    return seconds


def _parameters(pairs: Sequence[str]) -> dict:
    import yaml

    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"-p expects name=value, got {pair!r}")
        key, value = pair.split("=", 1)
        out[key.strip()] = yaml.safe_load(value)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.notebooks", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="execute the notebooks with papermill into reports/analysis (ipynb + HTML)")
    p.add_argument("--out", default="reports/analysis")
    p.add_argument("--only", nargs="+", default=None, help="notebooks by number or stem, e.g. 01 03_typology")
    p.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                   help="papermill parameter (YAML value), e.g. -p lang=en -p year=2024")
    p.add_argument("--no-html", action="store_true")
    p = sub.add_parser("store", help="re-execute and store the notebooks (clean .ipynb + paired .py)")
    p.add_argument("--only", nargs="+", default=None)
    p.add_argument("--from", dest="prefer", choices=["auto", "py", "ipynb"], default="auto",
                   help="which file of each pair to take the cells from (auto: the newer if they differ)")
    sub.add_parser("check", help="list problems with the stored notebooks (exit 1 if any)")
    args = parser.parse_args(argv)
    if args.command == "run":
        t0 = time.perf_counter()
        run(args.out, args.only, _parameters(args.parameter), html_pages=not args.no_html)
        print(f"done in {time.perf_counter() - t0:.1f} s")
    elif args.command == "store":
        store(args.only, args.prefer)
    else:
        problems = [p for stem in NOTEBOOKS for p in notebook_problems(stem)]
        print("\n".join(problems) if problems else f"{len(NOTEBOOKS)} notebooks stored cleanly")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
