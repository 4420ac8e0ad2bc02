"""The page audit's checks (issue 22), importable by every test that audits a page a reader sees.

A page is loaded once per width in a headless Chromium with every request that leaves the page
refused (:func:`load_page`); :data:`AUDIT_JS` collects what the checks need in one evaluation.
Each ``check_*`` function takes that collection (and what it needs of the framework) and returns
a list of problems, empty when the page passes; a problem is a tuple whose first item says where.

    with chromium() as browser:
        got, external = load_page(browser, "file:///…/unit-CHN-….html", 390)
        problems = (check_requests(where, external) + check_charts(where, got)
                    + check_layout(where, got, 390) + check_language(where, got["text"], fw, "zh")
                    + check_glyphs(where, got["text"], font_cmap(html)))

:func:`check_scores` compares every element a page marks as score-bearing (``data-score``:
the unit, the node and the built value) with its text at the page's precision.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
from pathlib import Path

import pytest

from toolkit.reports.screenshot import find_chromium

__all__ = ["AUDIT_JS", "LATIN_WORD", "chromium", "Tab", "OWN_URLS", "OFFLINE_ARGS", "load_page", "load_widths", "framework_words", "framework_codes", "font_cmap",
           "check_requests", "check_charts", "check_layout", "check_language", "check_glyphs", "check_scores",
           "check_plotted", "check_score_column_on_screen", "check_print", "A4_WIDTH", "bundle_values",
           "PRINT_FIT_JS", "load_print", "check_print_fit",
           "MARKS_JS", "VALUE_FORMATS", "check_values", "check_unmarked", "check_chart_labels", "check_labels_language",
           "compare_values", "bundle_results", "system_fonts_without_cjk", "chromium_without_cjk", "platform_fonts",
           "FONT_GROUPS_JS", "FIT_SCREEN_WIDTH",
           "check_platform_fonts"]

#: what one evaluation of a loaded page collects for the checks
AUDIT_JS = r"""(opts) => {
opts = opts || {};  // {charts_only: true}: the chart checks alone (a printed page); {tables: false}: no table
// text; {marks: false}: none of MARKS_JS's collections
const out = {charts: [], overflow: [], clipped: [], tiny: [], tables: [], scores: [], text: '',
             width: document.documentElement.scrollWidth, vw: window.innerWidth};
if (!opts.charts_only && opts.tables !== false) document.querySelectorAll('table').forEach(tb => out.tables.push(
  Array.from(tb.rows).slice(0, 400).map(r => Array.from(r.cells).map(c => c.innerText.trim()))));
const vw = window.innerWidth;
// every figure drawn on the page: how many marks it draws (an empty one draws none)
document.body.querySelectorAll('svg').forEach(svg => { if (svg.closest('svg') !== svg) return;
  const r = svg.getBoundingClientRect(); if (r.width < 24 && r.height < 24) return;  // an icon
  out.figures = out.figures || [];
  out.figures.push({label: svg.getAttribute('aria-label') || svg.getAttribute('class') || '',
                    marks: svg.querySelectorAll('rect,path,polyline,polygon,circle').length}); });
document.querySelectorAll('svg.chart, svg[data-lo]').forEach((svg, i) => {
  const lo = parseFloat(svg.dataset.lo), hi = parseFloat(svg.dataset.hi);
  const vals = (svg.dataset.values || '').split(' ').filter(s => s).map(Number);
  out.charts.push({i, title: (svg.querySelector('title') || {}).textContent, lo, hi, vals,
                   keys: svg.dataset.keys ? JSON.parse(svg.dataset.keys) : null,
                   has_axis: svg.hasAttribute('data-lo')});
  const vb = svg.viewBox.baseVal, scale = svg.getScreenCTM().a;
  svg.querySelectorAll('text').forEach(t => { const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (t.textContent.trim() && px < 9.4) out.tiny.push({i, text: t.textContent, px}); });
  svg.querySelectorAll('text').forEach(t => { const b = t.getBBox();
    if (b.x < vb.x - 1 || b.y < vb.y - 1 || b.x + b.width > vb.x + vb.width + 1 || b.y + b.height > vb.y + vb.height + 1)
      out.clipped.push(i + ':' + t.textContent); });
});
if (opts.charts_only) return out;
function scrolls(el) { for (let p = el.parentElement; p; p = p.parentElement) {
  const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; }
document.body.querySelectorAll('*').forEach(el => { const r = el.getBoundingClientRect();
  if (r.width && r.right > vw + 1 && !scrolls(el)) out.overflow.push(el.tagName + '.' + el.className + ':' +
    (el.textContent || '').slice(0, 40) + ':' + Math.round(r.right)); });
document.querySelectorAll('[data-score]').forEach(el => { const r = el.getBoundingClientRect();
  out.scores.push({score: el.dataset.score, text: el.textContent.trim(), right: r.right, width: r.width,
                   in_table: !!el.closest('table')}); });
if (opts.marks !== false) { /*MARKS*/ }
// the visible text, one text node at a time (SVG labels are separate words), without the
// provenance (file names, hashes), identifiers the page defines (<code>: a specification's name)
// and text marked as another language (an official name)
const skip = 'style,script,title,code,.code,.provenance,body [lang]';
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const parts = [];
for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!n.parentElement.closest(skip)) parts.push(n.textContent);
document.querySelectorAll('input[placeholder]').forEach(i => parts.push(i.placeholder));  // drawn in the page's font
out.text = parts.join(' ');
return out; }"""

#: what the marks' checks collect (:func:`check_values`, :func:`check_unmarked`,
#: :func:`check_chart_labels`, :func:`check_labels_language`): every element marked as a result
#: (``data-value``), every chart label marked as a score or result, every number shown outside
#: any mark (``data-score``, ``data-value`` or a declared ``data-plain``), every accessible name
#: (``aria-label``, ``title``, an SVG's ``<title>``)
MARKS_JS = r"""
out.values = []; out.chart_labels = []; out.unmarked = []; out.labels = []; out.plain = [];
document.querySelectorAll('[data-value]').forEach(el => out.values.push({value: el.dataset.value,
  text: el.textContent.trim(), in_chart: !!el.closest('svg')}));
document.querySelectorAll('[data-plain]').forEach(el => out.plain.push({kind: el.dataset.plain, text: el.textContent.trim()}));
document.querySelectorAll('svg.chart, svg[data-lo]').forEach((svg, i) => svg.querySelectorAll('[data-score],[data-value]')
  .forEach(el => out.chart_labels.push({i, score: el.dataset.score || null, value: el.dataset.value || null,
                                        text: el.textContent.trim()})));
const marked = '[data-score],[data-value],[data-plain]';
const notShown = 'style,script,title,code,.code,.provenance,.print-only';  // .print-only: a wide table's printed copy (its cells are the screen table's)
const num = /(?<![A-Za-z0-9_.-])[-+−]?\d+(?:[.,]\d+)*%?(?![A-Za-z0-9])/g;
const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = tw.nextNode(); n; n = tw.nextNode()) {
  const el = n.parentElement; if (el.closest(notShown) || el.closest(marked)) continue;
  const found = n.textContent.match(num); if (!found) continue;
  out.unmarked.push({text: n.textContent.trim().slice(0, 60), numbers: found,
                     in_chart: !!el.closest('svg.chart, svg[data-lo]')}); }
document.querySelectorAll('[aria-label],[title]').forEach(el => ['aria-label', 'title'].forEach(a => {
  if (el.hasAttribute(a)) out.labels.push(el.getAttribute(a)); }));
document.querySelectorAll('svg title').forEach(el => out.labels.push(el.textContent));
document.title && out.labels.push(document.title);
"""
AUDIT_JS = AUDIT_JS.replace("/*MARKS*/", MARKS_JS)

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
CJK = 0x2E80  # the first code point counted as Chinese


@contextlib.contextmanager
def chromium():
    """One headless Chromium (Playwright driving the system browser), skipping the test without it."""
    if find_chromium() is None:
        pytest.skip("Chromium not installed: run `make browser`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


def load_page(browser, page_url, width: int, height: int = 900, wait=None, media: str = "screen",
              script: str = AUDIT_JS) -> tuple[dict, list]:
    """Load a page (a path or a URL) at ``width`` px with the network off; return what ``script``
    collects (:data:`AUDIT_JS`) and the outside requests that were refused. ``wait(page)`` runs
    before the collection (a server page waits for its content there); local servers
    (``http://127.0.0.1``, ``localhost``) count as the page's own."""
    got, external = load_widths(browser, page_url, (width,), height, wait, media, script)
    return got[width], external


#: the addresses a page may load from: its own files and data, and local servers
OWN_URLS = ("file:", "data:", "about:", "blob:", "http://127.0.0.1", "http://localhost", "ws://127.0.0.1",
            "ws://localhost")
#: Chromium launch arguments that refuse every request leaving the machine in the browser itself:
#: a proxy no one listens on, which Chromium never uses for loopback addresses (the local server's
#: pages load; anything else fails with ERR_PROXY_CONNECTION_FAILED). For a :class:`Tab` with
#: ``route=False``.
OFFLINE_ARGS = ("--proxy-server=http://127.0.0.1:1",)


class Tab:
    """One page of a browser (in a context of its own), loaded again for every audit: a new
    document each time, in a viewport and media set afresh, with every request that leaves the
    page refused and counted for that load. Pass it to :func:`load_widths` in place of the
    browser: a batch of pages is audited in one renderer instead of starting one per page
    (a new context starts a renderer process: about half of Chromium's time per page).

        with chromium() as browser, Tab(browser) as tab:
            got, external = load_widths(tab, path, (1280, 390))

    ``route=False``, for a browser launched with :data:`OFFLINE_ARGS` (which refuses outside
    requests itself): every request is listened to and an outside one counted, none intercepted.
    Playwright turns the browser's HTTP cache off while it intercepts requests, so a server's pages
    (Voilà's) would fetch and compile the same scripts again at every load.
    """

    def __init__(self, browser, height: int = 900, route: bool = True):
        self.context = browser.new_context(viewport={"width": 1280, "height": height})
        self.external: list = []

        def intercept(r):
            if r.request.url.startswith(OWN_URLS):
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        def listen(request):
            if not request.url.startswith(OWN_URLS):
                self.external.append(request.url)

        if route:
            self.context.route("**/*", intercept)
        else:
            self.context.on("request", listen)
        self.page = self.context.new_page()

    def open(self, width: int, height: int, media: str):
        """The page, ready for a new load at ``width`` in ``media``, and the list its refused
        requests go to."""
        self.external = []
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.emulate_media(media=media)
        return self.page, self.external

    def close(self) -> None:
        self.context.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def _opened(browser, width: int, height: int, media: str):
    """``(page, refused requests)``: a :class:`Tab`'s page, or a fresh context's (closed after)."""
    if isinstance(browser, Tab):
        yield browser.open(width, height, media)
        return
    tab = Tab(browser, height)
    try:
        yield tab.open(width, height, media)
    finally:
        tab.close()


#: calls a collection script and returns what it collects as one JSON text: Playwright's own
#: serialisation of a large result costs its Python side far more than ``json.loads``. Values
#: JSON has no word for keep their meaning: ``undefined`` is ``null`` (None, as Playwright gives
#: it) and a non-finite number is written ``NaN``/``Infinity``, which :func:`json.loads` reads
_AS_JSON = r"""(f, o) => { const s = JSON.stringify(f(o), (k, x) => x === undefined ? null
  : (typeof x === 'number' && !isFinite(x)) ? '\u0000nf:' + x : x);
  return s === undefined ? null : s.replace(/"\\u0000nf:(NaN|Infinity|-Infinity)"/g, '$1'); }"""


def _collect(page, script: str, arg=None):
    """``page.evaluate(script, arg)`` for a function ``script``, through one JSON text."""
    import json

    text = page.evaluate(f"o => ({_AS_JSON})({script}, o)", arg)
    return None if text is None else json.loads(text)


def load_widths(browser, page_url, widths=(1280, 390), height: int = 900, wait=None, media: str = "screen",
                script: str = AUDIT_JS, print_width: int | None = None, timeout: float = 30_000,
                fit: bool = False) -> tuple[dict, list]:
    """:func:`load_page` at several widths with one load (the viewport is resized between the
    collections): ``({width: collection}, refused requests)``; with ``print_width`` also the
    page in print media at that width (an A4 page: :data:`A4_WIDTH`), under the key ``"print"``;
    with ``fit`` too, :data:`PRINT_FIT_JS`'s collections on screen at 1280 px and printed, under
    the key ``"fit"`` (what :func:`load_print` gives, from the same load).
    ``browser`` is a browser (the page is loaded in a context of its own) or a :class:`Tab`.
    The tables and the marks (:data:`MARKS_JS`) are collected at the first width only: the
    checks read them there (a table's text, and what the page marks, do not depend on the width).
    ``timeout`` (ms) bounds the loading (a server page may first wait for its kernel)."""
    url = page_url.as_uri() if isinstance(page_url, Path) else str(page_url)
    with _opened(browser, widths[0], height, media) as (page, external):
        page.goto(url, timeout=timeout)
        page.evaluate("document.fonts.ready")
        if wait is not None:
            wait(page)
        got = {}
        fit_screen = None
        for w in widths:
            if w != widths[0]:
                page.set_viewport_size({"width": w, "height": height})
            opts = {"tables": w == widths[0], "marks": w == widths[0]}
            if fit and print_width and w == FIT_SCREEN_WIDTH and media == "screen":  # both in one evaluation
                got[w], fit_screen = _collect(page, f"o => [({script})(o), ({PRINT_FIT_JS})()]", opts)
            else:
                got[w] = _collect(page, script, opts)
        if print_width:
            if fit and fit_screen is None:  # the screen's tables at 1280 px, as load_print sees them
                page.emulate_media(media="screen")
                page.set_viewport_size({"width": FIT_SCREEN_WIDTH, "height": height})
                fit_screen = _collect(page, PRINT_FIT_JS)
            page.emulate_media(media="print")
            page.set_viewport_size({"width": print_width, "height": height})
            if fit:
                got["print"], printed = _collect(page, f"o => [({script})(o), ({PRINT_FIT_JS})()]", {"charts_only": True})
                got["fit"] = (fit_screen, printed)
            else:
                got["print"] = _collect(page, script, {"charts_only": True})
        return got, list(external)


def framework_words(fw, lang: str) -> str:
    """Every name and unit the framework gives in ``lang`` (a name falls back to the other
    language's): the words a page may show as they are."""
    return " ".join(f"{n.name(lang)} {n.short(lang)} {n.unit if lang == 'zh' else n.unit_en}" for n in fw.nodes())


def framework_codes(fw, lang: str) -> set[str]:
    """The framework's codes that are not also words of its names in ``lang`` (ASEM's CO2)."""
    words = set(re.findall(r"[\w-]+", framework_words(fw, lang)))
    return {n.code for n in fw.nodes() if n.code not in words}


_CODES: dict = {}


def _codes(fw, lang: str) -> set[str]:
    """:func:`framework_codes`, computed once per framework and language (every page checks them
    at every width); the cache holds the framework, so its id stays its own."""
    key = (id(fw), lang)
    if key not in _CODES:
        _CODES[key] = (fw, framework_codes(fw, lang))
    return _CODES[key][1]


def font_cmap(html: str) -> dict:
    """The character map of the first font embedded in a page (``data:`` URL), empty without one."""
    from fontTools.ttLib import TTFont

    m = re.search(r"base64,([A-Za-z0-9+/=]+)", html)
    return TTFont(io.BytesIO(base64.b64decode(m.group(1)))).getBestCmap() if m else {}


def check_requests(where, external: list) -> list:
    """No request left the page."""
    return [(where, "requests left the page", external[:3])] if external else []


def check_charts(where, got: dict, need_chart: bool = True) -> list:
    """Every plotted value lies inside its chart's axis (``data-lo``/``data-hi``), no chart is
    empty, the values use the axis (the largest reaches at least a fifth of it: a 0–1 index on a
    0–100 axis is a row of slivers), no chart text is clipped or drawn under 7 px."""
    problems = []
    charts = [c for c in got["charts"] if c["has_axis"]]
    if not charts and need_chart:
        problems.append((where, "no chart"))
    for c in charts:
        if not c["vals"]:
            problems.append((where, "empty chart", c["title"]))
            continue
        outside = [v for v in c["vals"] if not c["lo"] - 1e-9 <= v <= c["hi"] + 1e-9]
        if outside:
            problems.append((where, "values outside the axis", c["title"], c["lo"], c["hi"], outside[:3]))
        if (max(c["vals"]) - c["lo"]) < 0.2 * (c["hi"] - c["lo"]):
            problems.append((where, "values squashed at the bottom of the axis", c["title"], c["hi"], max(c["vals"])))
    empty = [f["label"] for f in got.get("figures", []) if f["marks"] == 0]
    if empty:
        problems.append((where, "figure draws nothing", empty[:3]))
    if got["clipped"]:
        problems.append((where, "chart text clipped", got["clipped"][:3]))
    tiny = [f"{t['i']}:{t['text']}:{t['px']:.1f}px" for t in got["tiny"] if t["px"] < 7]
    if tiny:
        problems.append((where, "chart text under 7 px", tiny[:3]))
    return problems


#: the printable width of an A4 page with the reports' 12 mm side margins, in CSS px (186 mm)
A4_WIDTH = 703
#: the smallest printed chart label, in CSS px (7 pt; 1 pt = 4/3 px)
PRINT_MIN_PX = 7 * 4 / 3


def check_print(where, got: dict) -> list:
    """Printed (print media at :data:`A4_WIDTH`), every chart label is drawn at 7 pt or more."""
    problems = []
    small = [f"{t['i']}:{t['text']}:{t['px'] * 0.75:.1f}pt" for t in got["tiny"] if t["px"] < PRINT_MIN_PX - 0.01]
    if small:
        problems.append((where, "printed chart text under 7 pt", len(small), small[:3]))
    return problems


def check_layout(where, got: dict, width: int) -> list:
    """Nothing overflows the body at a phone's width except inside a scroll box."""
    if width <= 480 and (got["overflow"] or got["width"] > width + 1):
        return [(where, f"overflows the body at {width} px", got["width"], got["overflow"][:3])]
    return []


def check_language(where, text: str, fw, lang: str, allowed: set[str] | None = None) -> list:
    """No framework code where the framework gives a name; no word of the other language (on a
    Chinese page a Latin word is allowed when it is a word of the framework's names or units, or
    in ``allowed``)."""
    problems = []
    words = set(re.findall(r"[\w-]+", text))  # a code shown alone is one of these runs
    codes = [c for c in _codes(fw, lang) if (c in words if re.fullmatch(r"[\w-]+", c)
                                             else re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text))]
    if codes:
        problems.append((where, "framework codes shown", sorted(codes)[:6]))
    if lang == "en":
        cjk = sorted({ch for ch in text if ord(ch) >= CJK})
        if cjk:
            problems.append((where, "Chinese on an English page", "".join(cjk[:20])))
    else:
        ok = set(LATIN_WORD.findall(framework_words(fw, "zh"))) | set(allowed or ())
        cut = set(re.findall(r"([A-Za-z][A-Za-z'-]{2,})…", text))  # a label cut to its box
        words = sorted(w for w in set(LATIN_WORD.findall(text)) - ok
                       if not (w in cut and any(o.startswith(w) for o in ok)))
        if words:
            problems.append((where, "English on a Chinese page", words[:12]))
    return problems


def check_glyphs(where, text: str, cmap: dict) -> list:
    """Every CJK character shown has a glyph in the embedded font."""
    missing = sorted({ch for ch in text if ord(ch) >= CJK and ord(ch) not in cmap})
    return [(where, "glyphs missing from the embedded font", "".join(missing[:20]))] if missing else []


def check_scores(where, got: dict, built, fmt) -> list:
    """Every element marked ``data-score`` (:mod:`toolkit.reports.marks`) shows the built value
    at the page's precision, ``fmt(built(key))``; a change (``a~b``) shows its size,
    ``fmt(abs(built(a) - built(b)))``. ``built`` returns None for a key the index does not hold
    (itself a problem)."""
    problems = []
    for s in got["scores"]:
        value = _value(built, s["score"])
        if value is None:
            problems.append((where, "score of nothing built", s["score"], s["text"]))
            continue
        node = s["score"].split("|")[1] if s["score"].count("|") >= 2 else ""
        show = (lambda v: str(int(round(v)))) if node == "rank" or node.startswith("rank@") else fmt
        want = show(abs(value)) if "~" in s["score"] else show(value)
        if not _shown_alone(want, s["text"]) and not (
                "~" in s["score"] and float(want) == 0 and "0" in s["text"]):
            problems.append((where, "score differs from the built value", s["score"], s["text"], want))
    return problems


def _shown_alone(want: str, text: str) -> bool:
    r"""``text`` holds ``want`` with no digit or point just before it and no digit just after
    (``re.search(r"(?<![\d.])WANT(?!\d)", text)``, without compiling a pattern per number)."""
    at = text.find(want)
    while at >= 0:
        before, after = text[at - 1:at], text[at + len(want):at + len(want) + 1]
        if not (before.isdecimal() or before == ".") and not after.isdecimal():  # \d: a decimal digit
            return True
        at = text.find(want, at + 1)
    return False


def check_score_column_on_screen(where, got: dict, node: str) -> list:
    """Every unit's score of ``node`` shown in a table lies inside the viewport as loaded (a
    phone reader sees it beside the name without scrolling the table)."""
    cells = [s for s in got["scores"] if s["in_table"] and not s["score"].startswith("@")
             and s["score"].split("|")[1:2] == [node]]
    if not cells:
        return [(where, f"no {node} score in a table")]
    off = [s["score"] for s in cells if s["right"] > got["vw"] + 1 or s["width"] == 0]
    return [(where, f"{node} scores off-screen", len(off), off[:3])] if off else []


def _value(built, key: str):
    parts = [built(*(k.split("|") + ["", ""])[:3]) for k in key.split("~")]
    if any(p is None for p in parts):
        return None
    return parts[0] - parts[1] if len(parts) == 2 else parts[0]


def check_plotted(where, got: dict, built) -> list:
    """Every chart that names its values (``data-keys``) plots the built values (to the 6
    significant digits it writes)."""
    problems = []
    for c in got["charts"]:
        if c.get("keys") is None:
            continue
        if len(c["keys"]) != len(c["vals"]):
            problems.append((where, "chart keys and values differ in number", c["title"]))
            continue
        wrong = [(k, v, b) for k, v in zip(c["keys"], c["vals"], strict=True)
                 if (b := _value(built, k)) is None or abs(v - b) > 1e-5 * max(abs(b), 1e-9) + 1e-12]
        if wrong:
            problems.append((where, "plotted values differ from the built values", c["title"], wrong[:3]))
    return problems


def bundle_values(bundle, ranks: dict | None = None):
    """``built(unit, node, year)`` of a report run's bundle: a unit's score of a level (its
    normalised value of a leaf, its rank), or the mean, maximum, a region's mean or the mean of a
    unit's other region or peer-group members (the groups of :mod:`toolkit.reports.marks`),
    computed here from the bundle's tables, independently of the pages' code. ``ranks`` (spec
    name → ranks indexed by unit and year, e.g. ``build_index(...).rank``) gives ``rank@spec``.

    The tables are indexed once (a year's rows, a unit's scores, a leaf's value) and every key's
    value is computed once (a page asks for the same keys at every width and in every check)."""
    import functools

    import pandas as pd

    fw = bundle.framework
    summary = bundle.summary
    columns = set(summary.columns)
    lv = bundle.tables["leaves"]
    leaves = {}  # (unit, year, code) -> normalised value (None for a missing one)
    for key, v in zip(zip(lv["unit_id"], lv["year"], lv["code"], strict=True), lv["normalised"], strict=True):
        leaves[(key[0], int(key[1]), key[2])] = None if pd.isna(v) else float(v)
    by_year = {int(y): rows for y, rows in summary.groupby("year", sort=False)}
    no_rows = summary.iloc[:0]
    by_unit = {(u, int(y)): i for i, (u, y) in enumerate(zip(summary["unit_id"], summary["year"], strict=True))}

    @functools.cache
    def built(unit: str, node: str, year: str):
        try:
            y = int(year)
        except ValueError:
            return None
        rows = by_year.get(y, no_rows)
        if node.startswith("rank@"):
            r = (ranks or {}).get(node[5:])
            return None if r is None or (unit, y) not in r.index else float(r.loc[(unit, y)])
        if node not in columns:
            if unit.startswith("@"):
                return None
            return leaves.get((unit, y, node))
        if not unit.startswith("@"):
            i = by_unit.get((unit, y))
            return None if i is None else float(summary[node].iat[i])
        group, _, arg = unit[1:].partition("=")
        if group == "mean":
            return float(rows[node].mean())
        if group == "max":
            return float(rows[node].max())
        if group == "region":
            g = rows[rows[fw.region_column] == arg][node]
            return float(g.mean()) if len(g) else None
        if group == "grouping":  # the units of the regions a grouping maps to one value
            name, _, value = arg.partition(":")
            g = next((g for g in fw.groupings if g.name == name), None)
            if g is None:
                return None
            regions = [k for k, v in g.mapping.items() if v == value]
            g = rows[rows[fw.region_column].isin(regions)][node]
            return float(g.mean()) if len(g) else None
        if group in ("others-region", "others-peer"):
            col = fw.region_column if group == "others-region" else fw.peer_column
            me = rows[rows["unit_id"] == arg]
            if me.empty:
                return None
            g = rows[(rows[col] == me[col].iloc[0]) & (rows["unit_id"] != arg)][node]
            return float(g.mean()) if len(g) else None
        return None

    return built


# --- the marks of every number (issue 22): results other than scores, chart labels, unmarked numbers ---


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


#: the precision each kind of result is shown at (:mod:`toolkit.reports.marks`), fixed here and
#: not read from the page: a page that shows a weight as 0.2 or 22% fails
VALUE_FORMATS = {"weight": _pct, "probability": _pct, "screened": _pct, "agreement": "{:.3f}".format,
                 "sobol": "{:.3f}".format, "coupling": "{:.3f}".format, "spread": lambda v: str(int(round(v))),
                 "percentile": "{:.0f}".format, "indicator_weight": _pct, "obstacle": "{:.1f}%".format}


def _shows(text: str, want: str) -> bool:
    """``text`` shows the number ``want`` (not as part of a longer number)."""
    return re.search(rf"(?<![\d.]){re.escape(want)}(?![\d]|\.\d)", text.replace("−", "-")) is not None


def check_values(where, got: dict, values) -> list:
    """Every element marked ``data-value="SOURCE|KEY…"`` shows the result ``values(SOURCE, *KEY)``
    (recomputed by the test from the results, None for a result that does not exist) at the
    precision :data:`VALUE_FORMATS` gives its source; every ``data-plain`` is a declared kind."""
    from toolkit.reports.marks import PLAIN

    problems = []
    for v in got.get("values", []):
        source, *keys = v["value"].split("|")
        fmt = VALUE_FORMATS.get(source)
        built = values(source, *keys) if fmt else None
        if built is None:
            problems.append((where, "value of nothing built", v["value"], v["text"]))
        elif not _shows(v["text"], fmt(built)):
            problems.append((where, "value differs from the result", v["value"], v["text"], fmt(built)))
    odd = sorted({p["kind"] for p in got.get("plain", [])} - set(PLAIN))
    if odd:
        problems.append((where, "numbers declared plain of an unknown kind", odd))
    return problems


def check_unmarked(where, got: dict, charts_only: bool = False) -> list:
    """No number is shown unmarked: each is a score (``data-score``), a result (``data-value``) or
    declared not to be one (``data-plain``: a year, a count, a tick…); ``charts_only``: the
    numbers drawn in charts alone."""
    found = [u for u in got.get("unmarked", []) if u["in_chart"] or not charts_only]
    return [(where, "numbers shown unmarked", len(found), [u["text"] for u in found[:4]])] if found else []


def check_chart_labels(where, got: dict, built, fmt, values=None) -> list:
    """Every value label drawn in a chart (bars, heatmap cells, tiles, bump ranks…) shows the
    built value at the page's precision: a score's label ``fmt(built(key))`` (a rank: the whole
    number), a result's label :data:`VALUE_FORMATS`; the numbers a chart draws unmarked are
    :func:`check_unmarked`'s."""
    problems = []
    for lab in got.get("chart_labels", []):
        if lab["score"]:
            bad = check_scores(where, {"scores": [{"score": lab["score"], "text": lab["text"]}]}, built, fmt)
        else:
            bad = check_values(where, {"values": [{"value": lab["value"], "text": lab["text"]}]},
                               values or (lambda *a: None))
        problems += [(where, "chart label differs from the built value", *p[2:]) for p in bad]
    return problems


def check_labels_language(where, got: dict, fw, lang: str, allowed: set[str] | None = None) -> list:
    """Every accessible name (``aria-label``, ``title``, an SVG's ``<title>``, the page's title)
    is in the page's language (:func:`check_language` on them)."""
    text = " ".join(got.get("labels", []))
    return [(where, f"accessible names: {p[1]}", *p[2:]) for p in check_language(where, text, fw, lang, allowed)]


def compare_values(results: dict, year: int, sel=None):
    """``values(source, *key)`` of a comparison's and a selection's pages, recomputed here from
    the built indexes (``results``: spec name → :func:`toolkit.build_index`'s result) and the
    selection's replications, independently of the pages' code: a specification's effective
    weight of a node (the sum over its leaves), the rank agreement of two specifications
    (scipy's Spearman ρ and Kendall τ-b over the units both rank), a unit's spread of ranks, its
    selection probability (the share of replications that select it), its screened-out share and
    the Sobol indices of the selection's table (``sel``)."""
    import functools

    import numpy as np
    from scipy.stats import kendalltau, spearmanr

    def ranks(spec):
        r = results[spec].rank
        return r.xs(year, level="year") if year in r.index.get_level_values("year") else None

    @functools.cache  # each key computed once, however many pages and languages show it
    def values(source, *key):
        try:
            if source == "weight":
                spec, node = key
                r = results[spec]
                e = r.effective_weights
                e = e.loc[year] if year in e.index else e.iloc[0]
                leaves = [c for c in e.index if node in _lineage(r.framework, c)]
                return float(e[leaves].sum()) if leaves else None
            if source == "agreement":
                a, b, stat = key
                both = np.array([[x, y] for x, y in zip(ranks(a), ranks(b).reindex(ranks(a).index), strict=True)
                                 if x == x and y == y], float)
                f = spearmanr if stat == "spearman" else kendalltau
                return float(f(both[:, 0], both[:, 1]).statistic)
            if source == "spread":
                (unit,) = key
                got = [float(ranks(s).get(unit, np.nan)) for s in results]
                got = [g for g in got if g == g]
                return max(got) - min(got) if got else None
            if sel is not None and source == "probability":
                (unit,) = key
                return float(np.asarray(sel.selected)[:, list(sel.units).index(unit)].mean())
            if sel is not None and source == "screened":
                return float(sel.table.loc[key[0], "screened_out"])
            if sel is not None and source == "sobol":
                unit, factor, stat = key
                s = sel.sobol
                row = s[(s["target"].astype(str) == unit) & (s["factor"].astype(str) == factor)]
                return float(row[stat].iloc[0]) if len(row) == 1 else None
        except (KeyError, ValueError, IndexError, TypeError):
            return None
        return None

    return values


def _lineage(fw, code: str) -> list[str]:
    """``code`` and the codes of its parents up to the index (the framework's tree)."""
    out = [code]
    while (p := fw.parent(out[-1])) is not None:
        out.append(p.code)
    return out


def bundle_results(bundle):
    """``values(source, *key)`` of a report run, read from the bundle's tables (the run's results
    files): a unit's coupling coordination ``coupling|UNIT|YEAR|D`` (or ``C``, ``T``), an
    indicator's ``percentile|UNIT|CODE|YEAR``, ``indicator_weight|…`` (its effective weight) and
    ``obstacle|…`` (its obstacle degree, in %). A key names one row of its table (none, or
    several, is no value); the tables are indexed by their keys' text once."""
    import pandas as pd

    tables = {"coupling": "coupling", "percentile": "leaves", "indicator_weight": "leaves", "obstacle": "obstacles"}
    column = {"percentile": "percentile", "indicator_weight": "weight", "obstacle": "obstacle"}
    rows: dict = {}  # table -> {(unit, year) or (unit, code, year) as text: [row positions]}

    def index(name: str) -> dict:
        if name not in rows:
            df = bundle.tables[name]
            keys = ("unit_id", "year") if name == "coupling" else ("unit_id", "code", "year")
            found: dict = {}
            for i, k in enumerate(zip(*(df[c].astype(str) for c in keys), strict=True)):
                found.setdefault(k, []).append(i)
            rows[name] = found
        return rows[name]

    def values(source, *key):
        if source not in tables or len(key) != 3:
            return None
        df = bundle.tables[tables[source]]
        unit, a, b = key
        if source == "coupling":  # UNIT|YEAR|STAT
            at, col = index(tables[source]).get((unit, a), []), b
        else:  # UNIT|CODE|YEAR
            at, col = index(tables[source]).get((unit, a, b), []), column[source]
        if len(at) != 1 or col not in df:
            return None
        v = df[col].iat[at[0]]
        return None if pd.isna(v) else float(v)

    return values


# --- every glyph drawn by a font that has it (issue 22): Chromium's platform fonts per text node ---


def system_fonts_without_cjk(folder: Path) -> tuple[Path, dict]:
    """A fontconfig file that shows Chromium only the system fonts with no Chinese, and the
    character map of each (by family name): what the browser can draw without the page's font."""
    import subprocess

    from fontTools.ttLib import TTCollection, TTFont

    listed = subprocess.run(["fc-list", ":", "file", "lang"], capture_output=True, text=True).stdout.splitlines()
    fonts = folder / "fonts"
    fonts.mkdir()
    cmaps: dict = {}
    for line in listed:
        file, _, langs = line.partition(":")
        if re.search(r"\b(zh|ja|ko)\b", langs) or not file.lower().endswith((".ttf", ".otf", ".ttc")):
            continue
        if not (fonts / Path(file).name).exists():
            (fonts / Path(file).name).symlink_to(file)
        faces = TTCollection(file).fonts if file.lower().endswith(".ttc") else [TTFont(file, lazy=True)]
        for face in faces:
            family = face["name"].getBestFamilyName()
            cmaps.setdefault(family, {}).update(face.getBestCmap() or {})
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>{fonts}</dir>'
                    f'<cachedir>{folder / "cache"}</cachedir></fontconfig>\n', "utf-8")
    return conf, cmaps


@contextlib.contextmanager
def chromium_without_cjk(folder: Path):
    """A headless Chromium that sees no system CJK font (``FONTCONFIG_FILE``), and the character
    maps of the system fonts it sees, by family (:func:`system_fonts_without_cjk`)."""
    import os

    if find_chromium() is None:
        pytest.skip("Chromium not installed: run `make browser`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    conf, cmaps = system_fonts_without_cjk(folder)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"],
                              env={**os.environ, "FONTCONFIG_FILE": str(conf)})
        try:
            yield b, cmaps
        finally:
            b.close()


#: marks every element with text of its own with the number of its group — the elements with the
#: same tag, the same computed font (family list, size, weight, style, stretch, variant, features,
#: text transform), the same language and the same characters — and returns each element's group,
#: tag and text (the text nodes of its own, as DevTools sees them), in document order
FONT_GROUPS_JS = r"""() => {
const skip = new Set(['style', 'script', 'title', 'head']), keys = new Map(), out = [];
document.querySelectorAll('*').forEach(el => {
  const text = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.nodeValue).join('');
  if (skip.has(el.localName) || !text.trim()) return;
  const cs = getComputedStyle(el), lang = (el.closest('[lang]') || {}).lang || '';
  const key = [el.localName, cs.fontFamily, cs.fontSize, cs.fontWeight, cs.fontStyle, cs.fontStretch, cs.fontVariant,
               cs.fontFeatureSettings, cs.textTransform, lang, Array.from(new Set(text)).sort().join('')].join('\u0000');
  if (!keys.has(key)) keys.set(key, keys.size);
  el.setAttribute('data-audit-font', keys.get(key));
  out.push([keys.get(key), el.localName, text]); });
return out; }"""


def platform_fonts(page) -> list:
    """Every element of a loaded page with text of its own, with the fonts Chromium drew that
    text with (DevTools ``CSS.getPlatformFontsForNode``): ``[(tag, text, [font, …])]``, a font
    being ``{familyName, isCustomFont, glyphCount}``. Text not drawn (hidden, a ``<title>``) has
    no font.

    Elements with the same tag, computed font, language and characters are drawn with the same
    fonts (Chromium picks a font for each character from the font's family list and the
    language): DevTools is asked for the first of each such group (:data:`FONT_GROUPS_JS`) that
    draws its text — the ones before it draw nothing — and the others are given its fonts. An
    overview of 193 countries has ~4,000 elements with text and a few hundred groups. The
    groups are asked together (:func:`cdp_send_all`): the first element of each, then the next
    of those whose element drew nothing, until each group has an element that draws or none left."""
    elements = _collect(page, FONT_GROUPS_JS)  # thousands of short rows: one JSON text
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-audit-font]"})["nodeIds"]
        assert len(ids) == len(elements), (len(ids), len(elements))  # both in document order
        members: dict = {}  # group -> its elements' positions, in document order
        for i, (group, _, _) in enumerate(elements):
            members.setdefault(group, []).append(i)
        asked: dict = {}  # position -> the fonts DevTools gave for that element
        found: dict = {}  # group -> the fonts of its first element that draws its text
        left = {g: iter(at) for g, at in members.items()}
        while left:
            ask = {g: next(at, None) for g, at in left.items()}
            ask = {g: i for g, i in ask.items() if i is not None}
            got = cdp_send_all(cdp, "CSS.getPlatformFontsForNode", [{"nodeId": ids[i]} for i in ask.values()])
            for (g, i), reply in zip(ask.items(), got, strict=True):
                asked[i] = reply["fonts"]
                if asked[i]:
                    found[g] = asked[i]
            left = {g: left[g] for g in ask if g not in found}
        return [(tag, text, asked[i] if i in asked else found[group]) for i, (group, tag, text) in enumerate(elements)]
    finally:
        cdp.detach()
        page.evaluate("() => document.querySelectorAll('[data-audit-font]').forEach(el => el.removeAttribute('data-audit-font'))")


def cdp_send_all(cdp, method: str, params: list[dict]) -> list[dict]:
    """``[cdp.send(method, p) for p in params]``, the messages sent at once and their replies
    awaited together: one round trip through Playwright's driver and Chromium instead of one per
    message (a third of the CPU time for a page's few hundred font queries). Playwright's sync
    API has no public call for that; without the driver's async session (another Playwright)
    the messages are sent one at a time."""
    import asyncio

    impl, run = getattr(cdp, "_impl_obj", None), getattr(cdp, "_sync", None)
    if impl is None or run is None or len(params) < 2:
        return [cdp.send(method, p) for p in params]
    return run(asyncio.gather(*(impl.send(method, p, None) for p in params)))


def check_platform_fonts(where, drawn: list, embedded: dict, system: dict) -> list:
    """Every character of every text node is drawn by a font that has its glyph: the fonts
    Chromium drew the node with (:func:`platform_fonts`) — the page's embedded font (``embedded``,
    its character map) or a system font (``system``: character maps by family) — hold it; a
    Chinese character is drawn by the embedded font."""
    problems = []
    for tag, text, fonts in drawn:
        if not fonts:
            continue
        custom = any(f.get("isCustomFont") for f in fonts)
        maps = [embedded if f.get("isCustomFont") else system.get(f["familyName"], {}) for f in fonts]
        missing = sorted({ch for ch in text if not ch.isspace() and not any(ord(ch) in m for m in maps)})
        if missing:
            problems.append((where, "glyphs drawn by a font without them", tag, "".join(missing[:10]),
                             [f["familyName"] for f in fonts]))
        elif any(ord(ch) >= CJK for ch in text) and not custom:
            problems.append((where, "Chinese drawn without the embedded font", tag, text.strip()[:20],
                             [f["familyName"] for f in fonts]))
    return problems


# -- printed pages (issue 22: nothing clipped on A4) ----------------------------------------------
#: what a page shows of its tables and boxes, collected once on screen and once printed
PRINT_FIT_JS = r"""() => {
const vw = window.innerWidth, out = {over: [], headers: []};
const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const past = el => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > vw + 1 || r.left < -1); };
document.body.querySelectorAll('*').forEach(el => {
  if (!past(el) || (el.parentElement !== document.body && past(el.parentElement))) return;  // the outermost only
  const r = el.getBoundingClientRect();
  out.over.push(el.tagName + '.' + el.className + ':' + (el.innerText || el.textContent || '').trim().slice(0, 30)
                + ':' + Math.round(r.left) + '–' + Math.round(r.right) + ' of ' + vw); });
document.querySelectorAll('table').forEach(tb => { if (!shown(tb)) return;
  const row = tb.tHead ? tb.tHead.rows[0] : tb.rows[0];
  if (row) out.headers.push(Array.from(row.cells).filter(shown).map(c => c.innerText.trim())); });
return out; }"""


#: the screen width whose tables a printed page must keep (:func:`check_print_fit`)
FIT_SCREEN_WIDTH = 1280


def load_print(browser, page_url, width: int = A4_WIDTH) -> tuple[dict, dict]:
    """A page's tables on screen (at 1280 px) and its boxes and tables printed (print media at
    ``width``, the printable width of A4), with the network off: ``(screen, printed)``
    collections of :data:`PRINT_FIT_JS` (``load_widths(…, fit=True)`` collects the same in a
    load that audits the page on screen too)."""
    got, _ = load_widths(browser, page_url, (FIT_SCREEN_WIDTH,), script=PRINT_FIT_JS, print_width=width)
    return got[FIT_SCREEN_WIDTH], got["print"]


def check_print_fit(where, screen: dict, printed: dict) -> list:
    """Printed, no box passes the edges of the printable width (Chromium would shrink the page
    and cut it off at the paper's edge: main's overview did both), and every column a table shows on
    screen is printed (a table too wide for the page is printed in parts:
    :mod:`toolkit.reports.printing`)."""
    problems = []
    if printed["over"]:
        problems.append((where, "printed box past the page's edge", len(printed["over"]), printed["over"][:3]))
    on_paper = {h for row in printed["headers"] for h in row}
    lost = [h for row in screen["headers"] for h in row if h not in on_paper]
    if lost:
        problems.append((where, "table columns lost in print", lost[:6]))
    return problems
