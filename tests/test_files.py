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
