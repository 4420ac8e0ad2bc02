"""Optimised weights: the default case (index = weighted mean, Pearson's r) is solved exactly as
a convex QP. Checked against (i) the closed forms where the optimum is interior — balance
w ∝ A⁻¹t, infomax w ∝ S⁻¹Aᵀ1 (A = Zᵀ X_c/m, S = X_cᵀ X_c/m; derived in the module) — to 1e-9,
and (ii) the Nelder–Mead search the module used before (still run for a custom ``index_fn``):
never a worse objective, and the same weights (to Nelder–Mead's tolerance) where it converged."""

import numpy as np
import pandas as pd
import pytest

from toolkit import build_index, read_indicators
from toolkit.methods.weighting.optimal_weights import optimal_weights

from ..conftest import DEMO_CSV, ROOT


def closed_forms(V):
    m, n = V.shape
    Xc = V - V.mean(axis=0)
    Z = Xc / np.sqrt((Xc ** 2).mean(axis=0))
    A, S = Z.T @ Xc / m, Xc.T @ Xc / m
    wb = np.linalg.solve(A, np.full(n, 1.0 / n))
    wi = np.linalg.solve(S, A.T @ np.ones(n))
    return wb / wb.sum(), wi / wi.sum()


def nelder_mead(C, objective):
    return optimal_weights(C, objective=objective, index_fn=lambda w: C @ w, starts=0)  # one start


def cases():
    data = read_indicators(DEMO_CSV)
    r = build_index(data, ROOT / "configs" / "default.yaml")
    fw = data.framework
    out = [r.dimension_scores]
    for dim in r.dimension_scores.columns:
        kids = [k for k in fw.node(dim).children if k in r.normalised.columns]
        if len(kids) > 1:
            out.append(r.normalised[kids])
    rng = np.random.default_rng(7)
    for _ in range(12):
        m, n = int(rng.integers(20, 60)), int(rng.integers(2, 6))
        X = rng.normal(size=(m, n)) @ rng.uniform(0, 1, (n, n)) + rng.normal(size=(m, n))
        out.append(pd.DataFrame(X * rng.uniform(0.2, 3, n), columns=[f"c{j}" for j in range(n)]))
    return out


@pytest.fixture(scope="module")
def blocks():
    return cases()


@pytest.mark.slow
@pytest.mark.parametrize("objective", ["balance", "infomax"])
def test_never_worse_than_nelder_mead_and_equal_where_it_converged(blocks, objective):
    equal = 0
    for C in (b for b in blocks if b.shape[1] <= 5):  # (the search is slow on wider blocks)
        new, old = optimal_weights(C, objective=objective), nelder_mead(C, objective)
        assert new.objective <= old.objective + 1e-9
        assert new.weights.sum() == pytest.approx(1.0) and (new.weights >= 0).all()
        if old.converged and old.objective > -46:  # an optimum NM reached (not the floor's plateau)
            np.testing.assert_allclose(new.weights.to_numpy(), old.weights.to_numpy(), atol=1e-6)
            equal += 1
    assert equal >= 3


@pytest.mark.parametrize("objective", ["balance", "infomax"])
def test_interior_optimum_equals_the_closed_form(blocks, objective):
    checked = 0
    for C in blocks:
        wb, wi = closed_forms(C.to_numpy(dtype=float))
        w = wb if objective == "balance" else wi
        if (w > 1e-6).all():
            got = optimal_weights(C, objective=objective).weights.to_numpy()
            np.testing.assert_allclose(got, w, atol=1e-9, rtol=0)
            checked += 1
    assert checked >= 4


def test_demo_dimension_with_a_boundary_optimum_beats_the_capped_search(blocks):
    # L1's 10 indicators: equal influence needs some weights at 0; Nelder–Mead (even from a wide
    # first simplex) stops at its iteration cap, not converged, with a larger objective
    L1 = blocks[1]
    L1 = L1[L1.index.get_level_values("year") >= 2024]  # the demo's last two years (on all five NM converges)
    new, old = optimal_weights(L1), nelder_mead(L1, "balance")
    assert not old.converged and new.converged
    assert new.objective < old.objective
    assert (new.weights == 0).sum() >= 1
