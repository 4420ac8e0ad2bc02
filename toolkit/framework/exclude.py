"""Leaving indicators (or whole aggregates) out of a framework: the spec's ``exclude:`` list.

COINr's ``change_ind(coin, drop = …)`` and ``new_coin(exclude = …)`` rebuild an index without some
indicators. Here the specification lists them (``exclude: [LPI, Forest]``) and the index is built
on the framework with those nodes removed: every parent keeps its other children, whose weights
(and so the effective weights) renormalise over what remains, because the weights of a parent's
children are always rescaled to sum to 1. A data file that still carries the excluded columns is
read with the full framework and the columns are ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ..errors import SpecError

__all__ = ["excluded_codes", "gone_codes", "scrub", "without"]

#: the spec sections whose mappings may be keyed by node codes (per-indicator and per-node
#: parameters, overrides, manual weights, denominators)
_KEYED_SECTIONS = ("denomination", "outliers", "normalisation", "weights", "aggregation")


def excluded_codes(fw) -> tuple[str, ...]:
    """The codes a framework was built without (empty for a framework as loaded)."""
    return tuple(getattr(fw, "excluded", ()))


def without(fw, codes, where: str = "spec"):
    """The framework ``fw`` without the nodes ``codes`` (and everything below them).

    Parameters
    ----------
    fw : Framework
    codes : iterable of str
        Indicator or aggregate codes; a code ``fw`` was already built without is accepted.
    where : str
        Named in the errors (the spec file).

    Returns
    -------
    Framework
        A new framework (``fw`` when ``codes`` is empty) whose ``excluded`` attribute lists every
        code left out so far.

    Raises
    ------
    SpecError
        A code that is not a node, the root, or a parent left with no children.

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> fw = without(load_framework("undp_hdi"), ["MYS"])
    >>> fw.node("EDUCATION").children, fw.columns, fw.excluded
    (('EYS',), ['LE', 'EYS', 'GNI'], ('MYS',))
    >>> without(fw, ["EYS"])
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: spec: exclude leaves EDUCATION with no children; exclude EDUCATION itself
    """
    codes = list(dict.fromkeys(codes or ()))
    done = excluded_codes(fw)
    new = [c for c in codes if c not in done]
    if not new:
        return fw
    for c in new:
        if c not in fw:
            from .units import suggest

            raise SpecError(f"{where}: exclude names {c!r}, which is not a node of framework {fw.id}"
                            f"{suggest(c, [n.code for n in fw.nodes()])}")
        if c == fw.root.code:
            raise SpecError(f"{where}: exclude cannot name the root {c!r}")
    gone: set[str] = set()
    stack = list(new)
    while stack:
        c = stack.pop()
        gone.add(c)
        stack.extend(fw.node(c).children)
    nodes = {}
    for n in fw.nodes():
        if n.code in gone:
            continue
        kids = tuple(k for k in n.children if k not in gone)
        if n.children and not kids:
            raise SpecError(f"{where}: exclude leaves {n.code} with no children; exclude {n.code} itself")
        nodes[n.code] = dataclasses.replace(n, children=kids) if kids != n.children else n
    out = type(fw)(fw.meta, nodes, fw.levels, fw.path, fw.sha256, fw.unit_columns, fw.wording)
    out.excluded = (*done, *new)
    return out


def gone_codes(full, pruned) -> set[str]:
    """Every code of ``full`` that ``pruned`` lacks (the excluded nodes and their descendants)."""
    return {n.code for n in full.nodes()} - {n.code for n in pruned.nodes()}


def scrub(doc, gone):
    """A copy of the spec dict ``doc`` with every mapping entry keyed by a code of ``gone``
    dropped from the sections that key by node (a per-indicator ``lower: {MYS: 0}``, an override,
    a manual weight): a setting for an excluded indicator has nothing left to set.

    Examples
    --------
    >>> scrub({"normalisation": {"params": {"lower": {"LE": 20, "MYS": 0}}}, "name": "MYS"}, {"MYS"})
    {'normalisation': {'params': {'lower': {'LE': 20}}}, 'name': 'MYS'}
    """
    def walk(obj):
        if isinstance(obj, Mapping):
            return {k: walk(v) for k, v in obj.items() if k not in gone}
        if isinstance(obj, list | tuple):
            return [walk(v) for v in obj]
        return obj

    if not gone:
        return doc
    return {k: walk(v) if k in _KEYED_SECTIONS else v for k, v in doc.items()}
