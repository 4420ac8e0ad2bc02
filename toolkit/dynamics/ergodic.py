"""Steady state and mean first passage times of a Markov chain, in numpy, as ``giddy.ergodic``.

giddy's functions build a ``quantecon.MarkovChain`` (and importing giddy compiles mapclassify's and
quantecon's numba kernels: seconds of CPU in every process) for two things: whether the chain is
irreducible (one communicating class), and its stationary distribution by the GTH algorithm
(Grassmann, Taksar and Heyman 1985). Both are short: irreducible means every class reaches every
other one through transitions of positive probability; GTH is repeated here as quantecon writes it,
and the mean first passage times as giddy writes them (Kemeny and Snell 1976, p. 218, for an
irreducible chain; a linear system per destination otherwise, ``inf`` where it is never reached).
``tests/dynamics/test_ergodic_classes.py`` compares them with giddy on random and real chains.
"""

from __future__ import annotations

import numpy as np


def fill_empty_rows(P) -> np.ndarray:
    """``P`` as floats with 1 on the diagonal of every row of zeros (a class never left)."""
    P = np.array(P, dtype=float)
    empty = P.sum(axis=1) == 0
    P[empty, empty] = 1.0
    return P


def is_irreducible(P) -> bool:
    """Whether every state reaches every other one through transitions of positive probability.

    Examples
    --------
    >>> is_irreducible(np.array([[0.5, 0.5], [1.0, 0.0]])), is_irreducible(np.array([[1.0, 0], [0.5, 0.5]]))
    (True, False)
    """
    reach = (np.asarray(P) > 0) | np.eye(len(P), dtype=bool)
    while True:
        more = (reach.astype(np.int64) @ reach.astype(np.int64)) > 0
        if (more == reach).all():
            return bool(reach.all())
        reach = more


def gth_solve(P) -> np.ndarray:
    """Stationary distribution of an irreducible stochastic matrix by the GTH algorithm
    (``quantecon.markov.gth_solve``, its loops in the same order).

    Examples
    --------
    >>> gth_solve(np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]])).round(12).tolist()
    [0.4, 0.2, 0.4]
    """
    A = np.array(P, dtype=float)
    n = len(A)
    out = np.zeros(n)
    for k in range(n - 1):
        scale = np.sum(A[k, k + 1:n])
        if scale <= 0:
            n = k + 1
            break
        for i in range(k + 1, n):
            A[i, k] /= scale
            for j in range(k + 1, n):
                A[i, j] += A[i, k] * A[k, j]
    out[n - 1] = 1
    for k in range(n - 2, -1, -1):
        for i in range(k + 1, n):
            out[k] += out[i] * A[i, k]
    return out / np.sum(out)


def steady_state(P) -> np.ndarray | None:
    """The long-run distribution of an irreducible chain (empty rows filled), None when the chain
    has several communicating classes (where ``giddy.ergodic.steady_state`` returns one
    distribution per recurrent class instead).

    Examples
    --------
    >>> steady_state(np.array([[0.5, 0.5, 0], [0.2, 0.8, 0], [0, 0, 0]])) is None
    True
    """
    P = fill_empty_rows(P)
    return gth_solve(P) if is_irreducible(P) else None


def mfpt_irreducible(P: np.ndarray) -> np.ndarray:
    """Mean first passage times of an irreducible chain from its fundamental matrix
    (Kemeny and Snell; ``giddy.ergodic._mfpt_ergodic``, the same steps)."""
    k = P.shape[0]
    v, d = np.linalg.eig(np.transpose(P))
    i = v.tolist().index(max(v))
    row = abs(np.array(d)[:, i])
    ss = row / sum(row)
    A = np.zeros_like(P)
    for j in range(k):
        A[:, j] = ss
    A = A.transpose()
    eye = np.identity(k)
    Z = np.linalg.inv(eye - P + A)
    E = np.ones_like(Z)
    A_diag = np.diag(A)
    A_diag = A_diag + (A_diag == 0)
    D = np.diag(1.0 / A_diag)
    return (eye - Z + E.dot(np.diag(np.diag(Z)))).dot(D)


def reachable_rows(p_calc: np.ndarray) -> np.ndarray:
    """Rows of ``I − P`` (a destination removed) whose states reach the destination: giddy's
    way out of a singular system (states that never leave a set without the destination)."""
    row0 = (p_calc != 0).sum(axis=1)
    index0 = set(np.argwhere(row0 == 0).flatten())
    x = (p_calc[:, list(index0)] != 0).sum(axis=1)
    setx = set(np.argwhere(x).flatten())
    while not setx.issubset(index0):
        index0 = index0.union(setx)
        x = (p_calc[:, list(index0)] != 0).sum(axis=1)
        setx = set(np.argwhere(x).flatten())
    return np.asarray(list(set(range(len(p_calc))).difference(index0)))


def mfpt(P) -> np.ndarray:
    """Mean first passage times (years to first reach class j from class i; the diagonal the mean
    recurrence time), ``inf`` where j is never reached, as ``giddy.ergodic.mfpt(P, fill_empty_classes=True)``.

    Examples
    --------
    >>> mfpt(np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]])).round(4).tolist()[0]
    [2.5, 4.0, 3.3333]
    >>> with np.errstate(all="ignore"):
    ...     mfpt(np.array([[0.5, 0.5, 0], [0.2, 0.8, 0], [0, 0, 0]])).round(12).tolist()
    [[3.5, 2.0, inf], [5.0, 1.4, inf], [inf, inf, 1.0]]
    """
    P = fill_empty_rows(P)
    if is_irreducible(P):
        return mfpt_irreducible(P)
    k = P.shape[0]
    out = np.zeros((k, k))
    for dest in range(k):
        b = np.ones(k - 1)
        p_calc = np.eye(k - 1) - np.delete(np.delete(P, dest, 0), dest, 1)
        m = np.full(k - 1, np.inf)
        try:
            m[np.arange(k - 1)] = np.linalg.solve(p_calc, b)
        except np.linalg.LinAlgError as err:
            if "Singular matrix" in str(err) and ((p_calc != 0).sum(axis=1) == 0).sum() > 0:
                rows = reachable_rows(p_calc)
                if len(rows) >= 1:
                    m[rows] = np.linalg.solve(p_calc[rows, :][:, rows], b[rows])
        recurrence = np.nan_to_num(np.delete(P, dest, 1)[dest] * m, nan=0, posinf=np.inf).sum() + 1
        out[:, dest] = np.insert(m, dest, recurrence)
        out = np.where(out < -1e16, np.inf, out)
        out = np.where(out > 1e16, np.inf, out)
    return out
