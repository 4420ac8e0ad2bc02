"""The indicator framework as data: hierarchy, directions, units, zh/en labels.

A framework file (YAML, schema_version 1) is a tree of nodes under one root. The level names
are declared in the file (``levels: [index, dimension, indicator, measure]``), so a framework
of any depth loads; the columns a data file must carry are the leaves of the tree. See
``toolkit/frameworks/shandong_industrial_brain.yaml`` for the annotated schema. The file is
read and checked by :mod:`toolkit.framework.loader` against :mod:`toolkit.framework.schema` (the
keys, types and directions a file may declare, and :class:`~toolkit.framework.schema.Node`); this
module is :class:`Framework`, the tree of nodes: navigation, tables and roll-ups.

>>> from toolkit.framework.loader import load_framework
>>> fw = load_framework()
>>> fw.indicators.loc["L1P1", "unit"]
'亿元'
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import FrameworkError
from .schema import LANGS, Node
from .units import UnitColumn, parse_unit_columns
from .wording import Wording


class Framework:
    """An indicator framework: the tree of nodes plus the file's metadata.

    Build one with :func:`load_framework`. The object is read-only; its tables are pandas
    DataFrames indexed by node code, in the order of the file.

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> fw = load_framework()
    >>> fw
    <Framework shandong_industrial_brain v2024.1-trial: levels ['index', 'dimension', 'indicator', 'measure'], 28 indicators, 45 data columns>
    >>> fw.levels
    ('index', 'dimension', 'indicator', 'measure')
    >>> list(fw.dimensions.index)
    ['L1', 'L2', 'L3', 'L4', 'L5']
    >>> fw.ancestor("L1P1", "dimension")
    'L1'
    """

    def __init__(self, meta: dict, nodes: dict[str, Node], levels: tuple[str, ...], path: Path | None,
                 sha256: str, unit_columns: tuple[UnitColumn, ...] = (), wording: Wording | None = None):
        self.meta = meta
        self._nodes = nodes
        self.levels = levels
        self.path = path
        self.sha256 = sha256
        self.unit_columns = unit_columns or parse_unit_columns(None, "")
        self.wording = wording or Wording()

    # -- unit columns -------------------------------------------------------------------------
    def unit_column(self, name: str) -> UnitColumn:
        """The declared unit column ``name``."""
        for c in self.unit_columns:
            if c.name == name:
                return c
        raise KeyError(f"{name!r} is not a unit column of framework {self.id}; "
                       f"declared: {[c.name for c in self.unit_columns]}")

    def unit_role(self, role: str) -> list[str]:
        """Names of the unit columns with ``role`` (id, name, group, year, denominator, attribute)."""
        return [c.name for c in self.unit_columns if c.role == role]

    @property
    def name_column(self) -> str | None:
        """The unit column that names a unit (``brain_name``, ``country``…), or None."""
        names = self.unit_role("name")
        return names[0] if names else None

    def name_columns(self, lang: str = "zh") -> list[str]:
        """The name columns to try for a unit's name in ``lang``: the one declared in that
        language, then those in no declared language, then the other language's.

        Examples
        --------
        >>> from toolkit.framework.loader import load_framework
        >>> load_framework("undp_hdi").name_columns("zh")
        ['country']
        """
        cols = [c for c in self.unit_columns if c.role == "name"]
        order = {lang: 0, None: 1}
        return [c.name for c in sorted(cols, key=lambda c: order.get(c.lang, 2))]

    @property
    def id_names(self) -> str | None:
        """Where reports find a unit's name from its id (``iso3166``: country codes), or None."""
        return next((c.names for c in self.unit_columns if c.role == "id"), None)

    @property
    def group_columns(self) -> list[str]:
        """Unit columns that group units (group imputation, reports)."""
        return self.unit_role("group")

    @property
    def groupings(self) -> tuple:
        """Group columns derived from a unit column (``groupings``: Shandong's economic circles),
        as :class:`~toolkit.framework.groupings.Grouping` objects."""
        from .groupings import parse_groupings

        return parse_groupings(self.meta.get("groupings"), {c.name for c in self.unit_columns}, self.id)

    @property
    def geography(self) -> tuple:
        """Polygons and adjacency lists of unit columns or groupings (``geography``), as
        :class:`~toolkit.framework.groupings.Geography` objects."""
        from .groupings import parse_geography

        cols = {c.name for c in self.unit_columns} | {g.name for g in self.groupings}
        return parse_geography(self.meta.get("geography"), cols, self.path.parent if self.path else None, self.id)

    @property
    def summary_columns(self) -> list[str]:
        """The unit columns :meth:`IndexResult.summary` shows beside the scores: the name and the
        group columns, less those the file marks ``summary: false`` (Shandong's city code and
        county)."""
        return [c.name for c in self.unit_columns if c.in_summary]

    @property
    def region_column(self) -> str | None:
        """The unit column the reports use as the region (``city``), or None (``reporting.region``)."""
        return self.wording.region_column

    @property
    def peer_column(self) -> str | None:
        """The unit column whose units are each other's peers (``industry``), or None."""
        return self.wording.peer_column

    def words(self, lang: str = "zh") -> dict[str, str]:
        """The nouns and counts the report texts are filled with (see
        :meth:`toolkit.framework.wording.Wording.words`): the unit, region, peer and dimension
        nouns and the number of dimensions, from this framework, never hard-coded.

        Examples
        --------
        >>> from toolkit.framework.loader import load_framework
        >>> w = load_framework().words("en")
        >>> w["Units"], w["dims"], w["n_dims"], w["region"], w["peer"]
        ('Brains', 'dimensions', 'five', 'city', 'industry')
        >>> load_framework("undp_hdi").words("zh")["unit"]
        '国家'
        """
        level = self.dimension_level or self.levels[1]
        return self.wording.words(lang, level, len(self.nodes(level)))

    @property
    def unit_rules(self) -> list[str]:
        """Rules between unit columns (``city_matches_code``)."""
        return list(self.meta.get("unit_rules") or [])

    # -- identity ---------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def title(self, lang: str = "zh") -> str:
        return self.meta.get(f"title_{lang}", self.id)

    def __repr__(self) -> str:
        return (f"<Framework {self.id} v{self.version}: levels {list(self.levels)}, "
                f"{len(self.indicators)} indicators, {len(self.leaves())} data columns>")

    # -- nodes and navigation -----------------------------------------------------------------
    @property
    def root(self) -> Node:
        return next(iter(self._nodes.values()))

    def node(self, code: str) -> Node:
        try:
            return self._nodes[code]
        except KeyError:
            raise KeyError(f"{code!r} is not a node of framework {self.id}") from None

    def __contains__(self, code: str) -> bool:
        return code in self._nodes

    def nodes(self, level: str | None = None) -> list[Node]:
        """All nodes, or those of one level, in file order."""
        if level is not None and level not in self.levels:
            raise KeyError(f"unknown level {level!r}; levels are {list(self.levels)}")
        return [n for n in self._nodes.values() if level is None or n.level == level]

    def children(self, code: str) -> list[Node]:
        return [self._nodes[c] for c in self.node(code).children]

    def parent(self, code: str) -> Node | None:
        p = self.node(code).parent
        return None if p is None else self._nodes[p]

    def ancestor(self, code: str, level: str) -> str:
        """Code of the ancestor of ``code`` at ``level`` (the node itself if it is at that level).

        ``level="dimension"`` means the framework's :attr:`dimension_level` (a framework may call
        its dimensions pillars)."""
        if level == "dimension" and "dimension" not in self.levels and self.dimension_level:
            level = self.dimension_level
        node = self.node(code)
        while node is not None and node.level != level:
            node = self.parent(node.code)
        if node is None:
            raise KeyError(f"{code!r} has no ancestor at level {level!r}")
        return node.code

    def leaves(self, code: str | None = None) -> list[Node]:
        """The leaves (data columns) under ``code`` (default: the whole tree), in file order."""
        start = self.node(code) if code else self.root
        out: list[Node] = []
        stack = [start]
        while stack:
            n = stack.pop()
            if n.is_leaf:
                out.append(n)
            else:
                stack.extend(self._nodes[c] for c in reversed(n.children))
        return out

    @property
    def columns(self) -> list[str]:
        """Codes of the data columns a return must carry (the leaves), in file order."""
        return [n.code for n in self.leaves()]

    # -- tables ------------------------------------------------------------------------------
    @cached_property
    def hierarchy(self) -> pd.DataFrame:
        """One row per node, like COINr's iMeta: code, parent, level, depth, weight, names, …"""
        rows = [{
            "code": n.code, "parent": n.parent, "level": n.level, "depth": n.depth,
            "weight": n.weight, "name_zh": n.name_zh, "name_en": n.name_en, "type": n.type or None,
            "unit": n.unit or None, "direction": n.direction if n.type else None,
            "is_leaf": n.is_leaf,
            "rollup": (n.rollup or {}).get("method"),
        } for n in self._nodes.values()]
        return pd.DataFrame(rows).set_index("code")

    def _table(self, nodes: list[Node]) -> pd.DataFrame:
        rows = []
        for n in nodes:
            rows.append({
                "code": n.code, "dimension": self._dimension_of(n), "parent": n.parent,
                "name_zh": n.name_zh, "name_en": n.name_en, "unit": n.unit, "unit_en": n.unit_en,
                "measured_unit": n.measured_unit or n.unit,
                "direction": n.direction, "type": n.type, "weight": n.weight,
                "definition_zh": n.definition_zh, "definition_en": n.definition_en,
                "note": n.note, "rollup": (n.rollup or {}).get("method"),
            })
        return pd.DataFrame(rows).set_index("code")

    def _dimension_of(self, n: Node) -> str | None:
        if self.dimension_level is None:
            return None
        try:
            return self.ancestor(n.code, self.dimension_level)
        except KeyError:
            return None

    @property
    def dimension_level(self) -> str | None:
        """The level the toolkit treats as "dimensions" (reports, coupling, obstacles by
        dimension): ``dimension_level`` from the file, else the level named ``dimension``,
        else None — never a guess."""
        declared = self.meta.get("dimension_level")
        if declared:
            return declared
        return "dimension" if "dimension" in self.levels else None

    @cached_property
    def dimensions(self) -> pd.DataFrame:
        """The dimension level: code, name_zh, name_en, weight.

        Raises
        ------
        FrameworkError
            When the framework has no level named ``dimension`` and declares no
            ``dimension_level``.
        """
        level = self.dimension_level
        if level is None:
            raise FrameworkError(f"framework {self.id} has no level named 'dimension'; add "
                                 f"`dimension_level: <one of {list(self.levels[1:-1]) or list(self.levels)}>` "
                                 "to the framework file to say which level plays that part")
        return self.hierarchy.loc[self.hierarchy["level"] == level,
                                  ["name_zh", "name_en", "weight"]]

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """The indicator level, with unit, direction, measurement type and definitions."""
        return self._table(self.nodes("indicator" if "indicator" in self.levels else self.levels[-1]))

    @cached_property
    def measures(self) -> pd.DataFrame:
        """The data columns (leaves) with the unit their values are stored in."""
        return self._table(self.leaves())

    @property
    def directions(self) -> pd.Series:
        """+1 (benefit) / −1 (cost) for every leaf and indicator code."""
        codes = dict.fromkeys(list(self.indicators.index) + self.columns)
        return pd.Series({c: self._nodes[c].direction for c in codes}, name="direction")

    @property
    def units(self) -> pd.Series:
        """The unit as printed in the source, for every indicator and leaf code."""
        codes = dict.fromkeys(list(self.indicators.index) + self.columns)
        return pd.Series({c: self._nodes[c].unit for c in codes}, name="unit")

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """Code → name in ``lang`` (zh or en) for every node."""
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
        return {c: n.name(lang) for c, n in self._nodes.items()}

    def label(self, code: str, lang: str = "zh", with_code: bool = False) -> str:
        name = self.node(code).name(lang)
        return f"{code} {name}" if with_code else name

    def rubric(self, code: str) -> pd.DataFrame:
        """Levels of an ordinal indicator: value, zh, en."""
        n = self.node(code)
        if n.type != "ordinal":
            raise KeyError(f"{code!r} is not an ordinal indicator")
        return pd.DataFrame(n.rubric, columns=["value", "zh", "en"])

    @property
    def constraints(self) -> list[dict]:
        """Cross-field rules between data columns (``rule: le`` means left ≤ right)."""
        return [c for c in self.meta.get("constraints") or [] if c.get("rule") == "le"]

    @property
    def denominators(self) -> dict[str, tuple[str, float]]:
        """Leaf code → (denominator column, scale factor) for every leaf that declares one."""
        return {n.code: (n.denominator, n.scale) for n in self.leaves() if n.denominator}

    # -- roll-ups -----------------------------------------------------------------------------
    def rollup_raw(self, data: pd.DataFrame) -> pd.DataFrame:
        """Add the indicators that roll up from raw sub-measures (checklists) to ``data``.

        ``checklist_share``: 100 × Σ w·item / Σ w over the 0/1 items; the result is missing
        when any item is missing (a partly filled checklist is not scored as unticked).
        Returns a new DataFrame; ``data`` is not modified.
        """
        out = data.copy(deep=False)  # new columns go to the copy only; the data are not copied
        for n in self._nodes.values():
            if not n.rollup or n.rollup.get("stage") != "raw":
                continue
            kids = [self._nodes[c] for c in n.children]
            items = out[[k.code for k in kids]].astype(float)
            w = np.array([k.weight for k in kids], dtype=float)
            score = 100.0 * items.to_numpy() @ w / w.sum()
            out[n.code] = np.where(items.isna().any(axis=1), np.nan, score)
        return out

    def to_frame(self) -> pd.DataFrame:
        """Every node with every attribute: the codebook as one table."""
        return self._table(list(self._nodes.values()))


