"""Executing the research notebooks: :func:`run` (``make analysis``) and :func:`store` (``make notebooks``),
and the command line ``python -m toolkit.notebooks run|store|check``."""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from . import paths
from .kernel import KERNEL_DISPLAY_NAME, KERNEL_NAME, kernel_name
from .paths import relpath, resolve
from .stored import PAIRED_FORMATS, clean_notebook, notebook_problems, notebook_text, paired_text

__all__ = ["html_text", "main", "run", "store"]


def _select(only: Iterable[str] | None) -> list[str]:
    if not only:
        return list(paths.NOTEBOOKS)
    chosen = []
    for key in only:
        hits = [s for s in paths.NOTEBOOKS if s == key or s.startswith(f"{key}_") or s.split("_", 1)[0] == key]
        if not hits:
            raise SystemExit(f"unknown notebook {key!r}; choose from {', '.join(paths.NOTEBOOKS)}")
        chosen += [h for h in hits if h not in chosen]
    return [s for s in paths.NOTEBOOKS if s in chosen]


def _execute(nb_or_path, parameters: Mapping | None, output_path: Path | None):
    """Execute with papermill in ``notebooks/`` (the kernel's working directory everywhere)."""
    import papermill as pm

    src = str(nb_or_path) if isinstance(nb_or_path, Path) else nb_or_path
    return pm.execute_notebook(src, str(output_path) if output_path else None,
                               parameters=dict(parameters or {}), kernel_name=kernel_name(), language="python",
                               cwd=str(paths.notebooks_dir()), progress_bar=False, log_output=False,
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
    from ..viz import fonts

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
    ``SystemExit(1)`` after trying all of them if any failed. No notebook runs when a file
    it would write is one of the notebooks or a file a parameter names
    (:class:`toolkit.publish.InputClash`)."""
    from ..publish.guard import check_targets, protected_inputs

    out = resolve(out)
    stems = _select(only)
    folder = paths.notebooks_dir()
    sources = [folder / f"{stem}{suffix}" for stem in stems for suffix in (".py", ".ipynb")]
    named = [p for v in (parameters or {}).values() if isinstance(v, str) for p in (v, folder / v)]
    with protected_inputs(*sources, *named):
        # the notebooks and the files named by parameters are never written over: checked for
        # every notebook before the first one runs
        check_targets(files=[out / f"{stem}{suffix}" for stem in stems
                             for suffix in (".ipynb", ".html", ".failed.ipynb", ".partial.ipynb")])
        return _run(out, stems, parameters, html_pages, echo)


def _run(out: Path, stems: list[str], parameters, html_pages: bool, echo) -> dict[str, float]:
    import nbformat

    from ..files import write_many_atomic

    out.mkdir(parents=True, exist_ok=True)
    seconds, failed = {}, []
    for stem in stems:
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

    folder = paths.notebooks_dir()
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
    from ..files import write_many_atomic

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
        folder = paths.notebooks_dir()
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
    parser = argparse.ArgumentParser(prog="python -m toolkit.notebooks", description="The research notebooks: run, store or check them.")
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
        from ..errors import ToolkitError

        t0 = time.perf_counter()
        try:
            run(args.out, args.only, _parameters(args.parameter), html_pages=not args.no_html)
        except ToolkitError as err:  # e.g. --out notebooks: the notebooks themselves would be overwritten
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"done in {time.perf_counter() - t0:.1f} s")
    elif args.command == "store":
        store(args.only, args.prefer)
    else:
        problems = [p for stem in paths.NOTEBOOKS for p in notebook_problems(stem)]
        print("\n".join(problems) if problems else f"{len(paths.NOTEBOOKS)} notebooks stored cleanly")
        return 1 if problems else 0
    return 0
