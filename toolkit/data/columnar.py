"""A plain CSV return read column by column, in C++ (pyarrow), when that cannot read it
differently from the line-by-line reader of :mod:`toolkit.data.sources`.

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

#: encodings whose bytes for ``,`` ``;`` TAB and LF never occur inside another character
COLUMNAR_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
#: at most this many lines may stand before the header (title rows, notes, blank lines)
MAX_HEAD_LINES = 50


def read_columnar(path: Path, encoding: str, delimiter: str, label_cells: frozenset):
    """The return at ``path`` as a :class:`~toolkit.data.sources.RawTable` whose cells are
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
    from .sources import is_note_row, is_title_row

    if encoding not in COLUMNAR_ENCODINGS or len(delimiter) != 1:
        return None
    path = Path(path)
    data = path.read_bytes()
    if b'"' in data or b"\0" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    if data.startswith(codecs.BOM_UTF8) and encoding.startswith("utf-8"):
        data = data[len(codecs.BOM_UTF8):]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":  # the last line's line feed ends it; it starts no record
        lines.pop()
    if b"\r" in data:
        lines = [ln.removesuffix(b"\r") for ln in lines]
    if max(map(len, lines), default=0) >= csv.field_size_limit():
        return None
    sep = delimiter.encode("ascii")

    def cells(line: bytes) -> list[str]:  # what csv.reader gives for a line without quotes
        return line.decode(encoding).split(delimiter) if line else []

    head, titles = None, 0  # the header: the first filled line that is not one of three titles
    for i, line in enumerate(lines[:MAX_HEAD_LINES]):
        c = cells(line)
        if any(x.strip() for x in c):
            if is_title_row(c) and titles < 3:
                titles += 1
                continue
            head = i
            break
    if head is None:
        return None
    from .sources import parse_csv_lines  # the exact reader, on the lines up to the header

    top = parse_csv_lines(path, [ln.decode(encoding) for ln in lines[:head + 1]], delimiter, label_cells)
    if top.header_row != head + 1 or len(top.row_numbers) or not top.header:
        return None
    width = len(top.header)
    notes, blank, numbers, body = list(top.notes), [], [], []
    space = b" \t\r\n\x0b\x0c" + sep
    for n, line in enumerate(lines[head + 1:], start=head + 2):
        if not line:
            continue  # csv.reader yields no fields for an empty line: nothing to account for
        if line[:1] in (b"#", b" ", b"\t"):
            c = cells(line)
            if is_note_row(c, label_cells):
                notes.append(" ".join(x for x in c if x.strip()))
                continue
        rest = line.translate(None, space)  # a byte above the ASCII blanks: a filled row, surely
        if not rest or (rest[0] <= 0x20 or rest[0] >= 0x7F) and not rest.decode(encoding).strip():
            blank.append(n)
            continue
        if line.count(sep) != width - 1:
            return None  # a row shorter or longer than the header: the exact reader names it
        numbers.append(n)
        body.append(line)
    if blank:
        shown = ", ".join(map(str, blank[:5])) + (f" … ({len(blank)})" if len(blank) > 5 else "")
        notes.append(f"第 {shown} 行只有空字段，已跳过 | line {shown}: only empty fields, skipped")
    table = _arrow_cells(b"\n".join(body), encoding, delimiter, width) if body else None
    if table is not None and table.num_rows != len(numbers):
        return None
    from .sources import RawTable

    return RawTable(path, top.header, None if body else [], numbers, header_row=top.header_row,
                    notes=tuple(notes), columns=table)


def _arrow_cells(body: bytes, encoding: str, delimiter: str, width: int):
    """Every field of ``body`` (lines of exactly ``width`` fields) as an Arrow string; an
    empty field is null, as the line-by-line reader makes it None."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if not encoding.startswith("utf-8"):
        body = body.decode(encoding).encode("utf-8")
    names = [f"c{j}" for j in range(width)]
    return pacsv.read_csv(
        io.BytesIO(body),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, escape_char=False,
                                         double_quote=False, newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, null_values=[""],
                                             strings_can_be_null=True, quoted_strings_can_be_null=True))
