"""Blank returns for local offices to fill in, generated from the framework.

The XLSX template has a data sheet (bilingual header rows, a unit row, cell validation per
measurement type, a drop-down of the 16 cities), a sheet with every definition, and sheets
with the rubrics and checklist items. The CSV template carries the same header and two note
rows. :func:`toolkit.read_indicators` reads both back (rows starting with ``#`` are skipped).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..files import neutralise_text, normalise_zip, output_lock, write_many_atomic
from ..framework.geo import cities
from ..framework.loader import load_framework
from ..framework.model import Framework
from ..framework.units import year_range
from ..publish.links import retire_pointer
from .headers import header_for

DATA_SHEET = "填报表 Data"
N_INPUT_ROWS = 200  # rows prepared with validation


def _rows(fw: Framework) -> tuple[list[str], list[str], list[str], list[str]]:
    declared = {uc.name: uc for uc in fw.unit_columns}
    cols = list(declared) + fw.columns
    header = [header_for(c, fw) for c in cols]
    english, units = [], []
    for c in cols:
        if c in declared:
            uc = declared[c]
            english.append(uc.label("en"))
            units.append("年 year" if uc.role == "year" else "GB/T 2260" if uc.reference == "shandong_cities.code"
                         else "数值 number" if uc.role == "denominator" else "文本 text")
        else:
            n = fw.node(c)
            english.append(n.name_en)
            unit = n.measured_unit or n.unit
            if n.type == "ordinal":
                units.append(f"等级 level {min(v for v, *_ in n.rubric)}–{max(v for v, *_ in n.rubric)}")
            elif n.type == "binary":
                units.append("1=是 yes / 0=否 no")
            else:
                units.append(f"{unit} · {n.unit_en}" if unit != n.unit_en else unit)
    english[0] = "# " + english[0]
    units[0] = "# " + units[0]
    return cols, header, english, units


def label_first_cells(fw: Framework) -> frozenset[str]:
    """The first cells of the template's two label rows for ``fw`` (the English names and the
    units), which the reader skips as notes, recognised exactly.

    Parameters
    ----------
    fw : Framework

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted(label_first_cells(load_framework("coinr_asem")))
    ['# Country code', '# 文本 text']
    """
    _, _, english, units = _rows(fw)
    return frozenset({english[0], units[0]})


def write_template(out_dir: str | Path = ".", framework: Framework | None = None,
                   stem: str = "indicator_return_template") -> list[Path]:
    """Write ``<stem>.xlsx`` and ``<stem>.csv`` into ``out_dir``; returns the paths.

    The two are written together as plain files, all or none (the commit journal of
    :func:`toolkit.publish.journal.write_many_atomic`), under the output lock of ``out_dir``
    (:func:`toolkit.files.output_lock`). They are meant to be handed to offices — e-mailed,
    zipped, committed — so they are never symbolic links; a pointer and generation that
    publishing through a pointer once left beside them are removed
    (:func:`toolkit.publish.links.retire_pointer`).

    Parameters
    ----------
    out_dir : str or Path
        Folder written into.
    framework : Framework, optional
        Default: the bundled framework.
    stem : str
        File name without suffix.

    Returns
    -------
    list of Path
        The XLSX (with drop-down lists and a help sheet) and the CSV template: a Chinese header
        row, then ``#`` rows with English names and units; no data rows.

    Examples
    --------
    >>> import csv, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_template(tmp)
    ...     with open(paths[1], encoding="utf-8-sig") as fh:
    ...         rows = list(csv.reader(fh))
    >>> [p.name for p in paths]
    ['indicator_return_template.xlsx', 'indicator_return_template.csv']
    >>> len(rows), len(rows[0])  # header + 2 help rows; 7 unit columns + 45 data columns
    (3, 52)
    """
    fw = framework or load_framework()
    cols, header, english, units = _rows(fw)
    out = Path(out_dir)

    def write_csv(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it as UTF-8
            w = csv.writer(fh, lineterminator="\n")
            w.writerows([[neutralise_text(c) for c in r] for r in (header, english, units)])

    def write_xlsx(tmp: Path) -> None:
        _xlsx(tmp, fw, cols, header, english, units)

    with output_lock(out):  # the pair together, as plain files (handed to offices), one run at a time
        paths = write_many_atomic({out / f"{stem}.xlsx": write_xlsx, out / f"{stem}.csv": write_csv})
        retire_pointer(out, stem)  # what publishing through a pointer (2 Dec 2026) left beside them
        return paths


def _xlsx(path: Path, fw: Framework, cols, header, english, units) -> None:
    import datetime as dt

    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    for row in (header, english, units):
        ws.append([neutralise_text(c) for c in row])
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for c in range(1, len(cols) + 1):
        ws.cell(1, c).font = bold
        for r in (2, 3):
            ws.cell(r, c).fill = grey
            ws.cell(r, c).font = Font(italic=True, color="666666")
        ws.cell(1, c).alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(c)].width = 16 if c > 7 else 14
    ws.freeze_panes = "C4"
    first, last = 4, 3 + N_INPUT_ROWS

    def add(dv: DataValidation, col_idx: int) -> None:
        letter = get_column_letter(col_idx)
        dv.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(dv)

    lists = wb.create_sheet("lists")
    for i, (code, row) in enumerate(cities().iterrows(), start=1):
        lists.cell(i, 1, row["zh"])
        lists.cell(i, 2, code)
    lists.sheet_state = "hidden"
    n_c = len(cities())
    declared = {uc.name: uc for uc in fw.unit_columns}
    for idx, col in enumerate(cols, start=1):
        uc = declared.get(col)
        if uc is not None and uc.values:
            values = ",".join(uc.values)
            add(DataValidation("list", formula1=f'"{values}"', showErrorMessage=True, error=f"{col}: {values}"), idx)
        elif uc is not None and uc.reference == "shandong_cities.zh":
            add(DataValidation("list", formula1=f"lists!$A$1:$A${n_c}", showErrorMessage=True,
                               errorTitle="城市 city", error="请选择山东16市之一 / choose one of the 16 cities"), idx)
        elif uc is not None and uc.reference == "shandong_cities.code":
            add(DataValidation("list", formula1=f"lists!$B$1:$B${n_c}", showErrorMessage=True,
                               error="GB/T 2260 code of a Shandong city"), idx)
        elif uc is not None and uc.role == "year":
            lo, hi = year_range(fw.unit_columns)
            add(DataValidation("whole", operator="between", formula1=str(lo), formula2=str(hi),
                               showErrorMessage=True, error=f"年份 year {lo}–{hi}"), idx)
        elif col in fw:
            n = fw.node(col)
            msg = f"{col} {n.name_zh}: {n.name_en}"
            if n.type == "signed":
                dv = DataValidation("decimal", operator="between", formula1="-1E+300", formula2="1E+300",
                                    error=f"{msg}: 数字 a number")
            elif n.type in ("amount", "ratio"):
                dv = DataValidation("decimal", operator="greaterThanOrEqual", formula1="0",
                                    error=f"{msg} ≥ 0")
            elif n.type == "count":
                dv = DataValidation("whole", operator="greaterThanOrEqual", formula1="0",
                                    error=f"{msg}: 非负整数 whole number ≥ 0")
            elif n.type == "share":
                dv = DataValidation("decimal", operator="between", formula1="0", formula2="100",
                                    error=f"{msg}: 0–100 (%)")
            elif n.type == "ordinal":
                levels = ",".join(str(v) for v, *_ in n.rubric)
                dv = DataValidation("list", formula1=f'"{levels}"', error=f"{msg}: {levels}")
            else:  # binary checklist item
                dv = DataValidation("list", formula1='"1,0"', error=f"{msg}: 1 或 0")
            dv.showErrorMessage = True
            dv.errorTitle = col
            dv.prompt, dv.promptTitle, dv.showInputMessage = n.name_zh[:250], col, True
            add(dv, idx)

    defs = wb.create_sheet("指标说明 Definitions")
    defs.append(["编号 code", "维度 dimension", "指标 name (zh)", "name (en)", "单位 unit (source)",
                 "填报单位 unit of the data column", "方向 direction", "类型 type", "定义 definition (zh)",
                 "definition (en)", "口径说明 operationalisation"])
    for n in fw.nodes():
        if n.depth < 2:
            continue
        try:
            dim = fw.ancestor(n.code, fw.dimension_level) if fw.dimension_level else ""
        except KeyError:
            dim = ""
        defs.append([n.code, dim, n.name_zh, n.name_en, n.unit,
                     "" if n.children else (n.measured_unit or n.unit), "benefit" if n.direction > 0 else "cost",
                     n.type, n.definition_zh, n.definition_en, n.note])
    for c in range(1, 12):
        defs.cell(1, c).font = bold

    rub = wb.create_sheet("评分标准 Rubrics")
    rub.append(["编号 code", "指标 name", "等级 level", "标准 (zh)", "criterion (en)"])
    for n in fw.nodes():
        for value, zh, en in n.rubric:
            rub.append([n.code, n.name_zh, value, zh, en])
    chk = wb.create_sheet("勾选项 Checklist")
    chk.append(["指标 indicator", "编号 item code", "服务/能力 (zh)", "item (en)", "权重 weight", "填写 fill in"])
    for n in fw.nodes():
        if (n.rollup or {}).get("method") == "checklist_share":
            for k in fw.children(n.code):
                chk.append([n.code, k.code, k.name_zh, k.name_en, k.weight, "1 = 已提供 in service, 0 = 未提供 not"])
    for sheet in (rub, chk):
        for c in range(1, 7):
            sheet.cell(1, c).font = bold
    stamp = dt.datetime(2024, 4, 8)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.title = f"{fw.title('zh')} 填报模板 v{fw.version}"
    wb.save(path)
    normalise_zip(path)
