"""``collect``'s status page against its workbook, and its publishing (issue #24), on a small round of
the UNDP HDI framework (no year, no region column) in both languages: every table of
``collection.html`` shows what the same sheet of ``collection.xlsx`` holds, cell for cell; the
Chinese page embeds a glyph for every character it shows; a failed publication leaves the earlier
output and every input as they were."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from toolkit import load_framework
from toolkit.data.round import collect as collect_data
from toolkit.reports.collection import SHEETS, collect

from ..reports.audit import font_cmap

HEAD = "iso3,country,LE,EYS,MYS,GNI\n"
NOR, CHE = "NOR,Norway,83.4,18.2,13.0,69190\n", "CHE,Switzerland,84.3,16.6,13.9,69433\n"


class Tables(HTMLParser):
    """The screen tables of a page (the print-only copies left out), each under its section's heading."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list[list[str]]]] = []
        self.heading, self.text, self.divs, self.hidden = "", None, [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "div":
            printed = "print-only" in (dict(attrs).get("class") or "")
            self.divs.append(printed)
            self.hidden += printed
        elif self.hidden:
            return
        elif tag in ("h2", "th", "td"):
            self.text = ""
        elif tag == "table":
            self.found.append((self.heading, []))
        elif tag == "tr":
            self.found[-1][1].append([])

    def handle_endtag(self, tag):
        if tag == "div":
            self.hidden -= self.divs.pop()
        elif self.hidden:
            return
        elif tag == "h2":
            self.heading, self.text = self.text.strip(), None
        elif tag in ("th", "td"):
            self.found[-1][1][-1].append(self.text.strip())
            self.text = None

    def handle_data(self, data):
        if self.text is not None:
            self.text += data


def page_tables(html: str) -> list[tuple[str, list[list[str]]]]:
    parser = Tables()
    parser.feed(html)
    return parser.found


def sheet_rows(path: Path, title: str) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(path)[title].iter_rows(values_only=True)]


def same_cell(page: str, cell) -> bool:
    """A page's cell shows a workbook's cell: empty for empty, the number for a number, else the text."""
    if cell is None:
        return page == ""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return page != "" and float(page) == cell
    return page == str(cell)


@pytest.fixture(scope="module")
def hdi_round(tmp_path_factory):
    """NOR in two files with the same values (a duplicate), CHE in two with different GNI (a
    conflict), DEU once (GBK), ITA in a file with a value that is no number, FRA in no file."""
    d = tmp_path_factory.mktemp("hdi")
    (d / "r").mkdir()
    (d / "r" / "north.csv").write_text(HEAD + NOR + CHE, encoding="utf-8")
    (d / "r" / "west.csv").write_text(HEAD + NOR + "DEU,Germany,80.6,17.3,14.3,55340\n", encoding="gbk")
    (d / "r" / "zz.csv").write_text(HEAD + "CHE,Switzerland,84.3,16.6,13.9,70000\n", encoding="utf-8")
    (d / "r" / "bad.csv").write_text(HEAD + "ITA,Italy,abc,16.0,12.0,40000\n", encoding="utf-8")
    (d / "roster.csv").write_text("iso3,country\nNOR,Norway\nCHE,Switzerland\nDEU,Germany\nITA,Italy\nFRA,France\n",
                                  encoding="utf-8")
    fw = load_framework("undp_hdi")
    return d, {lang: collect(d / "r", d / f"out_{lang}", roster=d / "roster.csv", framework=fw, lang=lang)
               for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_what_the_workbook_holds(hdi_round, lang):
    d, rounds = hdi_round
    i = 0 if lang == "zh" else 1
    out = d / f"out_{lang}"
    tables = page_tables((out / "collection.html").read_text("utf-8"))
    by_heading = {}
    for heading, rows in tables:
        by_heading.setdefault(heading, rows)  # the first table under a heading (problems: one per file)
    for key in ("files", "missing", "conflicts", "duplicates", "units"):
        rows = sheet_rows(out / "collection.xlsx", SHEETS[key][i])
        page = by_heading[SHEETS[key][i]]
        keep = [j for j, h in enumerate(rows[0]) if h in page[0]]  # the page leaves out the link and the hash
        assert page[0] == [rows[0][j] for j in keep], key
        assert len(page) == len(rows), key
        for got, want in zip(page[1:], rows[1:], strict=True):
            assert all(same_cell(g, want[j]) for g, j in zip(got, keep, strict=True)), (key, got, want)
    units = {r[0]: r for r in by_heading[SHEETS["units"][i]][1:]}
    head = by_heading[SHEETS["units"][i]][0]
    empty = head.index("空缺指标数" if lang == "zh" else "Empty indicator cells")
    # NOR and DEU: four indicators, none empty: a whole number (the page showed "0.0" before)
    assert units["NOR"][empty] == units["DEU"][empty] == "0" and units["FRA"][empty] == ""
    # the HDI's descriptive unit columns (region, group, published rank and value) are empty for every
    # country here: not shown
    assert len(head) == 7 and head[1] == ("国家" if lang == "zh" else "Country")
    conflicts = by_heading[SHEETS["conflicts"][i]]
    gni = "GNI 人均国民总收入" if lang == "zh" else "GNI GNI per capita"  # the code, then the framework's name
    assert conflicts[1] == ["CHE", "2022", gni, "north.csv", "3", "69433", "zz.csv", "2", "70000"]
    missing = by_heading[SHEETS["missing"][i]]
    flagged = "（文件有问题）" if lang == "zh" else " (file has problems)"
    assert missing[1][1:] == ["5", "3", "2", f"ITA Italy{flagged}, FRA France"]
    # ITA was sent, in a file the reader refused: not "missing" (the office did reply), and its file named
    status = head.index("状态" if lang == "zh" else "Status")
    assert units["ITA"][status:status + 2] == ["已报送，但文件有问题：未收集" if lang == "zh" else
                                               "sent in a file with problems: not collected", "bad.csv"]
    assert units["FRA"][status:status + 2] == ["缺报" if lang == "zh" else "missing", ""]
    assert rounds[lang].missing == ["FRA"]
    problems = [rows for heading, rows in tables if heading == SHEETS["problems"][i]]
    assert len(problems) == 1 and problems[0][1][:5] == ["2", "C", "C2", "LE", "abc"]


def test_the_chinese_page_has_a_glyph_for_every_character(hdi_round):
    d, _ = hdi_round
    html = (d / "out_zh" / "collection.html").read_text("utf-8")
    text = "".join(cell for _, rows in page_tables(html) for row in rows for cell in row)
    cmap = font_cmap(html)
    cjk = {ch for ch in text if ord(ch) >= 0x2E80}
    assert len(cjk) > 50 and not {ch for ch in cjk if ord(ch) not in cmap}


def test_a_failed_publication_changes_nothing(tmp_path):
    """A writer that fails (a full disk) while the output is staged: the earlier output folder is
    exactly as it was (toolkit.publish.write_folder_atomic), and so are the returns."""
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.csv").write_text(HEAD + NOR, encoding="utf-8")
    fw = load_framework("undp_hdi")
    collect_data(tmp_path / "r", tmp_path / "out", framework=fw)
    (tmp_path / "r" / "b.csv").write_text(HEAD + CHE, encoding="utf-8")

    def snapshot():
        return {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}

    def full_disk(tmp):
        raise OSError(28, "No space left on device")

    before = snapshot()
    with pytest.raises(OSError, match="No space"):
        collect_data(tmp_path / "r", tmp_path / "out", framework=fw,
                     status=lambda rnd: {rnd.out / "collection.html": full_disk})
    assert snapshot() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "r"]  # no staging folder left behind


def test_the_units_of_a_refused_file_come_from_the_cache_on_a_rerun(tmp_path, monkeypatch):
    """The ids a refused file names are kept with its cache entry: a re-run reads no file again
    (read_raw counted) and still says ITA was sent in a file with problems."""
    import toolkit.data.roster as roster

    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "bad.csv").write_text(HEAD + "ITA,Italy,abc,16.0,12.0,40000\n", encoding="utf-8")
    (tmp_path / "roster.csv").write_text("iso3,country\nITA,Italy\nFRA,France\n", encoding="utf-8")
    calls = []
    real = roster.read_raw
    monkeypatch.setattr(roster, "read_raw", lambda path, *a, **k: calls.append(Path(path).name) or real(path, *a, **k))
    fw = load_framework("undp_hdi")
    runs = []
    for _ in range(2):
        calls.clear()
        rnd = collect_data(tmp_path / "r", tmp_path / "out", roster=tmp_path / "roster.csv", framework=fw)
        runs.append((sorted(calls), rnd.returns[0].cached, dict(zip(rnd.units["unit_id"], rnd.units["status"], strict=True))))
    want = {"ITA": "invalid", "FRA": "missing"}
    assert runs == [(["bad.csv", "roster.csv"], False, want), (["roster.csv"], True, want)]
