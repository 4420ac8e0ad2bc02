"""Indicator weights: equal, objective (entropy, CRITIC, CV, std, PCA), manual, AHP and combined.

Every function takes a units × indicators DataFrame (or what :func:`toolkit.methods.checks.as_matrix`
accepts) and returns a Series indexed by indicator code in column order, ``name="weight"``,
non-negative and summing to 1. Formulas follow ``methods.md`` §4.1, 4.3–4.7 and the OECD/JRC
Handbook (2008) §6.1. :func:`ahp` and :func:`combine` live in :mod:`toolkit.methods.subjective`
and are re-exported here.

An indicator that carries no information (constant across units) gets weight 0 and a
:class:`DegenerateIndicatorWarning` naming it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .checks import as_directions, as_matrix
from .subjective import RI_TABLES, AHPResult, InconsistentJudgementError, ahp, combine

__all__ = [
    "AHPResult", "DegenerateIndicatorWarning", "InconsistentJudgementError", "RI_TABLES", "ahp",
    "combine", "critic", "cv", "entropy", "entropy_batch", "entropy_minmax", "equal", "from_file", "pca", "std",
    "varimax",
]


class DegenerateIndicatorWarning(UserWarning):
    """An indicator carries no information for a weighting method and was given weight 0."""


# ----------------------------------------------------------------------------- helpers
def _matrix(X, method: str, min_rows: int = 2) -> pd.DataFrame:
    X = as_matrix(X, name=method, allow_nan=True, min_rows=min_rows)
    if X.columns.has_duplicates:
        raise DataError(f"{method}: duplicate indicator code(s) {list(X.columns[X.columns.duplicated()])}")
    empty = X.columns[X.isna().all().to_numpy()]
    if len(empty):
        raise DataError(f"{method}: indicator(s) {list(empty)} have no data (every value is missing)")
    return as_matrix(X, name=method)  # any remaining NaN: names unit and indicator, says impute


def _constant(V: np.ndarray, columns, method: str) -> np.ndarray:
    const = np.ptp(V, axis=0) == 0
    if const.any():
        warnings.warn(
            f"{method}: indicator(s) {list(pd.Index(columns)[const])} are constant across units and "
            "carry no information; weight set to 0",
            DegenerateIndicatorWarning, stacklevel=3,
        )
    return const


def _finish(scores: np.ndarray, columns, method: str) -> pd.Series:
    total = scores.sum()
    if not (np.isfinite(total) and total > 0):
        raise DataError(f"{method}: no indicator carries information (all constant or redundant); "
                        "weights are undefined")
    return pd.Series(scores / total, index=pd.Index(columns), name="weight")


def _minmax(V: np.ndarray, dirs: np.ndarray) -> np.ndarray:
    """Direction-aware min–max to [0, 1]; a constant column becomes 0."""
    lo, hi = V.min(axis=0), V.max(axis=0)
    rng = hi - lo
    Z = np.where(dirs > 0, V - lo, hi - V) / np.where(rng > 0, rng, 1.0)
    Z[:, rng == 0] = 0.0
    return Z


# ----------------------------------------------------------------------------- equal / manual
def equal(X_or_columns) -> pd.Series:
    """Equal weights ``w_j = 1/n`` for the columns of ``X`` (or a list of indicator codes)."""
    columns = pd.Index(X_or_columns.columns if isinstance(X_or_columns, pd.DataFrame) else list(X_or_columns))
    if len(columns) == 0:
        raise DataError("equal: no indicators given")
    if columns.has_duplicates:
        raise DataError(f"equal: duplicate indicator codes {list(columns[columns.duplicated()])}")
    return pd.Series(1.0 / len(columns), index=columns, name="weight")


def from_file(path, columns=None) -> pd.Series:
    """Read manual (expert) weights from CSV or YAML and rescale them to sum to 1.

    CSV: columns ``code`` and ``weight``. YAML: a mapping ``code: weight``, a list of
    ``{code, weight}`` records, or either of these under a top-level ``weights:`` key.
    If ``columns`` (indicator codes, or a DataFrame) is given, codes not in it and indicators
    without a weight raise :class:`DataError`, and the result follows its order.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"from_file: no such file {str(path)!r}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(path, dtype={"code": str}, encoding="utf-8-sig")
        if not {"code", "weight"} <= set(table.columns):
            raise DataError(f"from_file: {path.name} needs columns 'code' and 'weight', found {list(table.columns)}")
        codes, values = table["code"].tolist(), table["weight"].tolist()
    elif suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "weights" in data and isinstance(data["weights"], (dict, list)):
            data = data["weights"]
        if isinstance(data, dict):
            codes, values = list(data), list(data.values())
        elif isinstance(data, list) and all(isinstance(r, dict) and {"code", "weight"} <= set(r) for r in data):
            codes, values = [r["code"] for r in data], [r["weight"] for r in data]
        else:
            raise DataError(f"from_file: {path.name} must hold a mapping code → weight or a list of {{code, weight}}")
    else:
        raise DataError(f"from_file: unsupported file type {suffix!r}; use .csv, .yaml or .yml")
    codes = [str(c).strip() for c in codes]
    weights = pd.Series(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float),
                        index=pd.Index(codes), name="weight")
    if weights.empty:
        raise DataError(f"from_file: {path.name} holds no weights")
    if weights.index.has_duplicates:
        raise DataError(f"from_file: indicator(s) {list(weights.index[weights.index.duplicated()])} listed twice")
    for code, w in weights.items():
        if not np.isfinite(w) or w < 0:
            raise DataError(f"from_file: indicator {code!r} has weight {w:g}; weights must be finite and ≥ 0")
    if columns is not None:
        columns = pd.Index(columns.columns if isinstance(columns, pd.DataFrame) else list(columns)).astype(str)
        unknown, missing = weights.index.difference(columns), columns.difference(weights.index)
        if len(unknown):
            raise DataError(f"from_file: unknown indicator code(s) {list(unknown)} (not among the data columns)")
        if len(missing):
            raise DataError(f"from_file: no weight given for indicator(s) {list(missing)}")
        weights = weights.reindex(columns)
    if weights.sum() <= 0:
        raise DataError(f"from_file: weights in {path.name} sum to 0")
    return weights / weights.sum()


# ----------------------------------------------------------------------------- entropy
def entropy(X, *, return_details: bool = False):
    r"""Entropy weights (熵权法) of a non-negative matrix, methods.md §4.1.

    .. math::
        p_{ij} = x_{ij} / \sum_i x_{ij},\quad e_j = -\frac{1}{\ln m}\sum_i p_{ij}\ln p_{ij}
        \;(0\ln 0 = 0),\quad d_j = 1 - e_j,\quad w_j = d_j / \sum_k d_k

    with m units. The data are used as given (no normalisation or direction); the textbook
    pipeline with min–max and benefit/cost handling is :func:`entropy_minmax`. A constant column
    (including all zeros) has ``d_j = 0``: weight 0 and a :class:`DegenerateIndicatorWarning`.
    ``return_details=True`` also returns a DataFrame with ``e`` and ``d`` per indicator.

    Raises :class:`DataError` for fewer than 2 units, negative or missing values, or when every
    indicator is constant.

    References: Shannon (1948); Zeleny (1982); Hwang & Yoon (1981) *Multiple Attribute Decision
    Making*, §4.1.
    """
    X = _matrix(X, "entropy")
    V = X.to_numpy()
    if (V < 0).any():
        i, j = np.argwhere(V < 0)[0]
        raise DataError(
            f"entropy: negative value {V[i, j]:g} at unit {X.index[i]!r}, indicator {X.columns[j]!r}; "
            "the entropy method needs non-negative data (use entropy_minmax or shift the indicator)"
        )
    const = _constant(V, X.columns, "entropy")
    S = V.sum(axis=0)
    P = V / np.where(S > 0, S, 1.0)
    e = -(P * np.log(np.where(P > 0, P, 1.0))).sum(axis=0) / np.log(V.shape[0])
    d = np.clip(1.0 - e, 0.0, None)
    d[const] = 0.0
    w = _finish(d, X.columns, "entropy")
    if return_details:
        return w, pd.DataFrame({"e": np.where(const, 1.0, e), "d": d}, index=X.columns)
    return w


def entropy_batch(a, directions=None, shift: float = 0.0, minmax: bool = True) -> np.ndarray:
    """Entropy weights of many matrices at once: ``a`` has shape (..., m units, n indicators).

    The vectorised form of :func:`entropy_minmax` (``minmax=True``) or :func:`entropy`, for
    Monte Carlo work; returns an array (..., n). Constant columns get weight 0 (no warning);
    the caller validates the input (finite, non-negative when ``minmax=False``).
    """
    a = np.asarray(a, dtype=float)
    if minmax:
        d = np.ones(a.shape[-1]) if directions is None else np.asarray(directions, dtype=float)
        lo, hi = a.min(axis=-2, keepdims=True), a.max(axis=-2, keepdims=True)
        span = hi - lo
        a = np.where(d > 0, a - lo, hi - a) / np.where(span > 0, span, 1.0) + shift
    S = a.sum(axis=-2, keepdims=True)
    P = a / np.where(S > 0, S, 1.0)
    e = -(P * np.log(np.where(P > 0, P, 1.0))).sum(axis=-2) / np.log(a.shape[-2])
    const = np.ptp(a, axis=-2) == 0
    dvg = np.where(const, 0.0, np.clip(1.0 - e, 0.0, None))
    total = dvg.sum(axis=-1, keepdims=True)
    return dvg / np.where(total > 0, total, 1.0)


def entropy_minmax(X, directions=None, shift: float = 0.0, *, return_details: bool = False):
    r"""Textbook 熵权法: direction-aware min–max, optional shift, then :func:`entropy`.

    ``x'_ij = (x_ij − min_i x_ij)/(max − min)`` for benefit and ``(max − x_ij)/(max − min)`` for
    cost indicators, then ``x'_ij + shift`` (papers use 1e-4 or 0.01 to avoid ln 0), then
    :func:`entropy`. Equals pyrepo-mcda ``entropy_weighting(minmax_normalization(X, types))``.
    """
    X = _matrix(X, "entropy_minmax")
    dirs = as_directions(directions, X.columns).to_numpy()
    if not (np.isfinite(shift) and shift >= 0):
        raise DataError(f"entropy_minmax: shift must be a finite number ≥ 0, got {shift!r}")
    Z = _minmax(X.to_numpy(), dirs) + shift
    return entropy(pd.DataFrame(Z, index=X.index, columns=X.columns), return_details=return_details)


# ----------------------------------------------------------------------------- CRITIC / CV / std
def critic(X, directions=None, normalise: bool = True, *, return_details: bool = False):
    r"""CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995), methods.md §4.5.

    .. math:: C_j = \sigma_j \sum_{k=1}^{n} (1 - r_{jk}),\qquad w_j = C_j / \sum_k C_k

    on the direction-aware min–max matrix (``normalise=True``, as in the paper and in
    scikit-criteria). σ_j is the population standard deviation (ddof cancels in w); r_jk is the
    Pearson correlation. With ``normalise=False`` the raw data are used, cost columns negated.

    A constant indicator has σ = 0 and undefined correlations: it gets weight 0 (with a
    :class:`DegenerateIndicatorWarning`) and its correlations are *treated as 0*, so it adds
    ``1 − 0 = 1`` to every other indicator's conflict sum. ``return_details=True`` also
    returns ``{"sigma", "C", "r"}``.

    Note: pymcdm and pyrepo-mcda min–max every column as benefit; they agree with this function
    only when all indicators are benefit.
    """
    X = _matrix(X, "critic")
    if X.shape[1] < 2:
        raise DataError("critic: needs at least 2 indicators (the conflict term needs correlations)")
    dirs = as_directions(directions, X.columns).to_numpy()
    V = X.to_numpy()
    const = _constant(V, X.columns, "critic")
    Z = _minmax(V, dirs) if normalise else V * dirs
    sigma = Z.std(axis=0)
    Zc = Z - Z.mean(axis=0)
    norms = np.sqrt((Zc**2).sum(axis=0))
    Zs = Zc / np.where(norms > 0, norms, 1.0)
    R = np.clip(Zs.T @ Zs, -1.0, 1.0)
    R[const, :] = 0.0
    R[:, const] = 0.0
    np.fill_diagonal(R, 1.0)
    C = sigma * (1.0 - R).sum(axis=1)
    C[const] = 0.0
    if C.sum() <= 1e-12 * sigma.sum():
        raise DataError("critic: the indicators are perfectly correlated (r = 1) or constant, so every "
                        "C_j = 0 and the weights are undefined")
    w = _finish(C, X.columns, "critic")
    if return_details:
        return w, {"sigma": pd.Series(sigma, index=X.columns), "C": pd.Series(C, index=X.columns),
                   "r": pd.DataFrame(R, index=X.columns, columns=X.columns)}
    return w


def cv(X) -> pd.Series:
    r"""Coefficient-of-variation weights (变异系数法), methods.md §4.6.

    ``V_j = σ_j / x̄_j`` on raw, ratio-scale data and ``w_j = V_j / Σ_k V_k`` (ddof cancels).
    An indicator with mean ≤ 0 raises :class:`DataError`; a constant one gets weight 0.
    """
    X = _matrix(X, "cv")
    V = X.to_numpy()
    mean = V.mean(axis=0)
    if (mean <= 0).any():
        j = int(np.argmax(mean <= 0))
        raise DataError(f"cv: indicator {X.columns[j]!r} has mean {mean[j]:g} ≤ 0; the coefficient of "
                        "variation needs positive, ratio-scale data")
    const = _constant(V, X.columns, "cv")
    scores = V.std(axis=0) / mean
    scores[const] = 0.0
    return _finish(scores, X.columns, "cv")


def std(X, directions=None, normalise: bool = True) -> pd.Series:
    r"""Standard-deviation weights (标准差法): ``w_j = σ_j / Σ_k σ_k``.

    σ_j is taken on the min–max normalised matrix (``normalise=True``; directions do not change
    σ after min–max but are validated) or on the raw data (``normalise=False``, the pymcdm /
    pyrepo-mcda / scikit-criteria default). A constant indicator gets weight 0.
    """
    X = _matrix(X, "std")
    dirs = as_directions(directions, X.columns).to_numpy()
    V = X.to_numpy()
    const = _constant(V, X.columns, "std")
    scores = (_minmax(V, dirs) if normalise else V).std(axis=0)
    scores[const] = 0.0
    return _finish(scores, X.columns, "std")


# ----------------------------------------------------------------------------- PCA
def varimax(loadings, normalize: bool = True, tol: float = 1e-12, max_iter: int = 5000):
    """Kaiser (1958) varimax rotation of a loading matrix (p indicators × k factors).

    Same algorithm as R ``stats::varimax``: with ``normalize=True`` rows are scaled to unit
    communality before rotating (Kaiser normalisation, the SPSS default) and scaled back.
    Iterates until the rotation matrix changes by less than ``tol``. Returns the rotated
    loadings (DataFrame in, DataFrame out).
    """
    frame = loadings if isinstance(loadings, pd.DataFrame) else None
    L = np.asarray(loadings, dtype=float)
    p, k = L.shape
    if k < 2:
        return loadings
    sc = np.sqrt((L**2).sum(axis=1)) if normalize else np.ones(p)
    sc = np.where(sc > 0, sc, 1.0)
    x = L / sc[:, None]
    T = np.eye(k)
    for _ in range(max_iter):
        z = x @ T
        u, _s, vt = np.linalg.svd(x.T @ (z**3 - z * ((z**2).sum(axis=0) / p)))
        T, T_old = u @ vt, T
        if np.abs(T - T_old).max() < tol:
            break
    out = (x @ T) * sc[:, None]
    return pd.DataFrame(out, index=frame.index, columns=frame.columns) if frame is not None else out


def pca(X, method: str = "nicoletti", *, min_eigenvalue: float = 1.0, min_share: float | None = None,
        min_cumulative: float | None = None, n_factors: int | None = None, return_details: bool = False):
    r"""PCA-based weights.

    ``method="nicoletti"`` — OECD/JRC Handbook (2008) §6.1, after Nicoletti, Scarpetta & Boylaud
    (2000): standardise, eigen-decompose the correlation matrix, retain factors with eigenvalue
    > ``min_eigenvalue`` (1) [and, if given, each explaining > ``min_share`` (Handbook: 0.10) of
    the variance; if ``min_cumulative`` (Handbook: 0.60) is given and not reached, further factors
    are added until it is; ``n_factors`` overrides all], varimax-rotate the loadings
    ``λ_k^{1/2} v_k``, and with ``EV_f = Σ_j l_jf²`` of the rotated factors

    .. math:: w_j \propto \frac{l_{jf(j)}^2}{EV_{f(j)}} \cdot \frac{EV_{f(j)}}{\sum_g EV_g},
              \qquad f(j) = \arg\max_f l_{jf}^2 ,

    i.e. the squared loading scaled to unity sum within its factor, times the factor's share of
    the rotated explained variance; the weights are then rescaled to sum to 1. (The Chinese
    "composite coefficient" variant of methods.md §4.7 is a different method.)

    ``method="first_component"`` — COINr variant: ``|v_1| / Σ|v_1|`` (PC1 loadings). The sign of
    an eigenvector is arbitrary and PC1 can load negatively on some indicators; taking absolute
    values hides that, so inspect ``loadings`` in the details.

    Constant indicators are left out of the PCA and get weight 0 (with a warning). Needs ≥ 3
    units and ≥ 2 non-constant indicators. ``return_details=True`` returns ``(weights, dict)``
    with ``eigenvalues``, ``explained_variance_ratio``, ``loadings``, ``rotated_loadings``,
    ``n_factors``, ``assignment``, ``factor_variance``.
    """
    if method not in ("nicoletti", "first_component"):
        raise DataError(f"pca: unknown method {method!r}; use 'nicoletti' or 'first_component'")
    X = _matrix(X, "pca", min_rows=3)
    V = X.to_numpy()
    const = _constant(V, X.columns, "pca")
    cols = X.columns[~const]
    if len(cols) < 2:
        raise DataError("pca: needs at least 2 non-constant indicators")
    Z = V[:, ~const]
    Z = (Z - Z.mean(axis=0)) / Z.std(axis=0, ddof=1)
    vals, vecs = np.linalg.eigh(Z.T @ Z / (Z.shape[0] - 1))
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0.0, None), vecs[:, order]
    vecs = vecs * np.where(vecs.sum(axis=0) < 0, -1.0, 1.0)  # deterministic sign
    share = vals / vals.sum()
    pcs = [f"PC{i + 1}" for i in range(len(vals))]
    loadings = pd.DataFrame(vecs * np.sqrt(vals), index=cols, columns=pcs)
    details = {"eigenvalues": pd.Series(vals, index=pcs), "explained_variance_ratio": pd.Series(share, index=pcs),
               "loadings": loadings}
    if method == "first_component":
        sub = np.abs(vecs[:, 0])
    else:
        p = len(vals)
        if n_factors is not None:
            if not 1 <= int(n_factors) <= p:
                raise DataError(f"pca: n_factors must be between 1 and {p}, got {n_factors!r}")
            k = int(n_factors)
        else:
            ok = vals > min_eigenvalue
            if min_share is not None:
                ok &= share > min_share
            k = int(np.argmin(ok)) if not ok.all() else p
            if min_cumulative is not None:
                while k < p and (k == 0 or share[:k].sum() <= min_cumulative):
                    k += 1
            k = max(k, 1)
        rot = varimax(loadings.iloc[:, :k].to_numpy())
        sq = rot**2
        ev = sq.sum(axis=0)
        assign = np.argmax(sq, axis=1)
        rows = np.arange(len(cols))
        sub = sq[rows, assign] / ev[assign] * (ev[assign] / ev.sum())
        factors = [f"F{i + 1}" for i in range(k)]
        details.update(n_factors=k, rotated_loadings=pd.DataFrame(rot, index=cols, columns=factors),
                       assignment=pd.Series([factors[a] for a in assign], index=cols, name="factor"),
                       factor_variance=pd.Series(ev, index=factors))
    scores = np.zeros(X.shape[1])
    scores[~const] = sub
    w = _finish(scores, X.columns, "pca")
    return (w, details) if return_details else w
