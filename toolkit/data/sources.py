"""Opening a return file: the cells exactly as the office typed them (CSV in UTF-8/BOM/GBK/GB18030, or XLSX).

Raw files are only ever opened for reading. :func:`read_raw` picks the data sheet, skips the
template's own note rows (recognised exactly), keeps Excel's percent formatting and refuses
formulas without a cached value; turning cells into typed values is :mod:`toolkit.data.interpret`.

The readers it chooses between: :mod:`toolkit.data.csv_reader` (line by line, after the
encoding is found by :mod:`toolkit.data.encoding`), :mod:`toolkit.data.columnar` (a plain CSV,
column by column; handed in by the caller) and :mod:`toolkit.data.xlsx`. The cells come back as
a :class:`~toolkit.data.raw.RawTable`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .csv_reader import DELIMITERS, parse_csv_lines, read_csv, sniff_delimiter
from .encoding import ENCODINGS
from .parsing import shorten
from .raw import (
    COMMENT_PREFIX,
    DATA_SHEET_NAMES,
    MAX_TITLE_ROWS,
    NOTE_FIRST_CELLS,
    RawTable,
    is_note_row,
    is_title_row,
    unreadable,
)
from .xlsx import OLE_MAGIC, read_xlsx

__all__ = ["COMMENT_PREFIX", "DATA_SHEET_NAMES", "DELIMITERS", "ENCODINGS", "MAX_TITLE_ROWS", "NOTE_FIRST_CELLS",
           "OLE_MAGIC", "RawTable", "is_note_row", "is_title_row", "parse_csv_lines", "read_raw", "sniff_delimiter"]


def read_raw(path: str | Path, label_cells: frozenset = NOTE_FIRST_CELLS, columnar=None) -> RawTable:
    """Read a CSV or XLSX file's cells without interpreting them.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` / ``.txt`` or ``.xlsx`` / ``.xlsm`` file.
    label_cells : frozenset
        First cells of the template's label rows (skipped as notes).
    columnar : callable, optional
        ``columnar(path, encoding, delimiter, label_cells) -> RawTable or None``
        (:func:`toolkit.data.columnar.read_columnar`, handed in by the caller so that this module
        does not import it): a plain CSV may come back with its cells as Arrow columns
        (``columns``, ``rows`` None); the same cells, read without a Python object per cell. None
        (the reader declines) falls back to the line-by-line reader.

    Returns
    -------
    RawTable
        The header cells, the data rows as text/cell values, their spreadsheet row numbers and the
        text of skipped ``#`` rows (``notes``).

    Raises
    ------
    ValidationError
        When the file is missing, cannot be opened (permissions), is not CSV/XLSX, cannot be
        decoded, or (XLSX) holds formulas without a saved value or no unambiguous data sheet.

    Examples
    --------
    >>> raw = read_raw("data/raw/demo_synthetic_returns.csv")
    >>> len(raw.header), len(raw.rows), raw.row_numbers[:2]
    (52, 250, [3, 4])
    >>> raw.header[0]
    'unit_id 单位编号'
    >>> raw.notes[0].startswith("# SYNTHETIC DEMO DATA")
    True
    """
    path = Path(path)
    if path.is_dir():
        raise unreadable(path, "这是一个文件夹，不是文件", "this is a folder, not a file")
    if not path.is_file():
        raise unreadable(path, "文件不存在", "file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx(path, label_cells)
        if suffix in (".csv", ".txt"):
            return read_csv(path, label_cells, columnar)
    except PermissionError as exc:
        raise unreadable(path, "没有读取该文件的权限", "permission denied: the file cannot be read") from exc
    except MemoryError as exc:  # the archive checks should make this unreachable; never an internal error
        raise unreadable(path, "文件太大，内存不足以读取：请拆分后再提交", "the file is too large to be read in the memory "
                          "available: split it and submit the parts") from exc
    except csv.Error as exc:  # a NUL byte, a cell longer than the CSV reader's limit
        raise unreadable(path, f"不是有效的 CSV 文件：{shorten(exc, 120)}", f"not a valid CSV file: {shorten(exc, 120)}") from exc
    except OSError as exc:
        raise unreadable(path, f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}") from exc
    if suffix in (".xls", ".et", ".ods", ".numbers", ".wps"):  # spreadsheets Excel or WPS can save as .xlsx
        raise unreadable(path, f"不支持 {suffix} 格式：请在 Excel 或 WPS 中另存为 .xlsx（或 CSV UTF-8）",
                          f"{suffix} files are not read: save the file as .xlsx (or CSV UTF-8) in Excel or WPS", suffix)
    raise unreadable(path, "只支持 .csv 和 .xlsx 文件", "only .csv and .xlsx files are supported", suffix)
