"""Batch reports: one HTML report per brain or per city, from one computation per run.

``run_reports`` (and ``python -m toolkit reports``):

1. reads and checks the data, and computes the results bundle once
   (:func:`toolkit.reports.bundle.compute_bundle`); a bundle whose inputs have not changed is reused;
2. plans one job per brain (``by="unit"``) or city (``by="city"``), optionally ``only`` some
   (or ``only=["failed"]``: those that failed last time);
3. skips reports that are up to date (same bundle, notebook, parameters and toolkit version)
   unless ``force``;
4. renders the rest in parallel, each worker reusing one kernel
   (:class:`toolkit.reports.render.NotebookRenderer`), with a progress bar; a failing report is
   recorded and the others go on;
5. writes ``index.html`` (every report with its headline figures) and ``manifest.json``
   (inputs, spec, versions, each report's status), atomically, once: while the reports render,
   each finished one is appended to a journal (:mod:`toolkit.reports.progress`), so a killed
   run resumes where it stopped and the cost stays linear in the number of reports.

File names are derived from a sanitised id plus a hash, so any unit name (``../../x``,
``<script>``, 300 Chinese characters) yields a file inside the run folder.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import json
import os
import platform
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

from .. import __version__
from ..files import output_lock, safe_child, write_atomic
from ..publish.staging import resumable_staging
from .plan import Job, check_targets, no_region_error, plan, safe_filename  # noqa: F401 (re-exported: toolkit.reports.batch.plan …)
from .progress import Journal, recorded
from .reuse import bundle_matches, bundle_targets, matching_bundle, source_digest, up_to_date_bundle
from .workers import execute_jobs, render_job, run_font_css, write_if_changed  # noqa: F401 (re-exported)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "region_report.ipynb"


@dataclass
class RunSummary:
    """What :func:`run_reports` did: the run folder, the reports rendered, skipped (up to date)
    and failed (key → error message), and the time taken.

    Examples
    --------
    >>> s = RunSummary(Path("reports/demo__default"), ok=["unit:SD-B001"], skipped=["unit:SD-B002"])
    >>> s.exit_code
    0
    >>> s.failed["unit:SD-B003"] = "DataError: ..."
    >>> s.exit_code, len(s.ok) + len(s.skipped) + len(s.failed)
    (1, 3)
    """

    run_dir: Path
    ok: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failed: dict = field(default_factory=dict)
    seconds: float = 0.0
    #: the kernels' own time: their notebook executions, and their starts
    render_seconds: float = 0.0
    kernel_seconds: float = 0.0
    #: the run's own seconds by phase, in order (inputs, bundle, plan, render, workbook, overview,
    #: pdf, publish): what profiling a batch starts from
    phases: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# -- the run -------------------------------------------------------------------------------------
def params_json(bundle_name: str):
    """``job -> json.dumps(job.params(bundle_name), sort_keys=True)``, the text each report's
    digest covers. Its size does not grow with the run: a unit report links to the other units'
    reports by a rule (:data:`toolkit.reports.plan.EVERY_UNIT`), a region report to its own units."""
    return lambda job: json.dumps(job.params(bundle_name), sort_keys=True)


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


#: the packages whose versions a run's manifest records
VERSIONED_PACKAGES = ("numpy", "pandas", "scipy", "scikit-learn", "matplotlib", "nbconvert", "nbclient", "SALib")


def read_package_versions() -> dict:
    """The versions the manifest records, read from the packages' metadata now (slow: a run
    reads them once, through :func:`package_versions`).

    Examples
    --------
    >>> v = read_package_versions()
    >>> v["toolkit"] == __version__ and "numpy" in v
    True
    """
    import importlib.metadata as md

    out = {"toolkit": __version__, "python": platform.python_version()}
    for pkg in VERSIONED_PACKAGES:
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out


@functools.lru_cache(maxsize=1)
def package_versions() -> dict:
    """:func:`read_package_versions`, read once per process."""
    return read_package_versions()


def run_reports(data_path: str | Path, spec_path: str | Path = ROOT / "configs" / "default.yaml", *,
                by: str = "unit", only=None, lang: str = "zh", year: int | None = None, workers: int = 2,
                executor: str = "local", scheduler=None, force: bool = False, out: str | Path = "reports",
                run: str | None = None, n_uncertainty: int = 500, seed: int = 20240408,
                notebook: str | Path = NOTEBOOK, progress: bool = True, pdf: bool = False, framework=None,
                workbook: bool = True) -> RunSummary:
    """Produce the reports of one run; see the module docstring. Returns a :class:`RunSummary`.

    The run folder defaults to ``<data stem>__<spec name>`` for Chinese and
    ``<data stem>__<spec name>__en`` for English, so the languages never share a folder.
    ``pdf`` also prints each report to an A4 PDF beside its HTML (headless Chromium,
    :mod:`toolkit.reports.pdf`); ``workbook`` writes ``results.xlsx``
    (:mod:`toolkit.reports.workbook`).

    The run is written into a hidden staging copy of the run folder (``<out>/.<run>.staging``:
    the published folder's files as hard links, or what a killed run left, so a re-run picks up
    where it stopped) and swapped in whole at the end (:func:`toolkit.publish.publish_staging`),
    so the run folder always holds one complete run. The call holds the output lock of ``out``
    (:func:`toolkit.files.output_lock`): a second run into it stops with
    :class:`~toolkit.files.OutputLocked`.

    Parameters
    ----------
    data_path : str or Path
        The raw return (CSV/XLSX) or a processed parquet file.
    spec_path : str or Path
        The index specification.
    by : {"unit", "city"}
        One report per brain or per city.
    only : list of str, optional
        Only these unit ids / cities (``["failed"]``: those that failed last time).
    lang : {"zh", "en"}
    year : int, optional
        Year reported (default: the latest).
    workers : int
        Parallel kernels.
    executor : {"local", "serial", "dask"}
        Where the reports render (``scheduler``: a Dask scheduler address).
    force : bool
        Render even reports that are up to date.
    out : str or Path
        Parent folder of the run folder; ``run`` names the run folder.
    n_uncertainty, seed
        Replications and seed of the rank intervals (``n_uncertainty=0`` skips them).
    notebook : str or Path
        The report notebook.
    progress, pdf, workbook : bool
        Show a progress bar; also print PDFs; also write ``results.xlsx``.

    Returns
    -------
    RunSummary
        The reports rendered, skipped and failed; ``exit_code`` is 1 when any failed.

    Examples
    --------
    Rendering executes one notebook per report, so this is not run here:

    >>> summary = run_reports("data/raw/demo_synthetic_returns.csv", by="city", lang="en",
    ...                       n_uncertainty=8)  # doctest: +SKIP
    >>> summary.run_dir.name, len(summary.ok), summary.exit_code  # doctest: +SKIP
    ('demo_synthetic_returns__default__en', 16, 0)
    """
    options = dict(by=by, only=only, lang=lang, year=year, workers=workers, executor=executor,
                   scheduler=scheduler, force=force, out=out, run=run, n_uncertainty=n_uncertainty, seed=seed,
                   notebook=notebook, progress=progress, pdf=pdf, framework=framework, workbook=workbook)
    from ..publish.guard import protected_inputs

    # the inputs are never written over (a run folder holding the data is refused before anything is written)
    with protected_inputs(data_path, spec_path, notebook, framework if isinstance(framework, str | Path) else None), \
            output_lock(out):  # one run at a time into ``out``, from a notebook or the command line
        opened: list[Path] = []  # the run folder, once its staging copy is opened
        try:
            return _run_reports(data_path, spec_path, **options, opened=opened)
        except OSError as exc:
            if exc.errno != errno.ENOSPC or not opened:
                raise
            from ..publish.staging import discard_on_full_disk

            raise discard_on_full_disk(exc, resumable_staging(opened[0]), opened[0]) from exc


def _run_reports(data_path, spec_path, *, by, only, lang, year, workers, executor, scheduler, force, out, run,
                 n_uncertainty, seed, notebook, progress, pdf, framework, workbook, opened) -> RunSummary:
    from ..index.spec import load_spec
    from ..publish import open_staging, publish_folder, publish_staging, stage_path
    from .bundle import bundle_digest, compute_bundle, load_bundle, save_bundle

    t0 = time.perf_counter()
    phases, mark = {}, [t0]

    def lap(name: str) -> None:  # the seconds since the previous lap are phase ``name``'s
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - mark[0]
        mark[0] = now

    data_path, spec_path, notebook = Path(data_path), Path(spec_path), Path(notebook)
    spec = load_spec(spec_path, framework)  # ``framework``: a Framework, name or file (default: the spec's)
    fw = spec.framework
    if by in ("city", "all") and fw.region_column is None:  # said before any data is read
        raise no_region_error(by, fw)
    data = None

    def read_data():  # read and checked in full: for computing a bundle, never to re-use one
        nonlocal data
        if data is None:  # (pandera and the readers imported only then)
            from ..data.prepare import load_processed
            from ..data.read import read_indicators

            data = load_processed(data_path, fw) if data_path.suffix == ".parquet" else read_indicators(data_path, fw)
        return data

    # a name from the spec or --run never leaves --out
    final_dir = safe_child(Path(out), run or default_run_name(data_path, spec.name, lang))
    source_sha = source_digest(data_path)  # a raw return's bytes (a parquet file: read to learn its source)
    if source_sha is None:
        source_sha = read_data().sha256
    wanted = {"source_sha256": source_sha, "spec_sha256": spec.sha256, "toolkit_version": __version__,
              "framework_sha256": fw.sha256, "n_uncertainty": n_uncertainty, "seed": seed}
    # the data were read and checked when the bundle was computed from these very bytes: a bundle
    # recorded for them is used as it is (any other input, or a changed byte, reads them in full)
    known = None if data is not None else up_to_date_bundle(final_dir, Path(out), wanted)
    # a typo in --only/--year stops before any computing
    check_targets(read_data().table if known is None else bundle_targets(known, fw.region_column),
                  by, only, year, fw.region_column)
    lap("inputs")
    # everything is written into a staging copy of the run folder (the one a killed run left is
    # resumed), swapped in whole at the end: the run folder is never a mix of two runs
    opened.append(final_dir)  # a full disk from here on removes the staging copy (run_reports)
    run_dir = open_staging(final_dir)
    bundle_dir = run_dir / "_bundle"
    manifest_path = run_dir / "manifest.json"
    previous = recorded(run_dir)  # the manifest, and the journal of a run killed before writing it

    meta_path = bundle_dir / "meta.json"
    if not bundle_matches(bundle_dir, wanted):  # --force re-renders; it need not recompute
        twin = matching_bundle(Path(out), wanted)  # e.g. the city run reuses the brain run's bundle
        if twin is not None:
            import shutil

            tmp = stage_path(bundle_dir)
            shutil.copytree(twin, tmp)
            publish_folder(tmp, bundle_dir)
        else:
            check_targets(read_data().table, by, only, year, fw.region_column)
            source_sha = data.sha256  # what the bundle records (the bytes read, were the file replaced meanwhile)
            save_bundle(compute_bundle(read_data(), spec, n_uncertainty=n_uncertainty, seed=seed), bundle_dir)
        load_bundle.cache_clear()
    bundle = load_bundle(bundle_dir)
    css_path = bundle_dir / "fontface.css"
    if not css_path.exists() or css_path.stat().st_mtime < meta_path.stat().st_mtime:
        css = run_font_css(bundle, notebook)
        write_atomic(css_path, lambda tmp: tmp.write_text(css, encoding="utf-8"))
    bdigest = bundle_digest(bundle_dir)
    nb_digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
    lap("bundle")

    if only == ["failed"] or only == ("failed",):
        only = [rec["target"] for rec in previous.get("reports", {}).values()
                if rec.get("status") == "failed" and by in (rec.get("by"), "all")]
        if not only:
            only = ["__none__"]
    done_cities = {rec["target"] for rec in previous.get("reports", {}).values()
                   if rec.get("by") == "city" and rec.get("status") == "ok" and rec.get("lang") == lang}
    jobs = [] if only == ["__none__"] else plan(bundle, by, only, lang, year, city_reports=done_cities)
    records = dict(previous.get("reports", {})) if previous.get("bundle_digest") == bdigest else {}
    todo, summary = [], RunSummary(final_dir)
    params_text = params_json(bundle_dir.name)
    for j in jobs:
        d = _digest(bdigest, nb_digest, params_text(j), __version__)
        rec = records.get(j.key, {})
        if not force and rec.get("digest") == d and rec.get("status") == "ok" and (run_dir / j.filename).exists():
            summary.skipped.append(j.key)
            continue
        records[j.key] = {**{f.name: getattr(j, f.name) for f in fields(j) if f.name != "links"}, "digest": d,
                          "status": "pending"}
        todo.append(j)
    summary.phases = phases
    lap("plan")

    def manifest_now() -> dict:
        summary.seconds = time.perf_counter() - t0
        return {
            "run": final_dir.name, "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "inputs": {"data": str(data_path), "data_sha256": source_sha, "spec": str(spec_path),
                       "spec_sha256": spec.sha256, "notebook": str(notebook), "notebook_sha256": nb_digest,
                       "synthetic": bundle.synthetic},
            "spec": spec.to_dict(), "versions": dict(package_versions()), "bundle_digest": bdigest,
            "options": {"by": by, "lang": lang, "year": year, "workers": workers, "executor": executor,
                        "n_uncertainty": n_uncertainty, "seed": seed},
            "summary": {"ok": len(summary.ok), "skipped": len(summary.skipped), "failed": len(summary.failed),
                        "seconds": round(summary.seconds, 2)},
            "reports": records,
        }

    journal = Journal(run_dir, bdigest, records)

    def record(res: dict) -> None:
        summary.render_seconds += res.pop("render_seconds", 0.0)
        summary.kernel_seconds += res.pop("kernel_seconds", 0.0)
        records[res["key"]].update(res)
        if res["status"] == "ok":
            summary.ok.append(res["key"])
        else:
            summary.failed[res["key"]] = res["error"]
        journal.record({**records[res["key"]], "key": res["key"]})  # a killed run resumes from here

    with journal:
        execute_jobs(todo, run_dir, notebook, workers, executor, scheduler, progress, on_result=record,
                     published=str(final_dir.resolve() / "_bundle"))
    lap("render")
    wb_key = f"{bdigest}:{lang}"
    if workbook and (previous.get("workbook") != wb_key or not (run_dir / "results.xlsx").exists()):
        from .workbook import write_workbook  # a few seconds: only when the results changed

        write_workbook(bundle, run_dir / "results.xlsx", lang)
    lap("workbook")
    manifest = {**manifest_now(), "workbook": wb_key if workbook and (run_dir / "results.xlsx").exists() else None}
    from .index_page import index_html

    # the overview's added sections (gaps and convergence) are kept in the run folder per bundle
    page = index_html(bundle, records, lang, head=css_path.read_text("utf-8"),
                      store=run_dir / "_overview" / f"sections-{lang}.json", bundle_digest=bdigest)
    write_if_changed(run_dir / "index.html", page)  # unchanged: its PDF stays up to date
    lap("overview")
    if pdf:  # every page of the run whose PDF is missing or older than it, the overview too
        pages = [run_dir / rec["filename"] for rec in records.values()
                 if rec.get("status") == "ok" and rec.get("lang", lang) == lang] + [run_dir / "index.html"]
        for key, err in _print_pdfs(missing_pdfs(pages), progress).items():
            summary.failed[f"pdf:{key}"] = err
        lap("pdf")
    # written once per run (the journal held the progress until now), without indentation:
    # json's C encoder, so the cost is linear in the number of reports and small
    write_atomic(manifest_path, lambda tmp: tmp.write_text(
        json.dumps(manifest, ensure_ascii=False, default=str) + "\n", encoding="utf-8"))
    journal.remove()
    _point_params_at(run_dir / "_params", final_dir / "_bundle")
    publish_staging(run_dir, final_dir)
    lap("publish")
    return summary


def missing_pdfs(pages) -> list[Path]:
    """The pages (HTML files) whose PDF beside them is missing or older than the page: a run
    with ``--pdf`` after an up-to-date HTML run still writes every PDF (a missing PDF is a
    missing output).

    Examples
    --------
    >>> import tempfile, os
    >>> d = Path(tempfile.mkdtemp())
    >>> a, b = d / "a.html", d / "b.html"
    >>> for p in (a, b, d / "b.pdf"):
    ...     _ = p.write_text("x")
    >>> os.utime(a, (1, 1))
    >>> [p.name for p in missing_pdfs([a, b, d / "gone.html"])]
    ['a.html']
    """
    out = []
    for page in map(Path, pages):
        if not page.is_file():
            continue
        target = page.with_suffix(".pdf")
        if not target.is_file() or target.stat().st_mtime < page.stat().st_mtime:
            out.append(page)
    return out


def _print_pdfs(pages: list[Path], progress: bool) -> dict[str, str]:
    """Print ``pages`` to PDF with a progress bar of its own (the PDF phase is the slow one)."""
    from tqdm.auto import tqdm

    from .pdf import print_pdfs

    with tqdm(total=len(pages), desc="PDF", unit="page", disable=not progress or not pages) as bar:
        return print_pdfs(pages, on_page=lambda _: bar.update())  # one Chromium for the whole run


def _point_params_at(params_dir: Path, bundle_dir: Path) -> None:
    """The reports' parameter files name the bundle they were rendered from, in the staging
    copy; once published it is ``bundle_dir`` (so a report can be rendered again by hand)."""
    for path in sorted(params_dir.glob("*.json")) if params_dir.is_dir() else []:
        try:
            doc = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if doc.get("bundle_dir") != str(bundle_dir):
            doc["bundle_dir"] = str(bundle_dir)
            text = json.dumps(doc, ensure_ascii=False)
            write_atomic(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))


def default_run_name(data_path: str | Path, spec_name: str, lang: str = "zh") -> str:
    """The run folder's default name: each language gets its own.

    Examples
    --------
    >>> default_run_name("data/raw/demo.csv", "default"), default_run_name("demo.csv", "default", "en")
    ('demo__default', 'demo__default__en')
    """
    base = f"{Path(data_path).stem}__{spec_name}"
    return base if lang == "zh" else f"{base}__{lang}"


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
