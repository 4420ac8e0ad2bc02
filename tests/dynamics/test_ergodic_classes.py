"""The numpy quantile classes, steady states and first passage times against their oracles:
``mapclassify.Quantiles`` and ``giddy.ergodic`` (with ``giddy.markov.Markov``), on random data, tied
data, reducible chains with empty classes, and real panels (UNDP's HDR time series, 1990–2022).

The toolkit stopped importing giddy and mapclassify on its paths (seconds of numba compilation per
process); these tests are where they still run, as the reference.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

from toolkit.dynamics.classes import Quantiles, bin_ids, quantile_bins
from toolkit.dynamics.ergodic import gth_solve, is_irreducible, mfpt, steady_state
from toolkit.dynamics.markov import markov_chain, one_steady_state

from ..conftest import SHARED_DATA

HDR_CSV = SHARED_DATA / "hdi" / "HDR23-24_Composite_indices_complete_time_series.csv"



def oracle(name: str):
    """``mapclassify`` or ``giddy.ergodic``, imported when a test first needs it (the test is skipped when it is
    not installed): importing them compiles numba kernels, seconds of CPU that every xdist worker would
    otherwise pay while collecting this file."""
    return pytest.importorskip(name)


def random_samples(n_samples=200, seed=0):
    """Values of every kind a score takes: continuous, heavy-tailed, tied integers, a few values, constants."""
    rng = np.random.default_rng(seed)
    for s in range(n_samples):
        n = int(rng.integers(1, 400))
        kind = s % 5
        if kind == 0:
            y = rng.normal(50, 10, n)
        elif kind == 1:
            y = rng.lognormal(0, 2, n)
        elif kind == 2:
            y = rng.integers(0, 6, n).astype(float)          # many ties: classes collapse
        elif kind == 3:
            y = rng.choice([1.5, 2.5, 2.5, 7.0], n)
        else:
            y = np.full(n, 3.25)
        yield y, int(rng.integers(2, 9))


def test_quantiles_are_mapclassify_to_the_bit():
    seen_collapsed = 0
    for y, k in random_samples():
        ref = oracle("mapclassify").Quantiles(y, k=k)
        mine = Quantiles(y, k=k)
        assert np.array_equal(mine.bins, ref.bins), (y, k)
        assert np.array_equal(mine.yb, ref.yb), (y, k)
        seen_collapsed += len(mine.bins) < k
    assert seen_collapsed > 20                               # the tied cases were exercised


def test_bins_and_ids_match_mapclassify_helpers():
    from mapclassify.classifiers import bin1d, quantile

    x = np.arange(1000)
    assert quantile_bins(x).tolist() == quantile(x).tolist() == [249.75, 499.5, 749.25, 999.0]
    y = np.array([-1.0, 25, 25.5, 74, 99, 100, 100.5, np.nan])
    bins = np.array([25.0, 74, 100])
    assert bin_ids(y, bins).tolist() == bin1d(y, bins)[0].tolist() == [0, 0, 1, 1, 2, 2, 0, 0]


def random_chains(n=400, seed=1):
    """Transition matrices from counts: dense, sparse (reducible, absorbing), with empty rows."""
    rng = np.random.default_rng(seed)
    for s in range(n):
        k = int(rng.integers(2, 9))
        counts = rng.integers(0, 20, (k, k)).astype(float)
        if s % 3:
            counts *= rng.random((k, k)) < (0.25 if s % 3 == 1 else 0.6)
        if s % 7 == 0:
            counts[rng.integers(k)] = 0                     # a class never left (filled with 1 on the diagonal)
        rows = counts.sum(axis=1, keepdims=True)
        yield np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 0.0)


def giddy_quiet(f, P):
    with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
        return np.asarray(f(P, fill_empty_classes=True), float)


def test_steady_state_and_first_passage_are_giddys():
    irreducible = reducible = raised = 0
    for P in random_chains():
        k = len(P)
        ref = giddy_quiet(oracle("giddy.ergodic").steady_state, P)
        mine = steady_state(P)
        if ref.ndim == 1:                                    # one communicating class
            irreducible += 1
            assert mine is not None and np.abs(mine - ref).max() < 1e-12
        else:
            reducible += 1
            assert mine is None and np.isnan(one_steady_state(P, k)).all()
        try:
            ref_fp = giddy_quiet(oracle("giddy.ergodic").mfpt, P)
        except np.linalg.LinAlgError:                        # a closed set beside an absorbing class: both fail
            raised += 1
            with pytest.raises(np.linalg.LinAlgError), np.errstate(all="ignore"):
                mfpt(P)
            continue
        with np.errstate(all="ignore"):
            fp = mfpt(P)
        assert np.array_equal(np.isinf(fp), np.isinf(ref_fp)) and np.array_equal(np.isnan(fp), np.isnan(ref_fp))
        finite = np.isfinite(ref_fp)
        assert np.abs(fp[finite] - ref_fp[finite]).max(initial=0) < 1e-12 * max(1, np.abs(ref_fp[finite]).max(initial=1))
    assert irreducible > 50 and reducible > 50 and raised < 20


def test_gth_is_the_stationary_equation():
    """πP = π, Σπ = 1 (Kemeny and Snell's Land of Oz, p. 218 of giddy's docs: 0.4, 0.2, 0.4)."""
    oz = np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]])
    assert gth_solve(oz) == pytest.approx([0.4, 0.2, 0.4], abs=1e-15)
    assert mfpt(oz)[1] == pytest.approx([8 / 3, 5, 8 / 3])
    assert is_irreducible(oz) and not is_irreducible(np.eye(2))


def old_markov(W: pd.DataFrame, k: int, basis: str):
    """The chain as the toolkit computed it with mapclassify and giddy before (issue 25)."""
    if basis == "pooled":
        q = oracle("mapclassify").Quantiles(W.to_numpy(float).ravel(), k=k)
        ids, cutoffs = q.yb.reshape(W.shape), [float(b) for b in q.bins]
    else:
        qs = [oracle("mapclassify").Quantiles(W[t].to_numpy(float), k=k) for t in W.columns]
        ids, cutoffs = np.column_stack([q.yb for q in qs]), [[float(b) for b in q.bins] for q in qs]
    T = np.zeros((k, k), int)
    np.add.at(T, (ids[:, :-1].ravel(), ids[:, 1:].ravel()), 1)
    rows = T.sum(axis=1, keepdims=True)
    P = np.where(rows > 0, T / np.where(rows > 0, rows, 1), np.eye(k))
    ss = giddy_quiet(oracle("giddy.ergodic").steady_state, P)
    ss = ss if ss.ndim == 1 and len(ss) == k else np.full(k, np.nan)
    return ids, cutoffs, T, P, ss, giddy_quiet(oracle("giddy.ergodic").mfpt, P)


def same_chain(values: pd.Series, k: int, basis: str):
    m = markov_chain(values, k=k, basis=basis)
    ids, cutoffs, T, P, ss, fp = old_markov(values.unstack("year").dropna(), k, basis)
    assert np.array_equal(m.classes.to_numpy(), ids) and m.cutoffs == cutoffs
    assert np.array_equal(m.counts.to_numpy(), T) and np.array_equal(m.P.to_numpy(), P)
    assert np.allclose(m.steady_state.to_numpy(), ss, rtol=0, atol=1e-12, equal_nan=True)
    assert np.allclose(m.first_passage.to_numpy(), fp, rtol=1e-12, atol=0, equal_nan=True)
    from giddy.markov import Markov  # PySAL's chain from the same classes

    with contextlib.redirect_stdout(io.StringIO()):
        g = Markov(ids, classes=np.arange(k), fill_empty_classes=True, summary=False)
    assert np.array_equal(g.transitions, T)
    return m


def random_panel(seed, units=60, years=6):
    rng = np.random.default_rng(seed)
    base = rng.normal(50, 10, units)
    vals = base[:, None] + np.cumsum(rng.normal(0.5, 3 + seed % 4, (units, years)), axis=1)
    if seed % 4 == 3:
        vals = np.round(vals / 10)                         # ties across units
    idx = pd.MultiIndex.from_product([[f"u{i:03d}" for i in range(units)], range(2016, 2016 + years)],
                                     names=["unit_id", "year"])
    return pd.Series(vals.ravel(), index=idx)


@pytest.mark.parametrize("seed", range(12))
def test_markov_chain_is_unchanged_on_random_panels(seed):
    y = random_panel(seed, units=20 + 15 * seed)
    for k in (2, 4, 5):
        for basis in ("pooled", "per_year"):
            same_chain(y, k, basis)


@pytest.mark.skipif(not HDR_CSV.is_file(), reason=f"HDR time series not found at {HDR_CSV}")
@pytest.mark.parametrize("indicator", ["hdi", "le", "eys", "mys", "gnipc"])
def test_markov_chain_is_unchanged_on_the_hdr_panels(indicator):
    """UNDP's series of 193 countries, 1990–2022: every indicator's chain as giddy's, both bases."""
    t = pd.read_csv(HDR_CSV, encoding="utf-8-sig")
    cols = [c for c in t.columns if c.startswith(f"{indicator}_") and c[len(indicator) + 1:].isdigit()]
    long = t.set_index("iso3")[cols].stack().dropna()
    long.index = pd.MultiIndex.from_tuples([(u, int(c.rsplit("_", 1)[1])) for u, c in long.index],
                                           names=["unit_id", "year"])
    m = same_chain(long, 4, "pooled")
    assert m.counts.to_numpy().sum() > 3000 and 0 < m.mobility < 0.2
    same_chain(long, 5, "per_year")
    same_chain(long[long.index.get_level_values("year") >= 2015], 3, "pooled")
