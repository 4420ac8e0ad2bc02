"""The cells of a return exactly as typed: :class:`RawTable`, and the rows above and among the
data that are not data (a title above the header, the template's label rows, ``# `` notes).

The readers fill it — line by line (:mod:`toolkit.data.csv_reader`), column by column
(:mod:`toolkit.data.columnar`) or sheet by sheet (:mod:`toolkit.data.xlsx`), chosen by
:func:`toolkit.data.sources.read_raw`; turning cells into typed values is :mod:`toolkit.data.interpret`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .problems import Problem, ValidationError

DATA_SHEET_NAMES = ("填报表 Data", "填报表", "Data", "data")
COMMENT_PREFIX = "#"
#: the first cells of the template's English and unit label rows (the rest of those rows are labels too)
NOTE_FIRST_CELLS = frozenset({"# Unit ID", "# 文本 text"})


#: at most this many title rows (one filled cell each) may stand above the header
MAX_TITLE_ROWS = 3


def is_title_row(cells: list) -> bool:
    """True for a title above the header: a row with exactly one filled cell, and that cell text
    (Chinese forms put "2025年产业大脑评估填报表" merged across the columns above the header).
    A header has one cell per column, so a one-cell row is never a return's header; titles
    are kept as notes of the file.

    Examples
    --------
    >>> is_title_row(["2025年产业大脑评估填报表", None, ""]), is_title_row(["unit_id", "year"])
    (True, False)
    >>> is_title_row([2025, None])
    False
    """
    filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
    return len(filled) == 1 and isinstance(filled[0], str)


def is_note_row(cells: list, label_cells: frozenset = NOTE_FIRST_CELLS) -> bool:
    """True for note rows, recognised exactly: the template's two label rows (whose first cell
    is one of ``label_cells``: Shandong's ``# Unit ID`` and ``# 文本 text``; a framework's own,
    from :func:`toolkit.data.template.label_first_cells`), or a one-cell row whose text starts
    with ``# `` (hash and space, as the demo's synthetic-data notice). Any other row is data,
    whatever its first cell holds: ``#N/A`` from a failed Excel lookup has no space after the
    hash and the row has data.

    Examples
    --------
    >>> is_note_row(["# Unit ID", "# Brain name"]), is_note_row(["# SYNTHETIC DEMO DATA", None])
    (True, True)
    >>> is_note_row(["#N/A", "济南"]), is_note_row(["# 1", "济南"]), is_note_row(["#N/A"])
    (False, False, False)
    """
    if not cells or not isinstance(cells[0], str):
        return False
    first = cells[0].strip()
    if first in label_cells:
        return True
    rest_empty = all(c is None or (isinstance(c, str) and not c.strip()) for c in cells[1:])
    return rest_empty and first.startswith(("# ", "#\u3000")) and len(first) > 2


@dataclass(frozen=True)
class RawTable:
    """The cells of a file as typed in: header, data rows and their spreadsheet row numbers."""

    path: Path
    header: list
    rows: list[list] | np.ndarray  # a 2-D object array (CSV) or a list of rows (XLSX)
    row_numbers: list[int]
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col) formatted as %
    sheet: str | None = None
    header_row: int = 1
    notes: tuple[str, ...] = ()  # text of the skipped # rows (e.g. the synthetic-data notice)
    #: (XLSX) formula cells without a saved result: (row, 0-based column, formula)
    formulas: tuple[tuple[int, int, str], ...] = ()
    #: (XLSX) merged ranges below the header: (range, first row, first 1-based column)
    merged: tuple[tuple[str, int, int], ...] = ()
    #: (CSV, :mod:`toolkit.data.columnar`) the cells as Arrow string columns, one per header
    #: cell, an empty cell null; ``rows`` is then None (:meth:`grid` builds them when asked)
    columns: object = None

    @property
    def n_rows(self) -> int:
        """The number of data rows."""
        return len(self.row_numbers)

    @property
    def width(self) -> int:
        """The number of columns of :meth:`grid` (the widest row's)."""
        if self.columns is not None:
            return self.columns.num_columns
        return self.grid().shape[1] if self.n_rows else 0

    def factorized(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Column ``j`` as (codes, distinct cells): ``cells == uniques[codes]``, code -1 for a
        missing cell. Cells of an XLSX column holding booleans are not merged with 0 and 1
        (each cell is its own entry then).

        Examples
        --------
        >>> raw = RawTable(Path("r.csv"), ["a"], [["x"], [""], ["y"], ["x"]], [2, 3, 4, 5])
        >>> codes, uniques = raw.factorized(0)
        >>> codes.tolist(), uniques.tolist()
        ([0, -1, 1, 0], ['x', 'y'])
        """
        import pandas as pd

        if self.columns is not None:
            import pyarrow.compute as pc

            enc = pc.dictionary_encode(self.columns.column(j).combine_chunks())
            return (enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp),
                    np.asarray(enc.dictionary.to_pylist(), dtype=object))
        grid = self.grid()
        cells = np.ascontiguousarray(grid[:, j]) if j < grid.shape[1] else np.full(self.n_rows, None, dtype=object)
        kind = pd.api.types.infer_dtype(cells, skipna=True) if len(cells) else "empty"
        if kind not in ("string", "empty", "floating", "integer", "mixed-integer-float") and \
                any(type(v) is bool for v in cells):  # True == 1 for hashing: bools (XLSX) cell by cell
            return np.arange(len(cells)), cells
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=object)

    def grid(self) -> np.ndarray:
        """The data rows as one 2-D object array (short rows padded with None, empty text None).

        Returns
        -------
        ndarray
            Shape (rows, widest row).

        Examples
        --------
        >>> RawTable(Path("r.csv"), ["a", "b"], [["1"], ["2", ""]], [2, 3]).grid().tolist()
        [['1', None], ['2', None]]
        """
        return self._cells

    @functools.cached_property
    def _cells(self) -> np.ndarray:  # built once: interpret asks for one column after another
        if self.columns is not None:
            return rows_grid([[list(r) for r in zip(*(c.to_pylist() for c in self.columns.columns), strict=True)]])
        return self.rows if isinstance(self.rows, np.ndarray) else rows_grid([self.rows])


def unreadable(path: Path, zh: str, en: str, value=None) -> ValidationError:
    """The error for a file that cannot be read at all (``file_unreadable``), in Chinese and English.

    Examples
    --------
    >>> unreadable(Path("r.csv"), "文件不存在", "file not found").problems[0].rule
    'file_unreadable'
    """
    return ValidationError([Problem(str(path), None, None, value, "file_unreadable", zh, en)], str(path))


def rows_grid(chunks: list[list[list]]) -> np.ndarray:
    """Rows of unequal length as one 2-D object array (missing cells None, an empty text None).

    Examples
    --------
    >>> rows_grid([[["a", ""], ["b"]]]).tolist()
    [['a', None], ['b', None]]
    """
    rows = [r for chunk in chunks for r in chunk] if len(chunks) != 1 else chunks[0]
    width = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), width), None, dtype=object)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    out[out == ""] = None  # an empty cell is a missing cell
    return out
