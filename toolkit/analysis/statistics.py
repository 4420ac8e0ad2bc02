"""Statistics of the audit of a composite index (OECD/JRC step 4), as COINr computes them.

Pure functions on units × indicators DataFrames — :func:`correlations`, :func:`cronbach_alpha`,
:func:`kmo`, :func:`bartlett_sphericity`, :func:`pca_summary` and :func:`coverage` (the flags
built from them are in :mod:`toolkit.analysis.flags`). :func:`toolkit.analysis.audit.audit` assembles them into a report, and
:mod:`toolkit.analysis.audit` re-exports every public name here. Missing values: correlations and
Cronbach's α use pairwise-complete data (as COINr's ``get_corr``/``get_cronbach``); KMO,
Bartlett and PCA use listwise-complete rows (as COINr's ``get_PCA``). Degenerate inputs give
NaN and a ``reason``, never an exception.

Default thresholds: :data:`DEFAULT_THRESHOLDS`; the :mod:`toolkit.analysis.audit` docstring gives their
provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError
from ..methods.checks import as_matrix

__all__ = [
    "DEFAULT_THRESHOLDS", "Bartlett", "Coverage", "KMO", "PCASummary", "bartlett_sphericity",
    "correlations", "coverage", "cronbach_alpha", "join_reasons", "kmo", "pca_summary",
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


def join_reasons(*reasons: str) -> str:
    """The non-empty ``reasons`` joined by ``"; "`` (the ``reason`` field of the statistics here).

    Examples
    --------
    >>> join_reasons("too few units", "", "singular matrix")
    'too few units; singular matrix'
    """
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
        return KMO(np.nan, msa, join_reasons(why, note))
    Ri = np.linalg.inv(R)
    d = np.sqrt(np.diag(Ri))
    A = -Ri / np.outer(d, d)
    np.fill_diagonal(A, 0.0)
    R2 = R.copy()
    np.fill_diagonal(R2, 0.0)
    r2, a2 = (R2 ** 2).sum(axis=0), (A ** 2).sum(axis=0)
    msa[keep] = r2 / (r2 + a2)
    extra = "two indicators: KMO is 0.5 by construction" if len(keep) == 2 else ""
    return KMO(float(r2.sum() / (r2.sum() + a2.sum())), msa, join_reasons(extra, note))


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
        return Bartlett(np.nan, np.nan, np.nan, n, join_reasons(why or "too few units for the test", note))
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
                          cumulative, join_reasons(why, note))
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
    from ..data.read import IndicatorData
    from ..index.build import INDEX_KEYS, IndexResult, index_leaves

    if isinstance(data, IndexResult):
        return data.raw
    if isinstance(data, IndicatorData):
        return data.table.set_index(INDEX_KEYS)[index_leaves(data.framework)].astype(float)
    if isinstance(data, pd.DataFrame):
        return data.select_dtypes("number")
    raise DataError(f"coverage: expected IndicatorData, IndexResult or DataFrame, got {type(data).__name__}")


def coverage(data, by: str = "unit", threshold: float = DEFAULT_THRESHOLDS["coverage"]) -> Coverage:
    """Data coverage per unit (row) or per indicator (column), and the screening rule.

    ``data`` is an :class:`~toolkit.data.read.IndicatorData` (the index leaves, rows (unit_id, year)),
    an :class:`~toolkit.index.build.IndexResult` (its raw leaves, before imputation) or a DataFrame
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
