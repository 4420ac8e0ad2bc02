"""The reports speak the framework's words: Shandong's stay word for word what they were, the
HDI's and ASEM's never mention a brain, a city, an industry or five dimensions.

``shandong_labels.json`` holds every interface text of :data:`toolkit.reports.text.T` as the
reports showed it before the words came from the framework (commit 7120c98), and
``shandong_words.json`` the visible text of one brain profile (two brains, the first and the latest
year, both languages), a city report, the overview page and the workbook's headers of the demo, numbers
masked as ``#``. Regenerate the second (only when the wording is meant to change) with
``python tests/reports/test_framework_words.py``.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit.reports.text import T, t

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

UNITS = ("SD-B010", "SD-B003")  # a 菏泽 brain, and one alone in its industry
CITY = "菏泽市"
FORBIDDEN = (r"(?i)\bbrains?\b", "产业大脑", r"(?i)\bindustr(y|ies)\b", r"(?i)\bcit(y|ies)\b", "城市", "本市",
             r"(?i)\bfive\b", "五个", "全省", r"(?i)\bprovinc")


def _visible(html: str) -> str:
    html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    # the print-only copy of a wide table in parts (toolkit.reports.printing): not on screen
    html = re.sub(r'<div class="print-only[^"]*">(?:<p class="note">.*?</p>)?(?:<div class="tbl">.*?</table></div>)+</div>',
                  "", html, flags=re.S)
    html = re.sub(r'</span>|<span data-score="[^"]*">', "", html)  # a score's mark is inline: no word break
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text).strip()


def _mask(text: str) -> str:
    return re.sub(r"\d[\d,.]*", "#", text)


def masked_texts(bundle) -> dict[str, str]:
    """The visible words of the demo's pages, numbers masked (also run on the code of 7120c98)."""
    import toolkit.reports.city_views as cv
    import toolkit.reports.views as v
    from toolkit.reports import index_page, workbook

    nav_args = (bundle,) if "bundle" in inspect.signature(v.nav_html).parameters else ()
    out = {}
    for lang in ("zh", "en"):
        out[f"nav {lang}"] = v.nav_html({"index": "i.html", "city": "c.html"}, lang, *nav_args).data
        out[f"notices {lang}"] = v.notices_html(bundle, 2025, lang).data
        for unit in UNITS:
            for year in dict.fromkeys((bundle.years[0], bundle.years[-1])):  # no previous year; the latest
                for name in ("headline_html", "summary_html", "dimension_html", "position_html", "trend_html",
                             "strengths_html", "indicator_html", "obstacle_html", "coupling_html", "peers_html"):
                    out[f"{name} {unit} {year} {lang}"] = getattr(v, name)(bundle, unit, year, lang).data
        for name in ("city_headline_html", "city_vs_province_html", "city_trend_html", "city_ranking_html",
                     "city_obstacles_html"):
            if not hasattr(cv, name):   # the code of 7120c98 had no trend
                continue
            out[f"{name} {lang}"] = getattr(cv, name)(bundle, CITY, 2025, lang).data
        out[f"index {lang}"] = index_page.index_html(bundle, {}, lang).split("<footer")[0]
        for title, (df, _) in workbook.workbook_sheets(bundle, lang).items():
            names = df.iloc[:, 1].astype(str) if df.shape[1] > 1 else df.iloc[:, 0].astype(str)
            out[f"sheet {title}"] = " | ".join(map(str, df.columns)) + " || " + " ".join(names.head(8))
    return {k: _mask(_visible(h)) for k, h in out.items()}


def test_shandong_labels_equal_the_committed_strings():
    before = json.loads((HERE / "shandong_labels.json").read_text("utf-8"))
    fw = toolkit.load_framework()
    now = {k: [t(k, "zh", fw), t(k, "en", fw)] for k in T}
    assert now == before


def test_a_text_naming_an_undeclared_region_is_an_error_not_a_wrong_word():
    from toolkit.reports.text import FRAMEWORK_WORDS

    hdi = toolkit.load_framework("undp_hdi")
    assert t("this", "en", hdi) == "This country" and t("this", "zh", hdi) == "本国家"
    assert t("meaning_coupling", "en", hdi).count("three dimensions") == 1
    assert "八个支柱" in t("meaning_coupling", "zh", toolkit.load_framework("coinr_asem"))
    with pytest.raises(KeyError, match="region"):
        t("same_city", "en", hdi)
    with pytest.raises(KeyError, match="unit"):
        t("this", "en")  # a text naming a unit needs the framework
    assert {w for text in T.values() for w in re.findall(r"{(\w+)}", "".join(text))} - {"n", "seed", "i", "cols"} <= set(
        FRAMEWORK_WORDS)


@pytest.mark.slow
def test_shandong_reports_are_word_for_word_what_they_were(demo_bundle):
    before = json.loads((HERE / "shandong_words.json").read_text("utf-8"))
    now = masked_texts(demo_bundle)
    assert sorted(now) == sorted(before)
    for key in before:
        assert now[key] == before[key], key


@pytest.fixture(scope="module")
def other_bundles(other_bundle_dirs):
    """The HDI's and ASEM's bundles (the session's, shared with the page audit), each with a unit."""
    from toolkit.reports.bundle import load_bundle

    return {"undp_hdi": (load_bundle(other_bundle_dirs["hdi"]), "CHE"),
            "coinr_asem": (load_bundle(other_bundle_dirs["asem"]), "IND")}


def _pages(bundle, unit: str, lang: str) -> str:
    import toolkit.reports.views as v
    from toolkit.reports import index_page, workbook

    y = bundle.years[-1]
    parts = [v.nav_html({"index": "i.html"}, lang, bundle).data, v.notices_html(bundle, y, lang).data]
    for name in ("headline_html", "summary_html", "dimension_html", "position_html", "trend_html",
                 "strengths_html", "indicator_html", "obstacle_html", "coupling_html", "peers_html"):
        parts.append(getattr(v, name)(bundle, unit, y, lang).data)
    parts.append(index_page.index_html(bundle, {}, lang))
    for df, _ in workbook.workbook_sheets(bundle, lang).values():
        parts.append(" ".join(map(str, df.columns)))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["undp_hdi", "coinr_asem"])
def test_hdi_and_asem_pages_never_speak_of_brains_cities_industries_or_five(other_bundles, name):
    bundle, unit = other_bundles[name]
    for lang in ("zh", "en"):
        html = _pages(bundle, unit, lang)
        html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
        for word in FORBIDDEN:
            hit = re.search(word, html)
            assert hit is None, (lang, word, html[max(0, hit.start() - 80):hit.end() + 40])
        text = _visible(html)
        if lang == "en":
            assert "Countries with the most similar profile" in text and "This country" in text
            dims = {"undp_hdi": "three dimensions", "coinr_asem": "eight pillars"}[name]
            assert f"whether the {dims} develop together" in text
        else:
            assert "画像最相近的国家" in text and {"undp_hdi": "三个维度", "coinr_asem": "八个支柱"}[name] in text


@pytest.mark.slow
def test_the_typology_basis_names_the_frameworks_level(other_bundles, demo_bundle):
    """ASEM clusters its pillars: the basis says so ("each pillar's score"), where it said
    "each dimension's score"; Shandong's wording is unchanged."""
    typ = other_bundles["coinr_asem"][0].typology
    assert set(typ["basis_en"]) == {"by level: each pillar's score against all units"}
    assert set(typ["basis_zh"]) == {"按水平分类：各支柱得分相对全体单元的高低"}
    assert set(demo_bundle.typology["basis_en"]) == {"by level: each dimension's score against all units"}


@pytest.mark.slow
def test_region_reports_are_planned_from_the_declared_region_column(other_bundles, tmp_path):
    """``reports --by city`` plans one report per value of the framework's region column
    (ASEM declaring ``EurAsia_group``: Asia and Europe), links each unit report to its region's,
    and stops with a SpecError for a framework that declares no region."""
    import dataclasses

    import yaml

    from toolkit.errors import SpecError
    from toolkit.reports.batch import check_targets, plan

    bundle, _ = other_bundles["coinr_asem"]
    with pytest.raises(SpecError, match="declares no region column"):
        plan(bundle, "city")
    doc = yaml.safe_load((Path(toolkit.__file__).parent / "frameworks" / "coinr_asem.yaml").read_text("utf-8"))
    doc["reporting"]["region"] = {"column": "EurAsia_group", "zh": "地区", "en": "region", "en_plural": "regions"}
    (tmp_path / "asem.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    b = dataclasses.replace(bundle, framework=toolkit.load_framework(tmp_path / "asem.yaml"))
    jobs = plan(b, "all", lang="en")
    regions = sorted(j.target for j in jobs if j.by == "city")
    y = b.years[-1]
    assert regions == sorted(b.summary.loc[b.summary["year"] == y, "EurAsia_group"].unique()) == ["Asia", "Europe"]
    ind = next(j for j in jobs if j.target == "IND")
    asia = next(j for j in jobs if j.target == "Asia")
    assert dict(ind.links)["city"] == asia.filename
    units_of_asia = {u for u, _ in dict(asia.links)["units"]}
    assert units_of_asia == set(b.summary.loc[(b.summary["year"] == y) & (b.summary["EurAsia_group"] == "Asia"),
                                              "unit_id"])
    check_targets(b.summary, "city", ["Asia"], region="EurAsia_group")
    with pytest.raises(Exception, match="Atlantis"):
        check_targets(b.summary, "city", ["Atlantis"], region="EurAsia_group")


if __name__ == "__main__":  # regenerate shandong_words.json from the code on the path
    from toolkit.reports.bundle import compute_bundle

    data = toolkit.read_indicators(ROOT / "data" / "raw" / "demo_synthetic_returns.csv")
    b = compute_bundle(data, ROOT / "configs" / "default.yaml", n_uncertainty=16)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "shandong_words.json"
    out.write_text(json.dumps(masked_texts(b), ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8")
    print(out, out.stat().st_size)


@pytest.mark.slow
def test_a_framework_declaring_a_region_gets_region_reports_in_its_words(other_bundles, tmp_path):
    """ASEM with ``reporting.region: EurAsia_group`` (and no ``whole``): region pages render in the
    declared words, the overview lists the regions, and there is no tile map (no Shandong cities)."""
    import dataclasses

    import yaml

    import toolkit.reports.city_views as cv
    from toolkit.reports import index_page

    bundle, unit = other_bundles["coinr_asem"]
    doc = yaml.safe_load((Path(toolkit.__file__).parent / "frameworks" / "coinr_asem.yaml").read_text("utf-8"))
    doc["reporting"]["region"] = {"column": "EurAsia_group", "zh": "地区", "en": "region", "en_plural": "regions"}
    (tmp_path / "asem.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    b = dataclasses.replace(bundle, framework=toolkit.load_framework(tmp_path / "asem.yaml"))
    y = b.years[-1]
    page = _visible("".join(f(b, "Asia", y, "en").data for f in (
        cv.city_headline_html, cv.city_vs_province_html, cv.city_ranking_html, cv.city_obstacles_html)))
    n_asia = int((b.summary["EurAsia_group"] == "Asia").sum())
    assert "Countries in this region" in page and "Region mean" in page and "Region against the sample" in page
    assert f"Number of countries {n_asia}" in page
    zh = _visible(cv.city_headline_html(b, "Asia", y, "zh").data + cv.city_ranking_html(b, "Asia", y, "zh").data)
    assert "本地区国家" in zh and "国家数量" in zh
    overview = _visible(index_page.index_html(b, {}, "en"))
    assert "Mean composite score by region" not in overview  # the tile map is for the 16 Shandong cities only
    assert "Region Number of countries Mean composite Best rank" in overview
    for word in FORBIDDEN:
        assert re.search(word, page + zh + overview) is None, word
