"""Issue #11, faults: ``prepare``, ``index`` and ``reports`` killed with SIGKILL at random
moments (seeded) and precisely inside the publish step, two runs into one folder, and a report
worker that dies mid-batch.

After every kill the output folder holds either the complete previous outputs or the complete
new ones, never a mix, exactly as the kill left it (nothing is repaired before the check: run
folders are swapped in with one ``renameat2(RENAME_EXCHANGE)``, shared-folder sets switch with
one pointer link). A re-run completes, leaves nothing behind, and ``reports`` picks up where
it stopped.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.files import recover_siblings
from toolkit.publish import FAULT_ENV, resumable_staging
from toolkit.reports.progress import recorded

from .conftest import ROOT
from .forked_cli import ForkedCli

TRIALS = 20
SPEC = ROOT / "configs" / "default.yaml"
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def _cmd(*argv) -> list[str]:
    return [sys.executable, "-m", "toolkit", *map(str, argv)]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(*argv, timeout=600) -> subprocess.CompletedProcess:
    r = subprocess.run(_cmd(*argv), capture_output=True, text=True, env=_env(), timeout=timeout, cwd=ROOT)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def _state(folder: Path, volatile=("prepared_at", "written_at")) -> dict[str, object]:
    """The visible files of a folder with their content (JSON minus its timestamps)."""
    out = {}
    for p in sorted(folder.iterdir()) if folder.exists() else []:
        if p.name.startswith(".") or not p.is_file():
            continue
        if p.suffix == ".json":
            doc = json.loads(p.read_text("utf-8"))
            out[p.name] = {k: v for k, v in doc.items() if k not in volatile}
        else:
            out[p.name] = p.read_bytes()
    return out


def _returns(tmp: Path) -> tuple[Path, Path]:
    """Two different valid returns with the same file name (so their outputs share names)."""
    paths = []
    for seed in (1, 2):
        r = _run("demo", "--units", "8", "--seed", seed, "--formats", "csv", "--out", tmp / f"gen{seed}")
        assert r.returncode == 0, r.stderr
        src = next((tmp / f"gen{seed}").glob("*.csv"))
        dst = tmp / f"v{seed}" / "r.csv"
        dst.parent.mkdir()
        shutil.copy(src, dst)
        paths.append(dst)
    return paths[0], paths[1]


def _kill_trials(tmp, argv_old, argv_new, out: Path, hidden):
    """Run ``argv_old`` to completion, then ``argv_new`` killed at random moments, restoring the
    old outputs after each trial. Every trial must leave the old or the new outputs, complete,
    as the kill left them. ``hidden(out)`` checks what a completed run legitimately keeps.

    The killed runs are forked from a warm interpreter (:mod:`tests.forked_cli`), so every kill
    lands in the command's own work rather than in Python's start-up, where nothing is written."""
    ref = tmp / "ref"
    assert _run(*argv_new(ref)).returncode == 0
    new = _state(ref)
    with ForkedCli() as cli:
        code, full = cli.run(argv_old(out))
        assert code == 0
        old = _state(out)
        assert old.keys() == new.keys() and old != new
        backup = tmp / "backup"
        shutil.copytree(out, backup, symlinks=True)
        rng = random.Random(11)
        seen = {"old": 0, "new": 0}
        for k in range(TRIALS):
            cli.run(argv_new(out), kill_after=rng.uniform(0.0, full * 1.2))
            seen["old" if _trial_state(out, old, new) == old else "new"] += 1
            _restore(out, backup, plain=k % 2 == 1)
    r = _run(*argv_new(out))
    assert r.returncode == 0 and _state(out) == new
    hidden(out)  # nothing left behind
    return seen


def _trial_state(out: Path, old: dict, new: dict) -> dict:
    state = _state(out)  # exactly as the kill left it: no recover() first
    assert state in (old, new), f"a mix of old and new outputs: {sorted(state)}"
    return state


def _restore(out: Path, backup: Path, plain: bool) -> None:
    """Put the old outputs back: the folder as published (links and all), or ``plain`` files
    only, as an older toolkit (or a user's copy) leaves them."""
    shutil.rmtree(out)
    if not plain:
        shutil.copytree(backup, out, symlinks=True)
        return
    out.mkdir()
    for p in backup.iterdir():
        if not p.name.startswith("."):
            shutil.copy(p, out / p.name)


def _prepare_keeps(out: Path) -> None:
    """A completed ``prepare`` keeps one pointer and the one generation it names, holding the
    three files the visible names link to; nothing else is hidden."""
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert len(hidden) == 2 and hidden[0] == ".r.current" and hidden[1].startswith(".r.gen-"), hidden
    assert os.readlink(out / ".r.current") == hidden[1]
    assert sorted(p.name for p in (out / hidden[1]).iterdir()) == ["r.csv", "r.meta.json", "r.parquet"]
    for name in ("r.csv", "r.meta.json", "r.parquet"):
        assert os.readlink(out / name) == f".r.current/{name}"


def _folder_keeps(out: Path) -> None:
    """A completed run into a folder of its own leaves nothing hidden in it or beside it."""
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]


def test_prepare_killed_at_random_moments(tmp_path):
    a, b = _returns(tmp_path)
    seen = _kill_trials(tmp_path, lambda o: ("prepare", a, "--out", o), lambda o: ("prepare", b, "--out", o),
                        tmp_path / "out", _prepare_keeps)
    assert sum(seen.values()) >= TRIALS


def test_index_killed_at_random_moments(tmp_path):
    a, _ = _returns(tmp_path)
    other = tmp_path / "rank.yaml"
    other.write_text("name: rank\nnormalisation: {method: rank, params: {}}\n", "utf-8")
    seen = _kill_trials(tmp_path, lambda o: ("index", a, "--spec", SPEC, "--out", o),
                        lambda o: ("index", a, "--spec", other, "--out", o), tmp_path / "out", _folder_keeps)
    assert sum(seen.values()) >= TRIALS


def _reports(data, out, *extra):
    return ("reports", "--data", data, "--spec", SPEC, "--out", out, "--run", "r", "--uncertainty", "0",
            "--executor", "serial", "--workers", "1", "--no-progress", "--lang", "en",
            "--only", "SD-B001", "SD-B002", "SD-B003", *extra)


def _reports_complete(run_dir: Path) -> None:
    """A published run folder is one complete run: its manifest, its index page, every report
    the manifest records as done, each complete, and its bundle."""
    if not run_dir.exists():  # no run has completed yet: the previous state (nothing)
        return
    manifest = json.loads((run_dir / "manifest.json").read_text("utf-8"))
    assert (run_dir / "index.html").read_text("utf-8").rstrip().endswith("</html>")
    for rec in manifest["reports"].values():
        if rec["status"] == "ok":
            assert (run_dir / rec["filename"]).exists(), f"{rec['filename']} is missing"
    for html in run_dir.glob("*.html"):
        assert html.read_text("utf-8").rstrip().endswith("</html>"), f"{html.name} is incomplete"
    json.loads((run_dir / "_bundle" / "meta.json").read_text("utf-8"))
    assert not [p for p in run_dir.rglob(".*")], "a staging file in the published folder"


def test_reports_killed_at_random_moments_and_resumed(tmp_path):
    data, _ = _returns(tmp_path)
    out = tmp_path / "reports"
    with ForkedCli() as cli:  # every kill lands in the command's work (see _kill_trials)
        code, full = cli.run(_reports(data, tmp_path / "timing"))
        assert code == 0
        rng = random.Random(7)
        for k in range(TRIALS):
            cli.run(_reports(data, out, *(["--force"] if k % 2 else [])), kill_after=rng.uniform(0.0, full * 1.1))
            _reports_complete(out / "r")  # exactly as the kill left it
    r = _run(*_reports(data, out))
    assert r.returncode == 0, r.stderr
    _reports_complete(out / "r")
    manifest = json.loads((out / "r" / "manifest.json").read_text("utf-8"))
    assert sorted(rec["status"] for rec in manifest["reports"].values()) == ["ok", "ok", "ok"]
    assert sorted(p.name for p in out.iterdir()) == ["r"]  # no staging left once a run completes


def test_reports_pick_up_where_they_stopped(tmp_path):
    data, _ = _returns(tmp_path)
    out = tmp_path / "reports"
    p = subprocess.Popen(_cmd(*_reports(data, out)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=_env(), cwd=ROOT)
    deadline = time.time() + 600
    # the run writes into its staging copy; the published folder appears only when it completes
    staging, done = resumable_staging(out / "r"), []
    while time.time() < deadline and p.poll() is None:  # kill as soon as one report is recorded as done
        done = [k for k, rec in recorded(staging)["reports"].items() if rec.get("status") == "ok"]
        if done:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert 1 <= len(done) <= 3
    assert not (out / "r").exists()  # nothing half-done was published
    r = _run(*_reports(data, out))
    assert r.returncode == 0, r.stderr
    skipped = int(r.stdout.split(" up to date")[0].split()[-1])
    assert skipped >= len(done)  # the reports finished before the kill are not rendered again
    rendered = int(r.stdout.split(" rendered")[0].split()[-1])
    assert skipped + rendered == 3
    _reports_complete(out / "r")
    assert sorted(p.name for p in out.iterdir()) == ["r"]


# -- killed precisely inside the publish step ----------------------------------------------------------
def _killed_at(point: str, *argv, no_exchange: bool = False, no_links: bool = False) -> None:
    """Run the command line with the test hook that SIGKILLs the process at ``point`` of the
    publish; ``no_exchange``/``no_links``: as on a platform without renameat2 / symbolic links
    (the journaled fallbacks)."""
    code = "import sys\nfrom toolkit.cli import main\nfrom toolkit.publish import folders, links\n"
    if no_exchange:  # patched where the callers look them up (the modules that define them)
        code += "folders.exchange_paths = lambda a, b: False\n"
    if no_links:
        code += "links.symlinks_work = lambda folder: False\n"
    code += "sys.exit(main(sys.argv[1:]))"
    r = subprocess.run([sys.executable, "-c", code, *map(str, argv)], capture_output=True, text=True,
                       env={**_env(), FAULT_ENV: point}, cwd=ROOT, timeout=600)
    assert r.returncode == -signal.SIGKILL, (point, r.returncode, r.stderr[-2000:])


@pytest.mark.parametrize("point, expected", [("files:linked", "old"), ("files:published", "new")])
def test_prepare_killed_inside_the_publish(tmp_path, point, expected):
    a, b = _returns(tmp_path)
    out = tmp_path / "out"
    assert _run("prepare", b, "--out", tmp_path / "ref").returncode == 0
    assert _run("prepare", a, "--out", out).returncode == 0
    states = {"old": _state(out), "new": _state(tmp_path / "ref")}
    _killed_at(point, "prepare", b, "--out", out)
    assert _state(out) == states[expected]
    assert _run("prepare", b, "--out", out).returncode == 0 and _state(out) == states["new"]
    _prepare_keeps(out)


def test_the_first_prepare_killed_inside_the_publish_shows_nothing(tmp_path):
    a, _ = _returns(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    _killed_at("files:linked", "prepare", a, "--out", out)
    assert _state(out) == {}  # the names are links that dangle until the pointer moves: absent
    assert _run("prepare", a, "--out", out).returncode == 0
    assert sorted(_state(out)) == ["r.csv", "r.meta.json", "r.parquet"]
    _prepare_keeps(out)


def test_prepare_without_symbolic_links_is_rolled_forward(tmp_path):
    """Where links cannot be made the journal is the fallback: a kill between its renames leaves
    a mix (which is what the checks above would catch), and the next run rolls it forward."""
    from toolkit.files import recover

    a, b = _returns(tmp_path)
    out = tmp_path / "out"
    assert _run("prepare", b, "--out", tmp_path / "ref").returncode == 0
    assert _run("prepare", a, "--out", out).returncode == 0
    old, new = _state(out), _state(tmp_path / "ref")
    _killed_at("journal:renamed-one", "prepare", b, "--out", out, no_links=True)
    assert _state(out) not in (old, new)  # the window the links close
    recover(out)
    assert _state(out) == new


def _needs_exchange(tmp_path: Path, point: str) -> None:
    """The exchange step exists only where renameat2(RENAME_EXCHANGE) works on this filesystem."""
    if point != "folder:exchanged":
        return
    from toolkit.publish import exchange_paths

    (tmp_path / "x1").mkdir()
    (tmp_path / "x2").mkdir()
    if not exchange_paths(tmp_path / "x1", tmp_path / "x2"):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here (the fallback is tested below)")
    (tmp_path / "x1").rmdir()
    (tmp_path / "x2").rmdir()


def _index(data, out, spec):
    return ("index", data, "--spec", spec, "--out", out)


def _index_old_and_new(tmp_path: Path):
    """A return, a second spec (rank normalisation) and an index folder holding the default
    spec's outputs; ``tmp_path/ref`` holds the second spec's (the new state a publish brings)."""
    a, _ = _returns(tmp_path)
    other = tmp_path / "rank.yaml"
    other.write_text("name: rank\nnormalisation: {method: rank, params: {}}\n", "utf-8")
    out = tmp_path / "out"
    assert _run(*_index(a, tmp_path / "ref", other)).returncode == 0
    assert _run(*_index(a, out, SPEC)).returncode == 0
    return a, other, out


@pytest.mark.parametrize("point, expected", [("folder:before-exchange", "old"), ("folder:exchanged", "new")])
def test_index_killed_inside_the_publish(tmp_path, point, expected):
    _needs_exchange(tmp_path, point)
    a, other, out = _index_old_and_new(tmp_path)
    states = {"old": _state(out), "new": _state(tmp_path / "ref")}
    _killed_at(point, *_index(a, out, other))
    assert _state(out) == states[expected]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # the kill left a copy beside it
    assert _run(*_index(a, out, other)).returncode == 0 and _state(out) == states["new"]
    _folder_keeps(out)


def test_index_publish_without_renameat2_is_rolled_forward(tmp_path):
    a, other, out = _index_old_and_new(tmp_path)
    old, new = _state(out), _state(tmp_path / "ref")
    _killed_at("folder:before-exchange", *_index(a, out, other), no_exchange=True)
    assert _state(out) == old  # killed before the journal: the old folder
    _killed_at("folder:moved-aside", *_index(a, out, other), no_exchange=True)
    assert not out.exists()  # the fallback's window: between its two renames
    recover_siblings(out)  # what the next run into the folder does first: the journal rolls forward
    assert _state(out) == new
    _folder_keeps(out)


@pytest.mark.parametrize("point, expected", [("staging:renamed", "old"), ("folder:exchanged", "new")])
def test_reports_killed_inside_the_publish(tmp_path, point, expected):
    _needs_exchange(tmp_path, point)
    data, _ = _returns(tmp_path)
    out = tmp_path / "reports"
    assert _run(*_reports(data, out)).returncode == 0
    old = _state(out / "r")
    _killed_at(point, *_reports(data, out, "--force"))
    state = _state(out / "r")
    _reports_complete(out / "r")
    if expected == "old":
        assert state == old
    else:  # the forced run re-rendered every report: the new run's manifest is published
        assert state != old and state.keys() == old.keys()
    r = _run(*_reports(data, out))
    assert r.returncode == 0, r.stderr
    _reports_complete(out / "r")
    assert sorted(p.name for p in out.iterdir()) == ["r"]


def test_two_runs_into_one_folder_do_not_interleave(tmp_path):
    a, b = _returns(tmp_path)
    out = tmp_path / "out"
    procs = [subprocess.Popen(_cmd("prepare", x, "--out", out, "--lang", "en"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT) for x in (a, b)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(c for c, _ in results)
    assert codes in ([0, 0], [0, 1])  # serialised by chance, or the second stopped
    for code, err in results:
        if code == 1:
            assert "another run is writing into" in err
    state = _state(out)
    assert sorted(state) == ["r.csv", "r.meta.json", "r.parquet"]
    src = state["r.meta.json"]["source"]
    assert all(src.endswith(f"{v}/r.csv") for v in ("v1", "v2") if v in src)  # one run's complete set


def _killer_notebook(tmp_path: Path) -> Path:
    """The report notebook, plus a cell that kills the worker process rendering SD-B002 (the
    kernel's parent): a worker that dies mid-batch."""
    import nbformat

    from toolkit.reports.batch import NOTEBOOK

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'if target == "SD-B002":\n    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)'))
    path = tmp_path / "killer.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.mark.parametrize("executor", ["dask", "local"])
def test_a_worker_dying_mid_batch_is_reported_exactly(tmp_path, executor):
    from toolkit.reports.batch import run_reports

    data, _ = _returns(tmp_path)
    ids = ["SD-B001", "SD-B002", "SD-B003"]
    s = run_reports(data, SPEC, by="unit", only=ids, workers=2, executor=executor, out=tmp_path / "out",
                    n_uncertainty=0, progress=False, notebook=_killer_notebook(tmp_path))
    keys = {f"unit:{i}" for i in ids}
    assert "unit:SD-B002" in s.failed and set(s.ok) | set(s.failed) == keys and not set(s.ok) & set(s.failed)
    assert s.exit_code == 1
    manifest = json.loads((s.run_dir / "manifest.json").read_text("utf-8"))
    assert {k for k, rec in manifest["reports"].items() if rec["status"] == "failed"} == set(s.failed)
    if executor == "dask":  # Dask reschedules the others: only the report that kills its worker fails
        assert set(s.ok) == keys - {"unit:SD-B002"}
