"""The page audit (issue 22): every report page of three frameworks, in both languages, as a
reader's browser shows it.

The profile, the region report (Shandong: a city; the HDI and ASEM declare no region) and the
overview are rendered for the Shandong demo, the UNDP HDI (``../shared/data/hdi``) and COINr's
ASEM example (``../shared/data/asem``), in Chinese and English, and loaded in one headless
Chromium (Playwright driving the system browser) at 1280 and 390 px with every request that
leaves the page refused. For every page:

* every plotted value lies inside its chart's axis (``data-lo``/``data-hi``), no chart is empty,
  and the values use the axis (the largest reaches at least a fifth of it: a 0–1 index on a
  0–100 axis is a row of slivers);
* no framework code appears where the framework gives a name;
* no word of the other language appears, outside text marked as such (``lang=``: an official
  name) and the provenance table (file names, hashes);
* nothing overflows the body at 390 px except inside a scroll box, and no chart text is clipped;
* every CJK character has a glyph in the embedded font, and no request left the page;
* the composite score shown for a unit is the built value rounded at the run's precision
  (3 decimals for the HDI, whose specification ranks at 3).

Needs Chromium (``make browser``) and Playwright; the HDI and ASEM pages need ``../shared/data``
(or ``TOOLKIT_SHARED_DATA``).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest

from toolkit.reports.screenshot import find_chromium

from ..conftest import ROOT, SHARED_DATA, SHARED_DATA_MISSING

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed: run `make browser`")]

CASES = {  # data, spec, targets rendered, by
    "shandong": (ROOT / "data" / "raw" / "demo_synthetic_returns.csv", ROOT / "configs" / "default.yaml",
                 ["SD-B010", "菏泽市"], "all"),
    "hdi": (SHARED_DATA / "hdi" / "hdr2023_24_hdi_2022.csv", ROOT / "configs" / "hdi.yaml", ["CHN", "NOR"], "unit"),
    "asem": (SHARED_DATA / "asem" / "iData.csv", ROOT / "configs" / "asem.yaml", ["IND"], "unit"),
}
WIDTHS = (1280, 390)

AUDIT = r"""() => {
const out = {charts: [], overflow: [], clipped: [], tiny: [], tables: [], text: '',
             width: document.documentElement.scrollWidth};
document.querySelectorAll('table').forEach(tb => out.tables.push(
  Array.from(tb.rows).slice(0, 400).map(r => Array.from(r.cells).map(c => c.innerText.trim()))));
const vw = window.innerWidth;
document.querySelectorAll('svg.chart').forEach((svg, i) => {
  const lo = parseFloat(svg.dataset.lo), hi = parseFloat(svg.dataset.hi);
  const vals = (svg.dataset.values || '').split(' ').filter(s => s).map(Number);
  out.charts.push({i, title: (svg.querySelector('title') || {}).textContent, lo, hi, vals,
                   has_axis: svg.hasAttribute('data-lo')});
  const vb = svg.viewBox.baseVal, scale = svg.getScreenCTM().a;
  svg.querySelectorAll('text').forEach(t => { const px = parseFloat(t.getAttribute('font-size') || 13) * scale;
    if (t.textContent.trim() && px < 7) out.tiny.push(i + ':' + t.textContent + ':' + px.toFixed(1) + 'px'); });
  svg.querySelectorAll('text').forEach(t => { const b = t.getBBox();
    if (b.x < vb.x - 1 || b.y < vb.y - 1 || b.x + b.width > vb.x + vb.width + 1 || b.y + b.height > vb.y + vb.height + 1)
      out.clipped.push(i + ':' + t.textContent); });
});
function scrolls(el) { for (let p = el.parentElement; p; p = p.parentElement) {
  const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; }
document.body.querySelectorAll('*').forEach(el => { const r = el.getBoundingClientRect();
  if (r.width && r.right > vw + 1 && !scrolls(el)) out.overflow.push(el.tagName + '.' + el.className + ':' +
    (el.textContent || '').slice(0, 40) + ':' + Math.round(r.right)); });
// the visible text, one text node at a time (SVG labels are separate words), without the
// provenance (file names, hashes) and text marked as another language (an official name)
const skip = 'style,script,title,.provenance,[lang]';
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const parts = [];
for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!n.parentElement.closest(skip)) parts.push(n.textContent);
out.text = parts.join(' ');
return out; }"""


def _build(tmp_root: Path) -> dict:
    from toolkit.data.read import read_indicators
    from toolkit.index.spec import load_spec
    from toolkit.reports.batch import run_reports
    from toolkit.studio.compare import write_compare

    pages = {}
    for name, (data, spec, only, by) in CASES.items():
        if name != "shandong" and not SHARED_DATA.is_dir():
            continue
        for lang in ("zh", "en"):
            s = run_reports(data, spec, by=by, only=only, lang=lang, workers=1, executor="serial",
                            out=tmp_root / name, n_uncertainty=8, progress=False, workbook=False)
            assert s.exit_code == 0, s.failed
            for p in sorted(s.run_dir.glob("*.html")):
                pages[(name, lang, p.name)] = p
            # compare (and, for the demo, selection): the nominal spec against equal weights at the top
            data_obj = read_indicators(data, load_spec(spec).framework)
            nominal = load_spec(spec, data_obj.framework)
            top = data_obj.framework.levels[0]
            other = nominal.replace({"name": "variant",
                                     "weights": {top: {"method": "entropy" if name == "hdi" else "equal"}}})
            folder = s.run_dir / "compare"
            extra = {"uspec": ROOT / "configs" / "uncertainty.yaml", "quota": 10, "n": 16} if name == "shandong" else {}
            for p in write_compare(data_obj, [nominal, other], folder, lang=lang, **extra):
                pages[(name, lang, f"compare/{p.name}")] = p
    return pages


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("audit"))


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


def _load(browser, path: Path, width: int) -> tuple[dict, list]:
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    external = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    try:
        page = ctx.new_page()
        page.goto(path.as_uri())
        page.evaluate("document.fonts.ready")
        return page.evaluate(AUDIT), external
    finally:
        ctx.close()


def _words(fw, lang: str) -> str:
    """Every name and unit the framework gives in ``lang`` (a name falls back to the other
    language's): the words a page may show as they are."""
    return " ".join(f"{n.name(lang)} {n.short(lang)} {n.unit if lang == 'zh' else n.unit_en}" for n in fw.nodes())


def _codes(fw, lang: str) -> set[str]:
    """The framework's codes that are not also words of its names in ``lang`` (ASEM's CO2)."""
    words = set(re.findall(r"[\w-]+", _words(fw, lang)))
    return {n.code for n in fw.nodes() if n.code not in words}


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


def page_problems(browser, key, path: Path) -> list:
    """What the audit finds wrong with one page (empty when it passes)."""
    from fontTools.ttLib import TTFont

    from toolkit.reports import facts
    from toolkit.reports.bundle import load_bundle

    name, lang, fname = key
    run_dir = path.parent.parent if path.parent.name == "compare" else path.parent
    bundle = load_bundle(run_dir / "_bundle")
    fw = bundle.framework
    sc = facts.scale(bundle)
    html = path.read_text("utf-8")
    m = re.search(r"base64,([A-Za-z0-9+/=]+)", html)
    cmap = TTFont(io.BytesIO(base64.b64decode(m.group(1)))).getBestCmap() if m else {}
    allowed = set(LATIN_WORD.findall(_words(fw, "zh")))  # names given only in English, units (PFLOPS)
    problems = []
    for width in WIDTHS:
        got, external = _load(browser, path, width)
        where = f"{name}/{lang}/{fname}@{width}"
        if external:
            problems.append((where, "requests left the page", external[:3]))
        charts = [c for c in got["charts"] if c["has_axis"]]
        if not charts and not fname.startswith("compare/"):
            problems.append((where, "no chart"))
        for c in charts:
            if not c["vals"]:
                problems.append((where, "empty chart", c["title"]))
                continue
            outside = [v for v in c["vals"] if not c["lo"] - 1e-9 <= v <= c["hi"] + 1e-9]
            if outside:
                problems.append((where, "values outside the axis", c["title"], c["lo"], c["hi"], outside[:3]))
            if (max(c["vals"]) - c["lo"]) < 0.2 * (c["hi"] - c["lo"]):
                problems.append((where, "values squashed at the bottom of the axis", c["title"], c["hi"],
                                 max(c["vals"])))
        if got["clipped"]:
            problems.append((where, "chart text clipped", got["clipped"][:3]))
        if got["tiny"]:
            problems.append((where, "chart text under 7 px", got["tiny"][:3]))
        if width == 390 and (got["overflow"] or got["width"] > 391):
            problems.append((where, "overflows the body at 390 px", got["width"], got["overflow"][:3]))
        text = got["text"]
        codes = [c for c in _codes(fw, lang) if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
        if codes:
            problems.append((where, "framework codes shown", sorted(codes)[:6]))
        if lang == "en":
            cjk = sorted({ch for ch in text if ord(ch) >= 0x2E80})
            if cjk:
                problems.append((where, "Chinese on an English page", "".join(cjk[:20])))
        else:
            words = sorted(set(LATIN_WORD.findall(text)) - allowed)
            if words:
                problems.append((where, "English on a Chinese page", words[:12]))
        missing = sorted({ch for ch in text if ord(ch) >= 0x2E80 and ord(ch) not in cmap})
        if missing:
            problems.append((where, "glyphs missing from the embedded font", "".join(missing[:20])))
    problems += _scores_shown(bundle, fname, lang, got["tables"], f"{name}/{lang}/{fname}")
    if fname.startswith("unit-"):  # the composite shown is the built value at the run's precision
        unit = next(u for u in bundle.summary["unit_id"] if fname.startswith(f"unit-{u}-"))
        row = facts.unit_row(bundle, unit, bundle.years[-1])
        shown = re.search(r'<div class="k">[^<]*</div><div class="v">([^<]*)</div>', html).group(1)
        if shown != sc.fmt(row[fw.root.code]):
            problems.append((name, lang, fname, "composite shown", shown, "built", row[fw.root.code]))
    return problems


def _scores_shown(bundle, fname: str, lang: str, tables: list, where: str) -> list:
    """Scores in the tables are the built values at the run's precision: the overview's composite
    column (every unit, by rank) and a profile's dimension table."""
    from toolkit.reports import facts
    from toolkit.reports.text import t

    fw = bundle.framework
    sc = facts.scale(bundle)
    year = bundle.years[-1]
    s = facts.year_rows(bundle, year).sort_values("rank", kind="stable")
    out = []
    if fname == "index.html":
        table = next(tb for tb in tables if tb and t("composite", lang) in tb[0])
        j = table[0].index(t("composite", lang))
        shown = [r[j] for r in table[1:]]
        built = [sc.fmt(v) for v in s[fw.root.code]]
        if sorted(shown) != sorted(built):
            out.append((where, "overview composites differ from the built values", shown[:3], built[:3]))
        if not shown:
            out.append((where, "overview shows no composite"))
    elif fname.startswith("unit-"):
        unit = next(u for u in s["unit_id"] if fname.startswith(f"unit-{u}-"))
        row = facts.unit_row(bundle, unit, year)
        dims = [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]
        table = next(tb for tb in tables if tb and tb[0][0] == t("dimension", lang, fw))
        shown = [r[1] for r in table[1:]]
        built = [sc.fmt(row[d]) for d in dims]
        if shown != built:
            out.append((where, "dimension scores differ from the built values", shown, built))
    return out


def test_every_page_passes_the_audit(pages, browser):
    assert pages, "no pages rendered"
    kinds = {f.split("-")[0].split("/")[-1].split(".")[0] for _, _, f in pages}
    assert {"unit", "city", "index", "compare", "selection"} <= kinds, kinds
    problems = [p for key, path in pages.items() for p in page_problems(browser, key, path)]
    assert not problems, "\n".join(map(str, problems))


def test_hdi_shows_three_decimals_on_a_unit_axis(pages):
    """HDI 0.788 is shown as 0.788, on 0–1 axes (China, HDR 2023/24: rank 75, HDI 0.788)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(SHARED_DATA_MISSING)
    page = next(p for (name, lang, f), p in pages.items() if name == "hdi" and lang == "zh" and f.startswith("unit-CHN"))
    html = page.read_text("utf-8")
    assert '<div class="v">0.788</div>' in html and "75 / 193" in html
    assert 'data-lo="0" data-hi="1"' in html and 'data-hi="100"' not in html
    assert "中国" in html and "China" not in re.sub(r"<style.*?</style>", "", html, flags=re.S)
