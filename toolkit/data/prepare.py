"""Validate a return and write tidy processed data (parquet + CSV + provenance), atomically."""

from __future__ import annotations

import datetime as dt
import json
import platform
from pathlib import Path

from .. import __version__
from ..framework.model import Framework
from .read import IndicatorData, read_indicators


def provenance(data: IndicatorData) -> dict:
    """Where processed data came from: input file and hash, framework, toolkit version."""
    fw = data.framework
    return {
        "source": data.source,
        "source_sha256": data.sha256,
        "synthetic": data.is_synthetic,
        "notes": list(data.notes),
        "framework": {"id": fw.id, "version": fw.version, "sha256": fw.sha256,
                      "path": str(fw.path) if fw.path else None},
        "unit_conversions": {k: {"stated_unit": u, "factor": f} for k, (u, f) in data.conversions.items()},
        "rows": int(len(data.table)),
        "years": data.years,
        "toolkit_version": __version__,
        "python": platform.python_version(),
        "prepared_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def prepare(path: str | Path, out_dir: str | Path = "data/processed",
            framework: Framework | str | None = None, *, wide: str | dict | None = None) -> dict[str, Path]:
    """Read and check ``path``; write ``<stem>.parquet``, ``<stem>.csv`` and ``<stem>.meta.json``.

    Nothing is written when the input is invalid (a :class:`ValidationError` is raised before
    any file is opened for writing), and the three files replace earlier ones only together:
    they are published with :func:`toolkit.publish.publish_files` (one atomic switch of a
    pointer link), so even a killed run leaves the previous three or the new three. The call
    holds the output lock of ``out_dir`` (:func:`toolkit.files.output_lock`): a second run into
    the same folder, from a notebook or the command line, stops with
    :class:`~toolkit.files.OutputLocked`. The raw file is never modified.

    Parameters
    ----------
    path : str or Path
        The return (CSV/XLSX).
    out_dir : str or Path
        The folder written into.
    framework : Framework or str, optional
        The framework (default: the bundled Shandong framework).
    wide : str or dict, optional
        A wide file's column pattern (:func:`toolkit.read_indicators`).

    Returns
    -------
    dict
        ``{"parquet": path, "csv": path, "meta": path}``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = prepare("data/raw/demo_synthetic_returns.csv", tmp)
    ...     names = sorted(p.name for p in written.values())
    >>> names
    ['demo_synthetic_returns.csv', 'demo_synthetic_returns.meta.json', 'demo_synthetic_returns.parquet']
    """
    from ..files import output_lock
    from ..publish.guard import protected_inputs

    with protected_inputs(path), output_lock(out_dir):  # the return is never written over
        return _prepare(path, out_dir, framework, wide)


def _prepare(path, out_dir, framework, wide=None) -> dict[str, Path]:
    from ..files import publish_files

    data = read_indicators(path, framework, wide=wide)
    stem = Path(path).stem
    writers = processed_writers(data.table, provenance(data), Path(out_dir), stem)
    publish_files(writers, group=stem)
    return dict(zip(("parquet", "csv", "meta"), writers, strict=True))


#: per-row provenance columns a processed file may carry (``collect`` writes them: the return
#: each row came from, its sha256 and its spreadsheet row); :func:`load_processed` sets them aside
PROVENANCE_COLUMNS = ("source_file", "source_sha256", "source_row")


def processed_writers(table, meta: dict, out: Path, stem: str) -> dict[Path, object]:
    """The writers of processed data: ``<stem>.parquet``, ``<stem>.csv`` and ``<stem>.meta.json``
    in ``out``, for :mod:`toolkit.publish` (``prepare`` and ``collect`` write the same format).

    Parameters
    ----------
    table : pandas.DataFrame
        The rows (unit columns, data columns, optionally :data:`PROVENANCE_COLUMNS`).
    meta : dict
        The provenance written as JSON.
    out : Path
        The folder.
    stem : str
        The file names' stem.

    Returns
    -------
    dict
        Target path → function writing it to the temporary path it is given (parquet, csv, meta in
        that order).

    Examples
    --------
    >>> import pandas as pd
    >>> w = processed_writers(pd.DataFrame({"a": [1]}), {}, Path("out"), "x")
    >>> [p.name for p in w]
    ['x.parquet', 'x.csv', 'x.meta.json']
    """
    from ..files import neutralise_formulas

    def parquet(tmp: Path) -> None:
        table.to_parquet(tmp, index=False)

    def csv(tmp: Path) -> None:
        # text that a spreadsheet would run as a formula (=, +, -, @ …) is neutralised; numbers keep their sign
        neutralise_formulas(table).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")

    def meta_json(tmp: Path) -> None:
        tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    return {out / f"{stem}.parquet": parquet, out / f"{stem}.csv": csv, out / f"{stem}.meta.json": meta_json}


def load_processed(path: str | Path, framework: Framework | str | None = None) -> IndicatorData:
    """Load a processed parquet file written by :func:`prepare` back into IndicatorData.

    Without ``framework`` the file's own framework is used (its ``.meta.json`` records the
    framework file it was read with), so data prepared under a user framework load back under it.

    Parameters
    ----------
    path : str or Path
        The ``<stem>.parquet`` file; its ``<stem>.meta.json`` (if present) gives the source hash
        and notes.
    framework : Framework or str, optional
        The framework (or its id); default the one recorded in the ``.meta.json``, else the
        bundled Shandong framework.

    Returns
    -------
    IndicatorData

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = prepare("data/raw/demo_synthetic_returns.csv", tmp)
    ...     data = load_processed(written["parquet"])
    >>> sorted(written)
    ['csv', 'meta', 'parquet']
    >>> data.table.shape, data.is_synthetic
    ((250, 53), True)
    """
    import pandas as pd

    from ..framework.loader import load_framework
    from .problems import Problem, ValidationError

    path = Path(path)
    # read the parquet and its .meta.json from one generation (prepare publishes them together)
    real = path.resolve() if path.is_symlink() else path
    meta_path = real.with_suffix(".meta.json")
    from ..publish.guard import protect

    protect(path, meta_path)  # inputs of the running command: never written over
    try:
        meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
    except (OSError, ValueError):
        meta = {}
    if framework is None:
        recorded = meta.get("framework") or {}
        framework = recorded.get("path") if recorded.get("path") and Path(recorded["path"]).is_file() \
            else recorded.get("id")
    fw = framework if isinstance(framework, Framework) else load_framework(framework)

    def unreadable(zh: str, en: str) -> ValidationError:
        return ValidationError([Problem(str(path), None, None, None, "file_unreadable", zh, en)], str(path))

    if not path.is_file():
        raise unreadable("文件不存在", "file not found")
    try:
        table = pd.read_parquet(real)
    except PermissionError as exc:
        raise unreadable("没有读取该文件的权限", "permission denied: the file cannot be read") from exc
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise unreadable("不是有效的 parquet 文件（请用 prepare 生成）",
                         f"not a valid parquet file (write it with prepare): {str(exc)[:200]}") from exc
    table = table.drop(columns=[c for c in PROVENANCE_COLUMNS if c in table.columns])
    ids = [c.name for c in fw.unit_columns if c.role in ("id", "year")] or ["unit_id", "year"]
    missing = [c for c in (*ids, *fw.columns) if c not in table.columns]
    if missing:
        raise unreadable(f"不是 prepare 生成的数据文件：缺少列 {missing[:5]}",
                         f"not processed data written by prepare: columns {missing[:5]} are missing")
    return IndicatorData(table, fw, str(path), meta.get("source_sha256", ""), {}, tuple(meta.get("notes", ())))
