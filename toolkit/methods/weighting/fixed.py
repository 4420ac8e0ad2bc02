"""The weighting methods that do not look at the data — equal, framework, manual, file, AHP, BWM
and group AHP — in the form a specification calls them: ``function(children, parent, choice,
framework)`` → a mapping child → weight (the registry entries are in
:mod:`toolkit.methods.weighting.weights`), and :func:`from_file`, manual weights read from a file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..declared import as_number
from .bwm import bwm
from .group_ahp import group_ahp
from .subjective import InconsistentJudgementError, ahp

__all__ = ["ahp_weights", "bwm_weights", "equal_weights", "file_weights", "framework_weights", "from_file",
           "group_ahp_weights", "manual_weights"]


def from_file(path, columns=None) -> pd.Series:
    """Read manual (expert) weights from CSV or YAML and rescale them to sum to 1.

    CSV: columns ``code`` and ``weight``. YAML: a mapping ``code: weight``, a list of
    ``{code, weight}`` records, or either of these under a top-level ``weights:`` key.
    If ``columns`` (indicator codes, or a DataFrame) is given, codes not in it and indicators
    without a weight raise :class:`DataError`, and the result follows its order.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"from_file: no such file {str(path)!r}")
    from ...publish.guard import protect

    protect(path)  # an input of the running command: never written over
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(path, dtype={"code": str}, encoding="utf-8-sig")
        if not {"code", "weight"} <= set(table.columns):
            raise DataError(f"from_file: {path.name} needs columns 'code' and 'weight', found {list(table.columns)}")
        codes, values = table["code"].tolist(), table["weight"].tolist()
    elif suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "weights" in data and isinstance(data["weights"], (dict, list)):
            data = data["weights"]
        if isinstance(data, dict):
            codes, values = list(data), list(data.values())
        elif isinstance(data, list) and all(isinstance(r, dict) and {"code", "weight"} <= set(r) for r in data):
            codes, values = [r["code"] for r in data], [r["weight"] for r in data]
        else:
            raise DataError(f"from_file: {path.name} must hold a mapping code → weight or a list of {{code, weight}}")
    else:
        raise DataError(f"from_file: unsupported file type {suffix!r}; use .csv, .yaml or .yml")
    codes = [str(c).strip() for c in codes]
    weights = pd.Series(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float),
                        index=pd.Index(codes), name="weight")
    if weights.empty:
        raise DataError(f"from_file: {path.name} holds no weights")
    if weights.index.has_duplicates:
        raise DataError(f"from_file: indicator(s) {list(weights.index[weights.index.duplicated()])} listed twice")
    for code, w in weights.items():
        if not np.isfinite(w) or w < 0:
            raise DataError(f"from_file: indicator {code!r} has weight {w:g}; weights must be finite and ≥ 0")
    if columns is not None:
        columns = pd.Index(columns.columns if isinstance(columns, pd.DataFrame) else list(columns)).astype(str)
        unknown, missing = weights.index.difference(columns), columns.difference(weights.index)
        if len(unknown):
            raise DataError(f"from_file: unknown indicator code(s) {list(unknown)} (not among the data columns)")
        if len(missing):
            raise DataError(f"from_file: no weight given for indicator(s) {list(missing)}")
        weights = weights.reindex(columns)
    if weights.sum() <= 0:
        raise DataError(f"from_file: weights in {path.name} sum to 0")
    return weights / weights.sum()


def equal_weights(kids, parent, choice, framework) -> dict:
    """Weight 1 for each child (rescaled to 1/n by the caller).

    Examples
    --------
    >>> equal_weights(["a", "b"], "P", {"method": "equal"}, None)
    {'a': 1.0, 'b': 1.0}
    """
    return dict.fromkeys(kids, 1.0)


def framework_weights(kids, parent, choice, framework) -> dict:
    """The weights written in the framework file."""
    return {k: framework.node(k).weight for k in kids}


def manual_weights(kids, parent, choice, framework) -> dict:
    """The spec's ``values`` (a number or a fraction such as ``1/3`` per child).

    Examples
    --------
    >>> manual_weights(["a", "b"], "P", {"values": {"a": "1/3", "b": 2}}, None) == {"a": 1 / 3, "b": 2.0}
    True
    """
    values = choice["values"]
    absent = [k for k in kids if k not in values]
    if absent:
        raise SpecError(f"manual weights for {parent}: no weight for {absent}")
    return {k: as_number(values[k]) for k in kids}


def file_weights(kids, parent, choice, framework) -> dict:
    """The weights of ``choice["path"]`` (one file may hold the weights of every parent of the level)."""
    weights = from_file(choice["path"])
    absent = [k for k in kids if k not in weights.index]
    if absent:
        raise DataError(f"file weights for {parent}: {choice['path']} has no weight for {absent}")
    return weights.reindex(kids).to_dict()


def ahp_weights(kids, parent, choice, framework) -> dict:
    """AHP priorities of the parent's pairwise matrix (``choice["matrix"][parent]``)."""
    matrix = choice["matrix"].get(parent)
    if matrix is None:
        raise SpecError(f"AHP weights: no pairwise matrix for {parent} (children {kids})")
    A = [[as_number(v) for v in row] for row in matrix]
    return ahp(A, labels=kids, ri=choice.get("ri", "saaty1980"),
               allow_inconsistent=bool(choice.get("allow_inconsistent", False))).weights.to_dict()


def bwm_weights(kids, parent, choice, framework) -> dict:
    """Best–Worst Method weights of the parent's two comparison vectors."""
    b, o = (choice[key].get(parent) for key in ("best_to_others", "others_to_worst"))
    if b is None or o is None:
        raise SpecError(f"BWM weights: no best_to_others/others_to_worst vectors for {parent} (children {kids})")
    r = bwm({k: as_number(b[k]) if k in b else None for k in kids}, {k: as_number(o[k]) if k in o else None
                                                                     for k in kids},
            model=choice.get("model", "linear"))
    if not r.consistent and not choice.get("allow_inconsistent", False):
        raise InconsistentJudgementError(
            f"BWM weights for {parent}: input-based CR = {r.cr:.4f} exceeds the threshold {r.threshold:g} "
            f"(Liang et al. 2020); revise the judgement of {r.cr_by_criterion.idxmax()!r} or set "
            "allow_inconsistent: true")
    return r.weights.to_dict()


def group_ahp_weights(kids, parent, choice, framework) -> dict:
    """Group AHP weights of the parent's expert matrices."""
    panel = choice["matrices"].get(parent)
    if not panel:
        raise SpecError(f"group AHP weights: no expert matrices for {parent} (children {kids})")
    mats = {e: [[as_number(v) for v in row] for row in A] for e, A in panel.items()}
    r = group_ahp(mats, labels=kids, aggregation=choice.get("aggregation", "aij"),
                  expert_weights=choice.get("expert_weights"), ri=choice.get("ri", "saaty1980"))
    if (r.inconsistent or not r.group_consistent) and not choice.get("allow_inconsistent", False):
        crs = ", ".join(f"{e} (CR {r.experts.loc[e, 'cr']:.3f})" for e in r.inconsistent)
        group = "" if r.group_consistent else f"the aggregated (AIJ) matrix has CR {r.group_cr:.3f} ≥ {r.threshold:g}"
        raise InconsistentJudgementError(f"group AHP weights for {parent}: "
                                         + "; ".join(x for x in (crs and f"inconsistent expert matrices: {crs}", group)
                                                     if x) + "; revise them or set allow_inconsistent: true")
    return r.weights.to_dict()
