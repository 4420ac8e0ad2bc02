"""Statistical audit of a composite index: step 4 of the OECD/JRC Handbook, as COINr does it.

Pure functions on units × indicators DataFrames — :func:`correlations`, :func:`cronbach_alpha`,
:func:`kmo`, :func:`bartlett_sphericity`, :func:`pca_summary`, :func:`coverage` — and
:func:`audit`, which runs them on an :class:`~toolkit.index.IndexResult` (normalised
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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import as_matrix
from .errors import DataError, SpecError

__all__ = [
    "DEFAULT_THRESHOLDS", "AuditReport", "Bartlett", "Coverage", "KMO", "PCASummary", "audit",
    "bartlett_sphericity", "correlation_flags", "correlations", "coverage", "cronbach_alpha",
    "indicator_frame", "kmo",
    "pca_summary",
]

DEFAULT_THRESHOLDS = MappingProxyType({
    "negative": 0.0, "weak": 0.3, "collinear": 0.9, "redundant": 0.92, "alpha": 0.7, "kmo": 0.5,
    "bartlett_p": 0.05, "cumulative": 0.6, "coverage": 0.65,
})
_METHODS = ("pearson", "spearman", "kendall")
_SINGULAR = 1e12  # condition number above which a correlation matrix is treated as singular


# ------------------------------------------------------------------------------ correlations
def _pair(x: np.ndarray, y: np.ndarray, method: str, min_periods: int) -> tuple[float, float, int]:
    """r, Kendall's p (NaN for the others: computed vectorised by the caller) and n of one pair."""
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y, n = x[ok], y[ok], int(ok.sum())
    if n < min_periods or np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.nan, np.nan, n
    if method == "kendall":
        res = stats.kendalltau(x, y)
        return float(res.statistic), float(res.pvalue), n
    if method == "spearman":
        x, y = stats.rankdata(x), stats.rankdata(y)
    x, y = x - x.mean(), y - y.mean()
    return float(np.clip(x @ y / np.sqrt((x @ x) * (y @ y)), -1.0, 1.0)), np.nan, n


def correlations(X, Y=None, *, method: str = "pearson", tidy: bool = False, min_periods: int = 3):
    """Correlations and two-sided p-values between the columns of ``X`` (and ``Y``).

    Pairwise-complete observations (COINr ``get_corr``). Pearson and Spearman p-values use the
    t distribution with n − 2 degrees of freedom (as :func:`scipy.stats.pearsonr` and
    :func:`scipy.stats.spearmanr`); Kendall uses :func:`scipy.stats.kendalltau`. A pair with fewer
    than ``min_periods`` complete rows, or a constant column, gives NaN.

    Returns
    -------
    (r, p) : tuple of DataFrame, columns of X × columns of Y (X if Y is None); or, with
        ``tidy=True``, one DataFrame with columns ``x, y, r, p, n`` (each unordered pair once
        when Y is None).
    """
    if method not in _METHODS:
        raise DataError(f"correlations: method must be one of {_METHODS}, got {method!r}")
    X = as_matrix(X, name="correlations", allow_nan=True)
    Y = X if Y is None else as_matrix(Y, name="correlations", allow_nan=True).reindex(X.index)
    same = Y is X
    r = np.full((X.shape[1], Y.shape[1]), np.nan)
    p, n = r.copy(), np.zeros_like(r, dtype=int)
    A, B = X.to_numpy(), Y.to_numpy()
    for i in range(A.shape[1]):
        for j in range(i if same else 0, B.shape[1]):
            r[i, j], p[i, j], n[i, j] = _pair(A[:, i], B[:, j], method, min_periods)
            if same:
                r[j, i], p[j, i], n[j, i] = r[i, j], p[i, j], n[i, j]
    if method != "kendall":  # t test with n − 2 df, as scipy's pearsonr and spearmanr
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.abs(r) * np.sqrt((n - 2) / np.maximum(1.0 - r * r, 0.0))
        p = np.where(np.isnan(r), np.nan, 2.0 * stats.t.sf(t, np.maximum(n - 2, 1)))
    R = pd.DataFrame(r, index=X.columns, columns=Y.columns)
    P = pd.DataFrame(p, index=X.columns, columns=Y.columns)
    if not tidy:
        return R, P
    ii, jj = np.triu_indices(len(X.columns), 1) if same else np.indices(r.shape).reshape(2, -1)
    return pd.DataFrame({"x": X.columns[ii], "y": Y.columns[jj], "r": r[ii, jj], "p": p[ii, jj],
                         "n": n[ii, jj]})


# ------------------------------------------------------------------------------ reliability
def _groups(X: pd.DataFrame, groups) -> dict:
    if groups is None:
        return {"all": list(X.columns)}
    g = pd.Series(groups)
    missing = [c for c in X.columns if c not in g.index]
    if missing:
        raise DataError(f"groups: no group given for indicator(s) {missing}")
    return {k: [c for c in X.columns if g[c] == k] for k in dict.fromkeys(g.reindex(X.columns))}


def cronbach_alpha(X, groups=None) -> pd.DataFrame:
    """Cronbach's α of each group of columns (all columns if ``groups`` is None).

    ``alpha`` is the raw (covariance) form of COINr's ``get_cronbach``, on the pairwise-complete
    covariance matrix C: k²·mean(off-diagonal C)/ΣC = k/(k−1)·(1 − tr C/ΣC); with complete data
    this equals k/(k−1)·(1 − Σ var_j / var(Σ_j x_j)). ``alpha_std`` is the standardised form
    k·r̄/(1 + (k−1)·r̄) with r̄ the mean off-diagonal correlation.

    Returns
    -------
    DataFrame indexed by group: ``k``, ``n`` (listwise-complete rows), ``alpha``, ``alpha_std``,
    ``reason`` (why a value is NaN: one indicator, fewer than 2 units, no variance, constant
    columns).
    """
    X = as_matrix(X, name="cronbach_alpha", allow_nan=True)
    rows = {}
    for g, cols in _groups(X, groups).items():
        sub = X[cols]
        k, n = len(cols), int(sub.notna().all(axis=1).sum())
        C = sub.cov(min_periods=2).to_numpy()
        alpha = alpha_std = np.nan
        const = [c for c in cols if not sub[c].std() > 0]
        if k < 2:
            reason = "one indicator: alpha undefined"
        elif sub.notna().sum().min() < 2 or np.isnan(C).any():
            reason = "fewer than 2 units with data"
        elif not C.sum() > 0:
            reason = "no variance"
        else:
            alpha = k / (k - 1) * (1.0 - np.trace(C) / C.sum())
            reason = f"constant: {', '.join(const)}" if const else ""
            if not const:
                Rm = sub.corr(min_periods=2).to_numpy()
                rbar = (Rm.sum() - k) / (k * (k - 1))
                alpha_std = k * rbar / (1.0 + (k - 1) * rbar)
        rows[g] = {"k": k, "n": n, "alpha": alpha, "alpha_std": alpha_std, "reason": reason}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("group")


# ------------------------------------------------------------------------- factorability
class KMO(NamedTuple):
    """Kaiser–Meyer–Olkin measure: ``overall`` MSA, per-variable ``msa`` (Series), ``reason``."""
    overall: float
    msa: pd.Series
    reason: str


class Bartlett(NamedTuple):
    """Bartlett's test of sphericity (H0: the correlation matrix is the identity)."""
    chi2: float
    df: float
    p: float
    n: int
    reason: str


def _complete(X, name: str):
    """Listwise-complete rows and the non-constant columns, with a note of what was dropped."""
    X = as_matrix(X, name=name, allow_nan=True).dropna()
    keep = [c for c in X.columns if len(X) > 1 and X[c].std() > 0]
    dropped = [c for c in X.columns if c not in keep]
    note = f"constant or empty, left out: {', '.join(map(str, dropped))}" if dropped else ""
    return X, keep, note


def _corr_or_reason(Xc: pd.DataFrame, keep: list, need_full_rank: bool = True):
    k, n = len(keep), len(Xc)
    if k < 2:
        return None, "needs at least 2 non-constant indicators"
    if n < 3:
        return None, "fewer than 3 complete units"
    R = np.corrcoef(Xc[keep].to_numpy(), rowvar=False)
    if need_full_rank and (n <= k or np.linalg.cond(R) > _SINGULAR):
        return None, "singular correlation matrix (units ≤ indicators or exact collinearity)"
    return R, ""


def _join(*reasons: str) -> str:
    return "; ".join(r for r in reasons if r)


def kmo(X) -> KMO:
    """Kaiser–Meyer–Olkin measure of sampling adequacy, overall and per variable.

    With R the correlation matrix and A the anti-image (partial) correlations
    a_ij = −R⁻¹_ij/√(R⁻¹_ii R⁻¹_jj): MSA_j = Σ_{i≠j} r_ij² / Σ_{i≠j} (r_ij² + a_ij²) and the
    overall KMO the same sums over all i ≠ j (as ``factor_analyzer.calculate_kmo``). Listwise-
    complete rows; constant columns are left out (MSA NaN). With two variables KMO = 0.5 always.
    """
    Xc, keep, note = _complete(X, "kmo")
    msa = pd.Series(np.nan, index=Xc.columns, name="msa")
    R, why = _corr_or_reason(Xc, keep)
    if R is None:
        return KMO(np.nan, msa, _join(why, note))
    Ri = np.linalg.inv(R)
    d = np.sqrt(np.diag(Ri))
    A = -Ri / np.outer(d, d)
    np.fill_diagonal(A, 0.0)
    R2 = R.copy()
    np.fill_diagonal(R2, 0.0)
    r2, a2 = (R2 ** 2).sum(axis=0), (A ** 2).sum(axis=0)
    msa[keep] = r2 / (r2 + a2)
    extra = "two indicators: KMO is 0.5 by construction" if len(keep) == 2 else ""
    return KMO(float(r2.sum() / (r2.sum() + a2.sum())), msa, _join(extra, note))


def bartlett_sphericity(X) -> Bartlett:
    """Bartlett's test: χ² = −(n − 1 − (2k + 5)/6)·ln|R|, df = k(k − 1)/2, p from χ²(df).

    Listwise-complete rows, constant columns left out (as ``factor_analyzer``'s
    ``calculate_bartlett_sphericity``, which has no such guards).
    """
    Xc, keep, note = _complete(X, "bartlett_sphericity")
    n, k = len(Xc), len(keep)
    R, why = _corr_or_reason(Xc, keep)
    factor = n - 1 - (2 * k + 5) / 6
    if R is None or factor <= 0:
        return Bartlett(np.nan, np.nan, np.nan, n, _join(why or "too few units for the test", note))
    chi2 = -factor * np.linalg.slogdet(R)[1]
    df = k * (k - 1) / 2
    return Bartlett(float(chi2), df, float(stats.chi2.sf(chi2, df)), n, note)


@dataclass(frozen=True)
class PCASummary:
    """Principal components of the correlation matrix (COINr ``get_PCA``: prcomp, centred, scaled).

    Attributes
    ----------
    table : DataFrame indexed PC1…: ``eigenvalue``, ``explained`` (share), ``cumulative``.
    eigenvectors : DataFrame, indicators × PCs (prcomp's rotation); each column's sign is set so
        that it sums to ≥ 0.
    loadings : DataFrame, indicators × PCs: eigenvector·√eigenvalue = corr(indicator, PC).
    scores : DataFrame, units × PCs: standardised data (sd with n − 1) times the eigenvectors.
    n_kaiser : components with eigenvalue > 1. n_cumulative : fewest components whose
        cumulative share reaches ``cumulative_threshold``. n : complete units used.
    reason : why the summary is empty or what was left out.
    """

    table: pd.DataFrame
    eigenvectors: pd.DataFrame
    loadings: pd.DataFrame
    scores: pd.DataFrame
    n_kaiser: int
    n_cumulative: int
    n: int
    cumulative_threshold: float
    reason: str = ""


def pca_summary(X, *, cumulative: float = DEFAULT_THRESHOLDS["cumulative"]) -> PCASummary:
    """Eigenvalues, explained variance, loadings and retained components of ``X``'s correlations.

    Components retained by Kaiser's rule (eigenvalue > 1) and by the cumulative-variance rule
    (the fewest components explaining at least ``cumulative``, default 0.6 after the Handbook;
    pass 0.85 for a stricter rule). Listwise-complete rows; constant columns are left out.
    """
    if not 0 < cumulative <= 1:
        raise DataError(f"pca_summary: cumulative must be in (0, 1], got {cumulative}")
    Xc, keep, note = _complete(X, "pca_summary")
    R, why = _corr_or_reason(Xc, keep, need_full_rank=False)
    if R is None:
        empty = pd.DataFrame(columns=["eigenvalue", "explained", "cumulative"], dtype=float)
        return PCASummary(empty, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), 0, 0, len(Xc),
                          cumulative, _join(why, note))
    vals, vecs = np.linalg.eigh(R)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0.0, None), vecs[:, order]
    vecs = vecs * np.where(vecs.sum(axis=0) < 0, -1.0, 1.0)
    pcs = [f"PC{i + 1}" for i in range(len(vals))]
    share = vals / vals.sum()
    cum = np.cumsum(share)
    table = pd.DataFrame({"eigenvalue": vals, "explained": share, "cumulative": cum}, index=pcs)
    V = Xc[keep].to_numpy()
    Z = (V - V.mean(axis=0)) / V.std(axis=0, ddof=1)
    return PCASummary(
        table=table,
        eigenvectors=pd.DataFrame(vecs, index=keep, columns=pcs),
        loadings=pd.DataFrame(vecs * np.sqrt(vals), index=keep, columns=pcs),
        scores=pd.DataFrame(Z @ vecs, index=Xc.index, columns=pcs),
        n_kaiser=int((vals > 1.0).sum()),
        n_cumulative=int(np.searchsorted(cum, cumulative - 1e-12) + 1),
        n=len(Xc), cumulative_threshold=cumulative, reason=note,
    )


# ---------------------------------------------------------------------------------- coverage
class Coverage(NamedTuple):
    """``table`` (n_expected, n_present, coverage, passes) and the labels that ``failing``."""
    table: pd.DataFrame
    failing: list


def _coverage_frame(data) -> pd.DataFrame:
    from .index import INDEX_KEYS, IndexResult, index_leaves
    from .io import IndicatorData

    if isinstance(data, IndexResult):
        return data.raw
    if isinstance(data, IndicatorData):
        return data.table.set_index(INDEX_KEYS)[index_leaves(data.framework)].astype(float)
    if isinstance(data, pd.DataFrame):
        return data.select_dtypes("number")
    raise DataError(f"coverage: expected IndicatorData, IndexResult or DataFrame, got {type(data).__name__}")


def coverage(data, by: str = "unit", threshold: float = DEFAULT_THRESHOLDS["coverage"]) -> Coverage:
    """Data coverage per unit (row) or per indicator (column), and the screening rule.

    ``data`` is an :class:`~toolkit.io.IndicatorData` (the index leaves, rows (unit_id, year)),
    an :class:`~toolkit.index.IndexResult` (its raw leaves, before imputation) or a DataFrame
    (its numeric columns). A unit or indicator fails when its share of present values is below
    ``threshold`` (COINr ``Screen(dat_thresh=)``; default 0.65, so exactly 65 % passes).
    """
    if by not in ("unit", "indicator"):
        raise DataError(f"coverage: by must be 'unit' or 'indicator', got {by!r}")
    if not 0 <= threshold <= 1:
        raise DataError(f"coverage: threshold must be in [0, 1], got {threshold}")
    X = _coverage_frame(data)
    present = X.notna().sum(axis=1 if by == "unit" else 0)
    expected = X.shape[1] if by == "unit" else X.shape[0]
    share = present / expected if expected else present * np.nan
    table = pd.DataFrame({"n_expected": expected, "n_present": present.astype(int),
                          "coverage": share.astype(float), "passes": share >= threshold - 1e-12})
    table.index.name = table.index.name or by
    return Coverage(table, list(table.index[~table["passes"]]))



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


def _thresholds(thresholds) -> dict:
    th = dict(DEFAULT_THRESHOLDS)
    unknown = set(thresholds or {}) - set(th)
    if unknown:
        raise SpecError(f"audit: unknown threshold(s) {sorted(unknown)}; known: {sorted(th)}")
    for k, v in (thresholds or {}).items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not np.isfinite(v):
            raise SpecError(f"audit: threshold {k!r} must be a number, got {v!r}")
        th[k] = float(v)
    return th


def indicator_frame(result, year: int | None = None, level: str = "indicator") -> pd.DataFrame:
    """The variables the audit analyses, from an :class:`~toolkit.index.IndexResult`.

    ``level="indicator"``: one column per child of each dimension (the framework's indicators):
    the normalised leaf, or the score of an indicator rolled up inside the index from
    sub-measures (L2P1, L3P3). ``level="leaf"``: the normalised index leaves. Rows (unit_id,
    year), all years or ``year`` only.
    """
    from .index import index_tree

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


def _flag(check, item, value, threshold, message, other=None, dimension=None) -> dict:
    return {"check": check, "item": item, "other": other, "dimension": dimension,
            "value": float(value), "threshold": threshold, "message": message}


def _structure(X, dim_of, parent_of, S, root, method):
    """Indicator correlations and each indicator's r/p with its dimension, parent and index."""
    R, P = correlations(X, method=method)
    RS, PS = correlations(X, S, method=method)
    structure = pd.DataFrame({"dimension": dim_of, "parent": parent_of})
    for name, target in (("dimension", dim_of), ("parent", parent_of),
                         ("index", pd.Series(root, index=X.columns))):
        structure[f"r_{name}"] = [RS.at[c, target[c]] if target[c] in RS else np.nan for c in X]
        structure[f"p_{name}"] = [PS.at[c, target[c]] if target[c] in PS else np.nan for c in X]
    return R, P, structure


def _indicator_flags(X, R, structure, th) -> list[dict]:
    flags = []
    for c in X.columns:
        s = structure.loc[c]
        d, p = s["dimension"], s["parent"]
        if not X[c].std() > 0:
            flags.append(_flag("constant", c, 0.0, 0.0, f"{c} is constant: it cannot discriminate "
                               "between units", dimension=d))
        negative = s["r_dimension"] < th["negative"]
        if negative:
            flags.append(_flag("negative", c, s["r_dimension"], th["negative"],
                               f"{c} correlates negatively with its dimension {d} "
                               f"(r = {s['r_dimension']:.2f} < {th['negative']:g})", d, d))
        if s["r_parent"] < th["weak"] and not (negative and p == d):
            flags.append(_flag("weak", c, s["r_parent"], th["weak"],
                               f"{c} correlates weakly with its parent {p} "
                               f"(r = {s['r_parent']:.2f} < {th['weak']:g})", p, d))
    cols = list(X.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            d = structure.at[a, "dimension"]
            if d == structure.at[b, "dimension"] and R.at[a, b] > th["collinear"]:
                flags.append(_flag("collinear", a, R.at[a, b], th["collinear"],
                                   f"{a} and {b} ({d}) are near-collinear (r = {R.at[a, b]:.2f} "
                                   f"> {th['collinear']:g}): possible double counting", b, d))
    return flags


_FLAG_COLUMNS = ["check", "item", "other", "dimension", "value", "threshold", "message"]


def correlation_flags(X, groups, *, scores=None, parents=None, thresholds=None,
                      method: str = "pearson") -> pd.DataFrame:
    """Indicator-level correlation flags of any units × indicators matrix.

    Parameters
    ----------
    X : DataFrame, units × indicators (normalised, higher = better).
    groups : mapping or Series, indicator → dimension.
    scores : DataFrame, optional
        Units × aggregates holding every dimension (and parent) score; by default each
        dimension's score is the plain mean of its indicators.
    parents : mapping, optional
        Indicator → parent (default: its dimension).
    thresholds : mapping, optional — overrides of ``negative``, ``weak``, ``collinear``.

    Returns
    -------
    DataFrame of flags (check ∈ constant, negative, weak, collinear; item, other, dimension,
    value, threshold, message), as in :attr:`AuditReport.flags`.
    """
    th = _thresholds(thresholds)
    X = as_matrix(X, name="correlation_flags", allow_nan=True)
    dim_of = pd.Series({c: pd.Series(groups).get(c) for c in X.columns}, name="dimension")
    if dim_of.isna().any():
        raise DataError(f"correlation_flags: no group for {list(dim_of.index[dim_of.isna()])}")
    parent_of = dim_of.copy() if parents is None else pd.Series({c: pd.Series(parents).get(c, dim_of[c])
                                                                for c in X.columns})
    if scores is None:
        scores = pd.DataFrame({d: X[list(dim_of.index[dim_of == d])].mean(axis=1)
                               for d in dict.fromkeys(dim_of)})
    R, _, structure = _structure(X, dim_of, parent_of.rename("parent"), scores, None, method)
    return pd.DataFrame(_indicator_flags(X, R, structure, th), columns=_FLAG_COLUMNS)


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
    th = _thresholds(thresholds)
    fw = result.framework
    X = indicator_frame(result, year, level)
    dims = list(fw.dimensions.index)
    dlevel, root = fw.node(dims[0]).level, fw.root.code
    dim_of = pd.Series({c: fw.ancestor(c, dlevel) for c in X}, name="dimension")
    parent_of = pd.Series({c: fw.node(c).parent for c in X}, name="parent")
    S = result.scores.loc[X.index]

    R, P, structure = _structure(X, dim_of, parent_of, S, root, method)
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
                   "reason": _join(*dict.fromkeys(x for r in (a["reason"], K.reason, B.reason,
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

    flags = _indicator_flags(X, R, structure, th)
    for d in (b for b in blocks if b != "all"):
        if RD.at[d, root] > th["redundant"]:
            flags.append(_flag("redundant", d, RD.at[d, root], th["redundant"],
                               f"{d} correlates with the index at r = {RD.at[d, root]:.2f} > "
                               f"{th['redundant']:g}: it may be redundant", root, d))
    for b, r in dimensions.iterrows():
        d = None if b == "all" else b
        if r["alpha"] < th["alpha"]:
            flags.append(_flag("low_alpha", b, r["alpha"], th["alpha"],
                               f"{b}: Cronbach's alpha {r['alpha']:.2f} < {th['alpha']:g}", dimension=d))
        if r["k"] > 2 and r["kmo"] < th["kmo"]:
            flags.append(_flag("low_kmo", b, r["kmo"], th["kmo"], f"{b}: KMO {r['kmo']:.2f} < "
                               f"{th['kmo']:g}: too little common variance for PCA/FA", dimension=d))
        if r["bartlett_p"] > th["bartlett_p"]:
            flags.append(_flag("bartlett", b, r["bartlett_p"], th["bartlett_p"],
                               f"{b}: Bartlett p = {r['bartlett_p']:.3g} > {th['bartlett_p']:g}: "
                               "correlations not distinguishable from none", dimension=d))
        if d is not None and r["n_kaiser"] > 1:
            flags.append(_flag("multidimensional", b, r["n_kaiser"], 1.0,
                               f"{b}: {r['n_kaiser']} components with eigenvalue > 1: the "
                               "dimension may not be unidimensional", dimension=d))
    for what, cov in (("unit", cov_u), ("indicator", cov_i)):
        for item in cov.failing:
            v = cov.table.at[item, "coverage"]
            flags.append(_flag(f"coverage_{what}", item, v, th["coverage"],
                               f"{what} {item} has {v:.0%} of its data (< {th['coverage']:.0%})",
                               dimension=fw.ancestor(item, dlevel) if what == "indicator" else None))
    return AuditReport(
        correlations=R, pvalues=P, structure=structure, dimension_correlations=RD,
        dimension_pvalues=PD, dimensions=dimensions, msa=msa_table, pca=pca, loadings=load,
        coverage_units=cov_u.table, coverage_indicators=cov_i.table,
        flags=pd.DataFrame(flags, columns=_FLAG_COLUMNS), thresholds=MappingProxyType(th),
        method=method, level=level,
        year=year, framework=fw,
    )
