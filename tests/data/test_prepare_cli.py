"""prepare (atomic, nothing written on invalid input), the template, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from toolkit import ValidationError, read_indicators
from toolkit.cli import main
from toolkit.data.prepare import load_processed, prepare
from toolkit.data.template import write_template
from toolkit.files import write_many_atomic

from ..conftest import DEMO_CSV, col


def test_valid_file_round_trips_to_processed_data(tmp_path):
    out = prepare(DEMO_CSV, tmp_path)
    direct = read_indicators(DEMO_CSV)
    back = pd.read_parquet(out["parquet"])
    pd.testing.assert_frame_equal(back, direct.table, check_dtype=False)
    csv_back = pd.read_csv(out["csv"], dtype={"city_code": str})
    pd.testing.assert_frame_equal(csv_back, direct.table, check_dtype=False)
    meta = json.loads(out["meta"].read_text("utf-8"))
    assert meta["source_sha256"] == direct.sha256 and meta["synthetic"] is True
    assert meta["framework"]["id"] == "shandong_industrial_brain"
    again = load_processed(out["parquet"])
    assert again.is_synthetic and again.values(2025).shape == direct.values(2025).shape


def test_nothing_is_written_when_input_is_invalid(tmp_path, make_return):
    out_dir = tmp_path / "processed"
    out_dir.mkdir()
    (out_dir / "return.csv").write_text("earlier result", "utf-8")

    def edit(header, rows):
        rows[0][col(header, "L1P3")] = "130"
    bad = make_return(edit=edit)
    with pytest.raises(ValidationError):
        prepare(bad, out_dir)
    assert sorted(os.listdir(out_dir)) == ["return.csv"]
    assert (out_dir / "return.csv").read_text("utf-8") == "earlier result"


def test_failed_write_leaves_earlier_files(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a", "utf-8")
    b.write_text("old b", "utf-8")

    def boom(tmp):
        raise OSError("disk full")
    with pytest.raises(OSError):
        write_many_atomic({a: lambda t: t.write_text("new a", "utf-8"), b: boom})
    assert a.read_text("utf-8") == "old a" and b.read_text("utf-8") == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # no temp files left


def test_template_reads_back_and_has_validation(tmp_path, fw, demo_rows):
    xlsx, csv_path = write_template(tmp_path)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["填报表 Data"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["unit_id 单位编号", "brain_name 产业大脑名称", "city 城市"]
    assert "L1P1 产业规模（亿元）" in header and len(header) == 7 + len(fw.columns)
    assert ws.cell(2, 1).value.startswith("#") and ws.cell(3, 1).value.startswith("#")  # English + unit rows
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal", "whole"} <= kinds
    assert {"指标说明 Definitions", "评分标准 Rubrics", "勾选项 Checklist"} <= set(wb.sheetnames)
    assert wb["评分标准 Rubrics"].max_row == 1 + 3 * 4
    assert wb["勾选项 Checklist"].max_row == 1 + 16
    # a local office fills in one row of the template: it reads back as a valid return
    ws.append([v or None for v in demo_rows[1][0]])  # typed as text, as offices often do
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    data = read_indicators(filled)
    assert len(data.table) == 1 and not data.is_synthetic
    # the CSV template has the same header
    text = csv_path.read_text("utf-8-sig").splitlines()
    assert text[0].split(",")[:2] == ["unit_id 单位编号", "brain_name 产业大脑名称"]


def test_a_rewritten_template_is_plain_files_with_the_new_content(tmp_path):
    """The template is handed to offices (e-mailed, zipped, committed): a rewrite for another
    framework leaves regular files with the new header, never links into a hidden generation."""
    from toolkit.framework.loader import load_framework

    first = write_template(tmp_path)
    old = [p.read_bytes() for p in first]
    paths = write_template(tmp_path, framework=load_framework("undp_hdi"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["indicator_return_template.csv",
                                                          "indicator_return_template.xlsx"]  # nothing hidden
    for path, before in zip(paths, old, strict=True):
        assert path.is_file() and not path.is_symlink() and path.stat().st_nlink == 1
        assert path.read_bytes() != before
    header = paths[1].read_text("utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "unit_id 国家代码" and [h.split()[0] for h in header[-4:]] == ["LE", "EYS", "MYS", "GNI"]
    assert len(header) == 11  # the HDI's 7 unit columns + 4 indicators (Shandong's template has 52)
    wb = openpyxl.load_workbook(paths[0])
    assert [c.value for c in wb["填报表 Data"][1]] == header


def test_cli_validate_prints_the_report_and_exits_nonzero(make_return, capsys):
    def edit(header, rows):
        rows[0][col(header, "L1P7")] = "-2"
    assert main(["validate", str(make_return(edit=edit)), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "1 problem found" in err and "L1P7" in err and "must not be negative" in err
    assert main(["validate", str(DEMO_CSV)]) == 0
    assert "通过校验" in capsys.readouterr().out


def test_cli_prepare_and_demo_and_template(tmp_path, capsys):
    assert main(["prepare", str(DEMO_CSV), "--out", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "demo_synthetic_returns.parquet").exists()
    assert main(["demo", "--units", "20", "--seed", "3", "--formats", "csv", "--out", str(tmp_path / "d")]) == 0
    assert (tmp_path / "d" / "demo_synthetic_returns_20_s3.csv").exists()
    assert main(["template", "--out", str(tmp_path / "t")]) == 0
    assert (tmp_path / "t" / "indicator_return_template.xlsx").exists()


def test_python_dash_m_entry_point(tmp_path):
    r = subprocess.run([sys.executable, "-m", "toolkit", "validate", str(tmp_path / "missing.csv")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "file not found" in r.stderr.replace("文件不存在", "file not found")
    assert "Traceback" not in r.stderr
