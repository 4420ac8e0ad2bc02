"""Issue #19: a full disk names the folder, keeps the earlier outputs, and leaves no staging copy.

Before, the message read "cannot read or write : No space left on device" (the path empty:
a writer's ``write`` raises without one), and a failed report batch kept its staging copy on the
full disk. Simulated (a writer raising ``ENOSPC`` without a path, for each scheme of
``toolkit.publish``) and real (a 4 MB tmpfs filled up; skipped where mounting is not allowed).
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from .corpus import small_demo
from .guard_cases import Case, run, tree

# an abandoned writer (an openpyxl row stream, a half-written zip) would print "Exception ignored … Traceback"
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def _full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")  # as write() raises it: no path


#: command, what it writes through, the writer patched to fail as a full disk does
SCHEMES = {
    "index (folder swapped)": (["index", "r.csv", "--out", "out"], "pandas.DataFrame.to_parquet"),
    "prepare (files through a pointer)": (["prepare", "r.csv", "--out", "out"], "pandas.DataFrame.to_parquet"),
    # the workbook is built in memory (toolkit.reports.xlsx): the disk is reached when its zip is written
    "validate --out (one file)": (["validate", "r.csv", "--out", "out/p.xlsx"], "zipfile.ZipFile.writestr"),
    "template (journaled pair)": (["template", "--out", "out"], "openpyxl.Workbook.save"),
}


def _patch(monkeypatch, dotted: str) -> None:
    module, cls, name = dotted.rsplit(".", 2)
    import importlib

    monkeypatch.setattr(getattr(importlib.import_module(module), cls), name, _full)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_a_full_disk_names_the_folder_and_keeps_the_outputs(scheme, lang, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_LOCK_DIR", str(tmp_path.parent / f"{tmp_path.name}-locks"))
    small_demo(tmp_path / "r.csv")  # what a full disk does to a command does not depend on the return's size
    argv, writer = SCHEMES[scheme]
    code, text = run(Case([*argv, "--lang", lang], Path(), ()), tmp_path)  # the earlier outputs
    assert code == 0, text
    before = tree(tmp_path)
    with monkeypatch.context() as m:
        _patch(m, writer)
        code, text = run(Case([*argv, "--lang", lang], Path(), ()), tmp_path)
    assert code == 1 and "Traceback" not in text, text
    assert "out" in text.replace("--out", ""), text  # the folder is named
    assert " : " not in text and "：No space" not in text, text  # never an empty path
    assert ("no space left on the disk holding" in text) if lang == "en" else ("磁盘空间不足" in text), text
    assert tree(tmp_path) == before  # the earlier outputs, and nothing beside them


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs (root only; skipped where mounting is not allowed)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {r.stderr.strip()[:120]}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until ``leave`` bytes are free."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    if free > leave:
        (disk / "ballast").write_bytes(b"\0" * (free - leave))


@pytest.mark.parametrize("command", ["index", "prepare"])
def test_a_real_full_disk(command, small_disk, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_LOCK_DIR", str(tmp_path / "locks"))
    small_demo(tmp_path / "r.csv")  # fits 4 MB
    out = small_disk / "out"
    argv = [command, str(tmp_path / "r.csv"), "--out", str(out), "--lang", "en"]
    code, text = run(Case(argv, Path(), ()), tmp_path)
    assert code == 0, text
    before = tree(small_disk)
    _fill(small_disk, 8 * 1024)
    before = {**before, "ballast": tree(small_disk)["ballast"]}
    code, text = run(Case(argv, Path(), ()), tmp_path)
    assert code == 1 and "Traceback" not in text, text
    assert f"no space left on the disk holding {out}" in text, text
    assert tree(small_disk) == before  # the earlier outputs kept, nothing left beside them


def test_a_report_batch_on_a_full_disk_removes_its_staging_copy(tmp_path, monkeypatch):
    """The batch stops; its staging copy (which holds the space the disk lacks) is removed and
    the message says how much was freed; the published run folder is unchanged."""
    from toolkit.reports import batch

    monkeypatch.setenv("TOOLKIT_LOCK_DIR", str(tmp_path / "locks"))
    published = tmp_path / "reports" / "r__default__en"
    published.mkdir(parents=True)
    (published / "index.html").write_text("the published run", encoding="utf-8")
    small_demo(tmp_path / "r.csv")  # SD-B001 among its three units
    before = tree(published)

    def render_then_fill(todo, run_dir, *args, **kwargs):
        (Path(run_dir) / "unit-SD-B001.html").write_bytes(b"x" * 300_000)  # rendered, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch, "execute_jobs", render_then_fill)
    monkeypatch.setattr(batch, "run_font_css", lambda *a, **k: "")
    code, text = run(Case(["reports", "--data", "r.csv", "--out", "reports", "--run", published.name, "--only", "SD-B001",
                            "--uncertainty", "0", "--no-progress", "--lang", "en"], Path(), ()), tmp_path)
    assert code == 1 and "Traceback" not in text, text
    staging = tmp_path / "reports" / f".{published.name}.staging"
    assert not staging.exists()
    assert "no space left on the disk holding reports" in text and str(staging.name) in text, text
    assert "KB freed" in text or "MB freed" in text, text
    assert tree(published) == before
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [published.name]


def test_own_bytes_counts_only_what_removal_frees(tmp_path):
    from toolkit.publish.staging import own_bytes

    (tmp_path / "a").write_bytes(b"x" * 1000)
    (tmp_path / "b").write_bytes(b"x" * 10)
    os.link(tmp_path / "a", tmp_path.parent / f"{tmp_path.name}-a")  # shared with a published folder
    assert own_bytes(tmp_path) == 10

