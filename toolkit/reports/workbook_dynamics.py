"""The dynamics sheets of ``results.xlsx`` (issue 23): the chain's tables, in the workbook's language.

Five sheets, written when the run supports the chain (a grouping and two years or more; see
:mod:`toolkit.reports.chain`, whose numbers the overview's section 差距与收敛 shows too): the Dagum
Gini decomposition by year (G, G_w, G_nb, G_t and their shares), σ-convergence per year (CV, Gini,
SD of logs), absolute β-convergence (β with its standard error, the speed
and the half-life), the Markov transition matrix of quartile classes (with the transitions counted
and the steady state) and global Moran's I per year of the regional means. Each sheet states what
it is computed on in its first line (the synthetic-data note first, when the data are the demo).
"""

from __future__ import annotations

import pandas as pd

from . import chain

SHEETS = {"dagum": ("基尼系数分解", "Dagum Gini"), "sigma": ("σ收敛", "Sigma convergence"),
          "beta": ("β收敛", "Beta convergence"), "markov": ("等级转移矩阵", "Markov transitions"),
          "moran": ("莫兰指数", "Moran's I")}
H = {
    "year": ("年度", "Year"), "group": ("分组", "Grouping"),
    "gini": ("总体基尼系数 G", "Overall Gini G"), "within": ("组内差距 G_w", "Within G_w"),
    "between": ("组间净差 G_nb", "Net between G_nb"), "transvariation": ("超变密度 G_t", "Transvariation G_t"),
    "share_within": ("组内贡献率", "Share within"), "share_between": ("组间贡献率", "Share between"),
    "share_transvariation": ("超变密度贡献率", "Share transvariation"),
    "n": ("单元数", "Units"), "mean": ("均值", "Mean"), "sd": ("标准差", "Standard deviation"),
    "cv": ("变异系数", "Coefficient of variation"), "gini_sigma": ("基尼系数", "Gini"), "sd_log": ("对数标准差", "SD of logs"),
    "measure": ("指标", "Measure"), "value": ("数值", "Value"),
    "beta": ("β 系数", "β"), "se": ("标准误", "Standard error"), "t": ("t 值", "t"), "p": ("p 值", "p-value"),
    "alpha": ("常数项 α", "Constant α"), "r2": ("R²", "R²"), "dropped": ("剔除单元数", "Units left out"),
    "span": ("时间跨度（年）", "Span (years)"), "speed": ("收敛速度 θ（每年）", "Speed θ (per year)"),
    "half_life": ("半衰期（年）", "Half-life (years)"),
    "from": ("期初等级", "From class"), "count": ("转移次数", "Transitions counted"),
    "steady": ("稳态分布", "Steady state"),
    "I": ("Moran's I", "Moran's I"), "expected": ("期望值 E[I]", "Expected E[I]"),
    "z_sim": ("z 值（置换）", "z (permutations)"), "p_sim": ("p 值（置换）", "p (permutations)"),
    "z_norm": ("z 值（正态近似）", "z (normal approximation)"), "p_norm": ("p 值（正态近似）", "p (normal approximation)"),
    "n_regions": ("区域数", "Regions"),
}
NOTES = {
    "dagum": ("Dagum (1997) 基尼系数按“{g}”分解：G = G_w + G_nb + G_t；各年综合指数。",
              "Dagum (1997) Gini decomposition by {g}: G = G_w + G_nb + G_t; the composite of each year."),
    "sigma": ("σ收敛：各年综合指数的离散程度（标准差按 n − 1 计）；逐年下降为收敛。",
              "σ-convergence: the dispersion of the composite each year (standard deviation with n − 1); "
              "falling over the years is convergence."),
    "beta": ("绝对β收敛：{a}–{b} 年对数增长率对期初对数水平回归（OLS）；β < 0 为收敛，θ = −ln(1 + βT)/T，半衰期 = ln 2/θ。",
             "Absolute β-convergence: log growth {a}–{b} regressed on the initial log level (OLS); β < 0 is "
             "convergence, θ = −ln(1 + βT)/T, half-life = ln 2/θ."),
    "markov": ("{k} 个分位等级（全部年份合并划分）的一年转移概率；Q1 最低。",
               "One-year transition probabilities between {k} quantile classes (cut on all years pooled); Q1 is "
               "the lowest."),
    "moran": ("各{region}平均综合指数的全局 Moran's I（Queen 邻接，行标准化，{p} 次置换，随机种子 {seed}）。",
              "Global Moran's I of each {region}'s mean composite (queen contiguity, row-standardised, {p} "
              "permutations, seed {seed})."),
}
FMT = {"g": "0.0000", "share": "0.00%", "num": "0.0000", "int": "0"}


def _h(key: str, lang: str) -> str:
    return H[key][0 if lang == "zh" else 1]


def dynamics_sheets(bundle, lang: str = "zh") -> dict[str, tuple[pd.DataFrame, dict, dict, str]]:
    """The chain's sheets: title → (DataFrame, {column: number format}, {}, the sheet's note).

    Parameters
    ----------
    bundle : Bundle (or any object with ``summary`` and ``framework``)
    lang : "zh" or "en"

    Returns
    -------
    dict
        Empty when the run does not support the chain (no grouping, one year); a sheet whose statistic
        is undefined for the run's scores (the Dagum Gini of negative z-scores) is left out.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.reports.bundle import Bundle, index_tables
    >>> r = toolkit.build_index(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> sheets = dynamics_sheets(Bundle(index_tables(r), {}, r.framework), "en")
    >>> list(sheets)
    ['Dagum Gini', 'Sigma convergence', 'Beta convergence', 'Markov transitions', "Moran's I"]
    >>> df, fmts, _, note = sheets["Dagum Gini"]
    >>> list(df.columns[:3]), note[:45]
    (['Year', 'Overall Gini G', 'Within G_w'], 'Dagum (1997) Gini decomposition by Economic c')
    """
    p = chain.panel(bundle)
    if p is None:
        return {}
    _, grouping, years = p
    i = 0 if lang == "zh" else 1
    out = {}

    dag = chain.dagum(bundle)
    if dag is not None:
        d = dag.overall
        cols = ["gini", "within", "between", "transvariation"]
        shares = ["share_within", "share_between", "share_transvariation"]
        df = pd.DataFrame({_h("year", lang): d.index.astype(int),
                           **{_h(c, lang): d[c].to_numpy(float) for c in cols + shares}})
        out[SHEETS["dagum"][i]] = (df, {**{_h(c, lang): FMT["g"] for c in cols},
                                        **{_h(c, lang): FMT["share"] for c in shares}},
                                   {}, NOTES["dagum"][i].format(g=grouping.label(lang)))

    s = chain.sigma(bundle)
    if s is not None:
        tab = s.table
        df = pd.DataFrame({_h("year", lang): tab.index.astype(int),
                           **{_h("gini_sigma" if c == "gini" else c, lang): tab[c].to_numpy(float)
                              for c in ("n", "mean", "sd", "cv", "gini", "sd_log")}})
        out[SHEETS["sigma"][i]] = (df, {_h(c, lang): FMT["num"] for c in ("mean", "sd", "cv", "gini_sigma", "sd_log")}
                                   | {_h("n", lang): FMT["int"]}, {}, NOTES["sigma"][i])

    b = chain.beta(bundle)
    if b is not None:
        keys = ["beta", "se", "t", "p", "alpha", "r2", "n", "dropped", "span", "speed", "half_life"]
        df = pd.DataFrame({_h("measure", lang): [_h(k, lang) for k in keys],
                           _h("value", lang): [float(b[k]) for k in keys]})
        out[SHEETS["beta"][i]] = (df, {_h("value", lang): FMT["num"]}, {},
                                  NOTES["beta"][i].format(a=years[0], b=years[-1]))

    m = chain.markov(bundle)
    if m is not None:
        df = pd.DataFrame({_h("from", lang): list(m.P.index),
                           **{c: m.P[c].to_numpy(float) for c in m.P.columns},
                           _h("count", lang): m.counts.sum(axis=1).to_numpy(int),
                           _h("steady", lang): m.steady_state.to_numpy(float)})
        out[SHEETS["markov"][i]] = (df, {**{c: FMT["num"] for c in m.P.columns}, _h("count", lang): FMT["int"],
                                         _h("steady", lang): FMT["num"]}, {},
                                    NOTES["markov"][i].format(k=chain.MARKOV_K))

    mo = chain.moran(bundle)
    if mo is not None:
        keys = ["I", "expected", "z_sim", "p_sim", "z_norm", "p_norm"]
        df = pd.DataFrame({_h("year", lang): mo.index.astype(int), **{_h(k, lang): mo[k].to_numpy(float) for k in keys},
                           _h("n_regions", lang): mo["n"].to_numpy(int)})
        region = bundle.framework.words(lang).get("region") or chain.regions(bundle)[3].column
        out[SHEETS["moran"][i]] = (df, {**{_h(k, lang): FMT["num"] for k in keys}, _h("n_regions", lang): FMT["int"]},
                                   {}, NOTES["moran"][i].format(region=region, p=chain.PERMUTATIONS,
                                                                seed=chain.SEED))
    return out
