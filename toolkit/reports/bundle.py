"""The results bundle: everything the reports show, computed once per run.

``compute_bundle`` runs the index, the typology and the rank-uncertainty analysis once and
flattens them into a few tidy tables; ``save_bundle`` writes them (parquet + JSON, atomically);
each report notebook only loads them (``load_bundle``, cached per kernel) and presents one
unit or city. Reports therefore never recompute anything, and all reports of a run show
numbers from the same computation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..files import write_folder_atomic
from ..framework.loader import load_framework
from ..framework.model import Framework
from .scale import result_scale

# the computing side (index, io) is imported inside compute_bundle: a report kernel that only
# loads a bundle should not import scipy, scikit-learn and pandera

FRAMEWORK_FILE = "framework.yaml"  # the bundle's copy of the framework file it was computed with
TABLES = ("summary", "leaves", "obstacles", "coupling", "typology", "intervals", "dimension_weights")


@dataclass(frozen=True)
class Bundle:
    """The tables of a run (see :data:`TABLES`) and its metadata.

    Examples
    --------
    A run's bundle comes from :func:`compute_bundle` (or :func:`load_bundle` of a saved one);
    its tables read as attributes. Here one is made by hand from the per-unit tables of an index:

    >>> import toolkit
    >>> r = toolkit.build_index(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> bundle = Bundle(index_tables(r), {"synthetic": True, "framework": r.framework.id}, r.framework)
    >>> bundle.years, bundle.synthetic, len(bundle.summary)  # 50 brains × 5 years
    ([2021, 2022, 2023, 2024, 2025], True, 250)
    >>> bundle.summary is bundle.tables["summary"]
    True
    """

    tables: dict[str, pd.DataFrame]
    meta: dict
    framework: Framework = field(repr=False, default=None)

    def __getattr__(self, name):
        tables = object.__getattribute__(self, "tables")
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic"))

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.summary["year"].unique())


def compute_bundle(data, spec=None, *, uncertainty_spec=None, n_uncertainty: int = 500,
                   seed: int = 20240408, typology_year: int | None = None, top_obstacles: int = 5,
                   result=None) -> Bundle:
    """Compute everything the reports need from ``data`` under ``spec``.

    Parameters
    ----------
    uncertainty_spec : path or mapping, optional
        Uncertainty specification for the rank intervals (default ``configs/uncertainty.yaml``
        when it exists); ``n_uncertainty=0`` skips the analysis (intervals then equal the rank).
    data : IndicatorData or DataFrame
        The checked returns (as for :func:`toolkit.build_index`).
    spec : IndexSpec, path or mapping, optional
        The index specification (default: the built-in defaults).
    uncertainty_spec : path or mapping, optional
        Uncertainty specification for the rank intervals (default ``configs/uncertainty.yaml``
        when it exists); ``n_uncertainty=0`` skips the analysis (intervals then equal the rank).
    n_uncertainty : int
        Monte Carlo replications for the rank intervals.
    seed : int
        Seed of the typology and of the uncertainty analysis.
    typology_year : int, optional
        Year whose dimension scores define the typology (default: the latest).
    top_obstacles : int
        Leading obstacles kept per unit.
    result : IndexResult, optional
        An index already built from ``data`` and ``spec`` (not rebuilt).

    Returns
    -------
    Bundle
        The tables of :data:`TABLES` and the run's metadata (source and its hash, spec, versions,
        whether the data are synthetic, what could not be computed and why).

    Examples
    --------
    The typology's bootstrap takes several seconds, so this is not run here:

    >>> import toolkit  # doctest: +SKIP
    >>> data = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv")  # doctest: +SKIP
    >>> bundle = compute_bundle(data, "configs/default.yaml", n_uncertainty=0)  # doctest: +SKIP
    >>> sorted(bundle.tables), bundle.years, bundle.synthetic  # doctest: +SKIP
    (['coupling', 'dimension_weights', 'intervals', 'leaves', 'obstacles', 'summary', 'typology'],
     [2021, 2022, 2023, 2024, 2025], True)
    """
    from ..data.read import IndicatorData
    from ..index.build import build_index

    r = result or build_index(data, spec)
    fw = r.framework
    years = r.years
    tables = index_tables(r, top_obstacles)
    typ = _typology_table(r, typology_year or years[-1], seed)
    intervals = _intervals(data, r, uncertainty_spec, n_uncertainty, seed)

    source = data.source if isinstance(data, IndicatorData) else "<DataFrame>"
    meta = {
        "source": source,
        "source_sha256": data.sha256 if isinstance(data, IndicatorData) else "",
        "synthetic": bool(getattr(data, "is_synthetic", False)),
        "spec_name": r.spec.name, "spec_sha256": r.spec.sha256, "spec_yaml": r.spec.to_yaml(),
        "excluded": list(r.spec.excluded),
        "framework": fw.id, "framework_version": fw.version, "framework_sha256": fw.sha256,
        "toolkit_version": __version__,
        "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "years": years, "typology_year": typ.attrs.get("year"),
        "n_uncertainty": int(intervals.attrs.get("n", 0)), "seed": seed,
        "not_computed": {k: v for k, v in (("intervals", intervals.attrs.get("reason")),
                                           ("typology", typ.attrs.get("reason"))) if v},
        "notes": list(getattr(data, "notes", ()) or ()),
        "scale": result_scale(r).to_dict(),  # the axes and decimals every page shows scores with
    }
    tables.update(typology=typ, intervals=intervals)
    return Bundle(tables, meta, fw)


def index_tables(r, top_obstacles: int = 5) -> dict[str, pd.DataFrame]:
    """The per-unit tables of an :class:`~toolkit.index.build.IndexResult` that reports and
    ``results.xlsx`` show: summary (scores and rank), leaves (raw, normalised, percentile,
    effective weight), obstacles (top ``top_obstacles`` per unit), coupling and dimension weights.

    Parameters
    ----------
    r : IndexResult
        A built index.
    top_obstacles : int
        How many of each unit's leading obstacles to keep.

    Returns
    -------
    dict of str to DataFrame
        Tables keyed by name (``summary``, ``leaves``, ``obstacles`` …), each with ``unit_id`` and
        ``year`` columns.

    Examples
    --------
    >>> import toolkit
    >>> r = toolkit.build_index(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> tables = index_tables(r)
    >>> len(tables["summary"]), int(tables["summary"]["n_units"].iloc[0])   # 50 brains × 5 years
    (250, 50)
    """
    fw = r.framework
    root = fw.root.code
    summary = pd.concat([r.units, r.level_scores(r.headline_level), r.composite.rename(root), r.rank],
                        axis=1).reset_index()
    if "brain_name" not in summary:  # the reports' display name: the framework's name column (or the id)
        summary["brain_name"] = summary[fw.name_column] if fw.name_column in summary else summary["unit_id"]
    for col in ("city", "industry"):  # a framework without them: missing (never invented), so the
        if col not in summary:        # same-city / same-industry comparisons are left out
            summary[col] = None
    summary["n_units"] = summary.groupby("year")["unit_id"].transform("size")
    years = r.years

    # indicator level: raw value, whether imputed, normalised score, percentile, effective weight
    block = r.effective_weights.index[0]
    eff = r.effective_weights.loc[block] if block == "pooled" else None
    leaves = []
    for y in years:
        raw = r.raw.xs(y, level="year")
        norm = r.normalised.xs(y, level="year")
        pct = norm.rank(pct=True, method="max") * 100
        w = eff if eff is not None else r.effective_weights.loc[y]
        long = pd.DataFrame({
            "unit_id": np.repeat(raw.index.to_numpy(), raw.shape[1]),
            "code": np.tile(raw.columns.to_numpy(), raw.shape[0]),
            "raw": raw.to_numpy().ravel(),
            "normalised": norm.to_numpy().ravel(),
            "percentile": pct.to_numpy().ravel(),
            "weight": np.tile(w.reindex(raw.columns).to_numpy(), raw.shape[0]),
        })
        long.insert(1, "year", y)
        leaves.append(long)
    leaves = pd.concat(leaves, ignore_index=True)
    leaves["imputed"] = leaves["raw"].isna()

    obstacles, coupling = [], []
    for y in years:
        od = r.obstacles(y).stack().rename("obstacle").reset_index()
        od.columns = ["unit_id", "code", "obstacle"]
        od = od.sort_values(["unit_id", "obstacle"], ascending=[True, False], kind="stable")
        od["rank"] = od.groupby("unit_id").cumcount() + 1
        obstacles.append(od[od["rank"] <= top_obstacles].assign(year=y))
        coupling.append(r.coupling(y).reset_index().assign(year=y))
    obstacles = pd.concat(obstacles, ignore_index=True)
    coupling = pd.concat(coupling, ignore_index=True)

    dim_w = r.weights[r.weights["parent"] == root][["child", "weight"]].rename(columns={"child": "dimension"})
    return {"summary": summary, "leaves": leaves, "obstacles": obstacles, "coupling": coupling,
            "dimension_weights": dim_w}


def _typology_table(r, year: int, seed: int) -> pd.DataFrame:
    from ..analysis.typology import typology
    from ..errors import DataError, FrameworkError

    n = int((r.composite.index.get_level_values("year") == year).sum())
    # at least ~5 units per cluster on average, so small runs still get a stable typology
    k_max = max(2, min(8, n // 5))
    cols = ["unit_id", "cluster", "label_zh", "label_en", "cluster_label_zh", "cluster_label_en", "fits_cluster",
            "basis_zh", "basis_en", "shape_zh", "shape_en"]
    try:
        t = typology(r, year=year, k_range=(2, k_max), seed=seed % (2**31), n_boot=50)
    except (DataError, FrameworkError) as exc:  # too few units, or no dimensions: said instead of failing
        out = pd.DataFrame(columns=cols)
        out.attrs.update(year=year, reason=str(exc))
        return out
    try:  # what each brain is relatively good at (its scores against its own mean)
        shape = typology(r, year=year, k_range=(2, k_max), seed=seed % (2**31), n_boot=0, basis="shape")
    except (DataError, FrameworkError):
        shape = None
    from ..analysis.labels import basis_name

    # the basis in the framework's words (维度 / dimension, 支柱 / pillar …)
    basis = {lang: basis_name(t.basis, lang, r.framework.words(lang)["dim"]) for lang in ("zh", "en")}
    rows = []
    for unit in t.assignments.index:  # the label shown is true of the brain, not only of its cluster
        zh, en = t.describe(unit, "zh"), t.describe(unit, "en")
        sz = shape.describe(unit, "zh")["label"] if shape is not None else None
        se = shape.describe(unit, "en")["label"] if shape is not None else None
        rows.append([unit, zh["cluster"], zh["label"], en["label"], zh["cluster_label"], en["cluster_label"],
                     zh["fits_cluster_label"], basis["zh"], basis["en"], sz, se])
    out = pd.DataFrame(rows, columns=cols)
    out.attrs["year"] = year
    return out


def _nominal_framework(uncertainty_file: Path) -> str | None:
    """The framework named by the nominal spec of an uncertainty file (``spec:`` → ``framework:``)."""
    import yaml

    from ..framework.schema import DEFAULT_FRAMEWORK

    doc = yaml.safe_load(uncertainty_file.read_text("utf-8")) or {}
    spec = uncertainty_file.parent / str(doc.get("spec", ""))
    if not doc.get("spec") or not spec.is_file():
        return None
    return str((yaml.safe_load(spec.read_text("utf-8")) or {}).get("framework", DEFAULT_FRAMEWORK))


def _intervals(data, r, uspec, n: int, seed: int) -> pd.DataFrame:
    nominal = r.rank.rename("nominal").reset_index()
    if n <= 0:
        out = nominal.assign(median=nominal["nominal"], p05=nominal["nominal"], p95=nominal["nominal"])
        out.attrs["n"] = 0
        return out
    from ..robustness.uncertainty import uncertainty

    default = Path(__file__).resolve().parents[2] / "configs" / "uncertainty.yaml"
    if uspec is None and not (default.exists() and _nominal_framework(default) == r.framework.id):
        # configs/uncertainty.yaml is written for the framework of its nominal spec; another
        # framework gets ±25 % noise on the weights at every level, which any spec supports
        uspec = {"name": "weight noise", "factors": [{
            "name": "weight_noise", "type": "weight_noise", "levels": list(r.framework.levels[:-1]),
            "distribution": {"uniform": 0.25}, "sets": 100}]}
    if uspec is None:
        uspec = default
    from ..errors import ToolkitError

    try:
        u = uncertainty(data, r.spec, uspec, n=n, seed=seed, design="montecarlo")
    except ToolkitError as exc:  # e.g. too few units for a data-driven weighting: say so, don't die
        out = nominal.iloc[:0].assign(median=[], p05=[], p95=[])
        out.attrs.update(n=0, reason=f"too few units for the Monte Carlo ({exc})")
        return out
    stats = u.rank_stats.reset_index()
    out = stats[["unit_id", "year", "nominal", "median", "p05", "p95"]]
    out.attrs["n"] = n
    return out


# -- persistence -------------------------------------------------------------------------------------
def save_bundle(bundle: Bundle, folder: str | Path) -> Path:
    """Write the bundle's tables (parquet) and ``meta.json`` into ``folder``, all or nothing
    (the folder is staged whole and swapped in: :func:`toolkit.publish.write_folder_atomic`).

    Parameters
    ----------
    bundle : Bundle
    folder : str or Path
        Folder written into (``<table>.parquet`` per table, ``meta.json``).

    Returns
    -------
    Path
        ``folder``.

    Examples
    --------
    >>> import tempfile, toolkit
    >>> r = toolkit.build_index(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> bundle = Bundle(index_tables(r), {"synthetic": True, "framework": r.framework.id}, r.framework)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     names = sorted(p.name for p in save_bundle(bundle, tmp).iterdir())
    >>> names[:4]
    ['coupling.parquet', 'dimension_weights.parquet', 'framework.yaml', 'leaves.parquet']
    >>> names[4:]
    ['meta.json', 'obstacles.parquet', 'summary.parquet']
    """
    folder = Path(folder)
    writers = {}
    for name, df in bundle.tables.items():
        writers[folder / f"{name}.parquet"] = (lambda frame: lambda tmp: frame.to_parquet(tmp, index=False))(df)
    text = json.dumps(bundle.meta, ensure_ascii=False, indent=2, default=str) + "\n"
    writers[folder / "meta.json"] = lambda tmp: tmp.write_text(text, encoding="utf-8")
    fw_bytes = framework_bytes(bundle.framework)
    if fw_bytes is not None:  # the framework travels by its file: a user's file need not be shipped
        writers[folder / FRAMEWORK_FILE] = lambda tmp: tmp.write_bytes(fw_bytes)
    write_folder_atomic(folder, writers)
    return folder


def framework_bytes(fw: Framework | None) -> bytes | None:
    """The bytes of the file ``fw`` was loaded from, checked against its hash (None for a
    framework with no file).

    Raises
    ------
    FrameworkError
        When the file changed since it was loaded (the bundle would describe another framework).

    Examples
    --------
    >>> import hashlib
    >>> fw = load_framework("undp_hdi")
    >>> hashlib.sha256(framework_bytes(fw)).hexdigest() == fw.sha256
    True
    """
    if fw is None or fw.path is None or not Path(fw.path).is_file():
        return None
    raw = Path(fw.path).read_bytes()
    if hashlib.sha256(raw).hexdigest() != fw.sha256:
        from ..errors import FrameworkError

        raise FrameworkError(f"{fw.path}: the framework file changed while the run was computing; run it again")
    return raw


def bundle_digest(folder: str | Path) -> str:
    """Hash of a saved bundle's files: a report is up to date when this has not changed."""
    h = hashlib.sha256()
    for p in sorted(Path(folder).glob("*")):
        if p.suffix in (".parquet", ".json", ".yaml"):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=4)
def load_bundle(folder: str | Path) -> Bundle:
    """Load a saved bundle (cached: a reused kernel reads each run's bundle once).

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`save_bundle`.

    Returns
    -------
    Bundle
        The tables found (text columns as Python objects), the metadata and the framework it names.

    Examples
    --------
    >>> import tempfile, toolkit
    >>> r = toolkit.build_index(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> saved = Bundle(index_tables(r), {"synthetic": True, "framework": r.framework.id}, r.framework)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     loaded = load_bundle(save_bundle(saved, tmp))
    >>> loaded.years, loaded.synthetic, loaded.summary.shape == saved.summary.shape
    ([2021, 2022, 2023, 2024, 2025], True, True)
    >>> loaded.framework.id
    'shandong_industrial_brain'
    """
    folder = Path(folder)
    tables = {name: _plain_strings(pd.read_parquet(folder / f"{name}.parquet")) for name in TABLES
              if (folder / f"{name}.parquet").exists()}
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    # the framework the bundle was computed with, from the copy of its file the bundle carries
    # (a bundle saved before the copy existed names a shipped framework)
    fw_file = folder / FRAMEWORK_FILE
    if fw_file.is_file():  # the run's own copy, not an input of the command (the run publishes its folder)
        from ..framework.loader import framework_from_bytes

        return Bundle(tables, meta, framework_from_bytes(fw_file.read_bytes(), fw_file))
    return Bundle(tables, meta, load_framework(meta.get("framework")))


def _plain_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: a report selects rows hundreds of times, and taking rows
    of Arrow-backed strings costs several times more."""
    cols = [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) and df[c].dtype != object]
    return df.astype({c: object for c in cols}) if cols else df
