"""Statistical audit of a composite index: step 4 of the OECD/JRC Handbook, as COINr does it.

Pure functions on units × indicators DataFrames — :func:`correlations`, :func:`cronbach_alpha`,
:func:`kmo`, :func:`bartlett_sphericity`, :func:`pca_summary`, :func:`coverage` — and
:func:`audit`, which runs them on an :class:`~toolkit.index.build.IndexResult` (normalised
indicators, dimension scores, composite) and returns an :class:`AuditReport` of tables with a
``flags`` table. Missing values: correlations and Cronbach's α use pairwise-complete data (as
COINr's ``get_corr``/``get_cronbach``); KMO, Bartlett and PCA use listwise-complete rows (as
COINr's ``get_PCA``). Degenerate inputs give NaN and a ``reason``, never an exception.

Default thresholds (:data:`DEFAULT_THRESHOLDS`; provenance in
``shared/reference/composite-indicators.md`` §1.4, §3.3):

* ``negative`` 0.0 — an indicator whose correlation with its own dimension is below 0 points
  against the dimension. COINr's ``plot_corr`` colours only r < −0.4 red; we flag any negative
  r because in this framework every indicator is a benefit indicator after normalisation, so a
  negative sign is already a warning. Set ``{"negative": -0.4}`` for COINr's colour rule.
* ``weak`` 0.3 — correlation with the parent below 0.3 (COINr ``plot_corr``; JRC audits).
* ``collinear`` 0.9 — two indicators of one dimension with r > 0.9 (COINr ``get_corr_flags``).
* ``redundant`` 0.92 — a dimension with r > 0.92 with the index (JRC audit practice).
* ``alpha`` 0.7 — Cronbach's α below 0.7 (Nunnally). ``kmo`` 0.5 — KMO below 0.5, Kaiser's
  "unacceptable" (with two indicators KMO is 0.5 by construction and is not flagged).
* ``bartlett_p`` 0.05 — Bartlett's test not significant: correlations indistinguishable from
  the identity. ``cumulative`` 0.6 — components kept by the cumulative-variance rule
  (Handbook §6 after Nicoletti et al.; 0.85 is a common stricter choice).
* ``coverage`` 0.65 — units or indicators with less than 65 % of their data (COINr ``dat_thresh``).

Correlations with a parent include the indicator in the parent (part–whole), as in COINr.

The statistics live in :mod:`toolkit.analysis.statistics`, the flags in
:mod:`toolkit.analysis.flags`; both are re-exported here, so
``from toolkit.analysis.audit import cronbach_alpha, kmo, …`` keeps working; this module assembles them
into the report (:func:`audit`, :class:`AuditReport`, :func:`indicator_frame`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..errors import DataError
from .flags import (
    FLAG_COLUMNS,
    check_thresholds,
    correlation_flags,
    correlation_structure,
    flag,
    indicator_flags,
)
from .statistics import (
    DEFAULT_THRESHOLDS,
    KMO,
    Bartlett,
    Coverage,
    PCASummary,
    bartlett_sphericity,
    correlations,
    coverage,
    cronbach_alpha,
    join_reasons,
    kmo,
    pca_summary,
)

__all__ = [
    "DEFAULT_THRESHOLDS", "AuditReport", "Bartlett", "Coverage", "KMO", "PCASummary", "audit",
    "bartlett_sphericity", "correlation_flags", "correlations", "coverage", "cronbach_alpha",
    "indicator_frame", "kmo",
    "pca_summary",
]


# ------------------------------------------------------------------------------------- audit
@dataclass(frozen=True)
class AuditReport:
    """The whole audit of one index as tables (see :func:`audit`).

    Attributes
    ----------
    correlations, pvalues : DataFrame — indicators × indicators.
    structure : DataFrame per indicator — ``dimension``, ``parent``, ``r_dimension``,
        ``p_dimension``, ``r_parent``, ``p_parent``, ``r_index``, ``p_index``.
    dimension_correlations, dimension_pvalues : DataFrame — dimensions and the index.
    dimensions : DataFrame per block (each dimension and ``all``) — ``k``, ``n``, ``alpha``,
        ``alpha_std``, ``kmo``, ``bartlett_chi2``, ``bartlett_df``, ``bartlett_p``, ``n_kaiser``,
        ``n_cumulative``, ``pc1_explained``, ``reason``.
    msa : DataFrame per indicator — KMO's measure of sampling adequacy within its dimension and
        among all indicators.
    pca : DataFrame indexed (block, component) — eigenvalue, explained, cumulative.
    loadings : DataFrame indexed (block, indicator) — loadings on PC1…
    coverage_units, coverage_indicators : DataFrame — raw data coverage (before imputation).
    flags : DataFrame — check, item, other, dimension, value, threshold, message.

    Examples
    --------
    :func:`audit` returns one:

    >>> from toolkit import build_index, read_indicators
    >>> result = build_index(read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> report = audit(result, 2025)
    >>> report.correlations.shape, report.structure.shape  # 28 indicators
    ((28, 28), (28, 8))
    >>> report.dimensions.index.tolist()
    ['L1', 'L2', 'L3', 'L4', 'L5', 'all']
    >>> int(report.dimensions.loc["all", "k"]), round(float(report.dimensions.loc["all", "alpha"]), 2)
    (28, 0.88)
    """

    correlations: pd.DataFrame
    pvalues: pd.DataFrame
    structure: pd.DataFrame
    dimension_correlations: pd.DataFrame
    dimension_pvalues: pd.DataFrame
    dimensions: pd.DataFrame
    msa: pd.DataFrame
    pca: pd.DataFrame
    loadings: pd.DataFrame
    coverage_units: pd.DataFrame
    coverage_indicators: pd.DataFrame
    flags: pd.DataFrame
    thresholds: Mapping
    method: str
    level: str
    year: int | None
    framework: object = field(repr=False, compare=False, default=None)

    @property
    def failing_units(self) -> list:
        """Rows (unit_id, year) whose raw coverage is below the ``coverage`` threshold."""
        return list(self.coverage_units.index[~self.coverage_units["passes"]])

    def summary(self, lang: str = "en") -> pd.DataFrame:
        """One row per block: name, the key statistics and the number of flags of each check."""
        out = self.dimensions[["k", "n", "alpha", "kmo", "bartlett_p", "n_kaiser", "n_cumulative",
                               "pc1_explained"]].copy()
        names = {} if self.framework is None else self.framework.labels(lang)
        out.insert(0, "name", [names.get(b, "all indicators" if lang == "en" else "全部指标")
                               for b in out.index])
        f = self.flags.assign(block=self.flags["dimension"].fillna("all"))
        counts = f.groupby(["block", "check"]).size().unstack(fill_value=0)
        out = out.join(counts.reindex(out.index).fillna(0).astype(int))
        out["flags"] = out[list(counts.columns)].sum(axis=1) if len(counts.columns) else 0
        return out


def indicator_frame(result, year: int | None = None, level: str = "indicator") -> pd.DataFrame:
    """The variables the audit analyses, from an :class:`~toolkit.index.build.IndexResult`.

    ``level="indicator"``: one column per child of each dimension (the framework's indicators):
    the normalised leaf, or the score of an indicator rolled up inside the index from
    sub-measures (L2P1, L3P3). ``level="leaf"``: the normalised index leaves. Rows (unit_id,
    year), all years or ``year`` only.
    """
    from ..framework.tree import index_tree

    fw = result.framework
    if level == "leaf":
        X = result.normalised
    elif level == "indicator":
        tree = index_tree(fw)
        cols = [c for d in fw.dimensions.index for c in tree.get(d, [d])]
        X = pd.DataFrame({c: result.normalised[c] if c in result.normalised else result.scores[c]
                          for c in cols})
    else:
        raise DataError(f"audit: level must be 'indicator' or 'leaf', got {level!r}")
    if year is not None:
        if year not in result.years:
            raise DataError(f"audit: no data for year {year}; the result has {result.years}")
        X = X[X.index.get_level_values("year") == year]
    return X


def audit(result, year: int | None = None, thresholds=None, *, level: str = "indicator",
          method: str = "pearson") -> AuditReport:
    """Statistical audit of an index: correlations, reliability, factorability, PCA, coverage.

    Parameters
    ----------
    result : IndexResult
    year : int, optional
        Audit one year; by default all rows are pooled (as the default ``panel.scope: pooled``
        normalises them; repeated units make p-values optimistic).
    thresholds : mapping, optional
        Overrides of :data:`DEFAULT_THRESHOLDS` (module docstring gives their provenance).
    level : "indicator" or "leaf"
        What is audited (:func:`indicator_frame`).
    method : "pearson", "spearman" or "kendall"
    """
    th = check_thresholds(thresholds)
    fw = result.framework
    X = indicator_frame(result, year, level)
    dims = list(fw.dimensions.index)
    dlevel, root = fw.node(dims[0]).level, fw.root.code
    dim_of = pd.Series({c: fw.ancestor(c, dlevel) for c in X}, name="dimension")
    parent_of = pd.Series({c: fw.node(c).parent for c in X}, name="parent")
    S = result.scores.loc[X.index]

    R, P, structure = correlation_structure(X, dim_of, parent_of, S, root, method)
    RD, PD = correlations(S[dims + [root]], method=method)

    blocks = {d: list(dim_of.index[dim_of == d]) for d in dims if (dim_of == d).any()}
    blocks["all"] = list(X.columns)
    alpha = pd.concat([cronbach_alpha(X, dim_of), cronbach_alpha(X)])
    rows, pca_tables, loadings, msa = {}, [], [], {}
    for b, cols in blocks.items():
        K, B = kmo(X[cols]), bartlett_sphericity(X[cols])
        pc = pca_summary(X[cols], cumulative=th["cumulative"])
        msa[b] = K.msa
        pca_tables.append(pc.table.assign(block=b))
        loadings.append(pc.loadings.assign(block=b))
        a = alpha.loc[b]
        rows[b] = {"k": len(cols), "n": a["n"], "alpha": a["alpha"], "alpha_std": a["alpha_std"],
                   "kmo": K.overall, "bartlett_chi2": B.chi2, "bartlett_df": B.df,
                   "bartlett_p": B.p, "n_kaiser": pc.n_kaiser, "n_cumulative": pc.n_cumulative,
                   "pc1_explained": pc.table["explained"].iloc[0] if len(pc.table) else np.nan,
                   "reason": join_reasons(*dict.fromkeys(x for r in (a["reason"], K.reason, B.reason,
                                                             pc.reason) for x in r.split("; ")))}
    dimensions = pd.DataFrame.from_dict(rows, orient="index").rename_axis("block")
    msa_table = pd.DataFrame({"dimension": dim_of,
                              "msa_dimension": pd.concat([msa[d] for d in blocks if d != "all"]),
                              "msa_all": msa["all"]})
    pca = pd.concat(pca_tables).rename_axis("component").reset_index().set_index(["block", "component"])
    load = pd.concat(loadings).rename_axis("indicator").reset_index().set_index(["block", "indicator"])
    raw = result.raw.loc[X.index]
    cov_u = coverage(raw, "unit", th["coverage"])
    cov_i = coverage(raw, "indicator", th["coverage"])

    flags = indicator_flags(X, R, structure, th)
    for d in (b for b in blocks if b != "all"):
        if RD.at[d, root] > th["redundant"]:
            flags.append(flag("redundant", d, RD.at[d, root], th["redundant"],
                               f"{d} correlates with the index at r = {RD.at[d, root]:.2f} > "
                               f"{th['redundant']:g}: it may be redundant", root, d))
    for b, r in dimensions.iterrows():
        d = None if b == "all" else b
        if r["alpha"] < th["alpha"]:
            flags.append(flag("low_alpha", b, r["alpha"], th["alpha"],
                               f"{b}: Cronbach's alpha {r['alpha']:.2f} < {th['alpha']:g}", dimension=d))
        if r["k"] > 2 and r["kmo"] < th["kmo"]:
            flags.append(flag("low_kmo", b, r["kmo"], th["kmo"], f"{b}: KMO {r['kmo']:.2f} < "
                               f"{th['kmo']:g}: too little common variance for PCA/FA", dimension=d))
        if r["bartlett_p"] > th["bartlett_p"]:
            flags.append(flag("bartlett", b, r["bartlett_p"], th["bartlett_p"],
                               f"{b}: Bartlett p = {r['bartlett_p']:.3g} > {th['bartlett_p']:g}: "
                               "correlations not distinguishable from none", dimension=d))
        if d is not None and r["n_kaiser"] > 1:
            flags.append(flag("multidimensional", b, r["n_kaiser"], 1.0,
                               f"{b}: {r['n_kaiser']} components with eigenvalue > 1: the "
                               "dimension may not be unidimensional", dimension=d))
    for what, cov in (("unit", cov_u), ("indicator", cov_i)):
        for item in cov.failing:
            v = cov.table.at[item, "coverage"]
            flags.append(flag(f"coverage_{what}", item, v, th["coverage"],
                               f"{what} {item} has {v:.0%} of its data (< {th['coverage']:.0%})",
                               dimension=fw.ancestor(item, dlevel) if what == "indicator" else None))
    return AuditReport(
        correlations=R, pvalues=P, structure=structure, dimension_correlations=RD,
        dimension_pvalues=PD, dimensions=dimensions, msa=msa_table, pca=pca, loadings=load,
        coverage_units=cov_u.table, coverage_indicators=cov_i.table,
        flags=pd.DataFrame(flags, columns=FLAG_COLUMNS), thresholds=MappingProxyType(th),
        method=method, level=level,
        year=year, framework=fw,
    )
