"""The AMPI normalisation (Mazziotta & Pareto 2016) and the identity (``none``).

The adjusted Mazziotta–Pareto index rescales each indicator around a **reference** value so that
values are comparable across units *and years*:

    Δ_j = (max_j − min_j) / 2      over every unit and year of the block (the "goalposts" span)
    r_ij = 70 + 60 · (x_ij − (ref_j − Δ_j)) / (2 Δ_j)          (a cost indicator: ref_j + Δ_j − x_ij)

so the reference maps to 100 and the observed range to a 60-point span: 70–130 when the reference
is the midpoint of the range. ``reference`` gives ref_j per indicator (Compind's ``gp``); when it
is left out, ref_j is the mean of the ``reference_year`` rows (Mazziotta & Pareto's base year), or
of every row. With ``panel.scope: per_year`` each year is its own block, so Δ and the mean are
that year's (what Compind 2.0's ``ci_ampi``, and so its vignette table, does); with ``pooled``
they span every year, which is what makes the AMPI comparable over time.

The identity ``none`` is for indicators already on a common scale: the values pass unchanged,
except that a cost indicator is multiplied by −1 (COINr's convention for a normaliser with no
direction of its own), so that higher is better everywhere.

References
----------
Mazziotta, M. & Pareto, A. (2016). On a generalized non-compensatory composite index for measuring
    socio-economic phenomena. *Social Indicators Research* 127, 983–1003.
Vidoli, F. & Fusco, E. *Compind*, R package, ``ci_ampi`` (version 2.0, 2018 vignette).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataError
from ..checks import as_directions, as_matrix
from ..declared import Method, Param

__all__ = ["ampi", "identity"]


def _reference(value, X: pd.DataFrame, reference_year) -> np.ndarray:
    if value is not None:
        if isinstance(value, dict | pd.Series):
            s = pd.Series(dict(value), dtype=float)
            missing = [c for c in X.columns if c not in s.index]
            if missing:
                raise DataError(f"ampi: no reference value for {missing}")
            return s.reindex(X.columns).to_numpy()
        return np.broadcast_to(np.asarray(value, dtype=float), (X.shape[1],)).copy()
    rows = X
    if reference_year is not None:
        if not (isinstance(X.index, pd.MultiIndex) and "year" in X.index.names):
            raise DataError("ampi: reference_year needs rows labelled by year (a pooled block of a panel)")
        years = X.index.get_level_values("year")
        if int(reference_year) not in set(years):
            raise DataError(f"ampi: reference_year {reference_year} is not among the block's years "
                            f"{sorted(set(years))}")
        rows = X[years == int(reference_year)]
    return rows.mean().to_numpy()


def ampi(X, directions=None, reference=None, reference_year=None) -> pd.DataFrame:
    """AMPI rescaling: the reference → 100, the range → a 60-point span (70–130 around its midpoint).

    Parameters
    ----------
    X : DataFrame (rows × indicators)
        Raw (treated) values; rows may be several years of the same units.
    directions : ±1 per indicator, optional (default all benefit)
    reference : number or mapping code → number, optional
        ref_j (Compind's ``gp``). Default: the mean of the ``reference_year`` rows, else of all rows.
    reference_year : int, optional
        The base year whose mean is the reference (needs a ``year`` level in the row index).

    Returns
    -------
    DataFrame with the labels of ``X``.

    Examples
    --------
    Range 0–10 (Δ = 5) around the reference 5: 0 → 70, 5 → 100, 10 → 130; a cost indicator the
    other way round.

    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [0.0, 5.0, 10.0], "b": [0.0, 5.0, 10.0]})
    >>> ampi(X, directions=[1, -1], reference=5).to_dict("list")
    {'a': [70.0, 100.0, 130.0], 'b': [130.0, 100.0, 70.0]}
    """
    X = as_matrix(X, name="ampi", allow_nan=True)
    d = as_directions(directions, X.columns).to_numpy(dtype=float)
    a = X.to_numpy()
    ref = _reference(reference, X, reference_year)
    half = (np.nanmax(a, axis=0) - np.nanmin(a, axis=0)) / 2
    flat = [c for c, h in zip(X.columns, half, strict=True) if not h > 0]
    if flat:
        raise DataError(f"ampi: indicator(s) {flat} have no range (max = min); the AMPI scale is undefined")
    r = 70 + 60 * np.where(d > 0, a - (ref - half), (ref + half) - a) / (2 * half)
    return pd.DataFrame(r, index=X.index, columns=X.columns)


def identity(X, directions=None) -> pd.DataFrame:
    """The values as they are (``normalisation: none``), a cost indicator times −1.

    Examples
    --------
    >>> import pandas as pd
    >>> identity(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}), directions=[1, -1]).to_dict("list")
    {'a': [1.0, 2.0], 'b': [-3.0, -4.0]}
    """
    X = as_matrix(X, name="none", allow_nan=True)
    d = as_directions(directions, X.columns).to_numpy(dtype=float)
    return X * d


#: the registry entries (assembled by :data:`toolkit.methods.normalisation.normalise.NORMALISATION`)
ENTRIES = (
    Method("ampi", "normalisation", ampi, None, columnwise=True, params=(
        Param("reference", "number", None, "the value mapped to 100 (default: the mean of reference_year)",
              nullable=True, per_indicator=True),
        Param("reference_year", "integer", None, "the base year whose mean is the reference (pooled panels)",
              nullable=True)),
        label_en="AMPI rescaling", label_zh="AMPI 标准化（70–130）",
        doc="70 + 60·(x − (ref − Δ))/(2Δ), Δ = half the range: the reference → 100 (Mazziotta & Pareto 2016)",
        doc_zh="70 + 60·(x − (参照值 − Δ))/(2Δ)，Δ 为极差的一半：参照值 → 100"),
    Method("none", "normalisation", identity, None, columnwise=True, label_en="none (identity)", label_zh="不标准化",
           doc="the values as they are (a cost indicator × −1), for indicators already on a common scale",
           doc_zh="保持原值（成本型指标乘以 −1），用于已在同一尺度上的指标"),
)
