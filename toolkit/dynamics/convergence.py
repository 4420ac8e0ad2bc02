"""σ- and β-convergence of a score across a panel of units and years (OLS, :mod:`~toolkit.dynamics.ols`).

* **σ-convergence**: the dispersion of the scores — the coefficient of variation (sample standard
  deviation over the mean), the Gini coefficient and the standard deviation of the logs — falls over
  time; the trend is the OLS slope of each measure on the year, with its standard error and p-value.
* **Absolute β-convergence** (Barro and Sala-i-Martin): (ln y_iT − ln y_i0)/T = α + β ln y_i0 + ε;
  convergence when β < 0, at the speed θ = −ln(1 + βT)/T, with half-life ln 2/θ.
* **Conditional β-convergence**: yearly growth ln y_it − ln y_i,t−1 regressed on ln y_i,t−1 (and any
  controls) with unit and year fixed effects (the two-way within estimator; the fixed effects are
  swept out by alternating demeaning, which is exact for a balanced panel and converges for an
  unbalanced one). Standard errors: the conventional ones with the degrees of freedom the fixed
  effects use (equal to those of the dummy-variable regression), and cluster-robust by unit.
  θ = −ln(1 + β) per year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtr

from ..errors import DataError
from .checks import aligned
from .dagum import pair_sums
from .ols import add_constant, ols


def gini(values) -> float:
    """The Gini coefficient, Σ_i Σ_r |y_i − y_r| / (2 n² μ).

    Parameters
    ----------
    values : array-like
        Non-negative values, not all 0.

    Returns
    -------
    float

    Examples
    --------
    >>> gini([1.0, 2.0, 3.0, 4.0])
    0.25
    """
    y = np.asarray(values, float)
    a, b = pair_sums(y, y)
    return float((a + b) / (2 * len(y) ** 2 * y.mean()))


@dataclass(frozen=True)
class SigmaConvergence:
    """Dispersion per year and its trend.

    Attributes
    ----------
    table : DataFrame
        Index year: n, mean, sd (ddof = 1), cv, gini, sd_log.
    trend : DataFrame
        Index measure (cv, gini, sd_log): slope per year, se, t, p, and ``converging``
        (slope < 0 with p < 0.05).

    Examples
    --------
    See :func:`sigma_convergence`.

    >>> sorted(SigmaConvergence.__dataclass_fields__)
    ['table', 'trend']
    """
    table: pd.DataFrame
    trend: pd.DataFrame


def sigma_convergence(values: pd.Series, year: str = "year") -> SigmaConvergence:
    """σ-convergence: CV, Gini and the SD of logs per year, and the OLS trend of each.

    Parameters
    ----------
    values : Series
        Scores with an index level ``year``.
    year : str
        That level's name.

    Returns
    -------
    SigmaConvergence
        ``table`` (per year) and ``trend`` (per measure).

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[2021, 2022, 2023], range(4)], names=["year", "unit"])
    >>> y = pd.Series([1.0, 2, 3, 4, 1.5, 2, 3, 3.5, 2, 2.4, 2.6, 3], index=idx)
    >>> s = sigma_convergence(y)
    >>> s.table["gini"].round(4).tolist()
    [0.25, 0.175, 0.08]
    >>> bool(s.trend.loc["gini", "slope"] < 0)
    True
    """
    y, _ = aligned(values, None, "sigma_convergence")
    years = y.index.get_level_values(year)
    rows = {}
    for t in sorted(years.unique()):
        v = y[years == t].to_numpy(float)
        mean, sd = float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else float("nan")
        rows[t] = {"n": len(v), "mean": mean, "sd": sd, "cv": sd / mean if mean else float("nan"),
                   "gini": gini(v) if mean > 0 and (v >= 0).all() else float("nan"),
                   "sd_log": float(np.log(v).std(ddof=1)) if (v > 0).all() and len(v) > 1 else float("nan")}
    table = pd.DataFrame(rows).T.astype({"n": int})
    table.index.name = year
    trend = {}
    X = add_constant(table.index.to_numpy(float))
    for m in ("cv", "gini", "sd_log"):
        col = table[m]
        if col.isna().any() or len(col) < 3:
            trend[m] = {"slope": float("nan"), "se": float("nan"), "t": float("nan"), "p": float("nan")}
            continue
        fit = ols(col.to_numpy(float), X)
        trend[m] = {"slope": float(fit.params[1]), "se": float(fit.bse[1]), "t": float(fit.tvalues[1]),
                    "p": float(fit.pvalues[1])}
    trend = pd.DataFrame(trend).T
    trend["converging"] = (trend["slope"] < 0) & (trend["p"] < 0.05)
    trend.index.name = "measure"
    return SigmaConvergence(table=table, trend=trend)


def speed_and_half_life(beta: float, span: float) -> tuple[float, float]:
    """θ = −ln(1 + β·span)/span and the half-life ln 2/θ (NaN where undefined).

    Examples
    --------
    >>> [round(v, 4) for v in speed_and_half_life(-0.02, 10)]
    [0.0223, 31.0628]
    """
    if 1 + beta * span <= 0:
        return float("nan"), float("nan")
    theta = -np.log(1 + beta * span) / span
    return float(theta), float(np.log(2) / theta) if theta > 0 else float("nan")


def wide(values: pd.Series, unit: str, year: str, where: str) -> pd.DataFrame:
    """Units × years, from a Series indexed by (unit, year) in either order."""
    y, _ = aligned(values, None, where)
    if not isinstance(y.index, pd.MultiIndex) or {unit, year} - set(y.index.names):
        raise DataError(f"{where}: values must be indexed by the levels {unit!r} and {year!r}; got {y.index.names}")
    if y.index.duplicated().any():
        raise DataError(f"{where}: unit-year {y.index[y.index.duplicated()][0]!r} appears twice")
    return y.unstack(year).sort_index(axis=1)


def beta_convergence(values: pd.Series, unit: str = "unit_id", year: str = "year",
                     start: int | None = None, end: int | None = None) -> pd.Series:
    """Absolute β-convergence between ``start`` and ``end`` (default: the first and last year).

    Units without a positive value in both years are left out (their count is ``dropped``).

    Returns
    -------
    Series
        beta, se, t, p, alpha, r2, n, dropped, span (years), speed θ and half_life (years).

    Parameters
    ----------
    values : Series
        Positive scores indexed by (unit, year).
    unit, year : str
        The index levels.
    start, end : int, optional
        The initial and final years.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["a", "b", "c", "d"], [2020, 2030]], names=["unit_id", "year"])
    >>> y = pd.Series([10, 20, 20, 30, 40, 50, 80, 90.0], index=idx)
    >>> r = beta_convergence(y)
    >>> round(r["beta"], 4), round(r["speed"], 4), int(r["n"])
    (-0.0275, 0.0322, 4)
    """
    W = wide(values, unit, year, "beta_convergence")
    t0 = W.columns[0] if start is None else start
    t1 = W.columns[-1] if end is None else end
    for t in (t0, t1):
        if t not in W.columns:
            raise DataError(f"beta_convergence: year {t} is not in the data (years: {list(W.columns)})")
    span = float(t1 - t0)
    if span <= 0:
        raise DataError(f"beta_convergence: end {t1} must come after start {t0}")
    ok = (W[t0] > 0) & (W[t1] > 0)
    if ok.sum() < 3:
        raise DataError(f"beta_convergence: {int(ok.sum())} unit(s) with positive values in {t0} and {t1}; need ≥ 3")
    ly0, ly1 = np.log(W.loc[ok, t0]), np.log(W.loc[ok, t1])
    fit = ols(((ly1 - ly0) / span).to_numpy(float), add_constant(ly0.to_numpy(float)))
    beta = float(fit.params[1])
    speed, half = speed_and_half_life(beta, span)
    return pd.Series({"beta": beta, "se": float(fit.bse[1]), "t": float(fit.tvalues[1]), "p": float(fit.pvalues[1]),
                      "alpha": float(fit.params[0]), "r2": float(fit.rsquared), "n": int(ok.sum()),
                      "dropped": int((~ok).sum()), "span": span, "speed": speed, "half_life": half}, dtype=object)


def demean_two_way(frame: pd.DataFrame, unit: str, year: str, tol: float = 1e-12, max_iter: int = 1000) -> pd.DataFrame:
    """Sweep unit and year means out of every column (alternating projections).

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["u", "t"])
    >>> demean_two_way(pd.DataFrame({"x": [1.0, 2, 3, 5]}, index=idx), "u", "t")["x"].tolist()
    [0.25, -0.25, -0.25, 0.25]
    """
    out = frame.astype(float).copy()
    for _ in range(max_iter):
        out = out - out.groupby(level=unit).transform("mean")
        year_means = out.groupby(level=year).transform("mean")
        out = out - year_means
        if float(np.abs(year_means.to_numpy()).max(initial=0)) < tol and \
                float(np.abs(out.groupby(level=unit).transform("mean").to_numpy()).max(initial=0)) < tol:
            break
    return out


def beta_conditional(values: pd.Series, controls: pd.DataFrame | None = None, unit: str = "unit_id",
                     year: str = "year") -> pd.Series:
    """Conditional β-convergence: yearly log growth on the lagged log level, unit and year fixed effects.

    Parameters
    ----------
    values : Series
        Positive scores indexed by (unit, year).
    controls : DataFrame, optional
        Further regressors, same index (their lagged values are not taken: pass them as wanted).
    unit, year : str
        Index levels.

    Returns
    -------
    Series
        beta, se (conventional, fixed-effect degrees of freedom), p, se_cluster and p_cluster
        (clustered by unit), n (unit-years), units, years, speed θ = −ln(1 + β) and half_life.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> idx = pd.MultiIndex.from_product([[f"u{i}" for i in range(30)], range(2015, 2023)], names=["unit_id", "year"])
    >>> y = pd.Series(np.exp(rng.normal(3, 0.3, len(idx))), index=idx)   # independent draws: β ≈ −1
    >>> r = beta_conditional(y)
    >>> bool(-1.3 < r["beta"] < -0.7), int(r["units"]), int(r["n"])
    (True, 30, 210)
    """
    W = wide(values, unit, year, "beta_conditional")
    if (W <= 0).any().any():
        raise DataError("beta_conditional: values must be positive (log growth)")
    years = np.asarray(W.columns, float)
    logs = np.log(W)
    growth = logs.diff(axis=1).iloc[:, 1:] / np.diff(years)      # per year when a year is skipped
    lagged = logs.shift(axis=1).iloc[:, 1:]
    frame = pd.DataFrame({"growth": growth.stack(), "lag": lagged.stack()}).dropna()
    frame.index.names = [unit, year]
    if controls is not None:
        frame = frame.join(controls.astype(float), how="inner").dropna()
    n_units = frame.index.get_level_values(unit).nunique()
    n_years = frame.index.get_level_values(year).nunique()
    regressors = [c for c in frame.columns if c != "growth"]
    df_resid = len(frame) - len(regressors) - n_units - n_years + 1
    if df_resid <= 0 or n_years < 2:
        raise DataError(f"beta_conditional: {len(frame)} unit-year growth observations over {n_units} units and "
                        f"{n_years} years leave no degrees of freedom for two-way fixed effects")
    D = demean_two_way(frame, unit, year)
    y, X = D["growth"].to_numpy(), D[regressors].to_numpy()
    groups = pd.factorize(frame.index.get_level_values(unit))[0]
    fit = ols(y, X, clusters=groups)
    se = float(np.sqrt(fit.ssr / df_resid * np.linalg.inv(X.T @ X)[0, 0]))
    beta = float(fit.params[0])
    speed, half = speed_and_half_life(beta, 1.0)
    return pd.Series({"beta": beta, "se": se, "p": float(2 * stdtr(df_resid, -abs(beta / se))),
                      "se_cluster": float(fit.bse_cluster[0]), "p_cluster": float(fit.pvalues_cluster[0]),
                      "n": len(frame), "units": n_units, "years": n_years, "df_resid": df_resid,
                      "speed": speed, "half_life": half}, dtype=object)
