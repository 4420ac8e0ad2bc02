"""Speed of writing workbooks (issue #25): :func:`toolkit.reports.xlsx.write_sheets` (XlsxWriter,
in memory) against the openpyxl write-only path it replaced, kept below as the baseline. Prints
figures; asserts nothing.

Timed in one process, interleaved, CPU time (``time.process_time``), median of ``--reps``:

1. the demo's ``results.xlsx`` sheets (what ``index --lang en`` writes: 12 sheets, ~90,000 cells);
2. a synthetic set of 100,000 cells (10,000 rows × 10 columns: text, integers, formatted floats
   with missing values, a link column);
3. the whole ``index --lang en`` command on the demo, warm, with either writer.

Both writers produce the same cells (values, number formats, links, header, widths); the ratio
is baseline / new. For reference, pandas' ``to_excel`` through XlsxWriter writes the same values
without any of the looks: the floor of writing cell by cell with the library.

Run: .venv/bin/python benchmarks/bench_workbook.py [--reps 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import toolkit
import toolkit.reports.workbook as workbook
from toolkit.cli import main as cli
from toolkit.reports.workbook import write_result_workbook
from toolkit.reports.xlsx import write_sheets

DEMO = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo_synthetic_returns.csv"


def openpyxl_write_sheets(sheets, path, note=None):
    """The writer before #25: openpyxl's write-only mode, a cell object per formatted value."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    from toolkit.files import neutralise_formulas, neutralise_text, normalise_zip, write_atomic
    from toolkit.publish.guard import check_targets

    check_targets(files=[path])
    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 4, 8)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F4F7")
    link_font = Font(color="1F6FB2", underline="single")
    for k, (title, (df, fmts, *extra)) in enumerate(sheets.items()):
        links = extra[0] if extra else {}
        remark = extra[1] if len(extra) > 1 else None
        lines = [(note, Font(bold=True, color="CC0000"))] if note and (k == 0 or remark) else []
        lines += [(remark, Font(italic=True, color="555555"))] if remark else []
        top = len(lines)
        df = neutralise_formulas(df)
        ws = wb.create_sheet(title[:31])
        cols = list(df.columns)
        for j, c in enumerate(cols, start=1):
            sample = [str(c)] + [str(v) for v in df[c].head(200)]
            width = max(sum(2 if ord(ch) >= 0x2E80 else 1 for ch in x[:80]) for x in sample)
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, width + 2))
        ws.freeze_panes = f"A{2 + top}"
        if len(cols) > 2 and df.shape[0] > 0:
            ws.auto_filter.ref = f"A{1 + top}:{get_column_letter(len(cols))}{df.shape[0] + 1 + top}"
        for text, font in lines:
            cell = WriteOnlyCell(ws, value=neutralise_text(text))
            cell.font = font
            ws.append([cell])
        head = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=neutralise_text(str(c)))
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            head.append(cell)
        ws.append(head)
        fmt = [fmts.get(c) for c in cols]
        targets = [links.get(c) for c in cols]
        for i, row in enumerate(df.itertuples(index=False)):
            out = []
            for v, f, where in zip(row, fmt, targets, strict=True):
                v = None if (isinstance(v, float) and np.isnan(v)) else (v.item() if hasattr(v, "item") else v)
                if isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v):
                    v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
                place = where[i] if where is not None else None
                if (f is not None or place) and v is not None:
                    cell = WriteOnlyCell(ws, value=v)
                    if f is not None:
                        cell.number_format = f
                    if place:
                        cell.hyperlink = Hyperlink(ref="", location=place)
                        cell.font = link_font
                    v = cell
                out.append(v)
            ws.append(out)

    def save(tmp):
        wb.save(tmp)
        normalise_zip(tmp)

    return write_atomic(Path(path), save)


def demo_sheets(result):
    """The sheets ``index --lang en`` writes for the demo, caught on their way to the writer."""
    caught = {}

    def catch(sheets, path, note=None):
        caught.update(sheets=sheets, note=note)
        return write_sheets(sheets, path, note=note)

    workbook.write_sheets, before = catch, workbook.write_sheets
    try:
        write_result_workbook(result, Path(tempfile.mkdtemp()) / "results.xlsx", "en", synthetic=True)
    finally:
        workbook.write_sheets = before
    return caught["sheets"], caught["note"]


def pandas_to_excel(sheets, path):
    """The library's own floor, for reference: pandas writing the same values through XlsxWriter
    (no number formats, links, widths, header look, neutralising or atomic write)."""
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for title, (df, *_) in sheets.items():
            df.to_excel(writer, sheet_name=title[:31], index=False)


def synthetic_sheets(rows: int = 10_000, seed: int = 25):
    rng = np.random.default_rng(seed)
    x = rng.normal(50, 20, size=(rows, 4))
    x[rng.random(x.shape) < 0.05] = np.nan
    df = pd.DataFrame({
        "Unit id": [f"SD-B{i:05d}" for i in range(rows)], "Year": rng.integers(2019, 2026, rows),
        "City": rng.choice(["济南市", "青岛市", "烟台市", "潍坊市"], rows),
        **{f"Score {k}": x[:, k] for k in range(4)},
        "Rank": rng.permutation(rows) + 1, "Grade": rng.choice(["good", "fair", "=poor"], rows),
        "Problems": rng.integers(0, 5, rows),
    })
    places = [f"'Scores'!A{i + 3}" if p else None for i, p in enumerate(df["Problems"])]
    return {"Scores": (df, {f"Score {k}": "0.00" for k in range(4)}, {"Problems": places}, "a synthetic set")}, "note"


def cpu(fn, *args) -> float:
    t = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        fn(*args)
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-workbook-"))
    result = toolkit.build_index(toolkit.read_indicators(DEMO))
    cases = {"demo results.xlsx": demo_sheets(result), "synthetic 100k cells": synthetic_sheets()}
    for name, (sheets, note) in cases.items():
        cells = sum(df.size for df, *_ in sheets.values())
        times = {"openpyxl (before)": [], "write_sheets": [], "pandas": []}
        for _ in range(args.reps):  # interleaved: a busy machine slows all alike
            times["openpyxl (before)"].append(cpu(openpyxl_write_sheets, sheets, work / "a.xlsx", note))
            times["write_sheets"].append(cpu(write_sheets, sheets, work / "b.xlsx", note))
            times["pandas"].append(cpu(pandas_to_excel, sheets, work / "c.xlsx"))
        old, new, plain = (statistics.median(v) for v in times.values())
        print(f"{name}: {cells:,} cells; openpyxl {old:.3f} s CPU, write_sheets {new:.3f} s CPU: "
              f"{old / new:.1f}× faster ({new / cells * 1e6:.1f} µs a cell); pandas' to_excel with XlsxWriter "
              f"(no formats, links, widths): {plain:.3f} s, {plain / new:.1f}× write_sheets")
    times = {"before": [], "now": []}
    for i in range(args.reps):
        workbook.write_sheets = openpyxl_write_sheets
        try:
            times["before"].append(cpu(cli, ["index", str(DEMO), "--out", str(work / f"o{i}"), "--lang", "en"]))
        finally:
            workbook.write_sheets = write_sheets
        times["now"].append(cpu(cli, ["index", str(DEMO), "--out", str(work / f"n{i}"), "--lang", "en"]))
    old, new = (statistics.median(v) for v in times.values())
    print(f"index --lang en on the demo (warm, in process): {old:.2f} s CPU with openpyxl, {new:.2f} s now: "
          f"{old / new:.2f}× ({old - new:.2f} s saved a run)")


if __name__ == "__main__":
    main()
