"""Aggregation of stacks: the kernels of :mod:`toolkit.methods.aggregation.kernels` on (G, m, k) at once.

The Monte Carlo engine aggregates a node for G distinct signatures at a time, with the same
kernels as the pandas functions. The data checks an entry declares (``Method.checks``: the power
means' missing values and domain) are run before, by the engine's dispatch
(:func:`toolkit.index.steps.aggregate_stack`), as the pandas functions run them; what is left
here raises :class:`~toolkit.methods.checks.BatchError` naming the first failing matrix. Parameters have been checked when the specification was loaded
(:mod:`toolkit.methods.registry`); ``excluded`` marks children left out of a replication.
"""

from __future__ import annotations

import numpy as np

from ..checks import BatchError, first_failing
from ..normalisation.normalise import minmax_kernel
from .kernels import generalised_mean_kernel, grey_relational_kernel, topsis_kernel

__all__ = ["grey_relational_batch", "power_mean_batch", "topsis_batch"]


def power_mean_batch(C, W, *, p: float = 1.0, na: str = "error", excluded=None, index=None, name="generalised_mean"):
    """Weighted power means (G, m) of the children ``C`` (G, m, k) — or (1, m, k) or a broadcast
    view, when every replication shares them — with weights ``W`` (G, k).

    ``na="skip"`` drops a unit's missing children (COINr ``a_amean``). The data checks (a missing
    child with ``na="error"``, the domain of p) are the entries' declared checks, which the engine
    runs before this kernel (:meth:`toolkit.methods.declared.Method.check_data`).

    Examples
    --------
    >>> import numpy as np
    >>> power_mean_batch(np.array([[[1.0, 4.0]]]), np.array([[0.5, 0.5], [1.0, 0.0]]), p=0.0)
    array([[2.],
           [1.]])
    """
    C = np.asarray(C, dtype=float)
    W = np.asarray(W, dtype=float)
    p = float(p)
    shared = C.shape[0] == 1 or C.strides[0] == 0
    out = generalised_mean_kernel(C[:1] if shared else C, W, p, na == "skip")
    bad = np.isnan(out)
    if bad.any():
        raise BatchError(first_failing(bad), f"{name}: a unit has no non-missing child with positive weight")
    return out


def _complete(C, W, excluded, name):
    G = W.shape[0]
    C = np.broadcast_to(np.asarray(C, dtype=float), (G,) + np.shape(C)[1:])
    if excluded is not None and np.any(excluded):
        # a left-out child becomes a constant column: TOPSIS and GRA then behave as if it were absent
        C = np.where(np.asarray(excluded, dtype=bool)[:, None, :], 1.0, C)
    if np.isnan(C).any():
        raise BatchError(first_failing(np.isnan(C)), f"{name}: missing values are not allowed; impute first")
    return C


def topsis_batch(C, W, *, normalisation: str = "vector", excluded=None, index=None):
    """TOPSIS closeness (G, m) of a stack (children all benefit: they are normalised already).

    Examples
    --------
    >>> import numpy as np
    >>> topsis_batch(np.array([[[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]]]), np.array([[0.5, 0.5]])).round(3)
    array([[0.309, 0.309, 1.   ]])
    """
    W = np.asarray(W, dtype=float)
    C = _complete(C, W, excluded, "topsis")  # a child 0 for every unit: the entry's declared check
    return topsis_kernel(C, W, None, normalisation)[0]


def grey_relational_batch(C, W, *, rho: float = 0.5, reference="best", normalisation: str = "minmax",
                          excluded=None, index=None):
    """Grey relational grades (G, m) of a stack; ``reference`` is ``"best"`` or a unit label of
    ``index`` (the block's row labels).

    Examples
    --------
    >>> import numpy as np
    >>> grey_relational_batch(np.array([[[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]]]), np.array([[0.5, 0.5]]))
    array([[0.41666667, 0.41666667, 1.        ]])
    """
    W = np.asarray(W, dtype=float)
    C = _complete(C, W, excluded, "grey_relational")
    r = minmax_kernel(C, np.ones(C.shape[-1])) if normalisation == "minmax" else C
    x0 = None
    if not (isinstance(reference, str) and reference == "best"):
        try:
            loc = index.get_loc(reference) if index is not None else None
        except (KeyError, TypeError):
            loc = None
        if not isinstance(loc, int | np.integer):
            raise BatchError(0, f"grey_relational: reference must be 'best' or a unit of the block, "
                             f"got {reference!r}")
        x0 = r[:, int(loc), :]
    return grey_relational_kernel(r, W, rho, x0)[0]
