"""The roster of an annual round: the units expected to send a return (``collect --roster``).

A roster is a CSV or XLSX file (any encoding the reader takes) with the framework's unit
columns (Shandong: ``unit_id``, ``brain_name``, ``city``, ``industry`` …; any spelling the
returns may use). It is read by the shared reader (:func:`toolkit.data.sources.read_raw`), so a
roster saved by Excel or WPS, with a title row or in GBK, reads as a return does. Only the
identifier is required; columns that are not unit columns are ignored; indicator values, if
any, are not read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..framework.model import Framework
from .headers import match_header
from .parsing import is_missing, normalise_text, shorten
from .problems import Problem, ValidationError
from .sources import read_raw


def _cell_text(value, reference: str | None) -> str | None:
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise_text(value)
    if reference == "shandong_cities.zh" and text and not text.endswith("市"):
        from ..framework.geo import city_code, city_name

        code = city_code(text)
        return city_name(code) if code else text
    return text


def unit_columns_of(raw, framework: Framework) -> dict[str, int]:
    """The framework's unit columns (the year apart) found in a file's header: name -> position,
    matched as the reader matches them (any header spelling a return may use)."""
    units = {uc.name for uc in framework.unit_columns if uc.role != "year"}
    columns: dict[str, int] = {}
    for j, header in enumerate(raw.header):
        m = match_header(header, framework)
        if m.column in units and m.column not in columns:
            columns[m.column] = j
    return columns


def units_named(path: str | Path, framework: Framework) -> list[str]:
    """The unit identifiers a file names, read as the roster is: for a return the reader refused,
    so that the status can say its units were sent (in a file with problems) rather than missing.

    Returns an empty list when the file cannot be opened or has no identifier column.

    Examples
    --------
    >>> import tempfile
    >>> from toolkit import load_framework
    >>> p = Path(tempfile.mkdtemp()) / "bad.csv"
    >>> _ = p.write_text("单位编号,年份,L1P1\\nSD-B001,2025,abc\\nSD-B001,2024,1\\n,2024,2\\n", encoding="gbk")
    >>> units_named(p, load_framework())
    ['SD-B001']
    """
    try:
        raw = read_raw(path)
        j = unit_columns_of(raw, framework).get("unit_id")
        grid = raw.grid() if j is not None else None
        if grid is None or j >= grid.shape[1]:
            return []
        return sorted({text for v in grid[:, j] if (text := _cell_text(v, None))})
    except Exception:  # a hint for the status, never a reason to stop the round: the reader reported the file
        return []


def read_roster(path: str | Path, framework: Framework) -> pd.DataFrame:
    """The units a round expects, one row per unit.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file with the framework's unit columns (at least the identifier).
    framework : Framework
        Gives the unit columns and their header spellings.

    Returns
    -------
    pandas.DataFrame
        Index ``unit_id``; one text column per unit column found (the year excepted).

    Raises
    ------
    ValidationError
        The file cannot be read, has no identifier column, or an identifier is empty or given twice
        (every problem names the roster, its row and the value).

    Examples
    --------
    >>> import tempfile
    >>> from toolkit import load_framework
    >>> p = Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text("单位编号,产业大脑名称,城市\\nSD-B001,A,济南\\nSD-B002,B,青岛市\\n", encoding="gbk")
    >>> read_roster(p, load_framework()).to_dict("index")
    {'SD-B001': {'brain_name': 'A', 'city': '济南市'}, 'SD-B002': {'brain_name': 'B', 'city': '青岛市'}}
    """
    raw = read_raw(path)
    file = str(path)
    units = {uc.name: uc for uc in framework.unit_columns if uc.role != "year"}
    columns = unit_columns_of(raw, framework)
    if "unit_id" not in columns:
        raise ValidationError([Problem(file, raw.header_row, None, None, "missing_column",
                                       "名单缺少单位编号列（unit_id）", "the roster has no unit id column (unit_id)")], file)
    grid = raw.grid()
    data = {}
    for name, j in columns.items():
        cells = grid[:, j] if j < grid.shape[1] else [None] * len(grid)
        data[name] = [_cell_text(v, units[name].reference) for v in cells]
    table = pd.DataFrame(data, index=pd.Index(raw.row_numbers, name="row"), dtype=object)  # an empty id stays None
    problems = []
    first: dict[str, int] = {}
    for row, uid in table["unit_id"].items():
        if is_missing(uid):
            problems.append(Problem(file, int(row), "unit_id", None, "required_value",
                                    "名单中的单位编号为空", "a unit id of the roster is empty"))
        elif uid in first:
            problems.append(Problem(file, int(row), "unit_id", shorten(uid), "duplicate_unit_year",
                                    f"名单中单位 {uid} 出现了两次（首次在第 {first[uid]} 行）",
                                    f"unit {uid} is listed twice in the roster (first at row {first[uid]})"))
        else:
            first[uid] = int(row)
    if problems:
        raise ValidationError(problems, file)
    ordered = [c for c in units if c in table.columns and c != "unit_id"]
    return table.set_index("unit_id")[ordered]
