"""The status of an annual round: ``collection.xlsx`` and ``collection.html`` (:func:`collect`).

:func:`collect` is the round with its status: the data layer's
:func:`toolkit.data.round.collect` reads, merges and publishes the data, and this module hands it
the status pages to publish in the same atomic step (the data layer does not import the reports).

One table per question the office asks: which files came in and what became of each (office,
when, rows, units, years, problems with a link to them); which units were expected and which are
missing, by region; which files disagree (conflicts), which rows came twice, which earlier values
changed (revisions); and every problem, with the Excel cell to fix. The workbook is written with
:func:`toolkit.reports.xlsx.write_sheets` (the look of ``results.xlsx``), the page with
:func:`toolkit.reports.page.document` (the look of the reports), in Chinese or English.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data.round import STATUS, Round
from ..data.round import collect as collect_data
from .page import document
from .problem_workbook import problem_sheet
from .text import esc, region_name
from .views import kpis, section, table_html
from .xlsx import write_sheets

SHEETS = {"files": ("文件", "Files"), "units": ("单位", "Units"), "missing": ("缺报（按地区）", "Missing by region"),
          "conflicts": ("冲突", "Conflicts"), "duplicates": ("重复", "Duplicates"),
          "revisions": ("修订", "Revisions"), "problems": ("校验问题", "Problems")}
H = {"file": ("文件", "File"), "office": ("报送单位", "Office"), "received": ("收到时间（文件修改时间）", "Received (file time)"),
     "rows": ("行数", "Rows"), "units": ("单位数", "Units"), "years": ("年份", "Years"),
     "problems": ("问题数", "Problems"), "status": ("状态", "Status"), "remarks": ("说明", "Remarks"),
     "link": ("问题清单", "Problem list"), "sha256": ("SHA-256", "SHA-256"), "unit_id": ("编号", "Unit id"),
     "files": ("来源文件", "From file"), "missing_values": ("空缺指标数", "Empty indicator cells"),
     "complete": ("数据完整", "Complete"), "expected": ("应报", "Expected"), "got": ("已收到", "Received"),
     "missing": ("缺报", "Missing"), "missing_units": ("缺报单位", "Missing units"),
     "year": ("年度", "Year"), "column": ("指标/列", "Column"), "file_a": ("文件 A", "File A"), "row_a": ("行 A", "Row A"),
     "value_a": ("值 A", "Value A"), "file_b": ("文件 B", "File B"), "row_b": ("行 B", "Row B"),
     "value_b": ("值 B", "Value B"), "kept_file": ("保留的文件", "Kept from"), "kept_row": ("保留的行", "Kept row"),
     "row": ("重复的行", "Repeated row"), "old": ("原值", "Earlier value"), "new": ("新值", "New value"),
     "old_file": ("原文件", "Earlier file"), "new_file": ("新文件", "New file"), "all": ("全部", "all"),
     "region": ("地区", "Region")}
FILE_STATUS = {"collected": ("已收集", "collected"), "invalid": ("有问题，未收集", "has problems: not collected"),
               "copy": ("与 {other} 完全相同（重复发送），只读一次", "byte-identical to {other} (sent twice): read once"),
               "replaced": ("已被更正文件 {other} 替代", "replaced by the correction {other}"),
               "correction": ("更正文件：替代 {other} 的全部行", "correction: replaces every row of {other}")}
UNIT_STATUS = {"received": ("已收到", "received"), "missing": ("缺报", "missing"),
               "not_expected": ("不在名单中（已收集）", "not in the roster (collected)"),
               "conflict": ("数据冲突，未合并", "conflict: not merged"),
               "invalid": ("已报送，但文件有问题：未收集", "sent in a file with problems: not collected")}
EXPECTED = {"roster": ("应报单位来自名单 {roster}", "expected units: the roster {roster}"),
            "none": ("没有名单，也没有往年数据：不判断缺报", "no roster and no earlier year: nobody is counted as missing"),
            "previous": ("没有名单：应报单位为上一年度（{year}）已收集的单位", "no roster: the units collected for the previous "
                                                                 "year ({year}) are expected")}


def collect(folder, out, roster=None, framework=None, lang: str = "zh", wide=None) -> Round:
    """Collect a round (:func:`toolkit.data.round.collect`) and publish its status with the data:
    ``collection.xlsx`` and ``collection.html`` in ``lang``.

    Parameters
    ----------
    folder, out, roster, framework, wide
        As for :func:`toolkit.data.round.collect`.
    lang : {"zh", "en"}
        Language of the status workbook and page.

    Returns
    -------
    Round

    Examples
    --------
    >>> from toolkit.examples import returns_folder
    >>> d = returns_folder()  # a temporary folder: returns/all.csv, the demo return
    >>> rnd = collect(d / "returns", d / "collected", lang="en")
    >>> sorted(p.name for p in (d / "collected").iterdir() if p.stem == "collection")
    ['collection.html', 'collection.xlsx']
    """
    return collect_data(folder, out, roster, framework, status=lambda rnd: status_writers(rnd, lang), wide=wide)


def status_writers(rnd: Round, lang: str = "zh") -> dict:
    """``{path: writer}`` of the status workbook and page of ``rnd`` (published by
    :func:`toolkit.data.round.collect` with the data)."""
    tables = status_tables(rnd, lang)
    html = status_html(rnd, tables, lang)
    return {rnd.out / f"{STATUS}.xlsx": lambda tmp: write_status_workbook(tables, tmp, lang),
            rnd.out / f"{STATUS}.html": lambda tmp: tmp.write_text(html, encoding="utf-8")}


def _h(key: str, lang: str) -> str:
    return H[key][0 if lang == "zh" else 1]


def _yes(value, lang: str) -> str:
    if value is None or value != value:
        return ""
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


def expected_text(rnd, lang: str) -> str:
    """Where the list of expected units comes from, in words."""
    i = 0 if lang == "zh" else 1
    kind, _, year = rnd.expected_source.partition(":")
    return EXPECTED[kind][i].format(roster=rnd.roster or "", year=year)


def status_tables(rnd, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The status of a round as tables (headers in ``lang``), keyed like :data:`SHEETS`.

    Parameters
    ----------
    rnd : toolkit.data.round.Round
    lang : {"zh", "en"}

    Returns
    -------
    dict of str to DataFrame
        ``files``, ``units``, ``missing``, ``conflicts``, ``duplicates``, ``revisions``, ``problems``.
        ``files`` has a column ``_problem_row``: the position of each file's first problem in
        ``problems`` (the workbook links to it; it is not written).
    """
    i = 0 if lang == "zh" else 1
    fw = rnd.framework
    problem_parts, first_row, n = [], {}, 0
    for r in rnd.returns:
        if r.problems:
            from ..data.problems import ValidationError

            first_row[r.name] = n
            part = problem_sheet(ValidationError(r.problems, str(r.path)), lang)
            problem_parts.append(part)
            n += len(part)
    problems = pd.concat(problem_parts, ignore_index=True) if problem_parts else \
        pd.DataFrame({_h("remarks", lang): ["未发现问题" if lang == "zh" else "no problems found"]})
    files = pd.DataFrame({
        _h("file", lang): [r.name for r in rnd.returns], _h("office", lang): [r.office for r in rnd.returns],
        _h("received", lang): [r.received for r in rnd.returns], _h("rows", lang): [r.rows for r in rnd.returns],
        _h("units", lang): [len(r.units) for r in rnd.returns],
        _h("years", lang): [", ".join(map(str, r.years)) for r in rnd.returns],
        _h("problems", lang): [len(r.problems) for r in rnd.returns],
        _h("status", lang): [FILE_STATUS[r.status][i].format(other=r.other) for r in rnd.returns],
        _h("remarks", lang): ["；".join(m[i] for m in r.remarks) if lang == "zh" else "; ".join(m[i] for m in r.remarks)
                              for r in rnd.returns],
        _h("link", lang): [(f"{SHEETS['problems'][i]} ›" if r.name in first_row else "") for r in rnd.returns],
        _h("sha256", lang): [r.sha256 for r in rnd.returns],
        "_problem_row": [first_row.get(r.name) for r in rnd.returns],
    })
    u = rnd.units
    # the unit columns that say something: one empty for every unit (the HDI's published rank) is left out
    labels = {c: fw.unit_column(c).label(lang) for c in u.columns if c not in
              ("unit_id", "status", "files", "years", "missing_values", "complete") and u[c].notna().any()}
    units = pd.DataFrame({_h("unit_id", lang): u["unit_id"]})
    region = fw.region_column
    for c, label in labels.items():
        units[label] = [region_name(fw, v, lang) if c == region and v is not None else v for v in u[c]]
    units[_h("status", lang)] = [UNIT_STATUS[s][i] for s in u["status"]]
    units[_h("files", lang)] = u["files"].to_numpy()
    units[_h("years", lang)] = u["years"].to_numpy()
    # whole numbers, empty for a unit with no rows merged (a float column would show 7.0 on the page)
    units[_h("missing_values", lang)] = pd.Series([None if pd.isna(v) else int(v) for v in u["missing_values"]],
                                                  index=units.index, dtype=object)
    units[_h("complete", lang)] = [_yes(v, lang) for v in u["complete"]]
    return {"files": files, "units": units, "missing": missing_by_region(rnd, lang),
            "conflicts": _records(named_columns(rnd.merged.conflicts, fw, lang),
                                  ["unit_id", "year", "column", "file_a", "row_a", "value_a", "file_b", "row_b",
                                   "value_b"], lang),
            "duplicates": _records(rnd.merged.duplicates, ["unit_id", "year", "kept_file", "kept_row", "file", "row"],
                                   lang),
            "revisions": _records(named_columns(rnd.revisions, fw, lang),
                                  ["unit_id", "year", "column", "old", "new", "old_file", "new_file"], lang),
            "problems": problems}


def column_name(fw, column: str, lang: str = "zh") -> str:
    """A column of the data as the status names it: an indicator by its code and name (the code is
    what the return's header starts with), a unit column by its label.

    Examples
    --------
    >>> from toolkit import load_framework
    >>> fw = load_framework()
    >>> column_name(fw, "L1P1", "zh"), column_name(fw, "L1P1", "en"), column_name(fw, "brain_name", "en")
    ('L1P1 产业规模', 'L1P1 Industry scale', 'Brain name')
    """
    if column in fw.columns:
        return f"{column} {fw.node(column).name(lang)}"
    try:
        return fw.unit_column(column).label(lang)
    except (KeyError, ValueError, AttributeError):
        return column


def named_columns(records: list[dict], fw, lang: str) -> list[dict]:
    """``records`` (conflicts, revisions) with their ``column`` named by :func:`column_name`."""
    return [{**r, "column": column_name(fw, r["column"], lang)} for r in records]


def _records(records: list[dict], keys: list[str], lang: str) -> pd.DataFrame:
    return pd.DataFrame([[rec[k] for k in keys] for rec in records], columns=[_h(k, lang) for k in keys])


def missing_by_region(rnd, lang: str = "zh") -> pd.DataFrame:
    """Expected, received and missing units per value of the framework's region column (Shandong: city).

    A unit counts as missing when nothing of it was collected: never sent, or sent only in files
    with problems (listed with a note saying so)."""
    u = rnd.units
    region = rnd.framework.region_column
    expected = u[u["status"] != "not_expected"]
    keys = expected[region].fillna("") if region and region in u else pd.Series(_h("all", lang), index=expected.index)
    rows = []
    names = rnd.framework.name_column
    flagged = "（文件有问题）" if lang == "zh" else " (file has problems)"
    for key, group in expected.groupby(keys, sort=True):
        gone = group[group["status"].isin(["missing", "invalid"])]  # not received: never sent, or refused
        listed = [(f"{uid} {nm}".strip() if names and isinstance(nm, str) else str(uid)) +
                  (flagged if status == "invalid" else "")
                  for uid, nm, status in zip(gone["unit_id"], gone[names] if names in gone else [None] * len(gone),
                                             gone["status"], strict=True)]
        rows.append([region_name(rnd.framework, key, lang) if region and key else key, len(group),
                     len(group) - len(gone), len(gone), ", ".join(listed)])
    head = rnd.framework.unit_column(region).label(lang) if region and region in u else _h("region", lang)
    return pd.DataFrame(rows, columns=[head, _h("expected", lang), _h("got", lang), _h("missing", lang),
                                       _h("missing_units", lang)])


def write_status_workbook(tables: dict[str, pd.DataFrame], path: str | Path, lang: str = "zh") -> Path:
    """``collection.xlsx``: one sheet per table of :func:`status_tables`; each file's problem count
    links to its first row of the problem sheet."""
    i = 0 if lang == "zh" else 1
    files = tables["files"]
    problems_title = SHEETS["problems"][i]
    places = [None if pd.isna(p) else f"'{problems_title}'!A{int(p) + 2}" for p in files["_problem_row"]]
    sheets = {}
    for key, df in tables.items():
        if key == "files":
            sheets[SHEETS[key][i]] = (df.drop(columns="_problem_row"), {}, {_h("link", lang): places})
        else:
            sheets[SHEETS[key][i]] = (df, {})
    return write_sheets(sheets, path)


def status_html(rnd, tables: dict[str, pd.DataFrame], lang: str = "zh") -> str:
    """``collection.html``: the same tables on one self-contained page; each file's problem
    count links to its problems further down."""
    i = 0 if lang == "zh" else 1
    files = tables["files"]
    u = rnd.units
    n_missing = int((u["status"] == "missing").sum())
    cells = [(("文件" if i == 0 else "files"), len(rnd.returns), ""),
             (("已收集" if i == 0 else "collected"), sum(r.status in ("collected", "correction") and r.valid
                                                      for r in rnd.returns), ""),
             (("有问题" if i == 0 else "with problems"), sum(bool(r.problems) for r in rnd.returns), ""),
             (("已收到单位" if i == 0 else "units received"), int(u["status"].isin(["received", "not_expected"]).sum()), ""),
             (("缺报单位" if i == 0 else "units missing"), n_missing, ""),
             (("冲突单位" if i == 0 else "units in conflict"), len(rnd.merged.withheld), "")]
    body = [f"<h1>{esc('年度数据收集情况' if i == 0 else 'Collection status of the round')}</h1>",
            f'<p class="sub">{esc(str(rnd.folder))} → {esc(str(rnd.out))}</p>',
            f'<p class="note">{esc(expected_text(rnd, lang))}</p>', kpis(cells)]
    if rnd.not_read:
        body.append(f'<p class="notice">{esc(not_read_text(rnd, lang))}</p>')
    if any("SYNTHETIC" in n.upper() for r in rnd.returns for n in r.notes):  # the demo's notice, as the reports show it
        body.insert(1, f'<p class="synthetic">{esc("模拟数据：这些文件声明自己不是真实填报" if i == 0 else "Synthetic data: these files declare that they are not real returns")}</p>')
    shown = files.drop(columns=["_problem_row", _h("link", lang), _h("sha256", lang)])
    col = list(shown.columns).index(_h("problems", lang))
    rows = page_cells(shown)
    for row, r in zip(rows, rnd.returns, strict=True):
        if r.problems:
            row[col] = ("html", f'<a href="#problems-{esc(_anchor(r.name))}">{len(r.problems)}</a>')
    body.append(section(SHEETS["files"][i], table_html(list(shown.columns), rows, num_cols=[3, 4, 6]), keep=False))
    order = ["missing", "conflicts", "duplicates", "revisions", "units"]
    for key in order:
        df = tables[key]
        if df.empty:
            continue
        body.append(section(SHEETS[key][i], table_html(list(df.columns), page_cells(df)), keep=False))
    parts = []
    for r in rnd.returns:
        if not r.problems:
            continue
        err_table = tables["problems"]
        mine = err_table[err_table.iloc[:, 0] == r.name].drop(columns=err_table.columns[0])
        parts.append(f'<div id="problems-{esc(_anchor(r.name))}"><h3>{esc(r.name)}</h3>'
                     + table_html(list(mine.columns), page_cells(mine))
                     + "</div>")
    if parts:
        body.append(section(SHEETS["problems"][i], "".join(parts), keep=False))
    from ..viz.fonts import font_face_css

    title = "年度数据收集情况" if i == 0 else "Collection status"
    text = "".join(body)
    # the bundled CJK font, subset to the page's characters: it reads on a machine without a Chinese font
    return document(title, text, lang, font_face_css(title + text))


def cell_text(value) -> str:
    """A cell as the page shows it, as Excel's General format shows the workbook's cell: empty for
    a missing value, a whole number without a decimal point.

    Examples
    --------
    >>> [cell_text(v) for v in (None, float("nan"), pd.NA, 7, 7.0, 69433.0, 729.15, "济南市", True)]
    ['', '', '', '7', '7', '69433', '729.15', '济南市', 'True']
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def page_cells(df: pd.DataFrame) -> list[list[str]]:
    """The rows of a status table as the page shows them (:func:`cell_text`)."""
    return [[cell_text(v) for v in row] for row in df.itertuples(index=False, name=None)]


def not_read_text(rnd, lang: str) -> str:
    """The folders two levels down whose files were not read, in words."""
    names = ", ".join(rnd.not_read)
    return (f"只读取文件夹及其下一级子文件夹；以下更深一级的文件夹中的文件未读取：{names}" if lang == "zh" else
            f"only the folder and its sub-folders one level down are read; the files in these deeper folders "
            f"were not: {names}")


def _anchor(name: str) -> str:
    import hashlib

    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def summary_lines(rnd, lang: str = "zh") -> tuple[list[str], list[str]]:
    """What ``collect`` prints: (lines for the screen, lines for the error stream: files with
    problems and every conflict, each naming both files, rows and values)."""
    zh = lang == "zh"
    count = {k: sum(r.status == k for r in rnd.returns) for k in FILE_STATUS}
    u = rnd.units["status"]
    received = int(u.isin(["received", "not_expected"]).sum())
    out = [(f"{len(rnd.returns)} 个文件：{count['collected'] + count['correction']} 个已收集（其中更正 {count['correction']} 个），"
            f"{count['invalid']} 个有问题，{count['replaced']} 个已被更正替代，{count['copy']} 个重复发送"
            if zh else
            f"{len(rnd.returns)} files: {count['collected'] + count['correction']} collected ({count['correction']} "
            f"corrections), {count['invalid']} with problems, {count['replaced']} replaced by a correction, "
            f"{count['copy']} sent twice"),
           (f"单位：{received} 个已收到，{int((u == 'missing').sum())} 个缺报，{len(rnd.merged.withheld)} 个数据冲突未合并，"
            f"{int((u == 'not_expected').sum())} 个不在名单中；修订往年数值 {len(rnd.revisions)} 处"
            if zh else
            f"units: {received} received, {int((u == 'missing').sum())} missing, {len(rnd.merged.withheld)} in conflict "
            f"(not merged), {int((u == 'not_expected').sum())} not in the roster; {len(rnd.revisions)} earlier values "
            "revised"),
           expected_text(rnd, lang)]
    refused = int((u == "invalid").sum())
    if refused:
        out.insert(2, f"另有 {refused} 个应报单位已报送，但所在文件有问题，未收集" if zh else
                   f"{refused} more expected unit{'s' if refused != 1 else ''} sent only in files with problems: not "
                   "collected")
    if rnd.not_read:
        out.append(not_read_text(rnd, lang))
    missing = missing_by_region(rnd, lang)
    for row in missing[missing.iloc[:, 3] > 0].itertuples(index=False):
        out.append(f"  {'缺报' if zh else 'missing'} {row[0]}: {row[4]}")
    out.append(f"数据：{rnd.out / 'collected.parquet'}（{len(rnd.table)} 行）；收集情况：{rnd.out / 'collection.html'}、"
                f"{rnd.out / 'collection.xlsx'}" if zh else
                f"data: {rnd.out / 'collected.parquet'} ({len(rnd.table)} rows); status: {rnd.out / 'collection.html'}, "
                f"{rnd.out / 'collection.xlsx'}")
    err = []
    for r in rnd.returns:
        if r.problems:
            err.append(f"{r.name}：{len(r.problems)} 个问题，未收集" if zh else
                       f"{r.name}: {len(r.problems)} problem{'s' if len(r.problems) != 1 else ''}, not collected")
    for c in rnd.merged.conflicts:
        err.append(f"冲突：单位 {c['unit_id']} {c['year']} 年 {c['column']}：{c['file_a']} 第 {c['row_a']} 行为 {c['value_a']}，"
                    f"{c['file_b']} 第 {c['row_b']} 行为 {c['value_b']}；该单位未合并" if zh else
                    f"conflict: unit {c['unit_id']} {c['year']} {c['column']}: {c['file_a']} row {c['row_a']} has "
                    f"{c['value_a']}, {c['file_b']} row {c['row_b']} has {c['value_b']}; the unit was not merged")
    return out, err
