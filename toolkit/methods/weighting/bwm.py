"""Best–Worst Method (BWM): criterion weights from two comparison vectors, linear or non-linear.

The decision maker names the best criterion B and the worst W, and rates on the 1–9 scale how
much B is preferred to every criterion (Best-to-Others, ``a_Bj``) and how much every criterion
is preferred to W (Others-to-Worst, ``a_jW``). The linear model of Rezaei (2016), model (19):

    min ξᴸ  s.t.  |w_B − a_Bj w_j| ≤ ξᴸ,  |w_j − a_jW w_W| ≤ ξᴸ  ∀j,  Σ w_j = 1,  w ≥ 0

is a linear programme (solved by ``scipy.optimize.linprog``, HiGHS) with a unique solution.
ξᴸ near 0 means consistent judgements. ξᴸ is in weight units, so it is *not* divided by the
CI table of the non-linear model; the consistency ratio reported is the input-based ratio of
Liang, Brunelli & Rezaei (2020), ``CRᴵ = max_j |a_Bj a_jW − a_BW| / (a_BW² − a_BW)``, which
needs no optimisation, points at the judgement to revise, and has published thresholds.

``model="nonlinear"`` is the original model of Rezaei (2015), model (8), which published papers
and the JMcDM test suite use:

    min ξ  s.t.  |w_B / w_j − a_Bj| ≤ ξ,  |w_j / w_W − a_jW| ≤ ξ  ∀j,  Σ w_j = 1,  w ≥ 0

For a fixed ξ the constraints are linear in w (``|w_B − a_Bj w_j| ≤ ξ w_j``), and the feasible
set grows with ξ, so ξ* is found by bisection on ξ with one feasibility LP per step — the global
optimum, where a local solver (Ipopt in JMcDM) may stop elsewhere. Its consistency ratio is
Rezaei's output-based ``ξ*/CI(a_BW)`` with his CI table (:data:`CONSISTENCY_INDEX`), reported as
``cr_output``. The gate (``consistent``) stays Liang's input-based ratio for both models: it has
published thresholds, and Rezaei (2015) gives none. **The default is the linear model** (unique
weights, one LP); a spec chooses with ``model: nonlinear``. For n > 3 the non-linear optimum need
not be unique (Rezaei 2016); the weights reported are the solver's point at ξ*.

References
----------
Rezaei, J. (2015). Best-worst multi-criteria decision-making method. *Omega* 53, 49–57.
Rezaei, J. (2016). Best-worst multi-criteria decision-making method: Some properties and a
    linear model. *Omega* 64, 126–130. doi:10.1016/j.omega.2015.12.001
Liang, F., Brunelli, M. & Rezaei, J. (2020). Consistency issues in the best worst method:
    Measurements and thresholds. *Omega* 96, 102175. doi:10.1016/j.omega.2019.102175
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError

__all__ = ["BWMResult", "CONSISTENCY_INDEX", "CR_THRESHOLDS", "MODELS", "bwm", "bwm_threshold"]

#: Rezaei (2015) Table 5: the consistency index CI = max ξ for each a_BW (1–9).
CONSISTENCY_INDEX: dict[int, float] = {1: 0.00, 2: 0.44, 3: 1.00, 4: 1.63, 5: 2.30, 6: 3.00, 7: 3.73, 8: 4.47,
                                       9: 5.23}
MODELS = ("linear", "nonlinear")

#: Input-based CR thresholds, Liang et al. (2020) Table 3: {a_BW: {n criteria: threshold}}.
#: a_BW = 1 and 2 have threshold 0 (any deviation is inconsistent).
CR_THRESHOLDS: dict[int, dict[int, float]] = {
    3: dict.fromkeys(range(3, 10), 0.1667),
    4: dict(zip(range(3, 10), (0.1121, 0.1529, 0.1898, 0.2206, 0.2527, 0.2577, 0.2683), strict=True)),
    5: dict(zip(range(3, 10), (0.1354, 0.1994, 0.2306, 0.2546, 0.2716, 0.2844, 0.2960), strict=True)),
    6: dict(zip(range(3, 10), (0.1330, 0.1990, 0.2643, 0.3044, 0.3144, 0.3221, 0.3262), strict=True)),
    7: dict(zip(range(3, 10), (0.1294, 0.2457, 0.2819, 0.3029, 0.3144, 0.3251, 0.3403), strict=True)),
    8: dict(zip(range(3, 10), (0.1309, 0.2521, 0.2958, 0.3154, 0.3408, 0.3620, 0.3657), strict=True)),
    9: dict(zip(range(3, 10), (0.1359, 0.2681, 0.3062, 0.3337, 0.3517, 0.3620, 0.3662), strict=True)),
}


@dataclass(frozen=True)
class BWMResult:
    """Outcome of :func:`bwm`.

    Attributes
    ----------
    weights : Series
        Criterion weights (name ``"weight"``, sum 1).
    xi : float
        ξᴸ, the optimal deviation of the linear model (0 = fully consistent).
    cr : float
        Input-based consistency ratio CRᴵ (Liang et al. 2020).
    cr_by_criterion : Series
        CRᴵ_j of each criterion; the largest names the judgement to revise.
    threshold : float
        The published CRᴵ threshold for (a_BW, n), or NaN where none is published.
    best, worst : str
        The best and the worst criterion.
    model : str
        ``"linear"`` (Rezaei 2016; ``xi`` is ξᴸ) or ``"nonlinear"`` (Rezaei 2015; ``xi`` is ξ*).
    cr_output : float
        Rezaei's (2015) output-based ratio ξ*/CI(a_BW) for the non-linear model (NaN for the
        linear one, whose ξᴸ is in weight units, and for a_BW = 1 or above 9).
    """

    weights: pd.Series
    xi: float
    cr: float
    cr_by_criterion: pd.Series
    threshold: float
    best: str
    worst: str
    model: str = "linear"
    cr_output: float = float("nan")

    @property
    def consistent(self) -> bool:
        """True when CRᴵ does not exceed the published threshold (True if none is published and
        CRᴵ = 0)."""
        if np.isnan(self.threshold):
            return self.cr == 0
        return self.cr <= self.threshold + 1e-12


def bwm_threshold(a_bw: float, n: int) -> float:
    """Published input-based CR threshold for ``a_BW`` and ``n`` criteria (Liang et al. 2020).

    Examples
    --------
    >>> bwm_threshold(8, 5)
    0.2958
    >>> bwm_threshold(2, 4)
    0.0
    """
    a = int(round(a_bw))
    if a <= 2:
        return 0.0
    return float(CR_THRESHOLDS.get(a, {}).get(int(n), np.nan))


def _vector(v, labels, what: str) -> pd.Series:
    if isinstance(v, Mapping):
        v = pd.Series(dict(v), dtype=float)
    if isinstance(v, pd.Series):
        s = v.astype(float)
    else:
        arr = np.asarray(v, dtype=float)
        if labels is None:
            labels = [f"c{j}" for j in range(arr.size)]
        if len(labels) != arr.size:
            raise DataError(f"bwm: {what} has {arr.size} values for {len(labels)} criteria")
        s = pd.Series(arr, index=pd.Index(list(labels)))
    for k, x in s.items():
        if not np.isfinite(x) or x < 1:
            raise DataError(f"bwm: {what}[{k!r}] = {x:g}; judgements must be numbers ≥ 1 (1–9 scale)")
    return s


def bwm(best_to_others, others_to_worst, labels=None, model: str = "linear") -> BWMResult:
    """Best–Worst Method weights, linear (Rezaei 2016, the default) or non-linear (Rezaei 2015)
    model, with the input-based CR.

    Parameters
    ----------
    best_to_others : Series, mapping or sequence
        ``a_Bj``: preference of the best criterion over each criterion (1 for the best itself).
    others_to_worst : Series, mapping or sequence
        ``a_jW``: preference of each criterion over the worst one (1 for the worst itself).
    labels : sequence, optional
        Criterion labels for sequence inputs (default ``c0, c1, …``).
    model : {"linear", "nonlinear"}
        The linear model (default; unique weights) or Rezaei's original non-linear model.

    Returns
    -------
    BWMResult

    Raises
    ------
    DataError
        Vectors of different criteria, a judgement below 1, no unique 1 marking best/worst, or
        ``a_BW`` given differently in the two vectors.

    Examples
    --------
    Rezaei (2016) car example 1 (consistent): weights ∝ 1/a_Bj, ξᴸ = 0.

    >>> r = bwm([2, 1, 4, 2, 8], [4, 8, 2, 4, 1], labels=["quality", "price", "comfort", "safety", "style"])
    >>> r.weights.round(4).tolist()
    [0.2105, 0.4211, 0.1053, 0.2105, 0.0526]
    >>> round(r.xi, 6), r.best, r.worst
    (0.0, 'price', 'style')

    The non-linear model on a = (8, 2, 1), b = (1, 5, 8) (the JMcDM test case):

    >>> r = bwm([8, 2, 1], [1, 5, 8], model="nonlinear")
    >>> r.weights.round(4).tolist(), round(r.xi, 4), round(r.cr_output, 4)
    ([0.0714, 0.3387, 0.5899], 0.2583, 0.0578)
    """
    if model not in MODELS:
        raise DataError(f"bwm: model must be one of {list(MODELS)}, got {model!r}")
    aB = _vector(best_to_others, labels, "best_to_others")
    aW = _vector(others_to_worst, labels if labels is not None else list(aB.index), "others_to_worst")
    if not aB.index.equals(aW.index):
        raise DataError(f"bwm: the two vectors name different criteria ({list(aB.index)} vs {list(aW.index)})")
    n = len(aB)
    if n < 2:
        raise DataError("bwm: at least two criteria are needed")
    if aB.index.has_duplicates:
        raise DataError(f"bwm: duplicate criterion labels {list(aB.index[aB.index.duplicated()])}")
    bests, worsts = aB.index[aB == 1], aW.index[aW == 1]
    if len(bests) == 0 or len(worsts) == 0:
        raise DataError("bwm: best_to_others needs a_BB = 1 and others_to_worst needs a_WW = 1")
    B = aW[bests].idxmax()  # of the criteria with a_Bj = 1, the one most preferred to the worst
    W = aB[worsts].idxmax()
    if B == W:
        raise DataError(f"bwm: {B!r} cannot be both the best and the worst criterion")
    a_bw = float(aB[W])
    if abs(a_bw - aW[B]) > 1e-9:
        raise DataError(f"bwm: a_BW is {aB[W]:g} in best_to_others but {aW[B]:g} in others_to_worst; "
                        "they must agree")
    a, b = aB.to_numpy(), aW.to_numpy()
    iB, iW = aB.index.get_loc(B), aB.index.get_loc(W)
    if a_bw > 1:
        cr_j = np.abs(a * b - a_bw) / (a_bw ** 2 - a_bw)
    else:
        cr_j = np.zeros(n)
    common = {"cr": float(cr_j.max()), "cr_by_criterion": pd.Series(cr_j, index=aB.index, name="cr"),
              "threshold": bwm_threshold(a_bw, n), "best": str(B), "worst": str(W)}
    if model == "nonlinear":
        xi, w = _nonlinear(a, b, iB, iW)
        ci = CONSISTENCY_INDEX.get(int(round(a_bw)), np.nan) if abs(a_bw - round(a_bw)) < 1e-9 else np.nan
        return BWMResult(weights=pd.Series(w, index=aB.index, name="weight"), xi=xi, model="nonlinear",
                         cr_output=float(xi / ci) if ci and ci > 0 else float("nan"), **common)
    rows = []
    for j in range(n):
        for s in (1.0, -1.0):
            r = np.zeros(n + 1)
            r[iB] += s
            r[j] -= s * a[j]
            r[-1] = -1.0
            rows.append(r)
            r = np.zeros(n + 1)
            r[j] += s
            r[iW] -= s * b[j]
            r[-1] = -1.0
            rows.append(r)
    c = np.zeros(n + 1)
    c[-1] = 1.0
    from scipy.optimize import linprog  # scipy.optimize: ~0.4 s of CPU to import, only when solved

    res = linprog(c, A_ub=np.array(rows), b_ub=np.zeros(len(rows)), A_eq=[np.r_[np.ones(n), 0.0]], b_eq=[1.0],
                  bounds=[(0, None)] * (n + 1), method="highs")
    if res.status != 0:  # pragma: no cover - the LP is always feasible and bounded
        raise DataError(f"bwm: the linear programme failed ({res.message})")
    w = np.clip(res.x[:-1], 0, None)
    w = w / w.sum()
    return BWMResult(weights=pd.Series(w, index=aB.index, name="weight"), xi=float(max(res.x[-1], 0.0)), **common)


def _feasible(a, b, iB: int, iW: int, xi: float):
    """A point w with Σw = 1, w ≥ 0, |w_B − a_Bj w_j| ≤ ξ w_j and |w_j − a_jW w_W| ≤ ξ w_W for
    every j (the non-linear model's constraints at a fixed ξ), or None."""
    n = len(a)
    rows = []
    for j in range(n):
        for s in (1.0, -1.0):
            r = np.zeros(n)
            r[iB] += s
            r[j] -= s * a[j] + xi
            rows.append(r)
            r = np.zeros(n)
            r[j] += s
            r[iW] -= s * b[j] + xi
            rows.append(r)
    from scipy.optimize import linprog  # scipy.optimize: ~0.4 s of CPU to import, only when solved

    res = linprog(np.zeros(n), A_ub=np.array(rows), b_ub=np.zeros(len(rows)), A_eq=[np.ones(n)], b_eq=[1.0],
                  bounds=[(0, None)] * n, method="highs")
    return res.x if res.status == 0 else None


def _nonlinear(a, b, iB: int, iW: int, tol: float = 1e-10) -> tuple[float, np.ndarray]:
    """ξ* and w of Rezaei's (2015) model by bisection on ξ (feasibility grows with ξ)."""
    lo, hi = 0.0, float(max(a.max(), b.max()))  # equal weights meet ξ = max a − 1 < hi
    w = _feasible(a, b, iB, iW, 0.0)
    if w is not None:
        return 0.0, w / w.sum()
    w = _feasible(a, b, iB, iW, hi)
    while hi - lo > tol:
        mid = (lo + hi) / 2
        x = _feasible(a, b, iB, iW, mid)
        if x is None:
            lo = mid
        else:
            hi, w = mid, x
    w = np.clip(w, 0, None)
    return hi, w / w.sum()
