"""What a batch renders: one job per unit or region, its file name and its links
(:func:`plan`), and the check of ``--year`` and ``--only`` before anything is computed."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

__all__ = ["EVERY_UNIT", "Job", "check_targets", "no_region_error", "plan", "safe_filename", "unit_file"]

#: a unit report's ``units`` link: every unit of the year has its report at
#: ``safe_filename("unit", id)`` (a list of them all made each report's parameters, and the batch,
#: grow with the square of the number of units)
EVERY_UNIT = "every unit of the year"


@dataclass(frozen=True)
class Job:
    key: str          # "unit:<id>" or "city:<name>"
    by: str
    target: str
    year: int
    lang: str
    filename: str
    title: str
    links: tuple = ()  # (("index", "index.html"), ("city", ...), ("units", ((id, file), ...) or EVERY_UNIT))

    def params(self, bundle_dir: Path) -> dict:
        links = {k: (dict(v) if k == "units" and v != EVERY_UNIT else v) for k, v in self.links}
        return {"by": self.by, "target": self.target, "year": self.year, "lang": self.lang,
                "bundle_dir": str(bundle_dir), "links": links}


def unit_file(links: dict | None, unit_id) -> str | None:
    """The file of ``unit_id``'s report that a page links to, from its ``links`` (a report's
    parameters): named in its ``units`` map, or by :func:`safe_filename` when the map is
    :data:`EVERY_UNIT`; None when the page has no report to link to.

    Examples
    --------
    >>> unit_file({"units": EVERY_UNIT}, "SD-B001") == safe_filename("unit", "SD-B001")
    True
    >>> unit_file({"units": {"SD-B001": "a.html"}}, "SD-B001"), unit_file({"units": {}}, "SD-B001"), unit_file(None, "x")
    ('a.html', None, None)
    """
    units = (links or {}).get("units") or {}
    if units == EVERY_UNIT:
        return safe_filename("unit", str(unit_id))
    return units.get(unit_id)


def safe_filename(by: str, target: str, label: str | None = None) -> str:
    """``unit-SD-B001-1a2b3c4d.html``, ``city-Qingdao-….html``: ASCII letters, digits, ``-`` and
    ``_`` only, at most ~80 characters, unique per target (a hash of the exact target is
    appended). ``label`` (e.g. a city's English name) is used for the readable part when given.

    Examples
    --------
    >>> safe_filename("city", "青岛市", "Qingdao")
    'city-Qingdao-9af4306199.html'
    """
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", label or target).strip("_-")[:48] or "x"
    digest = hashlib.sha256(f"{by}:{target}".encode()).hexdigest()[:10]
    return f"{by}-{slug}-{digest}.html"


def plan(bundle, by: str = "unit", only=None, lang: str = "zh", year: int | None = None,
         city_reports: set | None = None) -> list[Job]:
    """One job per unit or region of ``year`` (default: the bundle's latest year); ``by="all"``
    plans both. A region report (``by="city"``) is one per value of the framework's region
    column (Shandong: its cities). ``city_reports``: regions whose report exists already (unit
    reports link to it)."""
    region = bundle.framework.region_column
    if by in ("city", "all") and (region is None or region not in bundle.summary
                                  or bundle.summary[region].isna().all()):
        raise no_region_error(by, bundle.framework)
    if by == "all":
        jobs = plan(bundle, "unit", None, lang, year, city_reports=set(bundle.summary[region]))
        jobs += plan(bundle, "city", None, lang, year)
        if only:
            unknown = set(only) - {j.target for j in jobs}
            if unknown:
                raise ValueError(f"--only names unknown brain(s) or cit(ies): {sorted(unknown)}")
            jobs = [j for j in jobs if j.target in set(only)]
        return jobs
    if by not in ("unit", "city"):
        raise ValueError(f"by must be 'unit', 'city' or 'all', got {by!r}")
    from .text import region_name, unit_name

    fw = bundle.framework
    year = year or bundle.years[-1]
    s = bundle.summary[bundle.summary["year"] == year]
    if s.empty:
        raise UsageError(f"--year {year}: no results for that year; years in the data: {bundle.years}",
                         f"--year {year}：数据中没有该年份；可用年份：{bundle.years}")
    if by == "unit":
        targets = [(r["unit_id"], unit_name(r, lang, bundle.framework)) for r in s.to_dict("records")]
    else:
        targets = [(c, region_name(fw, c, lang)) for c in sorted(s[region].dropna().unique())]
    if only:
        wanted = set(only)
        unknown = wanted - {t for t, _ in targets}
        if unknown:
            shown = sorted(map(str, unknown))[:10]
            raise UsageError(f"--only names unknown {by}(s): {shown}",
                             f"--only 中有数据里不存在的{'单位' if by == 'unit' else '城市'}：{shown}")
        targets = [(t, n) for t, n in targets if t in wanted]
    unit_files = tuple((u, safe_filename("unit", str(u))) for u in s["unit_id"]) if by == "city" else ()
    cities = city_reports or set()
    # each unit's region, looked up once (not one pass over the year's rows per report)
    region_of = dict(zip(s["unit_id"], s[region], strict=True)) if region in s else {}
    jobs = []
    for t, name in targets:
        links = [("index", "index.html")]
        if by == "unit":
            c = region_of.get(t)
            if c in cities:
                links.append(("city", safe_filename("city", c, region_name(fw, c, "en"))))
            links.append(("units", EVERY_UNIT))  # the year's units, each at safe_filename("unit", id)
            fname = safe_filename(by, str(t))
        else:
            links.append(("units", tuple((u, f) for u, f in unit_files if region_of.get(u) == t)))
            fname = safe_filename(by, str(t), region_name(fw, str(t), "en"))
        jobs.append(Job(f"{by}:{t}", by, str(t), int(year), lang, fname, f"{name} · {int(year)}", tuple(links)))
    return jobs


def no_region_error(by: str, fw):
    """The error of region reports (``--by city`` or ``all``) for a framework without a region
    column (in both languages): :func:`plan` raises it, and a run before reading any data when
    the framework declares none.

    Examples
    --------
    >>> import toolkit
    >>> str(no_region_error("city", toolkit.load_framework("undp_hdi")))
    'reports --by city: framework undp_hdi declares no region column (reporting: region: in its file); render --by unit'
    """
    from ..errors import SpecError

    err = SpecError(f"reports --by {by}: framework {fw.id} declares no region column "
                    "(reporting: region: in its file); render --by unit")
    err.zh = (f"reports --by {by}：指标体系 {fw.id} 没有声明地区列（在其文件的 reporting: region: 中），"
              "无法生成地区报告；请使用 --by unit")
    return err


def check_targets(table, by: str, only=None, year: int | None = None, region: str | None = "city") -> None:
    """Check ``--year`` and ``--only`` against the data before anything is computed
    (``region``: the framework's region column, whose values name region reports).

    Raises
    ------
    UsageError
        Naming the year or the ids/cities that are not in the data.
    """
    years = sorted(int(y) for y in table["year"].dropna().unique())
    if year is not None and year not in years:
        raise UsageError(f"--year {year}: no data for that year; years in the data: {years}",
                         f"--year {year}：数据中没有该年份；可用年份：{years}")
    if only and list(only) != ["failed"]:
        # --by all renders brain and city reports, so either kind of name is a target
        columns = {"unit": ["unit_id"], "city": [region], "all": ["unit_id", region]}[by]
        known = set().union(*(set(table[c].astype(str)) for c in columns if c and c in table))
        unknown = sorted(set(map(str, only)) - known)
        if unknown:
            what = {"unit": ("单位", "unit"), "city": ("城市", "city"), "all": ("单位或城市", "unit or city")}[by]
            raise UsageError(f"--only names {what[1]}(s) not in the data: {unknown[:10]}",
                             f"--only 中有数据里不存在的{what[0]}：{unknown[:10]}")
