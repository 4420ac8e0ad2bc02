"""Tests that kill the live mutants issue 21 names (a sample of mutants of ``methods/`` survived
because no test exercised these cases; ``tools/mutate.py`` measures the rate). Each test uses an
independent computation: the formula by hand, or a peer library (factor_analyzer)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.methods.aggregation.aggregate import geometric
from toolkit.methods.aggregation.copeland import copeland, outranking_matrix
from toolkit.methods.normalisation.normalise import zscore, zscore_kernel
from toolkit.methods.weighting.weights import varimax


def test_zscore_scales_columns_with_a_standard_deviation_below_one():
    """Mutant ``np.where(s > 0, …)`` → ``s > 1``: a column with sd ≤ 1 went unscaled."""
    X = pd.DataFrame({"small": [0.1, 0.2, 0.3], "unit": [1.0, 2.0, 3.0], "big": [10.0, 20.0, 30.0]})
    got = zscore(X)
    for c in X:  # (x − mean)/sd with sd = 0.1, 1 and 10 (ddof 1): −1, 0, 1 in every column
        np.testing.assert_allclose(got[c].to_numpy(), [-1.0, 0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(zscore_kernel(X.to_numpy()[None])[0], got.to_numpy())
    # a constant column maps to the target mean
    with pytest.warns(UserWarning, match="constant"):
        assert zscore(X.assign(small=0.5), mean=100, sd=10)["small"].tolist() == [100.0, 100.0, 100.0]


def test_geometric_mean_skips_a_missing_value():
    """``geometric(na="skip")`` with a missing value: the unit's other children, weights rescaled."""
    X = pd.DataFrame({"a": [4.0, 1.0, np.nan], "b": [np.nan, 4.0, 9.0], "c": [4.0, 16.0, 1.0]}, index=list("ABC"))
    got = geometric(X, weights=[1.0, 1.0, 2.0], na="skip")
    # A: a, c with weights 1/3, 2/3 → 4; B: 1^(1/4) 4^(1/4) 16^(1/2) = √2 · 4; C: 9^(1/3) 1^(2/3)
    np.testing.assert_allclose(got.to_numpy(), [4.0, np.sqrt(2) * 4, 9 ** (1 / 3)])
    with pytest.raises(Exception, match="missing"):
        geometric(X, na="error")


def test_copeland_near_tie_in_the_values_is_a_tie():
    """Values 1e-14 apart are equal (tolerance 1e-12): each unit gets half of that indicator."""
    X = pd.DataFrame({"x1": [1.0, 1.0 + 1e-14], "x2": [2.0, 2.0]}, index=["A", "B"])
    assert outranking_matrix(X).loc["A", "B"] == 0.5
    assert copeland(X).tolist() == [0.0, 0.0]
    Y = X.assign(x1=[1.0, 1.0 + 1e-6])  # a real difference: B wins x1
    assert outranking_matrix(Y).loc["B", "A"] == 0.75 and copeland(Y).tolist() == [-1.0, 1.0]


def test_copeland_near_tie_in_the_weights_is_a_tie():
    """Weights 0.15 + 0.2 + (0.5 − 0.15 − 0.2) against 0.5: o_AB differs from 0.5 by float
    rounding only (0.49999999999999994)."""
    X = pd.DataFrame({"a": [1.0, 0.0], "b": [1.0, 0.0], "c": [1.0, 0.0], "d": [0.0, 1.0]}, index=["A", "B"])
    w = pd.Series({"a": 0.15, "b": 0.2, "c": 0.5 - 0.15 - 0.2, "d": 0.5})
    o = outranking_matrix(X, w).loc["A", "B"]
    assert o != 0.5 and abs(o - 0.5) < 1e-12  # the case the tolerance is for
    assert copeland(X, w).tolist() == [0.0, 0.0]


def test_copeland_units_with_no_indicator_in_common_tie():
    """A has only x1, B only x2: no indicator to compare, so o_AB = o_BA = 0.5 (a tie); C (0, 0)
    loses to both on the indicator it shares with each."""
    X = pd.DataFrame({"x1": [1.0, np.nan, 0.0], "x2": [np.nan, 2.0, 0.0]}, index=["A", "B", "C"])
    o = outranking_matrix(X)
    assert o.loc["A", "B"] == 0.5 and o.loc["B", "A"] == 0.5
    assert o.loc["A", "C"] == 1.0 and o.loc["C", "B"] == 0.0
    assert copeland(X).tolist() == [1.0, 1.0, -2.0]


def _match_columns(A, B):
    """B's columns permuted and sign-flipped to match A's (varimax is unique up to both)."""
    out = np.empty_like(B)
    used = set()
    for j in range(A.shape[1]):
        k = max((k for k in range(B.shape[1]) if k not in used), key=lambda k: abs(A[:, j] @ B[:, k]))
        used.add(k)
        out[:, j] = B[:, k] * np.sign(A[:, j] @ B[:, k])
    return out


@pytest.mark.parametrize("normalize", [True, False])
def test_varimax_equals_factor_analyzer(normalize):
    """factor_analyzer's Rotator (an independent implementation of Kaiser's varimax, with and
    without Kaiser normalisation) on loadings whose communalities differ, so the two settings
    give different rotations."""
    from factor_analyzer.rotator import Rotator

    L = np.array([[0.9, 0.1, 0.2], [0.8, 0.3, 0.1], [0.3, 0.7, 0.2], [0.2, 0.5, 0.1], [0.4, 0.4, 0.6],
                  [0.1, 0.2, 0.3], [0.5, 0.1, 0.7]])
    ours = np.asarray(varimax(L, normalize=normalize))
    ref = Rotator(method="varimax", normalize=normalize, max_iter=5000, tol=1e-12).fit_transform(L)
    np.testing.assert_allclose(ours, _match_columns(ours, ref), atol=1e-6)
    other = np.asarray(varimax(L, normalize=not normalize))
    assert not np.allclose(ours, _match_columns(ours, other), atol=1e-3)  # the setting matters here
    # the default is Kaiser normalisation (R stats::varimax, SPSS)
    if normalize:
        np.testing.assert_allclose(np.asarray(varimax(L)), ours)


def test_power_mean_batch_skips_a_missing_value_in_every_matrix_of_a_stack():
    """The engine's batch path (G, m, k) with na="skip": each replication's weights rescale over
    the unit's present children (a mutant summing the weights over the wrong axis survived)."""
    from toolkit.methods.aggregation.aggregate_batch import power_mean_batch

    C = np.array([[[4.0, np.nan, 4.0], [1.0, 4.0, 16.0]], [[2.0, 8.0, np.nan], [1.0, 1.0, 1.0]]])
    W = np.array([[1.0, 1.0, 2.0], [1.0, 3.0, 0.0]])
    got = power_mean_batch(C, W, p=0.0, na="skip")
    want = np.array([[4.0, np.sqrt(2) * 4], [2 ** 0.25 * 8 ** 0.75, 1.0]])
    np.testing.assert_allclose(got, want)
    got = power_mean_batch(C, W, p=1.0, na="skip")
    np.testing.assert_allclose(got, [[4.0, (1 + 4 + 32) / 4], [(2 + 24) / 4, 1.0]])


def test_copeland_on_a_matrix_larger_than_one_chunk():
    """m²k above the 2·10⁶ chunk size (1,500 units, one indicator): the chunked loop still runs
    (a mutant letting the chunk step reach 0 survived). With one indicator and distinct values a
    unit's score is (units below) − (units above) = 2·rank − (m + 1)."""
    rng = np.random.default_rng(0)
    x = rng.permutation(1500).astype(float)
    got = copeland(pd.DataFrame({"x": x}))
    rank = x.argsort().argsort() + 1
    np.testing.assert_array_equal(got.to_numpy(), 2 * rank - 1501)


def test_fraction_of_max_with_a_maximum_below_one_and_a_zero_column():
    """x / max x for a benefit column whose maximum is 0.5 (a mutant testing max > 1 survived),
    and a column whose maximum is 0 is an error naming it."""
    from toolkit.errors import DataError
    from toolkit.methods.normalisation.normalise import fraction_of_max

    X = pd.DataFrame({"a": [0.1, 0.5, 0.25], "b": [2.0, 4.0, 1.0]})
    got = fraction_of_max(X, directions=[1, -1])
    np.testing.assert_allclose(got["a"].to_numpy(), [0.2, 1.0, 0.5])
    np.testing.assert_allclose(got["b"].to_numpy(), [0.5, 0.25, 1.0])  # cost: min x / x
    with pytest.raises(DataError, match=r"\['a'\] have maximum 0"):
        fraction_of_max(X.assign(a=[0.0, 0.0, 0.0]))


def test_group_ahp_with_fractional_expert_weights():
    """AIJ with expert weights 0.25 / 0.75 (summing to 1, each below 1): the group matrix is the
    weighted geometric mean of the judgements, entry by entry (hand-derived: 3^0.25 · 2^0.75)."""
    from toolkit.errors import DataError
    from toolkit.methods.weighting.group_ahp import group_ahp

    A1 = [[1, 3], [1 / 3, 1]]
    A2 = [[1, 2], [1 / 2, 1]]
    r = group_ahp({"e1": A1, "e2": A2}, labels=["a", "b"], expert_weights={"e1": 0.25, "e2": 0.75})
    g = 3 ** 0.25 * 2 ** 0.75
    assert r.matrix.loc["a", "b"] == pytest.approx(g)
    np.testing.assert_allclose(r.weights.to_numpy(), [g / (1 + g), 1 / (1 + g)])
    with pytest.raises(DataError, match="non-negative"):
        group_ahp({"e1": A1, "e2": A2}, labels=["a", "b"], expert_weights={"e1": -0.5, "e2": 1.5})


def test_screening_by_zeros_drops_the_unit_with_too_few_non_zero_values():
    """byzeros (COINr Screen(unit_screen = "byzeros")): C has one non-zero value of three (1/3 <
    0.5) and is dropped; the removed list names exactly the dropped unit."""
    from toolkit.methods.preparation.screen import screen_units

    X = pd.DataFrame({"a": [1.0, 0.0, 0.0], "b": [2.0, 3.0, 0.0], "c": [1.0, 1.0, 5.0]}, index=list("ABC"))
    r = screen_units(X, rule="byzeros", nonzero_thresh=0.5)
    assert list(r.data.index) == ["A", "B"] and r.removed == ["C"]
    assert r.log.loc["C", "non_zero"] == pytest.approx(1 / 3) and not r.log.loc["C", "included"]
    assert screen_units(X, rule="byNA").removed == []


# -- survivors of the seed-2 sample on main (7 Dec 2026, 17:00 UTC; docs/development.md) ----------
def test_sum_share_refuses_a_benefit_column_summing_to_zero_and_takes_one_summing_below_one():
    """sum_'s zero-sum rule: an all-zero benefit column has no shares (it would divide by 0);
    a column summing to 0.5 is fine — shares 0.2/0.5 and 0.3/0.5 (hand-derived)."""
    from toolkit.errors import DataError
    from toolkit.methods.normalisation.normalise import sum_

    with pytest.raises(DataError, match=r"\['a'\] sum to zero"):
        sum_(pd.DataFrame({"a": [0.0, 0.0], "b": [1.0, 2.0]}))
    np.testing.assert_allclose(sum_(pd.DataFrame({"a": [0.2, 0.3]}))["a"].to_numpy(), [0.4, 0.6])


def test_a_bounded_parameter_describes_both_bounds():
    """The rule in a spec error: a number with both bounds reads 'in [low, high]' (or open)."""
    from toolkit.methods.declared import Param

    assert Param("p", "number", low=0, high=1).describe() == "a number in [0, 1]"
    assert Param("p", "number", low=0, high=1, low_open=True).describe() == "a number in (0, 1]"
    assert Param("p", "integer", low=1).describe() == "an integer ≥ 1"
    assert Param("p", "number", high=5, high_open=True).describe() == "a number < 5"


def test_unregister_refuses_a_built_in_method_and_ignores_an_unknown_name():
    from toolkit.methods.registry import AGGREGATION, unregister

    with pytest.raises(ValueError, match="'arithmetic' is built in"):
        unregister("aggregation", "arithmetic")
    assert "arithmetic" in AGGREGATION
    assert unregister("aggregation", "no_such_method") is None


def test_wroclaw_of_identical_units_is_one_for_all():
    """Every unit is the ideal: every distance is 0, and so is mean + 2 sd; the score is 1 − 0 = 1
    (not 0/0)."""
    from toolkit.methods.aggregation.wroclaw import wroclaw

    got = wroclaw(pd.DataFrame({"a": [0.5, 0.5, 0.5], "b": [0.2, 0.2, 0.2]}))
    np.testing.assert_array_equal(got.to_numpy(), [1.0, 1.0, 1.0])


def test_the_registry_table_names_each_kernel():
    """docs/methods-registry.md's kernel column: arithmetic runs power_mean_batch, BoD bod_kernel."""
    from toolkit.methods.registry import table

    t = table().set_index(["step", "method"])["kernel"]
    assert t[("aggregation", "arithmetic")] == "power_mean_batch"
    assert t[("aggregation", "bod")] == "bod_kernel"


def test_a_column_check_names_the_matrix_where_only_a_later_one_keeps_the_column():
    """One matrix shared by two replications; the first leaves indicator a out, the second keeps
    it: the error is the second's (g = 1) and quotes a's statistic (mean −2) from the shared matrix."""
    from toolkit.methods.checks import BatchError, DataCheck, check_data

    rule = DataCheck("positive_mean", "has mean {value:g}", lambda mean, params: mean <= 0, per="column",
                     stat=lambda V: V.mean(axis=1))
    V = np.array([[[-1.0, 2.0], [-3.0, 4.0]]])
    with pytest.raises(BatchError, match="m: indicator 'a' has mean -2") as exc:
        check_data("m", (rule,), V, excluded=np.array([[True, False], [False, False]]), columns=["a", "b"])
    assert exc.value.g == 1
    check_data("m", (rule,), V, excluded=np.array([[True, False], [True, False]]), columns=["a", "b"])  # left out


def test_copeland_chunks_of_a_stack_share_one_weight_row():
    """Two matrices past the chunk size (one per chunk) and one weight row for both: each chunk
    takes that row (a mutant indexing the weights by the chunk survived). Scores as in the test
    above: 2·rank − (m + 1), for x and for −x."""
    from toolkit.methods.aggregation.copeland import copeland_kernel

    x = np.random.default_rng(1).permutation(1500).astype(float)
    got = copeland_kernel(np.stack([x[:, None], -x[:, None]]), np.array([[1.0]]))
    rank = x.argsort().argsort() + 1
    np.testing.assert_array_equal(got, [2 * rank - 1501, 1501 - 2 * rank])


def test_a_feasible_lower_share_bound_is_accepted_at_spec_load():
    """k·lower ≤ 1 is feasible: {lower: 0.1} over the HDI's three dimensions (0.3 ≤ 1) loads, and
    so does lower = 1/3 exactly (equal shares); 0.4 is refused, the message naming the largest
    feasible bound 1/3."""
    import toolkit as tk
    from toolkit.errors import SpecError

    with pytest.raises(SpecError, match=r"3 × 0.4 = 1.2 > 1 .*lower lower to at most 0.3333"):
        tk.load_spec("configs/hdi.yaml").replace({"aggregation": {"index": {"method": "bod", "params": {"lower": 0.4}}}})
    for lower in (0.1, 1 / 3):
        spec = tk.load_spec("configs/hdi.yaml").replace(
            {"aggregation": {"index": {"method": "bod", "params": {"lower": lower}}}})
        assert spec["aggregation"]["index"]["params"]["lower"] == lower


def test_bod_shares_of_a_unit_scoring_zero_are_zero():
    """A unit that is 0 on every child scores 0; its shares w·y/score are 0 (not 0/0), while a
    frontier unit's shares sum to 1."""
    from toolkit.methods.aggregation.bod import bod

    r = bod(pd.DataFrame({"a": [1.0, 0.5, 0.0], "b": [0.5, 1.0, 0.0]}, index=list("ABZ")))
    assert r.scores["Z"] == 0
    np.testing.assert_array_equal(r.shares.loc["Z"].to_numpy(), [0.0, 0.0])
    assert r.shares.loc["A"].sum() == pytest.approx(1.0)


def test_vector_normalisation_of_a_column_with_a_norm_below_one():
    """x / ‖x‖ for (0.3, 0.4): ‖x‖ = 0.5, so (0.6, 0.8) — a mutant refusing norms² ≤ 1 survived."""
    from toolkit.methods.normalisation.normalise import vector

    np.testing.assert_allclose(vector(pd.DataFrame({"a": [0.3, 0.4]}))["a"].to_numpy(), [0.6, 0.8])


def test_a_plugin_imputer_is_neither_grouped_nor_columnwise_unless_it_says_so():
    from toolkit.methods.plugins import plugin_entry

    def fill(X):
        return X.fillna(0.0)

    entry = plugin_entry("imputation", "zero_fill", fill)
    assert entry.grouped is False and entry.columnwise is False
    entry = plugin_entry("imputation", "zero_fill", fill, grouped=True, columnwise=True)
    assert entry.grouped is True and entry.columnwise is True


def test_combination_coefficients_refuse_text_and_a_scalar_as_not_a_sequence():
    """A string is a Sequence but not a list of coefficients, and a scalar is neither: both get
    the 'mapping or a sequence' message (a mutant turning the `and` into `or` survived)."""
    from toolkit.errors import DataError
    from toolkit.methods.weighting.subjective import combination_coefficients

    for bad in ("0.5,0.5", 5):
        with pytest.raises(DataError, match="must be a mapping or a sequence"):
            combination_coefficients(["a", "b"], bad)
    assert combination_coefficients(["a", "b"], np.array([1.0, 3.0])).tolist() == [0.25, 0.75]


def test_vector_normalisation_of_a_column_with_a_negative_value():
    """(−1, 0.5) / ‖(−1, 0.5)‖ — the norm is of the squares: a mutant summing cubes (−0.875)
    called the column all zero."""
    from toolkit.methods.normalisation.normalise import vector

    np.testing.assert_allclose(vector(pd.DataFrame({"a": [-1.0, 0.5]}))["a"].to_numpy(),
                               np.array([-1.0, 0.5]) / np.sqrt(1.25))


def test_wroclaw_hand_derived_without_the_compind_file():
    """Units (1, 1), (0, 0), (1, 0), weights ½: distances to the ideal (0, 1, √½); mean 0.569036,
    sd (n − 1) 0.514099, c0 = mean + 2 sd = 1.597234; scores 1 − c/c0 (hand-derived; the Compind
    check needs ../shared/data, which a mutation run's copy may not have)."""
    from toolkit.methods.aggregation.wroclaw import wroclaw

    got = wroclaw(pd.DataFrame({"a": [1.0, 0.0, 1.0], "b": [1.0, 0.0, 0.0]}))
    np.testing.assert_allclose(got.to_numpy(), [1.0, 1 - 1 / 1.597234, 1 - np.sqrt(0.5) / 1.597234], atol=1e-6)


def test_bod_with_a_duplicated_frontier_unit():
    """A duplicate of a frontier unit must not remove both copies from the frontier: A = A' =
    (1, .2), B = (.2, 1), C = (.5, .5). By hand C's best weights are w1 = w2 = 1/1.2, so C
    scores 0.5/0.6 = 0.8333; A, A' and B are on the frontier (1)."""
    from toolkit.methods.aggregation.bod import bod_scores

    X = pd.DataFrame({"x": [1.0, 1.0, 0.2, 0.5], "y": [0.2, 0.2, 1.0, 0.5]}, index=["A", "A2", "B", "C"])
    np.testing.assert_allclose(bod_scores(X).to_numpy(), [1.0, 1.0, 1.0, 0.5 / 0.6], atol=1e-9)


def test_optimal_weights_report_the_nominal_weights_rescaled_to_one():
    """weights (2, 2, 2) are the nominal weights 1/3 each in the importance table."""
    from toolkit.methods.weighting.optimal_weights import optimal_weights

    C = pd.DataFrame(np.random.default_rng(3).normal(size=(30, 3)) * [1.0, 2.0, 4.0], columns=list("abc"))
    r = optimal_weights(C, weights=pd.Series({"a": 2.0, "b": 2.0, "c": 2.0}))
    np.testing.assert_allclose(r.importance["weight_before"].to_numpy(), 1 / 3)


def test_pca_details_name_the_factors_from_f1():
    """Nicoletti's factors are F1, F2 … (as the components are PC1, PC2 …), in every table."""
    from toolkit.methods.weighting.weights import pca

    rng = np.random.default_rng(0)
    f1, f2 = rng.normal(size=(2, 80))
    X = pd.DataFrame({"a0": f1 + 0.2 * rng.normal(size=80), "a1": f1 + 0.5 * rng.normal(size=80),
                      "b0": f2 + 0.2 * rng.normal(size=80), "b1": f2 + 0.6 * rng.normal(size=80)})
    _, det = pca(X, return_details=True)
    assert det["n_factors"] == 2
    assert list(det["rotated_loadings"].columns) == ["F1", "F2"] == list(det["factor_variance"].index)
    assert set(det["assignment"]) == {"F1", "F2"} and list(det["eigenvalues"].index[:2]) == ["PC1", "PC2"]


def test_logged_goalposts_with_a_lower_goalpost_of_one():
    """log goalposts need lower > 0, so 1 is fine: (ln 10 − ln 1)/(ln 100 − ln 1) = 0.5."""
    from toolkit.methods.normalisation.normalise import goalposts

    got = goalposts(pd.DataFrame({"a": [10.0, 100.0]}), lower=1.0, upper=100.0, log=True)
    np.testing.assert_allclose(got["a"].to_numpy(), [0.5, 1.0])


# survivors of a fresh sample (benchmarks/mutate.py --sample 80 --seed 4), each case by hand


def test_sum_refuses_a_zero_cost_value():
    """Mutant ``strict=True`` → ``False``: a cost value of 0 (whose reciprocal is taken) passed."""
    from toolkit.methods.normalisation.normalise import sum_

    X = pd.DataFrame({"cost": [0.0, 2.0, 4.0]})
    with pytest.raises(Exception, match="sum_: cost values must be positive"):
        sum_(X, directions=[-1])
    # 1/x shares: 1/2, 1/4 of 3/4
    np.testing.assert_allclose(sum_(X.iloc[1:], directions=[-1])["cost"].to_numpy(), [2 / 3, 1 / 3])


def test_fraction_of_max_refuses_a_negative_benefit_value():
    """Mutant ``_check_positive(X, a, d > 0, …)`` → ``d > 1``: benefit columns went unchecked."""
    from toolkit.methods.normalisation.normalise import fraction_of_max

    with pytest.raises(Exception, match="fraction_of_max: benefit values must be non-negative"):
        fraction_of_max(pd.DataFrame({"ok": [1.0, 2.0], "neg": [-1.0, 4.0]}))
    # x / max x
    np.testing.assert_allclose(fraction_of_max(pd.DataFrame({"a": [1.0, 4.0]}))["a"].to_numpy(), [0.25, 1.0])


def test_goalposts_name_the_one_indicator_whose_lower_is_not_below_upper():
    """Mutant ``bad[0]`` → ``bad[1]``: one bad indicator gave an IndexError, not the message."""
    from toolkit.errors import DataError
    from toolkit.methods.normalisation.normalise import goalposts

    X = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    with pytest.raises(DataError, match=r"indicator 'b' needs lower < upper, got 5\.0 and 5\.0"):
        goalposts(X, lower={"a": 0.0, "b": 5.0}, upper={"a": 10.0, "b": 5.0})


def test_a_plugin_weighting_is_scaled_to_sum_to_one():
    """Mutant ``w / w.sum()`` → ``w * w.sum()``: a plugin's raw weights (1, 3) must become (1/4, 3/4)."""
    import toolkit

    m = toolkit.methods.register("weighting", "toy_raw_weights", lambda X: pd.Series([1.0, 3.0], index=X.columns))
    try:
        got = m.function(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]}))
        np.testing.assert_allclose(got.to_numpy(), [0.25, 0.75])
    finally:
        toolkit.methods.unregister("weighting", "toy_raw_weights")


def test_a_plugin_weighting_may_return_shares_and_numpy_arrays():
    """Mutants ``(w >= 0)`` → ``(w >= 1)`` / ``w.sum() > 0`` → ``> 1`` (weights below 1 refused) and
    ``out.shape == (n,)`` → ``!=`` (a numpy array of the right length refused): both are valid returns."""
    import toolkit

    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0], "c": [2.0, 2.0, 1.0]})
    m = toolkit.methods.register("weighting", "toy_shares", lambda X: np.array([0.0, 0.25, 0.75]))
    try:
        got = m.function(X)
        assert got.index.tolist() == ["a", "b", "c"]
        np.testing.assert_allclose(got.to_numpy(), [0.0, 0.25, 0.75])
    finally:
        toolkit.methods.unregister("weighting", "toy_shares")


def test_ahp_consensus_refuses_a_table_without_experts():
    """Mutant ``P.shape[0] < 1`` → ``< 0``: a table of no expert was not refused up front."""
    from toolkit.errors import DataError
    from toolkit.methods.weighting.group_ahp import ahp_consensus

    with pytest.raises(DataError, match=r"need an experts × criteria table with ≥ 2 criteria, got shape \(0, 3\)"):
        ahp_consensus(np.empty((0, 3)))
