"""The research notebooks (notebooks/01_…05_) and their machinery (toolkit/nb.py).

nbval itself runs the notebooks (``pytest`` collects notebooks/ with ``--nbval-lax``); these tests
check what nbval cannot: that the stored notebooks are in their reviewable form (clean ``.ipynb``
with text outputs, in sync with the paired ``.py``), that nbval is wired into the pytest
configuration, that the sanitize patterns mask volatile output but no result, that a changed
number fails nbval, and that ``make analysis`` writes atomically.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import nbformat
import pytest

from toolkit import notebooks as nb

pytest_plugins = ("pytester",)  # pytest runs in this process: the nbval wiring tests below

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = NOTEBOOKS / "nbval_sanitize.cfg"


# ------------------------------------------------------------------------- stored notebooks
@pytest.mark.parametrize("stem", nb.NOTEBOOKS)
def test_stored_notebook_is_clean_executed_and_paired(stem):
    assert nb.notebook_problems(stem) == []


def test_the_numbered_sequence_is_exactly_the_five_pairs():
    numbered = sorted(p.name for p in NOTEBOOKS.iterdir() if re.match(r"^\d{2}_", p.name))
    assert numbered == sorted(f"{s}.{ext}" for s in nb.NOTEBOOKS for ext in ("ipynb", "py"))
    assert [s[:2] for s in nb.NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]


@pytest.mark.parametrize("stem", nb.NOTEBOOKS)
def test_notebook_parameters_are_the_common_set(stem):
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = set(re.findall(r"^(\w+)\s*=", cell.source, flags=re.MULTILINE))
    assert {"data_path", "spec_path", "year", "lang", "seed"} <= names
    # the logic lives in toolkit: code cells are short calls, not implementations
    for c in nb.cells:
        if c.cell_type == "code":
            assert "def " not in c.source and "class " not in c.source, c.source
            assert len(c.source.splitlines()) <= 15, c.source


def _executed_like(nb):
    """A stored notebook as papermill leaves it: timings, papermill metadata, an image."""
    nb = copy.deepcopy(nb)
    nb.metadata["papermill"] = {"duration": 1.23, "start_time": "2026-01-01T00:00:00"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    for c in nb.cells:
        c.metadata["papermill"] = {"duration": 0.5, "status": "completed"}
        c.metadata.setdefault("tags", [])
        if c.cell_type == "code":
            c.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00.1Z"}
    code = next(c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata["tags"])
    code.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                                     "text/plain": "<Figure size 640x480>"},
                                               metadata={"image/png": {"width": 640}}))
    injected = nbformat.v4.new_code_cell("lang = 'en'", metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(2, injected)
    return nb


def test_clean_notebook_strips_images_volatile_metadata_and_injected_parameters():
    stored = nbformat.read(NOTEBOOKS / "01_data.ipynb", as_version=4)
    dirty = _executed_like(stored)
    problems_dir = NOTEBOOKS  # the real stored notebook is the reference
    clean = nb.clean_notebook(dirty)
    assert nb.notebook_text(clean) == (problems_dir / "01_data.ipynb").read_text("utf-8")
    assert nb.clean_notebook(clean) == clean  # idempotent
    assert not any(o.get("data", {}).get("image/png") for c in clean.cells for o in c.get("outputs", []))


def test_notebook_problems_names_each_departure(tmp_path):
    stored = nbformat.read(NOTEBOOKS / "02_weights.ipynb", as_version=4)
    nbformat.write(_executed_like(stored), tmp_path / "02_weights.ipynb")
    (tmp_path / "02_weights.py").write_text(nb.paired_text(stored) + "\n# edited\n", "utf-8")
    text = "\n".join(nb.notebook_problems("02_weights", tmp_path))
    for expected in ("stores an image output", "volatile cell metadata", "volatile notebook metadata",
                     "output metadata", "not in stored form", "out of sync", "execution counts"):
        assert expected in text, expected
    assert nb.notebook_problems("nope", tmp_path) == ["nope.ipynb is missing", "nope.py is missing"]


def test_the_py_pair_round_trips_through_jupytext():
    import jupytext

    for stem in nb.NOTEBOOKS:
        stored = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
        back = jupytext.reads((NOTEBOOKS / f"{stem}.py").read_text("utf-8"), fmt="py:percent")
        assert [(c.cell_type, c.source) for c in back.cells] == [(c.cell_type, c.source) for c in stored.cells]
        assert back.metadata["jupytext"]["formats"] == nb.PAIRED_FORMATS
        assert back.metadata["kernelspec"]["name"] == nb.KERNEL_NAME


# ------------------------------------------------------------------------- nbval wiring
#: pytest plugins a notebook run does not use, left out of the inner pytest runs below (in a fresh
#: process hypothesis alone is 1 CPU-s of import): what they test is the configuration and nbval,
#: which stay as they are
UNUSED_PLUGINS = [arg for name in ("hypothesispytest", "xdist", "xdist.looponfail", "anyio", "typeguard")
                  for arg in ("-p", f"no:{name}")]


def test_pytest_runs_the_numbered_notebooks_under_nbval(pytester, monkeypatch):
    """``pytest notebooks`` from the repository root, with its configuration, collects the numbered
    notebooks and nothing else. It runs in this process (``pytester``), as a subprocess would run
    it (the same arguments, folder and pyproject.toml), without a second interpreter's start-up
    and plugin imports (2.6 CPU-s)."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    assert "notebooks" in cfg["testpaths"] and "tests" in cfg["testpaths"]
    for flag in ("--nbval-lax", "--nbval-current-env"):
        assert flag in cfg["addopts"].split()
    monkeypatch.chdir(ROOT)
    out = pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS,
                                       "notebooks")
    assert out.ret == 0, out.stdout.str() + out.stderr.str()
    files = {line.split("::")[0] for line in out.outlines if "::" in line}
    assert files == {f"notebooks/{s}.ipynb" for s in nb.NOTEBOOKS}  # not region_report.ipynb


def _sanitize(text: str) -> str:
    from nbval.plugin import get_sanitize_patterns

    for regex, replace in get_sanitize_patterns(SANITIZE.read_text("utf-8")):
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize("a, b", [
    ("1408 replications in 2.95 s", "1408 replications in 11.02 s"),
    ("took 12 ms", "took 3 ms"),
    ("elapsed 0:00:04", "elapsed 0:01:13"),
    ("<Engine object at 0x7f3a2c1d9e10>", "<Engine object at 0x55d0c0ffee42>"),
    ("read /work/main/data/raw/x.csv", "read /tmp/ci/clone/data/raw/x.csv"),
    ("written 2026-11-26 00:48:12.123456", "written 2027-01-02T10:00:00Z"),
    (" 45%|████▌     | 45/100 [00:02<00:03, 17.3it/s]", " 99%|█████████▉| 99/100 [00:09<00:00, 9.9it/s]"),
    ("/work/main/toolkit/x.py:12: UserWarning: 3 columns are constant",
     "/home/ci/repo/toolkit/x.py:40: UserWarning: 4 columns are constant"),
])
def test_sanitize_masks_volatile_output(a, b):
    assert a != b and _sanitize(a) == _sanitize(b)
    assert nb.sanitize(a) == _sanitize(a)  # the stored form is masked the same way
    assert _sanitize(_sanitize(a)) == _sanitize(a)  # re-storing is stable


def test_toolkit_reads_the_sanitize_file_as_nbval_does():
    from nbval.plugin import get_sanitize_patterns

    patterns = nb.sanitize_patterns()
    assert patterns and patterns == get_sanitize_patterns(SANITIZE.read_text("utf-8"))


@pytest.mark.parametrize("a, b", [
    ("L3    0.4030", "L3    0.4031"),
    ("k = 2 (recommended: 2; method kmeans)", "k = 3 (recommended: 3; method kmeans)"),
    ("std   21.34\nmin    7.73", "std   21.35\nmin    7.73"),
    ("1408 replications (Saltelli design, N = 128, 9 factors)", "1408 replications (Saltelli design, N = 64, 9 factors)"),
    ("SD-B011    1     1.0  1.0   1.00", "SD-B011    2     1.0  1.0   1.00"),
    ("mean absolute rank shift from the nominal ranks: 2.36", "mean absolute rank shift from the nominal ranks: 2.37"),
    ("data/raw/demo_synthetic_returns.csv", "data/raw/other.csv"),
])
def test_sanitize_keeps_every_result(a, b):
    assert _sanitize(a) != _sanitize(b)


def _tiny_notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    """A notebook whose cells after the first (the imports) are checked: each (stored output, code)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import time, gc", execution_count=1)]
    for i, (stored, code) in enumerate(cells, 2):
        cell = nbformat.v4.new_code_cell(f"# NBVAL_CHECK_OUTPUT\n{code}", execution_count=i)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
        nb.cells.append(cell)
    nbformat.write(nb, path)


@pytest.mark.slow
def test_nbval_fails_on_a_changed_number_but_not_on_volatile_output(pytester):
    """The mechanism the notebooks rely on, end to end: a stored result that differs fails;
    timings and addresses that differ pass thanks to the sanitize file. Both cells share one
    notebook (one kernel: each cell is its own nbval test, so one fails and the other passes on
    its own), and pytest runs in this process (``pytester``) with the flags of the configuration."""
    _tiny_notebook(pytester.path / "tiny.ipynb", [
        ("weight 0.4030 in 9.99 s at 0xdeadbeef00\n",
         'print(f"weight {0.403:.4f} in {time.perf_counter() % 1:.2f} s at {hex(id(gc))}")'),
        ("weight 0.4031\n", 'print(f"weight {0.403:.4f}")'),
    ])
    out = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS, "--nbval-lax",
                                       "--nbval-current-env", f"--nbval-sanitize-with={SANITIZE}",
                                       "--rootdir", str(pytester.path), "-rA", str(pytester.path))
    text = out.stdout.str() + out.stderr.str()
    out.assert_outcomes(passed=2, failed=1)
    assert "PASSED tiny.ipynb::Cell 0" in text and "PASSED tiny.ipynb::Cell 1" in text, text  # the volatile cell
    assert "FAILED tiny.ipynb::Cell 2" in text and "0.4031" in text, text  # the changed number


# ------------------------------------------------------------------------- running
@pytest.mark.slow
def test_run_writes_notebook_and_html_atomically_and_keeps_results_on_failure(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    good = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("# 标题 · Title"),
        nbformat.v4.new_code_cell("print('value', x * 2)"),
    ])
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise ValueError('boom')")])
    nbformat.write(good, folder / "01_good.ipynb")
    nbformat.write(bad, folder / "02_bad.ipynb")
    out = tmp_path / "out"
    out.mkdir()
    (out / "02_bad.ipynb").write_text("previous result", "utf-8")
    monkeypatch.setattr(nb.paths, "NOTEBOOKS", ("01_good", "02_bad"))
    monkeypatch.setattr(nb.paths, "notebooks_dir", lambda: folder)
    lines = []
    with pytest.raises(SystemExit):
        nb.run(out, parameters={"x": 21}, echo=lines.append)
    executed = nbformat.read(out / "01_good.ipynb", as_version=4)
    assert any("value 42" in o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    html = (out / "01_good.html").read_text("utf-8")
    assert "value 42" in html and "print(" not in html  # outputs without code cells
    assert (out / "02_bad.ipynb").read_text("utf-8") == "previous result"  # untouched on failure
    assert (out / "02_bad.failed.ipynb").exists() and not (out / "02_bad.html").exists()
    assert not list(out.glob(".*"))  # no temporary files left
    assert any(line.startswith("FAILED 02_bad") for line in lines)


def test_kernel_is_this_environment_and_set_up_installs_it():
    assert nb.kernel_name() in (nb.KERNEL_NAME, "python3")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert f'ipykernel install --sys-prefix --name {nb.KERNEL_NAME} --display-name "{nb.KERNEL_DISPLAY_NAME}"' \
        in makefile
    for target in ("analysis:", "lab:", "notebooks:"):
        assert re.search(rf"^{target}", makefile, flags=re.MULTILINE), target
    # the developer detail moved from the README to the development page of the docs (issue 15)
    guide = (ROOT / "docs" / "development.md").read_text("utf-8")
    section = guide.split("## Research notebooks", 1)[1].split("\n## ", 1)[0]
    for words in ("make lab", "make analysis", "make notebooks", "NBVAL_CHECK_OUTPUT", "jupytext", "SYNTHETIC"):
        assert words in section, words


# ------------------------------------------------------------------------- helpers
def test_paths_resolve_from_the_repository_root_wherever_the_kernel_starts(monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    assert nb.repo_root() == ROOT
    assert nb.resolve("data/raw/demo_synthetic_returns.csv") == ROOT / "data/raw/demo_synthetic_returns.csv"
    assert nb.relpath(ROOT / "configs" / "default.yaml") == "configs/default.yaml"
    assert nb.relpath("/elsewhere/x.csv") == "/elsewhere/x.csv"


@pytest.fixture(scope="module")
def demo():
    data, spec = nb.load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    return data, spec


def test_data_notice_says_synthetic_in_both_languages(demo):
    data, _ = demo
    notice = nb.data_notice(data)
    text = repr(notice)
    assert "SYNTHETIC" in text and "模拟数据" in text and "data/raw/demo_synthetic_returns.csv" in text
    assert str(ROOT) not in text and "SYNTHETIC" in notice._repr_html_()
