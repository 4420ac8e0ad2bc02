"""The documentation: doctests of every module, docstrings of the public names, the step pages, the
strict site build (and Chinese in a real browser), the changelog and the citation file."""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import logging
import os
import re
import sys
import warnings
from datetime import date

import numpy as np
import pytest
import yaml

from .conftest import ROOT

DOCS = ROOT / "docs"
MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in (ROOT / "toolkit").rglob("*.py") if p.name != "__main__.py")
STEPS = ["framework", "reading", "treatment", "normalisation", "weights", "aggregation", "audit",
         "typology", "robustness", "reports", "studio"]


# ------------------------------------------------------------------ doctests
@pytest.mark.parametrize("name", MODULES)
def test_doctests(name, monkeypatch):
    """Every ``>>>`` example of the toolkit runs (from the repository root, as the examples assume)."""
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
        runner.run(test, out=report.append)
    assert runner.summarize(verbose=False).failed == 0, "".join(report)


def _takes_parameters(obj) -> bool:
    try:
        return bool(inspect.signature(obj).parameters)
    except ValueError:  # exception classes and other built-in signatures
        return False


def _lacks_example(obj) -> list[str]:
    doc = inspect.getdoc(obj) or ""
    missing = [s for s in ("Parameters", "Returns", "Examples") if s not in doc]
    if inspect.isclass(obj):  # a class has no Returns section; its Examples are what counts
        missing = [s for s in missing if s == "Examples"]
    elif not _takes_parameters(obj):
        missing = [s for s in missing if s != "Parameters"]
    if ">>>" not in doc and "Examples" not in missing:
        missing.append(">>>")
    return missing


#: public names still without a numpydoc docstring with an example. The list may only shrink: a new
#: public name comes with its example, and whoever adds an example removes the name here.
STILL_WITHOUT_EXAMPLE: set[str] = set()


PACKAGES = ["toolkit", "toolkit.framework", "toolkit.data", "toolkit.methods", "toolkit.index",
            "toolkit.analysis", "toolkit.robustness", "toolkit.dynamics", "toolkit.reports", "toolkit.viz",
            "toolkit.publish"]


def test_public_names_have_numpydoc_docstrings_with_examples():
    """Every public function and class of ``toolkit.__all__`` and the subpackages' ``__all__`` has
    Parameters, Returns and Examples with ``>>>`` lines, except the recorded ones still to do."""
    import toolkit

    lacking = {}
    for package in map(importlib.import_module, PACKAGES):
        for name in getattr(package, "__all__", []):
            obj = getattr(package, name)
            if inspect.ismodule(obj) or not callable(obj):
                continue
            top = name in toolkit.__all__ and getattr(toolkit, name) is obj
            qual = f"toolkit.{name}" if top else f"{package.__name__}.{name}"  # judged once
            missing = _lacks_example(obj)
            if missing:
                lacking[qual] = missing
    new = {k: v for k, v in lacking.items() if k not in STILL_WITHOUT_EXAMPLE}
    assert not new, f"public names without Parameters/Returns/Examples: {new}"
    for done in ("toolkit.load_framework", "toolkit.read_indicators", "toolkit.load_spec",
                 "toolkit.build_index", "toolkit.available_frameworks"):
        assert done not in lacking


def test_cli_words_are_documented_with_examples():
    from toolkit import cli_commands, cli_help, cli_help_text, cli_listings, cli_table, cli_text

    for module in (cli_text, cli_help_text, cli_listings, cli_commands, cli_help, cli_table):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                assert not _lacks_example(obj), (module.__name__, name, _lacks_example(obj))


# ------------------------------------------------------------------ the pages
def _cited_tests(text: str) -> list[tuple[str, str]]:
    return re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", text)


@pytest.mark.parametrize("step", STEPS)
def test_each_step_page_has_a_figure_and_the_tests_behind_it(step):
    text = (DOCS / "steps" / f"{step}.md").read_text("utf-8")
    figures = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", text)
    assert figures, f"{step}: no figure"
    for fig in figures:
        assert (DOCS / "steps" / fig).resolve().is_file(), fig
    if step != "studio":  # the studio's tests are on its own page (docs/studio.md)
        assert _cited_tests(text), f"{step}: no test cited"


def test_every_cited_test_exists():
    cited = set()
    for page in DOCS.rglob("*.md"):
        cited.update(_cited_tests(page.read_text("utf-8")))
    assert len(cited) > 60
    defined = {}
    for path in {p for p, _ in cited}:
        tree = ast.parse((ROOT / path).read_text("utf-8"))
        defined[path] = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    missing = sorted(f"{p}::{t}" for p, t in cited if t not in defined[p])
    assert not missing, missing


def test_step_pages_name_every_method_the_specification_accepts():
    from toolkit.index import spec

    pages = {"IMPUTATION_METHODS": "treatment", "PANEL_METHODS": "treatment", "OUTLIER_METHODS": "treatment",
             "NORMALISATION_METHODS": "normalisation", "WEIGHT_METHODS": "weights",
             "AGGREGATION_METHODS": "aggregation", "COMBINE_METHODS": "weights"}
    for constant, page in pages.items():
        methods = getattr(spec, constant, None)
        if methods is None:  # the method lists moved (registries): nothing to compare here
            continue
        text = (DOCS / "steps" / f"{page}.md").read_text("utf-8")
        absent = [m for m in methods if not re.search(rf"(?<!\w){re.escape(m)}(?!\w)", text)]
        assert not absent, f"docs/steps/{page}.md does not mention {absent} ({constant})"


def test_mkdocs_nav_lists_every_page_and_marks_the_pages_to_come():
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    nav_pages = set(re.findall(r"^\s*-\s+(?:[^:\n]+:\s+)?([\w/.-]+\.(?:md|ipynb))\s*$", config, re.M))
    on_disk = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "_build" not in p.parts}
    on_disk |= {p.relative_to(DOCS).as_posix() for p in (DOCS / "notebooks").glob("*.ipynb")}
    assert on_disk - {"api/index.md"} <= nav_pages | {"api/index.md"}, on_disk - nav_pages
    from importlib.util import module_from_spec, spec_from_file_location

    loader = spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    hooks = module_from_spec(loader)
    loader.loader.exec_module(hooks)
    for page in hooks.PENDING:  # in the nav once it exists; until then, in the commented-out block
        if (DOCS / page).exists():
            assert page in nav_pages, f"{page} exists: uncomment its line in mkdocs.yml"
        else:
            assert re.search(rf"^\s*#.*{re.escape(page)}", config, re.M), page


# ------------------------------------------------------------------ the site
class _Warnings(logging.Handler):
    """Every record at WARNING or above, from any logger (mkdocs, its plugins, griffe …)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built as ``mkdocs build --strict`` builds it (its ``load_config`` with ``strict``,
    the plugins' start-up, ``build``, their shut-down) in this process: the toolkit the hooks read is
    imported here already, so the build skips a second interpreter's imports (about 2 CPU-s). Every
    page is built, and each is the command's byte for byte but for the search box: the search plugin
    is switched off (its own ``enabled`` option, which the theme reads too), as its index is a JSON
    file nothing here reads, and parsing every page for it took 1.5 of the build's 10 CPU-s
    (``make docs`` builds it). A warning of any logger fails the build, as strict mode does
    (mkdocs' own count raises ``Abort``); the process' environment, path, working folder and
    loggers are restored afterwards (the hooks set ``COLUMNS``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("site")
    caught, root, mk = _Warnings(), logging.getLogger(), logging.getLogger("mkdocs")
    env, path, level = dict(os.environ), list(sys.path), mk.level
    root.addHandler(caught)
    mk.setLevel(logging.INFO)  # as the command line sets it
    try:
        with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
            warnings.simplefilter("module", DeprecationWarning)  # as the command line: reported, not raised
            mp.chdir(ROOT)
            os.environ["NO_MKDOCS_2_WARNING"] = "1"
            config = load_config(config_file=str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(out))
            config.plugins["material/search"].config.enabled = False
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
    finally:
        root.removeHandler(caught)
        mk.setLevel(level)
        os.environ.clear()
        os.environ.update(env)
        sys.path[:] = path
    assert not caught.records, caught.records
    return out


@pytest.mark.slow
def test_site_builds_strict_with_every_part(site):
    def page(p):
        return (site / p).read_text("utf-8")
    assert "五条命令" in page("quickstart-zh.html") and "Getting started" in page("getting-started.html")
    for step in STEPS:
        assert (site / "steps" / f"{step}.html").exists()
    cli = page("cli.html")
    for command in ("template", "validate", "prepare", "index", "reports", "framework", "demo"):
        assert f"python -m toolkit {command}" in cli
    assert "为每个产业大脑或城市生成一份 HTML 报告" in cli and "render one HTML report per brain or city" in cli
    assert 'id="toolkit.data.read.read_indicators"' in page("api/data.html")
    assert 'id="toolkit.index.build.build_index"' in page("api/index-engine.html")
    assert "Composite index and audit" in page("notebooks/04_index.html")
    assert page("assets/cjk-font.css").startswith("@font-face")
    assert "frameworks.md, to come" in page("steps/framework.html") or \
        (DOCS / "frameworks.md").exists()


@pytest.mark.slow
def test_site_shows_chinese_in_a_real_browser(site, tmp_path):
    """The built site's own font subset draws four different Chinese characters as four shapes (missing
    glyphs would draw identical boxes), and the Chinese quick-start page has text on it. One Chromium
    draws both (it costs about 1.3 CPU-s a start): the probe's four characters, and under them the page,
    in a frame of the size a screenshot of the page alone would have (1100 × 900)."""
    from matplotlib import image

    from toolkit.reports.screenshot import find_chromium, screenshot

    if find_chromium() is None:
        pytest.skip("Chromium not installed (make browser)")
    chars = "快速上手"
    cells = "".join(f'<div style="position:absolute;left:{20 + 120 * i}px;top:20px;font-size:90px;'
                    f'line-height:100px;font-family:\'Noto Sans SC Embedded\'">{c}</div>'
                    for i, c in enumerate(chars))
    page = ('<iframe src="quickstart-zh.html" style="position:absolute;left:0;top:160px;width:1100px;'
            'height:900px;border:0"></iframe>')
    probe = site / "glyph-probe.html"
    probe.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                     '<link rel="stylesheet" href="assets/cjk-font.css"></head>'
                     f'<body style="margin:0;background:#fff">{cells}{page}</body></html>', "utf-8")
    img = image.imread(screenshot(probe, tmp_path / "probe.png", width=1100, height=1060))[..., :3].mean(axis=2)
    crops = [img[20:120, 20 + 120 * i: 120 + 120 * i] for i in range(4)]
    for crop in crops:
        assert (crop < 0.5).mean() > 0.03
    for i in range(4):
        for j in range(i + 1, 4):
            assert np.abs(crops[i] - crops[j]).mean() > 0.02, (chars[i], chars[j])
    assert (img[125:160] > 0.99).all()  # white between the probe and the page: what follows is the page's
    shot = img[160:]
    assert (shot < 0.5).mean() > 0.01  # text, not a blank page


# ------------------------------------------------------------------ changelog, citation
def test_changelog_follows_keep_a_changelog_and_names_this_version():
    import toolkit

    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert "Keep a Changelog" in text and "## [Unreleased]" in text
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert versions, "no released version"
    pyproject = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text("utf-8"), re.M)[1]
    assert versions[0][0] == pyproject
    assert toolkit.__version__.startswith(pyproject) or toolkit.__version__.startswith("0.0.0")
    for heading in re.findall(r"^### (.+)$", text, re.M):
        assert heading in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, heading


def test_citation_cff_is_valid_cff_1_2_0():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"]
    assert isinstance(cff["title"], str) and cff["title"]
    assert cff["authors"] and all(isinstance(a, dict) and ("name" in a or "family-names" in a)
                                  for a in cff["authors"])
    allowed = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
               "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
               "references", "repository", "repository-artifact", "repository-code", "title", "type",
               "url", "version"}
    assert set(cff) <= allowed, set(cff) - allowed
    assert cff.get("type", "software") in ("software", "dataset")
    pyproject = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text("utf-8"), re.M)[1]
    assert str(cff["version"]) == pyproject
    released = cff["date-released"]
    assert isinstance(released, date)  # YAML date, as the schema requires (YYYY-MM-DD)
    assert cff["license"] == "MIT"


def test_site_shows_every_research_notebook():
    """docs/notebooks/ links each numbered notebook (a symlink to notebooks/), and the nav lists it."""
    from toolkit.notebooks import NOTEBOOKS

    linked = sorted(p.stem for p in (DOCS / "notebooks").glob("*.ipynb"))
    assert linked == sorted(NOTEBOOKS), "ln -s ../../notebooks/NN_name.ipynb docs/notebooks/ and add it to the nav"
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    for stem in NOTEBOOKS:
        link = DOCS / "notebooks" / f"{stem}.ipynb"
        assert link.resolve() == (ROOT / "notebooks" / f"{stem}.ipynb").resolve()
        assert f"notebooks/{stem}.ipynb" in config
