"""Reading a framework file: the strict loader and its checks (the model is in :mod:`toolkit.framework.model`).

Every key of the file is checked: an unknown key is an error that names the key and the
closest valid one; directions accept benefit/cost and COINr's 1/-1; a node may give its name in
one language only. :func:`load_framework` is also importable from
:mod:`toolkit.framework.model`.

>>> load_framework("undp_hdi").wording.unit.en_plural
'countries'
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import yaml

from ..errors import FrameworkError
from .groupings import parse_geography, parse_groupings
from .model import Framework
from .schema import (
    DEFAULT_FRAMEWORK,
    DIRECTIONS,
    MEASUREMENT_TYPES,
    NODE_KEYS,
    ROLLUP_METHODS,
    TOP_KEYS,
    UNIT_RULES,
    Node,
)
from .units import check_keys, parse_unit_columns, suggest
from .wording import parse_wording


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
        from ..publish.guard import protect

        protect(path)  # an input of the running command: never written over
        raw = path.read_bytes()
    return framework_from_bytes(raw, path)


def framework_from_bytes(raw: bytes, path: Path | None = None) -> Framework:
    """A framework from the bytes of its file, checked as :func:`load_framework` checks a file.

    For a copy a run made itself (the framework file a results bundle carries): reading it does
    not make it an input of the running command, so the run may publish the folder it is in.

    Parameters
    ----------
    raw : bytes
        The file's bytes (UTF-8, or GBK/GB18030).
    path : Path, optional
        Where they came from, for messages and ``Framework.path``.

    Returns
    -------
    Framework
        As :func:`load_framework` returns it; its ``sha256`` is the hash of ``raw``.

    Examples
    --------
    >>> from importlib import resources
    >>> raw = (resources.files("toolkit") / "frameworks" / "undp_hdi.yaml").read_bytes()
    >>> framework_from_bytes(raw).id
    'undp_hdi'
    """
    from ..safe_yaml import MAX_YAML_BYTES, decode_text, empty_message, load_checked_yaml

    if len(raw) > MAX_YAML_BYTES:
        raise FrameworkError(f"{path}: a framework file of {len(raw):,} bytes is too large (at most {MAX_YAML_BYTES:,})")
    try:
        text, _ = decode_text(raw)  # UTF-8 (with or without BOM), else GBK/GB18030, as a spec
    except UnicodeDecodeError as exc:
        raise FrameworkError(f"{path}: the framework file is neither UTF-8 nor GBK/GB18030 text") from exc
    if not text.strip():  # blank (tabs included, which YAML would call a syntax error)
        raise FrameworkError(empty_message(path, "framework"))
    try:
        doc = load_checked_yaml(text, path, "framework", FrameworkError)  # billion laughs, keys given twice
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path}: not valid YAML ({exc})") from exc
    if doc is None:  # only comments or ---: never the built-in framework in its place
        raise FrameworkError(empty_message(path, "framework"))
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
    wide = doc.get("wide")
    if wide is not None and not (isinstance(wide, dict) and set(wide) <= {"pattern", "other", "years"}
                                 and "{code}" in str(wide.get("pattern", "")) and "{year}" in str(wide.get("pattern", ""))
                                 and wide.get("other", "error") in ("error", "ignore")):
        raise FrameworkError(f"{where}: wide must be {{pattern: '<text with {{code}} and {{year}}>', other: error|ignore, "
                             "years: [optional list]}, "
                             f"got {wide!r}")
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
            short_zh=str(raw.get("short_zh") or "").strip(), short_en=str(raw.get("short_en") or "").strip(),
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
    groupings = parse_groupings(doc.get("groupings"), unit_names, where)
    parse_geography(doc.get("geography"), unit_names | {g.name for g in groupings},
                    path.parent if path else None, where)
    meta = {k: v for k, v in doc.items() if k != "root"}
    meta["unit_rules"] = unit_rules
    wording = parse_wording(doc.get("reporting"), levels, {c.name: c for c in unit_columns}, where)
    return Framework(meta, nodes, levels, path, sha256, unit_columns, wording)
