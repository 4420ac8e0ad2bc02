"""Issue #11: every error path of the command line gives a clear message and exit 1 or 2; an
exception that would reach the user is a bug, shown as "internal error, please report" with
the path of a log file, never as a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from toolkit.cli import EXIT_INTERNAL, main
from toolkit.files import output_lock

from .conftest import DEMO_CSV, ROOT
from .lock_holder import held_elsewhere
from .unprivileged import run_without_override

FRAMEWORK = ROOT / "toolkit" / "frameworks" / "shandong_industrial_brain.yaml"
SPEC = ROOT / "configs" / "default.yaml"


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, text


# -- reports: options that name nothing --------------------------------------------------------------
@pytest.mark.parametrize("argv, named", [
    (["--only", "NOPE-404"], "NOPE-404"),                     # the named case
    (["--only", "SD-B001", "NOPE-404", "--lang", "en"], "NOPE-404"),
    (["--by", "city", "--only", "火星市"], "火星市"),
])
def test_reports_only_unknown_is_a_usage_error(capsys, tmp_path, argv, named):
    code, text = run(capsys, "reports", "--data", DEMO_CSV, "--out", tmp_path, "--no-progress", *argv)
    assert code == 2 and named in text and "--only" in text
    assert not any(tmp_path.iterdir())  # nothing computed, nothing written


@pytest.mark.parametrize("year", ["1999", "2030", "0"])
def test_reports_year_without_data_is_a_usage_error(capsys, tmp_path, year):
    code, text = run(capsys, "reports", "--data", DEMO_CSV, "--out", tmp_path, "--year", year, "--lang", "en")
    assert code == 2 and f"--year {year}" in text and "2024" in text


def test_argparse_mistakes_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["reports", "--year", "nineteen"])
    assert e.value.code == 2
    assert run(capsys, "demo", "--years", "2024,abc", "--out", tmp_path)[0] == 2


# -- files that cannot be read -------------------------------------------------------------------------
def _deny(path_part: str):
    real_open = open

    def fake_open(file, *a, **k):
        if path_part in str(file):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)
    return fake_open


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_unreadable_input_file(capsys, tmp_path, monkeypatch, suffix):
    src = DEMO_CSV if suffix == ".csv" else DEMO_CSV.with_suffix(".xlsx")
    path = shutil.copy(src, tmp_path / f"locked{suffix}")
    monkeypatch.setattr("builtins.open", _deny("locked"))
    real = Path.read_bytes

    def read_bytes(self):
        if "locked" in str(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, text = run(capsys, "validate", path, "--lang", "en")
    assert code == 1 and "locked" in text and "permission denied" in text


# -- real file modes: one process that cannot bypass them runs these tests' command lines --------------
#: the commands whose --out is a read-only folder (test_read_only_out_really)
READ_ONLY = [["prepare", DEMO_CSV], ["index", DEMO_CSV], ["template"]]


@pytest.fixture(scope="module")
def really():
    """The runs of the two tests below against real file modes (tests/unprivileged.py): an
    unreadable return, and a read-only --out (holding an earlier file) for each of
    :data:`READ_ONLY`. In a folder others can enter (pytest's own is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="toolkit-perm-"))
    os.chmod(d, 0o755)
    locked = shutil.copy(DEMO_CSV, d / "locked.csv")
    os.chmod(locked, 0)
    runs = {"unreadable": ["validate", locked, "--lang", "en"]}
    for command in READ_ONLY:
        ro = d / f"ro-{command[0]}"
        ro.mkdir()
        (ro / "earlier.csv").write_text("kept", "utf-8")
        os.chmod(ro, 0o555)
        runs[command[0]] = [*command, "--out", ro, *(["--lang", "en"] if command[0] != "template" else [])]
    try:
        yield d, run_without_override(d, runs)
    finally:
        for ro in d.glob("ro-*"):
            os.chmod(ro, 0o755)
        shutil.rmtree(d, ignore_errors=True)


def test_unreadable_input_file_really(really):
    code, text = really[1]["unreadable"]
    assert "Traceback" not in text, text
    assert code == 1 and "permission denied" in text and "locked.csv" in text


def test_missing_and_damaged_inputs(capsys, tmp_path):
    code, text = run(capsys, "validate", tmp_path / "nope.csv", "--lang", "en")
    assert code == 1 and "file not found" in text and "nope.csv" in text
    code, text = run(capsys, "index", tmp_path / "nope.parquet", "--lang", "en")
    assert code == 1 and "file not found" in text
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    code, text = run(capsys, "index", bad, "--lang", "en")
    assert code == 1 and "not a valid parquet" in text
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    code, text = run(capsys, "validate", broken, "--lang", "en")
    assert code == 1 and "cannot open the workbook" in text


# -- output folders that cannot be written -----------------------------------------------------------
def test_read_only_out(capsys, tmp_path, monkeypatch):
    def denied(*a, dir=None, **k):
        raise PermissionError(13, "Permission denied", str(dir))
    real_mkdir = os.mkdir

    def mkdir(path, *a, **k):  # the staging folders (generations, staged copies) are refused too
        if str(tmp_path / "ro") in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_mkdir(path, *a, **k)
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    monkeypatch.setattr(os, "mkdir", mkdir)
    code, text = run(capsys, "prepare", DEMO_CSV, "--out", tmp_path / "ro", "--lang", "en")
    assert code == 1 and "permission denied" in text and "ro" in text
    code, text = run(capsys, "template", "--out", tmp_path / "ro")
    assert code == 1 and "没有权限" in text


@pytest.mark.parametrize("command", READ_ONLY)
def test_read_only_out_really(really, command):
    d, runs = really
    ro = d / f"ro-{command[0]}"
    code, text = runs[command[0]]
    assert "Traceback" not in text, text
    assert code == 1 and ("permission denied" in text or "没有权限" in text) and str(ro) in text
    assert sorted(p.name for p in ro.iterdir()) == ["earlier.csv"]  # nothing written, nothing lost


@pytest.mark.parametrize("command", [
    ["prepare", DEMO_CSV], ["index", DEMO_CSV], ["template"], ["demo", "--units", "5", "--formats", "csv"],
])
def test_out_that_is_a_file(capsys, tmp_path, command):
    f = tmp_path / "already-a-file"
    f.write_text("keep me", "utf-8")
    lang = ["--lang", "en"] if command[0] in ("prepare", "index") else []
    code, text = run(capsys, *command, "--out", f, *lang)
    assert code == 1 and "already-a-file" in text and ("not a folder" in text or "不是文件夹" in text)
    assert f.read_text("utf-8") == "keep me"


# -- specifications and frameworks -------------------------------------------------------------------
def test_spec_saved_in_gbk_is_read(capsys, tmp_path, make_return):
    """The whole index is built with the GBK spec (a return of 12 brains, one year: what is read
    of the spec does not depend on the return's size, and the full demo file costs four times as much)."""
    spec = tmp_path / "gbk.yaml"
    spec.write_bytes("name: 默认规格\ndescription: 山东产业大脑（GBK 编码）\nnormalisation: {method: minmax}\n"
                     .encode("gbk"))
    code, text = run(capsys, "index", make_return(n=12), "--spec", spec, "--out", tmp_path / "o")
    assert code == 0, text
    assert "山东产业大脑（GBK 编码）" in (tmp_path / "o" / "spec.yaml").read_text("utf-8")


def test_gbk_spec_with_a_typo_names_the_key(capsys, tmp_path):
    spec = tmp_path / "gbk.yaml"
    spec.write_bytes("name: 测试\nnormalisaton: {method: minmax}\n".encode("gbk"))
    code, text = run(capsys, "index", DEMO_CSV, "--spec", spec, "--out", tmp_path / "o")
    assert code == 1 and "normalisaton" in text


def test_spec_in_no_known_encoding(capsys, tmp_path):
    spec = tmp_path / "bin.yaml"
    spec.write_bytes(b"name: \xff\xfe\x81\x30\xff\n")
    code, text = run(capsys, "index", DEMO_CSV, "--spec", spec, "--out", tmp_path / "o")
    assert code == 1 and "UTF-8" in text and "bin.yaml" in text


def _framework_with(tmp_path, edit) -> Path:
    doc = yaml.safe_load(FRAMEWORK.read_text("utf-8"))

    def first_ordinal(node):
        if node.get("type") == "ordinal":
            return node
        for kid in node.get("children", []) or []:
            found = first_ordinal(kid)
            if found:
                return found
    node = first_ordinal(doc["root"])
    edit(node["rubric"])
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path, node["code"]


@pytest.mark.parametrize("edit, named", [
    (lambda r: r[0].update(vaule=r[0].pop("value")), "value"),   # the named case: a typo in a rubric
    # a level may give zh or en alone (the other falls back, issue 12), but not neither
    (lambda r: (r[1].pop("en"), r[1].pop("zh")), "zh or en"),
    (lambda r: r[0].update(value="two"), "value"),
])
def test_typo_in_a_framework_rubric(capsys, tmp_path, edit, named):
    path, code_ = _framework_with(tmp_path, edit)
    code, text = run(capsys, "validate", DEMO_CSV, "--framework", path, "--lang", "en")
    assert code == 1 and code_ in text and "rubric" in text and named in text


# -- paths derived from a spec's name ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../../../../escaped", "/tmp/escaped-abs", "a/../../b", ".."])
def test_spec_name_cannot_write_outside_the_output_folder(capsys, tmp_path, monkeypatch, make_return, name):
    """Every file the index writes (a return of 12 brains, one year: the paths do not depend on
    the return's size) lands under the default output folder, whatever the spec's name says."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    spec = work / "s.yaml"
    spec.write_text(yaml.safe_dump({"name": name}), "utf-8")
    data = make_return(n=12)
    before = set(tmp_path.rglob("*"))
    code, text = run(capsys, "index", data, "--spec", spec)
    assert code == 0, text
    new = set(tmp_path.rglob("*")) - before
    base = (work / "data" / "processed").resolve()
    written = [p for p in new if p.is_file()]
    assert len(written) >= 10 and all(base in p.resolve().parents for p in written)
    assert not Path("/tmp/escaped-abs").exists() or name != "/tmp/escaped-abs"


# -- resource limits -----------------------------------------------------------------------------------
def _laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nname: *a{levels - 1}\n"


@pytest.mark.parametrize("text", [
    _laughs(9),                                   # the named case: a billion laughs
    _laughs(6),                                   # half a million values
    "a: &a [*a]\nname: x\n",                      # a recursive alias
])
def test_alias_bombs_are_refused_before_anything_is_built(capsys, tmp_path, text):
    spec = tmp_path / "bomb.yaml"
    spec.write_text(text, "utf-8")
    t0 = time.perf_counter()
    code, out = run(capsys, "index", DEMO_CSV, "--spec", spec, "--out", tmp_path / "o")
    assert code == 1 and "bomb.yaml" in out and ("aliases" in out or "recursive" in out)
    assert time.perf_counter() - t0 < 10
    assert not (tmp_path / "o").exists()


def test_large_spec_files_are_refused(capsys, tmp_path):
    spec = tmp_path / "big.yaml"
    spec.write_text("name: big\ndescription: " + "x" * 3_000_000 + "\n", "utf-8")
    code, out = run(capsys, "index", DEMO_CSV, "--spec", spec, "--out", tmp_path / "o")
    assert code == 1 and "too large" in out


def test_a_10000_character_cell_is_not_echoed_in_full(capsys, make_return):
    from .conftest import col

    def edit(header, rows):
        rows[0][col(header, "L1P1")] = "9" * 5000 + "x" * 5000
    code, out = run(capsys, "validate", make_return(edit=edit), "--lang", "en")
    assert code == 1 and len(out) < 3000


# -- internal errors -----------------------------------------------------------------------------------
def test_an_unexpected_exception_is_logged_not_shown(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_LOG_DIR", str(tmp_path / "logs"))

    def boom(*a, **k):
        raise RuntimeError("a bug")
    monkeypatch.setattr("toolkit.data.read.read_indicators", boom)
    code, text = run(capsys, "validate", DEMO_CSV, "--lang", "en")
    assert code == EXIT_INTERNAL and "internal error, please report" in text
    logs = list((tmp_path / "logs").glob("error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in text
    assert "RuntimeError: a bug" in logs[0].read_text("utf-8") and "Traceback" in logs[0].read_text("utf-8")
    code, text = run(capsys, "validate", DEMO_CSV)
    assert code == EXIT_INTERNAL and "内部错误" in text


def test_the_entry_point_never_prints_a_traceback(tmp_path):
    for argv, expected in ((["reports", "--data", str(DEMO_CSV), "--only", "NOPE-404", "--out", str(tmp_path)], 2),
                           (["validate", str(tmp_path)], 1)):
        r = subprocess.run([sys.executable, "-m", "toolkit", *argv], capture_output=True, text=True, timeout=300,
                           cwd=ROOT)
        assert r.returncode == expected and "Traceback" not in r.stderr, r.stderr


# -- two runs into one folder --------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["prepare", DEMO_CSV], ["index", DEMO_CSV],
                                     ["reports", "--data", DEMO_CSV, "--no-progress"]])
def test_a_second_run_into_a_locked_folder_stops_with_a_message(capsys, tmp_path, command):
    out = tmp_path / "out"
    with held_elsewhere(out):  # another process (a notebook, a second command line) writes into it
        code, text = run(capsys, *command, "--out", out, "--lang", "en")
    assert code == 1 and "another run is writing into" in text and str(out) in text
    assert not out.exists() or not any(out.iterdir())


def test_the_command_line_holding_the_lock_calls_the_library_that_takes_it_too(capsys, tmp_path):
    out = tmp_path / "out"
    with output_lock(out):  # as the command line does; prepare() takes the same lock again
        code, text = run(capsys, "prepare", DEMO_CSV, "--out", out, "--lang", "en")
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "demo_synthetic_returns.csv", "demo_synthetic_returns.meta.json", "demo_synthetic_returns.parquet"]
