"""A generated corpus of hostile but realistic inputs (issue #11): files as offices really send
them and mistakes analysts really make. Nothing here is committed as data: every file is
written by the code below into a temporary folder when the test runs.

Each :class:`Case` writes its files into a folder and returns the command line to run; it
states the exit code expected and the text (row, column, key, file) the message must name.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEMO_CSV = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
DEMO_XLSX = ROOT / "data" / "raw" / "demo_synthetic_returns.xlsx"
FRAMEWORK = ROOT / "toolkit" / "frameworks" / "shandong_industrial_brain.yaml"
SPEC = ROOT / "configs" / "default.yaml"


def load_yaml(text: str):
    """``yaml.safe_load`` through libyaml where PyYAML has it (the framework file takes 0.1 CPU-s in
    the pure-Python loader, and the corpus is built in every process that collects this folder)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass
class Case:
    name: str
    build: Callable[[Path, Path], list[str]]  # (case folder, shared outputs folder) → argv
    exit: int
    named: tuple[str, ...] = ()
    registry: bool = False  # a spec check of the methods registry (its own parametrised test)
    writes: str | None = None  # the outputs folder the command writes into ("prepare" / "index")
    check: Callable[[Path, Path], None] | None = field(default=None, repr=False)


def demo_rows() -> tuple[list[str], list[list[str]]]:
    with open(DEMO_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [r for r in rows[1:] if not r[0].startswith("#")][:6]


#: units of :func:`small_demo` (each with its five years). What the cases that build an index prove
#: (a spec is read, where the files land, earlier outputs kept, an input never written) does not
#: depend on the size of the return; the index of the 50-unit demo costs three times as much, most
#: of it writing a results workbook of 90,000 cells.
SMALL_UNITS = 3


@functools.cache
def small_demo_bytes() -> bytes:
    """The demo return (its header and synthetic-data note) cut to the rows of its first
    :data:`SMALL_UNITS` units, every year of each."""
    lines = DEMO_CSV.read_bytes().splitlines(keepends=True)
    units = []
    for line in lines[1:]:
        unit = line.split(b",", 1)[0]
        if not line.startswith(b"#") and unit not in units:
            units.append(unit)
    keep = set(units[:SMALL_UNITS])
    return b"".join(lines[:1] + [ln for ln in lines[1:] if ln.startswith(b"#") or ln.split(b",", 1)[0] in keep])


def small_demo(path: Path) -> Path:
    """Write :func:`small_demo_bytes` to ``path``."""
    path.write_bytes(small_demo_bytes())
    return path


def col(header: list[str], code: str) -> int:
    return next(i for i, h in enumerate(header) if h.split()[0] == code)


def write_csv(path: Path, header, rows, encoding="utf-8", newline="\n") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)
    return path


def csv_case(name, edit, named, exit=1, encoding="utf-8", check=None) -> Case:
    """A return built from six demo rows after ``edit(header, rows)``, run through ``prepare``
    into the shared outputs folder (which holds the outputs of a valid ``return.csv``)."""
    def build(d: Path, outs: Path) -> list[str]:
        header, rows = demo_rows()
        header, rows = list(header), [list(r) for r in rows]
        edit(header, rows)
        path = write_csv(d / "return.csv", header, rows, encoding)
        return ["prepare", str(path), "--out", str(outs / "prepare"), "--lang", "en"]
    return Case(name, build, exit, named, writes="prepare", check=check)


def cell(code: str, value: str, row: int = 0):
    def edit(header, rows):
        rows[row][col(header, code)] = value
    return edit


def raw_case(name, content: bytes | None, named, suffix=".csv", exit=1) -> Case:
    def build(d: Path, outs: Path) -> list[str]:
        path = d / f"return{suffix}"
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content)
        return ["prepare", str(path), "--out", str(outs / "prepare"), "--lang", "en"]
    return Case(name, build, exit, named, writes="prepare")


#: data rows of the workbook cases, as the CSV cases (:func:`demo_rows`)
XLSX_ROWS = 6


@functools.cache
def demo_workbook_bytes() -> bytes:
    """The demo workbook cut to its header, its synthetic-data note and its first :data:`XLSX_ROWS`
    rows, built once per process. What a workbook case proves is in the cells it edits (rows 3–5)
    and in its sheets; loading and saving the other 244 rows with openpyxl for every case was most
    of the corpus's CPU, and the reader then read them again."""
    wb = openpyxl.load_workbook(DEMO_XLSX)
    ws = wb.worksheets[0]
    assert str(ws["A2"].value).startswith("# SYNTHETIC")  # rows 1–2: header and note; data from row 3
    ws.delete_rows(3 + XLSX_ROWS, ws.max_row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def demo_workbook() -> openpyxl.Workbook:
    """A fresh, editable copy of :func:`demo_workbook_bytes`."""
    return openpyxl.load_workbook(io.BytesIO(demo_workbook_bytes()))


def xlsx_case(name, edit, named, exit=1, post=None) -> Case:
    """A workbook of the demo's first rows (:func:`demo_workbook`) after ``edit(wb)`` (and
    ``post(path)`` on the saved file), run through ``validate``."""
    def build(d: Path, outs: Path) -> list[str]:
        path = d / "return.xlsx"
        wb = demo_workbook()
        edit(wb)
        wb.save(path)
        if post:
            post(path)
        return ["validate", str(path), "--lang", "en"]
    return Case(name, build, exit, named)


def xcol(ws, code: str) -> int:
    return next(i for i, c in enumerate(ws[1], start=1) if str(c.value).split()[0] == code)


def xcell(code: str, value, fmt: str | None = None, row: int = 3):
    def edit(wb):
        ws = wb.worksheets[0]
        c = ws.cell(row, xcol(ws, code))
        c.value = value
        if fmt:
            c.number_format = fmt
    return edit


def old_copy(hidden=True, rename=None):
    def edit(wb):
        ws = wb.worksheets[0]
        old = wb.copy_worksheet(ws)
        old.title = "2023 copy"
        wb.move_sheet(old, offset=-1)
        if hidden:
            old.sheet_state = "hidden"
        if rename:
            ws.title = rename
    return edit


def titled(l1p1):
    """A merged title row inserted above the header; ``l1p1`` typed in the first data row."""
    def edit(wb):
        ws = wb.worksheets[0]
        j = xcol(ws, "L1P1")
        ws.insert_rows(1)
        ws["A1"] = "2025年度产业大脑评估填报表"
        ws.merge_cells("A1:H1")
        if l1p1 is not None:
            ws.cell(4, j, l1p1)
    return edit


def spec_case(name, text: str | bytes | None, named, exit=1, registry=False, out=True, check=None) -> Case:
    def build(d: Path, outs: Path) -> list[str]:
        spec = d / "spec.yaml"
        if isinstance(text, bytes):
            spec.write_bytes(text)
        elif text is not None:
            spec.write_text(text, "utf-8")
        argv = ["index", str(small_demo(d / "demo.csv")), "--spec", str(spec), "--lang", "en"]
        return argv + (["--out", str(outs / "index")] if out else [])
    return Case(name, build, exit, named, registry=registry, writes="index" if out else None, check=check)


def framework_case(name, edit, named, exit=1) -> Case:
    def build(d: Path, outs: Path) -> list[str]:
        text = FRAMEWORK.read_text("utf-8")
        path = d / "framework.yaml"
        if callable(edit):
            doc = load_yaml(text)
            edit(doc)
            path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
        else:
            path.write_text(edit, "utf-8")
        return ["validate", str(DEMO_CSV), "--framework", str(path), "--lang", "en"]
    return Case(name, build, exit, named)


def cli_case(name, argv: list[str], exit: int, named=()) -> Case:
    def build(d: Path, outs: Path) -> list[str]:
        (d / "afile").write_text("an existing file", "utf-8")
        return [a.replace("{d}", str(d)).replace("{outs}", str(outs)) for a in argv]
    return Case(name, build, exit, tuple(named))


def _resaved(encoding: str, delimiter: str, l1p1: str | None) -> bytes:
    """The demo return as Excel saves it as "Unicode text" or in a decimal-comma locale, with
    the first L1P1 cell replaced by ``l1p1``."""
    import io

    header, rows = demo_rows()
    rows = [list(r) for r in rows]
    if l1p1 is not None:
        rows[0][col(header, "L1P1")] = l1p1
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode(encoding)


def _set_id(i: int, uid: str):
    """Row ``i`` of the six gets the unit id ``uid`` (its year is the first row's)."""
    def edit(header, rows):
        rows[i][col(header, "unit_id")] = uid
    return edit


def _ordinal(doc):
    def walk(node):
        if node.get("type") == "ordinal":
            return node
        for kid in node.get("children") or []:
            found = walk(kid)
            if found:
                return found
    return walk(doc["root"])


def _laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + f"\nname: *a{levels - 1}\n"


def _ragged(header, rows):
    rows[1].append("extra")


def _dup_column(header, rows):
    header.append(header[col(header, "L1P1")])
    for r in rows:
        r.append("1")


def _drop(code):
    def edit(header, rows):
        j = col(header, code)
        del header[j]
        for r in rows:
            del r[j]
    return edit


def _header(code, new):
    def edit(header, rows):
        header[col(header, code)] = new
    return edit


def _dup_unit_year(header, rows):
    rows[2][col(header, "unit_id")] = rows[1][col(header, "unit_id")]
    rows[2][col(header, "year")] = rows[1][col(header, "year")]


def _only_header(header, rows):
    rows.clear()


def _neutralised(d: Path, outs: Path) -> None:
    text = (outs / "prepare" / "return.csv").read_text("utf-8")
    assert "'=cmd|" in text and "\n=cmd" not in text and ",=cmd" not in text


def _inside(d: Path, outs: Path) -> None:
    """Every file the run wrote is inside <cwd>/data/processed (the case folder is the cwd)."""
    base = (d / "data" / "processed").resolve()
    written = [p for p in d.rglob("*") if p.is_file() and p not in (d / "spec.yaml", d / "demo.csv")]
    assert len(written) >= 10 and all(base in p.resolve().parents for p in written), written


def cases() -> list[Case]:
    fw_doc = load_yaml(FRAMEWORK.read_text("utf-8"))
    ordinal = _ordinal(fw_doc)["code"]
    big = "x" * 10_000
    out: list[Case] = [
        # -- data files: cells --------------------------------------------------------------
        csv_case("text in a number cell", cell("L1P1", "abc"), ("row", "2", "L1P1")),
        csv_case("12 15 is not 1215", cell("L1P5", "12 15"), ("L1P5", "12 15")),
        csv_case("1e309", cell("L1P1", "1e309"), ("L1P1", "too large")),
        csv_case("400 digits", cell("L1P2", "9" * 400), ("L1P2", "too large")),
        csv_case("-1e400", cell("L1P9", "-1e400"), ("L1P9",)),
        csv_case("12% in an amount", cell("L1P1", "12%"), ("L1P1", "not a share")),
        csv_case("unit 家 in an amount", cell("L1P1", "100 家"), ("L1P1", "remove the unit")),
        csv_case("unit 亿元 in a count", cell("L1P5", "675 亿元"), ("L1P5", "remove the unit")),
        csv_case("10,000 characters", cell("L1P1", big), ("L1P1",)),
        csv_case("#N/A as unit id", cell("unit_id", "#N/A", 2), ("unit_id", "4")),
        csv_case("#REF! as city", cell("city", "#REF!"), ("city", "#REF!")),
        csv_case("#DIV/0! in a share", cell("L1P3", "#DIV/0!"), ("L1P3",)),
        csv_case("negative count", cell("L1P7", "-2"), ("L1P7", "negative")),
        csv_case("share of 130", cell("L1P3", "130"), ("L1P3", "0–100")),
        csv_case("abolished city code", cell("city_code", "371200"), ("city_code",)),
        csv_case("year 1899", cell("year", "1899"), ("year", "1899")),
        csv_case("year with text", cell("year", "二〇二四"), ("year",)),
        csv_case("checklist item 2", cell("L3P1_E1", "2"), ("L3P1_E1",)),
        csv_case("rubric level 9", cell(ordinal, "9"), (ordinal,)),
        csv_case("range instead of a number", cell("L1P1", "100-200"), ("L1P1",)),
        csv_case("about 100", cell("L1P1", "约100"), ("L1P1",)),
        csv_case("1,23,4", cell("L1P5", "1,23,4"), ("L1P5",)),
        csv_case("true in an amount", cell("L1P1", "true"), ("L1P1",)),
        csv_case("city name unknown", cell("city", "火星市"), ("city",)),
        csv_case("city and code disagree", cell("city", "青岛市"), ("city",)),
        csv_case("unit id typed in lower case", _set_id(1, "sd-b001"), ("unit_id", "3")),
        csv_case("unit id with a stray space", _set_id(1, "SD-B 001"), ("unit_id", "3")),
        csv_case("duplicate unit-year", _dup_unit_year, ("unit_id", "4")),
        csv_case("cross-field rule", cell("L1P6", "99999", row=1), ("L1P6",)),  # row 0 leaves L1P5 blank
        csv_case("missing required value", cell("brain_name", ""), ("brain_name", "2")),
        # -- data files: headers and structure --------------------------------------------------
        csv_case("unknown column", lambda h, r: (h.append("备注"), [x.append("") for x in r]), ("备注",)),
        csv_case("column given twice", _dup_column, ("L1P1", "twice")),
        csv_case("required column missing", _drop("L4P2"), ("L4P2",)),
        csv_case("code and name disagree", _header("L1P1", "L1P1 产业布局"), ("L1P1",)),
        csv_case("header unit not convertible", _header("L1P1", "L1P1 产业规模（家）"), ("L1P1",)),
        csv_case("computed indicator as a column", _header("L3P1_E1", "L3P1"), ("L3P1",)),
        csv_case("10,000-character header", _header("L1P1", "y" * 10_000), ("yyyy",)),
        csv_case("ragged row", _ragged, ("column 53", "3")),
        csv_case("header only", _only_header, ("no data rows",)),
        csv_case("GBK file with a bad cell", cell("L1P1", "abc"), ("L1P1",), encoding="gbk"),
        csv_case("formula injection in a name", cell("brain_name", "=cmd|' /C calc'!A0"), (), exit=0,
                 check=_neutralised),
        csv_case("quoted newline in a name", cell("brain_name", "济南\n产业大脑"), ("brain_name", "line 2", "line 3")),
        raw_case("empty file", b"", ("empty",)),
        raw_case("UTF-16 tab-separated (Excel Unicode text) with a bad cell", _resaved("utf-16", "\t", "abc"),
                 ("L1P1",)),
        raw_case("semicolon-separated with a decimal comma", _resaved("utf-8", ";", "133,7"), ("L1P1",)),
        raw_case("tab-separated GBK, valid", _resaved("gbk", "\t", None), (), exit=0),
        raw_case("binary garbage", b"\xff\xfe\x00\x81\x30\x00\xff" * 50, ("UTF-8",)),
        raw_case("NUL byte", DEMO_CSV.read_bytes().replace(b"133.71", b"13\x003.71", 1), ("L1P1",)),
        raw_case("a cell longer than the CSV limit", DEMO_CSV.read_bytes().replace(b"133.71", b"1" * 200_000, 1),
                 ("CSV",)),
        raw_case("a JSON file", b"{}", (".csv",), suffix=".json"),
        raw_case("a folder instead of a file", None, ("folder",)),
        raw_case("CSV text named .xlsx", DEMO_CSV.read_bytes(), ("workbook",), suffix=".xlsx"),
        raw_case("truncated workbook", DEMO_XLSX.read_bytes()[:3000], ("workbook",), suffix=".xlsx"),
        # -- workbooks -----------------------------------------------------------------------------
        xlsx_case("hidden first sheet", old_copy(), (), exit=0),
        xlsx_case("hidden first sheet, data sheet renamed", old_copy(rename="Sheet1"), (), exit=0),
        xlsx_case("two visible sheets", old_copy(hidden=False, rename="Sheet1"), ("2023 copy", "Sheet1")),
        xlsx_case("formula without a cached value", xcell("L1P1", "=100+33.71"), ("Excel", "3")),
        xlsx_case("formula in the year", xcell("year", "=2000+24"), ("Excel", "year")),
        xlsx_case("title row above the header, bad cell below", titled("abc"), ("L1P1", "4")),
        xlsx_case("title row above the header, valid", titled(None), (), exit=0),
        xlsx_case("% format on an amount", xcell("L1P1", 0.12, "0%"), ("L1P1", "percentage")),
        xlsx_case("% format on a count", xcell("L1P5", 0.12, "0.0%"), ("L1P5",)),
        xlsx_case("#N/A first cell", xcell("unit_id", "#N/A", row=4), ("unit_id", "4")),
        xlsx_case("TRUE in an amount", xcell("L1P1", True), ("L1P1",)),
        xlsx_case("a date in an amount", xcell("L1P1", __import__("datetime").datetime(2024, 1, 1)), ("L1P1",)),
        # -- specifications --------------------------------------------------------------------------
        spec_case("unknown top-level key", "normalisaton: {method: minmax}\n", ("normalisaton",)),
        spec_case("a section given twice", SPEC.read_text("utf-8") + "\nnormalisation:\n  method: zscore\n",
                  ("normalisation", "twice")),
        spec_case("a key given twice inside a section",
                  SPEC.read_text("utf-8").replace("weights:\n", "weights:\n  index: {method: entropy}\n", 1),
                  ("weights.index", "twice")),
        spec_case("unknown method", "aggregation: {index: {method: median}}\n", ("aggregation.index.method",)),
        spec_case("billion laughs", _laughs(9), ("aliases",)),
        spec_case("recursive alias", "a: &a [*a]\nname: x\n", ("aliases",)),
        spec_case("3 MB spec", "name: big\ndescription: " + "x" * 3_000_000 + "\n", ("too large",)),
        spec_case("not a mapping", "- a\n- b\n", ("mapping",)),
        spec_case("broken YAML", "name: [\n", ("not valid YAML",)),
        spec_case("spec in no known encoding", b"name: \xff\xfe\x81\x30\xff\n", ("UTF-8",)),
        spec_case("spec_version 2", "spec_version: 2\n", ("spec_version",)),
        spec_case("years not a list", "years: 2024\n", ("years",)),
        spec_case("imputation.by without a group method", "imputation: {method: median, by: city}\n",
                  ("imputation.by",)),
        spec_case("outliers.skip unknown code", "outliers: {skip: [L9P9]}\n", ("L9P9",)),
        spec_case("override of an unknown node", "normalisation: {overrides: {L9: {method: rank}}}\n", ("L9",)),
        spec_case("typo in params", "normalisation: {method: minmax, params: {lowr: 1}}\n", ("lowr",)),
        spec_case("spec file missing", None, ("not found",)),
        spec_case("GBK spec", "name: 测试\ndescription: 山东\n".encode("gbk"), (), exit=0),
        spec_case("name escapes the output folder", "name: ../../../../escaped\n", (), exit=0, out=False, check=_inside),
        spec_case("name with markup", "name: '<script>alert(1)</script>'\n", (), exit=0, out=False, check=_inside),
        spec_case("manual weight for an unknown node",
                  "weights: {index: {method: manual, values: {L1: 1, L2: 1, L3: 1, L4: 1, L5: 1, L6: 1}}}\n",
                  ("L6",), registry=True),
        spec_case("1/3 as a manual weight",
                  "weights: {index: {method: manual, values: {L1: 1/3, L2: 1, L3: 1, L4: 1, L5: 1}}}\n",
                  (), exit=0, registry=True),  # the registry reads simple fractions (#11 allows either)
        spec_case("kNN with k 0", "imputation: {method: knn, params: {k: 0}}\n", ("k",), registry=True),
        # -- frameworks --------------------------------------------------------------------------------
        framework_case("typo in a rubric", lambda d: _ordinal(d)["rubric"][0].update(vaule=_ordinal(d)["rubric"][0]
                                                                                     .pop("value")),
                       (ordinal, "rubric", "value")),
        framework_case("rubric level not a number", lambda d: _ordinal(d)["rubric"][0].update(value="two"),
                       (ordinal, "value")),
        framework_case("framework billion laughs", _laughs(9), ("aliases",)),
        framework_case("framework not YAML", "root: [\n", ("YAML",)),
        framework_case("framework key given twice", FRAMEWORK.read_text("utf-8") + "\nid: other\n", ("'id'", "twice")),
        # -- everyday command-line mistakes ------------------------------------------------------------
        cli_case("reports --only NOPE-404", ["reports", "--data", str(DEMO_CSV), "--spec", str(SPEC), "--only",
                                             "NOPE-404", "--out", "{d}/r", "--lang", "en"], 2, ["NOPE-404"]),
        cli_case("reports --year 1999", ["reports", "--data", str(DEMO_CSV), "--spec", str(SPEC), "--year", "1999",
                                         "--out", "{d}/r"], 2, ["1999"]),
        cli_case("reports with a missing spec", ["reports", "--data", str(DEMO_CSV), "--spec", "{d}/none.yaml",
                                                 "--out", "{d}/r", "--lang", "en"], 1, ["none.yaml", "not found"]),
        cli_case("prepare --out is a file", ["prepare", str(DEMO_CSV), "--out", "{d}/afile", "--lang", "en"], 1,
                 ["not a folder"]),
        cli_case("demo --years abc", ["demo", "--years", "abc", "--out", "{d}/demo"], 2, ["--years"]),
        cli_case("index of a missing parquet", ["index", "{d}/nope.parquet", "--out", "{d}/i", "--lang", "en"], 1,
                 ["nope.parquet"]),
        cli_case("framework name unknown", ["framework", "--framework", "no_such_framework"], 1,
                 ["no_such_framework"]),
    ]
    return out
