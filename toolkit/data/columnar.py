"""A plain CSV return read column by column, in C++ (pyarrow), when that cannot read it
differently from the line-by-line reader of :mod:`toolkit.data.csv_reader`.

Python's ``csv`` module turns each of the five million cells of a 100,000-row return into a
Python string; most of a read was spent there. Here the cells stay in Arrow's buffers, and
:mod:`toolkit.data.read` parses each column's *distinct* texts (Arrow's dictionary encoding)
with the same rules as ever.

The bytes decide whether this reader may be used, and it declines (returns ``None``) unless
every record is one physical line and every field the text between two separators:

- the encoding is UTF-8 or GB18030, where the separators and the line feed are single bytes
  that never occur inside a character;
- no quote character, no NUL byte, no carriage return except before a line feed, no line
  longer than the ``csv`` module's field limit.

The lines up to the header go through the line-by-line reader itself (title rows, notes
above the header). After the header, each line must be a note row, an empty line, a row of
empty fields (noted, as that reader notes it) or a row with exactly the header's number of
fields. Any other line — a row shorter or longer than the header — declines the whole file,
and the line-by-line reader reports it.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np

from .csv_reader import parse_csv_lines
from .raw import RawTable, is_note_row, is_title_row

#: encodings whose bytes for ``,`` ``;`` TAB and LF never occur inside another character
COLUMNAR_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
#: at most this many lines may stand before the header (title rows, notes, blank lines)
MAX_HEAD_LINES = 50


def read_columnar(path: Path, encoding: str, delimiter: str, label_cells: frozenset):
    """The return at ``path`` as a :class:`~toolkit.data.raw.RawTable` whose cells are
    Arrow string columns, or ``None`` when the line-by-line reader must read it (see the
    module docstring).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text("unit_id,year,L1P1\\n# a note\\nB1,2024,1.5\\n,,\\nB2,2025,\\n", encoding="utf-8")
    >>> raw = read_columnar(p, "utf-8-sig", ",", frozenset())
    >>> raw.header, raw.row_numbers, raw.notes
    (['unit_id', 'year', 'L1P1'], [3, 5], ('# a note', '第 4 行只有空字段，已跳过 | line 4: only empty fields, skipped'))
    >>> raw.grid().tolist()
    [['B1', '2024', '1.5'], ['B2', '2025', None]]
    >>> _ = p.write_text('unit_id,year\\n"B1",2024\\n', encoding="utf-8")
    >>> read_columnar(p, "utf-8-sig", ",", frozenset()) is None  # a quote: read line by line
    True
    """
    if encoding not in COLUMNAR_ENCODINGS or len(delimiter) != 1:
        return None
    path = Path(path)
    data = path.read_bytes()
    if b'"' in data or b"\0" in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    if data.startswith(codecs.BOM_UTF8) and encoding.startswith("utf-8"):
        data = data[len(codecs.BOM_UTF8):]
    sep = ord(delimiter)
    if sep > 0x7F:
        return None
    # the lines, as positions in the bytes: [start, end) without the line feed, and without the
    # carriage return before it (``size``); the last line's line feed starts no record
    b = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(b == 0x0A)
    if len(b) and b[-1] != 0x0A:
        ends = np.append(ends, len(b))
    if not len(ends):
        return None  # an empty file: the line-by-line reader says so
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.intp)
    size = ends - starts - ((ends > starts) & (b[np.maximum(ends - 1, 0)] == 0x0D))
    if len(size) and size.max() >= csv.field_size_limit():
        return None

    def line(i: int) -> bytes:
        return data[starts[i]:starts[i] + size[i]]

    def cells(raw: bytes) -> list[str]:  # what csv.reader gives for a line without quotes
        return raw.decode(encoding).split(delimiter) if raw else []

    head, titles = None, 0  # the header: the first filled line that is not one of three titles
    for i in range(min(len(starts), MAX_HEAD_LINES)):
        c = cells(line(i))
        if any(x.strip() for x in c):
            if is_title_row(c) and titles < 3:
                titles += 1
                continue
            head = i
            break
    if head is None:
        return None
    # the exact reader, on the lines up to the header
    top = parse_csv_lines(path, [line(i).decode(encoding) for i in range(head + 1)], delimiter, label_cells)
    if top.header_row != head + 1 or len(top.row_numbers) or not top.header:
        return None
    width = len(top.header)

    # a printable ASCII byte that is no separator makes a row surely filled (str.strip removes no
    # such character): its first or last byte is looked at; any other row is looked at as the
    # line-by-line reader does. A row as wide as the header is left to Arrow, which refuses any other
    def good(at: np.ndarray) -> np.ndarray:
        c = b[np.clip(at, 0, len(b) - 1)]
        return (c > 0x20) & (c < 0x7F) & (c != sep)

    filled = (size > 0) & (good(starts) | good(starts + size - 1))
    if not encoding.startswith("utf-8"):  # GB18030 uses ASCII bytes inside characters: every row looked at
        filled[:] = False
    first = b[np.minimum(starts, len(b) - 1)]
    maybe_note = (first == ord("#")) | (first == 0x20) | (first == 0x09)
    body = np.zeros(len(starts), dtype=bool)
    body[head + 1:] = size[head + 1:] > 0  # an empty line: csv.reader yields no fields, nothing to note
    notes, blank = list(top.notes), []
    for i in np.flatnonzero(body & (maybe_note | ~filled)):
        raw = line(i)
        if maybe_note[i] and is_note_row(c := cells(raw), label_cells):
            notes.append(" ".join(x for x in c if x.strip()))
            body[i] = False
        elif not filled[i] and not raw.replace(delimiter.encode(), b"").decode(encoding).strip():
            blank.append(int(i) + 1)
            body[i] = False
    rows = np.flatnonzero(body)
    if blank:
        shown = ", ".join(map(str, blank[:5])) + (f" … ({len(blank)})" if len(blank) > 5 else "")
        notes.append(f"第 {shown} 行只有空字段，已跳过 | line {shown}: only empty fields, skipped")
    # the data rows' bytes, one slice per run of consecutive data lines
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    runs = [(r[0], r[-1]) for r in np.split(rows, breaks)] if len(rows) else []
    text = b"\n".join(data[starts[a]:starts[z] + size[z]] for a, z in runs)
    table = _arrow_cells(text, encoding, delimiter, width) if len(rows) else None
    if table is False or (table is not None and table.num_rows != len(rows)):
        return None  # a row shorter or longer than the header: the exact reader names it
    numbers = (rows + 1).tolist()
    return RawTable(path, top.header, None if len(rows) else [], numbers, header_row=top.header_row,
                    notes=tuple(notes), columns=table)


def _arrow_cells(body: bytes, encoding: str, delimiter: str, width: int):
    """Every field of ``body`` as an Arrow string; an empty field is null, as the line-by-line
    reader makes it None. False when a line has not exactly ``width`` fields."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if not encoding.startswith("utf-8"):
        body = body.decode(encoding).encode("utf-8")
    names = [f"c{j}" for j in range(width)]
    try:
        return pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, escape_char=False,
                                             double_quote=False, newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True))
    except pa.ArrowInvalid:  # "Expected 52 columns, got 51"
        return False
