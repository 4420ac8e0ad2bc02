"""The unit columns a framework declares: identifier, name, groups, fixed value sets, year.

A framework file lists, under ``unit_columns``, the columns that describe a unit rather than
measure it. Each entry is a mapping:

``name``
    the canonical column name; the identifier must be called ``unit_id`` and the year ``year``
    (the keys every result is indexed by).
``role``
    ``id`` (one per framework), ``name``, ``group`` (usable by group imputation and in
    reports), ``year``, ``denominator`` (a number the denomination step divides by) or
    ``attribute`` (kept alongside, not used by any method).
``aliases``
    other header spellings accepted for the column (``iso3``, ``uCode``, ``城市``…).
``label_zh`` / ``label_en``
    how templates and reports name the column (either alone; the other falls back).
``required``
    the column must be present and every value filled (default: true for id and year).
``values``
    a fixed list of allowed values, or ``reference: shandong_cities.zh`` / ``.code`` for the
    16 Shandong cities and their GB/T 2260 codes.
``summary``
    whether :meth:`~toolkit.index.build.IndexResult.summary` shows the column beside the scores
    (default: true for the name and the group columns, false for the others).
``lang``
    on a ``name`` column: the language its names are in (``zh`` or ``en``). A framework may
    give one name column per language; a report shows the one in its language, else the other.
``names``
    on the identifier: ``iso3166`` when the ids are ISO 3166 alpha-3 country codes; reports then
    name a unit in its page's language from ``toolkit/reference/countries.yaml`` (Unicode CLDR)
    where the data give no name column in that language.
``range``
    on the year column: the first and last year a return may hold, ``[lo, hi]`` (default
    :data:`YEAR_RANGE`, 1900–2100; Shandong's returns say ``[2000, 2100]``, so a year typed
    as 1025 or 2205 is refused). The HDI time series starts in 1990.
``default``
    the value used when the column is absent. A column without a default must be present in
    every file (its cells may be empty unless it is required); a column with one may be left
    out (only for a column that is not required; the HDI file has no year column, so its
    framework says ``default: 2022``).

A framework without ``unit_columns`` gets :data:`GENERIC_UNIT_COLUMNS` (``unit_id``,
``name`` and ``year``).

>>> cols = parse_unit_columns([{"name": "unit_id", "role": "id", "aliases": ["iso3"]},
...                            {"name": "year", "role": "year", "required": False, "default": 2022}], "f")
>>> [c.name for c in cols], cols[0].required, cols[1].default
(['unit_id', 'year'], True, 2022)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import FrameworkError

ROLES = ("id", "name", "group", "year", "denominator", "attribute")
REFERENCES = ("shandong_cities.zh", "shandong_cities.code")
_KEYS = ("name", "role", "aliases", "label_zh", "label_en", "required", "values", "reference", "default", "summary",
         "lang", "names", "range")
#: the years a return may hold when its framework's year column declares no ``range``
YEAR_RANGE = (1900, 2100)
#: what an identifier's ``names:`` may say: where reports find a unit's name in each language
NAME_SOURCES = ("iso3166",)


@dataclass(frozen=True)
class UnitColumn:
    """One declared unit column (see the module docstring for the fields).

    Examples
    --------
    >>> c = UnitColumn("unit_id", "id", aliases=("iso3",), label_en="ISO3 code", required=True)
    >>> c.label("zh"), c.spellings
    ('ISO3 code', ('unit_id', 'iso3', 'ISO3 code'))
    """

    name: str
    role: str
    aliases: tuple[str, ...] = ()
    label_zh: str = ""
    label_en: str = ""
    required: bool = False
    values: tuple | None = None
    reference: str | None = None
    default: object = None
    has_default: bool = False
    summary: bool | None = None
    lang: str | None = None
    names: str | None = None
    range: tuple[int, int] | None = None

    @property
    def in_summary(self) -> bool:
        """Whether the summary table shows this column (declared, else: the name and group columns)."""
        return self.role in ("name", "group") if self.summary is None else self.summary

    def label(self, lang: str = "zh") -> str:
        """The column's label in ``lang``, falling back to the other language, then the name."""
        first, second = (self.label_zh, self.label_en) if lang == "zh" else (self.label_en, self.label_zh)
        return first or second or self.name

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every header spelling that means this column: name, aliases and labels."""
        return tuple(s for s in (self.name, *self.aliases, self.label_zh, self.label_en) if s)


GENERIC_UNIT_COLUMNS = (
    UnitColumn("unit_id", "id", ("id", "code", "unit id"), "单位编号", "Unit ID", True),
    UnitColumn("name", "name", ("unit_name", "名称"), "名称", "Name", has_default=True),
    UnitColumn("year", "year", ("年份", "time"), "年份", "Year", True),
)


def suggest(key: str, allowed) -> str:
    """`` (did you mean 'x'?)`` for the closest allowed key, or an empty string.

    >>> suggest("wieght", ["weight", "unit"])
    " (did you mean 'weight'?)"
    """
    close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_keys(raw: dict, allowed, where: str) -> None:
    """Raise FrameworkError for the first key of ``raw`` not in ``allowed``, suggesting the
    closest valid one, as the spec loader does."""
    for key in raw:
        if key not in allowed:
            raise FrameworkError(f"{where}: unknown key {key!r}{suggest(key, allowed)}; "
                                 f"allowed: {sorted(allowed)}")


def _year_range(entry: dict, role: str, ctx: str) -> tuple[int, int] | None:
    """The year column's declared ``range`` as (lo, hi), None when not given."""
    got = entry.get("range")
    if got is None:
        return None
    ok = (role == "year" and isinstance(got, list) and len(got) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in got) and got[0] <= got[1])
    if not ok:
        raise FrameworkError(f"{ctx}: range is said of the year column (role: year) as [first, last], two whole "
                             f"years in order, got {got!r}")
    return int(got[0]), int(got[1])


def year_range(columns) -> tuple[int, int]:
    """The years a return of these unit columns may hold: the year column's ``range``, else
    :data:`YEAR_RANGE`.

    Examples
    --------
    >>> year_range(parse_unit_columns([{"name": "unit_id", "role": "id"},
    ...                                {"name": "year", "role": "year", "range": [2000, 2100]}], "f"))
    (2000, 2100)
    >>> year_range(GENERIC_UNIT_COLUMNS)
    (1900, 2100)
    """
    declared = next((c.range for c in columns if c.role == "year"), None)
    return declared or YEAR_RANGE


def parse_unit_columns(raw, where: str) -> tuple[UnitColumn, ...]:
    """Check and build the ``unit_columns`` list of a framework file.

    Parameters
    ----------
    raw : list of mappings, or None (the generic columns)
    where : str, the file, for messages

    Returns
    -------
    tuple of UnitColumn

    Raises
    ------
    FrameworkError
        For an unknown key or role, a missing or duplicated name, or no identifier.

    Examples
    --------
    >>> parse_unit_columns(None, "f")[0].name
    'unit_id'
    """
    if raw is None:
        return GENERIC_UNIT_COLUMNS
    if not isinstance(raw, list) or not raw:
        raise FrameworkError(f"{where}: unit_columns must be a non-empty list of mappings")
    out: list[UnitColumn] = []
    for i, entry in enumerate(raw):
        ctx = f"{where}: unit_columns[{i}]"
        if not isinstance(entry, dict) or not entry.get("name"):
            raise FrameworkError(f"{ctx}: each unit column is a mapping with a name")
        ctx = f"{where}: unit column {entry['name']}"
        check_keys(entry, _KEYS, ctx)
        role = entry.get("role", "attribute")
        if role not in ROLES:
            raise FrameworkError(f"{ctx}: role must be one of {list(ROLES)}, got {role!r}{suggest(role, ROLES)}")
        name = str(entry["name"])
        if role == "id" and name != "unit_id":
            raise FrameworkError(f"{ctx}: the identifier column must be named unit_id (give {name!r} as an alias)")
        if role == "year" and name != "year":
            raise FrameworkError(f"{ctx}: the year column must be named year (give {name!r} as an alias)")
        ref = entry.get("reference")
        if ref is not None and ref not in REFERENCES:
            raise FrameworkError(f"{ctx}: reference must be one of {list(REFERENCES)}, got {ref!r}")
        values = entry.get("values")
        if values is not None and not (isinstance(values, list) and values):
            raise FrameworkError(f"{ctx}: values must be a non-empty list, got {values!r}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list):
            raise FrameworkError(f"{ctx}: aliases must be a list, got {aliases!r}")
        required = entry.get("required", role in ("id", "year"))
        if not isinstance(required, bool):
            raise FrameworkError(f"{ctx}: required must be true or false, got {required!r}")
        if required and "default" in entry:
            raise FrameworkError(f"{ctx}: a required column cannot have a default")
        summary = entry.get("summary")
        if summary is not None and not isinstance(summary, bool):
            raise FrameworkError(f"{ctx}: summary must be true or false, got {summary!r}")
        lang = entry.get("lang")
        if lang is not None and (role != "name" or lang not in ("zh", "en")):
            raise FrameworkError(f"{ctx}: lang is the language of a name column (role: name): zh or en, got {lang!r}")
        names = entry.get("names")
        if names is not None and (role != "id" or names not in NAME_SOURCES):
            raise FrameworkError(f"{ctx}: names is said of the identifier (role: id) and must be one of "
                                 f"{list(NAME_SOURCES)}, got {names!r}")
        out.append(UnitColumn(name, role, tuple(str(a) for a in aliases), str(entry.get("label_zh", "")),
                              str(entry.get("label_en", "")), required,
                              None if values is None else tuple(str(v) for v in values), ref, entry.get("default"),
                              "default" in entry, summary, lang, names, _year_range(entry, role, ctx)))
    names = [c.name for c in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise FrameworkError(f"{where}: unit column(s) {dup} declared twice")
    if names.count("unit_id") != 1:
        raise FrameworkError(f"{where}: unit_columns must declare the identifier (name: unit_id, role: id)")
    if "year" not in names:
        raise FrameworkError(f"{where}: unit_columns must declare year (role: year; with required: false and "
                             "a default when the data have no year column)")
    return tuple(out)
