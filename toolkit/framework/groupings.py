"""Groupings and geography a framework declares: derived group columns, polygons, adjacency lists.

A **grouping** derives a group column from a unit column, e.g. Shandong's three economic circles
from the city::

    groupings:
      - name: circle
        from: city
        label_zh: 经济圈
        label_en: Economic circle
        groups:
          省会经济圈: [济南市, 淄博市, 泰安市, 聊城市, 德州市, 滨州市, 东营市]
          胶东经济圈: [青岛市, 烟台市, 潍坊市, 威海市, 日照市]
          鲁南经济圈: [临沂市, 枣庄市, 济宁市, 菏泽市]

A **geography** entry gives the shapes or the neighbours of the values of one unit column (or a
grouping): ``polygons`` (a GeoJSON file, relative to the framework file, with ``id_property``
naming each feature's value) and/or ``adjacency`` (value → list of neighbouring values)::

    geography:
      - column: city_code
        polygons: ../reference/shandong_cities.geojson
        id_property: code

Every dynamics decomposition (:mod:`toolkit.dynamics`) takes any group column, declared or derived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError, FrameworkError
from .units import check_keys


@dataclass(frozen=True)
class Grouping:
    """A group column derived from a unit column (``source``): value → group.

    Examples
    --------
    >>> g = Grouping("circle", "city", {"济南市": "省会经济圈", "青岛市": "胶东经济圈"})
    >>> g.groups
    ['省会经济圈', '胶东经济圈']
    """

    name: str
    source: str
    mapping: dict
    label_zh: str = ""
    label_en: str = ""

    @property
    def groups(self) -> list[str]:
        """The groups, in the order the file lists them."""
        return list(dict.fromkeys(self.mapping.values()))

    def label(self, lang: str = "zh") -> str:
        """The grouping's label in ``lang`` (its name when none is given)."""
        return (self.label_zh if lang == "zh" else self.label_en) or self.name


@dataclass(frozen=True)
class Geography:
    """Polygons and/or an adjacency list for the values of one column."""

    column: str
    polygons: Path | None = None
    id_property: str = "id"
    adjacency: dict = field(default_factory=dict)
    source: str = ""


def parse_groupings(raw, unit_names: set[str], where: str) -> tuple[Grouping, ...]:
    """Check and read a framework's ``groupings`` list.

    Parameters
    ----------
    raw : list or None
        The file's ``groupings`` entry.
    unit_names : set of str
        The framework's unit columns (a grouping derives from one and must not shadow one).
    where : str
        The file, for error messages.

    Returns
    -------
    tuple of Grouping

    Examples
    --------
    >>> parse_groupings([{"name": "circle", "from": "city", "groups": {"A": ["x", "y"], "B": ["z"]}}],
    ...                 {"city"}, "f.yaml")[0].mapping
    {'x': 'A', 'y': 'A', 'z': 'B'}
    >>> parse_groupings([{"name": "c", "from": "town", "groups": {"A": ["x"]}}], {"city"}, "f.yaml")
    Traceback (most recent call last):
    ...
    toolkit.errors.FrameworkError: f.yaml: grouping 'c': from 'town' is not a unit column (unit columns: ['city'])
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise FrameworkError(f"{where}: groupings must be a list of groupings")
    out, names = [], set()
    for i, g in enumerate(raw):
        ctx = f"{where}: grouping {g.get('name', i + 1)!r}" if isinstance(g, dict) else f"{where}: grouping {i + 1}"
        if not isinstance(g, dict):
            raise FrameworkError(f"{ctx}: must be a mapping with name, from and groups")
        check_keys(g, ("name", "from", "groups", "label_zh", "label_en"), ctx)
        for key in ("name", "from", "groups"):
            if key not in g:
                raise FrameworkError(f"{ctx}: missing {key!r}")
        name, source = str(g["name"]), str(g["from"])
        if source not in unit_names:
            raise FrameworkError(f"{ctx}: from {source!r} is not a unit column (unit columns: {sorted(unit_names)})")
        if name in unit_names or name in names:
            raise FrameworkError(f"{ctx}: the name {name!r} is already a unit column or another grouping")
        if not isinstance(g["groups"], dict) or not g["groups"]:
            raise FrameworkError(f"{ctx}: groups must map each group to the list of its {source} values")
        mapping = {}
        for group, members in g["groups"].items():
            for m in members if isinstance(members, list) else [members]:
                if str(m) in mapping:
                    raise FrameworkError(f"{ctx}: {source} {m!r} is in both {mapping[str(m)]!r} and {group!r}")
                mapping[str(m)] = str(group)
        names.add(name)
        out.append(Grouping(name, source, mapping, str(g.get("label_zh", "")), str(g.get("label_en", ""))))
    return tuple(out)


def parse_geography(raw, columns: set[str], base: Path | None, where: str) -> tuple[Geography, ...]:
    """Check and read a framework's ``geography`` list (polygon paths resolved against ``base``).

    A polygons file is not opened here (a framework file copied elsewhere still loads; a relative
    path that is not there but names a file of ``toolkit/reference/`` is that file, so the copy of a
    shipped framework a report run saves keeps its map); reading it
    (:func:`toolkit.dynamics.boundaries.read_polygons`) names a missing or broken file.

    Parameters
    ----------
    raw : list or None
        The file's ``geography`` entry.
    columns : set of str
        Unit columns and grouping names an entry may describe.
    base : Path or None
        The framework file's folder.
    where : str
        The file, for error messages.

    Returns
    -------
    tuple of Geography

    Examples
    --------
    >>> parse_geography([{"column": "city", "adjacency": {"a": ["b"]}}], {"city"}, None, "f")[0].adjacency
    {'a': ['b']}
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise FrameworkError(f"{where}: geography must be a list of entries")
    out = []
    for i, g in enumerate(raw):
        ctx = f"{where}: geography entry {i + 1}"
        if not isinstance(g, dict):
            raise FrameworkError(f"{ctx}: must be a mapping with column and polygons or adjacency")
        check_keys(g, ("column", "polygons", "id_property", "adjacency", "source"), ctx)
        col = str(g.get("column", ""))
        if col not in columns:
            raise FrameworkError(f"{ctx}: column {col!r} is not a unit column or grouping ({sorted(columns)})")
        if not g.get("polygons") and not g.get("adjacency"):
            raise FrameworkError(f"{ctx}: give polygons (a GeoJSON file) or adjacency (value → neighbours)")
        poly = None
        if g.get("polygons"):
            poly = Path(g["polygons"])
            if not poly.is_absolute() and base is not None:
                poly = (base / poly).resolve()
                shipped = Path(__file__).resolve().parent.parent / "reference" / poly.name
                if not poly.is_file() and shipped.is_file():   # a copy of a shipped framework (a run's bundle)
                    poly = shipped
        adj = g.get("adjacency") or {}
        if not isinstance(adj, dict):
            raise FrameworkError(f"{ctx}: adjacency must map each value to the list of its neighbours")
        out.append(Geography(col, poly, str(g.get("id_property", "id")),
                             {str(k): [str(x) for x in (v or [])] for k, v in adj.items()}, str(g.get("source", ""))))
    return tuple(out)


def with_groupings(units: pd.DataFrame, groupings, only: list[str] | None = None) -> pd.DataFrame:
    """``units`` with a column per grouping (its group of each row's source value).

    Parameters
    ----------
    units : DataFrame
        Unit columns (``IndexResult.units`` or a data table).
    groupings : iterable of Grouping
        The framework's groupings (:attr:`Framework.groupings`).
    only : list of str, optional
        Derive only these.

    Returns
    -------
    DataFrame
        A copy with the derived columns added; a source value no group lists is an error naming it.

    Examples
    --------
    >>> g = Grouping("circle", "city", {"济南市": "省会经济圈", "青岛市": "胶东经济圈"})
    >>> with_groupings(pd.DataFrame({"city": ["青岛市", "济南市"]}), [g])["circle"].tolist()
    ['胶东经济圈', '省会经济圈']
    """
    out = units.copy()
    for g in groupings:
        if only is not None and g.name not in only:
            continue
        if g.source not in out:
            raise DataError(f"grouping {g.name}: the data have no column {g.source!r}")
        values = out[g.source].astype(str)
        unknown = sorted(set(values[out[g.source].notna()]) - set(g.mapping))
        if unknown:
            raise DataError(f"grouping {g.name}: {g.source} value(s) {unknown[:5]} belong to no group of "
                            f"{g.groups}; add them to the framework's groupings")
        out[g.name] = values.map(g.mapping).where(out[g.source].notna())
    return out
