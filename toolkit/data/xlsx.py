"""Opening an XLSX return safely: the archive is inspected before any XML is parsed.

An XLSX file is a zip archive of XML files. Before openpyxl parses anything,
:func:`inspect_workbook` checks, streaming and with bounded memory:

- the declared uncompressed size of every member (:data:`MAX_MEMBER_BYTES` for a sheet, which
  is streamed; :data:`MAX_INDEX_BYTES` for the others, which openpyxl parses whole), so a small
  file that expands without limit is refused, not parsed until memory runs out;
- the length of every text between two XML tags in the sheets and the shared strings
  (:data:`MAX_TEXT_BYTES`, above what Excel's 32,767-character cell can take), so a
  10⁹-character cell is refused naming its sheet and cell;
- which sheets are hidden, which hold formulas and which cells are merged.

The workbook's cells are then read (:func:`read_xlsx`) with openpyxl in read-only
mode, row by row, trailing empty cells dropped: the cost follows the cells that hold data,
never the sheet's declared dimension (a space typed in column XFD no longer makes every row
16,384 cells wide).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .parsing import shorten
from .problems import Problem, ValidationError
from .raw import (
    DATA_SHEET_NAMES,
    MAX_TITLE_ROWS,
    NOTE_FIRST_CELLS,
    RawTable,
    is_note_row,
    is_title_row,
    unreadable,
)

#: the largest uncompressed size of one member of an XLSX archive (a 100,000-row return's sheet is ~250 MB)
MAX_MEMBER_BYTES = 512 * 2**20
#: the largest other member (styles, shared strings, workbook.xml …): openpyxl parses these whole
MAX_INDEX_BYTES = 64 * 2**20
#: Excel's own limit on the characters of one cell
EXCEL_CELL_CHARS = 32_767
#: the most bytes of text between two XML tags: Excel's cell limit, 4 bytes a character in
#: UTF-8, and room for escapes; anything longer was not written by Excel
MAX_TEXT_BYTES = 4 * EXCEL_CELL_CHARS + 4096
_CHUNK = 1 << 20
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass(frozen=True)
class SheetInfo:
    """What the archive says of one sheet, before it is parsed."""

    name: str
    member: str
    state: str = "visible"  # visible, hidden or veryHidden
    has_formulas: bool = False
    merged: tuple[str, ...] = ()  # merged ranges, as A1:B2


def refuse(path: Path, zh: str, en: str, value=None, row=None, column=None) -> ValidationError:
    """A ValidationError with one ``file_unreadable`` problem."""
    return ValidationError([Problem(str(path), row, column, value, "file_unreadable", zh, en)], str(path))


def _sheets(path: Path, z: zipfile.ZipFile) -> list[SheetInfo]:
    """The sheets in workbook order: name, archive member and visibility."""
    try:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as exc:
        raise refuse(path, f"无法打开Excel文件：{exc}", f"cannot open the workbook: {exc}") from exc
    target = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    out = []
    for s in book.findall("m:sheets/m:sheet", _NS):
        t = target.get(s.get(f"{{{_NS['r']}}}id"), "")
        member = t.lstrip("/") if t.startswith("/") else f"xl/{t}"
        out.append(SheetInfo(s.get("name", ""), member, s.get("state", "visible")))
    return out


def _scan(path: Path, z: zipfile.ZipFile, member: str, where: str, shared: bool = False):
    """Stream one XML member: refuse a text longer than :data:`MAX_TEXT_BYTES`, naming the cell.

    Returns (holds formulas, merged ranges); for the shared strings, the index of the first
    over-long string, or None when none is. Memory stays within a few chunks: the text
    between two ``<`` is measured without being kept."""
    carry, window, formulas, merged, strings = b"", b"", False, [], 0
    read = 0
    with z.open(member) as fh:
        while True:
            # a member larger than the limit is refused by the caller; it is scanned no further
            chunk = fh.read(_CHUNK) if read <= MAX_MEMBER_BYTES else b""
            read += len(chunk)
            parts = (carry + chunk).split(b"<")
            done, carry = (parts, b"") if not chunk else (parts[:-1], parts[-1])
            if max(map(len, done), default=0) > MAX_TEXT_BYTES or len(carry) > MAX_TEXT_BYTES:
                k = next((i for i, p in enumerate(done) if len(p) > MAX_TEXT_BYTES), len(done))
                if shared:
                    return strings + sum(1 for p in done[:k + 1] if p[:3] in (b"si>", b"si ")) - 1
                ref = _CELL_REF.findall((window + b"<" + b"<".join(done[:k]))[-65536:])
                raise too_long(path, where, ref[-1].decode() if ref else None)
            if shared:
                strings += sum(1 for p in done if p[:3] in (b"si>", b"si "))
            else:  # every part is whole: a tag never straddles two bodies
                body = b"<" + b"<".join(done)
                formulas = formulas or b"<f>" in body or b"<f " in body or b"<f/>" in body
                merged += [m.decode() for m in _MERGE.findall(body)]
                window = body[-65536:]
            if not chunk:
                break
    return None if shared else (formulas, tuple(merged))


def too_long(path: Path, sheet: str, cell: str | None) -> ValidationError:
    """The refusal of an over-long cell, naming the sheet and the cell."""
    at_zh = f"工作表“{sheet}”的单元格 {cell}" if cell else f"工作表“{sheet}”中的一个单元格"
    at_en = f"cell {cell} of sheet {sheet!r}" if cell else f"a cell of sheet {sheet!r}"
    return refuse(path, f"{at_zh}的内容超过 {MAX_TEXT_BYTES:,} 字节（Excel 单元格最多 {EXCEL_CELL_CHARS:,} 个字符）："
                        "该文件不是 Excel 保存的正常工作簿，未读取",
                  f"{at_en} holds more than {MAX_TEXT_BYTES:,} bytes of text (an Excel cell holds at most "
                  f"{EXCEL_CELL_CHARS:,} characters): this is not a workbook Excel saved; it was not read",
                  f"{sheet}!{cell}" if cell else sheet, *_split(cell))


def _split(cell: str | None) -> tuple[int | None, str | None]:
    """(row, column letters) of an A1 reference.

    >>> _split("AB12"), _split(None)
    ((12, 'AB'), (None, None))
    """
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", cell or "")
    return (int(m.group(2)), m.group(1)) if m else (None, None)


def inspect_workbook(path: str | Path) -> list[SheetInfo]:
    """Check an XLSX archive before it is parsed, and describe its sheets.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    list of SheetInfo
        In workbook order, with each sheet's visibility, whether it holds formulas and its
        merged ranges.

    Raises
    ------
    ValidationError
        A ``file_unreadable`` problem when the file is not a zip archive, when a member would
        expand past :data:`MAX_MEMBER_BYTES`, or when a cell holds more text than an Excel cell
        can (naming the sheet and the cell).

    Examples
    --------
    >>> [(s.name, s.state, s.has_formulas) for s in inspect_workbook("data/raw/demo_synthetic_returns.xlsx")]
    [('填报表 Data', 'visible', False)]
    """
    path = Path(path)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise refuse(path, f"无法打开Excel文件：{exc}", f"cannot open the workbook: {exc}") from exc
    with z:
        infos = {i.filename: i for i in z.infolist()}
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if name in infos and infos[name].file_size > MAX_INDEX_BYTES:
                raise _too_big(path, name, infos[name].file_size, MAX_INDEX_BYTES)
        sheets = _sheets(path, z)
        by_member = {s.member: s for s in sheets}
        if "xl/sharedStrings.xml" in infos:
            k = _scan(path, z, "xl/sharedStrings.xml", "sharedStrings", shared=True)
            if k is not None:
                raise too_long(path, *_shared_cell(path, z, sheets, k))
        out = []
        for s in sheets:
            if s.member in infos:
                formulas, merged = _scan(path, z, s.member, s.name)
                s = SheetInfo(s.name, s.member, s.state, formulas, merged)
            out.append(s)
        for name, info in infos.items():
            sheet = by_member.get(name)
            limit = MAX_MEMBER_BYTES if sheet else MAX_INDEX_BYTES
            if info.file_size > limit:
                raise _too_big(path, f"工作表“{sheet.name}”" if sheet else name, info.file_size, limit,
                               f"sheet {sheet.name!r}" if sheet else name)
    return out


def _too_big(path: Path, what: str, size: int, limit: int, what_en: str | None = None) -> ValidationError:
    return refuse(path, f"{what} 解压后有 {size:,} 字节，超过上限 {limit:,} 字节：未读取",
                  f"{what_en or what} expands to {size:,} bytes, over the limit of {limit:,}: it was not read", size)


def _shared_cell(path: Path, z: zipfile.ZipFile, sheets: list[SheetInfo], k: int) -> tuple[str, str | None]:
    """(sheet, cell) of the first cell that shows shared string ``k``."""
    pattern = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*?\bt="s"[^>]*>\s*<v>' + str(k).encode()
                         + rb"</v>")
    for s in sheets:
        tail = b""
        with z.open(s.member) as fh:
            while chunk := fh.read(_CHUNK):
                m = pattern.search(tail + chunk)
                if m:
                    return s.name, m.group(1).decode()
                tail = chunk[-4096:]
    return (sheets[0].name if sheets else "?"), None


def merged_below(ranges: tuple[str, ...], header_row: int) -> list[tuple[str, int, int]]:
    """The merged ranges that reach below the header row: (range, first row, first column,
    1-based). A title merged above the header is a title; a merged cell among the data
    keeps only its first cell's value (Excel says so when cells are merged).

    Examples
    --------
    >>> merged_below(("A1:H1", "C5:C7", "B9:C9"), header_row=2)
    [('C5:C7', 5, 3), ('B9:C9', 9, 2)]
    """
    from openpyxl.utils.cell import range_boundaries

    out = []
    for ref in ranges:
        min_col, min_row, _max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
        if max_row > header_row:
            out.append((ref, min_row, min_col))
    return out


#: Excel names a copied sheet "<name> (2)"; a copy of the template's sheet is the template's sheet
_COPY = re.compile(r"\s*\(\d+\)$")


def pick_sheet(path: Path, sheets: list[SheetInfo], data_names: tuple[str, ...]) -> tuple[str, list[str]]:
    """The data sheet, and notes naming the hidden sheets that were not read.

    A hidden or very hidden sheet is never read, whatever its name. Among the visible sheets,
    the one named as the template names its sheet (or an Excel copy of it, ``填报表 Data (2)``)
    is read; two such sheets, or none and several visible sheets, stop the run. When the only
    sheet with the template's name is hidden, the run stops and says so.

    Examples
    --------
    >>> s = [SheetInfo("填报表 Data", "a", "hidden"), SheetInfo("填报表 Data (2)", "b")]
    >>> pick_sheet(Path("r.xlsx"), s, ("填报表 Data",))
    ('填报表 Data (2)', ["隐藏的工作表“填报表 Data”未读取 | hidden sheet '填报表 Data' was not read"])
    """
    names = [s.name for s in sheets]
    visible = [s.name for s in sheets if s.state == "visible"]
    hidden = [s.name for s in sheets if s.state != "visible"]
    notes = [f"隐藏的工作表“{n}”未读取 | hidden sheet {n!r} was not read" for n in hidden]
    templated = [n for n in names if _COPY.sub("", n) in data_names or n in data_names]
    shown = [n for n in templated if n in visible]
    if len(shown) == 1:
        return shown[0], notes
    if not shown and templated:
        listed = "、".join(f"“{n}”" for n in templated)
        raise ValidationError([Problem(
            str(path), None, None, templated[0], "sheet_hidden",
            f"名为填报表的工作表 {listed} 是隐藏的，隐藏的工作表不会被读取：请在 Excel 中取消隐藏（右键工作表标签 → 取消隐藏），"
            "或删除旧的副本后再提交",
            f"the sheet named as the template's, {', '.join(map(repr, templated))}, is hidden, and a hidden sheet is "
            "never read: unhide it in Excel (right-click a sheet tab → Unhide), or delete the old copy, and "
            "submit again")], str(path))
    if not shown and len(visible) == 1:
        return visible[0], notes
    listed = ", ".join(f"“{n}”" + ("" if n in visible else "（隐藏）") for n in names)
    listed_en = ", ".join(repr(n) + ("" if n in visible else " (hidden)") for n in names)
    raise ValidationError([Problem(
        str(path), None, None, None, "sheet_ambiguous",
        f"无法确定哪个工作表是填报表：请只保留一个名为“{data_names[0]}”的可见工作表，或只保留一个可见工作表。工作表：{listed}",
        f"cannot tell which sheet holds the data: keep one visible sheet named {data_names[0]!r}, or only one "
        f"visible sheet. Sheets: {listed_en}")], str(path))


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def trim(row: tuple) -> int:
    """The length of ``row`` without its trailing empty cells (None or blank text).

    >>> trim((1, None, " ", None)), trim((None, "")), trim(("a", 2))
    (1, 0, 2)
    """
    n = len(row)
    while n and _blank(row[n - 1]):
        n -= 1
    return n


def iter_sheet(ws):
    """(row number, cells) of a read-only worksheet, trailing empty cells dropped; the sheet's
    declared dimension is ignored, so the cost follows the cells that hold data."""
    ws.reset_dimensions()
    for r_idx, row in enumerate(ws.iter_rows(), start=1):
        yield r_idx, row[: trim(tuple(c.value for c in row))] if row else ()


def uncached_formulas(path: Path, name: str, rows_seen: dict[int, list]) -> list[tuple[int, int, str]]:
    """(row, column, formula) of formula cells whose saved value is empty (a file written by a
    program and never opened in Excel): such a cell is never read as missing."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    out = []
    try:
        ws = wb[name]
        ws.reset_dimensions()
        for r_idx, row in enumerate(ws.iter_rows(), start=1):
            cached = rows_seen.get(r_idx)
            if cached is None:
                continue
            for c_idx, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f" and (c_idx >= len(cached) or cached[c_idx] is None):
                    out.append((r_idx, c_idx, str(cell.value)))
    finally:
        wb.close()
    return out


#: the first bytes of an OLE compound file: encrypted XLSX and the old binary .xls
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xlsx(path: Path, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    """The cells of the data sheet of the workbook at ``path`` (see :func:`toolkit.data.sources.read_raw`):
    the sheet picked, title and note rows set apart, percent-formatted cells and merged ranges
    noted, formulas without a saved result listed."""
    import openpyxl

    with open(path, "rb") as fh:
        if fh.read(8) == OLE_MAGIC:
            # an OLE container: a password-protected workbook, or the old binary .xls renamed
            raise unreadable(path, "该工作簿设置了打开密码（已加密），或是改名为 .xlsx 的旧版 .xls 文件：请在 Excel 中取消密码并另存为 .xlsx",
                              "the workbook is password-protected (encrypted), or an old .xls file renamed .xlsx: "
                              "remove the password in Excel and save it as .xlsx")
    sheets = inspect_workbook(path)  # sizes, over-long cells, hidden sheets: before any XML is parsed
    name, notes = pick_sheet(path, sheets, DATA_SHEET_NAMES)
    info = next(s for s in sheets if s.name == name)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except PermissionError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        msg = shorten(exc, 200)
        raise unreadable(path, f"无法打开Excel文件：{msg}", f"cannot open the workbook: {msg}") from exc
    try:
        header, rows, numbers, percent, header_row, titles = None, [], [], set(), 1, []
        for r_idx, row in iter_sheet(wb[name]):
            values = [c.value for c in row]
            if header is None:
                if values:
                    if is_title_row(values) and len(titles) < MAX_TITLE_ROWS:
                        titles.append((r_idx, values))
                    else:
                        header, header_row = values, r_idx
                        notes.extend(" ".join(str(v).strip() for v in t if v not in (None, "")) for _, t in titles)
                continue
            if is_note_row(values, label_cells):
                notes.append(" ".join(str(v) for v in values if v not in (None, "")))
                continue
            for c_idx, cell in enumerate(row):
                fmt = getattr(cell, "number_format", "") or ""
                if "%" in fmt and isinstance(cell.value, (int, float)):
                    percent.add((len(rows), c_idx))
            rows.append(values)
            numbers.append(r_idx)
        if header is None and titles:  # nothing but one-cell rows: the first is the header after all
            (header_row, header), titles = titles[0], titles[1:]
            rows[:0], numbers[:0] = [t for _, t in titles], [n for n, _ in titles]
    finally:
        wb.close()
    formulas: list[tuple[int, int, str]] = []
    if info.has_formulas:
        seen = dict(zip(numbers, rows, strict=True))
        if header is not None:
            seen[header_row] = header
        formulas = uncached_formulas(path, name, seen)
    # rows with nothing in them are dropped here, after the formula check (an uncalculated formula looks empty)
    keep = [i for i, v in enumerate(rows) if v]
    if len(keep) != len(rows):
        index = {old: new for new, old in enumerate(keep)}
        percent = {(index[i], j) for i, j in percent if i in index}
        rows, numbers = [rows[i] for i in keep], [numbers[i] for i in keep]
    return RawTable(path, header or [], rows, numbers, percent, name, header_row, tuple(notes),
                    tuple(formulas), tuple(merged_below(info.merged, header_row)))
