"""Tables that read a built index or an uncertainty analysis (notebooks ``04_index``, ``05_robustness``).

* :func:`rank_changes` — each unit's rank and score in two years, largest moves first;
* :func:`leading_obstacles` — the largest obstacle degrees (障碍度) of the top-ranked units, as
  text (the degrees themselves are :func:`toolkit.methods.diagnose.top_obstacles`);
* :func:`uncertainty_factors` — the factors of an uncertainty specification, one row each;
* :func:`rank_interval_table` — the rank intervals of one year with the units' names.

Each reads results computed elsewhere; none computes a method of its own. The units' names are
in the framework's name column (``brain_name`` for the Shandong framework, ``country`` for the
HDI), which names the column of the table; a framework without one shows the unit id.
"""

from __future__ import annotations

import pandas as pd

from .explore import label_of

__all__ = ["leading_obstacles", "rank_changes", "rank_interval_table", "uncertainty_factors"]


def _name_column(result) -> str:
    """The framework's name column when the result's units carry it, else ``unit_id``."""
    col = result.framework.name_column
    return col if col and col in result.units else "unit_id"


def _names(result, year: int) -> pd.Series:
    units = result.units.xs(year, level="year")
    col = _name_column(result)
    return units[col] if col != "unit_id" else pd.Series(units.index, index=units.index, name="unit_id")


def rank_changes(result, year: int | None = None, previous: int | None = None, lang: str = "zh") -> pd.DataFrame:
    """Each unit's rank and composite score in ``previous`` and ``year``, and the change.

    Parameters
    ----------
    result : IndexResult
    year, previous : int, optional; default the last two years of the result.
    lang : "zh" or "en", the language of the names.

    Returns
    -------
    DataFrame indexed by unit: the name column (``brain_name``…), ``rank_<previous>``, ``rank_<year>``, ``rank_change``
    (positive = the unit rose) and ``score_change``; the largest moves first (ties: by the rank
    in ``year``). Empty, with the same columns, when ``year`` is the first year of the data.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> ch = rank_changes(toolkit.build_index(data, spec), lang="en")
    >>> list(ch.columns), len(ch), int(ch["rank_change"].sum())
    (['brain_name', 'rank_2024', 'rank_2025', 'rank_change', 'score_change'], 50, 0)
    """
    years = result.years
    year = years[-1] if year is None else year
    earlier = [y for y in years if y < year]
    name = _name_column(result)
    if previous is None:
        if not earlier:
            return pd.DataFrame(columns=[name, "rank_previous", f"rank_{year}", "rank_change", "score_change"])
        previous = earlier[-1]
    root = result.framework.root.code
    now, before = result.summary(year, lang), result.summary(previous, lang)
    out = pd.DataFrame({
        name: _names(result, year).reindex(now.index),
        f"rank_{previous}": before["rank"].reindex(now.index),
        f"rank_{year}": now["rank"],
        "rank_change": before["rank"].reindex(now.index) - now["rank"],
        "score_change": now[root] - before[root].reindex(now.index),
    })
    return out.sort_values(["rank_change", f"rank_{year}"], key=lambda s: -s.abs() if s.name == "rank_change" else s,
                           kind="stable")


def leading_obstacles(result, year: int, top: int = 10, k: int = 3, lang: str = "zh") -> pd.DataFrame:
    """For the ``top`` ranked units of ``year``: their ``k`` largest obstacles among the index leaves.

    Parameters
    ----------
    result : IndexResult
    year : int
    top : int, how many units (by rank).
    k : int, obstacles per unit.
    lang : "zh" or "en"

    Returns
    -------
    DataFrame indexed by unit, by rank: the name column (``brain_name``…), rank, and ``obstacle_1`` … ``obstacle_k``,
    each ``"<code> <name> (<degree> %)"``.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> t = leading_obstacles(toolkit.build_index(data, spec), 2025, top=3, k=2, lang="en")
    >>> list(t.columns), t["rank"].tolist()
    (['brain_name', 'rank', 'obstacle_1', 'obstacle_2'], [1, 2, 3])
    """
    from ..methods.diagnose import top_obstacles

    summary = result.summary(year, lang).head(top)
    obs = result.obstacles(year).loc[summary.index]
    t = top_obstacles(obs, k=k)
    fw = result.framework
    t["text"] = [f"{c} {label_of(fw, c, lang)} ({v:.1f}%)" for c, v in zip(t["indicator"], t["obstacle_degree"],
                                                                            strict=True)]
    wide = t.pivot(index="unit", columns="rank", values="text").reindex(summary.index)
    wide.columns = [f"obstacle_{i}" for i in wide.columns]
    names = _names(result, year).reindex(summary.index)
    return pd.concat([names, summary["rank"], wide], axis=1)


def uncertainty_factors(source, spec, framework=None) -> pd.DataFrame:
    """The factors of an uncertainty specification: name, kind, what they change, options.

    Parameters
    ----------
    source : path, mapping or UncertaintySpec (:func:`toolkit.robustness.load_uncertainty_spec`).
    spec : IndexSpec, the nominal specification.
    framework : Framework, optional.

    Returns
    -------
    DataFrame indexed by factor: kind, changes (the address or the levels whose weights are
    perturbed), n_options (discrete factors) and options.

    Examples
    --------
    >>> from toolkit import load_spec
    >>> from toolkit.notebooks import resolve
    >>> t = uncertainty_factors(resolve("configs/uncertainty.yaml"), load_spec(resolve("configs/default.yaml")))
    >>> list(t.columns)
    ['kind', 'changes', 'n_options', 'options']
    """
    from ..robustness import load_uncertainty_spec

    us = load_uncertainty_spec(source, spec=spec, framework=framework)
    rows = []
    for f in us.factors:
        if f.kind == "weight_noise":
            what = ", ".join(f.levels)
            options = f"{f.distribution} {f.amount:g} × {f.sets} sets"
        else:
            what = f.address or ""
            options = " | ".join(map(str, f.labels)) if f.discrete else f"[{f.low:g}, {f.high:g}]"
        rows.append({"factor": f.name, "kind": f.kind, "changes": what,
                     "n_options": f.n_options if f.discrete else None, "options": options})
    return pd.DataFrame(rows).set_index("factor")


def rank_interval_table(ua, result, year: int, lang: str = "zh") -> pd.DataFrame:
    """Rank intervals of ``year`` with the units' names, by nominal rank.

    Parameters
    ----------
    ua : UncertaintyResult (its ``caterpillar(year)`` and ``rank_stats``).
    result : IndexResult (its ``units`` and ``framework``, for the names).
    year : int
    lang : "zh" or "en" (reserved: names are as the data give them).

    Returns
    -------
    DataFrame indexed by unit: the name column, nominal, median, p05, p95, ``width`` (p95 − p05) and
    ``mean_abs_shift``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> idx = pd.MultiIndex.from_tuples([("a", 2025), ("b", 2025)], names=["unit_id", "year"])
    >>> cat = pd.DataFrame({"nominal": [1, 2], "median": [1, 2], "p05": [1, 1], "p95": [2, 4]},
    ...                    index=pd.Index(["a", "b"], name="unit_id"))
    >>> ua = SimpleNamespace(caterpillar=lambda year: cat,
    ...                      rank_stats=pd.DataFrame({"mean_abs_shift": [0.3, 0.9]}, index=idx))
    >>> from toolkit import load_framework
    >>> res = SimpleNamespace(units=pd.DataFrame({"brain_name": ["甲", "乙"]}, index=idx), framework=load_framework())
    >>> rank_interval_table(ua, res, 2025)[["brain_name", "width", "mean_abs_shift"]].values.tolist()
    [['甲', 1, 0.3], ['乙', 3, 0.9]]
    """
    cat = ua.caterpillar(year)
    stats = ua.rank_stats.xs(year, level="year")
    out = pd.concat([_names(result, year).reindex(cat.index), cat], axis=1)
    out["width"] = cat["p95"] - cat["p05"]
    out["mean_abs_shift"] = stats["mean_abs_shift"].reindex(cat.index)
    return out
