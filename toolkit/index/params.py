"""Per-indicator parameters: a scalar for every indicator, or a mapping indicator → value.

A normalisation parameter may be given once (``lower: 0``) or per indicator
(``lower: {LE: 20, EYS: 0, MYS: 0, GNI: 100}``, ``log: {GNI: true}``). The rules, the same for
every method:

* a mapping may only name indicators of its *block* — the index leaves that method and params
  apply to (all leaves but the overridden ones, or the leaves of one override): a leaf of another
  block, or a code the framework lacks, is a :class:`~toolkit.errors.SpecError` naming it (codes
  of the framework that are never normalised, such as aggregates, are ignored);
* a parameter the method needs (no default in its signature) must have a value for every
  indicator of the block; a parameter with a default falls back to it for the indicators a
  mapping leaves out (``log: {GNI: true}`` logs GNI and nothing else);
* each indicator gets its own scalar parameters (:func:`column_params`), so a value given for
  one indicator never changes another.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import SpecError

__all__ = ["normalisation_blocks", "column_params", "check_indicator_params"]


def normalisation_blocks(ns: Mapping, columns) -> dict[str, list[str]]:
    """``"normalisation"`` or ``"normalisation.overrides.CODE"`` → the columns it applies to.

    >>> normalisation_blocks({"method": "minmax", "params": {}, "overrides": {"B": {"method": "rank"}}}, ["A", "B"])
    {'normalisation': ['A'], 'normalisation.overrides.B': ['B']}
    """
    overrides = ns.get("overrides") or {}
    out = {"normalisation": [c for c in columns if c not in overrides]}
    for code in overrides:
        if code in columns:
            out[f"normalisation.overrides.{code}"] = [code]
    return out


def _choice(ns: Mapping, code: str | None) -> tuple[str, dict]:
    o = (ns.get("overrides") or {}).get(code, {}) if code else {}
    method = o.get("method", ns["method"])
    params = dict(o.get("params", ns.get("params") or {} if method == ns["method"] else {}))
    return method, params


def column_params(ns: Mapping, column: str) -> tuple[str, dict]:
    """The method and the scalar parameters of one column under a normalisation section.

    Each mapping-valued parameter is replaced by the column's entry, or dropped (the method's
    default applies) when the mapping does not name the column.

    Parameters
    ----------
    ns : mapping
        The spec's ``normalisation`` section (method, params, overrides).
    column : str
        An index leaf.

    Returns
    -------
    tuple
        (method, params) with every parameter a scalar.

    Examples
    --------
    >>> ns = {"method": "goalposts", "params": {"lower": {"A": 1, "B": 2}, "upper": 9, "log": {"B": True}},
    ...       "overrides": {}}
    >>> column_params(ns, "A")
    ('goalposts', {'lower': 1, 'upper': 9})
    >>> column_params(ns, "B")
    ('goalposts', {'lower': 2, 'upper': 9, 'log': True})
    """
    method, params = _choice(ns, column if column in (ns.get("overrides") or {}) else None)
    out = {}
    for key, value in params.items():
        if isinstance(value, Mapping):
            if column in value:
                out[key] = value[column]
        else:
            out[key] = value
    return method, out


def check_indicator_params(doc: Mapping, fw, where_file: str = "spec") -> None:
    """Check every mapping-valued normalisation parameter of a spec against its block, with the
    parameters the registry declares (:data:`toolkit.methods.registry.NORMALISATION`).

    Raises
    ------
    SpecError
        When a mapping names an indicator outside its block, or a required parameter has no
        value for an indicator of the block.
    """
    from ..methods.registry import NORMALISATION
    from .build import index_leaves

    ns = doc["normalisation"]
    leaves = index_leaves(fw)
    for where, cols in normalisation_blocks(ns, leaves).items():
        if not cols:
            continue
        code = where.rsplit(".", 1)[1] if where != "normalisation" else None
        method, params = _choice(ns, code)
        declared = {p.name: p for p in NORMALISATION[method].params} if method in NORMALISATION else {}
        for key, value in params.items():
            if not isinstance(value, Mapping):
                continue
            # a code of the framework that is never normalised (an aggregate, a checklist item rolled
            # up before the index) is harmless; a leaf that another block normalises, or a code the
            # framework does not have, is a mistake
            outside = [c for c in value if c not in cols and (c in leaves or c not in fw)]
            if outside:
                kind = "not in framework " + fw.id if any(c not in fw for c in outside) \
                    else "normalised by another method here"
                raise SpecError(f"{where_file}: {where}.params.{key} names {outside}, {kind}; this block holds {cols}")
            needed = key in declared and declared[key].required
            absent = [c for c in cols if c not in value]
            if needed and absent:
                raise SpecError(f"{where_file}: {where}.params.{key}: method {method!r} needs a value for every "
                                f"indicator; none given for {absent}")
