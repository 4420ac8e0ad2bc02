"""The stored form of a research notebook: sanitised text outputs, no images, content ids, its jupytext pair.

:func:`clean_notebook` turns an executed notebook into the form that is committed and that
``tests/notebooks/test_notebooks.py`` checks (:func:`notebook_problems` lists every departure);
:func:`sanitize` masks what legitimately differs from run to run, exactly as nbval does with
``notebooks/nbval_sanitize.cfg``.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from . import paths
from .kernel import KERNEL_DISPLAY_NAME, KERNEL_NAME

__all__ = ["CHECK_MARKER", "IMAGE_MIME", "PAIRED_FORMATS", "PY_FORMAT", "cell_id", "clean_notebook",
           "notebook_problems", "notebook_text", "paired_text", "sanitize", "sanitize_patterns"]

#: jupytext pairing of every research notebook: the .ipynb and a percent-format .py script.
PAIRED_FORMATS = "ipynb,py:percent"
PY_FORMAT = "py:percent"
#: Output MIME types that are never stored (figures are looked at, not diffed or compared).
IMAGE_MIME = re.compile(r"^(image/|application/pdf$|application/vnd\.)")
#: The nbval marker of a cell whose output is compared with the stored one.
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def _nbformat():
    import nbformat

    return nbformat


def sanitize_patterns(path: str | Path | None = None) -> list[tuple[str, str]]:
    """The (regex, replacement) pairs of ``notebooks/nbval_sanitize.cfg``, read as nbval reads
    them (a ``regex:`` line directly followed by a ``replace:`` line)."""
    path = Path(path) if path is not None else paths.notebooks_dir() / "nbval_sanitize.cfg"
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
    folder = Path(folder) if folder is not None else paths.notebooks_dir()
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
    root = str(paths.repo_root())
    for c in code:
        blob = repr([o for o in c.get("outputs", [])])
        for needle in {root, os.path.expanduser("~") + "/", "/tmp/", "site-packages"}:
            if needle and needle != "/" and needle in blob:
                problems.append(f"{ipynb.name}: cell {c.get('id')} output shows a machine path ({needle!r})")
    if py.read_text("utf-8") != paired_text(nb):
        problems.append(f"{py.name} is out of sync with {ipynb.name} (jupytext pair); run "
                        "`python -m toolkit.notebooks store` or `jupytext --sync`")
    return problems
