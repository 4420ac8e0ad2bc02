"""Group AHP: combine several experts' pairwise matrices (AIJ or AIP), with CR and consensus.

* **AIJ** — aggregation of individual judgements: the element-wise weighted geometric mean
  ``a^G_ij = Π_k a^(k)_ij^{λ_k}`` (which keeps reciprocity), then the usual AHP prioritisation
  (:func:`toolkit.methods.weighting.subjective.ahp`). The panel acts as one decision maker.
* **AIP** — aggregation of individual priorities: each expert's AHP priority vector, combined
  by the weighted geometric mean (renormalised) or the weighted arithmetic mean.

Each expert's λmax, CI and CR are reported and experts with CR ≥ threshold are flagged.
The consensus is Goepel's AHP consensus indicator S* (AHP-OS), from Shannon α/γ entropies of
the individual priorities (0 = no consensus, 1 = identical priorities), and the uncorrected
relative homogeneity S.

References
----------
Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    Analytic Hierarchy Process. *EJOR* 108(1), 165–169.
Aczél, J. & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements. *J. Math.
    Psychology* 27(1), 93–102.
Goepel, K. D. (2018). Implementation of an online software tool for the Analytic Hierarchy
    Process (AHP-OS). *IJAHP* 10(3), 469–487 (``AhpGroup.php``: ``getConsensus``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError
from .subjective import ahp

__all__ = ["GroupAHPResult", "ahp_consensus", "group_ahp"]

AGGREGATIONS = ("aij", "aip_geometric", "aip_arithmetic")


@dataclass(frozen=True)
class GroupAHPResult:
    """Outcome of :func:`group_ahp`.

    Attributes
    ----------
    weights : Series
        The group's priorities (name ``"weight"``, sum 1).
    experts : DataFrame
        One row per expert: ``weight`` (λ_k), ``lambda_max``, ``ci``, ``cr``, ``consistent``.
    priorities : DataFrame
        Experts × criteria: each expert's own priority vector.
    matrix : DataFrame or None
        The AIJ group matrix (None for AIP).
    group_cr : float
        CR of the AIJ group matrix (NaN for AIP).
    consensus : float
        Goepel's AHP consensus S* in [0, 1].
    homogeneity : float
        Relative homogeneity S (uncorrected) in [0, 1].
    aggregation : str
    threshold : float
        The CR at or above which a matrix (an expert's, or the AIJ group matrix) is inconsistent.
    """

    weights: pd.Series
    experts: pd.DataFrame
    priorities: pd.DataFrame
    matrix: pd.DataFrame | None
    group_cr: float
    consensus: float
    homogeneity: float
    aggregation: str
    threshold: float = 0.1

    @property
    def inconsistent(self) -> list:
        """Experts whose matrix has CR at or above the threshold."""
        return list(self.experts.index[~self.experts["consistent"]])

    @property
    def group_consistent(self) -> bool:
        """True when the AIJ group matrix's CR is below the threshold (always True for AIP,
        which builds no group matrix)."""
        return bool(np.isnan(self.group_cr) or self.group_cr < self.threshold)


def ahp_consensus(priorities, scale_max: float = 9.0) -> tuple[float, float]:
    """Goepel's AHP consensus S* and relative homogeneity S of individual priority vectors.

    ``H_α`` = mean Shannon entropy of the vectors, ``H_γ`` = entropy of their arithmetic mean,
    ``D_β = exp(H_γ − H_α)``; with ``H_α,min`` the entropy of the most extreme vector the scale
    allows (``M = scale_max``) and ``H_γ,max = ln n``, ``cor = exp(H_γ,max − H_α,min)``,
    ``S* = (1/D_β − 1/cor)/(1 − 1/cor)`` and ``S = (1/D_β − 1/n)/(1 − 1/n)``.

    Parameters
    ----------
    priorities : DataFrame or array (experts × criteria)
    scale_max : float
        M, the largest judgement of the scale (9 for Saaty's 1–9 scale).

    Returns
    -------
    (float, float)
        S* and S.

    Examples
    --------
    Identical experts agree fully:

    >>> ahp_consensus([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])
    (1.0, 1.0)
    """
    P = np.asarray(priorities, dtype=float)
    if P.ndim != 2 or P.shape[0] < 1 or P.shape[1] < 2:
        raise DataError(f"ahp_consensus: need an experts × criteria table with ≥ 2 criteria, got shape {P.shape}")
    n, M = P.shape[1], float(scale_max)

    def entropy(p):
        p = np.where(p > 0, p, 1.0)
        return -(p * np.log(p)).sum(axis=-1)

    h_alpha = float(entropy(P).mean())
    h_gamma = float(entropy(P.mean(axis=0)))
    d_beta = np.exp(h_gamma - h_alpha)
    big, small = M / (n + M - 1), 1.0 / (n + M - 1)
    h_alpha_min = -big * np.log(big) - (n - 1) * small * np.log(small)
    cor = np.exp(np.log(n) - h_alpha_min)
    s_star = (1 / d_beta - 1 / cor) / (1 - 1 / cor)
    s = (1 / d_beta - 1 / n) / (1 - 1 / n)
    return _unit(s_star), _unit(s)


def _unit(v: float) -> float:
    """Clip to [0, 1]; values within 1e-12 of 0 or 1 (rounding noise) snap to it."""
    v = float(v)
    if abs(v - round(v)) <= 1e-12:
        v = float(round(v))
    return min(max(v, 0.0), 1.0)


def _matrices(matrices, labels):
    if not isinstance(matrices, Mapping) or len(matrices) == 0:
        raise DataError("group_ahp: give the experts' matrices as a mapping expert → matrix")
    out, names = {}, None
    for expert, A in matrices.items():
        if isinstance(A, pd.DataFrame):
            lab = list(A.index)
            A = A.to_numpy(dtype=float)
        else:
            A = np.asarray(A, dtype=float)
            lab = list(labels) if labels is not None else [f"c{j}" for j in range(A.shape[0])]
        if names is None:
            names = lab
        elif lab != names:
            raise DataError(f"group_ahp: expert {expert!r} compares {lab}, the first expert compares {names}")
        if A.shape != (len(names), len(names)):
            raise DataError(f"group_ahp: expert {expert!r}'s matrix has shape {A.shape}, expected "
                            f"{(len(names), len(names))}")
        out[expert] = A
    return out, names


def group_ahp(matrices, labels=None, *, aggregation: str = "aij", expert_weights=None,
              method: str = "eigenvector", ri="saaty1980", threshold: float = 0.1,
              scale_max: float = 9.0) -> GroupAHPResult:
    """Combine several experts' AHP matrices (Forman & Peniwati 1998).

    Parameters
    ----------
    matrices : mapping expert → matrix (array or labelled DataFrame)
    labels : sequence, optional
        Criterion labels for array matrices.
    aggregation : {"aij", "aip_geometric", "aip_arithmetic"}
    expert_weights : mapping expert → λ_k, optional
        Default equal; rescaled to sum 1.
    method, ri : passed to :func:`toolkit.methods.weighting.subjective.ahp`.
    threshold : float
        CR at or above which an expert (or the AIJ matrix) is flagged inconsistent.
    scale_max : float
        M of the judgement scale, for the consensus.

    Returns
    -------
    GroupAHPResult

    Examples
    --------
    >>> A1 = [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]
    >>> A2 = [[1, 1/2, 3], [2, 1, 4], [1/3, 1/4, 1]]
    >>> r = group_ahp({"e1": A1, "e2": A2}, labels=["a", "b", "c"])
    >>> r.weights.round(6).tolist()
    [0.477975, 0.402306, 0.119719]
    >>> round(r.consensus, 4), r.inconsistent
    (0.8627, [])
    """
    if aggregation not in AGGREGATIONS:
        raise DataError(f"group_ahp: aggregation must be one of {list(AGGREGATIONS)}, got {aggregation!r}")
    mats, names = _matrices(matrices, labels)
    experts = list(mats)
    if expert_weights is None:
        lam = np.full(len(experts), 1.0 / len(experts))
    else:
        missing = [e for e in experts if e not in expert_weights]
        if missing:
            raise DataError(f"group_ahp: no weight for expert(s) {missing}")
        lam = np.array([float(expert_weights[e]) for e in experts])
        if not np.isfinite(lam).all() or (lam < 0).any() or lam.sum() <= 0:
            raise DataError(f"group_ahp: expert weights must be non-negative, not all 0, got {lam.tolist()}")
        lam = lam / lam.sum()
    rows, pri = [], []
    for e, k in zip(experts, lam, strict=True):
        try:
            r = ahp(mats[e], labels=names, method=method, ri=ri, allow_inconsistent=True)
        except DataError as exc:
            raise DataError(f"group_ahp: expert {e!r}: {exc}") from None
        rows.append({"expert": e, "weight": float(k), "lambda_max": r.lambda_max, "ci": r.ci, "cr": r.cr,
                     "consistent": bool(r.cr < threshold)})
        pri.append(r.weights.to_numpy())
    table = pd.DataFrame(rows).set_index("expert")
    P = pd.DataFrame(np.array(pri), index=pd.Index(experts, name="expert"), columns=names)
    matrix, group_cr = None, float("nan")
    if aggregation == "aij":
        logs = np.tensordot(lam, np.log(np.array([mats[e] for e in experts])), axes=1)
        G = np.exp(logs)
        r = ahp(G, labels=names, method=method, ri=ri, allow_inconsistent=True)
        w, matrix, group_cr = r.weights.to_numpy(), pd.DataFrame(G, index=names, columns=names), r.cr
    elif aggregation == "aip_geometric":
        w = np.exp(lam @ np.log(P.to_numpy()))
        w = w / w.sum()
    else:
        w = lam @ P.to_numpy()
        w = w / w.sum()
    s_star, s = ahp_consensus(P.to_numpy(), scale_max)
    return GroupAHPResult(weights=pd.Series(w, index=pd.Index(names), name="weight"), experts=table,
                          priorities=P, matrix=matrix, group_cr=group_cr, consensus=s_star, homogeneity=s,
                          aggregation=aggregation, threshold=threshold)
