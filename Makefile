# One-command set-up and jobs. Every target creates or reuses the local .venv and installs the
# project from pyproject.toml, pinned by constraints.txt. Needs Python 3.11 and make; no conda.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check
DEMO   := data/raw/demo_synthetic_returns.csv

.PHONY: all setup data reports analysis notebooks lab studio demo template browser test lint bench clean docs

all: reports

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Python 3.11 needed, .venv has {sys.version}"'
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name sd-brain --display-name "Python (sd-brain toolkit)"
	@touch $(STAMP)

setup: $(STAMP)   ## create/reuse .venv and install the toolkit with its pinned dependencies

data: setup       ## main job (for now): read, validate and prepare the demo data, then build the index
	$(BIN)/python -m toolkit prepare $(DEMO) --out data/processed
	$(BIN)/python -m toolkit index data/processed/demo_synthetic_returns.parquet --spec configs/default.yaml \
		--out data/processed/demo_synthetic_returns__default

reports: data     ## main job: every brain profile and city report, the overview and results.xlsx, in reports/<run>/
	$(BIN)/python -m toolkit reports --data $(DEMO) --by all --workers 2 --no-progress

analysis: setup   ## run the research notebooks (notebooks/01–06) with papermill: reports/analysis/*.{ipynb,html}
	$(BIN)/python -m toolkit.notebooks run --out reports/analysis

notebooks: setup  ## re-execute the research notebooks and store them (clean .ipynb with text outputs + paired .py)
	$(BIN)/python -m toolkit.notebooks store

lab: setup        ## JupyterLab on the project, opened at notebooks/ (kernel "Python (sd-brain toolkit)")
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

studio: setup     ## the weighting studio (notebooks/06) as a web app on http://127.0.0.1:8866 (Voilà; no code shown)
	$(BIN)/python -m toolkit.studio.serve --port $(or $(STUDIO_PORT),8866)

demo: setup       ## regenerate the synthetic demo returns in data/raw (byte-for-byte identical)
	$(BIN)/python -m toolkit demo --out data/raw

template: setup   ## write a blank return for local offices into data/
	$(BIN)/python -m toolkit template --out data

browser:          ## headless Chromium (screenshots, PDF) and poppler-utils (PDF tests) — Debian packages; tests skip without them
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
	  echo "note: Chromium is not installed; the browser screenshot tests will be skipped"
	@command -v pdftoppm >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null ; } || \
	  echo "note: poppler-utils is not installed; the PDF page tests will be skipped"

# bytecode caching on, even where the environment turns it off (PYTHONDONTWRITEBYTECODE=1): the suite starts
# hundreds of Python processes (commands, kernels, workers), and each would compile the toolkit's modules and
# pytest would re-rewrite every test module in each worker; __pycache__/ is git-ignored (issue 25). And no
# pytest process compiles jsonschema's IRI grammar, which nothing uses (tests/no_iri_grammar.py: 1.8 CPU-s each)
test: setup browser   ## the test suite on every core (CI runs exactly this), the 15 slowest tests listed
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -p tests.no_iri_grammar -n $(or $(TEST_WORKERS),auto) --dist loadfile --no-loadscope-reorder --durations=15

lint: setup
	$(BIN)/ruff check toolkit tests benchmarks notebooks/[0-9][0-9]_*.py notebooks/conftest.py

bench: setup
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

docs: setup      ## the documentation site, built strict into docs/_build/ (open docs/_build/index.html)
	rm -rf build/docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir build/docs
	rm -rf docs/_build && mv build/docs docs/_build
	@echo "open docs/_build/index.html"
