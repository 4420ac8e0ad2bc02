"""The mean–min function (Casadio Tarabusi & Guarini 2013): between the mean and the minimum.

For unit i with children z_ij, weights w_j (Σw = 1), M_i = Σ_j w_j z_ij and m_i = min_j z_ij:

    MMF_i = M_i − α (√((M_i − m_i)² + β²) − β),     0 ≤ α ≤ 1,  β ≥ 0

α = 0 is the (weighted) arithmetic mean, α = 1 with β = 0 the minimum; α sets how much
imbalance is penalised, β how complementary the children are (Compind ``ci_mean_min``, which
standardises to mean 100, sd 10 first and uses equal weights).

Reference: Casadio Tarabusi, E. & Guarini, G. (2013). An unbalance adjustment method for
development indicators. *Social Indicators Research* 112, 19–45. doi:10.1007/s11205-012-0070-4
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import SpecError
from ..checks import COMPLETE, as_matrix, weighted_stack
from ..declared import Method, Param

__all__ = ["mean_min", "mean_min_kernel"]


def mean_min_kernel(C, W, *, alpha: float = 0.5, beta: float = 0.0, excluded=None, index=None) -> np.ndarray:
    """Mean–min scores (G, m) of a stack C (G, m, k) with weights W (G, k); ``excluded`` (G, k)
    children are left out of the mean and the minimum.

    Examples
    --------
    >>> import numpy as np
    >>> mean_min_kernel(np.array([[[2.0, 8.0]]]), np.ones((1, 2)), alpha=1.0).tolist()
    [[2.0]]
    """
    if not 0 <= float(alpha) <= 1 or float(beta) < 0:
        raise SpecError(f"mean_min: need 0 ≤ alpha ≤ 1 and beta ≥ 0, got alpha {alpha}, beta {beta}")
    C, W = weighted_stack(C, W, excluded, name="mean_min")
    w = W / W.sum(axis=-1, keepdims=True)
    M = np.einsum("gmk,gk->gm", C, w)
    low = np.where((w > 0)[:, None, :], C, np.inf).min(axis=-1)
    return M - float(alpha) * (np.sqrt((M - low) ** 2 + float(beta) ** 2) - float(beta))


def mean_min(X, weights=None, alpha: float = 0.5, beta: float = 0.0) -> pd.Series:
    """Mean–min scores of the rows of ``X`` (equal weights by default).

    Examples
    --------
    Hand-derived: (2, 8) has mean 5 and minimum 2; α = 0.5, β = 4: 5 − 0.5 (√(9 + 16) − 4) = 4.5.

    >>> import pandas as pd
    >>> mean_min(pd.DataFrame({"a": [2.0], "b": [8.0]}), alpha=0.5, beta=4.0).tolist()
    [4.5]
    """
    X = as_matrix(X, name="mean_min", allow_nan=True)
    ENTRY.check_data(X.to_numpy()[None], units=X.index, columns=X.columns)  # as the engine does
    w = np.ones(X.shape[1]) if weights is None else pd.Series(weights, dtype=float).reindex(X.columns).to_numpy() \
        if isinstance(weights, dict | pd.Series) else np.asarray(weights, dtype=float)
    return pd.Series(mean_min_kernel(X.to_numpy()[None], w[None], alpha=alpha, beta=beta)[0], index=X.index,
                     name="mean_min")


#: the registry entry (assembled by :data:`toolkit.methods.aggregation.aggregate.AGGREGATION`)
ENTRY = Method("mean_min", "aggregation", mean_min, mean_min_kernel, params=(
    Param("alpha", "number", 0.5, "penalisation of imbalance (0: the mean; 1 with beta 0: the minimum)", low=0, high=1,
          per_node=True),
    Param("beta", "number", 0.0, "complementarity of the children", low=0, per_node=True)),
    checks=(COMPLETE,), label_en="mean–min function", label_zh="均值-最小值函数",
    doc="between the weighted mean and the minimum (Casadio Tarabusi & Guarini 2013)",
    doc_zh="介于加权均值与最小值之间（Casadio Tarabusi & Guarini 2013）")
