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

import functools
import re
from pathlib import Path

import pytest

from toolkit.reports.screenshot import find_chromium

from ..conftest import ROOT, SHARED_DATA, SHARED_DATA_MISSING
from .audit import (
    A4_WIDTH,
    Tab,
    bundle_results,
    bundle_values,
    check_chart_labels,
    check_charts,
    check_glyphs,
    check_labels_language,
    check_language,
    check_layout,
    check_platform_fonts,
    check_plotted,
    check_print,
    check_print_fit,
    check_requests,
    check_score_column_on_screen,
    check_scores,
    check_unmarked,
    check_values,
    chromium_without_cjk,
    compare_values,
    font_cmap,
    load_print,
    load_widths,
    platform_fonts,
)
from .conftest import OTHER_N_UNCERTAINTY, link_bundle

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed: run `make browser`")]

CASES = {  # data, spec, targets rendered, by
    "shandong": (ROOT / "data" / "raw" / "demo_synthetic_returns.csv", ROOT / "configs" / "default.yaml",
                 ["SD-B010", "菏泽市"], "all"),
    "hdi": (SHARED_DATA / "hdi" / "hdr2023_24_hdi_2022.csv", ROOT / "configs" / "hdi.yaml", ["CHN", "NOR"], "unit"),
    "asem": (SHARED_DATA / "asem" / "iData.csv", ROOT / "configs" / "asem.yaml", ["IND"], "unit"),
}
WIDTHS = (1280, 390)


def _build(tmp_root: Path, demo_runs: dict, bundles: dict) -> tuple[dict, dict, dict]:
    """Every page of every case in both languages (``(case, lang, file)`` → its path), each
    case's ranks by specification (computed here by ``build_index``, for the compare page's
    marks) and its results. The demo's report pages are the session's rendered demo runs
    (``demo_runs``: lang → run, shared with the other report tests, read only); the HDI's and
    ASEM's are rendered here from the session's bundles of them (``bundles``: name → folder, read
    only); the comparison pages are written under ``tmp_root`` beside a link to their run's bundle."""
    from toolkit.data.read import read_indicators
    from toolkit.index.build import build_index
    from toolkit.index.spec import load_spec
    from toolkit.reports.batch import run_reports
    from toolkit.robustness.selection import selection
    from toolkit.studio.compare import compare_html, compare_specs, selection_html

    pages, ranks, values = {}, {}, {}
    for name, (data, spec, only, by) in CASES.items():
        if name != "shandong" and not SHARED_DATA.is_dir():
            continue
        # compare (and, for the demo, selection): the nominal spec against equal weights at the top,
        # computed once and shown in both languages
        data_obj = read_indicators(data, load_spec(spec).framework)
        nominal = load_spec(spec, data_obj.framework)
        top = data_obj.framework.levels[0]
        other = nominal.replace({"name": "variant",
                                 "weights": {top: {"method": "entropy" if name == "hdi" else "equal"}}})
        results = {s.name: build_index(data_obj, s) for s in (nominal, other)}
        ranks[name] = {k: r.rank for k, r in results.items()}
        c = compare_specs(data_obj, [nominal, other])
        sel = (selection(data_obj, nominal, ROOT / "configs" / "uncertainty.yaml", quota=10, year=c.year, n=16)
               if name == "shandong" else None)
        values[name] = compare_values(results, c.year, sel)
        for lang in ("zh", "en"):
            if name == "shandong":
                s = demo_runs[lang]
            else:
                out = tmp_root / name
                if not out.exists():
                    link_bundle(out, bundles[name])
                s = run_reports(data, spec, by=by, only=only, lang=lang, workers=1, executor="serial",
                                out=out, n_uncertainty=OTHER_N_UNCERTAINTY, progress=False, workbook=False)
                assert s.exit_code == 0, s.failed
            for p in sorted(s.run_dir.glob("*.html")):
                pages[(name, lang, p.name)] = p
            folder = tmp_root / "compare" / f"{name}-{lang}" / "compare"
            folder.mkdir(parents=True)
            (folder.parent / "_bundle").symlink_to(s.run_dir / "_bundle", target_is_directory=True)
            shown = {"compare.html": compare_html(c, lang)}
            if sel is not None:
                shown["selection.html"] = selection_html(sel, c.names, c.synthetic, lang, c, 16)
            for fname, html in shown.items():
                (folder / fname).write_text(html, encoding="utf-8")
                pages[(name, lang, f"compare/{fname}")] = folder / fname
    return pages, ranks, values


@pytest.fixture(scope="module")
def built(request, tmp_path_factory, demo_run, demo_run_en):
    bundles = request.getfixturevalue("other_bundle_dirs") if SHARED_DATA.is_dir() else {}
    return _build(tmp_path_factory.mktemp("audit"), {"zh": demo_run, "en": demo_run_en}, bundles)


@pytest.fixture(scope="module")
def pages(built):
    return built[0]


@pytest.fixture(scope="module")
def no_cjk(tmp_path_factory):
    """Chromium with no system CJK font, and the character maps of the fonts it has."""
    with chromium_without_cjk(tmp_path_factory.mktemp("fonts")) as got:
        yield got


@pytest.fixture(scope="module")
def browser(no_cjk):
    """One page of that Chromium, loaded again for every page audited (:class:`audit.Tab`)."""
    with Tab(no_cjk[0]) as tab:
        yield tab


def bundle_at(folder: Path):
    """The bundle in ``folder``, read once for every page of its run, its comparison pages'
    link to it included (``load_bundle``'s own cache holds the last four: fewer than the runs
    audited here)."""
    return _bundle_in(folder.resolve())


@functools.cache
def _bundle_in(folder: Path):
    from toolkit.reports.bundle import load_bundle

    return load_bundle(folder)


_PER_BUNDLE: dict = {}


def per_bundle(make, bundle, *args):
    """``make(bundle, *args)``, made once for each bundle (and arguments) however many pages of
    its run are audited: the functions of :func:`bundle_values` and :func:`bundle_results`
    remember every value they compute. The cache holds the bundle and the arguments, so their
    ids stay theirs."""
    key = (make, id(bundle), *map(id, args))
    if key not in _PER_BUNDLE:
        _PER_BUNDLE[key] = (bundle, args, make(bundle, *args))
    return _PER_BUNDLE[key][2]


#: each audited page's print-fit collections (:func:`load_print`'s, from the audit's own load)
FITTED: dict = {}


def page_problems(browser, key, path: Path, ranks: dict | None = None, widths=WIDTHS, values=None,
                  system: dict | None = None) -> list:
    """What the audit finds wrong with one page (empty when it passes)."""
    from toolkit.reports import facts
    name, lang, fname = key
    run_dir = path.parent.parent if path.parent.name == "compare" else path.parent
    bundle = bundle_at(run_dir / "_bundle")
    fw = bundle.framework
    sc = facts.scale(bundle)
    html = path.read_text("utf-8")
    cmap = font_cmap(html)
    built = per_bundle(bundle_values, bundle, ranks)
    problems = []
    drawn = []
    seen, external = load_widths(browser, path, widths, print_width=A4_WIDTH, fit=True,
                                 wait=lambda page: drawn.extend(platform_fonts(page)))
    problems += check_requests(f"{name}/{lang}/{fname}", external)
    problems += check_print(f"{name}/{lang}/{fname}@print", seen.pop("print"))
    FITTED[path] = seen.pop("fit")
    problems += check_print_fit(f"{name}/{lang}/{fname}@print", *FITTED[path])
    for width, got in seen.items():
        where = f"{name}/{lang}/{fname}@{width}"
        problems += (check_charts(where, got, not fname.startswith("compare/"))
                     + check_layout(where, got, width) + check_language(where, got["text"], fw, lang)
                     + check_glyphs(where, got["text"], cmap))
        if fname == "index.html" and width <= 480:  # the overview's scores beside the names on a phone
            problems += check_score_column_on_screen(where, got, fw.root.code)
    problems += check_scores(where, got, built, sc.fmt) + check_plotted(where, got, built)
    problems += _scores_shown(bundle, fname, lang, seen[widths[0]]["tables"], f"{name}/{lang}/{fname}")
    problems += marks_problems(f"{name}/{lang}/{fname}", seen[widths[0]], bundle, sc.fmt, built, values, lang)
    problems += check_platform_fonts(f"{name}/{lang}/{fname}", drawn, cmap, system or {})
    if fname.startswith("unit-"):  # the headline's composite is one of the scores checked
        unit = next(u for u in bundle.summary["unit_id"] if fname.startswith(f"unit-{u}-"))
        if f"{unit}|{fw.root.code}|{bundle.years[-1]}" not in {s["score"] for s in got["scores"]}:
            problems.append((where, "the headline's composite is not marked"))
    return problems


def marks_problems(where, got: dict, bundle, fmt, built, values, lang: str) -> list:
    """The marks' checks of one page: every number marked (a comparison or selection page: every
    number it shows; a report: every number its charts draw), every marked result and chart label
    the value recomputed from the results at the page's precision, every accessible name in the
    page's language."""
    on_compare = "compare/" in where
    run = per_bundle(bundle_results, bundle)

    def both(source, *k):
        got = values(source, *k) if values is not None else None
        return got if got is not None else run(source, *k)

    return (check_unmarked(where, got, charts_only=not on_compare) + check_values(where, got, both)
            + check_chart_labels(where, got, built, fmt, both)
            + check_labels_language(where, got, bundle.framework, lang))


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


def test_every_page_passes_the_audit(built, browser, no_cjk):
    pages, ranks, values = built
    assert pages, "no pages rendered"
    kinds = {f.split("-")[0].split("/")[-1].split(".")[0] for _, _, f in pages}
    assert {"unit", "city", "index", "compare", "selection"} <= kinds, kinds
    system = no_cjk[1]
    problems = [p for key, path in pages.items()
                for p in page_problems(browser, key, path, ranks.get(key[0]), values=values.get(key[0]), system=system)]
    assert not problems, "\n".join(map(str, problems))


def test_hdi_shows_three_decimals_on_a_unit_axis(pages):
    """HDI 0.788 is shown as 0.788, on 0–1 axes (China, HDR 2023/24: rank 75, HDI 0.788)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(SHARED_DATA_MISSING)
    page = next(p for (name, lang, f), p in pages.items() if name == "hdi" and lang == "zh" and f.startswith("unit-CHN"))
    html = page.read_text("utf-8")
    assert '<div class="v"><span data-score="CHN|HDI|2022">0.788</span></div>' in html and "75 / 193" in html
    assert 'data-lo="0" data-hi="1"' in html and 'data-hi="100"' not in html
    assert "中国" in html and "China" not in re.sub(r"<style.*?</style>", "", html, flags=re.S)


def _planted(html: str, fw) -> str:
    """The page with one of each defect the audit exists to catch."""
    # a wrong rounding: the first marked score one step off in its last digit
    m = re.search(r'(<span data-score="[^"]+">)(-?\d+(?:\.\d+)?)(</span>)', html)
    digits = len(m.group(2).partition(".")[2])
    wrong = f"{float(m.group(2)) + 10 ** -digits:.{digits}f}"
    html = html[:m.start()] + m.group(1) + wrong + m.group(3) + html[m.end():]
    # a value outside its axis: the first chart's first value far above the top
    m = re.search(r'data-hi="([^"]+)" data-values="([^" ]+)', html)
    html = html[:m.start(2)] + str(float(m.group(1)) * 3 + 1) + html[m.end(2):]
    # a code instead of a name: the first dimension's name in a table cell
    dim = next(iter(fw.nodes(fw.dimension_level or fw.levels[1])))
    html = html.replace(f"<td>{dim.name('zh')}</td>", f"<td>{dim.code}</td>", 1)
    # a word of the other language, a glyph the font lacks, a box wider than a phone, printed labels at 4.5 pt
    return html.replace("<h2>概要</h2>", "<h2>Summary 龘</h2><div style='width:600px'>-</div>", 1).replace(
        "</style>", "@media print{svg.chart text{font-size:6px !important}}</style>", 1)


def _copy_at(tmp_path: Path, path: Path, name: str) -> Path:
    """Where a planted copy of ``path`` named ``name`` is written: a folder of ``tmp_path`` laid
    out as the page's run (a link to its bundle; a comparison page in ``compare/``), so the
    shared run folders are only read."""
    compare = path.parent.name == "compare"
    run = tmp_path / "run"
    if not run.exists():
        run.mkdir(parents=True)
        (run / "_bundle").symlink_to((path.parent.parent if compare else path.parent) / "_bundle",
                                     target_is_directory=True)
    folder = run / "compare" if compare else run
    folder.mkdir(exist_ok=True)
    return folder / name


def test_the_audit_catches_planted_defects(built, browser, tmp_path):
    """The audit can fail: a copy of the demo's Chinese profile with a wrong rounding, a value
    outside its axis, a code for a name, an English word, a missing glyph and a box that
    overflows a 390 px phone is caught on each count (and the page as built passes)."""
    from toolkit.reports.bundle import load_bundle

    pages = built[0]
    path = next(p for (name, lang, f), p in pages.items()
                if name == "shandong" and lang == "zh" and f.startswith("unit-"))
    fw = load_bundle(path.parent / "_bundle").framework
    bad = _copy_at(tmp_path, path, path.name.replace(".html", "-planted.html"))
    bad.write_text(_planted(path.read_text("utf-8"), fw), encoding="utf-8")
    # the overview with its names too wide for the scores to show beside them on a phone
    overview = path.with_name("index.html")
    wide = _copy_at(tmp_path, overview, "index-planted.html")
    wide.write_text(overview.read_text("utf-8").replace(
        "</style>", "@media screen{table.units td:nth-child(2){min-width:400px !important}}</style>", 1), encoding="utf-8")
    found = {p[1] for p in page_problems(browser, ("shandong", "zh", bad.name), bad, widths=(390,))}
    found_overview = {p[1] for p in page_problems(browser, ("shandong", "zh", "index.html"), wide, widths=(390,))}
    assert {"score differs from the built value", "values outside the axis", "plotted values differ from the built values",
            "framework codes shown", "English on a Chinese page", "glyphs missing from the embedded font",
            "overflows the body at 390 px", "printed chart text under 7 pt"} <= found, found
    assert found_overview == {f"{fw.root.code} scores off-screen"}, found_overview


def _planted_marks(html: str) -> str:
    """A profile with one of each defect the marks' checks exist to catch: a chart label that is
    not the rounded value, a number drawn in a chart unmarked, a character in a monospace element
    that neither the embedded subset nor a system font has (the browser sees no CJK font; it
    draws the embedded font's empty glyph) and an English accessible name."""
    m = re.search(r'(<text [^>]*data-score="[^"]+"[^>]*>)(-?\d+(?:\.\d+)?)', html)
    digits = len(m.group(2).partition(".")[2])
    html = html[:m.start(2)] + f"{float(m.group(2)) + 2 * 10 ** -digits:.{digits}f}" + html[m.end(2):]
    html = re.sub(r'(<svg class="chart[^>]*>)', r'\1<text x="40" y="40">42.0</text>', html, count=1)
    html = html.replace("<h2>概要</h2>", "<h2>概要</h2><p style='font-family:monospace'>数据大脑龘</p>", 1)
    return re.sub(r'(<svg class="chart[^>]*)aria-label="[^"]*"', r'\1aria-label="trend"', html, count=1)


def _planted_compare(html: str) -> str:
    """A comparison page with a weight one step off, a weight at another precision, a weight of
    a node nobody built and a number shown unmarked ("704 replications")."""
    spans = list(re.finditer(r'(<span data-value="weight\|[^"]+">)([\d.]+)%', html))
    a, b = spans[0], spans[1]
    html = (html[:a.start(2)] + f"{float(a.group(2)) + 2:.1f}" + html[a.end(2):b.start(2)]
            + f"{float(b.group(2)) / 100:.1f}" + html[b.end():])  # "0.2" without its "%"
    return html.replace("</h1>", "</h1><p>共 704 次</p><p><span data-value=\"weight|none|L9\">1.0%</span></p>", 1)


def test_the_marks_catch_planted_defects(built, browser, no_cjk, tmp_path):
    """The marks' checks can fail: a wrong chart label, a number drawn unmarked, Chinese in a
    font without its glyphs and an English aria-label on the demo's Chinese profile; a wrong
    weight percentage, a weight at the wrong precision, a weight of nothing and an unmarked
    number on its Chinese comparison page — each is caught (and the pages as built pass)."""
    pages, ranks, values = built
    found = {}
    for kind, plant in (("unit-", _planted_marks), ("compare/compare", _planted_compare)):
        key, path = next((k, p) for k, p in pages.items()
                         if k[0] == "shandong" and k[1] == "zh" and k[2].startswith(kind))
        bad = _copy_at(tmp_path / kind.split("/")[0], path, path.name.replace(".html", "-planted.html"))
        bad.write_text(plant(path.read_text("utf-8")), encoding="utf-8")
        found[kind] = page_problems(browser, (*key[:2], key[2].replace(".html", "-planted.html")), bad,
                                    ranks.get("shandong"), widths=(1280,), values=values.get("shandong"),
                                    system=no_cjk[1])
    said = {k: {p[1] for p in v} for k, v in found.items()}
    assert {"chart label differs from the built value", "numbers shown unmarked", "glyphs drawn by a font without them",
            "accessible names: English on a Chinese page"} <= said["unit-"], found["unit-"]
    assert said["compare/compare"] == {"value differs from the result", "value of nothing built",
                                       "numbers shown unmarked"}, found["compare/compare"]
    wrong = [p[2:] for p in found["compare/compare"] if p[1] == "value differs from the result"]
    assert [w[1][-1] != "%" for w in wrong] == [False, True], wrong  # 22.0% for 20.0%, then 0.2 for 20.0%


def test_the_print_check_catches_planted_defects(built, browser, tmp_path):
    """The print check can fail: the demo's overview with a table too wide for A4 and a
    column hidden in print is caught on both counts (and the overview as built passes)."""
    pages = built[0]
    path = pages[("shandong", "zh", "index.html")]
    html = path.read_text("utf-8")
    wide = "<table><thead><tr>" + "".join(f"<th>列{j}</th>" for j in range(16)) + "</tr></thead><tbody><tr>" + "".join(
        '<td class="num">1,234,567.8</td>' for _ in range(16)) + "</tr></tbody></table>"
    bad = tmp_path / "index-print-planted.html"
    bad.write_text(html.replace("</body>", f"{wide}</body>", 1).replace(
        "</style>", "@media print{table.part th:nth-child(3),table.part td:nth-child(3),"
                    "#units th:nth-child(3),#units td:nth-child(3){display:none}}</style>", 1), encoding="utf-8")
    as_built = FITTED.get(path) or load_print(browser, path)  # the audit's load of it, when it ran
    assert check_print_fit("as built", *as_built) == []
    found = check_print_fit("planted", *load_print(browser, bad))
    assert {p[1] for p in found} == {"printed box past the page's edge", "table columns lost in print"}, found
    lost = next(p[2] for p in found if p[1] == "table columns lost in print")
    assert "综合指数" in lost, lost
