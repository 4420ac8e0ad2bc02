"""``collect`` (issue #24) on a generated round: the demo split into 16 city files with realistic variety
(tests/data/round_corpus.py). The merged data must equal the demo's values, the status must name every
file, conflict, copy, correction and missing office, and no input may change (bytes and times)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from toolkit import load_framework, read_indicators
from toolkit.cli import main
from toolkit.errors import UsageError
from toolkit.publish.guard import InputClash
from toolkit.reports.collection import collect

from ..xlsx_peek import sheet_rows
from .round_corpus import DEMO_CSV, SILENT, _csv, col, demo, make_round, write_roster


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time (ns)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def round_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("round")
    facts = make_round(d / "returns")
    roster = write_roster(d / "roster.xlsx", facts["rows"])
    inputs = {**snapshot(d / "returns"), "roster.xlsx": (roster.read_bytes(), roster.stat().st_mtime_ns)}
    rnd = collect(d / "returns", d / "out", roster=roster, lang="en")
    return d, facts, rnd, inputs


def sheet(path: Path, title: str) -> pd.DataFrame:
    rows = sheet_rows(path, title)  # only this sheet is parsed (tests/xlsx_peek.py)
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_merged_data_equal_the_demo_values(round_run):
    d, facts, rnd, _ = round_run
    demo_table = read_indicators(DEMO_CSV).table
    left_out = set(facts["silent_units"]) | {facts["conflict_unit"]}
    want = demo_table[~demo_table["unit_id"].isin(left_out)].sort_values(["unit_id", "year"]).reset_index(drop=True)
    got = pd.read_parquet(d / "out" / "collected.parquet")
    assert len(got) == len(want) == 5 * (50 - len(left_out))  # 50 brains × 5 years
    assert got[["unit_id", "year"]].equals(want[["unit_id", "year"]].astype(got[["unit_id", "year"]].dtypes))
    fw = load_framework()
    np.testing.assert_allclose(got[fw.columns].to_numpy(float), want[fw.columns].to_numpy(float), rtol=1e-12)
    for c in ("brain_name", "city", "city_code", "industry"):
        assert got[c].astype(str).tolist() == want[c].astype(str).tolist()
    # provenance per row: the file and its sha256; the duplicate brain is kept once, from the first file
    # in folder order (威海市.xlsx sorts before 日照市.xlsx)
    assert set(got["source_file"]) >= {"济南市/济南市产业大脑填报.xlsx", "潍坊市_更正.csv", "青岛市.csv"}
    assert "潍坊市.csv" not in set(got["source_file"]) and "淄博市（重发）.csv" not in set(got["source_file"])
    dup = got[got["unit_id"] == facts["duplicate_unit"]]
    assert dup["source_file"].unique().tolist() == ["威海市.xlsx"]
    sha = {r.name: r.sha256 for r in rnd.returns}
    assert all(sha[f] == s for f, s in zip(got["source_file"], got["source_sha256"], strict=True))
    meta = json.loads((d / "out" / "collected.meta.json").read_text("utf-8"))
    assert meta["synthetic"] is True and meta["rows"] == len(got) and len(meta["sources"]) == 16


def test_the_collected_data_go_on_to_index_as_prepared_data(round_run):
    from toolkit.data.prepare import load_processed

    d, *_ = round_run
    data = load_processed(d / "out" / "collected.parquet")
    assert "source_file" not in data.table.columns and data.is_synthetic
    assert data.values(2025).shape == (45, 46)


def test_the_status_workbook_names_every_file_and_what_became_of_it(round_run):
    d, facts, rnd, _ = round_run
    files = sheet(d / "out" / "collection.xlsx", "Files")
    assert len(files) == 16  # 14 offices, one file sent twice, one correction
    status = dict(zip(files["File"], files["Status"], strict=True))
    assert status["潍坊市.csv"] == "replaced by the correction 潍坊市_更正.csv"
    assert status["潍坊市_更正.csv"] == "correction: replaces every row of 潍坊市.csv"
    assert status["淄博市（重发）.csv"] == "byte-identical to 淄博市.csv (sent twice): read once"
    assert status["济南市/济南市产业大脑填报.xlsx"] == "collected"
    row = files.set_index("File").loc["济南市/济南市产业大脑填报.xlsx"]
    assert (row["Office"], row["Rows"], row["Units"], row["Years"], row["Problems"]) == ("济南市", 30, 6, "2021, 2022, 2023, 2024, 2025", 0)
    assert files.set_index("File").loc["青岛市.csv", "Rows"] == 35  # GBK: 7 brains × 5 years
    assert files.set_index("File").loc["滨州市.xlsx", "Rows"] == 15  # its 2 brains × 5 years and 东营市's brain
    assert files["Received (file time)"].str.match(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
    assert (files["SHA-256"].str.len() == 64).all()


def test_the_conflict_is_named_with_both_files_rows_and_values(round_run, capsys):
    d, facts, rnd, _ = round_run
    conflicts = sheet(d / "out" / "collection.xlsx", "Conflicts")
    uid = facts["conflict_unit"]
    assert set(conflicts["Unit id"]) == {uid} and set(conflicts["Column"]) == {"L1P1 Industry scale"}  # the code and the framework's name
    first = conflicts[conflicts["Year"] == 2024].iloc[0]
    rows = [r for r in facts["rows"] if r[0] == uid and r[6] == "2024"]
    # the rows run year by year from row 3: 东营市 and 滨州市 have 2 brains each (5 years), 东营市's brain
    # follows 滨州市's own 10 rows; 2024 is the 4th year
    assert (first["File A"], first["Row A"], first["File B"], first["Row B"]) == \
        ("东营市.xlsx", 3 + 3 * 2, "滨州市.xlsx", 3 + 2 * 5 + 3)
    assert first["Value A"] == pytest.approx(float(rows[0][7])) and first["Value B"] == pytest.approx(float(rows[0][7]) + 1)
    units = sheet(d / "out" / "collection.xlsx", "Units").set_index("Unit id")
    assert units.loc[uid, "Status"] == "conflict: not merged"
    assert rnd.exit_code == 1
    duplicates = sheet(d / "out" / "collection.xlsx", "Duplicates")
    assert set(duplicates["Unit id"]) == {facts["duplicate_unit"]} and set(duplicates["File"]) == {"日照市.xlsx"}


def test_the_missing_offices_are_listed_by_city(round_run):
    d, facts, rnd, _ = round_run
    missing = sheet(d / "out" / "collection.xlsx", "Missing by region").set_index("City")
    assert missing.loc["Zaozhuang", "Missing"] == 2 and missing.loc["Liaocheng", "Missing"] == 2
    assert missing["Missing"].sum() == 4
    assert sorted(rnd.missing) == facts["silent_units"]
    for uid in facts["silent_units"]:
        assert uid in missing.loc["Zaozhuang", "Missing units"] + missing.loc["Liaocheng", "Missing units"]
    units = sheet(d / "out" / "collection.xlsx", "Units")
    assert len(units) == 50 and (units["Status"] == "missing").sum() == 4
    # empty indicator cells per unit, counted independently in the demo CSV's rows (SD-B001: 7)
    fw = load_framework()
    cols = [col(facts["header"], c) for c in fw.columns]
    gaps = {}
    for r in facts["rows"]:
        gaps[r[0]] = gaps.get(r[0], 0) + sum(r[j] == "" for j in cols)
    received = units[units["Status"] == "received"].set_index("Unit id")
    assert len(received) == 45 and received["Empty indicator cells"].to_dict() == {u: gaps[u] for u in received.index}
    assert received.loc["SD-B001", "Empty indicator cells"] == 7
    assert received["Complete"].to_dict() == {u: "yes" if gaps[u] == 0 else "no" for u in received.index}
    html = (d / "out" / "collection.html").read_text("utf-8")
    assert "Zaozhuang" in html and "SD-B033" in html and "滨州市.xlsx" in html
    assert "<td>7</td><td>no</td>" in html and "<td>7.0</td>" not in html  # SD-B001's empty cells, whole
    assert 'class="synthetic"' in html  # the demo says it is synthetic; so does its status page


def test_no_input_is_changed(round_run):
    d, facts, rnd, inputs = round_run
    after = {**snapshot(d / "returns"), "roster.xlsx": ((d / "roster.xlsx").read_bytes(),
                                                       (d / "roster.xlsx").stat().st_mtime_ns)}
    assert after == inputs


def test_a_rerun_reads_nothing_again_and_gives_the_same_data(round_run, monkeypatch):
    d, facts, rnd, inputs = round_run
    import toolkit.data.read as read

    calls = []
    real = read.read_indicators
    monkeypatch.setattr(read, "read_indicators", lambda *a, **k: calls.append(a) or real(*a, **k))
    before = pd.read_parquet(d / "out" / "collected.parquet")
    again = collect(d / "returns", d / "out", roster=d / "roster.xlsx", lang="en")
    assert calls == [] and all(r.cached for r in again.returns if r.status != "copy")
    after = pd.read_parquet(d / "out" / "collected.parquet")
    pd.testing.assert_frame_equal(before, after)
    assert again.revisions == []
    assert snapshot(d / "returns") == {k: v for k, v in inputs.items() if k != "roster.xlsx"}


def test_a_changed_file_is_read_again(tmp_path, monkeypatch):
    """Reads counted at the reader: two files read cold, none again unchanged, only the changed one after."""
    import toolkit.data.read as read
    from toolkit.data.round import collect as collect_data

    read_paths = []
    real = read.read_indicators
    monkeypatch.setattr(read, "read_indicators", lambda path, *a, **k: read_paths.append(Path(path).name) or
                        real(path, *a, **k))
    header, notice, rows = demo()
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "a.csv", header, notice, rows[:4])
    _csv(tmp_path / "r" / "b.csv", header, notice, rows[10:12])
    reads = []
    for change in (None, None, rows[:6]):
        if change:
            _csv(tmp_path / "r" / "a.csv", header, notice, change)
        read_paths.clear()
        rnd = collect_data(tmp_path / "r", tmp_path / "out")
        reads.append(sorted(read_paths))
    assert reads == [["a.csv", "b.csv"], [], ["a.csv"]]
    assert [r.cached for r in rnd.returns] == [False, True] and len(rnd.table) == 8


def test_one_bad_file_is_reported_and_the_others_collected(tmp_path):
    """Every data-file class of the reader's hostile corpus (tests/hostile/corpus.py) dropped into one
    folder beside a good return: each is reported with its problems; the good one is collected."""
    from ..hostile.corpus import cases

    folder = tmp_path / "round"
    folder.mkdir()
    header, notice, rows = demo()
    good = [r for r in rows if r[0] in ("SD-B040", "SD-B041")]
    _csv(folder / "good.csv", header, notice, good)
    bad = {}
    for i, case in enumerate(cases()):
        if case.exit != 1:  # not a refused file: not built (a third of the corpus's build time)
            continue
        scratch = tmp_path / f"case{i}"
        scratch.mkdir()
        (scratch / "outs").mkdir()
        argv = case.build(scratch, scratch / "outs")
        if argv[0] not in ("prepare", "validate") or "--framework" in argv:
            continue
        src = Path(argv[1])
        if not src.is_file() or scratch not in src.parents:  # the case's own file, not the bundled demo
            continue
        name = f"bad{i:02d}{src.suffix}"
        shutil.copy(src, folder / name)
        bad[name] = case.name
    assert len(bad) >= 40
    inputs = snapshot(folder)
    rnd = collect(folder, tmp_path / "out", lang="en")
    by_name = {r.name: r for r in rnd.returns}
    for name, what in bad.items():
        assert by_name[name].status == "invalid" and by_name[name].problems, what
    assert by_name["good.csv"].status == "collected"
    assert sorted(rnd.table["unit_id"].unique()) == ["SD-B040", "SD-B041"] and rnd.exit_code == 1
    problems = sheet(tmp_path / "out" / "collection.xlsx", "Problems")
    assert set(problems["File"]) == set(bad)
    files = openpyxl.load_workbook(tmp_path / "out" / "collection.xlsx")["Files"]
    links = [c.hyperlink.location for c in files["J"] if c.hyperlink]
    assert len(links) == len(bad) and all(loc.startswith("'Problems'!A") for loc in links)
    assert snapshot(folder) == inputs


def test_years_accumulate_and_a_changed_earlier_value_is_a_reported_revision(tmp_path):
    """2024 collected first; then the 2025 round, without a roster: the 2024 units are expected, a
    brain sends a changed 2024 value with its 2025 return, and that change is reported."""
    header, notice, rows = demo()
    rows_2024 = [r for r in rows if r[6] == "2024"]
    rows_2025 = [r for r in rows if r[6] == "2025"]
    (tmp_path / "r2024").mkdir()
    _csv(tmp_path / "r2024" / "all.csv", header, notice, rows_2024)
    first = collect(tmp_path / "r2024", tmp_path / "out")
    assert first.expected_source == "none" and first.missing == []
    silent = {r[0] for r in rows if r[2] in SILENT}
    (tmp_path / "r2025").mkdir()
    late = [r for r in rows_2025 if r[0] not in silent]
    revised = list(rows_2024[0])
    revised[7] = "999.5"
    _csv(tmp_path / "r2025" / "all.csv", header, notice, late + [revised])
    rnd = collect(tmp_path / "r2025", tmp_path / "out", lang="en")
    assert rnd.expected_source == "previous:2024"
    assert sorted(rnd.missing) == sorted(silent)
    got = pd.read_parquet(tmp_path / "out" / "collected.parquet")
    assert sorted(got["year"].unique()) == [2024, 2025]
    assert len(got) == len(rows_2024) + len(late)
    assert [(r["unit_id"], r["year"], r["column"], r["new"]) for r in rnd.revisions] == \
        [(revised[0], 2024, "L1P1", 999.5)]
    assert rnd.revisions[0]["old"] == pytest.approx(float(rows_2024[0][7]))
    revisions = sheet(tmp_path / "out" / "collection.xlsx", "Revisions")
    assert revisions["Earlier file"].tolist() == ["all.csv"] and revisions["New value"].tolist() == [999.5]
    # the 2024 rows of the silent offices stay as they were collected
    assert set(got.loc[got["year"] == 2024, "unit_id"]) >= silent


def test_units_in_no_roster_are_reported_and_kept(tmp_path):
    header, notice, rows = demo()
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "a.csv", header, notice, rows[:6])
    write_roster(tmp_path / "roster.xlsx", rows[:2])
    rnd = collect(tmp_path / "r", tmp_path / "out", roster=tmp_path / "roster.xlsx", lang="en")
    status = dict(zip(rnd.units["unit_id"], rnd.units["status"], strict=True))
    roster = {rows[0][0], rows[1][0]}
    assert {u: s for u, s in status.items() if u in roster} == dict.fromkeys(roster, "received")
    assert [s for u, s in status.items() if u not in roster] == ["not_expected"] * 4
    assert len(rnd.table) == 6  # never dropped
    units = sheet(tmp_path / "out" / "collection.xlsx", "Units")
    assert (units["Status"] == "not in the roster (collected)").sum() == 4


def test_an_output_folder_holding_an_input_is_refused(tmp_path):
    """The returns' folder itself, a folder holding it, or one holding the roster: refused before
    anything is read or written."""
    header, notice, rows = demo()
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "a.csv", header, notice, rows[:2])
    before = snapshot(tmp_path)
    with pytest.raises(UsageError):
        collect(tmp_path / "r", tmp_path / "r")
    with pytest.raises(UsageError):
        collect(tmp_path / "r", tmp_path)
    assert snapshot(tmp_path) == before
    (tmp_path / "out").mkdir()
    write_roster(tmp_path / "out" / "roster.xlsx", rows[:2])
    before = snapshot(tmp_path)
    with pytest.raises(UsageError):
        collect(tmp_path / "r", tmp_path / "out", roster=tmp_path / "out" / "roster.xlsx")
    assert snapshot(tmp_path) == before
    with pytest.raises(UsageError):
        collect(tmp_path / "r" / "a.csv", tmp_path / "out2")
    # an output folder (and a roster) inside the returns' folder are allowed, and never read as returns
    write_roster(tmp_path / "r" / "roster.xlsx", rows[:2])
    first = collect(tmp_path / "r", tmp_path / "r" / "collected", roster=tmp_path / "r" / "roster.xlsx")
    again = collect(tmp_path / "r", tmp_path / "r" / "collected", roster=tmp_path / "r" / "roster.xlsx")
    assert [r.name for r in again.returns] == [r.name for r in first.returns] == ["a.csv"]


def test_the_command_line(tmp_path, capsys, monkeypatch):
    d = tmp_path
    facts = make_round(d / "returns")
    write_roster(d / "roster.xlsx", facts["rows"])
    monkeypatch.chdir(d)
    code = main(["collect", "returns", "--out", "out", "--roster", "roster.xlsx", "--lang", "zh"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "16 个文件" in out and "4 个缺报" in out and "缺报 枣庄市" in out
    assert f"冲突：单位 {facts['conflict_unit']} 2021 年 L1P1：东营市.xlsx 第 3 行" in err
    assert (d / "out" / "collection.html").exists()


def test_a_return_linked_into_the_output_folder_is_never_replaced(tmp_path):
    """The write guard (toolkit.publish.guard) knows every return: a hard link to one inside the
    output folder stops the run before anything is written, and the return is unchanged."""
    header, notice, rows = demo()
    (tmp_path / "r").mkdir()
    ret = _csv(tmp_path / "r" / "a.csv", header, notice, rows[:2])
    (tmp_path / "out").mkdir()
    os.link(ret, tmp_path / "out" / "collected.csv")
    before = snapshot(tmp_path / "r")
    with pytest.raises(InputClash):
        collect(tmp_path / "r", tmp_path / "out")
    assert snapshot(tmp_path / "r") == before


def test_any_framework_the_hdi_round(tmp_path):
    """Nothing is Shandong's: a round of the UNDP HDI framework (unit columns iso3/country, no year
    column, no region column) with a roster, an identical duplicate, a conflict and a missing country."""
    head = "iso3,country,LE,EYS,MYS,GNI\n"
    nor, che = "NOR,Norway,83.4,18.2,13.0,69190\n", "CHE,Switzerland,84.3,16.6,13.9,69433\n"
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "north.csv").write_text(head + nor + che, encoding="utf-8")
    (tmp_path / "r" / "west.csv").write_text(head + nor + "DEU,Germany,80.6,17.3,14.3,55340\n", encoding="gbk")
    (tmp_path / "r" / "zz.csv").write_text(head + "CHE,Switzerland,84.3,16.6,13.9,70000\n", encoding="utf-8")
    (tmp_path / "roster.csv").write_text("iso3,country\nNOR,Norway\nCHE,Switzerland\nDEU,Germany\nITA,Italy\n",
                                         encoding="utf-8")
    fw = load_framework("undp_hdi")
    rnd = collect(tmp_path / "r", tmp_path / "out", roster=tmp_path / "roster.csv", framework=fw, lang="en")
    assert sorted(rnd.table["unit_id"]) == ["DEU", "NOR"] and set(rnd.table["year"]) == {2022}
    assert [(c["unit_id"], c["column"], c["value_a"], c["value_b"]) for c in rnd.merged.conflicts] == \
        [("CHE", "GNI", 69433.0, 70000.0)]
    assert [(d["unit_id"], d["kept_file"], d["file"]) for d in rnd.merged.duplicates] == \
        [("NOR", "north.csv", "west.csv")]
    assert rnd.missing == ["ITA"]
    missing = sheet(tmp_path / "out" / "collection.xlsx", "Missing by region")
    assert missing.to_dict("records") == [{"Region": "all", "Expected": 4, "Received": 3, "Missing": 1,
                                           "Missing units": "ITA Italy"}]
    units = sheet(tmp_path / "out" / "collection.xlsx", "Units").set_index("Unit id")
    assert units.loc["CHE", "Status"] == "conflict: not merged" and units.loc["DEU", "Complete"] == "yes"


def test_a_round_where_nothing_is_valid_then_one_that_is(tmp_path):
    header, notice, rows = demo()
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "notes.txt").write_text("see attached", encoding="utf-8")
    first = collect(tmp_path / "r", tmp_path / "out", lang="en")
    assert first.exit_code == 1 and len(first.table) == 0 and first.returns[0].status == "invalid"
    _csv(tmp_path / "r" / "a.csv", header, notice, rows[:4])
    again = collect(tmp_path / "r", tmp_path / "out", lang="en")
    assert len(again.table) == 4 and again.returns[0].name == "a.csv" and again.returns[0].status == "collected"


def test_folders_two_levels_down_are_named_not_read(tmp_path):
    header, notice, rows = demo()
    (tmp_path / "r" / "济南市" / "历下区").mkdir(parents=True)
    _csv(tmp_path / "r" / "济南市" / "a.csv", header, notice, rows[:2])
    _csv(tmp_path / "r" / "济南市" / "历下区" / "b.csv", header, notice, rows[2:4])
    rnd = collect(tmp_path / "r", tmp_path / "out", lang="en")
    assert [r.name for r in rnd.returns] == ["济南市/a.csv"] and rnd.not_read == ["济南市/历下区"]
    assert "济南市/历下区" in (tmp_path / "out" / "collection.html").read_text("utf-8")


def test_a_folder_without_a_return_is_refused_and_nothing_is_written(tmp_path, capsys):
    """A wrong folder (empty, or its files two levels down, which are not read) is a usage error naming
    it, never an empty round published with exit 0."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "deep" / "济南市" / "2025").mkdir(parents=True)
    (tmp_path / "deep" / "济南市" / "2025" / "r.csv").write_text("unit_id\n", "utf-8")
    for folder in ("empty", "deep"):
        code = main(["collect", str(tmp_path / folder), "--out", str(tmp_path / f"out-{folder}"), "--lang", "en"])
        err = capsys.readouterr().err
        assert code == 2 and f"no return found in {tmp_path / folder}" in err and "nothing was written" in err, err
        assert not (tmp_path / f"out-{folder}").exists()
    assert main(["collect", str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--lang", "zh"]) == 2
    assert "没有找到填报文件" in capsys.readouterr().err
