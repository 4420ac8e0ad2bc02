"""SMAA-2 (Lahdelma & Salminen 2001): closed-form cases (hand-derived) and a brute-force check
that loops over the same weight draws one by one."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import SpecError
from toolkit.robustness.smaa import meta_weights, sample_weights, smaa


def test_two_units_closed_form():
    # A = (1, 0), B = (0.4, 0.8), w = (t, 1 − t): A first iff t > 4/7 → b_A^1 = 3/7,
    # w_A^c = ((1 + 4/7)/2, ·) = (11/14, 3/14); w_B^c = (2/7, 5/7)
    X = pd.DataFrame({"c1": [1, 0.4], "c2": [0, 0.8]}, index=["A", "B"])
    r = smaa(X, n=200_000, seed=1)
    assert r.rank_acceptability.loc["A", 1] == pytest.approx(3 / 7, abs=0.005)
    np.testing.assert_allclose(r.central_weights.loc["A"].to_numpy(), [11 / 14, 3 / 14], atol=0.005)
    np.testing.assert_allclose(r.central_weights.loc["B"].to_numpy(), [2 / 7, 5 / 7], atol=0.005)
    assert r.holistic["A"] == r.rank_acceptability.loc["A", 1]  # m = 2: α = (1, 0)


def test_identity_closed_form():
    # X = I (3 × 3): b_i^r = 1/3; w_i^c has E[max of Dirichlet(1,1,1)] = 11/18 on i, 7/36 elsewhere
    X = pd.DataFrame(np.eye(3), index=list("abc"), columns=list("xyz"))
    r = smaa(X, n=200_000, seed=2)
    np.testing.assert_allclose(r.rank_acceptability.to_numpy(), 1 / 3, atol=0.005)
    np.testing.assert_allclose(np.diag(r.central_weights.to_numpy()), 11 / 18, atol=0.005)
    assert r.central_weights.loc["a", "y"] == pytest.approx(7 / 36, abs=0.005)


def test_against_brute_force_loop():
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.uniform(size=(6, 4)), columns=list("pqrs"))
    r = smaa(X, n=3000, seed=3, batch_size=700)
    b = np.zeros((6, 6))
    cw = np.zeros((6, 4))
    for w in r.weights:
        u = X.to_numpy() @ w
        for i in range(6):
            rank = 1 + sum(u[k] > u[i] for k in range(6) if k != i)
            b[i, rank - 1] += 1
            if rank == 1:
                cw[i] += w
    np.testing.assert_allclose(r.rank_acceptability.to_numpy(), b / 3000)
    firsts = b[:, 0]
    ok = firsts > 0
    np.testing.assert_allclose(r.central_weights.to_numpy()[ok], cw[ok] / firsts[ok, None])
    np.testing.assert_allclose(r.holistic.to_numpy(), (b / 3000) @ meta_weights(6))


def test_sampling_moments_bounds_and_near():
    W = sample_weights(list("abc"), n=100_000, seed=0)
    assert W.var(axis=0) == pytest.approx([2 / 36] * 3, abs=0.002)  # Beta(1, 2): (n−1)/(n²(n+1))
    B = sample_weights(list("abc"), n=5000, seed=0, bounds={"a": (0.2, 0.5)})
    assert B[:, 0].min() >= 0.2 and B[:, 0].max() <= 0.5
    N = sample_weights(list("abc"), n=20000, seed=0, near=[0.6, 0.3, 0.1], concentration=200)
    np.testing.assert_allclose(N.mean(axis=0), [0.6, 0.3, 0.1], atol=0.005)
    with pytest.raises(SpecError, match="no weights"):
        sample_weights(list("abc"), bounds={"a": (0.6, 1), "b": (0.6, 1)})
    assert meta_weights(4, "centroid")[0] == 1.0


# -- smaa_index refuses an aggregation it cannot sample (issue 21) ---------------------------------
@pytest.fixture(scope="module")
def hdi_like(tmp_path_factory):
    """A small synthetic index (the HDI framework, three dimensions, 12 made-up countries)."""
    import toolkit as tk

    rng = np.random.default_rng(4)
    spec = tk.load_spec("configs/hdi.yaml")
    fw = spec.framework
    m = 12
    raw = pd.DataFrame({"LE": rng.uniform(50, 84, m), "EYS": rng.uniform(5, 17, m), "MYS": rng.uniform(2, 14, m),
                        "GNI": rng.uniform(800, 70000, m)})
    raw.insert(0, "iso3", [f"C{i:02d}" for i in range(m)])
    raw.insert(1, "country", [f"Country {i}" for i in range(m)])
    path = tmp_path_factory.mktemp("smaa") / "synthetic_hdi.csv"
    raw.to_csv(path, index=False)
    return tk, spec, tk.read_indicators(path, fw)


@pytest.mark.parametrize("method", ["bod", "copeland", "topsis"])
def test_smaa_index_refuses_bod_copeland_topsis(hdi_like, method):
    from toolkit.robustness.smaa import smaa_index

    tk, spec, data = hdi_like
    res = tk.build_index(data, spec.replace({"aggregation": {"index": {"method": method}}}))
    with pytest.raises(SpecError, match=f"aggregated by '{method}'.*pass aggregation="):
        smaa_index(res, n=100)
    # explicit is not silent: the caller may ask for the arithmetic mean
    r = smaa_index(res, n=200, seed=1, aggregation="arithmetic")
    assert r.rank_acceptability.shape == (12, 12)


def test_smaa_index_uses_the_geometric_mean_of_the_spec(hdi_like):
    """The HDI's index level is geometric: smaa_index samples weights of the geometric mean —
    checked against smaa() called with aggregation='geometric' on the same dimension scores."""
    from toolkit.robustness.smaa import smaa_index

    tk, spec, data = hdi_like
    res = tk.build_index(data, spec)
    got = smaa_index(res, n=300, seed=2)
    want = smaa(res.dimension_scores.xs(2022, level="year"), n=300, seed=2, aggregation="geometric")
    pd.testing.assert_frame_equal(got.rank_acceptability, want.rank_acceptability)
    ari = smaa(res.dimension_scores.xs(2022, level="year"), n=300, seed=2, aggregation="arithmetic")
    assert not got.rank_acceptability.equals(ari.rank_acceptability)


def test_the_smaa_and_selection_modules_are_not_hidden():
    """Issue 21: the package re-exported the functions under their modules' names, so
    ``import toolkit.robustness.smaa as m`` gave the function. Now the attribute is the module,
    and calling it calls the function of the same name (same result, same signature)."""
    import inspect
    import types

    import toolkit.robustness as R
    import toolkit.robustness.leave_one_out as loo_module
    import toolkit.robustness.selection as sel_module
    import toolkit.robustness.smaa as smaa_module
    import toolkit.robustness.uncertainty as ua_module

    for module, name in ((smaa_module, "smaa"), (sel_module, "selection"), (ua_module, "uncertainty"),
                         (loo_module, "leave_one_out")):
        assert isinstance(module, types.ModuleType) and getattr(R, name) is module
        assert inspect.signature(module) == inspect.signature(getattr(module, name))
    assert R.smaa.smaa_index.__name__ == "smaa_index" and R.selection.selection_from.__name__ == "selection_from"
    X = pd.DataFrame([[0.9, 0.1], [0.5, 0.5], [0.2, 0.7]], columns=["a", "b"])
    pd.testing.assert_frame_equal(R.smaa(X, n=200, seed=3).rank_acceptability,
                                  smaa(X, n=200, seed=3).rank_acceptability)
