"""Writing an :class:`~toolkit.index.build.IndexResult` to disk, atomically, with its provenance."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..files import neutralise_formulas, output_lock, write_folder_atomic
from .build import IndexResult


def result_tables(result: IndexResult) -> dict[str, pd.DataFrame]:
    """The result as flat tables: scores, weights, effective weights, each step's data, logs.

    Parameters
    ----------
    result : IndexResult
        What :func:`~toolkit.index.build.build_index` returned.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``scores`` (one row per unit and year: descriptors, the index, composite, rank, the other
        nodes in framework order), ``weights``, ``effective_weights`` (one row per leaf),
        ``normalised``, ``treated``, ``imputation_log``, ``treatment_log``.

    Examples
    --------
    >>> from toolkit import build_index, read_indicators
    >>> result = build_index(read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> tables = result_tables(result)
    >>> list(tables)
    ['scores', 'weights', 'effective_weights', 'normalised', 'treated', 'imputation_log', 'treatment_log']
    >>> len(tables["scores"]), len(tables["effective_weights"])  # 50 units × 5 years; 30 leaves
    (250, 30)
    """
    scores = pd.concat([result.units, result.scores, result.composite, result.rank], axis=1).reset_index()
    order = [n.code for n in result.framework.nodes() if n.code in scores.columns]  # the framework's order
    scores = scores[[c for c in scores.columns if c not in order and c not in ("composite", "rank")]
                    + order[:1] + [c for c in ("composite", "rank") if c in scores.columns] + order[1:]]
    eff = result.effective_weights.T.rename_axis("code").reset_index()
    eff.columns = [str(c) for c in eff.columns]  # per-year blocks are named by year (an int)
    return {
        "scores": scores,
        "weights": result.weights,
        "effective_weights": eff,
        "normalised": result.normalised.reset_index(),
        "treated": result.treated.reset_index(),
        "imputation_log": result.imputation_log,
        "treatment_log": result.treatment_log,
    }


def write_results(result: IndexResult, out_dir: str | Path, extra: Mapping | None = None) -> dict[str, Path]:
    """Write ``scores.{csv,parquet}``, ``weights.csv``, ``effective_weights.csv``,
    ``normalised.parquet``, ``treated.parquet``, the logs, ``spec.yaml`` and ``meta.json`` into
    ``out_dir``. Either every file is replaced or none is: the folder is staged whole beside
    ``out_dir`` and swapped in with one atomic step (:func:`toolkit.publish.write_folder_atomic`),
    so even a killed run leaves the previous folder or the new one; files of ``out_dir`` this
    call does not write are kept. The call holds the output lock of ``out_dir``
    (:func:`toolkit.files.output_lock`). ``extra`` adds files to the same atomic folder: file
    name → ``writer(tmp_path)`` (``index --lang`` adds ``results.xlsx`` this way, through
    :func:`toolkit.reports.workbook.write_results_with_workbook`; the index layer does not
    import the reports).

    Parameters
    ----------
    result : IndexResult
    out_dir : str or Path
        Folder written into.
    extra : mapping of str to callable, optional
        More files: name → a function writing the file at the path it is given.

    Returns
    -------
    dict of str to Path
        Each table's name (and ``scores_parquet``, ``spec``, ``meta``) to the file written.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from toolkit import build_index, read_indicators
    >>> result = build_index(read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_results(result, tmp)
    ...     scores = pd.read_csv(paths["scores"])
    >>> sorted(paths)  # doctest: +NORMALIZE_WHITESPACE
    ['effective_weights', 'imputation_log', 'meta', 'normalised', 'scores', 'scores_parquet', 'spec',
     'treated', 'treatment_log', 'weights']
    >>> scores.shape[0], int(scores["rank"].min())
    (250, 1)
    """
    out = Path(out_dir)
    tables = result_tables(result)
    writers, paths = {}, {}

    def csv_writer(df):
        # UTF-8 with BOM, so Excel on Chinese Windows reads it; floats rounded to 6 decimals
        # (the parquet files keep full precision); formula-leading text (=, +, -, @ …) neutralised
        floats = df.select_dtypes("float").columns
        out = neutralise_formulas(df.assign(**{c: df[c].round(6) for c in floats}))
        return lambda tmp: out.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")

    def parquet_writer(df):
        return lambda tmp: df.to_parquet(tmp, index=False)

    for name, df in tables.items():
        kind = "parquet" if name in ("normalised", "treated") else "csv"
        path = out / f"{name}.{kind}"
        writers[path] = parquet_writer(df) if kind == "parquet" else csv_writer(df)
        paths[name] = path
    paths["scores_parquet"] = out / "scores.parquet"
    writers[paths["scores_parquet"]] = parquet_writer(tables["scores"])
    spec_text = result.spec.to_yaml()
    meta = {**result.provenance, "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "years": result.years, "units": int(result.composite.index.get_level_values(0).nunique())}
    paths["spec"], paths["meta"] = out / "spec.yaml", out / "meta.json"
    writers[paths["spec"]] = lambda tmp: tmp.write_text(spec_text, encoding="utf-8")
    writers[paths["meta"]] = lambda tmp: tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                                        encoding="utf-8")
    for name, writer in (extra or {}).items():
        paths[Path(name).suffix.lstrip(".") or name] = out / name
        writers[out / name] = writer
    from ..publish.guard import protected_inputs

    sources = [result.provenance.get(k) for k in ("data_source", "spec_source")]
    with protected_inputs(*(s for s in sources if isinstance(s, str | Path))), output_lock(out):
        write_folder_atomic(out, writers)  # refuses to replace the data or the spec (the publishing layer)
    return paths
