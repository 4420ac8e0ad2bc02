"""Rendering the planned reports: one kernel per worker process (reused for all its reports),
a local process pool or a Dask cluster, the run's embedded font, and a worker that dies
reported exactly (the other reports go on)."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..files import write_atomic
from .plan import Job

_RENDERERS: dict[tuple[int, str], object] = {}


def _renderer(notebook: str):
    """This process's renderer (one kernel per worker process, reused for all its reports) and
    the seconds its kernel took to start (0 once it has started)."""
    key = (os.getpid(), notebook)  # a forked child must never reuse its parent's kernel
    if key not in _RENDERERS:
        import atexit

        from .render import NotebookRenderer

        t0 = time.perf_counter()
        r = NotebookRenderer(notebook)
        _RENDERERS[key] = r
        atexit.register(lambda: os.getpid() == key[0] and r.close())
        return r, time.perf_counter() - t0
    return _RENDERERS[key], 0.0


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from a clean 'forkserver' (not from this process, whose kernels
    and sockets must not be inherited), with the rendering stack preloaded once."""
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["toolkit.reports.batch", "toolkit.reports.render", "jupyter_client"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def render_job(job: Job, run_dir: str, notebook: str, reuse_kernel: bool = True, published: str | None = None) -> dict:
    """Render one report (in a worker). Returns a status record; never raises.

    The report's parameter file names ``published`` (the bundle's folder once the run is
    published; default: the run folder's own), so it never has to be rewritten after the run;
    the kernel reads a copy that names the bundle where it is now. The record's
    ``render_seconds`` is the kernel's own time (the notebook's execution), ``kernel_seconds``
    the time its kernel took to start, for the report that started it."""
    t0 = time.perf_counter()
    run = Path(run_dir)
    params_path = run / "_params" / (job.filename[:-5] + ".json")
    kernel_params = None
    render_s = kernel_s = 0.0
    try:
        params_path.parent.mkdir(parents=True, exist_ok=True)
        here = job.params(run / "_bundle")
        write_if_changed(params_path, json.dumps({**here, "bundle_dir": published} if published else here,
                                                 ensure_ascii=False))
        if published:  # the kernel's copy, outside the run: where the bundle is while the run is staged
            import tempfile

            fd, name = tempfile.mkstemp(prefix="sdb-params-", suffix=".json")
            kernel_params = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(here, ensure_ascii=False))
        head = _font_css(run / "_bundle" / "fontface.css")
        source = kernel_params if published else params_path
        if reuse_kernel:
            renderer, kernel_s = _renderer(notebook)
            t1 = time.perf_counter()
            html = renderer.render(source, job.title, head, job.lang)
            render_s = time.perf_counter() - t1
        else:
            from .render import NotebookRenderer

            t1 = time.perf_counter()
            with NotebookRenderer(notebook) as r:
                t2 = time.perf_counter()
                html = r.render(source, job.title, head, job.lang)
                render_s = time.perf_counter() - t2
            kernel_s = t2 - t1
        target = (run / job.filename).resolve()
        if run.resolve() not in target.parents:  # cannot happen with safe_filename; checked anyway
            raise RuntimeError(f"refusing to write outside the run folder: {target}")
        write_if_changed(target, html)
        return {"key": job.key, "status": "ok", "seconds": round(time.perf_counter() - t0, 3),
                "render_seconds": render_s, "kernel_seconds": kernel_s}
    except Exception as exc:  # one failing report must not stop the others
        return {"key": job.key, "status": "failed", "error": f"{type(exc).__name__}: {exc}"[:2000],
                "seconds": round(time.perf_counter() - t0, 3), "render_seconds": render_s, "kernel_seconds": kernel_s}
    finally:
        if kernel_params is not None:
            kernel_params.unlink(missing_ok=True)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically (:func:`toolkit.files.write_atomic`) unless the file
    holds exactly that text already; True when it was written.

    A page re-rendered to the same bytes is left as it is: its PDF stays up to date (PDFs are
    printed for pages newer than them), and in a run's staging copy it stays a hard link to the
    published page, so publishing the run has no old copy of it to free (on a disk mounted with
    ``discard``, freeing a written file's blocks costs milliseconds each).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.html"
    >>> write_if_changed(p, "<p>1</p>"), write_if_changed(p, "<p>1</p>"), write_if_changed(p, "<p>2</p>")
    (True, False, True)
    >>> p.read_text()
    '<p>2</p>'
    """
    data = text.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, lambda tmp: tmp.write_bytes(data))
    return True


_CSS: dict[str, str] = {}


def _font_css(path: Path) -> str:
    key = str(path)
    if key not in _CSS:
        _CSS[key] = path.read_text("utf-8") if path.exists() else ""
    return _CSS[key]


def run_font_css(bundle, notebook: Path) -> str:
    """The embedded-font CSS of a run: the font subset to every character its reports can show."""
    from ..viz.fonts import font_face_css
    from .views import T

    fw = bundle.framework
    here = Path(__file__).parent
    # every literal the pages can show: the notebook, the view and index modules' own text
    parts = [notebook.read_text("utf-8"), " ".join(a + b for a, b in T.values())]
    parts += [(here / f"{m}.py").read_text("utf-8") for m in ("views", "city_views", "region_trend", "summary",
                                                                  "index_page", "text", "workbook")]
    parts += [(here.parent / "reference" / f).read_text("utf-8") for f in ("cities.yaml", "industries.yaml")]
    import inspect

    from .index_page import OVERVIEW_SECTIONS

    # the overview's added sections: the text of the modules that build them
    parts += [Path(inspect.getsourcefile(make)).read_text("utf-8") for make in OVERVIEW_SECTIONS]
    parts += [f"{n.name_zh}{n.name_en}{n.unit}" for n in fw.nodes()]
    parts += [g.label("zh") + "".join(g.groups) for g in fw.groupings]   # the overview's gaps section
    parts += [" ".join(fw.words(lang).values()) + "".join(fw.wording.title or ()) for lang in ("zh", "en")]
    for df in bundle.tables.values():
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype).startswith(("str", "string")):
                parts.append("".join(map(str, df[col].dropna().unique())))
    parts += [str(v) for v in bundle.meta.values()]
    from .text import unit_name

    # every unit's name in both languages (a country's Chinese name comes from reference data)
    parts += [unit_name(r, lang, fw) for r in bundle.summary.drop_duplicates("unit_id").to_dict("records")
              for lang in ("zh", "en")]
    return font_face_css("".join(sorted(set("".join(parts)))))


def _lost(job: Job, exc: BaseException) -> dict:
    """The record of a report whose worker died (a killed Dask worker, a broken process pool)."""
    return {"key": job.key, "status": "failed", "error": f"worker lost: {type(exc).__name__}: {exc}"[:2000],
            "seconds": 0.0}


def execute_jobs(jobs, run_dir: Path, notebook: Path, workers: int, executor: str, scheduler, progress: bool,
                 on_result=None, published: str | None = None):
    """Render ``jobs`` on ``workers`` kernels (``executor``: local processes, serial, or Dask),
    calling ``on_result(record)`` as each finishes; ``published``: the bundle folder the
    reports' parameter files name (:func:`render_job`)."""
    from tqdm.auto import tqdm

    bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)
    results = _Results(on_result)
    if not jobs:
        bar.close()
        return results
    if executor == "dask":
        from dask.distributed import Client, LocalCluster

        cluster = None
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        client = Client(scheduler or cluster)
        try:
            futures = {client.submit(render_job, j, str(run_dir), str(notebook), True, published, pure=False): j
                       for j in jobs}
            for fut in _dask_as_completed(list(futures)):
                try:
                    results.append(fut.result())
                except Exception as exc:  # the worker died (KilledWorker): this report failed, the rest go on
                    results.append(_lost(futures[fut], exc))
                bar.update()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif workers <= 1 or executor == "serial":
        for j in jobs:
            results.append(render_job(j, str(run_dir), str(notebook), True, published))
            bar.update()
    else:
        with _pool(workers) as pool:
            futures = {pool.submit(render_job, j, str(run_dir), str(notebook), True, published): j for j in jobs}
            for fut in as_completed(futures):
                try:
                    results.append(fut.result())
                except Exception as exc:  # BrokenProcessPool: a worker process died
                    results.append(_lost(futures[fut], exc))
                bar.update()
    bar.close()
    return results


class _Results(list):
    """The results list, calling ``on_result`` after each one (the manifest is saved as reports
    finish, so a killed run resumes where it stopped)."""

    def __init__(self, on_result=None):
        super().__init__()
        self.on_result = on_result

    def append(self, res) -> None:
        super().append(res)
        if self.on_result is not None:
            self.on_result(res)


def _dask_as_completed(futures):
    from dask.distributed import as_completed as dask_completed

    return dask_completed(futures)
