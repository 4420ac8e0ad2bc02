"""The indicator framework as data: hierarchy, directions, units, zh/en labels.

A framework file (YAML, schema_version 1) is a tree of nodes under one root. The level names
are declared in the file (``levels: [index, dimension, indicator, measure]``), so a framework
of any depth loads; the columns a data file must carry are the leaves of the tree. See
``toolkit/frameworks/shandong_industrial_brain.yaml`` for the annotated schema.

>>> fw = load_framework()
>>> fw.indicators.loc["L1P1", "unit"]
'亿元'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import FrameworkError
from .units import UnitColumn, check_keys, parse_unit_columns, suggest

DEFAULT_FRAMEWORK = "shandong_industrial_brain"

#: measurement types a node may declare, and what a data cell of that type must hold
MEASUREMENT_TYPES = {
    "amount": "non-negative number",
    "signed": "any number, negative allowed (a growth rate, a balance)",
    "count": "non-negative whole number",
    "share": "percentage between 0 and 100",
    "ratio": "non-negative number, not bounded above (a ratio that may exceed 100 %)",
    "ordinal": "rubric level",
    "checklist": "computed from 0/1 items",
    "binary": "0 or 1",
}
ROLLUP_METHODS = {"checklist_share": "raw", "normalised_mean": "index"}
_LANGS = ("zh", "en")
#: direction spellings: benefit/cost and COINr's +1/−1
DIRECTIONS = {"benefit": 1, "cost": -1, 1: 1, -1: -1, "1": 1, "-1": -1, "+1": 1}
TOP_KEYS = ("schema_version", "id", "version", "title_zh", "title_en", "description", "source", "licence",
            "levels", "dimension_level", "unit_columns", "constraints", "root")
NODE_KEYS = ("code", "name_zh", "name_en", "aliases", "children", "weight", "definition_zh", "definition_en",
             "unit", "unit_en", "measured_unit", "direction", "type", "min", "max", "rubric", "rollup",
             "denominator", "scale", "note")
UNIT_RULES = {"city_matches_code": ("city", "city_code")}


@dataclass(frozen=True)
class Node:
    """One node of the framework tree (the index, a dimension, an indicator or a measure).

    Examples
    --------
    Nodes come from a loaded framework, looked up by code:

    >>> fw = load_framework()
    >>> node = fw.node("L1P1")
    >>> node.level, node.parent, node.unit, node.direction, node.is_leaf
    ('indicator', 'L1', '亿元', 1, True)
    >>> node.name("en")
    'Industry scale'
    """

    code: str
    name_zh: str
    name_en: str
    level: str
    depth: int
    parent: str | None
    children: tuple[str, ...] = ()
    weight: float = 1.0
    definition_zh: str = ""
    definition_en: str = ""
    unit: str = ""
    unit_en: str = ""
    measured_unit: str = ""
    direction: int = 1
    type: str = ""
    rubric: tuple[tuple[int, str, str], ...] = ()
    rollup: dict | None = field(default=None, hash=False, compare=False)
    note: str = ""
    aliases: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    denominator: str | None = None
    scale: float = 1.0

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


class Framework:
    """An indicator framework: the tree of nodes plus the file's metadata.

    Build one with :func:`load_framework`. The object is read-only; its tables are pandas
    DataFrames indexed by node code, in the order of the file.

    Examples
    --------
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
                 sha256: str, unit_columns: tuple[UnitColumn, ...] = ()):
        self.meta = meta
        self._nodes = nodes
        self.levels = levels
        self.path = path
        self.sha256 = sha256
        self.unit_columns = unit_columns or parse_unit_columns(None, "")

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

    @property
    def group_columns(self) -> list[str]:
        """Unit columns that group units (group imputation, reports)."""
        return self.unit_role("group")

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
        if lang not in _LANGS:
            raise ValueError(f"lang must be one of {_LANGS}, got {lang!r}")
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
        out = data.copy()
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


# ---------------------------------------------------------------------------------------------
def available_frameworks() -> list[str]:
    """Names of the framework files shipped with the toolkit.

    Each name loads with :func:`load_framework`; any other framework is loaded from its file.

    Returns
    -------
    list of str
        The names, sorted.

    Examples
    --------
    >>> import toolkit
    >>> "shandong_industrial_brain" in toolkit.available_frameworks()
    True
    """
    files = resources.files("toolkit") / "frameworks"
    return sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".yaml"))


def load_framework(source: str | Path | Framework | None = None) -> Framework:
    """Load a framework file.

    Parameters
    ----------
    source : str, Path or Framework, optional
        A shipped framework name (default ``shandong_industrial_brain``; also ``undp_hdi`` and
        ``coinr_asem``) or the path of any YAML file with the same schema (see
        ``docs/frameworks.md``). A Framework is returned as it is.

    Returns
    -------
    Framework

    Examples
    --------
    >>> load_framework("undp_hdi").columns
    ['LE', 'EYS', 'MYS', 'GNI']

    Returns
    -------
    Framework
        The indicators, the hierarchy, the directions, units, labels and rubrics.

    Raises
    ------
    FrameworkError
        When the file breaks the schema; the message names the node and the field.

    Examples
    --------
    >>> import toolkit
    >>> fw = toolkit.load_framework()
    >>> len(fw.indicators), list(fw.dimensions.index)
    (28, ['L1', 'L2', 'L3', 'L4', 'L5'])
    >>> fw.indicators.loc["L1P1", "unit"]
    '亿元'
    """
    if isinstance(source, Framework):
        return source
    if source is None:
        source = DEFAULT_FRAMEWORK
    path = Path(source)
    if not path.suffix and not path.exists():
        res = resources.files("toolkit") / "frameworks" / f"{source}.yaml"
        if not res.is_file():
            raise FrameworkError(f"no framework named {source!r}; shipped: {available_frameworks()}")
        raw = res.read_bytes()
        path = Path(str(res))
    else:
        if not path.is_file():
            raise FrameworkError(f"framework file not found: {path}")
        raw = path.read_bytes()
    from ..files import MAX_YAML_BYTES, MAX_YAML_NODES, yaml_duplicate_keys, yaml_expanded_size

    if len(raw) > MAX_YAML_BYTES:
        raise FrameworkError(f"{path}: a framework file of {len(raw):,} bytes is too large (at most {MAX_YAML_BYTES:,})")
    try:
        text = raw.decode("utf-8")
        if yaml_expanded_size(text) > MAX_YAML_NODES:  # a "billion laughs" file, refused before it is built
            raise FrameworkError(f"{path}: the framework expands to more than {MAX_YAML_NODES:,} values through "
                                 "YAML aliases (&/*); refused")
        if dup := yaml_duplicate_keys(text):
            key, first, again = dup[0]
            raise FrameworkError(f"{path}: key {key!r} is given twice (lines {first} and {again}); YAML would "
                                 "keep only the last, so give each key once")
        doc = yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{path}: not valid UTF-8 YAML ({exc})") from exc
    return _parse(doc, path, hashlib.sha256(raw).hexdigest())


def _number(raw: dict, key: str, ctx: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FrameworkError(f"{ctx}: {key} must be a number, got {value!r}")
    return float(value)


def _direction(raw: dict, ctx: str) -> int:
    value = raw.get("direction", "benefit")
    key = int(value) if isinstance(value, float) and value in (1.0, -1.0) else value
    if isinstance(key, bool) or key not in DIRECTIONS:
        raise FrameworkError(f"{ctx}: direction must be benefit or cost (or, as in COINr, 1 or -1), "
                             f"got {value!r}{suggest(value, ('benefit', 'cost'))}")
    return DIRECTIONS[key]


def _names(raw: dict, ctx: str) -> tuple[str, str]:
    zh, en = str(raw.get("name_zh") or "").strip(), str(raw.get("name_en") or "").strip()
    if not zh and not en:
        raise FrameworkError(f"{ctx}: missing name_zh and name_en (give at least one)")
    return zh or en, en or zh


def _parse(doc, path: Path | None, sha256: str) -> Framework:
    where = str(path) if path else "<framework>"
    if not isinstance(doc, dict):
        raise FrameworkError(f"{where}: top level must be a mapping")
    check_keys(doc, TOP_KEYS, where)
    for key in ("schema_version", "id", "version", "levels", "root"):
        if key not in doc:
            raise FrameworkError(f"{where}: missing top-level field {key!r}")
    if doc["schema_version"] != 1:
        raise FrameworkError(f"{where}: unsupported schema_version {doc['schema_version']!r} (expected 1)")
    levels = tuple(str(lv) for lv in doc["levels"])
    if len(levels) < 2 or len(set(levels)) != len(levels):
        raise FrameworkError(f"{where}: levels must name at least two distinct levels, got {levels}")
    dim_level = doc.get("dimension_level")
    if dim_level is not None and dim_level not in levels[1:]:
        raise FrameworkError(f"{where}: dimension_level {dim_level!r} is not one of the levels below the index "
                             f"{list(levels[1:])}{suggest(dim_level, levels)}")
    unit_columns = parse_unit_columns(doc.get("unit_columns"), where)
    unit_names = {c.name for c in unit_columns}
    nodes: dict[str, Node] = {}

    def visit(raw: dict, depth: int, parent: str | None) -> None:
        if not isinstance(raw, dict) or "code" not in raw:
            raise FrameworkError(f"{where}: a node under {parent!r} has no code")
        code = str(raw["code"])
        ctx = f"{where}: node {code}"
        check_keys(raw, NODE_KEYS, ctx)
        if code in nodes:
            raise FrameworkError(f"{ctx}: code used twice")
        if depth >= len(levels):
            raise FrameworkError(f"{ctx}: deeper than the {len(levels)} declared levels {levels}")
        name_zh, name_en = _names(raw, ctx)
        kids = raw.get("children") or []
        direction = _direction(raw, ctx)
        mtype = raw.get("type", "")
        if mtype and mtype not in MEASUREMENT_TYPES:
            raise FrameworkError(f"{ctx}: type must be one of {sorted(MEASUREMENT_TYPES)}, got "
                                 f"{mtype!r}{suggest(mtype, MEASUREMENT_TYPES)}")
        if not kids and depth > 0 and not mtype:
            raise FrameworkError(f"{ctx}: a leaf needs a measurement type")
        weight = raw.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise FrameworkError(f"{ctx}: weight must be a non-negative number, got {weight!r}")
        lo, hi = _number(raw, "min", ctx), _number(raw, "max", ctx)
        if lo is not None and hi is not None and not lo < hi:
            raise FrameworkError(f"{ctx}: min must be below max, got {lo} and {hi}")
        denominator = raw.get("denominator")
        if denominator is not None and str(denominator) not in unit_names:
            raise FrameworkError(f"{ctx}: denominator {denominator!r} is not a declared unit column"
                                 f"{suggest(denominator, unit_names)}")
        scale = _number(raw, "scale", ctx)
        if scale is not None and (denominator is None or not scale > 0):
            raise FrameworkError(f"{ctx}: scale must be a positive number beside a denominator, got {scale!r}")
        rubric = ()
        if mtype == "ordinal":
            levels_raw = raw.get("rubric") or []
            if not levels_raw:
                raise FrameworkError(f"{ctx}: an ordinal indicator needs a rubric")
            for k, lv in enumerate(levels_raw, start=1):
                missing = [f for f in ("value",) if not isinstance(lv, dict) or f not in lv]
                if isinstance(lv, dict) and not ({"zh", "en"} & set(lv)):
                    missing.append("zh or en")
                if missing or isinstance(lv["value"], bool) or not isinstance(lv["value"], int):
                    got = sorted(lv) if isinstance(lv, dict) else lv
                    raise FrameworkError(f"{ctx}: rubric level {k} needs the fields value (a whole number) and "
                                         f"zh and/or en; missing or wrong: {missing or ['value']} (got {got!r})")
            rubric = tuple((int(lv["value"]), str(lv.get("zh", lv.get("en", ""))), str(lv.get("en", lv.get("zh", ""))))
                           for lv in levels_raw)
        rollup = raw.get("rollup")
        if kids and depth > 0 and mtype and not rollup:
            raise FrameworkError(f"{ctx}: an indicator with sub-measures needs a rollup")
        if rollup:
            method = rollup.get("method")
            if method not in ROLLUP_METHODS:
                raise FrameworkError(f"{ctx}: rollup method must be one of {sorted(ROLLUP_METHODS)}")
            rollup = {"stage": ROLLUP_METHODS[method], **rollup}
            if method == "checklist_share" and any(k.get("type") != "binary" for k in kids):
                raise FrameworkError(f"{ctx}: checklist items must have type binary")
        aliases = raw.get("aliases") or []
        if not isinstance(aliases, list):
            raise FrameworkError(f"{ctx}: aliases must be a list of header spellings, got {aliases!r}")
        nodes[code] = Node(
            code=code, name_zh=name_zh, name_en=name_en,
            level=levels[depth], depth=depth, parent=parent,
            children=tuple(str(k.get("code")) for k in kids if isinstance(k, dict)),
            weight=float(weight),
            definition_zh=str(raw.get("definition_zh", "")), definition_en=str(raw.get("definition_en", "")),
            unit=str(raw.get("unit", "")), unit_en=str(raw.get("unit_en", "")),
            measured_unit=str(raw.get("measured_unit", "")),
            direction=direction, type=mtype, rubric=rubric,
            rollup=rollup, note=str(raw.get("note", "")).strip(),
            aliases=tuple(str(a) for a in aliases), min=lo, max=hi,
            denominator=None if denominator is None else str(denominator), scale=scale or 1.0,
        )
        for k in kids:
            visit(k, depth + 1, code)

    visit(doc["root"], 0, None)
    leaves = {c for c, n in nodes.items() if n.is_leaf and n.depth > 0}
    clash = sorted(unit_names & set(nodes))
    if clash:
        raise FrameworkError(f"{where}: {clash} are both unit columns and nodes")
    unit_rules = []
    for i, con in enumerate(doc.get("constraints") or []):
        rule = con.get("rule") if isinstance(con, dict) else None
        if rule in UNIT_RULES:
            absent = [c for c in UNIT_RULES[rule] if c not in unit_names]
            if absent:
                raise FrameworkError(f"{where}: constraint {i + 1}: rule {rule} needs the unit column(s) {absent}")
            unit_rules.append(rule)
            continue
        if rule != "le":
            raise FrameworkError(f"{where}: constraint {i + 1}: unknown rule {rule!r} "
                                 f"(known: {['le', *UNIT_RULES]}){suggest(rule, ['le', *UNIT_RULES])}")
        check_keys(con, ("rule", "left", "right", "zh", "en"), f"{where}: constraint {i + 1}")
        for side in ("left", "right"):
            if con.get(side) not in leaves:
                raise FrameworkError(f"{where}: constraint {i + 1}: {side} {con.get(side)!r} is not a data column")
    meta = {k: v for k, v in doc.items() if k != "root"}
    meta["unit_rules"] = unit_rules
    return Framework(meta, nodes, levels, path, sha256, unit_columns)
