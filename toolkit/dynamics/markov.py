"""Markov chains of score classes (as PySAL's ``giddy``): classic, and conditioned on the neighbours.

Units are put in k quantile classes (k = 4 is usual): by default on the quantiles of all unit-years
pooled, so that moving up a class means a higher score, not only a better position; ``basis="per_year"``
takes each year's own quantiles (a relative position). P_ij is the share of units in class i in year
t that are in class j in t + 1; from P, the steady state (the long-run distribution) and the mean
first passage times (the expected years to reach class j from class i). The classes, the steady
state and the passage times are numpy (:mod:`~toolkit.dynamics.classes`, :mod:`~toolkit.dynamics.ergodic`),
checked against ``mapclassify`` and ``giddy`` by the tests: importing giddy costs seconds of CPU in
every process (mapclassify and quantecon compile numba kernels at import), which every run of two
years or more paid for a few lines of arithmetic.
The spatial Markov chain (Rey 2001) estimates one P per class of the spatial lag (the neighbours'
weighted mean), on pooled quantiles of both, with the test that the P do not differ; it is
``giddy.markov.Spatial_Markov`` (imported when it is called: no command or page runs it).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .classes import Quantiles
from .convergence import wide
from .ergodic import mfpt, steady_state


def class_labels(k: int) -> list[str]:
    """``["Q1", …, "Qk"]``, Q1 the lowest class."""
    return [f"Q{i + 1}" for i in range(k)]


def balanced(values: pd.Series, unit: str, year: str, where: str) -> tuple[pd.DataFrame, int]:
    """Units × years with every year present (units with a gap left out), and how many were left out."""
    W = wide(values, unit, year, where)
    full = W.dropna()
    if len(full) < 2 or full.shape[1] < 2:
        raise DataError(f"{where}: needs at least two units observed in at least two years; "
                        f"{len(full)} unit(s) have every one of {list(W.columns)}")
    return full, len(W) - len(full)


def one_steady_state(P: np.ndarray, k: int) -> np.ndarray:
    """The steady state of ``P`` (as ``giddy.ergodic.steady_state``), or NaNs when the chain is
    reducible (several communicating classes: no single long-run distribution)."""
    ss = steady_state(P)
    return np.full(k, np.nan) if ss is None else ss


def quantile_classes(W: pd.DataFrame, k: int, basis: str) -> tuple[np.ndarray, list]:
    """Class ids 0..k−1 of a units × years table, and the cutoffs used."""
    if basis == "pooled":
        q = Quantiles(W.to_numpy(float).ravel(), k=k)
        return q.yb.reshape(W.shape), [float(b) for b in q.bins]
    if basis == "per_year":
        cols, cuts = [], []
        for t in W.columns:
            q = Quantiles(W[t].to_numpy(float), k=k)
            cols.append(q.yb)
            cuts.append([float(b) for b in q.bins])
        return np.column_stack(cols), cuts
    raise ValueError(f"basis must be 'pooled' or 'per_year', got {basis!r}")


@dataclass(frozen=True)
class MarkovResult:
    """A classic Markov chain of quantile classes.

    Attributes
    ----------
    counts, P : DataFrame
        Transitions counted and their row shares (from class, rows → to class, columns).
    steady_state : Series
        The long-run share of units in each class.
    first_passage : DataFrame
        Mean first passage times in years (the diagonal: the mean recurrence time).
    classes : DataFrame
        Units × years: each unit's class.
    cutoffs : list
        Upper bounds of the classes (one list per year with ``basis="per_year"``).
    basis : str
    dropped : int
        Units left out because a year is missing.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([list("ab"), [2021, 2022]], names=["unit_id", "year"])
    >>> markov_chain(pd.Series([1.0, 2, 3, 4], index=idx), k=2).mobility   # a: Q1→Q1, b: Q2→Q2
    0.0
    """
    counts: pd.DataFrame
    P: pd.DataFrame
    steady_state: pd.Series
    first_passage: pd.DataFrame
    classes: pd.DataFrame
    cutoffs: list
    basis: str
    dropped: int

    @property
    def mobility(self) -> float:
        """Share of transitions that change class (1 − the trace of counts / their total)."""
        c = self.counts.to_numpy()
        return float(1 - np.trace(c) / c.sum())


def markov_chain(values: pd.Series, k: int = 4, basis: str = "pooled", unit: str = "unit_id",
                 year: str = "year") -> MarkovResult:
    """Classic Markov chain of ``k`` quantile classes (as ``giddy.markov.Markov``, which a test checks it against).

    Parameters
    ----------
    values : Series
        Scores indexed by (unit, year); units missing a year are left out (``dropped``).
    k : int
        Number of quantile classes.
    basis : {"pooled", "per_year"}
        Quantiles of all unit-years together (absolute classes) or of each year (relative).
    unit, year : str
        The index levels.

    Returns
    -------
    MarkovResult

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([list("abcd"), [2021, 2022, 2023]], names=["unit_id", "year"])
    >>> y = pd.Series([1, 2, 3, 2, 1, 1, 3, 3, 4, 4, 4, 2.0], index=idx)
    >>> m = markov_chain(y, k=2)
    >>> m.counts.to_dict("index")
    {'Q1': {'Q1': 3, 'Q2': 1}, 'Q2': {'Q1': 1, 'Q2': 3}}
    >>> m.steady_state.round(4).to_dict(), m.first_passage.round(4).to_dict("index")
    ({'Q1': 0.5, 'Q2': 0.5}, {'Q1': {'Q1': 2.0, 'Q2': 4.0}, 'Q2': {'Q1': 4.0, 'Q2': 2.0}})
    """
    W, dropped = balanced(values, unit, year, "markov_chain")
    ids, cutoffs = quantile_classes(W, k, basis)
    # transitions counted with numpy (giddy's Markov also finds the communicating classes, which
    # takes ~5 s for 2,000 units × 10 years here); steady state and first passage as giddy.ergodic's
    T = np.zeros((k, k), int)
    np.add.at(T, (ids[:, :-1].ravel(), ids[:, 1:].ravel()), 1)
    rows = T.sum(axis=1, keepdims=True)
    P = np.where(rows > 0, T / np.where(rows > 0, rows, 1), np.eye(k))   # an empty class stays put
    labels = class_labels(k)
    counts = pd.DataFrame(T, index=labels, columns=labels)
    steady = pd.Series(one_steady_state(P, k), index=labels)
    with np.errstate(all="ignore"):
        fp = mfpt(P)
    return MarkovResult(counts=counts, P=pd.DataFrame(P, index=labels, columns=labels), steady_state=steady,
                        first_passage=pd.DataFrame(np.asarray(fp, float), index=labels, columns=labels),
                        classes=pd.DataFrame(ids, index=W.index, columns=W.columns), cutoffs=cutoffs,
                        basis=basis, dropped=dropped)


@dataclass(frozen=True)
class SpatialMarkovResult:
    """Markov chains conditioned on the class of the spatial lag.

    Attributes
    ----------
    P : DataFrame
        Index (lag class, from class), columns the to class.
    counts : DataFrame
        The transitions counted, same shape.
    steady_state : DataFrame
        Index lag class, one column per class (NaN where that chain is reducible: no one steady state).
    tests : Series
        Q and LR statistics that every lag class has the same P, with their p-values and degrees of freedom.
    cutoffs, lag_cutoffs : list

    Examples
    --------
    See :func:`spatial_markov`.

    >>> sorted(SpatialMarkovResult.__dataclass_fields__)[:3]
    ['P', 'counts', 'cutoffs']
    """
    P: pd.DataFrame
    counts: pd.DataFrame
    steady_state: pd.DataFrame
    tests: pd.Series
    cutoffs: list
    lag_cutoffs: list


def spatial_markov(values: pd.Series, w, k: int = 4, unit: str = "unit_id", year: str = "year") -> SpatialMarkovResult:
    """Spatial Markov chain (``giddy.markov.Spatial_Markov``) on pooled quantiles, lag classes = k.

    Parameters
    ----------
    values : Series
        Scores indexed by (unit, year); the units are those of ``w`` (``w.id_order``).
    w : toolkit.dynamics.contiguity.Weights or libpysal.weights.W
        Spatial weights (row-standardised here).
    k : int
        Classes of the values and of the spatial lag.
    unit, year : str
        The index levels.

    Returns
    -------
    SpatialMarkovResult

    Examples
    --------
    >>> from toolkit.dynamics.spatial import adjacency_weights
    >>> w = adjacency_weights({"a": ["b"], "b": ["c"], "c": ["d"], "d": ["a"]})
    >>> idx = pd.MultiIndex.from_product([list("abcd"), [2021, 2022, 2023]], names=["unit_id", "year"])
    >>> sm = spatial_markov(pd.Series([1, 2, 3, 2, 1, 1, 3, 3, 4, 4, 4, 2.0], index=idx), w, k=2)
    >>> int(sm.counts.to_numpy().sum())       # every transition, split by the neighbours' class
    8
    """
    W, _ = balanced(values, unit, year, "spatial_markov")
    ids = list(w.id_order)
    missing = [i for i in ids if i not in W.index]
    if missing:
        raise DataError(f"spatial_markov: {len(missing)} unit(s) of the weights have no complete series, "
                        f"e.g. {missing[0]!r}")
    from giddy.markov import Spatial_Markov  # seconds to import: only when called

    lw = w.to_libpysal() if hasattr(w, "to_libpysal") else w   # giddy reads libpysal's W
    lw.transform = "r"
    with contextlib.redirect_stdout(io.StringIO()):
        sm = Spatial_Markov(W.loc[ids].to_numpy(float), lw, k=k, m=k, fixed=True, fill_empty_classes=True)
    labels = class_labels(k)
    lag = [f"lag {c}" for c in labels]
    rows = pd.MultiIndex.from_product([lag, labels], names=["lag_class", "from"])
    P = pd.DataFrame(np.asarray(sm.P, float).reshape(k * k, k), index=rows, columns=labels)
    T = pd.DataFrame(np.asarray(sm.T, float).reshape(k * k, k).astype(int), index=rows, columns=labels)
    # a reducible chain (a lag class with few transitions) has several steady states: NaN then
    # (giddy's own ``S`` fails to build when the chains differ in shape, so each is solved here)
    S = pd.DataFrame([one_steady_state(p_, k) for p_ in np.asarray(sm.P, float)], index=lag, columns=labels)
    tests = pd.Series({"Q": float(sm.Q), "Q_p": float(sm.Q_p_value), "LR": float(sm.LR),
                       "LR_p": float(sm.LR_p_value), "dof": int(sm.dof_hom)})
    return SpatialMarkovResult(P=P, counts=T, steady_state=S, tests=tests,
                               cutoffs=[float(c) for c in sm.cutoffs], lag_cutoffs=[float(c) for c in sm.lag_cutoffs])
