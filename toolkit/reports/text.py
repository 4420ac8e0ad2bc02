"""The words and numbers of a report: interface text in both languages, names, number formats.

Every label a page shows comes from :data:`T` (Chinese first, English second), so a report
follows its language everywhere. The nouns in the texts — what a unit is called, the region
and peer group, the level shown as dimensions and how many there are — come from the
framework's ``reporting`` block (:mod:`toolkit.framework.wording`), never from this module: a
report on the HDI speaks of countries and three dimensions, one on the Shandong framework of
产业大脑 and five. Values of the region and peer columns are translated from the toolkit's
reference data (``toolkit/reference/cities.yaml`` and ``industries.yaml``) where it has them; a
name it does not know is shown as written in the return.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache
from importlib import resources

import yaml

NOT_COMPUTED = ("未计算", "not computed")

T = {  # interface text in both languages; {unit}, {region}, {dim}… are the framework's words
    "synthetic": ("模拟数据：本报告基于合成的演示数据，并非真实填报结果，不得引用。",
                  "SYNTHETIC DATA: this report uses synthetic demo data, not real returns; do not cite."),
    "composite": ("综合指数", "Composite score"), "rank": ("排名", "Rank"),
    "of": ("共 {n} 个", "of {n}"), "interval": ("90% 排名区间", "90% rank interval"),
    "type": ("类型", "Type"), "year": ("年度", "Year"), "city": ("{region}", "{Region}"),
    "industry": ("{peer}", "{Peer}"),
    "dimension": ("{dim}", "{Dim}"), "score": ("得分", "Score"),
    "mean": ("{whole}平均", "{Whole_adj} mean"), "sample_mean": ("样本平均", "Sample mean"),
    "best": ("最优", "Best {unit}"), "indicator": ("指标", "Indicator"), "raw": ("原始值", "Raw value"),
    "unit": ("单位", "Unit"), "normalised": ("标准化得分", "Normalised"), "percentile": ("百分位", "Percentile"),
    "weight": ("权重", "Weight"), "obstacle": ("障碍度", "Obstacle degree"),
    "coupling": ("耦合协调度", "Coupling coordination"), "grade": ("等级", "Grade"),
    "change": ("较上年变化", "Change since previous year"), "none": ("—", "—"),
    "peers": ("同{peer}{unit}", "{Units} of the same {peer}"), "brain": ("{unit}", "{Unit}"),
    "nearest": ("画像最相近的{unit}", "{Units} with the most similar profile"),
    "imputed": ("插补", "imputed"), "provenance": ("数据来源与版本", "Provenance"),
    "brains_in_city": ("本{region_short}{unit}", "{Units} in this {region}"), "n_brains": ("{unit}数量", "Number of {units}"),
    "best_rank": ("最好排名", "Best rank"), "mean_score": ("平均综合指数", "Mean composite"),
    "same_industry": ("同{peer}平均", "Same-{peer} mean"), "same_city": ("同{region}平均", "Same-{region} mean"),
    "this": ("本{unit}", "This {unit}"), "city_mean": ("本{region_short}平均", "{Region} mean"),
    "strengths": ("优势指标", "Strengths"), "weaknesses": ("短板指标", "Weaknesses"),
    "summary": ("概要", "Summary"), "trend": ("历年走势", "Trend"), "not_computed": NOT_COMPUTED,
    "index": ("全部报告", "All reports"), "overview": ("{whole}总览", "{Whole} overview"),
    "report": ("报告", "Report"), "distribution": ("综合指数分布", "Distribution of composite scores"),
    "heatmap": ("各{unit}{dim}得分", "{Dim} scores of every {unit}"),
    "map": ("各{region_short}平均综合指数", "Mean composite score by {region}"), "filter": ("筛选", "Filter"),
    "print_parts": ("本表较宽，打印时分为 {n} 部分排印，每部分重复{cols}列。",
                    "This table is wider than the page: it is printed in {n} parts, each repeating {cols}."),
    "print_part": ("第 {i} 部分（共 {n} 部分）", "Part {i} of {n}"),
    "count": ("数量", "Count"), "no_data": ("无数据", "no data"), "failed": ("生成失败", "failed"),
    "shape": ("相对自身", "Relative to itself"),
    "no_strengths": ("没有指标处于前四分之一。", "No indicator is in the top quarter."),
    "no_weaknesses": ("没有指标处于后四分之一。", "No indicator is in the bottom quarter."),
    "type_basis": ("按{dim}得分水平聚类", "clustered on the level of the {dim} scores"),
    "meaning_obstacle": ("障碍度表示该指标与满分的差距在全部差距中所占的份额：数值越大，越是提升综合指数的主要制约。",
                         "The obstacle degree is the share of the {unit}'s total shortfall from full marks that "
                         "comes from this indicator: the larger it is, the more it holds the composite back."),
    "meaning_coupling": ("耦合协调度 D 衡量{n_dims}个{dim}是否齐头并进（0–1，越高越协调）；C 为耦合度，T 为综合发展水平。",
                         "Coupling coordination D (0–1, higher is better) measures whether the {n_dims} {dims} "
                         "develop together; C is the coupling degree and T the overall development level."),
    "meaning_percentile": ("百分位：在全部{unit}中不高于本{unit}的比例；优势指标居前四分之一（≥75），短板指标居后四分之一（≤25）。",
                           "Percentile: the share of {units} that score no higher than this one; strengths are in "
                           "the top quarter (≥ 75), weaknesses in the bottom quarter (≤ 25)."),
    "weights_note": ("权重为各指标在综合指数中的有效权重。", "Weights are each indicator's effective weight in the "
                     "composite score."),
    "small_sample": ("本次数据仅含 {n} 个{unit}，低于部分方法所需的数量；相关部分标注为“未计算”。",
                     "This return holds only {n} {units}, fewer than some methods need; those sections are "
                     "marked “not computed”."),
    "mc_off": ("本次未运行蒙特卡洛模拟，排名区间未计算。", "The Monte Carlo was not run; rank intervals are not computed."),
    "sample_scope": ("数据未覆盖{whole}，比较基准为本次数据的样本平均。", "The data do not cover the whole {whole}; "
                     "comparisons are with the mean of this sample."),
    "back_index": ("← 返回全部报告", "← All reports"), "back_city": ("所在{region}报告", "{Region} report"),
    "stable": ("持平", "unchanged"), "up": ("上升", "up"), "down": ("下降", "down"),
    "rank_change": ("排名变化", "Rank change"), "source": ("数据文件", "Input file"),
    "spec": ("评价方案", "Specification"), "framework": ("指标体系", "Framework"),
    "excluded": ("未纳入的指标", "Left out (exclude:)"),
    "toolkit": ("工具包版本", "Toolkit version"), "computed": ("计算时间", "Computed at"),
    "intervals_src": ("排名区间", "Rank intervals"), "synthetic_flag": ("模拟数据", "Synthetic data"),
    "yes_demo": ("是（演示数据）", "yes — demo data"), "no": ("否", "no"),
    "mc": ("{n} 次蒙特卡洛模拟，随机种子 {seed}", "{n} Monte Carlo replications, seed {seed}"),
    "all_brains": ("全部{unit}", "All {units}"), "vs_province": ("本{region_short}与{whole}对比", "{Region} against the {whole}"),
    "dim_scores": ("{dim}得分", "{Dim} scores"), "position": ("在全部{unit}中的位置", "Position among all {units}"),
    "alone": ("本{peer}仅此一个{unit}，下表列出{dim}画像最相近的{unit}。",
              "This {unit} is alone in its {peer}; the table lists the {units} whose {dim} profile is closest."),
    "nearest_note": ("下表列出{dim}画像最相近的{unit}。", "The table lists the {units} whose {dim} profile is closest."),
    "in_top3": ("列入前三障碍的{unit}", "{Units} with it in their top three"),
}
#: the texts of :data:`T` that name something the framework declares ({unit}, {region}…)
FRAMEWORK_WORDS = ("unit", "units", "Unit", "Units", "region", "Region", "region_short", "regions", "peer", "Peer",
                   "peers", "whole", "Whole", "whole_adj", "Whole_adj", "dim", "dims", "Dim", "Dims", "n_dims")


#: common level names in Chinese (a framework's own level names are English words)
LEVEL_ZH = {"index": "指数", "sub-index": "分指数", "subindex": "分指数", "dimension": "维度", "pillar": "支柱",
            "indicator": "指标", "measure": "测量项", "sub-indicator": "子指标"}


def level_name(fw, level: str, lang: str) -> str:
    """A framework level in ``lang``: the framework's own word for its dimension level, else the
    common name (index → 指数), else the level as the framework names it.

    >>> from toolkit.framework import load_framework
    >>> level_name(load_framework(), "indicator", "zh"), level_name(load_framework("coinr_asem"), "pillar", "zh")
    ('指标', '支柱')
    """
    if level == (fw.dimension_level or fw.levels[1]):
        return fw.words(lang)["dim"]
    return LEVEL_ZH.get(level, level) if lang == "zh" else level


def _words(fw, lang: str) -> dict:
    fw = getattr(fw, "framework", fw)  # a bundle or a framework
    return {} if fw is None else fw.words(lang)


def t(key: str, lang: str, fw=None) -> str:
    """The interface text ``key`` in ``lang`` ("zh" or "en"), its nouns and counts filled from
    the framework ``fw`` (a Framework or a bundle): 产业大脑 / brain, 维度 / dimension, the
    number of dimensions… A text that names something needs ``fw``; one naming a region or peer
    group the framework does not declare raises KeyError rather than show a wrong word.

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> t("rank", "en"), t("rank", "zh")
    ('Rank', '排名')
    >>> t("this", "en", load_framework()), t("this", "en", load_framework("undp_hdi"))
    ('This brain', 'This country')
    >>> t("meaning_coupling", "zh", load_framework("coinr_asem"))[:20]
    '耦合协调度 D 衡量八个支柱是否齐头并进'
    """
    text = T[key][0 if lang == "zh" else 1]
    if "{" not in text:
        return text
    return text.format_map(_Keep(_words(fw, lang)))


class _Keep(dict):
    """Formatting that fills the framework's words and keeps other fields (``{n}``) for later;
    a framework word that is missing raises KeyError."""

    def __missing__(self, key):
        if key in FRAMEWORK_WORDS:
            raise KeyError(f"the report text names {{{key}}}, which this framework does not declare "
                           "(add it to the framework's reporting block)")
        return "{" + key + "}"


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


@lru_cache(maxsize=1)
def countries() -> dict:
    """ISO 3166 alpha-3 code → {"zh": name, "en": name}, from ``toolkit/reference/countries.yaml``.

    >>> countries()["CHN"]
    {'zh': '中国', 'en': 'China'}
    """
    root = resources.files("toolkit") / "reference"
    return yaml.safe_load((root / "countries.yaml").read_text("utf-8"))["countries"]


def _present(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def city_name(name: str, lang: str) -> str:
    """A city's name in ``lang`` (the English name from ``cities.yaml``; unknown names unchanged).

    Examples
    --------
    >>> city_name("青岛市", "en"), city_name("青岛市", "zh"), city_name("Atlantis", "en")
    ('Qingdao', '青岛市', 'Atlantis')
    """
    if not isinstance(name, str):
        return ""  # a framework without cities
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
    if not isinstance(name, str):
        return ""  # a framework without industries
    if lang == "zh":
        return str(name)
    return _reference()[1].get(str(name), str(name))


def region_name(fw, value, lang: str) -> str:
    """A value of the framework's region column in ``lang`` (a city's English name from
    ``cities.yaml``; a value it does not know unchanged; "" when missing)."""
    return city_name(value, lang)


def peer_name(fw, value, lang: str) -> str:
    """A value of the framework's peer column in ``lang`` (from ``industries.yaml`` where it has
    the value; otherwise unchanged; "" when missing)."""
    return industry_name(value, lang)


def _translate(fw, column: str, value, lang: str) -> str:
    if column == fw.region_column:
        return region_name(fw, value, lang)
    if column == fw.peer_column:
        return peer_name(fw, value, lang)
    return "" if not isinstance(value, str) else value


def unit_name(row, lang: str, fw) -> str:
    """A unit's name in ``lang``: for country codes (``names: iso3166``) the country's name in
    that language (Unicode CLDR: a data file's own spelling may be garbled, as the HDR file's
    Côte d'Ivoire is); the framework's name column in that language; else the name column as in
    the data (the unit id when there is none); in English composed by the framework's ``reporting.name_en`` template when every
    column it names has an English name and the Chinese name ends with the unit noun (else the
    name as written).

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> row = {"unit_id": "SD-B001", "brain_name": "青岛市即墨区生物医药产业大脑", "city": "青岛市", "industry": "生物医药"}
    >>> unit_name(row, "en", load_framework()), unit_name(row, "zh", load_framework())
    ('Qingdao Biomedicine Industrial Brain', '青岛市即墨区生物医药产业大脑')
    >>> unit_name({"unit_id": "NOR", "country": "Norway"}, "zh", load_framework("undp_hdi"))
    '挪威'
    >>> unit_name({"unit_id": "NOR", "country": "Norway"}, "en", load_framework("undp_hdi"))
    'Norway'
    """
    if fw.id_names == "iso3166":  # country codes: the name in the page's language (Unicode CLDR),
        known = countries().get(str(row.get("unit_id")))  # the same on every page, whatever the data wrote
        if known:
            return known[lang]
    declared = {c.name: c.lang for c in fw.unit_columns if c.role == "name"}
    for col in fw.name_columns(lang):  # a name column in the page's language first
        if declared[col] == lang and _present(row.get(col)):
            return str(row[col])
    col = next((c for c in fw.name_columns(lang) if _present(row.get(c))), None)
    name = str(row[col]) if col else str(row["unit_id"])
    template = fw.wording.name_en
    if lang == "zh" or not template or not name.endswith(fw.wording.unit.zh):
        return name
    import re

    parts = {}
    for c in re.findall(r"{(\w+)}", template):
        raw = row.get(c)
        parts[c] = _translate(fw, c, raw, "en")
        if not isinstance(raw, str) or not parts[c] or parts[c] == raw:
            return name  # a value without an English name: the name as written
    return template.format(**parts)


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
