"""Profiles and labels of typologies: what each cluster is, and what is true of each member.

A typology (:func:`toolkit.analysis.typology.typology`) describes units by their **standing** in
each dimension (:func:`standing`), on one of two bases:

* ``level`` — the z-score of the unit's score against all units, (x − mean) / sd: *is this
  brain above or below the others in this dimension?*
* ``shape`` — the level z-scores minus the unit's own mean z-score: *what is this brain
  relatively good at, whatever its overall level?* Two brains with the same profile of strengths
  and weaknesses have the same shape even when one scores higher everywhere.

**Cluster labels** (:func:`profiles`, :func:`profile_label`) name what distinguishes a cluster:
the dimensions where its mean standing is more than :data:`Z_THRESHOLD` (half a standard
deviation) above or below zero, the largest first, with the phrases of :data:`DIMENSION_PHRASES`
(level) or :data:`SHAPE_PHRASES` (shape); special labels when every dimension is strong, every
one weak, or none apart.

**Member labels** (:func:`member_labels`): a cluster's label describes its mean, not necessarily
each member. A label term is *true of a member* when the member's own standing is on the side
the term claims (above zero for a strength, below zero for a weakness). A member of whom every
term is true carries the cluster's label; otherwise it carries the terms that are true of it and
a qualifier naming the others (e.g. "数据资源强、价值释放强（运营保障低于平均）"), and when no term
is true, the label of its own standing. So no member is ever described as strong in a dimension
where it is below the mean.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError, SpecError
from ..methods.checks import as_matrix

__all__ = [
    "BASES", "BASIS_NAMES", "DIMENSION_PHRASES", "SHAPE_PHRASES", "SPECIAL_LABELS", "Z_THRESHOLD",
    "as_phrases", "basis_name", "check_lang", "member_labels", "profile_label", "profiles", "standing",
]

#: The bases of a typology: standing against the other units (level) or against itself (shape).
BASES = ("level", "shape")
#: What each basis means, for a report: (zh, en).
BASIS_NAMES = {
    "level": ("按水平分类：各{dim}得分相对全体单元的高低", "by level: each {dim}'s score against all units"),
    "shape": ("按结构分类：各{dim}相对本单位自身平均的长短板", "by profile shape: each {dim} against the unit's own average"),
}
#: Half a standard deviation: the distance from the mean that makes a cluster's dimension strong/weak.
Z_THRESHOLD = 0.5
#: Level phrases per dimension: code → {"strong": (zh, en), "weak": (zh, en), "name": (zh, en)}.
DIMENSION_PHRASES = {
    "L1": {"strong": ("产业基础强", "industry-strong"), "weak": ("产业基础弱", "industry-weak"),
           "name": ("产业基础", "industry base")},
    "L2": {"strong": ("数据资源强", "data-rich"), "weak": ("数据资源弱", "data-poor"),
           "name": ("数据资源", "data resources")},
    "L3": {"strong": ("价值释放强", "strong value release"), "weak": ("价值释放弱", "value release lagging"),
           "name": ("价值释放", "value release")},
    "L4": {"strong": ("创新能力强", "innovation-strong"), "weak": ("创新能力弱", "innovation lagging"),
           "name": ("创新能力", "innovation")},
    "L5": {"strong": ("运营保障强", "well-operated"), "weak": ("运营保障弱", "operations lagging"),
           "name": ("运营保障", "operations")},
}
#: Shape phrases are built from the dimension's name: "<name>相对突出" / "relatively strong in <name>".
SHAPE_PHRASES = {"strong": ("{}相对突出", "relatively strong in {}"), "weak": ("{}相对薄弱", "relatively weak in {}")}
SPECIAL_LABELS = {
    "all_strong": ("全面领先型", "all-round leader"),
    "all_weak": ("蓄势追赶型", "catching up"),
    "balanced": ("均衡中游型", "balanced, mid-range"),
    "balanced_shape": ("结构均衡型", "balanced profile"),
}
#: How a member's exception is worded: basis → side → (zh, en) templates of the dimension names.
_QUALIFIERS = {
    "level": {"strong": ("{}低于平均", "below average in {}"), "weak": ("{}高于平均", "above average in {}")},
    "shape": {"strong": ("{}低于自身平均", "below its own average in {}"),
              "weak": ("{}高于自身平均", "above its own average in {}")},
}


def _check_basis(basis: str) -> None:
    if basis not in BASES:
        raise SpecError(f"typology basis {basis!r} is unknown; use one of {list(BASES)}")


def _entry(code, phrases) -> dict:
    table = {**DIMENSION_PHRASES, **(phrases or {})}
    entry = dict(table.get(code) or {})
    entry.setdefault("strong", (f"{code}强", f"strong {code}"))
    entry.setdefault("weak", (f"{code}弱", f"weak {code}"))
    entry.setdefault("name", (str(code), str(code)))
    return entry


def _term(code, side: str, basis: str, phrases) -> tuple[str, str]:
    entry = _entry(code, phrases)
    if basis == "level":
        return tuple(entry[side])
    zh, en = SHAPE_PHRASES[side]
    return zh.format(entry["name"][0]), en.format(entry["name"][1])


def standing(scores, basis: str = "level") -> pd.DataFrame:
    """Each unit's standing per dimension: level z-scores, or their deviation from the unit's own mean.

    Parameters
    ----------
    scores : DataFrame, units × dimensions (no missing values, no constant column).
    basis : "level" or "shape"
        ``level``: z = (x − mean) / sd per dimension (sd with divisor n); ``shape``: z minus the
        row mean of z, so each row sums to 0.

    Returns
    -------
    DataFrame like ``scores``.

    Examples
    --------
    >>> S = pd.DataFrame({"L1": [1.0, 3.0], "L2": [2.0, 2.5]}, index=["a", "b"])
    >>> standing(S).values.tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    >>> standing(S, "shape").values.tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    _check_basis(basis)
    S = as_matrix(scores, name="typology scores", min_rows=2)
    sd = S.std(ddof=0)
    if (sd <= 0).any():
        raise DataError(f"typology: dimension {sd.index[sd <= 0][0]!r} is constant over the units; "
                        "it cannot be z-scored — drop it or use space='raw'")
    Z = (S - S.mean()) / sd
    return Z if basis == "level" else Z.sub(Z.mean(axis=1), axis=0)


def profile_label(z: pd.Series, threshold: float = Z_THRESHOLD, phrases=None, max_terms: int = 3,
                  basis: str = "level") -> dict:
    """The zh/en label of one profile ``z`` (dimension → standing), and the dimensions it names.

    Parameters
    ----------
    z : Series, dimension → standing (a cluster's mean, or one unit's).
    threshold : float, |z| beyond which a dimension is named (default 0.5).
    phrases : mapping, optional, overrides/extends :data:`DIMENSION_PHRASES`.
    max_terms : int, most dimensions named (the largest |z| first).
    basis : "level" or "shape", which vocabulary (:data:`DIMENSION_PHRASES` or :data:`SHAPE_PHRASES`).

    Returns
    -------
    dict with ``zh``, ``en``, ``strong`` and ``weak`` (tuples of the dimension codes the label
    names; for the all-strong / all-weak labels every dimension).

    Examples
    --------
    >>> z = pd.Series({"L1": 0.2, "L2": 0.9, "L3": -0.7})
    >>> profile_label(z)["zh"], profile_label(z, basis="shape")["en"]
    ('数据资源强、价值释放弱', 'relatively strong in data resources, relatively weak in value release')
    """
    _check_basis(basis)
    strong = [d for d in z.index if z[d] > threshold]
    weak = [d for d in z.index if z[d] < -threshold]
    if basis == "level" and len(strong) == len(z):
        return {"zh": SPECIAL_LABELS["all_strong"][0], "en": SPECIAL_LABELS["all_strong"][1],
                "strong": tuple(strong), "weak": ()}
    if basis == "level" and len(weak) == len(z):
        return {"zh": SPECIAL_LABELS["all_weak"][0], "en": SPECIAL_LABELS["all_weak"][1],
                "strong": (), "weak": tuple(weak)}
    if not strong and not weak:
        zh, en = SPECIAL_LABELS["balanced" if basis == "level" else "balanced_shape"]
        return {"zh": zh, "en": en, "strong": (), "weak": ()}
    order = list(z.index)
    named = set(sorted(strong + weak, key=lambda d: (-abs(z[d]), order.index(d)))[:max_terms])
    strong = tuple(d for d in strong if d in named)
    weak = tuple(d for d in weak if d in named)
    terms = [_term(d, "strong", basis, phrases) for d in strong] + [_term(d, "weak", basis, phrases) for d in weak]
    return {"zh": "、".join(t[0] for t in terms), "en": ", ".join(t[1] for t in terms),
            "strong": strong, "weak": weak}


def profiles(scores, assignments, overall=None, threshold: float = Z_THRESHOLD, phrases=None,
             max_terms: int = 3, basis: str = "level") -> pd.DataFrame:
    """Profile of each cluster: size, members, mean scores, mean standing, and labels.

    Parameters
    ----------
    scores : DataFrame, units × dimensions (the scores, not the clustered features).
    assignments : Series, unit → cluster.
    overall : Series, optional, unit → composite score (default: the row mean of ``scores``).
    threshold : float, |z| beyond which a dimension is strong/weak (default 0.5).
    phrases : mapping, optional, overrides/extends :data:`DIMENSION_PHRASES`.
    max_terms : int, most dimensions a label names.
    basis : "level" or "shape" (:func:`standing`).

    Returns
    -------
    DataFrame indexed by cluster: ``size``, ``label_zh``, ``label_en``, ``strong``, ``weak``,
    ``composite`` (mean overall score), the mean of each dimension, ``z_<dimension>`` (the mean
    standing; with ``level`` this is (cluster mean − overall mean) / overall sd; with ``shape``
    the mean shape in units of the shape's sd over all units), and ``members``
    (tuple of unit ids). Identical labels get the cluster number appended (（第2类）/ (type 2)).

    Examples
    --------
    >>> S = pd.DataFrame({"L1": [10., 10, 0, 0], "L2": [1., 1, 7, 7]}, index=list("abcd"))
    >>> profiles(S, pd.Series([1, 1, 2, 2], index=S.index))["label_zh"].tolist()
    ['产业基础强、数据资源弱', '数据资源强、产业基础弱']
    """
    S = as_matrix(scores, name="profiles", min_rows=2)
    a = assignments.reindex(S.index) if isinstance(assignments, pd.Series) else \
        pd.Series(np.asarray(assignments), index=S.index)
    if a.isna().any():
        raise DataError(f"profiles: no cluster for unit {a.index[a.isna()][0]!r}")
    total = S.mean(axis=1) if overall is None else pd.Series(overall).reindex(S.index)
    Z = _label_scale(_standing_or_zero(S, basis), basis)
    rows = []
    for c in sorted(a.unique()):
        m = a == c
        z = Z[m].mean()
        lab = profile_label(z, threshold, phrases, max_terms, basis)
        rows.append({"cluster": c, "size": int(m.sum()), "label_zh": lab["zh"], "label_en": lab["en"],
                     "strong": lab["strong"], "weak": lab["weak"], "composite": float(total[m].mean()),
                     **S[m].mean().to_dict(), **{f"z_{d}": float(v) for d, v in z.items()},
                     "members": tuple(S.index[m])})
    out = pd.DataFrame(rows).set_index("cluster")
    dup = out["label_zh"].duplicated(keep=False) | out["label_en"].duplicated(keep=False)
    out.loc[dup, "label_zh"] = [f"{t}（第{c}类）" for c, t in out.loc[dup, "label_zh"].items()]
    out.loc[dup, "label_en"] = [f"{t} (type {c})" for c, t in out.loc[dup, "label_en"].items()]
    return out


def _label_scale(Z: pd.DataFrame, basis: str) -> pd.DataFrame:
    """The standing on the scale the label threshold reads: as is for ``level`` (z-scores already);
    for ``shape`` divided by each dimension's sd of the shape over the units, because removing
    each unit's own mean shrinks the spread (with correlated dimensions, by much) and half a
    standard deviation should mean the same on both bases."""
    if basis == "level":
        return Z
    return (Z / Z.std(ddof=0).replace(0.0, np.nan)).fillna(0.0)


def _standing_or_zero(S: pd.DataFrame, basis: str) -> pd.DataFrame:
    """:func:`standing`, with a constant dimension standing at 0 (profiles of a given partition)."""
    _check_basis(basis)
    sd = S.std(ddof=0).replace(0.0, np.nan)
    Z = ((S - S.mean()) / sd).fillna(0.0)
    return Z if basis == "level" else Z.sub(Z.mean(axis=1), axis=0)


def member_labels(scores, assignments, cluster_profiles: pd.DataFrame, phrases=None, max_terms: int = 3,
                  basis: str = "level") -> pd.DataFrame:
    """A label per unit that is true of that unit.

    Parameters
    ----------
    scores : DataFrame, units × dimensions.
    assignments : Series, unit → cluster.
    cluster_profiles : DataFrame, as :func:`profiles` returns (``label_zh``, ``label_en``,
        ``strong``, ``weak`` per cluster).
    phrases, max_terms : as :func:`profile_label`.
    basis : "level" or "shape", the basis of ``cluster_profiles``.

    Returns
    -------
    DataFrame indexed by unit: ``cluster``, ``label_zh``, ``label_en`` (true of the unit),
    ``cluster_label_zh``, ``cluster_label_en``, ``fits_cluster_label`` (every term of the
    cluster's label is true of the unit), ``exceptions`` (the dimensions of the cluster's label
    that are not true of it), ``strong`` and ``weak`` (the dimensions the unit's label calls
    strong / weak; each strong one has the unit above zero standing, each weak one below), and
    ``basis``.

    Examples
    --------
    Units a, b, c form cluster 1, whose mean is above the others in L1 and L2 (an all-round
    leader); c is below the mean in L2, so its label keeps only L1 and says so.

    >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0], "L2": [9., 9, 3, 2, 2]}, index=list("abcde"))
    >>> a = pd.Series([1, 1, 1, 2, 2], index=S.index)
    >>> m = member_labels(S, a, profiles(S, a))
    >>> m.loc["a", "label_zh"], m.loc["c", "label_zh"], m.loc["c", "exceptions"]
    ('全面领先型', '产业基础强（数据资源低于平均）', ('L2',))
    """
    S = as_matrix(scores, name="member_labels", min_rows=2)
    a = pd.Series(assignments).reindex(S.index)
    Z = _standing_or_zero(S, basis)
    scaled = _label_scale(Z, basis)
    rows = []
    for u in S.index:
        c = a[u]
        prof = cluster_profiles.loc[c]
        z = Z.loc[u]
        claims = [(d, "strong") for d in prof["strong"]] + [(d, "weak") for d in prof["weak"]]
        true = [(d, side) for d, side in claims if (z[d] > 0 if side == "strong" else z[d] < 0)]
        false = [(d, side) for d, side in claims if (d, side) not in true]
        if not false:
            zh, en = prof["label_zh"], prof["label_en"]
            strong = tuple(d for d, s in true if s == "strong")
            weak = tuple(d for d, s in true if s == "weak")
        elif true:
            order = list(S.columns)
            kept = sorted(true, key=lambda t: (-abs(z[t[0]]), order.index(t[0])))[:max_terms]
            strong = tuple(d for d in order if (d, "strong") in kept)
            weak = tuple(d for d in order if (d, "weak") in kept)
            terms = [_term(d, "strong", basis, phrases) for d in strong] + \
                    [_term(d, "weak", basis, phrases) for d in weak]
            zh, en = "、".join(t[0] for t in terms), ", ".join(t[1] for t in terms)
            q_zh, q_en = _qualifier(false, basis, phrases)
            zh, en = f"{zh}（{q_zh}）", f"{en} (but {q_en})"
        else:
            own = profile_label(scaled.loc[u], Z_THRESHOLD, phrases, max_terms, basis)
            zh, en, strong, weak = own["zh"], own["en"], own["strong"], own["weak"]
        rows.append({"unit_id": u, "cluster": c, "label_zh": zh, "label_en": en,
                     "cluster_label_zh": prof["label_zh"], "cluster_label_en": prof["label_en"],
                     "fits_cluster_label": not false, "exceptions": tuple(d for d, _ in false),
                     "strong": strong, "weak": weak, "basis": basis})
    out = pd.DataFrame(rows).set_index("unit_id")
    out.index.name = S.index.name
    return out


def _qualifier(false, basis: str, phrases) -> tuple[str, str]:
    parts_zh, parts_en = [], []
    for side in ("strong", "weak"):
        names = [_entry(d, phrases)["name"] for d, s in false if s == side]
        if names:
            zh, en = _QUALIFIERS[basis][side]
            parts_zh.append(zh.format("、".join(n[0] for n in names)))
            parts_en.append(en.format(" and ".join(n[1] for n in names)))
    return "，".join(parts_zh), "; ".join(parts_en)


def check_lang(lang: str) -> str:
    """``lang`` if it is ``"zh"`` or ``"en"``, else a :class:`~toolkit.errors.DataError`.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in ("zh", "en"):
        raise DataError(f"lang must be 'zh' or 'en', got {lang!r}")
    return lang


def basis_name(basis: str, lang: str = "zh", dim: str | None = None) -> str:
    """What a basis means, in ``lang``, for a report to say which typology it shows.

    ``dim`` is the noun of the clustered level in ``lang`` (a framework's
    ``words(lang)["dim"]``: 维度 / dimension, 支柱 / pillar); default the dimension.

    Examples
    --------
    >>> basis_name("shape", "en")
    "by profile shape: each dimension against the unit's own average"
    >>> basis_name("level", "zh", "支柱")
    '按水平分类：各支柱得分相对全体单元的高低'
    """
    _check_basis(basis)
    zh = check_lang(lang) == "zh"
    return BASIS_NAMES[basis][0 if zh else 1].format(dim=dim or ("维度" if zh else "dimension"))


def as_phrases(phrases) -> Mapping | None:
    """``phrases`` checked: None, or a mapping of dimension code → mapping of phrases."""
    if phrases is None:
        return None
    if not isinstance(phrases, Mapping) or not all(isinstance(v, Mapping) for v in phrases.values()):
        raise SpecError("typology phrases must map each dimension code to {'strong': (zh, en), 'weak': (zh, en)}")
    return phrases
