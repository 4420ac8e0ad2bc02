"""The column-by-column CSV reader (toolkit.data.columnar, issue #25) reads every file it accepts
exactly as the line-by-line reader does — header, spreadsheet row numbers, notes and every cell —
and declines every file it could read differently (quotes, short or long rows, other encodings).
The line-by-line reader is the reference: it is the one the hostile corpus and the fuzzing
were written against."""

from __future__ import annotations

import csv

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from toolkit.data.columnar import read_columnar
from toolkit.data.read import read_indicators
from toolkit.data.sources import read_raw, sniff_delimiter

DEMO = "data/raw/demo_synthetic_returns.csv"


def _both(path, encoding="utf-8-sig"):
    exact = read_raw(path)
    with open(path, encoding=encoding, newline="") as fh:
        delimiter = sniff_delimiter(fh.readlines()[:50])
    return exact, read_columnar(path, encoding, delimiter, frozenset({"# Unit ID", "# 文本 text"}))


def _same(exact, fast):
    assert fast.header == exact.header and fast.header_row == exact.header_row
    assert fast.row_numbers == exact.row_numbers and fast.notes == exact.notes
    assert fast.grid().tolist() == exact.grid().tolist()
    for j in range(len(exact.header)):
        (ca, ua), (cb, ub) = exact.factorized(j), fast.factorized(j)
        assert [ua[c] if c >= 0 else None for c in ca] == [ub[c] if c >= 0 else None for c in cb]


def test_the_demo_is_read_column_by_column_as_line_by_line():
    exact, fast = _both(DEMO)
    assert fast is not None and fast.columns is not None and fast.rows is None
    assert len(fast.row_numbers) == 250 and fast.row_numbers[:2] == [3, 4]  # line 2 is the synthetic notice
    _same(exact, fast)


CELL = st.sampled_from(["", " ", "SD-B001", "sd-b001", "１２", "12", "1.5", "-0", "1e3", "#N/A", "合计", "无", "—",
                        "济南市", "\u3000", "\t", "nan", "inf", "12%", "1 215", "\u00a0", "x y", "# note"])


@settings(max_examples=150, deadline=None)
@given(header=st.lists(st.sampled_from(["unit_id", "year", "L1P1", "", "名称", "#x"]), min_size=1, max_size=5),
       rows=st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=8),
       top=st.lists(st.sampled_from(["", "# SYNTHETIC DEMO DATA", "2025年填报表", ",,", "# Unit ID,x"]), max_size=3),
       delimiter=st.sampled_from([",", ";", "\t"]), crlf=st.booleans(), bom=st.booleans(),
       encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_any_file_is_read_alike_or_declined(tmp_path_factory, header, rows, top, delimiter, crlf, bom, encoding):
    path = tmp_path_factory.mktemp("c") / "r.csv"
    end = "\r\n" if crlf else "\n"
    lines = [t.replace(",", delimiter) for t in top] + [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    data = end.join(lines).encode(encoding) + end.encode()
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    enc = "utf-8-sig" if encoding == "utf-8" else "gb18030"
    try:
        exact = read_raw(path)
    except Exception as exc:  # noqa: BLE001 (the exact reader refuses: the columnar one must not accept)
        with open(path, encoding=enc, newline="") as fh:
            delim = sniff_delimiter(fh.readlines()[:50])
        try:
            fast = read_columnar(path, enc, delim, frozenset())
        except Exception:  # noqa: BLE001
            fast = None
        assert fast is None, exc
        return
    with open(path, encoding=enc, newline="") as fh:
        delim = sniff_delimiter(fh.readlines()[:50])
    fast = read_columnar(path, enc, delim, frozenset({"# Unit ID", "# 文本 text"}))
    event("read column by column" if fast is not None else "declined")
    if fast is not None:
        _same(exact, fast)


@pytest.mark.parametrize("text", [
    'unit_id,year\n"SD-B001",2024\n',          # a quote
    "unit_id,year\nSD-B001\n",                  # a short row
    "unit_id,year\nSD-B001,2024,7\n",           # a long row
    "unit_id,year\nSD-B001,20\r24\n",           # a lone carriage return
    "",                                         # nothing at all
    "\n\n",                                     # empty lines only
])
def test_files_the_columnar_reader_leaves_to_the_exact_one(tmp_path, text):
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode())
    assert read_columnar(path, "utf-8-sig", ",", frozenset()) is None


def test_the_demo_reads_to_the_same_data_either_way(monkeypatch):
    fast = read_indicators(DEMO)
    monkeypatch.setattr("toolkit.data.columnar.read_columnar", lambda *a, **k: None)
    exact = read_indicators(DEMO)
    assert fast.table.equals(exact.table) and fast.notes == exact.notes and fast.rows == exact.rows


def test_a_large_field_is_left_to_the_exact_reader(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("unit_id,year\n" + "x" * csv.field_size_limit() + ",2024\n", encoding="utf-8")
    assert read_columnar(path, "utf-8-sig", ",", frozenset()) is None
