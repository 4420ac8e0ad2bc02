"""Kernel density of a score across years (a Gaussian kernel), and what the curves show.

The bandwidth follows Scott's rule by default, h = σ n^(−1/5) (scipy's ``"scott"``), or
Silverman's, h = σ (3n/4)^(−1/5) (``"silverman"``); each year's curve is estimated on its own
values, on one grid common to every year. Read a curve by its peak (the level), its height and
width (the dispersion), its number of peaks (polarisation) and its tails.

The density is scipy's one-dimensional ``gaussian_kde``, f(x) = (1/n) Σ_i φ((x − x_i)/h)/h, written
with numpy: it runs in every overview page of several years, and importing ``scipy.stats`` costs
about 0.7 s of CPU per process. ``tests/dynamics/test_inequality_convergence.py`` holds it to scipy's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from .checks import aligned

BANDWIDTH_RULES = {"scott": "Scott's rule, h = σ·n^(−1/5)", "silverman": "Silverman's rule, h = σ·(3n/4)^(−1/5)"}


def kde_by_year(values: pd.Series, year: str = "year", bw: str = "scott", points: int = 200) -> pd.DataFrame:
    """Gaussian kernel density of ``values`` in each year, on one common grid.

    Parameters
    ----------
    values : Series
        The scores, with an index level ``year``.
    year : str
        The index level holding the year.
    bw : {"scott", "silverman"}
        The bandwidth rule (see :data:`BANDWIDTH_RULES`).
    points : int
        Grid points, spanning the pooled range widened by three of the largest bandwidth.

    Returns
    -------
    DataFrame
        Index: the grid (``value``); one column per year: the density. ``attrs["bandwidth"]`` holds
        each year's bandwidth and ``attrs["rule"]`` the rule in words.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[2024, 2025], range(50)], names=["year", "unit"])
    >>> rng = np.random.default_rng(0)
    >>> y = pd.Series(np.r_[rng.normal(50, 5, 50), rng.normal(60, 5, 50)], index=idx)
    >>> dens = kde_by_year(y)
    >>> list(dens.columns), dens.attrs["rule"]
    ([2024, 2025], "Scott's rule, h = σ·n^(−1/5)")
    >>> bool(abs(np.trapezoid(dens[2025], dens.index) - 1) < 1e-3)   # each curve integrates to 1
    True
    """
    if bw not in BANDWIDTH_RULES:
        raise ValueError(f"kde_by_year: bw must be one of {list(BANDWIDTH_RULES)}, got {bw!r}")
    y, _ = aligned(values, None, "kde_by_year")
    years = y.index.get_level_values(year)
    samples, bws = {}, {}
    for t in sorted(years.unique()):
        v = y[years == t].to_numpy(float)
        if len(v) < 2 or np.ptp(v) == 0:
            raise DataError(f"kde_by_year: year {t} has {len(v)} value(s) with no spread; a density needs at least "
                            "two distinct values")
        factor = len(v) ** -0.2 if bw == "scott" else (len(v) * 3 / 4) ** -0.2
        samples[t], bws[t] = v, float(np.sqrt(np.cov(v) * factor ** 2))
    pad = 3 * max(bws.values())
    grid = np.linspace(y.min() - pad, y.max() + pad, points)
    out = pd.DataFrame({t: gaussian_density(v, bws[t], grid) for t, v in samples.items()},
                       index=pd.Index(grid, name="value"))
    out.attrs.update(bandwidth=bws, rule=BANDWIDTH_RULES[bw])
    return out


def gaussian_density(sample: np.ndarray, h: float, grid: np.ndarray) -> np.ndarray:
    """The Gaussian kernel density of ``sample`` with bandwidth ``h``, at the points ``grid``.

    Examples
    --------
    >>> float(gaussian_density(np.array([0.0]), 1.0, np.array([0.0]))[0].round(4))   # φ(0)
    0.3989
    """
    out = np.empty(len(grid))
    for start in range(0, len(grid), 256):                 # (points × sample) blocks of bounded size
        u = (grid[start:start + 256, None] - sample[None, :]) / h
        out[start:start + 256] = np.exp(-0.5 * u * u).sum(axis=1)
    return out / (len(sample) * h * np.sqrt(2 * np.pi))


def prominent_peaks(x: np.ndarray, prominence: float) -> np.ndarray:
    """The local maxima of ``x`` whose prominence is at least ``prominence``: scipy's
    ``find_peaks(x, prominence=prominence)[0]`` (a flat top counts once, at its middle; the
    prominence is the height above the higher of the two lowest points reached on each side
    before a higher point or the end). Written out because importing ``scipy.signal`` imports
    ``scipy.stats``, about a second of CPU for 200 points; a test holds it to scipy's.

    Examples
    --------
    >>> prominent_peaks(np.array([0, 3, 1, 2, 1, 5, 5, 0.0]), 1.5).tolist()   # 2 rises 1 above its base
    [1, 5]
    """
    x = np.asarray(x, float)
    n = len(x)
    out = []
    i = 1
    while i < n - 1:
        if x[i - 1] < x[i]:
            ahead = i + 1
            while ahead < n - 1 and x[ahead] == x[i]:
                ahead += 1
            if x[ahead] < x[i]:
                peak = (i + ahead - 1) // 2
                left = right = x[peak]
                j = peak
                while j >= 0 and x[j] <= x[peak]:
                    left = min(left, x[j])
                    j -= 1
                j = peak
                while j < n and x[j] <= x[peak]:
                    right = min(right, x[j])
                    j += 1
                if x[peak] - max(left, right) >= prominence:
                    out.append(peak)
                i = ahead
                continue
        i += 1
    return np.array(out, int)


def kde_features(density: pd.DataFrame, prominence: float = 0.05) -> pd.DataFrame:
    """Per year: the main peak's position and height, the number of peaks and the width at half height.

    A peak counts when its prominence is at least ``prominence`` × the year's highest density.

    Parameters
    ----------
    density : DataFrame
        :func:`kde_by_year`'s output (grid × year).
    prominence : float
        Minimum prominence of a peak, as a share of the year's highest density.

    Returns
    -------
    DataFrame
        Index year: peak_at, peak_height, peaks, half_height_width.

    Examples
    --------
    >>> grid = pd.Index(np.linspace(-5, 5, 201), name="value")
    >>> two = np.exp(-(grid - 2) ** 2 * 4) + np.exp(-(grid + 2) ** 2 * 4)
    >>> kde_features(pd.DataFrame({2024: two}, index=grid))[["peaks", "peak_at"]]
          peaks  peak_at
    2024      2     -2.0
    """
    rows = {}
    x = density.index.to_numpy(float)
    for t in density.columns:
        d = density[t].to_numpy(float)
        top = int(np.argmax(d))
        peaks = prominent_peaks(np.r_[0.0, d, 0.0], prominence * d[top])
        above = x[d >= d[top] / 2]
        rows[t] = {"peak_at": float(x[top]), "peak_height": float(d[top]), "peaks": int(len(peaks)),
                   "half_height_width": float(above.max() - above.min())}
    return pd.DataFrame(rows).T.astype({"peaks": int})
