"""Subjective and combined weights: AHP pairwise comparisons and combination weighting (组合赋权).

Re-exported by :mod:`toolkit.methods.weighting.weights`; import from there.

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
Saaty, T. L. (2008). Decision making with the analytic hierarchy process.
    *Int. J. Services Sciences* 1(1), 83–98.
Tummala, V. M. R. & Ling, H. (1998). A note on the computation of the mean random consistency
    index of the AHP. *Theory and Decision* 44(3), 221–230.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError

__all__ = ["AHPResult", "InconsistentJudgementError", "RI_TABLES", "ahp", "combination_coefficients", "combine",
           "combine_kernel"]


class InconsistentJudgementError(DataError):
    """A pairwise comparison matrix whose consistency ratio is at or above the threshold."""


def _table(values, start=1):
    return {n: float(v) for n, v in enumerate(values, start=start)}


#: Random consistency index (RI) tables, keyed by matrix order n. See methods.md §4.3.
RI_TABLES: dict[str, dict[int, float]] = {
    # Saaty (1980); as in R package AHPWR `CR()`. Note the dip at n = 12 (1.48).
    "saaty1980": _table([0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
                         1.51, 1.48, 1.56, 1.57, 1.59]),
    # The variant common in Chinese textbooks (differs from saaty1980 for n = 12 and 14).
    "cn_textbook": _table([0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
                           1.51, 1.54, 1.56, 1.58, 1.59]),
    # Saaty (2005), Theory and Applications of the ANP, p. 31 (AHPy 'saaty').
    "saaty2005": _table([0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49,
                         1.52, 1.54, 1.56, 1.58, 1.59]),
    # Tummala & Ling (1998), as used by pymcdm.
    "tummala_ling1998": _table([0, 0, 0.5799, 0.8921, 1.1159, 1.2358, 1.3322, 1.3952, 1.4537,
                                1.4882, 1.5117, 1.5356, 1.5571, 1.5714, 1.5831]),
}

_AHP_METHODS = ("eigenvector", "geometric_mean", "normalised_column_mean")


@dataclass(frozen=True)
class AHPResult:
    """Outcome of :func:`ahp`.

    Attributes
    ----------
    weights : pandas.Series
        Priority vector indexed by criterion label, name ``"weight"``, summing to 1.
    lambda_max, ci, cr : float
        Principal eigenvalue (or its textbook estimate), consistency index and ratio.
    ri : float
        The random index used (``nan`` when n ≤ 2, where CR is 0 by definition).
    ri_table : str
        Name of the RI table (``"custom"`` for a user mapping).
    n : int
        Matrix order.
    method : str
        Priority derivation method.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    ri: float
    ri_table: str
    n: int
    method: str

    @property
    def consistent(self) -> bool:
        """``True`` when CR < 0.10 (Saaty's acceptance rule)."""
        return self.cr < 0.1


def _pairwise_matrix(matrix, labels, rtol: float) -> tuple[np.ndarray, pd.Index]:
    if isinstance(matrix, pd.DataFrame):
        if labels is not None:
            raise DataError("ahp: give labels either as DataFrame index/columns or via labels=, not both")
        if not matrix.index.equals(matrix.columns):
            raise DataError(
                "ahp: the comparison DataFrame must have identical index and columns "
                f"(index {list(matrix.index)}, columns {list(matrix.columns)})"
            )
        labels = matrix.index
        matrix = matrix.to_numpy()
    try:
        A = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"ahp: comparison matrix must be numeric ({exc})") from exc
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise DataError(f"ahp: comparison matrix must be square and non-empty, got shape {A.shape}")
    n = A.shape[0]
    labels = pd.Index([f"c{j}" for j in range(n)] if labels is None else list(labels))
    if len(labels) != n:
        raise DataError(f"ahp: {len(labels)} labels given for a {n}×{n} matrix")
    if labels.has_duplicates:
        raise DataError(f"ahp: duplicate criterion labels {list(labels[labels.duplicated()])}")
    for i in range(n):
        for j in range(n):
            a = A[i, j]
            if not np.isfinite(a) or a <= 0:
                raise DataError(
                    f"ahp: judgement a[{labels[i]!r}, {labels[j]!r}] = {a:g}; every entry must be a "
                    "finite positive number (Saaty 1–9 scale or reciprocal)"
                )
    for i in range(n):
        if abs(A[i, i] - 1.0) > rtol:
            raise DataError(f"ahp: diagonal a[{labels[i]!r}, {labels[i]!r}] = {A[i, i]:g}; must be 1")
        for j in range(i + 1, n):
            if abs(A[i, j] * A[j, i] - 1.0) > rtol:
                raise DataError(
                    f"ahp: not reciprocal at a[{labels[i]!r}, {labels[j]!r}] = {A[i, j]:g} vs "
                    f"a[{labels[j]!r}, {labels[i]!r}] = {A[j, i]:g}; need a_ji = 1/a_ij "
                    f"(relative tolerance {rtol:g})"
                )
    return A, labels


def _resolve_ri(ri, n: int) -> tuple[float, str]:
    if isinstance(ri, str):
        if ri not in RI_TABLES:
            raise DataError(f"ahp: unknown RI table {ri!r}; choose one of {sorted(RI_TABLES)} or pass a mapping")
        table, name = RI_TABLES[ri], ri
    elif isinstance(ri, Mapping):
        table, name = {int(k): float(v) for k, v in ri.items()}, "custom"
    else:
        raise DataError("ahp: ri must be a table name or a mapping {n: RI}")
    if n <= 2:
        return float("nan"), name
    if n not in table:
        raise DataError(f"ahp: RI table {name!r} has no value for n = {n}; pass a mapping that covers it")
    if table[n] <= 0:
        raise DataError(f"ahp: RI table {name!r} gives RI = {table[n]} for n = {n}; must be positive")
    return table[n], name


def ahp(matrix, labels=None, *, method: str = "eigenvector", ri="saaty1980",
        allow_inconsistent: bool = False, threshold: float = 0.1, rtol: float = 0.01) -> AHPResult:
    r"""Derive criterion weights from a Saaty pairwise comparison matrix (层次分析法).

    Parameters
    ----------
    matrix : DataFrame or array-like, shape (n, n)
        Positive reciprocal matrix, ``a_ij`` = importance of criterion i over j on the 1–9
        scale, ``a_ji = 1/a_ij``, ``a_ii = 1``. A DataFrame must have identical index and columns.
    labels : sequence, optional
        Criterion labels for an array input (default ``c0, c1, …``).
    method : {"eigenvector", "geometric_mean", "normalised_column_mean"}
        ``eigenvector``: principal right eigenvector, ``A w = λ_max w`` (Saaty 1980).
        ``geometric_mean`` (方根法): ``w_i ∝ (Π_j a_ij)^{1/n}``.
        ``normalised_column_mean`` (和积法): normalise each column to sum 1, average the rows.
        For the two approximations ``λ_max ≈ (1/n) Σ_i (A w)_i / w_i``.
    ri : str or mapping
        RI table: one of :data:`RI_TABLES` (``saaty1980`` default, ``cn_textbook``,
        ``saaty2005``, ``tummala_ling1998``) or a mapping ``{n: RI}``.
    allow_inconsistent : bool
        If False (default) a CR ≥ ``threshold`` raises :class:`InconsistentJudgementError`.
    threshold : float
        Acceptance threshold for CR (Saaty: 0.10).
    rtol : float
        Relative tolerance of the reciprocity check ``|a_ij a_ji − 1| ≤ rtol`` (accepts judgements
        typed with two decimals such as 0.33 for 1/3). The matrix is used as given.

    Returns
    -------
    AHPResult
        ``weights`` plus ``lambda_max``, ``CI = (λ_max − n)/(n − 1)``, ``CR = CI/RI`` (0 for n ≤ 2).

    Raises
    ------
    DataError
        Non-square, non-positive or non-reciprocal matrix (the cell is named), unknown RI table.
    InconsistentJudgementError
        CR ≥ threshold and ``allow_inconsistent`` is False.
    """
    if method not in _AHP_METHODS:
        raise DataError(f"ahp: unknown method {method!r}; choose one of {list(_AHP_METHODS)}")
    A, labels = _pairwise_matrix(matrix, labels, rtol)
    n = A.shape[0]
    if method == "eigenvector":
        vals, vecs = np.linalg.eig(A)
        k = int(np.argmax(vals.real))
        w = np.abs(vecs[:, k].real)
        w = w / w.sum()
        lam = float(vals[k].real)
    else:
        if method == "geometric_mean":
            w = np.exp(np.log(A).mean(axis=1))
        else:
            w = (A / A.sum(axis=0)).mean(axis=1)
        w = w / w.sum()
        lam = float(np.mean((A @ w) / w))
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    if -1e-12 < ci < 0:  # λ_max ≥ n for a positive reciprocal matrix; this is rounding noise
        ci = 0.0
    ri_value, ri_name = _resolve_ri(ri, n)
    cr = 0.0 if n <= 2 else ci / ri_value
    if n <= 2:
        ci = 0.0
    result = AHPResult(weights=pd.Series(w, index=labels, name="weight"), lambda_max=lam, ci=ci,
                       cr=cr, ri=ri_value, ri_table=ri_name, n=n, method=method)
    if cr >= threshold and not allow_inconsistent:
        raise InconsistentJudgementError(
            f"ahp: judgements are inconsistent: λmax = {lam:.4f}, CI = {ci:.4f}, CR = {cr:.4f} "
            f"≥ {threshold} (n = {n}, RI = {ri_value} from {ri_name!r}); revise the judgements "
            "or pass allow_inconsistent=True"
        )
    return result


_COMBINE_METHODS = ("linear", "multiplicative", "min_info", "game_theory")


def _weight_table(weight_vectors) -> pd.DataFrame:
    if isinstance(weight_vectors, pd.DataFrame):
        table = weight_vectors.copy()
    elif isinstance(weight_vectors, Mapping):
        if not weight_vectors:
            raise DataError("combine: no weight vectors given")
        series = {}
        reference = None
        for name, vec in weight_vectors.items():
            if not isinstance(vec, pd.Series):
                raise DataError(f"combine: weight vector {name!r} must be a pandas Series indexed by indicator code")
            if reference is None:
                reference = vec.index
            missing, extra = reference.difference(vec.index), vec.index.difference(reference)
            if len(missing) or len(extra):
                raise DataError(
                    f"combine: weight vector {name!r} does not cover the same indicators as the first one "
                    f"(missing {list(missing)}, extra {list(extra)})"
                )
            series[name] = vec.reindex(reference)
        table = pd.DataFrame(series, index=reference)
    else:
        raise DataError("combine: weight_vectors must be a dict name → Series or a DataFrame (columns = methods)")
    if table.shape[1] == 0 or table.shape[0] == 0:
        raise DataError("combine: empty weight table")
    if table.index.has_duplicates:
        raise DataError(f"combine: duplicate indicator codes {list(table.index[table.index.duplicated()])}")
    try:
        table = table.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"combine: weights must be numeric ({exc})") from exc
    for name in table.columns:
        col = table[name]
        bad = col[~np.isfinite(col.to_numpy()) | (col.to_numpy() < 0)]
        if len(bad):
            raise DataError(
                f"combine: weight vector {name!r} has a missing, infinite or negative weight for "
                f"indicator {bad.index[0]!r} ({bad.iloc[0]:g})"
            )
        if col.sum() <= 0:
            raise DataError(f"combine: weight vector {name!r} sums to 0")
    return table / table.sum(axis=0)


def combination_coefficients(names, coefficients=None) -> np.ndarray:
    """β of a linear combination of the weight vectors ``names``: equal (None), a mapping name → β
    or a sequence in order; non-negative, rescaled to sum 1.

    Examples
    --------
    >>> combination_coefficients(["a", "b"], {"a": 3, "b": 1}).tolist()
    [0.75, 0.25]
    """
    names = list(names)
    L = len(names)
    if coefficients is None:
        return np.full(L, 1.0 / L)
    if isinstance(coefficients, Mapping):
        unknown = set(coefficients) - set(names)
        missing = [n for n in names if n not in coefficients]
        if unknown or missing:
            raise DataError(f"combine: coefficients must cover exactly {names} "
                            f"(unknown {sorted(map(str, unknown))}, missing {missing})")
        beta = np.array([float(coefficients[n]) for n in names])
    elif isinstance(coefficients, (Sequence, np.ndarray)) and not isinstance(coefficients, str):
        try:
            beta = np.asarray(coefficients, dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataError(f"combine: coefficients must be numeric ({exc})") from exc
        if beta.shape != (L,):
            raise DataError(f"combine: {beta.size} coefficients given for {L} weight vectors")
    else:
        raise DataError("combine: coefficients must be a mapping or a sequence")
    if not np.all(np.isfinite(beta)) or np.any(beta < 0) or beta.sum() <= 0:
        raise DataError(f"combine: coefficients must be non-negative and not all 0, got {beta.tolist()}")
    return beta / beta.sum()


def combine_kernel(U, method: str = "linear", beta=None, *, details: bool = False):
    """Combine stacks of weight vectors: ``U`` is (G, L, k) — G cases, L vectors of k weights, each
    summing to 1 — and the result (G, k) sums to 1. The one implementation of the four rules of
    :func:`combine`; ``beta`` (L,) are the linear coefficients (default equal). With ``details``
    also returns α (G, L) — β for linear, α* for game theory — and the raw game-theory α.

    Examples
    --------
    >>> import numpy as np
    >>> U = np.array([[[0.2, 0.8], [0.6, 0.4]]])
    >>> combine_kernel(U, "multiplicative").round(4)
    array([[0.2727, 0.7273]])
    """
    U = np.asarray(U, dtype=float)
    G, L, _ = U.shape
    alpha = alpha_raw = None
    if method == "linear":
        beta = np.full(L, 1.0 / L) if beta is None else np.asarray(beta, dtype=float)
        w = np.einsum("l,glk->gk", beta, U)
        alpha = np.broadcast_to(beta, (G, L))
    elif method == "multiplicative":
        w = np.prod(U, axis=1)
    elif method == "min_info":
        pos = (U > 0).all(axis=(1, 2))
        with np.errstate(divide="ignore"):
            w = np.where(pos[:, None], np.exp(np.log(np.where(U > 0, U, 1.0)).mean(axis=1)),
                         np.prod(U, axis=1) ** (1.0 / L))
    elif method == "game_theory":
        alpha_raw = np.empty((G, L))
        for g in range(G):
            Gm = U[g] @ U[g].T
            alpha_raw[g] = np.linalg.lstsq(Gm, np.diag(Gm).copy(), rcond=None)[0]
        alpha = np.abs(alpha_raw) / np.abs(alpha_raw).sum(axis=1, keepdims=True)
        w = np.einsum("gl,glk->gk", alpha, U)
    else:
        raise DataError(f"combine: unknown method {method!r}; choose one of {list(_COMBINE_METHODS)}")
    total = w.sum(axis=-1, keepdims=True)
    bad = ~(total[:, 0] > 0)
    if bad.any():
        from ..checks import BatchError

        raise BatchError(int(np.flatnonzero(bad)[0]),
                         f"combine: {method} combination is 0 for every indicator (each indicator has weight 0 "
                         "in at least one vector); use method='linear' or 'game_theory'")
    w = w / total
    return (w, {"alpha": alpha, "alpha_raw": alpha_raw}) if details else w


def combine(weight_vectors, method: str = "linear", coefficients=None, *,
            return_details: bool = False):
    r"""Combine several weight vectors into one (组合赋权), methods.md §4.4.

    Each input vector is first rescaled to sum to 1. With ``u_k`` the k-th vector (k = 1..L):

    * ``linear`` (加法合成): ``w = Σ_k β_k u_k``; ``coefficients`` β (mapping name → β or a
      sequence in column order, non-negative, rescaled to sum 1); default equal β = 1/L.
    * ``multiplicative`` (乘法合成): ``w_j = Π_k u_kj / Σ_j Π_k u_kj``.
    * ``min_info`` (最小信息熵原理): ``w_j = (Π_k u_kj)^{1/L} / Σ_j (Π_k u_kj)^{1/L}``, i.e.
      ``sqrt(a_j b_j)/Σ sqrt(a_j b_j)`` for L = 2.
    * ``game_theory`` (博弈论组合赋权): solve ``Σ_k α_k (u_l·u_k) = u_l·u_l`` (l = 1..L), set
      ``α*_k = |α_k|/Σ|α_k|`` and ``w = Σ_k α*_k u_k``. A singular system (e.g. identical vectors)
      is solved by least squares with minimum norm.

    The formulas are :func:`combine_kernel` (a batch of one here).

    Parameters
    ----------
    weight_vectors : dict[str, Series] or DataFrame
        Weight vectors indexed by indicator code (DataFrame: one column per method).
    method : {"linear", "multiplicative", "min_info", "game_theory"}
    coefficients : mapping or sequence, optional
        Only for ``linear``.
    return_details : bool
        If True return ``(weights, details)`` with ``details["alpha"]`` (Series of the combination
        coefficients for ``linear`` and ``game_theory``, else None) and, for game theory,
        ``details["alpha_raw"]`` (the unnormalised solution).

    Returns
    -------
    pandas.Series
        Combined weights, name ``"weight"``, in the order of the first vector.

    Examples
    --------
    >>> import pandas as pd
    >>> a, b = pd.Series([0.2, 0.8], index=["x", "y"]), pd.Series([0.6, 0.4], index=["x", "y"])
    >>> combine({"a": a, "b": b}, "linear").round(2).tolist()
    [0.4, 0.6]
    """
    if method not in _COMBINE_METHODS:
        raise DataError(f"combine: unknown method {method!r}; choose one of {list(_COMBINE_METHODS)}")
    table = _weight_table(weight_vectors)
    names = table.columns
    if coefficients is not None and method != "linear":
        raise DataError(f"combine: coefficients only apply to method='linear', not {method!r}")
    beta = combination_coefficients(names, coefficients) if method == "linear" else None
    w, det = combine_kernel(table.to_numpy().T[None], method, beta, details=True)
    out = pd.Series(w[0], index=table.index, name="weight")
    if not return_details:
        return out
    details: dict = {"alpha": None}
    if det["alpha"] is not None:
        details["alpha"] = pd.Series(det["alpha"][0], index=names, name="alpha")
    if det["alpha_raw"] is not None:
        details["alpha_raw"] = pd.Series(det["alpha_raw"][0], index=names, name="alpha_raw")
    return out, details
