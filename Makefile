# One-command set-up and jobs. Every target creates or reuses the local .venv and installs the
# project from pyproject.toml, pinned by constraints.txt. Needs Python 3.11 and make; no conda.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check
DEMO   := data/raw/demo_synthetic_returns.csv

.PHONY: all setup data reports demo template test lint bench clean

all: reports

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Python 3.11 needed, .venv has {sys.version}"'
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)   ## create/reuse .venv and install the toolkit with its pinned dependencies

data: setup       ## main job (for now): read, validate and prepare the demo data, then build the index
	$(BIN)/python -m toolkit prepare $(DEMO) --out data/processed
	$(BIN)/python -m toolkit index data/processed/demo_synthetic_returns.parquet --spec configs/default.yaml \
		--out data/processed/demo_synthetic_returns__default

reports: data     ## main job: every per-brain report plus the per-city reports, as HTML in reports/<run>/
	$(BIN)/python -m toolkit reports --data $(DEMO) --by unit --workers 2 --no-progress
	$(BIN)/python -m toolkit reports --data $(DEMO) --by city --workers 2 --no-progress --run demo_synthetic_returns__default__city

demo: setup       ## regenerate the synthetic demo returns in data/raw (byte-for-byte identical)
	$(BIN)/python -m toolkit demo --out data/raw

template: setup   ## write a blank return for local offices into data/
	$(BIN)/python -m toolkit template --out data

test: setup       ## the test suite (CI runs exactly this)
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check toolkit tests benchmarks

bench: setup
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
