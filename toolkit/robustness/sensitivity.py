"""Variance-based sensitivity analysis: Sobol indices through SALib.

The design and the estimators are SALib's, not re-derived here:

* :func:`saltelli_design` — the Saltelli (2010) cross-sampled design built on a scrambled
  Sobol' sequence (``SALib.sample.sobol.sample`` with ``calc_second_order=False``), on the unit
  hypercube [0, 1)^d. Its ``n_base·(d + 2)`` rows are ordered as SALib expects
  (A, AB_1 … AB_d, B for each base point). Every row is, marginally, a uniform draw, so the same
  rows also serve the uncertainty analysis. A factor maps u ∈ [0, 1) onto its values itself
  (:meth:`toolkit.robustness.spec.Factor.decode`: discrete options ``floor(u·n)``, continuous
  ``low + u·(high − low)``).
* :func:`sobol_indices` — first-order ``S1`` (Saltelli et al. 2010) and total ``ST`` (Jansen
  1999) indices from ``SALib.analyze.sobol.analyze``, with bootstrap confidence half-widths
  ``S1_conf``/``ST_conf`` (``conf_level``, default 95 %).

An output that never changes (zero variance) has no variance to apportion; SALib would divide
by zero, and this module reports ``S1 = ST = 0`` with zero-width intervals instead.

References: Saltelli A. et al. (2010) Variance based sensitivity analysis of model output,
*Comput. Phys. Commun.* 181, 259–270; Jansen M. J. W. (1999) *Comput. Phys. Commun.* 117,
35–43; COINr ``get_sensitivity`` (``composite-indicators.md`` §1.8).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import SpecError

__all__ = ["base_size", "saltelli_design", "sobol_indices", "SOBOL_COLUMNS"]

SOBOL_COLUMNS = ["factor", "target", "S1", "S1_conf", "ST", "ST_conf"]


def _problem(n_factors: int, names: Sequence[str] | None = None) -> dict:
    names = list(names) if names is not None else [f"x{i}" for i in range(n_factors)]
    return {"num_vars": n_factors, "names": names, "bounds": [[0.0, 1.0]] * n_factors}


def base_size(n: int, n_factors: int) -> int:
    """The smallest power of two N ≥ 4 with N·(d + 2) ≥ n: the base sample of a Saltelli design
    that gives at least ``n`` model runs (Sobol' sequences balance only at powers of two).

    Parameters
    ----------
    n : int
        Model runs wanted.
    n_factors : int
        Number of factors d (at least 1).

    Returns
    -------
    int
        The base sample size N.

    Examples
    --------
    >>> base_size(1000, 8)  # 128 · (8 + 2) = 1280 ≥ 1000 > 64 · 10
    128
    >>> base_size(10, 3)  # never below 4
    4
    """
    if n_factors < 1:
        raise SpecError("a Sobol design needs at least one factor")
    need = max(4, math.ceil(max(int(n), 1) / (n_factors + 2)))
    return 1 << (need - 1).bit_length()


def saltelli_design(n_factors: int, n_base: int, seed: int) -> np.ndarray:
    """Saltelli design on [0, 1)^d: ``n_base·(d + 2)`` rows (SALib ``sobol.sample``, scrambled,
    ``calc_second_order=False``). Same arguments → identical array.

    Parameters
    ----------
    n_factors : int
        Number of factors d (the columns).
    n_base : int
        Base sample N, a power of two ≥ 2 (see :func:`base_size`).
    seed : int
        Seed of the scrambling.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_base * (n_factors + 2), n_factors)``, values in [0, 1).

    Examples
    --------
    >>> u = saltelli_design(3, 8, seed=1)
    >>> u.shape  # 8 · (3 + 2) rows
    (40, 3)
    >>> bool(u.min() >= 0 and u.max() < 1), bool((u == saltelli_design(3, 8, seed=1)).all())
    (True, True)
    """
    from SALib.sample import sobol as sobol_sample

    if n_base < 2 or n_base & (n_base - 1):
        raise SpecError(f"the Sobol base sample must be a power of two ≥ 2, got {n_base}")
    u = sobol_sample.sample(_problem(n_factors), n_base, calc_second_order=False, scramble=True,
                            seed=int(seed))
    return np.clip(u, 0.0, np.nextafter(1.0, 0.0))


def sobol_indices(Y, factors: Sequence[str], targets: Sequence[str] | None = None, *,
                  num_resamples: int = 100, conf_level: float = 0.95, seed: int = 1) -> pd.DataFrame:
    """First-order and total Sobol indices of each factor on each output column.

    Parameters
    ----------
    Y : array (runs,) or (runs, outputs)
        Model outputs in the row order of :func:`saltelli_design`.
    factors : names of the d factors (the design's columns, in order).
    targets : names of the output columns (default ``y0, y1, …``; ``"y"`` for a 1-D ``Y``).
    num_resamples, conf_level : the bootstrap (SALib); confidence half-widths at ``conf_level``.
    seed : seed of the bootstrap resampling (a fixed seed makes the intervals reproducible).

    Returns
    -------
    DataFrame with columns ``factor, target, S1, S1_conf, ST, ST_conf``: one row per factor and
    target, factors in the given order within each target.

    Examples
    --------
    A model that depends almost only on its first factor (y = a + 0.1·b):

    >>> u = saltelli_design(3, 256, seed=1)
    >>> table = sobol_indices(u[:, 0] + 0.1 * u[:, 1], ["a", "b", "c"])
    >>> table["factor"].tolist(), table["target"].unique().tolist()
    (['a', 'b', 'c'], ['y'])
    >>> table["ST"].round(1).tolist()
    [1.0, 0.0, 0.0]
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 1:
        Y = Y[:, None]
        targets = list(targets) if targets is not None else ["y"]
    d = len(factors)
    if targets is None:
        targets = [f"y{i}" for i in range(Y.shape[1])]
    if len(targets) != Y.shape[1]:
        raise SpecError(f"sobol_indices: {len(targets)} target names for {Y.shape[1]} outputs")
    if Y.shape[0] % (d + 2):
        raise SpecError(f"sobol_indices: {Y.shape[0]} runs is not a multiple of d + 2 = {d + 2}; "
                        "use the rows of saltelli_design unchanged")
    if not np.isfinite(Y).all():
        raise SpecError("sobol_indices: the outputs contain NaN or infinite values")
    if not 0 < conf_level < 1:
        raise SpecError(f"sobol_indices: conf_level must be in (0, 1), got {conf_level}")
    S1, S1c, ST, STc = _analyze(Y, d, int(num_resamples), float(conf_level), int(seed) or 1)
    T = len(targets)
    return pd.DataFrame({
        "factor": np.tile(np.asarray(list(factors), dtype=object), T),
        "target": np.repeat(np.asarray(list(targets), dtype=object), d),
        "S1": S1.T.ravel(), "S1_conf": S1c.T.ravel(), "ST": ST.T.ravel(), "ST_conf": STc.T.ravel(),
    }, columns=SOBOL_COLUMNS)


def _analyze(Y: np.ndarray, d: int, num_resamples: int, conf_level: float, seed: int):
    """``SALib.analyze.sobol.analyze`` (``calc_second_order=False``) for many outputs.

    The same steps with SALib's own estimators (``first_order``, ``total_order``): outputs
    centred and scaled by their standard deviation, the design split into A, B and AB_j, the
    bootstrap indices ``default_rng(seed).integers(N, size=(N, num_resamples))`` drawn once and
    shared by every output, confidence half-width z·sd of the resampled estimates. The numbers
    equal ``analyze(problem, Y[:, t], …, seed=seed)`` for each column t (a test checks this);
    what is saved is SALib's per-call set-up and the copies of the design per output.
    Returns four (d × outputs) arrays: S1, S1_conf, ST, ST_conf.
    """
    from SALib.analyze.sobol import first_order, total_order
    from scipy.stats import norm

    step = d + 2
    N = Y.shape[0] // step
    sd = Y.std(axis=0)
    flat = sd == 0
    Yn = (Y - Y.mean(axis=0)) / np.where(flat, 1.0, sd)
    r = np.random.default_rng(seed).integers(N, size=(N, num_resamples))
    z = norm.ppf(0.5 + conf_level / 2)
    S1, S1c, ST, STc = (np.zeros((d, Y.shape[1])) for _ in range(4))
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # SALib warns about constant outputs; they give 0 here
        for t in np.flatnonzero(~flat):  # one output at a time: the resampled arrays stay in cache
            y = Yn[:, t]
            A, B = y[0::step], y[step - 1::step]
            Ar, Br = A[r], B[r]
            if np.ptp(np.r_[Ar, Br]) == 0:  # as SALib: no spread in the resamples, no interval
                z_t = 0.0
            else:
                z_t = z
            for j in range(d):
                AB = y[j + 1::step]
                ABr = AB[r]
                S1[j, t] = first_order(A, AB, B)
                S1c[j, t] = z_t * first_order(Ar, ABr, Br).std(ddof=1)
                ST[j, t] = total_order(A, AB, B)
                STc[j, t] = z_t * total_order(Ar, ABr, Br).std(ddof=1)
    return S1, S1c, ST, STc
