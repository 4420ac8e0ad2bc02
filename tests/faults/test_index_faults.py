"""Issue #11, faults of ``index``: killed with SIGKILL at random moments (seeded) and precisely
inside the publish step, with and without ``renameat2``.

An index run folder is a folder of its own: it is staged whole beside the old one and swapped in
with one ``renameat2(RENAME_EXCHANGE)`` (or, where that is refused, the journaled pair of renames
that the next run rolls forward). After every kill the folder holds the complete previous outputs
or the complete new ones, exactly as the kill left it; a re-run leaves nothing behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.files import recover_siblings

from .kills import (
    NO_EXCHANGE,
    SPEC,
    TRIALS,
    folder_keeps,
    folder_state,
    kill_trials,
    killed_at,
    needs_exchange,
    run_forked,
)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def index_argv(data, out, spec):
    return ("index", data, "--spec", spec, "--out", out)


def rank_spec(tmp_path: Path) -> Path:
    """A second spec (rank normalisation): its outputs have the same names, other contents."""
    other = tmp_path / "rank.yaml"
    other.write_text("name: rank\nnormalisation: {method: rank, params: {}}\n", "utf-8")
    return other


@pytest.fixture(scope="module")
def built(cli, generated_returns, tmp_path_factory):
    """Built once for the tests of this file (each copies the folder it writes into): a return, a
    second spec, the index folder of the default spec (``out``, the old state) and the second
    spec's (``ref``, the new state a publish brings), all read-only, and the seconds the run of
    the default spec took (what the random kills are spread over)."""
    base = tmp_path_factory.mktemp("index_states")
    a = base / "r.csv"
    shutil.copy(generated_returns[0], a)
    other = rank_spec(base)
    run_forked(cli, *index_argv(a, base / "ref", other))
    code, seconds = cli.run(index_argv(a, base / "out", SPEC))
    assert code == 0
    return a, other, base, seconds


def test_index_killed_at_random_moments(cli, built, tmp_path):
    a, other, base, seconds = built
    seen = kill_trials(cli, tmp_path, lambda o: index_argv(a, o, SPEC), lambda o: index_argv(a, o, other),
                       tmp_path / "out", folder_keeps, built=(base / "out", base / "ref", seconds))
    assert sum(seen.values()) == TRIALS


def index_old_and_new(built, tmp_path: Path):
    """This test's index folder, ``tmp_path/out``, holding the default spec's outputs (a copy of
    the one built once); returns the return, the second spec, the folder, and the old and new states."""
    a, other, base, _ = built
    out = tmp_path / "out"
    shutil.copytree(base / "out", out, symlinks=True)
    return a, other, out, folder_state(out), folder_state(base / "ref")


@pytest.mark.parametrize("point, expected", [("folder:before-exchange", "old"), ("folder:exchanged", "new")])
def test_index_killed_inside_the_publish(cli, built, tmp_path, point, expected):
    needs_exchange(tmp_path, point)
    a, other, out, old, new = index_old_and_new(built, tmp_path)
    states = {"old": old, "new": new}
    killed_at(cli, point, *index_argv(a, out, other))
    assert folder_state(out) == states[expected]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # the kill left a copy beside it
    # the re-run forked (the real command line's start-up and exit are test_index_killed_at_random_moments')
    run_forked(cli, *index_argv(a, out, other))
    assert folder_state(out) == states["new"]
    folder_keeps(out)


def test_index_publish_without_renameat2_is_rolled_forward(cli, built, tmp_path):
    a, other, out, old, new = index_old_and_new(built, tmp_path)
    killed_at(cli, "folder:before-exchange", *index_argv(a, out, other), patch=NO_EXCHANGE)
    assert folder_state(out) == old  # killed before the journal: the old folder
    killed_at(cli, "folder:moved-aside", *index_argv(a, out, other), patch=NO_EXCHANGE)
    assert not out.exists()  # the fallback's window: between its two renames
    recover_siblings(out)  # what the next run into the folder does first: the journal rolls forward
    assert folder_state(out) == new
    folder_keeps(out)
