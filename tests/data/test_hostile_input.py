"""Issue #11: read exactly what the office typed, or stop with a clear message. Never guess.

Each class of silent wrong data has its named case and at least two variants.
"""

from __future__ import annotations

import re
import zipfile

import numpy as np
import openpyxl
import pytest

from toolkit import ValidationError, read_indicators
from toolkit.data.parsing import CellError, parse_amount, parse_number
from toolkit.data.read import is_note_row

from ..conftest import DEMO_CSV, col
from ..hostile.corpus import demo_workbook


def _problems(path) -> list[tuple]:
    with pytest.raises(ValidationError) as err:
        read_indicators(path)
    rep = err.value.report
    return list(zip(rep["row"], rep["column"], rep["rule_code"], strict=True))


def _xlsx(tmp_path, edit, name="r.xlsx"):
    """The demo workbook's first rows (:func:`tests.hostile.corpus.demo_workbook`), after ``edit(wb)``."""
    path = tmp_path / name
    wb = demo_workbook()
    edit(wb)
    wb.save(path)
    return path


def _col(ws, code: str) -> int:
    return next(i for i, c in enumerate(ws[1], start=1) if str(c.value).split()[0] == code)


# -- hidden sheets -------------------------------------------------------------------------------
def _old_copy_first(wb, hidden=True, rename_data=None):
    ws = wb.worksheets[0]
    old = wb.copy_worksheet(ws)
    old.title = "2023 old copy"
    old.cell(3, _col(old, "L1P1")).value = 999.0  # last year's figure
    wb.move_sheet(old, offset=-1)
    if hidden:
        old.sheet_state = "hidden"
    if rename_data:
        ws.title = rename_data


def test_hidden_first_sheet_is_not_read(tmp_path):
    # the named case: a hidden first sheet (last year's copy) and the template's data sheet
    path = _xlsx(tmp_path, _old_copy_first)
    t = read_indicators(path).table
    assert t.loc[0, "L1P1"] == pytest.approx(133.71)  # the visible data sheet, not 999


def test_the_only_visible_sheet_is_read_when_no_sheet_has_the_template_name(tmp_path):
    path = _xlsx(tmp_path, lambda wb: _old_copy_first(wb, rename_data="Sheet1"))
    assert read_indicators(path).table.loc[0, "L1P1"] == pytest.approx(133.71)


def test_two_visible_sheets_without_the_template_name_stop_and_list_the_sheets(tmp_path):
    path = _xlsx(tmp_path, lambda wb: _old_copy_first(wb, hidden=False, rename_data="Sheet1"))
    with pytest.raises(ValidationError) as err:
        read_indicators(path)
    rep = err.value.report
    assert list(rep["rule_code"]) == ["sheet_ambiguous"]
    assert "2023 old copy" in rep["message"].iloc[0] and "Sheet1" in rep["message"].iloc[0]


def test_a_hidden_data_sheet_beside_hidden_only_sheets_stops(tmp_path):
    def edit(wb):
        _old_copy_first(wb, hidden=False, rename_data="Sheet1")
        wb["Sheet1"].sheet_state = "hidden"
        wb["2023 old copy"].sheet_state = "visible"
        wb.create_sheet("notes")
    path = _xlsx(tmp_path, edit)
    assert _problems(path)[0][2] == "sheet_ambiguous"


# -- rows starting with # ------------------------------------------------------------------------
@pytest.mark.parametrize("first", ["#N/A", "#REF!", "#VALUE!"])
def test_a_data_row_starting_with_an_excel_error_is_data_not_a_note(make_return, first):
    def edit(header, rows):
        rows[2][0] = first  # the lookup of unit_id failed; the row still holds data
    path = make_return(edit=edit)
    probs = _problems(path)
    assert (4, "unit_id") in [(r, c) for r, c, _ in probs]  # row 4 is named, not dropped


def test_hash_error_row_in_xlsx_is_data(tmp_path):
    path = _xlsx(tmp_path, lambda wb: setattr(wb.worksheets[0].cell(4, 1), "value", "#N/A"))
    assert (4, "unit_id", "required_value") in _problems(path)


def test_the_template_label_rows_and_the_demo_notice_are_the_only_notes():
    assert is_note_row(["# Unit ID", "# Brain name", "# City"])
    assert is_note_row(["# 文本 text", "# 文本 text"])
    assert is_note_row(["# SYNTHETIC DEMO DATA 模拟数据", "", None])
    assert not is_note_row(["#N/A", "济南市产业大脑"])
    assert not is_note_row(["# 1", "济南市产业大脑"])  # a note row holds nothing else
    assert not is_note_row(["#N/A"])
    assert read_indicators(DEMO_CSV).is_synthetic


# -- formulas without a cached value -------------------------------------------------------------
def _formula(tmp_path, cell_col: str, formula: str, cached: str | None = None):
    path = _xlsx(tmp_path, lambda wb: setattr(wb.worksheets[0].cell(3, _col(wb.worksheets[0], cell_col)),
                                              "value", formula))
    if cached is not None:  # what Excel does on save: store the result beside the formula
        with zipfile.ZipFile(path) as z:
            entries = {n: z.read(n) for n in z.namelist()}
        name = "xl/worksheets/sheet1.xml"
        entries[name] = re.sub(rb"(<f>[^<]*</f>)<v>[^<]*</v>|(<f>[^<]*</f>)(?!<v>)",
                               lambda m: (m.group(1) or m.group(2)) + b"<v>" + cached.encode() + b"</v>",
                               entries[name])
        with zipfile.ZipFile(path, "w") as z:
            for n, d in entries.items():
                z.writestr(n, d)
    return path


def test_formula_without_cached_value_names_the_cell_and_says_open_in_excel(tmp_path):
    path = _formula(tmp_path, "L1P1", "=100+33.71")
    with pytest.raises(ValidationError) as err:
        read_indicators(path)
    rep = err.value.report
    assert list(rep["rule_code"]) == ["formula_not_calculated"]
    letter = openpyxl.utils.get_column_letter(_col(demo_workbook().worksheets[0], "L1P1"))
    assert rep["row"].iloc[0] == 3 and f"{letter}3" in rep["message"].iloc[0] and "Excel" in rep["message"].iloc[0]
    assert "open the file in Excel and save it" in rep["message"].iloc[0]


@pytest.mark.parametrize("code", ["year", "L1P3"])
def test_formula_without_cached_value_in_other_columns(tmp_path, code):
    path = _formula(tmp_path, code, "=1+1")
    assert [p[2] for p in _problems(path)] == ["formula_not_calculated"]


def test_formula_with_a_cached_value_reads_the_value(tmp_path):
    path = _formula(tmp_path, "L1P1", "=100+33.71", cached="133.71")
    assert read_indicators(path).table.loc[0, "L1P1"] == pytest.approx(133.71)


# -- spaces --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [("1 215", 1215.0), ("1 215 000", 1215000.0), ("12 345.5", 12345.5),
                                            ("1\u00a0215", 1215.0)])
def test_space_separates_thousands_only_in_groups_of_three(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["12 15", "1 2345", "123 45.6", "1 21 5"])
def test_other_spaces_in_a_number_are_an_error(text):
    with pytest.raises(CellError) as err:
        parse_number(text)
    assert err.value.rule == "not_a_number" and "1 215" in err.value.en


def test_12_15_in_a_file_is_reported_not_read_as_1215(make_return):
    def edit(header, rows):
        rows[0][col(header, "L1P5")] = "12 15"
    assert _problems(make_return(edit=edit)) == [(2, "L1P5", "not_a_number")]


# -- percent formats -----------------------------------------------------------------------------
def _percent(tmp_path, code, value=0.12):
    def edit(wb):
        ws = wb.worksheets[0]
        cell = ws.cell(3, _col(ws, code))
        cell.value, cell.number_format = value, "0%"
    return _xlsx(tmp_path, edit, f"{code}.xlsx")


@pytest.mark.parametrize("code", ["L1P1", "L1P5", "L3P1_E1"])  # an amount (the named case), a count, a checklist item
def test_percent_formatted_cell_in_a_non_share_column_is_an_error(tmp_path, code):
    assert _problems(_percent(tmp_path, code)) == [(3, code, "percent_not_allowed")]


def test_csv_and_xlsx_follow_the_same_percent_rule(tmp_path, make_return):
    def edit(header, rows):
        rows[1][col(header, "L1P1")] = "12%"
    assert _problems(make_return(edit=edit)) == [(3, "L1P1", "percent_not_allowed")]
    assert read_indicators(_percent(tmp_path, "L1P3", 0.25)).table.loc[0, "L1P3"] == pytest.approx(25.0)


# -- non-finite numbers --------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["1e309", "9" * 400, "-1e400"])
def test_numbers_too_large_for_a_float_are_errors(make_return, text):
    def edit(header, rows):
        rows[0][col(header, "L1P1")] = text
    probs = _problems(make_return(edit=edit))
    assert probs == [(2, "L1P1", "not_finite")]


def test_a_unit_conversion_that_overflows_is_an_error(make_return):
    def edit(header, rows):
        j = col(header, "L1P1")
        header[j] = "L1P1 产业规模（万亿元）"  # × 10,000 to 亿元
        rows[0][j] = "1e305"
    assert _problems(make_return(edit=edit)) == [(2, "L1P1", "not_finite")]


def test_no_infinity_reaches_the_processed_files(make_return, tmp_path):
    from toolkit.data.prepare import prepare

    def edit(header, rows):
        rows[0][col(header, "L1P2")] = "1e309"
    with pytest.raises(ValidationError):
        prepare(make_return(edit=edit), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- units typed into cells (issue #15) ------------------------------------------------------------
def test_units_in_cells_are_converted_when_the_framework_knows_them(fw, make_return):
    node = fw.node("L1P1")  # 亿元
    assert parse_amount("1,296亿元", node) == (1296.0, True)
    assert parse_amount("1,200 万元", node) == (pytest.approx(0.12), True)
    assert parse_amount("12亿", node) == (12.0, True)

    def edit(header, rows):
        rows[0][col(header, "L1P1")] = "1,296亿元"
        rows[1][col(header, "L1P1")] = "1,200,000 万元"
    t = read_indicators(make_return(edit=edit)).table
    assert t.loc[0, "L1P1"] == 1296.0 and t.loc[1, "L1P1"] == pytest.approx(120.0)


def test_a_unit_in_the_cell_is_not_converted_twice_when_the_header_states_one(make_return):
    def edit(header, rows):
        j = col(header, "L1P1")
        header[j] = "L1P1 产业规模（万元）"
        rows[0][j] = "1,296亿元"   # the cell's own unit wins: 1296 亿元
        rows[1][j] = "5,000,000"   # the header's: 5,000,000 万元 = 500 亿元
    t = read_indicators(make_return(n=2, edit=edit)).table
    assert t.loc[0, "L1P1"] == 1296.0 and t.loc[1, "L1P1"] == pytest.approx(500.0)


@pytest.mark.parametrize("code, text", [("L1P1", "100 家"), ("L1P5", "675 亿元"), ("L1P1", "12 kg")])
def test_a_unit_that_cannot_be_converted_says_remove_the_unit(make_return, fw, code, text):
    def edit(header, rows):
        rows[0][col(header, code)] = text
    with pytest.raises(ValidationError) as err:
        read_indicators(make_return(edit=edit))
    zh, en = err.value.report_in("zh"), err.value.report
    assert list(en["rule_code"]) == ["unit_in_cell"] and en["row"].iloc[0] == 2
    assert "删除单位，只填数字" in zh["message"].iloc[0] and fw.node(code).name_zh in zh["message"].iloc[0]
    assert "remove the unit" in en["message"].iloc[0] and fw.node(code).name_en in en["message"].iloc[0]


# -- long values -----------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["L1P1", "city", "year"])
def test_a_10000_character_cell_is_truncated_in_messages(make_return, code):
    def edit(header, rows):
        rows[0][col(header, code)] = "x" * 10_000
    path = make_return(edit=edit)
    with pytest.raises(ValidationError) as err:
        read_indicators(path)
    text = str(err.value) + err.value.report.to_string() + err.value.report_in("zh").to_string()
    assert len(text) < 5000 and "x" * 200 not in text


def test_a_10000_character_header_is_truncated(make_return):
    def edit(header, rows):
        header.append("y" * 10_000)
        for r in rows:
            r.append("")
    with pytest.raises(ValidationError) as err:
        read_indicators(make_return(edit=edit))
    assert "y" * 500 not in str(err.value) and len(str(err.value)) < 3000


# -- the fast path agrees with the careful per-cell parser -------------------------------------------
def test_vectorised_reading_equals_per_cell_parsing(make_return, fw):
    messy = ["1,234", " 12 ", "１２３", "3.5e2", "", "—", "0", "7.25", "1 215"]

    def edit(header, rows):
        for i, r in enumerate(rows):
            r[col(header, "L1P5")] = messy[i % len(messy)]
    from toolkit.data.read import interpret, read_raw

    t, problems, _, _ = interpret(read_raw(make_return(n=9, edit=edit)), fw)
    assert problems == []
    expected = [parse_amount(v or None, fw.node("L1P5"))[0] for v in messy]
    got = [None if np.isnan(v) else v for v in t["L1P5"]]
    assert got == expected


# -- what Excel writes when "Save as" is not CSV (UTF-8) -------------------------------------------
def _resave(tmp_path, name, encoding, delimiter, edit=None):
    import csv

    rows = list(csv.reader(DEMO_CSV.read_text("utf-8-sig").splitlines()))
    if edit:
        edit(rows)
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-16", "\t"),        # Excel "Unicode text (*.txt)": UTF-16 LE with BOM, tab-separated
    ("utf-16-be", "\t"),     # the same, big-endian (written with its BOM below)
    ("utf-8", ";"),          # Excel in a locale whose decimal mark is a comma
    ("gbk", "\t"),           # "Text (tab delimited)" on Chinese Windows
])
def test_other_separators_and_utf16_read_exactly_like_the_csv(tmp_path, encoding, delimiter):
    path = _resave(tmp_path, "r.csv", encoding, delimiter)
    if encoding == "utf-16-be":
        path.write_bytes(b"\xfe\xff" + path.read_bytes())
    got, want = read_indicators(path), read_indicators(DEMO_CSV)
    assert got.table.equals(want.table) and got.is_synthetic


def test_a_decimal_comma_in_a_semicolon_file_is_not_a_thousands_separator(tmp_path):
    """A semicolon file from a decimal-comma locale may write 87,11 for 87.11: that is not a
    valid group of three, so it is refused with its row and column, never read as 8711."""
    def edit(rows):
        rows[2][col(rows[0], "L1P1")] = "87,11"

    problems = _problems(_resave(tmp_path, "r.csv", "utf-8", ";", edit))
    assert [(r, c) for r, c, _ in problems] == [(3, "L1P1")]


def test_utf16_without_a_byte_order_mark_is_refused_by_name(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(DEMO_CSV.read_text("utf-8-sig").encode("utf-16-le"))
    assert [rule for _, _, rule in _problems(path)] == ["encoding"]


# -- a title above the header, as Chinese forms have ----------------------------------------------
def test_a_title_row_above_the_header_is_a_note_not_the_header(tmp_path):
    """"2025年产业大脑评估填报表" merged across the top of the sheet: before, the title was taken
    as the header and every column was "missing" (710 problems); now it is a note."""
    from ..hostile.corpus import titled

    problems = _problems(_xlsx(tmp_path, titled("abc")))  # "abc" in the first data row, now row 4
    assert [(r, c) for r, c, _ in problems] == [(4, "L1P1")]


@pytest.mark.parametrize("titles", [["填报表"], ["山东省", "2025年度 产业大脑 评估"]])
def test_title_lines_in_a_csv_are_notes_and_rows_keep_their_numbers(tmp_path, titles):
    import csv

    rows = list(csv.reader(DEMO_CSV.read_text("utf-8-sig").splitlines()))
    width = len(rows[0])
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[t] + [""] * (width - 1) for t in titles] + rows)
    got = read_indicators(path)
    assert got.table.equals(read_indicators(DEMO_CSV).table)
    assert [n for n in got.notes if not n.startswith("# ")] == titles
    rows[2][col(rows[0], "L1P1")] = "abc"  # line 3 of the original file
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[t] for t in titles] + rows)
    assert [(r, c) for r, c, _ in _problems(path)] == [(3 + len(titles), "L1P1")]


def test_a_file_of_one_cell_rows_still_names_what_is_missing(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("unit_id\nSD-B001\nSD-B002\n", encoding="utf-8")
    problems = _problems(path)
    # the one-cell first row is the header after all (no wider row follows): it holds no
    # indicator, so the file gets the one message for a header of another framework, at row 1
    assert problems == [(1, None, "wrong_framework")]
    path.write_text("L1P1\n12\n13\n", encoding="utf-8")
    problems = _problems(path)
    assert ("L1P2", "missing_column") in {(c, rule) for _, c, rule in problems}
    assert {r for r, c, rule in problems if rule == "required_value"} == {2, 3}


# -- one unit id typed two ways ---------------------------------------------------------------------
@pytest.mark.parametrize(("spelling", "same_year", "rule"), [
    ("sd-b001", True, "unit_id_variant"),       # lower case: was read as a 51st unit, exit 0
    ("SD-B 001", True, "unit_id_variant"),      # a stray space inside the id
    ("SD-b001", False, "unit_id_variant"),      # in the other year: the panel would split the unit in two
    # full-width letters are the same characters (the parser reads them half-width), so this is
    # the same unit reported twice
    ("ＳＤ-Ｂ001", True, "duplicate_unit_year"),
])
def test_a_unit_id_typed_two_ways_is_reported_not_merged(tmp_path, spelling, same_year, rule):
    import csv

    rows = list(csv.reader(DEMO_CSV.read_text("utf-8-sig").splitlines()))
    first = rows[2]                                       # SD-B001, 2021, spreadsheet row 3
    j = next(i for i, r in enumerate(rows) if r[0] == first[0] and r != first) if not same_year else 3
    rows[j][0] = spelling
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    problems = _problems(path)
    assert (j + 1, "unit_id", rule) in problems, problems


# -- what Excel's formats and file types make of a return ------------------------------------------
@pytest.mark.parametrize(("code", "value"), [
    ("year", __import__("datetime").datetime(2024, 1, 1)),       # a year typed as a date
    ("L1P1", __import__("datetime").datetime(1900, 5, 12)),      # 133 in a cell formatted as a date
    ("L1P2", __import__("datetime").time(3, 0)),                 # a count in a time-formatted cell
])
def test_a_date_or_time_cell_is_refused_with_the_format_named(tmp_path, code, value):
    def edit(wb):
        ws = wb.worksheets[0]
        ws.cell(3, _col(ws, code), value)

    with pytest.raises(ValidationError) as err:
        read_indicators(_xlsx(tmp_path, edit))
    rep = err.value.report
    hit = rep[(rep["row"] == 3) & (rep["column"] == code)]
    assert len(hit) == 1 and "formatted as a date or time" in hit["message"].iloc[0]
    assert "space" not in hit["message"].iloc[0]  # not the thousands-separator hint


@pytest.mark.parametrize(("name", "content", "says"), [
    ("return.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "password-protected"),
    ("return.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "save the file as .xlsx"),
    ("return.et", b"anything", "save the file as .xlsx"),
])
def test_encrypted_workbooks_and_old_formats_say_what_to_do(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError) as err:
        read_indicators(path)
    rep = err.value.report
    assert rep["rule_code"].tolist() == ["file_unreadable"] and says in rep["message"].iloc[0]
