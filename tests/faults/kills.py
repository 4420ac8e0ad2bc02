"""What the fault tests share (issue #11): running the command line for real or forked, the
visible state of an output folder, the random-kill trials and the publish-step kill hook.

A command is run three ways here: ``run_cli`` starts ``python -m toolkit`` for real (the entry
point, its start-up and its exit code: each command keeps at least one such run per test file);
``run_forked`` and the kill trials fork it from a warm interpreter (:mod:`tests.forked_cli`): a
process of its own, killed with a real SIGKILL, without the second or more of start-up that
proves nothing; ``killed_at`` forks it with the test hook that makes it SIGKILL itself at one
step of its publish.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.publish import FAULT_ENV

from ..conftest import ROOT
from ..forked_cli import ForkedCli

SPEC = ROOT / "configs" / "default.yaml"
# kills per command, one at a seeded random moment in each tenth of 1.2 times the run's length: the
# whole run is covered at least as evenly as by the twenty uniform draws used before (twenty
# uniform points leave a largest gap of about 18 % of the span on average, these at most 20 %),
# at half the cost; the publish step itself is hit exactly by the test hook (``killed_at``)
TRIALS = 10
# as on a platform without renameat2 / symbolic links (the journaled fallbacks): patched where the
# callers look them up (the modules that define them)
NO_EXCHANGE = "from toolkit.publish import folders\nfolders.exchange_paths = lambda a, b: False\n"
NO_LINKS = "from toolkit.publish import links\nlinks.symlinks_work = lambda folder: False\n"


def cli_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def cli_cmd(*argv) -> list[str]:
    return [sys.executable, "-m", "toolkit", *map(str, argv)]


def run_cli(*argv, timeout=600) -> subprocess.CompletedProcess:
    """``python -m toolkit *argv`` in a process of its own; never a traceback."""
    r = subprocess.run(cli_cmd(*argv), capture_output=True, text=True, env=cli_env(), timeout=timeout, cwd=ROOT)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def run_forked(cli: ForkedCli, *argv) -> None:
    """Run the command line to completion in a forked child: exit 0, never a traceback."""
    err = Path(os.environ.get("TMPDIR", "/tmp")) / f"forked-{os.getpid()}.err"
    try:
        code, _ = cli.run(argv, stderr=err)
        text = err.read_text("utf-8", errors="replace")
    finally:
        err.unlink(missing_ok=True)
    assert code == 0 and "Traceback" not in text, (argv, code, text[-2000:])


def killed_at(cli: ForkedCli, point: str, *argv, patch: str = "") -> None:
    """Run the command line in a forked child with the test hook that SIGKILLs it at ``point``
    of the publish; ``patch`` (:data:`NO_EXCHANGE`, :data:`NO_LINKS`) as on another platform."""
    code, _ = cli.run(argv, env={FAULT_ENV: point}, patch=patch)
    assert code == -signal.SIGKILL, (point, code)


def folder_state(folder: Path, volatile=("prepared_at", "written_at")) -> dict[str, object]:
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


def kill_trials(cli: ForkedCli, tmp: Path, argv_old, argv_new, out: Path, hidden,
                built: tuple[Path, Path, float] | None = None) -> dict[str, int]:
    """Run ``argv_old`` to completion, then ``argv_new`` killed at :data:`TRIALS` seeded random
    moments, one in each of :data:`TRIALS` equal slices of 1.2 times its length, restoring the old
    outputs after each trial. Every trial must leave the old or the new outputs, complete, exactly
    as the kill left it (nothing is recovered before the check). A real ``python -m toolkit`` run
    then completes; ``hidden(out)`` checks what it legitimately keeps.

    The killed runs are forked from a warm interpreter, so every kill lands in the command's own
    work rather than in Python's start-up, where nothing is written. ``built``: the two complete
    runs made already by the same command lines (the folder ``argv_old`` wrote, the folder
    ``argv_new`` wrote, and the seconds the former took), copied instead of run again."""
    if built is None:
        ref = tmp / "ref"
        run_forked(cli, *argv_new(ref))
        code, full = cli.run(argv_old(out))
        assert code == 0
    else:
        old_dir, ref, full = built
        shutil.copytree(old_dir, out, symlinks=True)
    new = folder_state(ref)
    old = folder_state(out)
    assert old.keys() == new.keys() and old != new
    backup = tmp / "backup"
    shutil.copytree(out, backup, symlinks=True)
    rng = random.Random(11)
    seen = {"old": 0, "new": 0}
    for k in range(TRIALS):
        cli.run(argv_new(out), kill_after=full * 1.2 * (k + rng.random()) / TRIALS)
        state = folder_state(out)  # exactly as the kill left it: no recover() first
        assert state in (old, new), f"a mix of old and new outputs: {sorted(state)}"
        seen["old" if state == old else "new"] += 1
        restore(out, backup, plain=k % 2 == 1)
    assert seen["old"] >= 1  # the first slices land in the command's work, before its publish
    r = run_cli(*argv_new(out))
    assert r.returncode == 0 and folder_state(out) == new
    hidden(out)  # nothing left behind
    return seen


def restore(out: Path, backup: Path, plain: bool) -> None:
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


def needs_exchange(tmp_path: Path, point: str) -> None:
    """The exchange step exists only where renameat2(RENAME_EXCHANGE) works on this filesystem."""
    if point != "folder:exchanged":
        return
    from toolkit.publish import exchange_paths

    (tmp_path / "x1").mkdir()
    (tmp_path / "x2").mkdir()
    if not exchange_paths(tmp_path / "x1", tmp_path / "x2"):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here (the fallback is tested elsewhere)")
    (tmp_path / "x1").rmdir()
    (tmp_path / "x2").rmdir()


def folder_keeps(out: Path) -> None:
    """A completed run into a folder of its own leaves nothing hidden in it or beside it."""
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]


def reports_argv(data, out, *extra) -> tuple:
    """``reports`` of three brains, serial, no Monte Carlo, English, into ``out/r``."""
    return ("reports", "--data", data, "--spec", SPEC, "--out", out, "--run", "r", "--uncertainty", "0",
            "--executor", "serial", "--workers", "1", "--no-progress", "--lang", "en",
            "--only", "SD-B001", "SD-B002", "SD-B003", *extra)


def reports_complete(run_dir: Path) -> None:
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
