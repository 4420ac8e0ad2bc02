"""The served studio in the page audit (issue 22), with no system CJK font.

One studio server serving three frameworks, each at its own page (``toolkit.studio.serve``'s
``frameworks``) — the Shandong demo, the UNDP HDI (``../shared/data/hdi``) and COINr's ASEM
(``../shared/data/asem``) — each page visited in Chinese and in English (``?lang=``) by a
headless Chromium that refuses every request leaving the server and sees no system CJK font
(``FONTCONFIG_FILE`` names only the machine's fonts without Chinese). Each visit is audited at
390 px, then at 1280 px (the same page, resized), with the report pages' checks
(:mod:`tests.reports.audit`): plotted values inside their axis, no empty chart, no framework
code, no word of the other language (outside the proper names the method registry gives), no
overflow at 390 px outside a scroll box, no request outside, displayed composites equal to the
built values at the run's precision, and every character drawn — by the font the page embeds or
by a font the browser has (not one falls to a missing glyph). The Chinese visit then moves a
slider and checks that the ranks change and the new words are drawn too.
"""

from __future__ import annotations

import re

import pytest

from toolkit.reports.screenshot import find_chromium

from ..conftest import ROOT, SHARED_DATA, SHARED_DATA_MISSING
from ..reports.audit import (
    AUDIT_JS,
    LATIN_WORD,
    OFFLINE_ARGS,
    Tab,
    check_charts,
    check_language,
    check_layout,
    check_requests,
    check_scores,
    font_cmap,
    load_widths,
    system_fonts_without_cjk,
)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed: "
                                                                                     "run `make browser`")]

FRAMEWORKS = {  # data, spec
    "shandong": (ROOT / "data" / "raw" / "demo_synthetic_returns.csv", ROOT / "configs" / "default.yaml"),
    "hdi": (SHARED_DATA / "hdi" / "hdr2023_24_hdi_2022.csv", ROOT / "configs" / "hdi.yaml"),
    "asem": (SHARED_DATA / "asem" / "iData.csv", ROOT / "configs" / "asem.yaml"),
}


@pytest.fixture(scope="module")
def no_cjk_browser(tmp_path_factory):
    """A tab of a Chromium with no system CJK font (and the character map of the fonts it has):
    every page is a new document in the same tab (one renderer for the six visits, not one each).
    The browser itself refuses every request leaving the machine (:data:`OFFLINE_ARGS`) and the tab
    counts them without intercepting any, so the six visits share the browser's cache of Voilà's
    scripts (fetched and compiled once, not six times: about a CPU-second of Chromium's per visit)."""
    import os

    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    conf, cmaps = system_fonts_without_cjk(tmp_path_factory.mktemp("fonts"))
    cmap = {k: v for m in cmaps.values() for k, v in m.items()}
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu", *OFFLINE_ARGS],
                              env={**os.environ, "FONTCONFIG_FILE": str(conf)})
        try:
            with Tab(b, route=False) as tab:
                yield tab, cmap
        finally:
            b.close()


@pytest.fixture(scope="module")
def server():
    """One studio server with a page for each framework whose data is here: its root address."""
    pytest.importorskip("voila", reason="Voilà is not installed (pip install voila)")
    from toolkit.studio.serve import running

    here = {name: paths for name, paths in FRAMEWORKS.items() if paths[0].is_file()}
    with running(frameworks=here, root=ROOT) as (url, _proc):
        yield url


@pytest.fixture(scope="module", params=list(FRAMEWORKS))
def framework(request, server):
    """The studio page of one framework, and what the audit compares with: the framework, the
    built index (independently of the studio) and the page's precision."""
    import toolkit
    from toolkit.reports.scale import result_scale
    from toolkit.studio.serve import page_path

    data_path, spec_path = FRAMEWORKS[request.param]
    if not data_path.is_file():
        pytest.skip(SHARED_DATA_MISSING)
    data = toolkit.read_indicators(data_path, toolkit.load_spec(spec_path).framework)
    result = toolkit.build_index(data, spec_path)
    return request.param, server + page_path(request.param), result, result_scale(result).fmt


def registry_names() -> set[str]:
    """The Latin words the method registry's Chinese names and lines hold: proper names
    (CRITIC, TOPSIS, Saaty, Hellwig…), which a Chinese page shows as they are."""
    from toolkit.studio.words import method_choices

    text = " ".join(f"{lab} {line}" for s in ("weights", "aggregation") for _, lab, line in method_choices(s, "zh"))
    return set(LATIN_WORD.findall(text))


def glyph_problems(where, text: str, html: str, system: dict) -> list:
    """Every character shown is drawn by the studio's embedded font or a font the browser has."""
    m = re.search(r'font-family:"Noto Sans SC Embedded";src:url\(data:font/woff;base64,[A-Za-z0-9+/=]+', html)
    embedded = font_cmap(m.group(0)) if m else {}
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in embedded and ord(ch) not in system})
    problems = [(where, "characters no font draws", "".join(missing[:20]))] if missing else []
    if not embedded:
        problems.append((where, "the page embeds no CJK font"))
    return problems


def test_the_served_studio_passes_the_page_audit(framework, no_cjk_browser):
    name, url, result, fmt = framework
    tab, system = no_cjk_browser
    fw = result.framework
    composite = result.composite  # (unit_id, year)

    def built(unit, node, year):
        try:
            return float(composite.loc[(unit, int(year))])
        except (KeyError, ValueError):
            return None

    problems = []
    for lang in ("zh", "en"):
        views = {}

        def wait(page, views=views, lang=lang):
            page.wait_for_selector(".toolkit-studio .studio-ranks", timeout=300_000)
            page.evaluate("document.fonts.ready")
            views["html"] = page.content()
            views["scores"] = page.evaluate(AUDIT_JS)["scores"]  # the composites before any change
            if lang == "zh":  # the ranks follow a slider; the words it brings are audited below
                before = page.inner_text(".studio-ranks tbody")
                handle = page.query_selector_all(".widget-slider .noUi-handle")[0]
                handle.focus()
                for _ in range(6):  # +0.30 (six large steps of 5 × 0.01): each press is a change the
                    # kernel recomputes the index for and the page redraws; the audit sees the last
                    page.keyboard.press("PageUp")
                page.wait_for_function("b => document.querySelector('.studio-ranks tbody').innerText !== b",
                                       arg=before, timeout=120_000)

        got, external = load_widths(tab, f"{url}?lang={lang}", (390, 1280), wait=wait, timeout=300_000)
        views.update(got)
        for width in (390, 1280):
            where, v = f"{name}/{lang}@{width}", views[width]
            problems += check_requests(where, external) + check_charts(where, v) + check_layout(where, v, width)
            problems += check_language(where, v["text"], fw, lang, registry_names() if lang == "zh" else None)
            problems += glyph_problems(where, v["text"], views["html"], system)
        problems += check_scores(f"{name}/{lang}", {"scores": views["scores"]}, built, fmt)
        if not views["scores"]:
            problems.append((name, lang, "no composite shown"))
    assert not problems, "\n".join(map(str, problems))
