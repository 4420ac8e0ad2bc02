"""What a framework file may say: its top-level and node keys, the measurement types, directions,
roll-ups and unit rules a node or the file may declare, and :class:`Node`, one node of the tree.

:mod:`toolkit.framework.loader` reads a file against these; :class:`~toolkit.framework.model.Framework`
is the tree of nodes it builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_FRAMEWORK", "DIRECTIONS", "LANGS", "MEASUREMENT_TYPES", "NODE_KEYS", "ROLLUP_METHODS",
           "TOP_KEYS", "UNIT_RULES", "Node"]

#: the framework loaded when none is named
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
#: the languages of a framework's names
LANGS = ("zh", "en")
#: direction spellings: benefit/cost and COINr's +1/−1
DIRECTIONS = {"benefit": 1, "cost": -1, 1: 1, -1: -1, "1": 1, "-1": -1, "+1": 1}
TOP_KEYS = ("schema_version", "id", "version", "title_zh", "title_en", "description", "source", "licence",
            "levels", "dimension_level", "unit_columns", "reporting", "constraints", "wide", "groupings",
            "geography", "root")
NODE_KEYS = ("code", "name_zh", "name_en", "aliases", "children", "weight", "definition_zh", "definition_en",
             "unit", "unit_en", "measured_unit", "direction", "type", "min", "max", "rubric", "rollup",
             "denominator", "scale", "note", "short_zh", "short_en")
#: rules between unit columns a framework may name in `constraints`, and the columns each needs. The
#: one rule is Shandong's (a city and its GB/T 2260 code agree, checked against toolkit/framework/geo.py),
#: so it names Shandong's columns: a framework that uses it must call them city and city_code.
UNIT_RULES = {"city_matches_code": ("city", "city_code")}


@dataclass(frozen=True)
class Node:
    """One node of the framework tree (the index, a dimension, an indicator or a measure).

    Examples
    --------
    Nodes come from a loaded framework, looked up by code:

    >>> from toolkit.framework.loader import load_framework
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
    short_zh: str = ""
    short_en: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def short(self, lang: str = "zh") -> str:
        """The short name in ``lang`` (``short_zh`` / ``short_en``, for labels such as a unit's
        type), else the name.

        >>> Node("L2", "数据支撑能力", "Data support", "dimension", 1, "L", short_zh="数据支撑").short("zh")
        '数据支撑'
        >>> Node("L2", "数据支撑能力", "Data support", "dimension", 1, "L").short("en")
        'Data support'
        """
        return (self.short_zh if lang == "zh" else self.short_en) or self.name(lang)
