"""The Wroclaw taxonomy (Hellwig 1968): distance to the ideal unit, as a development measure.

With children z_ij (normalised; higher = better), weights w_j (Σw = 1) and the ideal
z_0j = max_i z_ij:

    c_i = √(Σ_j w_j (z_ij − z_0j)²),   c_0 = mean(c) + 2·sd(c)   (sd with n − 1)
    score_i = 1 − c_i / c_0

Compind's ``ci_wroclaw`` returns the distance ratio c_i / c_0 with equal weights (lower =
better); the toolkit ranks higher = better, so it returns Hellwig's measure 1 − c_i/c_0 (equal
weights give exactly 1 − Compind's value: the common factor of the weights cancels in the ratio).

Reference: Hellwig, Z. (1968). Zastosowanie metody taksonomicznej do typologicznego podziału
krajów ze względu na poziom ich rozwoju. *Przegląd Statystyczny* 15(4), 307–327.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import COMPLETE, as_matrix, weighted_stack
from ..declared import Method

__all__ = ["wroclaw", "wroclaw_kernel"]


def wroclaw_kernel(C, W, *, excluded=None, index=None) -> np.ndarray:
    """Hellwig scores (G, m) of a stack C (G, m, k) with weights W (G, k).

    Examples
    --------
    >>> import numpy as np
    >>> wroclaw_kernel(np.array([[[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]]]), np.ones((1, 2))).round(4).tolist()
    [[1.0, 0.3739, 0.5573]]
    """
    C, W = weighted_stack(C, W, excluded, name="wroclaw")  # two units at least (the sd): the entry's min_rows
    w = W / W.sum(axis=-1, keepdims=True)
    ideal = C.max(axis=1, keepdims=True)
    c = np.sqrt(np.einsum("gmk,gk->gm", (C - ideal) ** 2, w))
    c0 = c.mean(axis=1, keepdims=True) + 2 * c.std(axis=1, ddof=1, keepdims=True)
    return 1 - c / np.where(c0 > 0, c0, 1.0)


def wroclaw(X, weights=None) -> pd.Series:
    """Hellwig's development measure of the rows of ``X`` (equal weights by default).

    Examples
    --------
    Hand-derived: units (1, 1), (0, 0), (1, 0); the ideal is (1, 1); with weights ½ the distances
    are 0, 1, √½; c_0 = mean + 2 sd = 0.5690 + 2·0.5141 = 1.5973, so 1 − c/c_0 = 1, 0.3739, 0.5573.

    >>> import pandas as pd
    >>> wroclaw(pd.DataFrame({"a": [1.0, 0.0, 1.0], "b": [1.0, 0.0, 0.0]})).round(4).tolist()
    [1.0, 0.3739, 0.5573]
    """
    X = as_matrix(X, name="wroclaw", allow_nan=True)
    ENTRY.check_data(X.to_numpy()[None], units=X.index, columns=X.columns)  # as the engine does
    w = np.ones(X.shape[1]) if weights is None else pd.Series(weights, dtype=float).reindex(X.columns).to_numpy() \
        if isinstance(weights, dict | pd.Series) else np.asarray(weights, dtype=float)
    return pd.Series(wroclaw_kernel(X.to_numpy()[None], w[None])[0], index=X.index, name="wroclaw")


#: the registry entry (assembled by :data:`toolkit.methods.aggregation.aggregate.AGGREGATION`): every
#: child present, two units at least (the sd of the distances), checked by both paths
ENTRY = Method("wroclaw", "aggregation", wroclaw, wroclaw_kernel, min_rows=2, checks=(COMPLETE,),
               label_en="Wroclaw taxonomy",
               label_zh="Wroclaw 分类法（Hellwig 发展指数）",
               doc="1 − distance to the ideal unit / (mean + 2 sd of the distances) (Hellwig 1968)",
               doc_zh="1 − 到理想单位的距离 /（距离均值 + 2 倍标准差）（Hellwig 1968）")
