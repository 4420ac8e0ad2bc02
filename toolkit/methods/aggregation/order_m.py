"""Robust (order-m) Benefit of the Doubt: each unit against m peers drawn at random, B times.

BoD gives one outlier the power to set the frontier for everyone. The order-m frontier of
Cazals, Florens & Simar (2002), used for composite indicators by Daraio & Simar (2007) and
Vidoli & Fusco (Compind ``ci_rbod``), compares unit i with m units drawn with replacement from
all units (every unit has the same dummy input 1), through the free-disposal hull of the draw
(output orientation, as Compind's ``nonparaeff::orderm(orientation = 2)``):

    λ_i^(b) = max_{j in draw b} min_k y_jk / y_ik,    λ_i = mean_b λ_i^(b),    score_i = 1 / λ_i

A unit better than most of its draws scores above 1 (a "super-efficient" unit), so the score
is robust to a few extreme units; as m → ∞ it tends to the FDH score 1 / max_j min_k y_jk/y_ik.
Randomness is seeded. A child where y_ik = 0 is skipped in the unit's minimum (any peer is at
least as good there).

References
----------
Cazals, C., Florens, J.-P. & Simar, L. (2002). Nonparametric frontier estimation: a robust
    approach. *Journal of Econometrics* 106, 1–25.
Daraio, C. & Simar, L. (2007). *Advanced Robust and Nonparametric Methods in Efficiency
    Analysis*. Springer.
Vidoli, F. & Fusco, E. *Compind*, R package, ``ci_rbod``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataError
from ..checks import BatchError, as_matrix, first_failing
from ..declared import Method, Param
from .bod import CHECKS

__all__ = ["peer_ratios", "robust_bod", "robust_bod_kernel"]


def peer_ratios(Y: np.ndarray) -> np.ndarray:
    """R (m, m): R[i, j] = min_k y_jk / y_ik over the children where y_ik > 0 (how far peer j
    dominates unit i; R[i, i] = 1).

    Examples
    --------
    >>> import numpy as np
    >>> peer_ratios(np.array([[1.0, 2.0], [2.0, 2.0]])).tolist()
    [[1.0, 1.0], [0.5, 1.0]]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = Y[None, :, :] / Y[:, None, :]  # [i, j, k] = y_jk / y_ik
    ratio = np.where(Y[:, None, :] > 0, ratio, np.inf)
    R = ratio.min(axis=-1)
    return np.where(np.isinf(R), 1.0, R)  # a unit that is 0 everywhere: compared with itself


def robust_bod_kernel(C, W=None, *, m: int = 20, draws: int = 200, seed: int = 0, excluded=None,
                      index=None) -> np.ndarray:
    """Order-m BoD scores (G, m_units) of a stack C (G, m_units, k); ``W`` is ignored (each unit
    is judged on its own terms), ``excluded`` (G, k) drops children.

    Examples
    --------
    >>> import numpy as np
    >>> robust_bod_kernel(np.array([[[1.0, 1.0], [0.5, 0.5]]]), m=50, draws=20).round(3).tolist()
    [[1.0, 0.5]]
    """
    C = np.asarray(C, dtype=float)
    G = C.shape[0]
    out = np.empty((G, C.shape[1]))
    # one draw for the whole batch: a group's scores depend on the seed, never on its place in the
    # batch (build_index runs a batch of one, the Monte Carlo engine stacks replications)
    picks = np.random.default_rng(seed).integers(0, C.shape[1], size=(draws, int(m)))
    for g in range(G):
        Y = C[g]
        if excluded is not None:
            Y = Y[:, ~np.asarray(excluded, dtype=bool)[g]]
        R = peer_ratios(Y)
        lam = R[:, picks].max(axis=-1).mean(axis=-1)  # R[i, picks] → (n, draws, m)
        out[g] = 1.0 / lam
    if not np.isfinite(out).all():
        raise BatchError(first_failing(~np.isfinite(out).all(axis=-1)), "robust_bod: an undefined score")
    return out


def robust_bod(X, weights=None, m: int = 20, draws: int = 200, seed: int = 0) -> pd.Series:
    """Robust order-m BoD scores of the rows of ``X`` (seeded).

    Parameters
    ----------
    X : DataFrame (units × children), non-negative, higher = better.
    weights : ignored (each unit is judged on its own terms, as in BoD).
    m : int
        Peers per draw (Compind's ``M``); larger m → closer to the FDH frontier.
    draws : int
        Draws per unit (Compind's ``B``).
    seed : int

    Returns
    -------
    Series (name ``"robust_bod"``); 1 = on the order-m frontier, above 1 = beyond it.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 0.5, 0.2], "b": [0.2, 0.5, 1.0]})
    >>> robust_bod(X, m=200, draws=50).round(3).tolist()   # m ≫ n: the FDH scores, all 1 here
    [1.0, 1.0, 1.0]
    """
    X = as_matrix(X, name="robust_bod", allow_nan=True)
    ENTRY.check_data(X.to_numpy(dtype=float)[None], units=X.index, columns=X.columns)  # as the engine does
    if int(m) < 1 or int(draws) < 1:
        raise DataError(f"robust_bod: m and draws must be ≥ 1, got m {m}, draws {draws}")
    return pd.Series(robust_bod_kernel(X.to_numpy()[None], m=m, draws=draws, seed=seed)[0], index=X.index,
                     name="robust_bod")


#: the registry entry (assembled by :data:`toolkit.methods.aggregation.aggregate.AGGREGATION`)
ENTRY = Method("robust_bod", "aggregation", robust_bod, robust_bod_kernel, params=(
    Param("m", "integer", 20, "peers per draw (larger: closer to the full frontier)", low=1, per_node=True),
    Param("draws", "integer", 200, "draws per unit", low=1, per_node=True),
    Param("seed", "integer", 0, "seed of the draws", low=0, per_node=True)),
    checks=CHECKS, label_en="robust (order-m) benefit of the doubt", label_zh="稳健有利假设法（order-m）",
    doc="each unit against m peers drawn at random, B times (Daraio & Simar 2007; Compind ci_rbod); the weights are "
        "ignored", doc_zh="每个单位与随机抽取的 m 个同伴比较，重复 B 次（Daraio & Simar 2007）；不使用给定权重")
