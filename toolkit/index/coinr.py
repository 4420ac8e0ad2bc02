"""COINr coins in and out: a coin's ``iData``/``iMeta`` ↔ a framework, a spec and data.

COINr (Becker et al., the reference R package) describes an index with two tables: ``iMeta``
(one row per indicator, aggregate, group, denominator or other column: ``Level``, ``iCode``,
``iName``, ``Direction``, ``Weight``, ``Unit``, ``Target``, ``Denominator``, ``Parent``,
``Type``) and ``iData`` (one row per unit: ``uCode``, ``uName``, ``Time``, the groups, the
denominators and the indicators). :func:`coinr_import` turns them into what this toolkit reads —
a framework file, an index specification and a long data file — in one call
(``python -m toolkit coinr import iData.csv iMeta.csv --out DIR`` on the command line);
:func:`coinr_export` goes back, so a COINr user can move both ways.

Mapping: ``Level`` 1 is the indicator level and the highest level the index (levels named
``index``, ``sub-index``, ``pillar``, ``indicator`` for COINr's four; ``level_k`` beyond);
``Direction`` ±1 → ``direction``; ``Weight`` → the node's weight (relative within its parent, as
in COINr); ``Denominator`` → the indicator's denominator (used by ``denomination: framework``);
``Type`` Group → a group column, Denominator → a denominator column, Other → an attribute. The
spec is COINr's default pipeline: the denominators the iMeta names (if any), min–max to
[0, 100] with the directions, the iMeta weights and arithmetic means at every level.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..errors import FrameworkError

__all__ = ["CoinrImport", "coinr_export", "coinr_import", "level_names"]

_META_COLUMNS = ["Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type"]


@dataclass(frozen=True)
class CoinrImport:
    """What :func:`coinr_import` made.

    Attributes
    ----------
    framework : Framework
    spec : IndexSpec
    data : IndicatorData
    paths : dict
        ``framework``, ``spec`` and ``data`` files written (empty when no ``out_dir``).
    """

    framework: object
    spec: object
    data: object
    paths: dict


def level_names(n: int) -> list[str]:
    """Level names, top first, for COINr's levels ``n`` … 1.

    Examples
    --------
    >>> level_names(4), level_names(2), level_names(5)
    (['index', 'sub-index', 'pillar', 'indicator'], ['index', 'indicator'], ['index', 'level_4', 'sub-index', 'pillar', 'indicator'])
    """
    middle = {2: "pillar", 3: "sub-index"}
    return ["index"] + [middle.get(k, f"level_{k}") for k in range(n - 1, 1, -1)] + ["indicator"]


def _table(x, what: str) -> pd.DataFrame:
    if isinstance(x, pd.DataFrame):
        return x.copy()
    path = Path(x)
    if not path.is_file():
        raise FrameworkError(f"coinr: {what} file {path} not found")
    return pd.read_csv(path)


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()


def framework_doc(imeta: pd.DataFrame, fid: str = "coinr_import", title: str = "", idata=None) -> dict:
    """The framework file (as a mapping) of a COINr ``iMeta`` table (``idata``, if given, marks
    the indicators with a negative value as ``signed``)."""
    negative = set() if idata is None else {c for c in idata.columns
                                            if pd.api.types.is_numeric_dtype(idata[c]) and (idata[c] < 0).any()}
    missing = [c for c in ("Level", "iCode", "Type", "Parent") if c not in imeta]
    if missing:
        raise FrameworkError(f"coinr: iMeta lacks the column(s) {missing}; COINr's iMeta has {_META_COLUMNS}")
    types = imeta["Type"].map(_text)
    tree = imeta[types.isin(["Indicator", "Aggregate"])].copy()
    tree["Level"] = tree["Level"].astype(int)
    top = int(tree["Level"].max())
    names = level_names(top)
    roots = tree[tree["Level"] == top]
    if len(roots) != 1:
        raise FrameworkError(f"coinr: iMeta must have one row at the top level {top}, got {list(roots['iCode'])}")

    def node(row) -> dict:
        code = _text(row["iCode"])
        out = {"code": code, "name_en": _text(row.get("iName")) or code}
        w = row.get("Weight")
        if w is not None and not pd.isna(w) and float(w) != 1.0:
            out["weight"] = float(w)
        if _text(row["Type"]) == "Indicator":
            unit = _text(row.get("Unit"))
            if unit:
                out["unit"] = unit
            out["direction"] = int(row.get("Direction", 1) if not pd.isna(row.get("Direction", 1)) else 1)
            # COINr has no types: "amount" (≥ 0), or "signed" where the data go below 0; never "share",
            # which would bound a percentage such as public debt to 0–100
            out["type"] = "signed" if code in negative else "amount"
            den = _text(row.get("Denominator"))
            if den:
                out["denominator"] = den
            return out
        kids = tree[tree["Parent"].map(_text) == code]
        if kids.empty:
            raise FrameworkError(f"coinr: aggregate {code} has no children in iMeta")
        out["children"] = [node(k) for _, k in kids.iterrows()]
        return out

    unit_columns = [{"name": "unit_id", "role": "id", "label_en": "Unit code", "aliases": ["uCode"]},
                    {"name": "uName", "role": "name", "lang": "en", "label_en": "Unit name", "required": False,
                     "default": None},
                    {"name": "year", "role": "year", "label_en": "Year", "aliases": ["Time"], "required": False,
                     "default": 2000}]
    for role, kind in (("group", "Group"), ("denominator", "Denominator"), ("attribute", "Other")):
        for _, r in imeta[types == kind].iterrows():
            col = {"name": _text(r["iCode"]), "role": role, "label_en": _text(r.get("iName")) or _text(r["iCode"])}
            if role != "denominator":
                col.update(required=False, default=None)
            unit_columns.append(col)
    doc = {"schema_version": 1, "id": fid, "version": "COINr import", "title_en": title or f"{fid} (from COINr)",
           "source": {"note": "imported from a COINr coin's iData/iMeta by toolkit.index.coinr"},
           "levels": names, "unit_columns": unit_columns, "root": node(roots.iloc[0])}
    if top > 2:
        doc["dimension_level"] = names[-2]
    return doc


def spec_doc(fw_file: str, framework_doc_: dict) -> dict:
    """COINr's default pipeline as a spec for the imported framework."""
    levels = framework_doc_["levels"][:-1]
    has_den = any(c["role"] == "denominator" for c in framework_doc_["unit_columns"])
    return {"spec_version": 1, "name": f"{framework_doc_['id']}_coinr_defaults",
            "description": "COINr defaults: denominate by iMeta, min–max to [0, 100], iMeta weights, arithmetic means",
            "framework": fw_file, "panel": {"scope": "per_year"},
            "denomination": {"method": "framework" if has_den else "none"},
            "imputation": {"panel": "none", "method": "none"}, "outliers": {"method": "none"},
            "normalisation": {"method": "minmax", "params": {"lower": 0, "upper": 100}},
            "weights": {lv: {"method": "framework"} for lv in levels},
            "aggregation": {lv: {"method": "arithmetic"} for lv in levels}}


def coinr_import(idata, imeta, out_dir=None, *, fid: str = "coinr_import", title: str = "") -> CoinrImport:
    """A COINr coin's ``iData`` and ``iMeta`` as a framework, a spec and data, in one call.

    Parameters
    ----------
    idata, imeta : DataFrame or path to a CSV
        COINr's two tables (e.g. ``write.csv(ASEM_iData)``).
    out_dir : str or Path, optional
        Where to write ``framework.yaml``, ``spec.yaml`` and ``data.csv`` (published together:
        all three or none); without it nothing is written.
    fid, title : str
        The framework's id and title.

    Returns
    -------
    CoinrImport

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "I"], "iName": ["A", "B", "Index"],
    ...                      "Direction": [1, -1, None], "Weight": [1, 1, 1], "Parent": ["I", "I", None],
    ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> data = pd.DataFrame({"uCode": ["X", "Y", "Z"], "a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]})
    >>> r = coinr_import(data, meta)
    >>> r.framework.levels, list(r.framework.directions)
    (('index', 'indicator'), [1, -1])
    """
    import tempfile

    from ..data.read import read_indicators
    from ..framework.loader import load_framework
    from .spec import load_spec

    meta, data = _table(imeta, "iMeta"), _table(idata, "iData")
    fdoc = framework_doc(meta, fid, title, data)
    sdoc = spec_doc("framework.yaml", fdoc)
    texts = {"framework.yaml": yaml.safe_dump(fdoc, allow_unicode=True, sort_keys=False),
             "spec.yaml": yaml.safe_dump(sdoc, allow_unicode=True, sort_keys=False),
             "data.csv": data.to_csv(index=False)}
    paths: dict = {}
    with tempfile.TemporaryDirectory(prefix="coinr-") as tmp:
        staged = Path(tmp)
        for name, text in texts.items():
            (staged / name).write_text(text, "utf-8")
        fw = load_framework(staged / "framework.yaml")
        spec = load_spec(staged / "spec.yaml", framework=fw)
        ind = read_indicators(staged / "data.csv", fw)
        if out_dir is not None:
            from ..publish.guard import check_targets
            from ..publish.journal import write_many_atomic

            out = Path(out_dir)
            writers = {out / name: (lambda p, t=text: Path(p).write_text(t, "utf-8")) for name, text in texts.items()}
            check_targets(files=writers)  # before the folder is made: --out may name an input
            out.mkdir(parents=True, exist_ok=True)
            written = write_many_atomic(writers)
            paths = {k: p for k, p in zip(("framework", "spec", "data"), written, strict=True)}
    return CoinrImport(framework=fw, spec=spec, data=ind, paths=paths)


def coinr_export(framework, data=None, out_dir=None) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """A framework (and data) as COINr's ``iData`` and ``iMeta``.

    Parameters
    ----------
    framework : Framework, name or file
    data : IndicatorData or DataFrame, optional
        Rows of units (``unit_id``, ``year`` and the framework's columns).
    out_dir : str or Path, optional
        Where to write ``iMeta.csv`` (and ``iData.csv``), published together.

    Returns
    -------
    (iData or None, iMeta)

    Examples
    --------
    >>> _, meta = coinr_export("undp_hdi")
    >>> meta.loc[meta["iCode"] == "GNI", ["Level", "Parent", "Type"]].values.tolist()
    [[1, 'INCOME', 'Indicator']]
    """
    from ..framework.loader import load_framework

    fw = framework if hasattr(framework, "levels") else load_framework(framework)
    depth = len(fw.levels)
    rows = []
    for role, kind in (("group", "Group"), ("denominator", "Denominator"), ("attribute", "Other")):
        for c in fw.unit_columns:
            if c.role == role:
                rows.append({"Level": None, "iCode": c.name, "iName": c.name, "Direction": None, "Weight": None,
                             "Unit": None, "Target": None, "Denominator": None, "Parent": None, "Type": kind})
    for n in fw.nodes():
        leaf = n.is_leaf
        rows.append({"Level": depth - fw.levels.index(n.level), "iCode": n.code, "iName": n.name_en or n.name_zh,
                     "Direction": n.direction if leaf else None, "Weight": n.weight, "Unit": (n.unit_en or n.unit) or None,
                     "Target": None, "Denominator": n.denominator if leaf else None, "Parent": n.parent,
                     "Type": "Indicator" if leaf else "Aggregate"})
    meta = pd.DataFrame(rows, columns=_META_COLUMNS)
    meta["Level"] = meta["Level"].astype("Int64")
    idata = None
    if data is not None:
        table = data.table if hasattr(data, "table") else data
        ids = {"unit_id": "uCode", "year": "Time"}
        name = fw.name_column
        if name and name in table and name != "uName":
            ids[name] = "uName"
        keep = [c for c in [*ids, *[c.name for c in fw.unit_columns if c.name not in ids]] if c in table]
        idata = table[keep + [c for c in fw.columns if c in table]].rename(columns=ids)
    if out_dir is not None:
        from ..publish.guard import check_targets
        from ..publish.journal import write_many_atomic

        out = Path(out_dir)
        writers = {out / "iMeta.csv": lambda p: meta.to_csv(p, index=False)}
        if idata is not None:
            writers[out / "iData.csv"] = lambda p: idata.to_csv(p, index=False)
        check_targets(files=writers)  # before the folder is made: --out may name an input
        out.mkdir(parents=True, exist_ok=True)
        write_many_atomic(writers)
    return idata, meta
