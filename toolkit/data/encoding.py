"""The text encoding of a CSV return: UTF-16 with its byte-order mark, UTF-8 with or without BOM,
else GB18030 (a superset of GBK and GB2312), found by decoding the whole file in blocks.

A file that claims UTF-8 (a byte-order mark, or a UTF-8 header) but is not UTF-8 further on is
refused, naming the line and the encoding it seems to be in: read under another encoding it
would be garbled text.
"""

from __future__ import annotations

from pathlib import Path

from ..safe_yaml import TEXT_ENCODINGS
from .problems import Problem, ValidationError

ENCODINGS = TEXT_ENCODINGS  # gb18030 is a superset of GBK and GB2312


def detect_encoding(path: Path) -> str:
    """The encoding that reads the whole file (UTF-16 with its byte-order mark; UTF-8 with or
    without BOM, else GB18030), found by decoding it in blocks, so the decoded text is never
    held whole. A file whose first bytes claim UTF-8 (a UTF-8 byte-order mark) or whose header
    is UTF-8 is refused when the rest is not UTF-8, saying which encoding it seems to be in."""
    import codecs

    with open(path, "rb") as fh:
        start = fh.read(4096)
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and _is_text(path, "utf-16"):
        return "utf-16"  # Excel's "Unicode text": the byte-order mark says so
    failed: dict[str, int] = {}
    for enc in ENCODINGS:
        decoder = codecs.getincrementaldecoder(enc)()
        done = 0
        try:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
                    done += len(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            failed[enc] = done + exc.start
            continue
        if enc != ENCODINGS[0] and ENCODINGS[0] in failed:
            _claims_utf8(path, start, failed[ENCODINGS[0]])
        return enc
    _claims_utf8(path, start, failed[ENCODINGS[0]])
    raise ValidationError([Problem(str(path), None, None, None, "encoding",
                                   "文件编码既不是UTF-8、带BOM的UTF-16，也不是GBK/GB18030",
                                   "file is neither UTF-8, UTF-16 with a byte-order mark, nor GBK/GB18030")],
                          str(path))


def _claims_utf8(path: Path, start: bytes, bad_at: int) -> None:
    """Refuse a file that says it is UTF-8 (a byte-order mark, or a header in UTF-8 with
    characters beyond ASCII) but is not UTF-8 at byte ``bad_at``: it would be read as garbled
    text under another encoding."""
    import codecs

    bom = start.startswith(codecs.BOM_UTF8)
    first = start.split(b"\n", 1)[0]
    header_utf8 = not first.isascii() and b"\n" in start and _decodes(first, "utf-8-sig")
    if not bom and not header_utf8:
        return
    with open(path, "rb") as fh:
        before = fh.read(bad_at)
        line = before.count(b"\n") + 1
        bad = (before.rsplit(b"\n", 1)[-1] + fh.read(1 << 16)).split(b"\n", 1)[0]
    gbk = _decodes(bad.removeprefix(codecs.BOM_UTF8), "gb18030")
    name, name_zh = ("GBK/GB18030", "GBK/GB18030") if gbk else ("an unknown encoding", "未知")
    if bom and not _decodes(first, "utf-8-sig"):
        zh = (f"文件开头有 UTF-8 标记（BOM），但表头（第 1 行）不是 UTF-8 文本，看起来是 {name_zh} 编码：请在 Excel 或 WPS 中打开后"
              "“另存为”→“CSV UTF-8（逗号分隔）”，或用记事本“另存为”选择编码 UTF-8")
        en = (f"the file starts with a UTF-8 byte-order mark, but its header (line 1) is not UTF-8: it seems to be "
              f"{name}. Open it in Excel or WPS and Save As \"CSV UTF-8 (Comma delimited)\", or save it as UTF-8 in "
              "a text editor")
    else:
        zh = (f"文件的表头是 UTF-8{'（带 BOM）' if bom else ''}，但第 {line} 行不是 UTF-8 文本，看起来是 {name_zh} 编码（两种编码混在一个文件中）："
              "请在 Excel 或 WPS 中打开，检查该行后“另存为”→“CSV UTF-8（逗号分隔）”")
        en = (f"the file's header is UTF-8{' (with a byte-order mark)' if bom else ''}, but line {line} is not UTF-8: "
              f"it seems to be {name} (two encodings in one file). Open it in Excel or WPS, check that line, and "
              "Save As \"CSV UTF-8 (Comma delimited)\"")
    raise ValidationError([Problem(str(path), line, None, None, "encoding", zh, en)], str(path))


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _is_text(path: Path, encoding: str) -> bool:
    """True when the whole file decodes in ``encoding`` to text without control characters
    (tab, CR and LF apart) or the non-characters U+FFFE/U+FFFF: two bytes that look like a
    UTF-16 byte-order mark do not make binary data text."""
    import codecs
    import re

    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                if control.search(decoder.decode(block)):
                    return False
        return not control.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False

