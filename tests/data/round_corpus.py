"""A generated annual round (issue #24): the bundled synthetic demo split into 16 city files, sent the way
offices really send them. Nothing is committed: :func:`make_round` writes the files into a folder.

- 济南市 sends a folder (``济南市/``) holding an XLSX with a title row above the header;
- 青岛市, 济宁市 and 临沂市 send GBK CSV files; 菏泽市 a UTF-8 CSV with a byte-order mark;
- 淄博市 sends the same file twice (byte-identical, another name);
- 潍坊市 sends a file with one wrong value, then ``潍坊市_更正.csv`` with every row right;
- 聊城市 and 枣庄市 never reply;
- 滨州市's file also carries 东营市's first brain with a different L1P1: a conflict;
- 威海市's file also carries 日照市's first brain exactly as 日照市 sent it: an identical duplicate;
- the others send plain XLSX files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
DEMO_CSV = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
SILENT = ("聊城市", "枣庄市")
GBK = ("青岛市", "济宁市", "临沂市")
TITLE = "2025年度产业大脑评估填报表"


def demo() -> tuple[list[str], list[str], list[list[str]]]:
    """Header, the synthetic-data notice row and the data rows of the bundled demo CSV."""
    with open(DEMO_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1], rows[2:]


def by_city(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for r in rows:
        out.setdefault(r[2], []).append(r)
    return out


def _csv(path: Path, header, notice, rows, encoding="utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        w.writerow(notice)
        w.writerows(rows)
    return path


def _typed(value: str, j: int):
    """A cell as Excel holds it: numbers as numbers (the identifier, names and places stay text)."""
    if value == "":
        return None
    if j in (0, 1, 2, 4, 5):
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def _xlsx(path: Path, header, notice, rows, title: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报表 Data"
    if title:
        ws.append([TITLE])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    ws.append(header)
    ws.append([notice[0]])
    for r in rows:
        ws.append([_typed(v, j) for j, v in enumerate(r)])
    wb.save(path)
    return path


def col(header: list[str], code: str) -> int:
    return next(i for i, h in enumerate(header) if h.split()[0] == code)


def make_round(folder: Path) -> dict:
    """Write the round into ``folder``; return what a test should find."""
    header, notice, rows = demo()
    cities = by_city(rows)
    folder.mkdir(parents=True, exist_ok=True)
    j = col(header, "L1P1")
    dongying_first = cities["东营市"][0][0]
    rizhao_first = cities["日照市"][0][0]
    for city, mine in sorted(cities.items()):
        if city in SILENT:
            continue
        if city == "济南市":
            (folder / city).mkdir()
            _xlsx(folder / city / "济南市产业大脑填报.xlsx", header, notice, mine, title=True)
        elif city in GBK:
            _csv(folder / f"{city}.csv", header, notice, mine, encoding="gbk")
        elif city == "菏泽市":
            _csv(folder / f"{city}.csv", header, notice, mine, encoding="utf-8-sig")
        elif city == "淄博市":
            first = _csv(folder / f"{city}.csv", header, notice, mine)
            (folder / f"{city}（重发）.csv").write_bytes(first.read_bytes())
        elif city == "潍坊市":
            wrong = [list(r) for r in mine]
            wrong[0][j] = str(float(wrong[0][j]) * 10)
            _csv(folder / f"{city}.csv", header, notice, wrong)
            _csv(folder / f"{city}_更正.csv", header, notice, mine)
        elif city == "滨州市":
            extra = [list(r) for r in cities["东营市"] if r[0] == dongying_first]
            for r in extra:
                r[j] = str(float(r[j]) + 1)
            _xlsx(folder / f"{city}.xlsx", header, notice, mine + extra)
        elif city == "威海市":
            extra = [list(r) for r in cities["日照市"] if r[0] == rizhao_first]
            _xlsx(folder / f"{city}.xlsx", header, notice, mine + extra)
        else:
            _xlsx(folder / f"{city}.xlsx", header, notice, mine)
    silent_units = sorted({r[0] for c in SILENT for r in cities[c]})
    return {"conflict_unit": dongying_first, "duplicate_unit": rizhao_first, "silent_units": silent_units,
            "all_units": sorted({r[0] for r in rows}), "header": header, "rows": rows}


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    """The roster of the demo's 50 brains (id, name, city, industry), as an XLSX with Chinese headers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位编号", "产业大脑名称", "城市", "产业"])
    seen = set()
    for r in rows:
        if r[0] not in seen:
            seen.add(r[0])
            ws.append([r[0], r[1], r[2], r[5]])
    wb.save(path)
    return path
