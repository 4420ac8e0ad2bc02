"""Issue #19, the reader's half, through the API: what the command-line corpus
(:mod:`tests.hostile.corpus_reader`) cannot see — the exact rows, columns and values of each
problem, the notes, and the values read."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

import numpy as np
import pytest

from toolkit import read_indicators
from toolkit.data.parsing import fold_id
from toolkit.data.problems import ValidationError
from toolkit.data.sources import read_raw
from toolkit.data.xlsx import MAX_MEMBER_BYTES, inspect_workbook

from .bomb_zip import BLOCK, plain, repeated, write_zip
from .corpus import DEMO_CSV, DEMO_XLSX, demo_workbook, demo_workbook_bytes
from .corpus_reader import bomb, demo_lines, hidden_copy, quote_name


def _problems(path) -> list[tuple]:
    with pytest.raises(ValidationError) as exc:
        read_indicators(path)
    return [(p.row, p.column, p.rule) for p in exc.value.problems]


def _physical(data: bytes) -> int:
    return sum(1 for ln in data.decode("utf-8").splitlines() if ln.strip())


# -- 1. a stray quote ------------------------------------------------------------------------------
def test_the_issue_case_three_rows_merged_is_an_error_naming_both_lines(tmp_path):
    # the issue: a brain name starting with " swallows lines until a later quote closes it;
    # before #19 the file read as valid with 97 rows and one brain had another's L1P1
    path = tmp_path / "r.csv"
    path.write_bytes(demo_lines(quote_name(6, closing=9)))
    with pytest.raises(ValidationError) as exc:
        read_indicators(path)
    (p,) = exc.value.problems
    assert (p.row, p.column, p.rule) == (6, "brain_name", "multiline_field")
    assert "line 6" in p.message_en and "line 9" in p.message_en and "第 6 行" in p.message_zh


def test_every_non_empty_line_is_one_record(tmp_path):
    # the demo: 252 non-empty lines = header + the synthetic notice + 250 rows
    raw = read_raw(DEMO_CSV)
    assert _physical(DEMO_CSV.read_bytes()) == 1 + len(raw.notes) + len(raw.rows) == 252
    # a line of empty fields is not silently lost: it is skipped and a note says which
    text = DEMO_CSV.read_text("utf-8").splitlines(keepends=True)
    text.insert(10, "," * 51 + "\n")
    path = tmp_path / "r.csv"
    path.write_text("".join(text), "utf-8")
    data = read_indicators(path)
    assert len(data.table) == 250
    assert [n for n in data.notes if "line 11" in n and "skipped" in n]


def test_a_quoted_field_on_one_line_is_still_read(tmp_path):
    # quotes that open and close on the same line are CSV, not a stray quote
    text = DEMO_CSV.read_text("utf-8").replace("济宁市兖州区现代农业装备产业大脑", '"济宁市兖州区, 现代农业装备产业大脑"', 1)
    path = tmp_path / "r.csv"
    path.write_text(text, "utf-8")
    assert read_indicators(path).table.loc[0, "brain_name"] == "济宁市兖州区, 现代农业装备产业大脑"


# -- 2. hidden sheets ------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_named_as_the_template_is_never_read(tmp_path, state):
    path = tmp_path / "r.xlsx"
    wb = demo_workbook()  # the demo's first rows: the edit is in rows 3-5
    hidden_copy(state, "填报表 Data (2)", "填报表 Data", l1p1=999999)(wb)
    wb.save(path)
    data = read_indicators(path)
    assert data.table.loc[0, "L1P1"] == pytest.approx(133.71)  # the visible sheet's, not 999999
    assert any("hidden sheet '填报表 Data' was not read" in n for n in data.notes)


def test_the_only_matching_sheet_hidden_stops(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = demo_workbook()  # the demo's first rows: the edit is in rows 3-5
    hidden_copy("hidden", "Sheet1", "填报表 Data")(wb)
    wb.save(path)
    assert _problems(path) == [(None, None, "sheet_hidden")]


# -- 3. look-alike characters ----------------------------------------------------------------------
LOOKALIKES = ["\u2013", "\u2010", "\u2011", "\u2212", "\u2014", "\ufe63", "\uff0d", "\u200b-", "-\u2060", "\u00ad-",
              "-\ufeff"]


@pytest.mark.parametrize("dash", LOOKALIKES, ids=[f"U+{ord(d[0]) if d[0] != '-' else ord(d[1]):04X}" for d in LOOKALIKES])
def test_lookalike_ids_fold_to_one_unit_with_one_note(tmp_path, dash):
    # the issue's case: a year's ids typed with look-alikes gave 53 units instead of 50
    lines = DEMO_CSV.read_text("utf-8").splitlines(keepends=True)
    for i in range(52, 55):  # three 2022 rows (SD-B001..SD-B003 of 2022)
        lines[i] = lines[i].replace("SD-B", f"SD{dash}B", 1)
    path = tmp_path / "r.csv"
    path.write_text("".join(lines), "utf-8")
    data = read_indicators(path)
    assert data.table["unit_id"].nunique() == 50
    assert data.table.groupby("unit_id").size().eq(5).all()  # five years each
    folded = [n for n in data.notes if "look-alike" in n]
    assert len(folded) == 3 and all(f"row {i + 1}," in n for i, n in zip(range(52, 55), folded, strict=True))


def test_two_spellings_that_fold_to_one_key_never_make_two_units(tmp_path):
    lines = DEMO_CSV.read_text("utf-8").splitlines(keepends=True)
    lines[52] = lines[52].replace("SD-B", "sd\u2013b", 1)
    path = tmp_path / "r.csv"
    path.write_text("".join(lines), "utf-8")
    assert (53, "unit_id", "unit_id_variant") in _problems(path)


def test_fold_id_is_idempotent_and_leaves_ascii_alone():
    for text in ["SD-B001", "SD\u2013B\u200b001", "ＳＤ－Ｂ００１", ""]:
        assert fold_id(fold_id(text)) == fold_id(text)
    assert fold_id("SD-B001") == "SD-B001"


# -- 4. expansion bombs ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sheet", "shared"])
def test_a_1e9_character_cell_is_refused_naming_sheet_and_cell(tmp_path, kind):
    path = tmp_path / "r.xlsx"
    path.write_bytes(DEMO_XLSX.read_bytes())
    bomb(kind)(path)
    assert path.stat().st_size < 5_000_000
    with pytest.raises(ValidationError) as exc:
        read_indicators(path)
    (p,) = exc.value.problems
    assert (p.row, p.column, p.value) == (3, "B", "填报表 Data!B3")
    assert "32,767" in p.message_en and "填报表 Data" in p.message_zh


def test_a_bomb_zip_reads_back(tmp_path):
    """The zips the bombs are written as (deflated blocks laid end to end, headers by hand) are
    valid: zipfile inflates every member to the bytes meant and checks its CRC (two blocks here:
    how many are laid end to end does not change the format)."""
    path = tmp_path / "b.zip"
    write_zip(path, [("a.xml", plain(b"<a/>")), ("b.xml", repeated(b"<t>", 2, b"</t>")), ("c.txt", plain(b""))])
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert [i.filename for i in z.infolist()] == ["a.xml", "b.xml", "c.txt"]
        assert z.read("a.xml") == b"<a/>" and z.read("c.txt") == b""
        assert z.read("b.xml") == b"<t>" + BLOCK * 2 + b"</t>"
    assert path.stat().st_size < 200_000


def test_a_member_declared_larger_than_the_limit_is_refused(tmp_path):
    # a zip entry whose header declares more than the limit: refused before anything is parsed
    path = tmp_path / "r.xlsx"
    path.write_bytes(DEMO_XLSX.read_bytes())
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/media/huge.bin", b"0")
    data = bytearray(path.read_bytes())
    # patch the central-directory uncompressed size of the new member
    name = b"xl/media/huge.bin"
    at = data.rindex(name) - 46
    assert data[at:at + 4] == b"PK\x01\x02"
    data[at + 24:at + 28] = (MAX_MEMBER_BYTES + 1).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ValidationError) as exc:
        inspect_workbook(path)
    assert "xl/media/huge.bin" in exc.value.problems[0].message_en


# -- 5. the encoding a file claims -----------------------------------------------------------------
def test_a_bom_in_front_of_gbk_names_gbk_and_how_to_save(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(codecs.BOM_UTF8 + DEMO_CSV.read_text("utf-8").encode("gbk"))
    with pytest.raises(ValidationError) as exc:
        read_indicators(path)
    (p,) = exc.value.problems  # one problem, not 102 under a garbled header
    assert p.rule == "encoding" and "GBK" in p.message_en and "CSV UTF-8" in p.message_en
    assert "GBK" in p.message_zh and "另存为" in p.message_zh


def test_gbk_and_utf8_files_without_a_claim_still_read(tmp_path):
    for enc, bom in (("gbk", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b"")):
        path = tmp_path / f"r-{enc}.csv"
        path.write_bytes(bom + DEMO_CSV.read_text("utf-8").encode(enc))
        assert read_indicators(path).table.shape == (250, 53)


# -- 6. Problem.column of an uncalculated formula ---------------------------------------------------
@pytest.mark.parametrize(("header", "code"), [("L1P1 产业规模（亿元）", "L1P1"), ("产业规模", "L1P1"),
                                              ("year 年份", "year")])
def test_an_uncalculated_formula_names_the_indicator_code(tmp_path, header, code):
    path = tmp_path / "r.xlsx"
    wb = demo_workbook()  # the demo's first rows: the edit is in rows 3-5
    ws = wb.worksheets[0]
    j = next(i for i, c in enumerate(ws[1], start=1) if str(c.value).split()[0] == code)
    ws.cell(1, j, header)
    ws.cell(3, j, "=1+1")
    wb.save(path)
    assert _problems(path) == [(3, code, "formula_not_calculated")]


# -- 7. cost follows data cells -----------------------------------------------------------------------
def test_a_stray_space_in_xfd_leaves_rows_as_wide_as_their_data(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = demo_workbook()  # the demo's first rows: the edit is in rows 3-5
    wb.worksheets[0]["XFD5"] = " "
    wb.save(path)
    raw = read_raw(path)
    assert max(len(r) for r in raw.rows) <= 52  # not 16,384
    unedited = tmp_path / "unedited.xlsx"
    unedited.write_bytes(demo_workbook_bytes())
    assert read_indicators(path).table.equals(read_indicators(unedited).table)


# -- merged cells and deleted cells ---------------------------------------------------------------------
def test_merged_cells_among_the_data_are_an_error_but_a_merged_title_is_not(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = demo_workbook()  # the demo's first rows: the edit is in rows 3-5
    wb.worksheets[0].merge_cells("C4:C6")
    wb.save(path)
    assert (4, "city", "merged_cells") in _problems(path)


def test_a_deleted_cell_in_a_csv_row_is_an_error_naming_the_line(tmp_path):
    rows = list(csv.reader(io.StringIO(DEMO_CSV.read_text("utf-8"))))
    del rows[5][12]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path = tmp_path / "r.csv"
    path.write_text(buf.getvalue(), "utf-8")
    assert _problems(path) == [(6, "L5P4", "short_row")]


def test_the_values_read_are_those_written():
    # the reading notes added by #19 do not change a valid file's values
    a, b = read_indicators(DEMO_CSV), read_indicators(DEMO_XLSX)
    cols = [c for c in a.table.columns if c not in a.unit_columns]
    np.testing.assert_allclose(a.table[cols].to_numpy(float), b.table[cols].to_numpy(float), equal_nan=True)
    assert [n for n in a.notes if not n.startswith("#")] == []



def test_ids_all_typed_with_an_en_dash_give_a_bounded_number_of_notes(tmp_path):
    text = DEMO_CSV.read_text("utf-8").replace("SD-B", "SD\u2013B")
    path = tmp_path / "r.csv"
    path.write_text(text, "utf-8")
    data = read_indicators(path)
    assert data.table["unit_id"].nunique() == 50 and data.table["unit_id"].str.isascii().all()
    folded = [n for n in data.notes if "look-alike" in n]
    assert len(folded) == 21 and "30 more unit ids" in folded[-1]  # 20 named, 30 counted
