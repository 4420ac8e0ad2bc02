"""The pieces every figure module shares: axis texts in both languages, a figure without
pyplot, labels from the framework, and the checks of the data a figure is given."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import DataError
from .fonts import register_cjk_font

TEXT = {
    "zh": {"count": "频数", "missing": "缺失", "present": "有数据", "missing_share": "缺失比例",
           "overall_missing": "缺失单元格占比 {:.1%}", "corr": "相关系数", "eigenvalue": "特征值",
           "cumulative": "累计方差贡献率", "component": "主成分", "kaiser": "特征值 = 1",
           "pc": "主成分{} ({:.1%})", "distance": "距离", "silhouette": "轮廓系数",
           "mean": "均值 {:.2f}", "cluster": "类别", "overall": "总体均值", "score": "得分",
           "rank": "排名（1 = 最好）", "nominal": "名义排名", "median": "中位数排名",
           "interval": "5%–95% 区间", "s1": "一阶指数 S1", "st": "总效应指数 ST",
           "sobol": "Sobol 敏感性指数", "unit": "单元", "weight": "权重",
           "rank_shift": "相对 {} 的排名变化（负 = 上升）"},
    "en": {"count": "Count", "missing": "missing", "present": "present", "missing_share": "Missing",
           "overall_missing": "{:.1%} of cells missing", "corr": "Correlation",
           "eigenvalue": "Eigenvalue", "cumulative": "Cumulative explained variance",
           "component": "Component", "kaiser": "eigenvalue = 1", "pc": "PC{} ({:.1%})",
           "distance": "Distance", "silhouette": "Silhouette coefficient", "mean": "mean {:.2f}",
           "cluster": "Cluster", "overall": "Overall mean", "score": "Score",
           "rank": "Rank (1 = best)", "nominal": "nominal rank", "median": "median rank",
           "interval": "5th–95th percentile", "s1": "First order S1", "st": "Total effect ST",
           "sobol": "Sobol sensitivity index", "unit": "Unit", "weight": "Weight",
           "rank_shift": "Rank change against {} (negative = rises)"},
}


def axis_text(lang: str) -> dict:
    if lang not in TEXT:
        raise DataError(f"lang must be 'zh' or 'en', got {lang!r}")
    register_cjk_font()
    return TEXT[lang]


def new_figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    fig = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def wrap_label(code, framework, lang: str, with_code: bool = True, width: int | None = None) -> str:
    text = framework.label(code, lang, with_code=with_code) if framework is not None and \
        isinstance(code, str) and code in framework else str(code)
    return "\n".join(textwrap.wrap(text, width)) if width else text


def as_frame(X, name: str) -> pd.DataFrame:
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if not isinstance(X, pd.DataFrame) or X.empty:
        raise DataError(f"{name}: expected a non-empty DataFrame")
    return X


def need_columns(df: pd.DataFrame, cols, name: str) -> pd.DataFrame:
    missing = [c for c in cols if c not in df]
    if missing:
        raise DataError(f"{name}: missing column(s) {missing}; expected {list(cols)}")
    return df
