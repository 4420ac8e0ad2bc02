"""The Mazziotta–Pareto index (MPI): a mean penalised by the unit's imbalance across its children.

For unit i with normalised children z_ij and weights w_j (Σw = 1; equal weights in the papers):

    M_i = Σ_j w_j z_ij,   S_i = √(Σ_j w_j (z_ij − M_i)² · k/(k − ddof)),   cv_i = S_i / M_i
    MPI_i = M_i − S_i·cv_i   (penalty "minus": higher = better, unbalanced units penalised)
    MPI_i = M_i + S_i·cv_i   (penalty "plus": for a "negative" index, where higher = worse)

The penalty is non-compensatory: two units with the same mean rank by their balance. The MPI
expects children on a common scale centred well away from 0 — the classic MPI standardises to
mean 100 and sd 10 (``normalisation: {method: zscore, params: {mean: 100, sd: 10}}``) and the
*adjusted* MPI (AMPI) uses the 70–130 rescaling of :mod:`toolkit.methods.normalisation.ampi`.

``ddof`` is the correction of S: 0 (the population sd, Mazziotta & Pareto 2016) or 1 (the sample
sd, R's ``var``, which Compind's ``ci_mpi`` and the ``ci_ampi`` of Compind 2.0 — whose vignette
prints AMPI values for the Europe 2020 data — use). Compind's ``penalty = "POS"`` *adds* the
penalty in ``ci_ampi`` 2.0 (our ``plus``) but subtracts it in ``ci_mpi``; here the sign is named.

References
----------
De Muro, P., Mazziotta, M. & Pareto, A. (2011). Composite indices of development and poverty: an
    application to MDGs. *Social Indicators Research* 104, 1–18. doi:10.1007/s11205-010-9727-z
Mazziotta, M. & Pareto, A. (2016). On a generalized non-compensatory composite index for measuring
    socio-economic phenomena. *Social Indicators Research* 127, 983–1003. doi:10.1007/s11205-015-0998-2
Vidoli, F. & Fusco, E. *Compind: Composite indicators functions*, R package (CRAN), ``ci_mpi``,
    ``ci_ampi``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..checks import COMPLETE, BatchError, DataCheck, as_matrix, first_failing, weighted_stack
from ..declared import Method, Param

__all__ = ["PENALTIES", "mpi", "mpi_kernel"]

PENALTIES = ("minus", "plus")


def mpi_kernel(C, W, *, penalty: str = "minus", ddof: int = 0, excluded=None, index=None) -> np.ndarray:
    """MPI scores (G, m) of a stack C (G, m, k) with weights W (G, k): the one implementation
    (:func:`mpi` runs it on a batch of one). ``excluded`` (G, k) children get weight 0.

    Examples
    --------
    >>> import numpy as np
    >>> mpi_kernel(np.array([[[100.0, 100.0], [90.0, 110.0]]]), np.ones((1, 2))).round(4).tolist()
    [[100.0, 99.0]]
    """
    if penalty not in PENALTIES:
        raise SpecError(f"mpi: penalty must be one of {list(PENALTIES)}, got {penalty!r}")
    C, W = weighted_stack(C, W, excluded, name="mpi")
    live = (W > 0).sum(axis=-1)
    if (live - ddof < 1).any():
        raise BatchError(first_failing(live - ddof < 1), f"mpi: {int(live.min())} child(ren) with positive weight "
                         f"leave no degree of freedom for the sd (ddof {ddof})")
    w = W / W.sum(axis=-1, keepdims=True)
    M = np.einsum("gmk,gk->gm", C, w)
    var = np.einsum("gmk,gk->gm", (C - M[..., None]) ** 2, w) * (live / (live - ddof))[:, None]
    S = np.sqrt(var)  # M > 0 for every unit: the entry's declared check (POSITIVE_MEAN), run before the kernel
    pen = S * S / M  # S·cv
    return M - pen if penalty == "minus" else M + pen


def mpi(X, weights=None, penalty: str = "minus", ddof: int = 0) -> pd.Series:
    """The Mazziotta–Pareto index of the rows of ``X``.

    Parameters
    ----------
    X : DataFrame (units × children)
        Children on a common positive scale (mean 100, sd 10; or the AMPI's 70–130).
    weights : Series or sequence, optional
        Child weights (default equal, as in the papers); rescaled to sum 1.
    penalty : {"minus", "plus"}
        Subtract the penalty S·cv (an index where higher is better) or add it.
    ddof : {0, 1}
        0: population sd (Mazziotta & Pareto 2016); 1: sample sd (Compind).

    Returns
    -------
    Series (name ``"mpi"``)

    Examples
    --------
    Hand-derived: (100, 100) has no imbalance; (90, 110) has M = 100, S = 10, cv = 0.1, so
    MPI = 100 − 10·0.1 = 99 (and 101 with the plus penalty).

    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [100.0, 90.0], "b": [100.0, 110.0]}, index=["A", "B"])
    >>> mpi(X).tolist(), mpi(X, penalty="plus").tolist()
    ([100.0, 99.0], [100.0, 101.0])
    """
    X = as_matrix(X, name="mpi", allow_nan=True)
    if weights is None:
        w = np.ones(X.shape[1])
    else:
        s = pd.Series(weights, dtype=float) if not isinstance(weights, pd.Series) else weights.astype(float)
        if isinstance(weights, pd.Series) or isinstance(weights, dict):
            missing = [c for c in X.columns if c not in s.index]
            if missing:
                raise DataError(f"mpi: no weight for {missing}")
            s = s.reindex(X.columns)
        w = s.to_numpy()
    ENTRY.check_data(X.to_numpy()[None], weights=w[None], units=X.index, columns=X.columns)  # as the engine does
    out = mpi_kernel(X.to_numpy()[None], w[None], penalty=penalty, ddof=ddof)[0]  # a BatchError is a DataError
    return pd.Series(out, index=X.index, name="mpi")


def _unit_means(values, weights):
    """Each unit's weighted mean of its children (G, m)."""
    return (values * weights[:, None, :]).sum(axis=-1) / weights.sum(axis=-1)[:, None]


#: the MPI's penalty divides by each unit's mean: it must be positive
POSITIVE_MEAN = DataCheck("positive_mean", "has mean {value:g} ≤ 0, so its coefficient of variation is undefined; "
                          "rescale first (z-scores to mean 100, sd 10, or the AMPI's 70–130)",
                          lambda mean, params: ~(mean > 0), per="unit", stat=_unit_means)

#: the registry entry (assembled by :data:`toolkit.methods.aggregation.aggregate.AGGREGATION`); its
#: data checks run in :func:`mpi` and, on the engine's stacks, in :func:`toolkit.index.steps.aggregate_stack`
ENTRY = Method("mpi", "aggregation", mpi, mpi_kernel, params=(
    Param("penalty", "choice", "minus", "subtract the imbalance penalty S·cv (higher = better) or add it",
          choices=PENALTIES, per_node=True),
    Param("ddof", "integer", 0, "0: population sd (Mazziotta & Pareto 2016); 1: sample sd (Compind)", low=0, high=1,
          per_node=True)),
    checks=(COMPLETE, POSITIVE_MEAN), label_en="Mazziotta–Pareto index", label_zh="Mazziotta–Pareto 指数 (MPI)",
    doc="the mean penalised by the unit's imbalance, M ∓ S·cv (De Muro et al. 2011; AMPI with ampi normalisation)",
    doc_zh="以单位内各项的不均衡度惩罚均值：M ∓ S·cv（配合 ampi 标准化即 AMPI）")
