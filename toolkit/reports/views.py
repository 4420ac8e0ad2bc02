"""What a region report shows, as small functions the report notebook calls.

Every function takes the run's :class:`~toolkit.reports.bundle.Bundle`, a unit (or city) and a year,
and returns something the notebook displays: an ``IPython.display.HTML`` block, a DataFrame
or a matplotlib Figure. Text that comes from the data (brain names, cities, industries) is
always escaped with :func:`html.escape` and tables are rendered with pandas' escaping on, so a
name such as ``<script>`` shows as text and never runs.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

T = {  # interface text in both languages
    "synthetic": ("模拟数据：本报告基于合成的演示数据，并非真实填报结果，不得引用。",
                  "SYNTHETIC DATA: this report uses synthetic demo data, not real returns; do not cite."),
    "composite": ("综合指数", "Composite score"), "rank": ("排名", "Rank"),
    "of": ("共 {n} 个", "of {n}"), "interval": ("90% 排名区间", "90% rank interval"),
    "type": ("类型", "Type"), "year": ("年度", "Year"), "city": ("城市", "City"),
    "industry": ("产业", "Industry"), "county": ("区县", "County/district"),
    "dimension": ("维度", "Dimension"), "score": ("得分", "Score"), "mean": ("全省平均", "Provincial mean"),
    "best": ("最优", "Best unit"), "indicator": ("指标", "Indicator"), "raw": ("原始值", "Raw value"),
    "unit": ("单位", "Unit"), "normalised": ("标准化得分", "Normalised"), "percentile": ("百分位", "Percentile"),
    "weight": ("权重", "Weight"), "obstacle": ("障碍度 (%)", "Obstacle degree (%)"),
    "coupling": ("耦合协调度", "Coupling coordination"), "grade": ("等级", "Grade"),
    "change": ("较上年变化", "Change since previous year"), "none": ("—", "—"),
    "peers": ("同产业产业大脑", "Brains of the same industry"), "brain": ("产业大脑", "Brain"),
    "imputed": ("（缺失，已插补）", " (missing, imputed)"), "provenance": ("数据来源与版本", "Provenance"),
    "brains_in_city": ("本市产业大脑", "Brains in this city"), "n_brains": ("产业大脑数量", "Number of brains"),
    "best_rank": ("最好排名", "Best rank"), "mean_score": ("平均综合指数", "Mean composite"),
}


def t(key: str, lang: str) -> str:
    return T[key][0 if lang == "zh" else 1]


def esc(value) -> str:
    """HTML-escape any value (data never reaches the page unescaped)."""
    return html.escape("" if value is None else str(value), quote=True)


def _html(body: str):
    from IPython.display import HTML

    return HTML(body)


def _unit_row(bundle, unit_id: str, year: int) -> pd.Series:
    s = bundle.summary
    row = s[(s["unit_id"] == unit_id) & (s["year"] == year)]
    if row.empty:
        raise KeyError(f"no result for unit {unit_id!r} in {year}")
    return row.iloc[0]


def dims(bundle) -> list[str]:
    """The nodes shown as dimensions: the framework's dimension level, else the level below the index."""
    fw = bundle.framework
    return [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]


# -- blocks -------------------------------------------------------------------------------------
def banner(bundle, lang: str = "zh"):
    """The synthetic-data notice (empty for real data)."""
    if not bundle.synthetic:
        return _html("")
    return _html(f'<div class="synthetic" style="border:2px solid #c00;padding:8px;color:#c00;'
                 f'font-weight:bold">{esc(t("synthetic", lang))}</div>')


def table(df: pd.DataFrame | None):
    """A DataFrame as an escaped HTML table (only the HTML is built: a report has no use for
    the plain-text form IPython would also format). The view functions round their numbers."""
    if df is None:
        return _html("")
    return _html(df.to_html(escape=True, border=0, classes="dataframe", na_rep="—"))


def heading(text_zh: str, text_en: str, lang: str = "zh", level: int = 2):
    return _html(f"<h{level}>{esc(text_zh if lang == 'zh' else text_en)}</h{level}>")


def headline(bundle, unit_id: str, year: int, lang: str = "zh") -> dict:
    """The headline figures of a unit: composite, rank of n, rank interval, type label."""
    row = _unit_row(bundle, unit_id, year)
    root = bundle.framework.root.code
    iv = bundle.intervals
    iv = iv[(iv["unit_id"] == unit_id) & (iv["year"] == year)]
    typ = bundle.typology[bundle.typology["unit_id"] == unit_id]
    label = typ[f"label_{lang}"].iloc[0] if len(typ) else None
    return {"name": row["brain_name"], "city": row.get("city"), "industry": row.get("industry"), "year": int(year),
            "composite": float(row[root]), "rank": int(row["rank"]), "n": int(row["n_units"]),
            "p05": int(iv["p05"].iloc[0]) if len(iv) else int(row["rank"]),
            "p95": int(iv["p95"].iloc[0]) if len(iv) else int(row["rank"]), "type": label}


def close(fig) -> None:
    """Close a figure after displaying it (a report never leaks figures into the next one)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def city_units(bundle, city: str, year: int) -> list[str]:
    s = bundle.summary[(bundle.summary["year"] == year) & (bundle.summary["city"] == city)]
    return list(s.sort_values("rank")["unit_id"])


def headline_html(bundle, unit_id: str, year: int, lang: str = "zh", level: int = 1):
    h = headline(bundle, unit_id, year, lang)
    cells = [
        (t("composite", lang), f"{h['composite']:.1f}"),
        (t("rank", lang), f"{h['rank']} / {h['n']}"),
        (t("interval", lang), f"{h['p05']}–{h['p95']}"),
        (t("type", lang), h["type"] or t("none", lang)),
    ]
    boxes = "".join(f'<div class="kpi" style="display:inline-block;margin:4px 18px 4px 0">'
                    f'<div style="color:#666;font-size:90%">{esc(k)}</div>'
                    f'<div style="font-size:160%;font-weight:bold">{esc(v)}</div></div>' for k, v in cells)
    parts = [x for x in (h["city"], h["industry"]) if isinstance(x, str)]  # a framework may lack both
    sub = " · ".join(esc(x) for x in (*parts, f"{t('year', lang)} {h['year']}"))
    return _html(f"<h{level}>{esc(h['name'])}</h{level}><p>{sub}</p><div>{boxes}</div>")


def dimension_table(bundle, unit_id: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """Dimension scores of the unit against the provincial mean and the best unit."""
    s = bundle.summary[bundle.summary["year"] == year]
    row = _unit_row(bundle, unit_id, year)
    fw = bundle.framework
    out = pd.DataFrame({
        t("dimension", lang): [fw.label(d, lang) for d in dims(bundle)],
        t("score", lang): [row[d] for d in dims(bundle)],
        t("mean", lang): [s[d].mean() for d in dims(bundle)],
        t("best", lang): [s[d].max() for d in dims(bundle)],
        t("rank", lang): [int((s[d] > row[d]).sum() + 1) for d in dims(bundle)],
    })
    return out.round(1).set_index(t("dimension", lang))


def radar(bundle, unit_id: str, year: int, lang: str = "zh"):
    """Radar of the unit's dimension scores, the provincial mean and the best unit."""
    import matplotlib.pyplot as plt

    from ..viz.fonts import register_cjk_font

    register_cjk_font()
    tab = dimension_table(bundle, unit_id, year, lang)
    angles = np.linspace(0, 2 * np.pi, len(tab), endpoint=False)
    closed = np.append(angles, angles[0])
    fig = plt.figure(figsize=(4.6, 4.6), dpi=90)
    ax = fig.add_axes((0.15, 0.18, 0.7, 0.7), projection="polar")
    styles = [(t("score", lang), "tab:red", "-"), (t("mean", lang), "black", "--"), (t("best", lang), "tab:green", ":")]
    for col, color, ls in styles:
        v = tab[col].to_numpy(dtype=float)
        ax.plot(closed, np.append(v, v[0]), color=color, ls=ls, lw=1.8, label=col)
    ax.fill(closed, np.append(tab.iloc[:, 0].to_numpy(float), tab.iloc[0, 0]), color="tab:red", alpha=0.1)
    ax.set_xticks(angles, list(tab.index), fontsize=8)
    ax.set_ylim(0, 100)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=3, frameon=False, fontsize=8)
    return fig


def indicator_table(bundle, unit_id: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """Raw value with unit, normalised score, percentile and effective weight per indicator."""
    fw = bundle.framework
    lv = bundle.leaves
    lv = lv[(lv["unit_id"] == unit_id) & (lv["year"] == year)]
    rows = []
    for r in lv.itertuples(index=False):
        node = fw.node(r.code)
        unit = node.measured_unit or node.unit
        raw = t("none", lang) + t("imputed", lang) if r.imputed else f"{r.raw:,.4g}"
        rows.append({t("indicator", lang): f"{r.code} {node.name(lang)}", t("raw", lang): raw,
                     t("unit", lang): unit if lang == "zh" else node.unit_en,
                     t("normalised", lang): round(r.normalised, 1), t("percentile", lang): round(r.percentile),
                     t("weight", lang): round(r.weight, 4)})
    return pd.DataFrame(rows).set_index(t("indicator", lang))


def obstacle_table(bundle, unit_id: str, year: int, lang: str = "zh", k: int = 5) -> pd.DataFrame:
    ob = bundle.obstacles
    ob = ob[(ob["unit_id"] == unit_id) & (ob["year"] == year)].sort_values("rank").head(k)
    fw = bundle.framework
    return pd.DataFrame({t("indicator", lang): [f"{c} {fw.node(c).name(lang)}" for c in ob["code"]],
                         t("obstacle", lang): ob["obstacle"].round(1).to_numpy()}, index=ob["rank"].to_numpy())


def coupling_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    cc = bundle.coupling
    row = cc[(cc["unit_id"] == unit_id) & (cc["year"] == year)].iloc[0]
    grade = row["grade_zh"] if lang == "zh" else row["grade_en"]
    return _html(f"<p>{esc(t('coupling', lang))} D = {row['D']:.3f} (C = {row['C']:.3f}, T = {row['T']:.3f}) · "
                 f"{esc(t('grade', lang))}: <b>{esc(grade)}</b></p>")


def change_table(bundle, unit_id: str, year: int, lang: str = "zh") -> pd.DataFrame | None:
    """Scores and rank in the previous year and now, where two years exist."""
    years = [y for y in bundle.years if y < year]
    if not years:
        return None
    prev = years[-1]
    a, b = _unit_row(bundle, unit_id, prev), _unit_row(bundle, unit_id, year)
    root = bundle.framework.root.code
    codes = dims(bundle) + [root]
    labels = [bundle.framework.label(c, lang) if c != root else t("composite", lang) for c in codes]
    out = pd.DataFrame({str(prev): [a[c] for c in codes], str(year): [b[c] for c in codes]}, index=labels)
    out[t("change", lang)] = out[str(year)] - out[str(prev)]
    out.loc[t("rank", lang)] = [a["rank"], b["rank"], b["rank"] - a["rank"]]
    return out.round(1)


def peer_table(bundle, unit_id: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """All brains of the same industry in that year, by rank (None when the framework has no
    industry column: the report leaves the section out)."""
    s = bundle.summary[bundle.summary["year"] == year]
    if "industry" not in s:
        return None
    ind = _unit_row(bundle, unit_id, year)["industry"]
    peers = s[s["industry"] == ind].sort_values("rank")
    root = bundle.framework.root.code
    out = peers[["brain_name", "city", root, "rank"] + dims(bundle)].round(1)
    return out.rename(columns={"brain_name": t("brain", lang), "city": t("city", lang),
                               root: t("composite", lang), "rank": t("rank", lang)}).set_index(t("brain", lang))


def city_table(bundle, city: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """The brains of one city: score, rank, interval and type."""
    s = bundle.summary[(bundle.summary["year"] == year) & (bundle.summary["city"] == city)]
    if s.empty:
        raise KeyError(f"no brains in {city!r} in {year}")
    root = bundle.framework.root.code
    iv = bundle.intervals[bundle.intervals["year"] == year].set_index("unit_id")
    typ = bundle.typology.set_index("unit_id")
    out = pd.DataFrame({
        t("brain", lang): s["brain_name"].to_numpy(), t("industry", lang): s["industry"].to_numpy(),
        t("composite", lang): s[root].round(1).to_numpy(), t("rank", lang): s["rank"].to_numpy(),
        t("interval", lang): [f"{int(iv.at[u, 'p05'])}–{int(iv.at[u, 'p95'])}" if u in iv.index else ""
                              for u in s["unit_id"]],
        t("type", lang): [typ.at[u, f"label_{lang}"] if u in typ.index else "" for u in s["unit_id"]],
    }, index=s["unit_id"].to_numpy())
    return out.sort_values(t("rank", lang))


def city_headline_html(bundle, city: str, year: int, lang: str = "zh"):
    tab = city_table(bundle, city, year, lang)
    cells = [(t("n_brains", lang), len(tab)), (t("mean_score", lang), f"{tab[t('composite', lang)].mean():.1f}"),
             (t("best_rank", lang), f"{tab[t('rank', lang)].min()} / {int(bundle.summary.query('year == @year').shape[0])}")]
    boxes = "".join(f'<div style="display:inline-block;margin:4px 18px 4px 0"><div style="color:#666">{esc(k)}</div>'
                    f'<div style="font-size:160%;font-weight:bold">{esc(v)}</div></div>' for k, v in cells)
    return _html(f"<h1>{esc(city)} · {esc(t('year', lang))} {int(year)}</h1><div>{boxes}</div>")


def provenance_html(bundle, lang: str = "zh"):
    m = bundle.meta
    items = [("input", f"{m.get('source')} (sha256 {str(m.get('source_sha256', ''))[:16]}…)"),
             ("spec", f"{m.get('spec_name')} (sha256 {str(m.get('spec_sha256', ''))[:16]}…)"),
             ("framework", f"{m.get('framework')} v{m.get('framework_version')}"),
             ("toolkit", m.get("toolkit_version")), ("computed", m.get("computed_at")),
             ("rank intervals", f"{m.get('n_uncertainty')} Monte Carlo replications, seed {m.get('seed')}"),
             ("synthetic", "yes — demo data" if m.get("synthetic") else "no")]
    rows = "".join(f"<tr><th style='text-align:left;padding-right:12px'>{esc(k)}</th><td>{esc(v)}</td></tr>"
                   for k, v in items)
    return _html(f"<table class='provenance'>{rows}</table>")
