"""``results.xlsx``: a run's numbers for Excel, one sheet per kind, in the run's language.

Sheets: scores and ranks (composite and every dimension, with the rank interval where it was
computed), indicator values (raw and normalised, percentile, imputed flag), weights (dimension
weights and each indicator's effective weight), obstacles, coupling coordination, types and
the validation notes; and, when the run holds a panel with a grouping, the dynamics chain's tables
(:mod:`toolkit.reports.workbook_dynamics`: Dagum, σ, β, Markov, Moran's I). Headers are in the run's language with codes kept in their own column,
numbers carry Excel number formats (not rounded values), the header row is frozen and columns
are sized to their content. Written with XlsxWriter, atomically, and re-zipped with fixed
timestamps so the same results give the same bytes (:func:`toolkit.reports.xlsx.write_sheets`).
The problem report of a return is :mod:`toolkit.reports.problem_workbook`; :func:`write_sheets`,
:func:`write_problems`, :func:`problem_sheet` and :func:`header_letters` are importable from here too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import standing
from .problem_workbook import header_letters as header_letters
from .problem_workbook import problem_sheet as problem_sheet
from .problem_workbook import write_problems as write_problems
from .text import level_name, nc, peer_name, region_name, t, unit_name
from .xlsx import write_sheets

H = {  # column headers (zh, en); the unit, region, peer and dimension headers are the framework's words
    "unit_id": ("编号", "Unit id"), "year": ("年度", "Year"), "composite": ("综合指数", "Composite score"),
    "rank": ("排名", "Rank"), "p05": ("排名区间下限 (5%)", "Rank interval low (5%)"),
    "p95": ("排名区间上限 (95%)", "Rank interval high (95%)"), "code": ("代码", "Code"),
    "indicator": ("指标", "Indicator"), "unit": ("单位", "Unit"),
    "raw": ("原始值", "Raw value"), "imputed": ("是否插补", "Imputed"), "normalised": ("标准化得分", "Normalised"),
    "percentile": ("百分位", "Percentile"), "weight": ("权重", "Weight"),
    "effective_weight": ("有效权重", "Effective weight"), "level": ("层级", "Level"),
    "obstacle": ("障碍度 (%)", "Obstacle degree (%)"), "obstacle_rank": ("障碍度排序", "Obstacle rank"),
    "C": ("耦合度 C", "Coupling C"), "T": ("综合发展水平 T", "Development T"), "D": ("耦合协调度 D", "Coordination D"),
    "grade": ("等级", "Grade"), "stage": ("阶段", "Stage"), "cluster": ("类别", "Cluster"), "type": ("类型", "Type"),
    "note": ("说明", "Note"), "dim_rank": ("排名", "rank"), "shape": ("相对自身", "Relative to itself"),
    "basis": ("分类依据", "Basis"),
}
SHEETS = {"scores": ("得分与排名", "Scores and ranks"), "indicators": ("指标值", "Indicator values"),
          "weights": ("权重", "Weights"), "obstacles": ("障碍度", "Obstacles"), "coupling": ("耦合协调度", "Coupling"),
          "types": ("类型", "Types"), "problems": ("校验问题", "Validation problems")}
FORMATS = {"score": "0.00", "rank": "0", "share": "0.00%", "raw": "#,##0.####", "d": "0.000", "pct": "0.0"}


def _h(key: str, lang: str) -> str:
    return H[key][0 if lang == "zh" else 1]


def _w(key: str, lang: str, fw) -> str:
    """A header naming a unit, region, peer group or dimension, in the framework's words."""
    return t({"brain": "brain", "city": "city", "industry": "industry", "dimension": "dimension"}[key], lang, fw)


def workbook_sheets(bundle, lang: str = "zh") -> dict[str, tuple[pd.DataFrame, dict]]:
    """The sheets of ``results.xlsx`` as DataFrames, each with its {column: number format}.

    Parameters
    ----------
    bundle : Bundle (or any object with the tables of :func:`toolkit.reports.bundle.index_tables`)
    lang : "zh" or "en" — headers, names and sheet titles

    Returns
    -------
    dict : sheet title → (DataFrame, formats)
    """
    fw = bundle.framework
    root = fw.root.code
    d = [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]
    i = 0 if lang == "zh" else 1
    s = bundle.summary.sort_values(["year", "rank"], kind="stable")
    cols = {_h("unit_id", lang): s["unit_id"].to_numpy(),
            _w("brain", lang, fw): [unit_name(r, lang, fw) for r in s.to_dict("records")]}
    if fw.region_column:  # the region and peer columns the framework declares
        cols[_w("city", lang, fw)] = [region_name(fw, c, lang) for c in s[fw.region_column]]
    if fw.peer_column:
        cols[_w("industry", lang, fw)] = [peer_name(fw, c, lang) for c in s[fw.peer_column]]
    scores = pd.DataFrame({**cols, _h("year", lang): s["year"].to_numpy(),
                           _h("composite", lang): s[root].to_numpy(float), _h("rank", lang): s["rank"].to_numpy()})
    fmts = {_h("composite", lang): FORMATS["score"], _h("rank", lang): FORMATS["rank"]}
    iv = getattr(bundle, "tables", {}).get("intervals")
    if iv is not None and len(iv) and int(bundle.meta.get("n_uncertainty", 0) or 0) > 0:
        m = s[["unit_id", "year"]].merge(iv, on=["unit_id", "year"], how="left")
        scores[_h("p05", lang)] = m["p05"].to_numpy()
        scores[_h("p95", lang)] = m["p95"].to_numpy()
        fmts.update({_h("p05", lang): FORMATS["rank"], _h("p95", lang): FORMATS["rank"]})
    for code in d:
        name = f"{code} {fw.label(code, lang)}"
        scores[name] = s[code].to_numpy(float)
        scores[f"{name} {_h('dim_rank', lang)}"] = s.groupby("year")[code].rank(ascending=False, method="min").astype(
            int).to_numpy()
        fmts[name], fmts[f"{name} {_h('dim_rank', lang)}"] = FORMATS["score"], FORMATS["rank"]

    lv = bundle.leaves
    nodes = {c: fw.node(c) for c in lv["code"].unique()}
    ind = pd.DataFrame({
        _h("unit_id", lang): lv["unit_id"].to_numpy(), _h("year", lang): lv["year"].to_numpy(),
        _h("code", lang): lv["code"].to_numpy(), _h("indicator", lang): [nodes[c].name(lang) for c in lv["code"]],
        _w("dimension", lang, fw): [fw.label(fw.ancestor(c, fw.dimension_level or fw.levels[1]), lang)
                                    for c in lv["code"]],
        _h("unit", lang): [(nodes[c].unit if lang == "zh" else nodes[c].unit_en) for c in lv["code"]],
        _h("raw", lang): lv["raw"].to_numpy(float),
        _h("normalised", lang): lv["normalised"].to_numpy(float), _h("percentile", lang): lv["percentile"].to_numpy(),
    })
    ind.insert(7, _h("imputed", lang), np.where(lv["imputed"], "是" if lang == "zh" else "yes", ""))
    ind_f = {_h("raw", lang): FORMATS["raw"], _h("normalised", lang): FORMATS["score"],
             _h("percentile", lang): FORMATS["pct"]}

    dw = bundle.dimension_weights
    first = lv.drop_duplicates("code")
    weights = pd.concat([
        pd.DataFrame({_h("level", lang): level_name(fw, fw.node(root).level, lang), _h("code", lang): dw["dimension"].to_numpy(),
                      _h("indicator", lang): [fw.label(c, lang) for c in dw["dimension"]],
                      _h("weight", lang): dw["weight"].to_numpy(float),
                      _h("effective_weight", lang): dw["weight"].to_numpy(float)}),
        pd.DataFrame({_h("level", lang): [level_name(fw, nodes[c].level, lang) for c in first["code"]], _h("code", lang): first["code"].to_numpy(),
                      _h("indicator", lang): [nodes[c].name(lang) for c in first["code"]],
                      _h("weight", lang): [float(nodes[c].weight) for c in first["code"]],
                      _h("effective_weight", lang): first["weight"].to_numpy(float)}),
    ], ignore_index=True)
    weights = weights.rename(columns={_h("weight", lang): _h("weight", lang) + (" (框架)" if lang == "zh" else
                                                                                " (framework)")})
    w_f = {weights.columns[3]: "0.0000", _h("effective_weight", lang): FORMATS["share"]}

    ob = bundle.obstacles.sort_values(["year", "unit_id", "rank"], kind="stable")
    obst = pd.DataFrame({_h("unit_id", lang): ob["unit_id"].to_numpy(), _h("year", lang): ob["year"].to_numpy(),
                         _h("obstacle_rank", lang): ob["rank"].to_numpy(), _h("code", lang): ob["code"].to_numpy(),
                         _h("indicator", lang): [fw.node(c).name(lang) for c in ob["code"]],
                         _h("obstacle", lang): ob["obstacle"].to_numpy(float)})
    cc = bundle.coupling.sort_values(["year", "unit_id"], kind="stable")
    coup = pd.DataFrame({_h("unit_id", lang): cc["unit_id"].to_numpy(), _h("year", lang): cc["year"].to_numpy(),
                         _h("C", lang): cc["C"].to_numpy(float), _h("T", lang): cc["T"].to_numpy(float),
                         _h("D", lang): cc["D"].to_numpy(float), _h("grade", lang): cc[f"grade_{lang}"].to_numpy(),
                         _h("stage", lang): cc[f"stage_{lang}"].to_numpy() if f"stage_{lang}" in cc else ""})
    types = type_sheet(bundle, s, lang)
    notes = list(bundle.meta.get("notes", []) or [])
    probs = pd.DataFrame({_h("note", lang): notes or ["未发现问题" if lang == "zh" else "no problems found"]})
    return {SHEETS["scores"][i]: (scores, fmts), SHEETS["indicators"][i]: (ind, ind_f),
            SHEETS["weights"][i]: (weights, w_f), SHEETS["obstacles"][i]: (obst, {_h("obstacle", lang): "0.00"}),
            SHEETS["coupling"][i]: (coup, {k: FORMATS["d"] for k in (_h("C", lang), _h("T", lang), _h("D", lang))}),
            SHEETS["types"][i]: (types, {}), SHEETS["problems"][i]: (probs, {})}


def type_sheet(bundle, summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every unit's type in every year, by the one strong/weak rule the pages use
    (:func:`toolkit.reports.standing.type_info`); "not computed" where there are too few units."""
    fw = bundle.framework
    rows = []
    for r in summary.to_dict("records"):
        info = standing.type_info(bundle, r["unit_id"], lang, int(r["year"])) or {}
        rows.append([r["unit_id"], unit_name(r, lang, fw), r["year"], info.get("label") or nc(lang),
                     info.get("shape", ""), info.get("basis", "")])
    return pd.DataFrame(rows, columns=[_h("unit_id", lang), _w("brain", lang, fw), _h("year", lang), _h("type", lang),
                                       _h("shape", lang), _h("basis", lang)])


def write_workbook(bundle, path: str | Path, lang: str = "zh") -> Path:
    """Write a run's ``results.xlsx`` (see the module docstring).

    Parameters
    ----------
    bundle : Bundle
    path : target file
    lang : "zh" or "en"

    Returns
    -------
    Path

    Examples
    --------
    Computing a bundle takes a few seconds (the typology and the Monte Carlo), so this example is
    not run as a doctest; :func:`write_result_workbook` has one that runs:

    >>> from toolkit.reports.bundle import compute_bundle           # doctest: +SKIP
    >>> write_workbook(compute_bundle(data, spec), "results.xlsx")  # doctest: +SKIP
    PosixPath('results.xlsx')
    """
    from .workbook_dynamics import dynamics_sheets

    note = t("synthetic", lang) if getattr(bundle, "synthetic", False) else None  # as the pages decide
    return write_sheets({**workbook_sheets(bundle, lang), **dynamics_sheets(bundle, lang)}, path, note=note)


class _ResultTables:
    """An IndexResult seen as a bundle (no typology, no intervals), for ``index``'s workbook."""

    def __init__(self, result, notes=(), synthetic=False):
        from .bundle import index_tables

        self.tables = index_tables(result)
        self.framework = result.framework
        self.synthetic = bool(synthetic)
        self.meta = {"n_uncertainty": 0, "notes": list(notes), "synthetic": self.synthetic,
                     "not_computed": {"typology": "not part of `index` (run `reports`)"}}

    def __getattr__(self, name):
        tables = object.__getattribute__(self, "tables")
        if name in tables:
            return tables[name]
        raise AttributeError(name)


def write_result_workbook(result, path: str | Path, lang: str = "zh", notes=(), synthetic: bool = False) -> Path:
    """``results.xlsx`` of an :class:`~toolkit.index.build.IndexResult` (what ``index`` writes).

    Parameters
    ----------
    result : IndexResult
    path : target file
    lang : "zh" or "en"
    notes : validation notes of the data, shown in the problems sheet
    synthetic : the data are the synthetic demo (:attr:`toolkit.data.read.IndicatorData.is_synthetic`):
        the first sheet then carries the synthetic-data note, as the pages do

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, openpyxl, toolkit
    >>> demo = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv").table
    >>> r = toolkit.build_index(demo[demo.year == 2025])   # one year of the demo: a smaller book
    >>> path = write_result_workbook(r, Path(tempfile.mkdtemp()) / "results.xlsx", lang="en")
    >>> len(openpyxl.load_workbook(path, read_only=True).sheetnames) >= 5  # the sheet titles, no cell parsed
    True
    """
    return write_workbook(_ResultTables(result, notes, synthetic), path, lang)


def write_results_with_workbook(result, out_dir: str | Path, lang: str | None = None,
                                synthetic: bool = False) -> dict[str, Path]:
    """:func:`toolkit.index.export.write_results`, and with ``lang`` also ``results.xlsx`` in that
    language, in the same atomic folder (what ``python -m toolkit index --lang`` writes).

    Parameters
    ----------
    result : IndexResult
    out_dir : folder written into
    lang : "zh", "en" or None (no workbook)
    synthetic : the data are the synthetic demo (the workbook's first sheet says so)

    Returns
    -------
    dict of str to Path
        As :func:`~toolkit.index.export.write_results`, with ``xlsx`` when a workbook was written.

    Examples
    --------
    >>> import tempfile, toolkit
    >>> demo = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv").table
    >>> r = toolkit.build_index(demo[demo.year == 2025])   # one year of the demo
    >>> paths = write_results_with_workbook(r, tempfile.mkdtemp(), "en")
    >>> paths["xlsx"].name, paths["xlsx"].is_file()
    ('results.xlsx', True)
    """
    from ..index.export import write_results

    extra = None if lang is None else {"results.xlsx": lambda tmp: write_result_workbook(result, tmp, lang,
                                                                                   synthetic=synthetic)}
    return write_results(result, out_dir, extra=extra)
