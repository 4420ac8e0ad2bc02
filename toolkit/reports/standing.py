"""One rule for "strong" and "weak", used by every page: a unit's standing in a dimension or an
indicator is its percentile among the units of the year (the share scoring no higher), and it
is **strong** in the top quarter (percentile ≥ 75) and **weak** in the bottom quarter
(percentile ≤ 25).

The type a page shows (:func:`type_statement`) is built from that rule and from the framework's
(short) names: the dimensions where the unit is strong, best first, then those where it is weak
— never leaving out its best dimensions — and, as its profile, the dimension where it stands
best and worst *relative to its own other dimensions*, which is said in so many words. The
strengths and weaknesses tables of a profile (:func:`toolkit.reports.summary.strengths_weaknesses`)
use the same thresholds on the indicators' percentiles, so a 36th-percentile indicator is never a
strength.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import facts

__all__ = ["STRONG", "WEAK", "side", "dimension_standing", "type_info", "type_label", "type_statement"]

#: percentile at or above which a unit is strong in a dimension or indicator (its top quarter)
STRONG = 75.0
#: percentile at or below which it is weak (its bottom quarter)
WEAK = 25.0


def side(percentile: float) -> str:
    """``"strong"``, ``"weak"`` or ``"middle"`` for a percentile (0–100).

    Examples
    --------
    >>> side(78.2), side(36.0), side(25.0), side(float("nan"))
    ('strong', 'middle', 'weak', 'middle')
    """
    if percentile != percentile:
        return "middle"
    return "strong" if percentile >= STRONG else "weak" if percentile <= WEAK else "middle"


def _dims(bundle) -> list[str]:
    fw = bundle.framework
    return [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]


def _year_table(bundle, year: int) -> dict:
    """unit → (scores, ranks, percentiles) per dimension for ``year``, computed once per bundle."""
    def make():
        s = facts.year_rows(bundle, year)
        d = _dims(bundle)
        values = s[d].to_numpy(float)
        n = len(s)
        # percentile of every unit in every dimension at once: share of units scoring no higher
        order = np.sort(values, axis=0)
        pct = np.column_stack([np.searchsorted(order[:, j], values[:, j], side="right") for j in range(len(d))])
        rank = np.column_stack([(values[:, j][None, :] > values[:, j][:, None]).sum(axis=1) + 1 for j in range(len(d))])
        return {u: (values[i].tolist(), rank[i].tolist(), (100.0 * pct[i] / n).tolist())
                for i, u in enumerate(s["unit_id"])}

    return facts.cached(bundle, ("standing", int(year)), make)


def dimension_standing(bundle, unit_id: str, year: int) -> pd.DataFrame:
    """Per dimension: the unit's score, rank, percentile (share of units scoring no higher) and side.

    Examples
    --------
    A unit ranked 43rd of 193 is in the top quarter: 151 of 193 score no higher (78 %).
    """
    score, rank, pct = _year_table(bundle, year)[unit_id]
    return pd.DataFrame({"score": score, "rank": rank, "percentile": pct,
                         "side": [side(p) for p in pct]}, index=_dims(bundle))


def _join(names: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def type_statement(bundle, unit_id: str, year: int, lang: str = "zh") -> dict:
    """The unit's type as one coherent statement: ``label`` (level, by the one rule), ``shape``
    (its best and worst dimension relative to its own others) and ``basis`` (what both mean).

    Examples
    --------
    The words are the framework's short names; "China, 75th of 193, strong in health" reads
    ``{"label": "健康居前四分之一", "shape": "健康最强，知识最弱", …}``, the shape shown under the
    heading 相对自身 / "Relative to itself".
    """
    fw = bundle.framework
    return facts.cached(bundle, ("type", unit_id, int(year), lang), lambda: _statement(bundle, fw, unit_id, year, lang))


def _statement(bundle, fw, unit_id, year, lang) -> dict:
    score, _, pct = _year_table(bundle, year)[unit_id]
    codes = _dims(bundle)
    words = fw.words(lang)
    name = {c: fw.node(c).short(lang) for c in codes}
    # best first: by percentile, then score (plain Python: the overview asks this of every unit)
    order = sorted(range(len(codes)), key=lambda i: (-pct[i], -score[i]))
    sides = [side(x) for x in pct]
    strong = [name[codes[i]] for i in order if sides[i] == "strong"]
    weak = [name[codes[i]] for i in reversed(order) if sides[i] == "weak"]
    zh = lang == "zh"
    n = len(codes)
    if len(strong) == n:
        label = f"各{words['dim']}均居前四分之一" if zh else f"top quarter in every {words['dim']}"
    elif len(weak) == n:
        label = f"各{words['dim']}均居后四分之一" if zh else f"bottom quarter in every {words['dim']}"
    elif not strong and not weak:
        label = f"各{words['dim']}均居中段" if zh else f"mid-range in every {words['dim']}"
    else:
        parts = []
        if strong:
            parts.append(f"{_join(strong, lang)}居前四分之一" if zh else f"top quarter in {_join(strong, lang)}")
        if weak:
            parts.append(f"{_join(weak, lang)}居后四分之一" if zh else f"bottom quarter in {_join(weak, lang)}")
        label = "，".join(parts) if zh else "; ".join(parts)
    best, worst = codes[order[0]], codes[order[-1]]
    if pct[order[0]] - pct[order[-1]] < 10:
        shape = f"各{words['dim']}较均衡" if zh else f"balanced across {words['dims']}"
    else:
        shape = (f"{name[best]}最强，{name[worst]}最弱" if zh else
                 f"strongest in {name[best]}, weakest in {name[worst]}")
    basis = (f"按各{words['dim']}在全部{words['unit']}中的百分位：前四分之一为强，后四分之一为弱" if zh else
             f"by each {words['dim']}'s percentile among all {words['units']}: top quarter strong, bottom quarter weak")
    return {"label": label, "shape": shape, "basis": basis}


def type_info(bundle, unit_id: str, lang: str, year: int | None = None) -> dict | None:
    """The unit's type: ``label`` (where it is strong and weak against all units), ``basis``
    (what that means) and ``shape`` (its best and worst dimension relative to its own others),
    or None when there are too few units for percentiles (see
    :func:`type_statement`)."""
    year = bundle.years[-1] if year is None else year
    if not facts.percentiles_computed(bundle, year):
        return None
    try:
        return type_statement(bundle, unit_id, year, lang)
    except KeyError:
        return None


def type_label(bundle, unit_id: str, lang: str, year: int | None = None) -> str | None:
    """The unit's type in ``year`` (default: the latest) by the one strong/weak rule
    (:func:`type_statement`), or None when there are too few units
    for percentiles."""
    info = type_info(bundle, unit_id, lang, year)
    return None if info is None else info["label"]
