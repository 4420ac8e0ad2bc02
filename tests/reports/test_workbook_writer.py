"""Every property :mod:`toolkit.reports.xlsx` documents, read back with openpyxl (as users' tools read
the workbooks): bold frozen header with fill and wrap, Excel number formats on unrounded values,
column widths (Chinese counted double), links between sheets in the link font, note and remark
lines above the header, autofilter, formula-looking text neutralised, illegal XML characters
replaced, missing values as empty cells, the same sheets giving the same bytes, the write guard
first, and a full disk ending the write cleanly (issue #25 moved the writer to XlsxWriter)."""

from __future__ import annotations

import errno
import gc
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.reports.xlsx import MAX_ROWS, write_sheets

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def _sheets():
    scores = pd.DataFrame({
        "Unit id": ["SD-B001", "=cmd|' /C calc'!A0", "济南市大数据局", "bad\x00byte\x1f"],
        "Year": np.array([2024, 2024, 2025, 2025], dtype="int64"),
        "Composite score": [0.123456789012345, np.nan, 87.5, -3.25],
        "Share": [0.5, 0.25, np.nan, 1.0],
        "Imputed": [True, False, True, False],
        "Mixed": ["text", 7, None, 2.5],
    })
    problems = pd.DataFrame({"File": ["a.csv", "b.csv"], "Problems": [3, 0], "Go": ["Problems ›", ""]})
    return {
        "Scores": (scores, {"Composite score": "0.00", "Share": "0.0%"}),
        "Files": (problems, {}, {"Problems": ["'Scores'!A5", None], "Go": ["'Scores'!A3", None]},
                  "Each file and its problems"),
        "Empty": (pd.DataFrame({"a": [], "b": [], "c": []}), {}),
    }


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "w.xlsx"
    write_sheets(_sheets(), path, note="SYNTHETIC DATA")
    return path, openpyxl.load_workbook(path)


def test_values_formats_and_missing_cells(book):
    _, wb = book
    ws = wb["Scores"]
    assert wb.sheetnames == ["Scores", "Files", "Empty"]
    assert ws["A1"].value == "SYNTHETIC DATA" and ws["A1"].font.b and ws["A1"].font.color.rgb.endswith("CC0000")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("Unit id", "Year", "Composite score", "Share", "Imputed", "Mixed")
    assert rows[1] == ("SD-B001", 2024, pytest.approx(0.123456789012345, rel=1e-15), 0.5, True, "text")
    assert rows[2][2] is None and rows[3][3] is None and rows[3][5] is None  # NaN and None: empty cells
    assert ws["C3"].number_format == "0.00" and ws["D3"].number_format == "0.0%"  # formats, not rounding
    assert ws["B3"].number_format == "General" and ws["E3"].data_type == "b"
    assert rows[2][5] == 7 and rows[4][5] == 2.5 and rows[4][2] == -3.25  # numbers keep their sign


def test_text_is_neutralised_and_illegal_characters_are_replaced(book):
    ws = book[1]["Scores"]
    assert ws["A4"].value == "'=cmd|' /C calc'!A0"
    assert ws["A5"].value == "济南市大数据局"
    assert ws["A6"].value == "bad\ufffdbyte\ufffd"


def test_header_is_bold_filled_wrapped_and_frozen_below_the_note(book):
    ws = book[1]["Scores"]
    head = ws["C2"]
    assert head.font.b and head.fill.fgColor.rgb.endswith("F2F4F7") and head.fill.fill_type == "solid"
    assert head.alignment.wrap_text and head.alignment.vertical == "top"
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:F6"
    assert book[1]["Empty"].freeze_panes == "A2" and not book[1]["Empty"].auto_filter.ref  # no rows: no filter


def _widths(ws) -> dict[str, float]:
    """Column letter → width; adjacent columns of one width are one <col min max> element."""
    from openpyxl.utils import get_column_letter

    return {get_column_letter(i): d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}


def test_column_widths_count_chinese_double(book):
    ws = book[1]["Scores"]
    widths = _widths(ws)
    # "济南市大数据局" is 7 characters, 14 columns wide; "=cmd|' /C calc'!A0" neutralised is 19
    assert widths["A"] == pytest.approx(max(14, 19) + 2, abs=1)
    assert widths["B"] == pytest.approx(8, abs=1)  # at least 8
    tall = {"t": (pd.DataFrame({"x": ["数" * 40], "y": ["a" * 200]}), {})}
    wb = openpyxl.load_workbook(write_sheets(tall, book[0].parent / "t.xlsx"))
    assert _widths(wb["t"]) == {"A": pytest.approx(60, abs=1), "B": pytest.approx(60, abs=1)}  # capped at 60


def test_links_point_inside_the_workbook_in_the_link_font(book):
    ws = book[1]["Files"]
    assert ws["A1"].value == "SYNTHETIC DATA" and ws["A2"].value == "Each file and its problems"
    assert ws["A2"].font.i and ws.freeze_panes == "A4"
    assert ws["B4"].value == 3 and ws["B4"].hyperlink.location == "'Scores'!A5"  # a number stays a number
    assert ws["C4"].value == "Problems ›" and ws["C4"].hyperlink.location == "'Scores'!A3"
    assert ws["B4"].font.u == "single" and ws["B4"].font.color.rgb.endswith("1F6FB2")
    assert ws["B5"].hyperlink is None and ws["B5"].value == 0 and not ws["B5"].font.u


def test_the_same_sheets_give_the_same_bytes(tmp_path):
    a, b = write_sheets(_sheets(), tmp_path / "a.xlsx", note="n"), write_sheets(_sheets(), tmp_path / "b.xlsx", note="n")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 4, 8, 0, 0, 0)}
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
    other = _sheets()
    other["Scores"][0].iloc[0, 2] = 0.5
    assert write_sheets(other, tmp_path / "c.xlsx", note="n").read_bytes() != a.read_bytes()


def test_pandas_reads_the_numbers_back_unrounded(tmp_path):
    rng = np.random.default_rng(25)
    df = pd.DataFrame({"x": rng.normal(size=500), "n": rng.integers(-10**9, 10**9, size=500)})
    back = pd.read_excel(write_sheets({"s": (df, {"x": "0.0"})}, tmp_path / "p.xlsx"), sheet_name="s")
    np.testing.assert_allclose(back["x"], df["x"], rtol=1e-15)
    assert back["n"].tolist() == df["n"].tolist()


def test_the_write_guard_runs_before_anything_is_written(tmp_path, monkeypatch):
    from toolkit.publish import guard

    seen = []
    monkeypatch.setattr(guard, "check_targets", lambda files=(), **k: seen.append(list(files)) or 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_sheets(_sheets(), tmp_path / "g.xlsx")
    assert seen == [[tmp_path / "g.xlsx"]] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["building", "writing"])
def test_a_full_disk_raises_the_os_error_and_leaves_nothing(where, tmp_path, monkeypatch):
    import toolkit.files

    (tmp_path / "w.xlsx").write_bytes(b"the earlier workbook")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    def half_written(path, data=None):
        path.write_bytes(data[:100])
        full()

    if where == "building":  # any zip entry: XlsxWriter's own, in memory
        monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    else:  # the re-zipped bytes on their way to disk
        monkeypatch.setattr(toolkit.files, "normalise_zip", half_written)
    with pytest.raises(OSError) as err:
        write_sheets(_sheets(), tmp_path / "w.xlsx")
    assert err.value.errno == errno.ENOSPC
    del err
    gc.collect()  # an abandoned zip writer would print "Exception ignored … Traceback" now (an error here)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.xlsx"]  # no half-written copy beside it
    assert (tmp_path / "w.xlsx").read_bytes() == b"the earlier workbook"


def test_a_sheet_larger_than_excel_is_refused_not_cut(tmp_path, monkeypatch):
    import toolkit.reports.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 5)
    df = pd.DataFrame({"a": range(4)})
    write_sheets({"fits": (df, {})}, tmp_path / "ok.xlsx")  # header + 4 rows = 5
    with pytest.raises(DataError, match="^sheet 'big' has 5 rows and 1 columns; an Excel sheet holds at most 4 rows") as err:
        write_sheets({"big": (pd.DataFrame({"a": range(5)}), {})}, tmp_path / "big.xlsx")
    assert "工作表 'big' 有 5 行" in err.value.zh
    assert not (tmp_path / "big.xlsx").exists() and MAX_ROWS == 1_048_576
