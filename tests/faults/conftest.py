"""Fixtures of the fault tests: one warm forking interpreter per worker, and two small returns."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main

from ..forked_cli import ForkedCli


@pytest.fixture(scope="session")
def cli():
    """The warm interpreter every killed (and most completed) command is forked from: started
    once per worker (a few seconds of imports) instead of once per test."""
    with ForkedCli() as c:
        yield c


@pytest.fixture(scope="session")
def generated_returns(tmp_path_factory) -> tuple[Path, Path]:
    """Two different valid returns of 8 brains (``demo --seed 1`` and ``--seed 2``), written once
    per worker by the ``demo`` command, run in this process (a worker that runs only the report
    workers' tests needs no forking interpreter: its start-up is 3 to 4 CPU-s)."""
    base = tmp_path_factory.mktemp("returns")
    paths = []
    for seed in (1, 2):
        argv = ["demo", "--units", "8", "--seed", str(seed), "--formats", "csv", "--out", str(base / f"gen{seed}")]
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(argv) == 0, argv
        paths.append(next((base / f"gen{seed}").glob("*.csv")))
    return paths[0], paths[1]


@pytest.fixture
def returns(generated_returns, tmp_path) -> tuple[Path, Path]:
    """The two returns copied into this test's folder with the same file name (so their outputs
    share names): ``tmp_path/v1/r.csv`` and ``tmp_path/v2/r.csv``. Inputs are never written, but
    each test gets its own copies, as a user's run would."""
    out = []
    for k, src in enumerate(generated_returns, 1):
        dst = tmp_path / f"v{k}" / "r.csv"
        dst.parent.mkdir()
        shutil.copy(src, dst)
        out.append(dst)
    return out[0], out[1]
