"""The HTML document around a report: head, title, stylesheet for screen and A4 print.

Every page is self-contained: no script, font or stylesheet from the network (the CJK font is
embedded as a data: URL, the figures are inline SVG). It has a viewport meta so it reads on a
phone at 390 px (wide tables scroll inside their box), its ``<title>`` is "name · year", and
its print stylesheet sets A4, keeps headings with what follows and never splits a table row.
Printed, a figure takes the page's width up to its own (``max-width``: the size it is drawn
at) and the "position" charts go two to a row, so no chart label is smaller than 7 pt.
"""

from __future__ import annotations

from .text import esc

STYLE = """
*{box-sizing:border-box}
body{font-family:"Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0 auto;padding:16px 20px;
max-width:1180px;color:#222;line-height:1.5;font-size:15px}
h1{font-size:1.6em;margin:.4em 0 .1em}h2{font-size:1.25em;border-bottom:2px solid #1f6fb2;padding-bottom:2px;
margin:1.2em 0 .5em}h3{font-size:1.05em;margin:.6em 0 .3em}
.sub{color:#555;margin:.1em 0}.nav{font-size:.92em;margin-bottom:6px}.nav a{color:#1f6fb2}
.synthetic{border:2px solid #c00;padding:8px;color:#c00;font-weight:bold;margin:6px 0}
.notice{background:#fff6e0;border-left:4px solid #e0a800;padding:6px 10px;margin:6px 0}
.nc{color:#777;font-style:italic}.note{color:#555;font-size:.9em;margin:.3em 0}
.summary{font-size:1.02em;background:#f5f8fc;border-left:4px solid #1f6fb2;padding:8px 12px}
.kpis{display:flex;flex-wrap:wrap;gap:8px 22px;margin:8px 0}.kpi .k{color:#666;font-size:.85em}
.kpi .v{font-size:1.55em;font-weight:bold;line-height:1.2}.kpi .s{color:#777;font-size:.8em}
.tbl{overflow-x:auto;max-width:100%;margin:6px 0}
table{border-collapse:collapse;font-size:.9em}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f2f4f7;white-space:nowrap}
td:first-child{min-width:8em}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.provenance th{background:none;white-space:nowrap}
table.sortable td{white-space:nowrap}
table.indicators td:nth-child(2){white-space:nowrap}table.ranking td:last-child{min-width:14em}
figure{margin:4px 0}svg.chart{display:block;height:auto}
.row{display:flex;flex-wrap:wrap;gap:10px 24px;align-items:flex-start}.row>*{flex:1 1 380px;min-width:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:4px 18px}
.failed{color:#c00}footer{color:#666;font-size:.85em;margin-top:2em}code{font-family:inherit;color:#1f4e79}.synthetic code{color:inherit}
input.filter{padding:4px 8px;font:inherit;margin:4px 0;max-width:100%}
.print-only{display:none}caption{caption-side:top;text-align:left;color:#555;font-size:.9em}
th.sortable{cursor:pointer;white-space:nowrap}th.sortable:after{content:" ⇅";color:#aaa}
@media (max-width:600px){body{padding:10px;font-size:14px}.row>*{flex-basis:100%}
.grid{grid-template-columns:1fr}.kpi .v{font-size:1.3em}
table.units td:first-child{min-width:0}table.units td:nth-child(2){white-space:normal;min-width:9em;max-width:11em}
figure{overflow-x:auto;max-width:100%}svg.chart.wide{min-width:540px}}
@page{size:A4;margin:14mm 12mm 14mm 12mm}
@media print{body{max-width:none;padding:0;font-size:8.6pt;line-height:1.35}h1{font-size:15pt}
h2{font-size:11.5pt;margin:.7em 0 .3em}h3{font-size:10pt}
h1,h2,h3{break-after:avoid;page-break-after:avoid}section>h2+*{break-before:avoid}
section.keep{break-inside:avoid;page-break-inside:avoid}
tr,figure,.kpis,.summary,.notice{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}.tbl{overflow:visible}.nav,input.filter{display:none}
table{font-size:8pt}td,th{padding:1px 5px}
.screen-only{display:none}.print-only{display:block}th,th.num{white-space:normal}
td{white-space:normal !important}td.num{white-space:nowrap !important}td:first-child{min-width:0}
td:first-child:not(.num){min-width:8em}table.ranking td:last-child{min-width:0}.row>*{min-width:auto}
.grid{grid-template-columns:repeat(2,1fr);gap:0 14px}.row>*{flex:1 1 48%}.row>figure{flex-basis:100%}
svg.chart{margin:0 auto}svg.bump{max-width:100%;height:auto}
figure.narrow{max-width:62%}.kpi .v{font-size:1.3em}
a{color:inherit;text-decoration:none}}
"""


def document(title: str, body: str, lang: str = "zh", head: str = "", script: str = "") -> str:
    """A complete, self-contained HTML document.

    Parameters
    ----------
    title : the page's ``<title>`` (escaped), e.g. "济南市 · 2025"
    body : HTML of the body (already escaped where it holds data)
    head : extra CSS (e.g. the embedded font's ``@font-face``)
    script : inline JavaScript (small; never loaded from the network)

    Returns
    -------
    str
        The HTML text, with a viewport meta and no reference to the network.

    Examples
    --------
    >>> page = document("A · 2025", "<p>x</p>", "en")
    >>> '<meta name="viewport"' in page and "<title>A · 2025</title>" in page and "http" not in page.split("<body>")[0]
    True
    """
    js = f"<script>{script}</script>" if script else ""
    if '<div class="synthetic">' in body:  # the synthetic-data note at the top of every printed page
        from .text import t

        note = t("synthetic", lang).replace("\\", "").replace('"', "'")
        head += (f'@page{{@top-center{{content:"{note}";color:#c00;font-size:7.5pt;font-weight:bold;'
                 'font-family:"Noto Sans SC Embedded","Noto Sans SC",sans-serif}}')

    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{STYLE}{head}</style></head>"
            f"<body>{body}{js}</body></html>\n")
