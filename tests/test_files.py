"""Issue #11: the file-safety helpers — slugs and containment, formula neutralising, the commit
journal and its recovery, the output lock, safe YAML."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from toolkit.files import (
    JOURNAL_PREFIX,
    MAX_YAML_NODES,
    OutputLocked,
    neutralise_formulas,
    output_lock,
    read_yaml_mapping,
    recover,
    safe_child,
    slug,
    write_many_atomic,
    yaml_expanded_size,
)


@pytest.mark.parametrize("name, expected", [
    ("../../../../escaped", "escaped"), ("a/../../b", "a_____b"), ("..", "x"), ("/etc/passwd", "etc_passwd"),
    ("<script>alert(1)</script>", "script_alert_1_script"), ("默认 规格", "默认_规格"), ("x" * 300, "x" * 80),
])
def test_slug(name, expected):
    assert slug(name) == expected


def test_safe_child_stays_inside_and_refuses_a_link_out(tmp_path):
    assert safe_child(tmp_path, "../../x") == tmp_path / "x"
    (tmp_path / "out").symlink_to("/")
    with pytest.raises(ValueError, match="outside"):
        safe_child(tmp_path, "out")


def test_formula_leading_text_is_neutralised_and_numbers_keep_their_sign():
    df = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok", None],
                       "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, np.nan], "n": range(8)})
    out = neutralise_formulas(df)
    assert list(out["name"][:6]) == ["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert out["name"][6] == "ok" and pd.isna(out["name"][7])
    assert out["value"].equals(df["value"]) and out["n"].equals(df["n"])
    assert list(df["name"][:1]) == ["=cmd|' /C calc'!A0"]  # the input is not modified


def test_index_csvs_are_neutralised(tmp_path):
    from toolkit import build_index, read_indicators
    from toolkit.index.export import write_results

    from .conftest import DEMO_CSV, ROOT

    data = read_indicators(DEMO_CSV)
    data.table.loc[0, "brain_name"] = "=HYPERLINK(\"http://x\")"
    write_results(build_index(data, ROOT / "configs" / "default.yaml"), tmp_path)
    text = (tmp_path / "scores.csv").read_text("utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert pd.read_parquet(tmp_path / "scores.parquet")["brain_name"].str.startswith("=HYPERLINK").any()


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_journal_left_by_a_killed_run_is_rolled_forward(tmp_path):
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    pid = _dead_pid()
    # what a run killed between its two renames leaves: a.txt renamed, b's staged file and the journal
    (tmp_path / "a.txt").write_text("new a")
    (tmp_path / f".b.txt.{pid}.xyz.tmp").write_text("new b")
    (tmp_path / f".c.txt.{pid}.abc.tmp").write_text("orphan")
    (tmp_path / f"{JOURNAL_PREFIX}{pid}.json").write_text(json.dumps([[f".a.txt.{pid}.q.tmp", "a.txt"],
                                                                      [f".b.txt.{pid}.xyz.tmp", "b.txt"]]))
    assert recover(tmp_path) == [tmp_path / "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    assert (tmp_path / "b.txt").read_text() == "new b"


def test_a_live_runs_journal_is_left_alone(tmp_path):
    (tmp_path / f"{JOURNAL_PREFIX}{os.getpid()}.json").write_text("[]")
    (tmp_path / f".x.{os.getpid()}.abc.tmp").write_text("mine")
    assert recover(tmp_path) == [] and len(list(tmp_path.iterdir())) == 2


def test_a_failing_writer_leaves_the_old_set_and_no_journal(tmp_path):
    (tmp_path / "a.txt").write_text("old")

    def boom(p):
        raise OSError("disk full")
    with pytest.raises(OSError):
        write_many_atomic({tmp_path / "a.txt": lambda p: p.write_text("new"), tmp_path / "b.txt": boom})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"] and (tmp_path / "a.txt").read_text() == "old"


def test_output_lock_is_exclusive_across_processes_and_released(tmp_path):
    code = ("import sys, time; from toolkit.files import output_lock\n"
            "with output_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(30)")
    p = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONPATH": str(__import__("pathlib").Path(__file__).parents[1])})
    try:
        assert p.stdout.readline().strip() == "held"
        with pytest.raises(OutputLocked, match="another run"), output_lock(tmp_path):
            pass
    finally:
        p.kill()
        p.wait()
    with output_lock(tmp_path):  # a killed holder never leaves a stale lock
        pass
    assert list(tmp_path.iterdir()) == []  # the lock file is not in the output folder


def test_yaml_expansion_is_counted_without_building():
    bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    assert yaml_expanded_size(bomb) > MAX_YAML_NODES
    assert yaml_expanded_size("a: [1, 2, 3]") == 6


def test_read_yaml_mapping_errors_name_the_file(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("a: &a [*a]\n", "utf-8")
    with pytest.raises(ValueError, match="s.yaml.*aliases"):
        read_yaml_mapping(p, "specification", ValueError)
    p.write_bytes("名称: 山东".encode("gb18030"))
    assert read_yaml_mapping(p, "specification", ValueError) == {"名称": "山东"}


# -- publishing: a folder swapped in whole, files behind one pointer -----------------------------------
from toolkit import publish  # noqa: E402
from toolkit.publish import folders, links, publish_files, write_folder_atomic  # noqa: E402

from .lock_holder import held_elsewhere  # noqa: E402


def _files(folder):
    return {p.name: p.read_text() for p in sorted(folder.iterdir()) if not p.name.startswith(".") and p.is_file()}


def _writers(folder, **content):
    def writer(text):
        return lambda p: p.write_text(text)
    return {folder / name.replace("_", "."): writer(text) for name, text in content.items()}


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "journaled fallback"])
def test_a_folder_is_swapped_in_whole_and_other_files_are_kept(tmp_path, monkeypatch, exchange):
    refused = []  # the exchanges refused: proof that the fallback ran
    if not exchange:  # patched where publish_folder looks it up
        monkeypatch.setattr(folders, "exchange_paths", lambda a, b: refused.append(a) or False)
    run = tmp_path / "run"
    write_folder_atomic(run, _writers(run, a_csv="old a", b_csv="old b"))
    (run / "notes.txt").write_text("mine")  # not written by the run: carried into the new folder
    inode = (run / "notes.txt").stat().st_ino
    write_folder_atomic(run, _writers(run, a_csv="new a", b_csv="new b"))
    assert _files(run) == {"a.csv": "new a", "b.csv": "new b", "notes.txt": "mine"}
    assert (run / "notes.txt").stat().st_ino == inode  # a hard link, not a copy
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staged copy, no journal left
    assert len(refused) == (0 if exchange else 1)  # the second write swapped; the first only renamed


def test_renameat2_is_used_on_linux(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux's")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").write_text("B")
    if not publish.exchange_paths(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this filesystem refuses RENAME_EXCHANGE (the journaled fallback is used)")
    assert (tmp_path / "a").read_text() == "B" and (tmp_path / "b").is_dir()


def test_a_failing_writer_leaves_the_old_folder(tmp_path):
    run = tmp_path / "run"
    write_folder_atomic(run, _writers(run, a_csv="old"))

    def boom(p):
        raise OSError("disk full")
    with pytest.raises(OSError, match="disk full"):
        write_folder_atomic(run, {run / "a.csv": lambda p: p.write_text("new"), run / "b.csv": boom})
    assert _files(run) == {"a.csv": "old"} and sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_folder_holding_folders_is_published_file_by_file(tmp_path):
    (tmp_path / "other_run").mkdir()  # e.g. --out data/processed: the folder is shared, never swapped
    (tmp_path / "other_run" / "x").write_text("x")
    write_folder_atomic(tmp_path, _writers(tmp_path, a_csv="A", b_csv="B"))
    assert _files(tmp_path) == {"a.csv": "A", "b.csv": "B"}
    assert (tmp_path / "a.csv").is_symlink() and (tmp_path / "other_run" / "x").read_text() == "x"


def test_shared_folder_files_switch_through_one_pointer(tmp_path):
    (tmp_path / "r.csv").write_text("old csv")  # as an older toolkit left them: plain files
    (tmp_path / "r.meta.json").write_text("old meta")
    (tmp_path / "keep.csv").write_text("another output")
    publish_files(_writers(tmp_path, r_csv="new csv", r_meta_json="new meta"))
    assert _files(tmp_path) == {"keep.csv": "another output", "r.csv": "new csv", "r.meta.json": "new meta"}
    assert os.readlink(tmp_path / "r.csv") == ".r.current/r.csv"
    gen = os.readlink(tmp_path / ".r.current")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".r.current", gen]
    publish_files(_writers(tmp_path, r_csv="newer csv", r_meta_json="newer meta"))
    assert _files(tmp_path)["r.csv"] == "newer csv" and os.readlink(tmp_path / ".r.current") != gen
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".")]) == 2  # the old generation removed


def test_unchanged_files_stay_as_they_are(tmp_path):
    (tmp_path / "d.csv").write_text("same")  # e.g. prepare re-run on the same return
    (tmp_path / "d.xlsx").write_text("same x")
    publish_files(_writers(tmp_path, d_csv="same", d_xlsx="same x"))
    assert not (tmp_path / "d.csv").is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["d.csv",
                                                                                                    "d.xlsx"]


def test_without_symbolic_links_the_journal_is_the_fallback(tmp_path, monkeypatch):
    monkeypatch.setattr(links, "symlinks_work", lambda folder: False)  # where publish_files looks it up
    publish_files(_writers(tmp_path, r_csv="A", r_meta_json="B"))
    assert _files(tmp_path) == {"r.csv": "A", "r.meta.json": "B"} and not (tmp_path / "r.csv").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.meta.json"]

    def boom(p):
        raise OSError("disk full")
    with pytest.raises(OSError, match="disk full"):  # all or nothing: r.csv, written first, is kept
        publish_files({tmp_path / "r.csv": lambda p: p.write_text("new"), tmp_path / "r.meta.json": boom})
    assert _files(tmp_path) == {"r.csv": "A", "r.meta.json": "B"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.meta.json"]


def test_recover_removes_a_dead_runs_generations_and_staging_but_not_the_current_one(tmp_path):
    publish_files(_writers(tmp_path, r_csv="A", r_meta_json="B"))
    current = os.readlink(tmp_path / ".r.current")
    pid = _dead_pid()
    for name in (f".r.gen-{pid}-ab12", f".run.stage-{pid}-cd34", f".run.old-{pid}-ef56"):
        (tmp_path / name).mkdir()
    (tmp_path / f".r.gen-{os.getpid()}-99aa").mkdir()  # a live run's: left alone
    os.symlink(".r.current/r.parquet", tmp_path / "r.parquet")  # a killed first run's name, still dangling
    publish.recover(tmp_path, locked=True)
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {".r.current", current, f".r.gen-{os.getpid()}-99aa", "r.csv", "r.meta.json"}


def test_load_processed_reads_one_generation(tmp_path):
    from toolkit.data.prepare import load_processed, prepare

    from .conftest import DEMO_CSV

    written = prepare(DEMO_CSV, tmp_path)
    assert written["parquet"].is_symlink()
    data = load_processed(written["parquet"])
    assert data.source == str(written["parquet"]) and data.is_synthetic and len(data.table) == 250


# -- the output lock: taken by the library itself --------------------------------------------------------
def _library_calls(out):
    from toolkit import build_index, read_indicators
    from toolkit.data.demo import write_demo
    from toolkit.data.prepare import prepare
    from toolkit.data.template import write_template
    from toolkit.index.export import write_results
    from toolkit.reports.batch import run_reports

    from .conftest import DEMO_CSV

    result = build_index(read_indicators(DEMO_CSV))
    return {
        "prepare": lambda: prepare(DEMO_CSV, out),
        "write_results": lambda: write_results(result, out),
        "run_reports": lambda: run_reports(DEMO_CSV, out=out, progress=False, n_uncertainty=0),
        "write_template": lambda: write_template(out),
        "write_demo": lambda: write_demo(out, n_units=5, formats=("csv",)),
    }


def test_library_calls_stop_while_another_process_holds_the_lock(tmp_path):
    out = tmp_path / "shared"
    calls = _library_calls(out)
    with held_elsewhere(out):
        for name, call in calls.items():
            with pytest.raises(OutputLocked, match="another run is writing into") as err:
                call()
            assert str(out) in str(err.value) and err.value.folder == out, name
    assert not out.exists()  # nothing was written


def test_the_lock_is_reentrant_for_its_thread_only(tmp_path):
    import threading

    from toolkit.data.prepare import prepare

    from .conftest import DEMO_CSV

    refused = []

    def other_thread():
        try:
            with output_lock(tmp_path):
                pass
        except OutputLocked:
            refused.append(True)
    with output_lock(tmp_path):
        written = prepare(DEMO_CSV, tmp_path)  # the command line holds it; the library takes it again
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert refused == [True] and written["csv"].read_text("utf-8").startswith("unit_id")
    with output_lock(tmp_path):  # released once the outermost block ends
        pass
