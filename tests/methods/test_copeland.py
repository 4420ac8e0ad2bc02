"""Copeland aggregation against the COINr test suite (bluefoxr/COINr,
tests/testthat/test-aggregate.R: outrankMatrix and a_copeland)."""

import numpy as np
import pandas as pd

from toolkit.methods.aggregation.copeland import copeland, outranking_matrix

X = pd.DataFrame({"x1": [1, 2, 3, 4], "x2": [3, 2, 1, 5], "x3": [2, 3, 1, 4]})


def test_coinr_outranking_matrix():
    o = outranking_matrix(X).to_numpy()
    assert o[1, 0] == 2 / 3 and o[2, 0] == 1 / 3 and o[3, 0] == 1  # COINr asserts
    np.testing.assert_allclose(o + o.T, 1 - np.eye(4))
    assert int((o == 1).sum()) == 3  # nDominant = 3, fracDominant = 3/6


def test_coinr_copeland_scores():
    # hand-derived from the same X with the ±1 transform of current a_copeland
    assert copeland(X).tolist() == [-1, 1, -3, 3]


def test_tie_gives_zero():
    # COINr: X = (x1 = 1:2, x2 = 2:1) → orm 0.5 both ways, copeland c(0, 0)
    Y = pd.DataFrame({"x1": [1, 2], "x2": [2, 1]})
    assert outranking_matrix(Y).iloc[0, 1] == 0.5
    assert copeland(Y).tolist() == [0, 0]


def test_weights_and_missing_values():
    w = pd.Series({"x1": 0.8, "x2": 0.1, "x3": 0.1})
    assert copeland(X, w).tolist() == [-3, -1, 1, 3]  # x1 (weight 0.8) decides every pair
    Y = X.astype(float).copy()
    Y.iloc[0, 1] = np.nan
    o = outranking_matrix(Y)
    assert o.iloc[1, 0] == 1.0  # unit 1 vs 0: x1 and x3 only, unit 1 wins both
    # non-compensatory: a monotone transform of an indicator leaves the scores unchanged
    assert copeland(X.assign(x2=np.exp(X["x2"]))).tolist() == copeland(X).tolist()
