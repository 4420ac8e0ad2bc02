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

import re
from pathlib import Path

import pytest

from toolkit.reports.screenshot import find_chromium

from ..conftest import ROOT, SHARED_DATA, SHARED_DATA_MISSING
from .audit import (
    check_charts,
    check_glyphs,
    check_language,
    check_layout,
    check_requests,
    chromium,
    font_cmap,
    load_page,
)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed: run `make browser`")]

CASES = {  # data, spec, targets rendered, by
    "shandong": (ROOT / "data" / "raw" / "demo_synthetic_returns.csv", ROOT / "configs" / "default.yaml",
                 ["SD-B010", "菏泽市"], "all"),
    "hdi": (SHARED_DATA / "hdi" / "hdr2023_24_hdi_2022.csv", ROOT / "configs" / "hdi.yaml", ["CHN", "NOR"], "unit"),
    "asem": (SHARED_DATA / "asem" / "iData.csv", ROOT / "configs" / "asem.yaml", ["IND"], "unit"),
}
WIDTHS = (1280, 390)


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
    with chromium() as b:
        yield b


def page_problems(browser, key, path: Path) -> list:
    """What the audit finds wrong with one page (empty when it passes)."""
    from toolkit.reports import facts
    from toolkit.reports.bundle import load_bundle

    name, lang, fname = key
    run_dir = path.parent.parent if path.parent.name == "compare" else path.parent
    bundle = load_bundle(run_dir / "_bundle")
    fw = bundle.framework
    sc = facts.scale(bundle)
    html = path.read_text("utf-8")
    cmap = font_cmap(html)
    problems = []
    for width in WIDTHS:
        got, external = load_page(browser, path, width)
        where = f"{name}/{lang}/{fname}@{width}"
        problems += (check_requests(where, external) + check_charts(where, got, not fname.startswith("compare/"))
                     + check_layout(where, got, width) + check_language(where, got["text"], fw, lang)
                     + check_glyphs(where, got["text"], cmap))
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
