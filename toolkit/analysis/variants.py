"""Weight variants side by side: the same data under several specifications (notebook ``02_weights``).

:func:`with_choice` derives a specification that differs from another in one choice (the
weighting or aggregation method at one level); :func:`build_variants` builds the index under each;
:func:`weight_table`, :func:`effective_weight_table` and :func:`rank_table` put the results side by
side, one column per variant; :func:`rank_agreement` measures how far each variant's ranks move
from a reference (Spearman's ρ, Kendall's τ, shifts, top-k overlap).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["build_variants", "effective_weight_table", "rank_agreement", "rank_table", "weight_block", "weight_table",
           "with_choice"]


def with_choice(spec, section: str, level: str, choice: Mapping, name: str | None = None):
    """A copy of ``spec`` whose ``section`` at ``level`` is exactly ``choice``.

    Parameters
    ----------
    spec : IndexSpec
    section : "weights" or "aggregation"
    level : str, the level of the choice (``dimension``, ``index`` …).
    choice : mapping, the new choice, e.g. ``{"method": "critic"}``; it replaces the old one whole
        (not merged), so no parameter of the old choice leaks into the new one.
    name : str, optional, the new specification's name.

    Returns
    -------
    IndexSpec (validated like any specification).

    Examples
    --------
    >>> from toolkit import load_spec
    >>> from toolkit.notebooks import resolve
    >>> spec = with_choice(load_spec(resolve("configs/default.yaml")), "weights", "dimension",
    ...                    {"method": "critic"}, name="critic")
    >>> spec.name, spec.to_dict()["weights"]["dimension"]
    ('critic', {'method': 'critic'})
    """
    from ..index.spec import IndexSpec

    doc = spec.to_dict()
    doc[section] = {**doc.get(section, {}), level: dict(choice)}
    if name:
        doc["name"] = name
    return IndexSpec.from_dict(doc, source=spec.source)


def build_variants(data, variants: Mapping) -> dict:
    """``{name: build_index(data, spec)}`` for each named specification.

    Parameters
    ----------
    data : IndicatorData or DataFrame, as :func:`toolkit.index.build.build_index` takes it.
    variants : mapping, name → IndexSpec (or a path to one).

    Returns
    -------
    dict, name → IndexResult, in the order of ``variants``.

    Examples
    --------
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> res = build_variants(data, {"nominal": spec})
    >>> list(res), res["nominal"].composite.notna().all()
    (['nominal'], np.True_)
    """
    from ..index.build import build_index

    return {name: build_index(data, spec) for name, spec in variants.items()}


def weight_block(result) -> str:
    """The block whose weights a variant table shows: ``pooled``, or with ``panel.scope:
    per_year`` the latest year's.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> int(weight_block(SimpleNamespace(effective_weights=pd.DataFrame(index=[2024, 2025]))))
    2025
    """
    index = result.effective_weights.index
    return "pooled" if "pooled" in index else index[-1]


def weight_table(results: Mapping, level: str = "dimension") -> pd.DataFrame:
    """Weights at one level under each variant.

    Parameters
    ----------
    results : mapping, name → IndexResult.
    level : str, the level whose weights are shown.

    Returns
    -------
    DataFrame indexed by (parent, child), one column per variant (:func:`weight_block`).

    Examples
    --------
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> W = weight_table(build_variants(data, {"nominal": spec}), level="index")
    >>> W.index.tolist()[0], round(float(W["nominal"].sum()), 6)
    (('INDEX', 'L1'), 1.0)
    """
    cols = {}
    for name, res in results.items():
        w = res.weights
        w = w[(w["level"] == level) & (w["block"] == weight_block(res))]
        cols[name] = w.set_index(["parent", "child"])["weight"]
    return pd.DataFrame(cols)


def effective_weight_table(results: Mapping) -> pd.DataFrame:
    """Each index leaf's overall weight (product of the weights from the index down) under each
    variant.

    Parameters
    ----------
    results : mapping, name → IndexResult.

    Returns
    -------
    DataFrame, leaves × variants; every column sums to 1.

    Examples
    --------
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> E = effective_weight_table(build_variants(data, {"nominal": spec}))
    >>> E.shape, round(float(E["nominal"].sum()), 9)
    ((30, 1), 1.0)
    """
    return pd.DataFrame({name: res.effective_weights.loc[weight_block(res)] for name, res in results.items()})


def rank_table(results: Mapping, year: int) -> pd.DataFrame:
    """Ranks of the units in ``year`` under each variant: units × variants.

    Examples
    --------
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> R = rank_table(build_variants(data, {"nominal": spec}), 2025)
    >>> R.shape, int(R["nominal"].min()), int(R["nominal"].max())
    ((50, 1), 1, 50)
    """
    return pd.DataFrame({name: res.rank.xs(year, level="year") for name, res in results.items()})


def rank_agreement(ranks: pd.DataFrame, reference: str | None = None, top: int = 10) -> pd.DataFrame:
    """How far each column of ``ranks`` moves from the ``reference`` column.

    Parameters
    ----------
    ranks : DataFrame, units × variants (as :func:`rank_table`).
    reference : str, optional, the reference column (default: the first).
    top : int, the size of the top group whose overlap is counted.

    Returns
    -------
    DataFrame indexed by variant: ``spearman`` and ``kendall`` with the reference,
    ``mean_abs_shift`` and ``max_abs_shift`` of the ranks, ``top<k>_kept`` (how many of the
    reference's top ``top`` stay in the top ``top``) and the ``leader`` (unit ranked 1).

    Examples
    --------
    Swapping the first two of four units: ρ = 1 − 6·2/(4·15) = 0.8, τ = (5 − 1)/6 = 2/3.

    >>> ranks = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 3, 4]}, index=list("wxyz"))
    >>> t = rank_agreement(ranks, top=2)
    >>> t.loc["b", ["spearman", "kendall", "mean_abs_shift", "max_abs_shift", "top2_kept"]].round(3).tolist()
    [0.8, 0.667, 0.5, 1.0, 2.0]
    >>> t.loc["b", "leader"]
    'x'
    """
    from scipy import stats

    reference = ranks.columns[0] if reference is None else reference
    ref = ranks[reference]
    best = set(ref.index[ref <= top])
    rows = {}
    for name, r in ranks.items():
        shift = (r - ref).abs()
        rows[name] = {
            "spearman": float(stats.spearmanr(ref, r).statistic),
            "kendall": float(stats.kendalltau(ref, r).statistic),
            "mean_abs_shift": float(shift.mean()),
            "max_abs_shift": int(shift.max()),
            f"top{top}_kept": len(best & set(r.index[r <= top])),
            "leader": str(r.idxmin()),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "variant"
    return out
