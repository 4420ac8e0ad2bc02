"""``index.html`` of a report run: every report with its headline figures and a link.

Everything that comes from the data is escaped; links point only at the sanitised file names
chosen by :func:`toolkit.reports.batch.safe_filename`.
"""

from __future__ import annotations

from urllib.parse import quote

from .views import esc, t

STYLE = """
body{font-family:"Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}
th{background:#f4f4f4}.failed{color:#c00}.synthetic{border:2px solid #c00;padding:8px;color:#c00;font-weight:bold}
"""


def index_html(bundle, records: dict, lang: str = "zh", head: str = "") -> str:
    """The run's index page (a complete HTML document)."""
    root = bundle.framework.root.code
    summary = bundle.summary
    iv = bundle.intervals.set_index(["unit_id", "year"]) if len(bundle.intervals) else None
    typ = bundle.typology.set_index("unit_id") if len(bundle.typology) else None
    rows = []
    for rec in sorted(records.values(), key=lambda r: (r.get("by", ""), r.get("target", ""))):
        link = quote(rec["filename"])
        status = rec.get("status", "")
        year = rec.get("year")
        if rec.get("by") == "unit":
            s = summary[(summary["unit_id"] == rec["target"]) & (summary["year"] == year)]
            if s.empty:
                continue
            s = s.iloc[0]
            interval = ""
            if iv is not None and (rec["target"], year) in iv.index:
                r = iv.loc[(rec["target"], year)]
                interval = f"{int(r['p05'])}–{int(r['p95'])}"
            label = typ.at[rec["target"], f"label_{lang}"] if typ is not None and rec["target"] in typ.index else ""
            cells = [s["brain_name"], s.get("city", ""), s.get("industry", ""), f"{s[root]:.1f}", f"{int(s['rank'])}",
                     interval, label]
        else:
            s = summary[(summary["city"] == rec["target"]) & (summary["year"] == year)]
            cells = [rec["target"], str(len(s)), f"{s[root].mean():.1f}" if len(s) else "",
                     str(int(s["rank"].min())) if len(s) else ""]
        name = f'<a href="{esc(link)}">{esc(cells[0])}</a>' if status == "ok" else esc(cells[0])
        body = "".join(f"<td>{esc(c)}</td>" for c in cells[1:])
        cls = ' class="failed"' if status == "failed" else ""
        rows.append(f"<tr{cls}><td>{name}</td>{body}<td>{esc(status)}</td></tr>")
    by = next(iter(records.values()), {}).get("by", "unit")
    if by == "unit":
        heads = [t("brain", lang), t("city", lang), t("industry", lang), t("composite", lang), t("rank", lang),
                 t("interval", lang), t("type", lang)]
    else:
        heads = [t("city", lang), t("n_brains", lang), t("mean_score", lang), t("best_rank", lang)]
    heads.append("状态" if lang == "zh" else "Status")
    header_cells = "".join(f"<th>{esc(h)}</th>" for h in heads)
    banner = f'<div class="synthetic">{esc(t("synthetic", lang))}</div>' if bundle.synthetic else ""
    title = "产业大脑评价报告" if lang == "zh" else "Industrial Brain reports"
    meta = bundle.meta
    foot = (f"spec {esc(meta.get('spec_name'))} · toolkit {esc(meta.get('toolkit_version'))} · "
            f"data sha256 {esc(str(meta.get('source_sha256', ''))[:16])}… · {esc(meta.get('computed_at'))}")
    return (f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{STYLE}{head}</style></head><body>{banner}<h1>{esc(title)}</h1>"
            f"<table><thead><tr>{header_cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p style='color:#666'>{foot}</p></body></html>\n")
