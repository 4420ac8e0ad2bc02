"""The words and numbers of a report: interface text in both languages, names, number formats.

Every label a page shows comes from :data:`T` (Chinese first, English second), so a report
follows its language everywhere. Names of cities and industries are translated from the
toolkit's reference data (``toolkit/reference/cities.yaml`` and ``industries.yaml``) where it
has them; a name it does not know is shown as written in the return.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache
from importlib import resources

import yaml

NOT_COMPUTED = ("未计算", "not computed")

T = {  # interface text in both languages
    "synthetic": ("模拟数据：本报告基于合成的演示数据，并非真实填报结果，不得引用。",
                  "SYNTHETIC DATA: this report uses synthetic demo data, not real returns; do not cite."),
    "composite": ("综合指数", "Composite score"), "rank": ("排名", "Rank"),
    "of": ("共 {n} 个", "of {n}"), "interval": ("90% 排名区间", "90% rank interval"),
    "type": ("类型", "Type"), "year": ("年度", "Year"), "city": ("城市", "City"),
    "industry": ("产业", "Industry"), "county": ("区县", "County/district"),
    "dimension": ("维度", "Dimension"), "score": ("得分", "Score"),
    "mean": ("全省平均", "Provincial mean"), "sample_mean": ("样本平均", "Sample mean"),
    "best": ("最优", "Best brain"), "indicator": ("指标", "Indicator"), "raw": ("原始值", "Raw value"),
    "unit": ("单位", "Unit"), "normalised": ("标准化得分", "Normalised"), "percentile": ("百分位", "Percentile"),
    "weight": ("权重", "Weight"), "obstacle": ("障碍度", "Obstacle degree"),
    "coupling": ("耦合协调度", "Coupling coordination"), "grade": ("等级", "Grade"),
    "change": ("较上年变化", "Change since previous year"), "none": ("—", "—"),
    "peers": ("同产业产业大脑", "Brains of the same industry"), "brain": ("产业大脑", "Brain"),
    "nearest": ("画像最相近的产业大脑", "Brains with the most similar profile"),
    "imputed": ("插补", "imputed"), "provenance": ("数据来源与版本", "Provenance"),
    "brains_in_city": ("本市产业大脑", "Brains in this city"), "n_brains": ("产业大脑数量", "Number of brains"),
    "best_rank": ("最好排名", "Best rank"), "mean_score": ("平均综合指数", "Mean composite"),
    "same_industry": ("同产业平均", "Same-industry mean"), "same_city": ("同城市平均", "Same-city mean"),
    "this": ("本产业大脑", "This brain"), "city_mean": ("本市平均", "City mean"),
    "strengths": ("优势指标", "Strengths"), "weaknesses": ("短板指标", "Weaknesses"),
    "summary": ("概要", "Summary"), "trend": ("历年走势", "Trend"), "not_computed": NOT_COMPUTED,
    "index": ("全部报告", "All reports"), "overview": ("全省总览", "Province overview"),
    "report": ("报告", "Report"), "distribution": ("综合指数分布", "Distribution of composite scores"),
    "heatmap": ("各产业大脑维度得分", "Dimension scores of every brain"),
    "map": ("各市平均综合指数", "Mean composite score by city"), "filter": ("筛选", "Filter"),
    "count": ("数量", "Count"), "no_data": ("无数据", "no data"), "failed": ("生成失败", "failed"),
    "shape": ("相对优势", "Relatively strong in"),
    "type_basis": ("按维度得分水平聚类", "clustered on the level of the dimension scores"),
    "meaning_obstacle": ("障碍度表示该指标与满分的差距在全部差距中所占的份额：数值越大，越是提升综合指数的主要制约。",
                         "The obstacle degree is the share of the brain's total shortfall from full marks that "
                         "comes from this indicator: the larger it is, the more it holds the composite back."),
    "meaning_coupling": ("耦合协调度 D 衡量五个维度是否齐头并进（0–1，越高越协调）；C 为耦合度，T 为综合发展水平。",
                         "Coupling coordination D (0–1, higher is better) measures whether the five dimensions "
                         "develop together; C is the coupling degree and T the overall development level."),
    "meaning_percentile": ("百分位：在全部产业大脑中不高于本产业大脑的比例。", "Percentile: the share of brains "
                           "that score no higher than this one."),
    "weights_note": ("权重为各指标在综合指数中的有效权重。", "Weights are each indicator's effective weight in the "
                     "composite score."),
    "small_sample": ("本次数据仅含 {n} 个产业大脑，低于部分方法所需的数量；相关部分标注为“未计算”。",
                     "This return holds only {n} brains, fewer than some methods need; those sections are "
                     "marked “not computed”."),
    "mc_off": ("本次未运行蒙特卡洛模拟，排名区间未计算。", "The Monte Carlo was not run; rank intervals are not computed."),
    "sample_scope": ("数据未覆盖全省，比较基准为本次数据的样本平均。", "The data do not cover the whole province; "
                     "comparisons are with the mean of this sample."),
    "back_index": ("← 返回全部报告", "← All reports"), "back_city": ("所在城市报告", "City report"),
    "stable": ("持平", "unchanged"), "up": ("上升", "up"), "down": ("下降", "down"),
    "rank_change": ("排名变化", "Rank change"), "source": ("数据文件", "Input file"),
    "spec": ("评价方案", "Specification"), "framework": ("指标体系", "Framework"),
    "toolkit": ("工具包版本", "Toolkit version"), "computed": ("计算时间", "Computed at"),
    "intervals_src": ("排名区间", "Rank intervals"), "synthetic_flag": ("模拟数据", "Synthetic data"),
    "yes_demo": ("是（演示数据）", "yes — demo data"), "no": ("否", "no"),
    "mc": ("{n} 次蒙特卡洛模拟，随机种子 {seed}", "{n} Monte Carlo replications, seed {seed}"),
    "all_brains": ("全部产业大脑", "All brains"), "vs_province": ("本市与全省对比", "City against the province"),
}


def t(key: str, lang: str) -> str:
    """The interface text ``key`` in ``lang`` ("zh" or "en").

    Examples
    --------
    >>> t("rank", "en"), t("rank", "zh")
    ('Rank', '排名')
    """
    return T[key][0 if lang == "zh" else 1]


def nc(lang: str) -> str:
    """The marker of a section that was not computed ("未计算" / "not computed")."""
    return NOT_COMPUTED[0 if lang == "zh" else 1]


def esc(value) -> str:
    """HTML-escape any value (data never reaches the page unescaped).

    Examples
    --------
    >>> esc("<b>")
    '&lt;b&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


# -- names -----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _reference() -> tuple[dict, dict]:
    root = resources.files("toolkit") / "reference"
    cities = yaml.safe_load((root / "cities.yaml").read_text("utf-8"))
    ind = yaml.safe_load((root / "industries.yaml").read_text("utf-8"))
    city_en = {c["zh"]: c["en"] for c in cities["cities"]}
    city_en.update({c["zh"].removesuffix("市"): c["en"] for c in cities["cities"]})
    return city_en, {k: v for k, v in ind["industries"].items()}


def city_name(name: str, lang: str) -> str:
    """A city's name in ``lang`` (the English name from ``cities.yaml``; unknown names unchanged).

    Examples
    --------
    >>> city_name("青岛市", "en"), city_name("青岛市", "zh"), city_name("Atlantis", "en")
    ('Qingdao', '青岛市', 'Atlantis')
    """
    if lang == "zh":
        return str(name)
    return _reference()[0].get(str(name), str(name))


def industry_name(name: str, lang: str) -> str:
    """An industry's name in ``lang`` (from ``industries.yaml``; unknown names unchanged).

    Examples
    --------
    >>> industry_name("生物医药", "en")
    'Biomedicine'
    """
    if lang == "zh":
        return str(name)
    return _reference()[1].get(str(name), str(name))


def brain_name(row, lang: str) -> str:
    """A brain's name: as in the return in Chinese; in English composed from the English city
    and industry names when the reference data has both (else the name as written).

    Examples
    --------
    >>> brain_name({"brain_name": "青岛市即墨区生物医药产业大脑", "city": "青岛市", "industry": "生物医药"}, "en")
    'Qingdao Biomedicine Industrial Brain'
    """
    name = str(row["brain_name"])
    if lang == "zh":
        return name
    city, ind = city_name(row["city"], "en"), industry_name(row["industry"], "en")
    if city == str(row["city"]) or ind == str(row["industry"]) or not name.endswith("产业大脑"):
        return name
    return f"{city} {ind} Industrial Brain"


# -- numbers ---------------------------------------------------------------------------------
def fmt_num(x, digits: int = 1) -> str:
    """A score-like number with ``digits`` decimals, "—" for a missing value.

    Examples
    --------
    >>> fmt_num(12.345), fmt_num(float("nan"))
    ('12.3', '—')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{float(x):.{digits}f}"


def fmt_raw(x) -> str:
    """A raw indicator value as an official writes it: thousands separators, no exponent,
    at most three significant decimals for small numbers.

    Examples
    --------
    >>> fmt_raw(33012.4), fmt_raw(0.0277), fmt_raw(12.0), fmt_raw(1.5e9)
    ('33,012', '0.0277', '12', '1,500,000,000')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    x = float(x)
    if x == int(x) or abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}".rstrip("0").rstrip(".")
    digits = 2 if abs(x) >= 1 else 4
    return f"{x:.{digits}f}".rstrip("0").rstrip(".")


def fmt_pct(share, digits: int = 1) -> str:
    """A share (0–1) as a percentage.

    Examples
    --------
    >>> fmt_pct(0.0277)
    '2.8%'
    """
    return f"{100 * float(share):.{digits}f}%"


def arrow(delta: float, digits: int = 1, lower_is_better: bool = False) -> str:
    """A signed change with its direction: ``↑ 2.3``, ``↓ 1.0``, ``→ 0``. For ranks a smaller
    number is better: pass ``lower_is_better`` and a rank 5 → 3 shows as ``↑ 2``.

    Examples
    --------
    >>> arrow(2.345), arrow(-1.0), arrow(-2, 0, lower_is_better=True), arrow(0.0)
    ('↑ 2.3', '↓ 1.0', '↑ 2', '→ 0')
    """
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "—"
    better = -delta if lower_is_better else delta
    mag = f"{abs(delta):.{digits}f}"
    if float(mag) == 0:
        return "→ 0"
    return ("↑ " if better > 0 else "↓ ") + mag
