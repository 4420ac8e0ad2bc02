"""Reading returns: encodings, formats, headers, messy values, unit conversion."""

from __future__ import annotations

import shutil

import numpy as np
import openpyxl
import pytest

from toolkit import ValidationError, read_indicators
from toolkit.data.headers import match_header
from toolkit.data.parsing import CellError, parse_binary, parse_number, parse_year

from ..conftest import DEMO_CSV, DEMO_XLSX, col


@pytest.mark.parametrize("text, expected", [
    ("1,234.5", 1234.5), (" 12 ", 12.0), ("１２３４", 1234.0), ("１，２３４．５", 1234.5),
    ("3.5e2", 350.0), ("-7", -7.0), (12, 12.0), (3.25, 3.25), ("1 234", 1234.0),
])
def test_numbers_as_offices_type_them(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("token", ["", " ", "—", "-", "N/A", "无", "——", "－", None, float("nan")])
def test_missing_tokens(token):
    assert parse_number(token) is None


@pytest.mark.parametrize("text", ["abc", "12亿", "1,23,4", "1.2.3", "约100", "100-200"])
def test_other_text_is_an_error_not_nan(text):
    with pytest.raises(CellError) as err:
        parse_number(text)
    assert err.value.rule == "not_a_number"


def test_percent_only_in_share_columns():
    assert parse_number("12%", allow_percent=True) == 12.0
    assert parse_number("１２．５％", allow_percent=True) == 12.5
    with pytest.raises(CellError, match="share"):
        parse_number("12%")


def test_binary_and_year_spellings():
    assert [parse_binary(v) for v in ("是", "否", "√", "×", "1", 0, "yes")] == [1, 0, 1, 0, 1, 0, 1]
    assert parse_year("2024年") == 2024 and parse_year(2025.0) == 2025 and parse_year("２０２４") == 2024


@pytest.mark.parametrize("header, column, factor", [
    ("L1P1", "L1P1", 1.0),
    ("产业规模", "L1P1", 1.0),
    ("L1P1 产业规模（亿元）", "L1P1", 1.0),
    ("L1P1 产业规模(万元)", "L1P1", 1e-4),
    ("产业规模（万元）", "L1P1", 1e-4),
    ("l1p1", "L1P1", 1.0),
    ("L5P4 资金支持强度（亿元）", "L5P4", 1e4),
    ("L2P1_COMPUTE 计算资源（EFLOPS）", "L2P1_COMPUTE", 1000.0),
    ("L2P1_STORAGE（PB）", "L2P1_STORAGE", 1000.0),
    ("Industry scale", "L1P1", 1.0),
    ("Sharing of common industry algorithm models (large models)", "L3P1_S3", 1.0),
    ("年份", "year", 1.0), ("城市代码", "city_code", 1.0), ("unit_id 单位编号", "unit_id", 1.0),
])
def test_header_forms(fw, header, column, factor):
    m = match_header(header, fw)
    assert m.error is None, m.error
    assert m.column == column
    assert m.factor == pytest.approx(factor)


@pytest.mark.parametrize("header, rule", [
    ("备注", "unknown_column"), ("L9P9", "unknown_column"), ("L1P1 产业集聚度", "header_mismatch"),
    ("L1P1 产业规模（吨）", "unit_mismatch"), ("L1P5 企业数量（万元）", "unit_mismatch"),
    ("L3P1", "unknown_column"),
])
def test_bad_headers(fw, header, rule):
    m = match_header(header, fw)
    assert m.column is None and m.error[0] == rule


def test_demo_csv_and_xlsx_read_to_the_same_table():
    a = read_indicators(DEMO_CSV)
    b = read_indicators(DEMO_XLSX)
    assert a.table.shape == (250, 7 + 45 + 1)  # 50 brains × 5 years
    assert a.is_synthetic and b.is_synthetic
    np.testing.assert_allclose(a.values().to_numpy(), b.values().to_numpy(), equal_nan=True)
    assert (a.table["city_code"] == b.table["city_code"]).all()
    assert len(a.sha256) == 64


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_encodings(make_return, encoding):
    data = read_indicators(make_return(encoding=encoding))
    assert data.table["brain_name"].str.endswith("产业大脑").all()
    assert data.table["city"].iloc[0].endswith("市")


def test_messy_values_are_understood(make_return, fw):
    def edit(header, rows):
        rows[0][col(header, "L1P5")] = "１，２３４"        # full-width digits and comma
        rows[0][col(header, "L1P3")] = " 85.5% "           # percent in a share column
        rows[0][col(header, "L1P2")] = "—"                 # missing
        rows[1][col(header, "L1P2")] = "N/A"
        rows[1][col(header, "L1P7")] = "无"
        rows[2][col(header, "L3P1_G1")] = "是"
        rows[2][col(header, "year")] = "2024年"
    t = read_indicators(make_return(edit=edit)).table
    assert t.loc[0, "L1P5"] == 1234 and t.loc[0, "L1P3"] == 85.5
    assert np.isnan(t.loc[0, "L1P2"]) and np.isnan(t.loc[1, "L1P2"]) and np.isnan(t.loc[1, "L1P7"])
    assert t.loc[2, "L3P1_G1"] == 1 and t.loc[2, "year"] == 2024


def test_unit_stated_in_header_is_converted(make_return, demo_rows):
    original = float(demo_rows[1][0][col(demo_rows[0], "L1P1")])

    def edit(header, rows):
        j = col(header, "L1P1")
        header[j] = "产业规模（万元）"
        for r in rows:
            r[j] = str(float(r[j]) * 10000) if r[j] else r[j]
    data = read_indicators(make_return(edit=edit))
    assert data.table.loc[0, "L1P1"] == pytest.approx(original)
    assert data.conversions["L1P1"] == ("万元", 1e-4)


def test_code_only_and_name_only_headers(make_return):
    def edit(header, rows):
        for i, h in enumerate(header):
            code = h.split()[0]
            header[i] = code if i % 2 else h.split()[-1].split("（")[0]
    t = read_indicators(make_return(edit=edit)).table
    assert len(t) == 6


def test_xlsx_percent_formatted_cells(tmp_path):
    path = tmp_path / "r.xlsx"
    shutil.copy(DEMO_XLSX, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    j = next(i for i, c in enumerate(ws[1], start=1) if str(c.value).startswith("L1P4 "))
    ws.cell(3, j).value = 0.25
    ws.cell(3, j).number_format = "0%"
    wb.save(path)
    t = read_indicators(path).table
    assert t.loc[0, "L1P4"] == pytest.approx(25.0)


def test_raw_file_is_not_modified(make_return):
    path = make_return()
    before = path.read_bytes()
    read_indicators(path)
    assert path.read_bytes() == before


def test_missing_required_column_and_empty_file(make_return, tmp_path):
    def drop(header, rows):
        j = col(header, "L4P2")
        del header[j]
        for r in rows:
            del r[j]
    with pytest.raises(ValidationError) as err:
        read_indicators(make_return(edit=drop))
    rep = err.value.report
    assert list(rep["rule_code"]) == ["missing_column"] and rep["column"].iloc[0] == "L4P2"
    empty = tmp_path / "empty.csv"
    empty.write_text("", "utf-8")
    with pytest.raises(ValidationError, match="empty"):
        read_indicators(empty)


def test_undecodable_and_unsupported_files(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"\xff\xfe\x00\x81\x30\x00\xff" * 10)
    with pytest.raises(ValidationError) as err:
        read_indicators(bad)
    assert err.value.report["rule_code"].iloc[0] == "encoding"
    other = tmp_path / "x.json"
    other.write_text("{}", "utf-8")
    with pytest.raises(ValidationError, match="only .csv and .xlsx"):
        read_indicators(other)


def test_values_matrix_by_year():
    data = read_indicators(DEMO_CSV)
    m = data.values(2024)
    assert m.index.name == "unit_id" and m.index.is_unique and len(m) == 50
    assert data.values().index.names == ["unit_id", "year"]
    with pytest.raises(KeyError, match="2030"):
        data.values(2030)
