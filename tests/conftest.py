"""Shared fixtures: the framework, the bundled demo files, and a builder for messy returns."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from toolkit import load_framework

# CI must never fail by chance: with the CI environment variable set, property tests run
# derandomised (the same examples every run, no example database) and print the blob of any
# failure so it can be kept as an explicit @example regression case. Locally they explore.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parents[1]
DEMO_CSV = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
DEMO_XLSX = ROOT / "data" / "raw" / "demo_synthetic_returns.xlsx"
# the public data sets (HDI, COINr's ASEM) live beside the repository, never in it; a checkout
# elsewhere (a git worktree) names them with TOOLKIT_SHARED_DATA
SHARED_DATA = Path(os.environ.get("TOOLKIT_SHARED_DATA") or ROOT.parent / "shared" / "data")
SHARED_DATA_MISSING = (f"{SHARED_DATA} not found: the public data sets (../shared/data/hdi, ../shared/data/asem) "
                       "sit beside the repository; put them there or set TOOLKIT_SHARED_DATA to their folder")


@pytest.fixture(scope="session")
def fw():
    return load_framework()


@pytest.fixture(scope="session")
def demo_rows() -> tuple[list[str], list[list[str]]]:
    """Header and data rows of the bundled demo CSV, as text (the # note row dropped)."""
    with open(DEMO_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [r for r in rows[1:] if not r[0].startswith("#")]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def make_return(tmp_path, demo_rows):
    """Write a return built from the first ``n`` demo rows, after ``edit(header, rows)``."""
    def build(n: int = 6, edit=None, encoding: str = "utf-8", name: str = "return.csv") -> Path:
        header = list(demo_rows[0])
        rows = [list(r) for r in demo_rows[1][:n]]
        if edit:
            edit(header, rows)
        return write_csv(tmp_path / name, header, rows, encoding)
    return build


def col(header: list[str], code: str) -> int:
    """Index of the column whose header starts with ``code``."""
    return next(i for i, h in enumerate(header) if h.split()[0] == code)


@pytest.fixture(scope="session")
def demo_table() -> pd.DataFrame:
    from toolkit import read_indicators

    return read_indicators(DEMO_CSV).table


def session_root(tmp_path_factory) -> Path:
    """The folder shared by every worker of this test session: under pytest-xdist each worker has
    its own base temp folder inside the run's, so the run's is the parent; a plain run's is its own
    (never the parent, which other sessions on the machine share)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def built_once(tmp_path_factory, name: str):
    """Build something once per test session, however many xdist workers need it.

    Yields ``done``: the block builds only when it is False, and ``name`` is recorded as built
    when the block completes without an error. Workers wait for each other on a file lock, so
    the second finds what the first built."""
    root = session_root(tmp_path_factory)
    stamp = root / f"built-{name}.done"
    with open(root / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield stamp.exists()
        stamp.touch()


@pytest.fixture(scope="session")
def panel_bundle():
    """A five-year synthetic panel (50 brains, 2021–2025) as a report bundle, built once: what the
    dynamics sections of the pages and the workbook are tested on (the bundled demo may hold fewer years)."""
    import toolkit
    from toolkit.data.demo import generate
    from toolkit.reports.bundle import Bundle, index_tables

    r = toolkit.build_index(generate(n_units=50, years=tuple(range(2021, 2026)), seed=7),
                            ROOT / "configs" / "default.yaml")
    return Bundle(index_tables(r), {"synthetic": True}, r.framework)


#: the test files that take longest on 2 cores, longest first (``--durations=0``, summed per file).
#: ``make test`` hands whole files to its workers in collection order (``--dist loadfile
#: --no-loadscope-reorder``); putting these first means the long files start at once and the
#: short ones fill the end, where otherwise one long file could run alone while the other worker
#: idles (xdist's default order, by number of tests, puts one-test files like the Voilà test last)
SLOW_FIRST = (
    "tests/studio/test_voila.py",
    "tests/test_readme_recipe.py",
    "tests/faults/test_index_faults.py",
    "tests/faults/test_reports_faults.py",
    "tests/reports/test_page_audit.py",
    "tests/studio/test_studio_audit.py",
    "tests/hostile/test_write_guard.py",
    "tests/hostile/test_corpus.py",
    "tests/test_docs.py",
)


def pytest_collection_modifyitems(config, items):
    """The files of :data:`SLOW_FIRST` first, in its order; the others, and the tests within every
    file, keep their order (the sort is stable)."""
    rank = {path: k for k, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
