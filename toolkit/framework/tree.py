"""The tree the index aggregates: parent → children from the root down, raw-stage roll-ups as
leaves (:func:`index_tree`), and its leaves (:func:`index_leaves`). A property of the framework,
read by the specification checks, ``build_index``, the plan and the Monte Carlo engine.
"""

from __future__ import annotations

from .model import Framework

__all__ = ["index_leaves", "index_tree"]


def index_tree(fw: Framework) -> dict[str, list[str]]:
    """Parent → children of the tree the index aggregates (raw-stage roll-ups are leaves).

    Parameters
    ----------
    fw : Framework

    Returns
    -------
    dict
        Parent code → its children's codes, from the root down.

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> index_tree(load_framework("undp_hdi"))
    {'HDI': ['HEALTH', 'EDUCATION', 'INCOME'], 'HEALTH': ['LE'], 'EDUCATION': ['EYS', 'MYS'], 'INCOME': ['GNI']}
    """
    tree: dict[str, list[str]] = {}

    def visit(code: str) -> None:
        node = fw.node(code)
        if node.is_leaf or (node.rollup or {}).get("stage") == "raw":
            return
        tree[code] = list(node.children)
        for c in node.children:
            visit(c)

    visit(fw.root.code)
    return tree


def index_leaves(fw: Framework) -> list[str]:
    """The leaves of :func:`index_tree`, in the tree's order (what the index normalises).

    Parameters
    ----------
    fw : Framework

    Returns
    -------
    list of str

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> index_leaves(load_framework("undp_hdi"))
    ['LE', 'EYS', 'MYS', 'GNI']
    """
    tree = index_tree(fw)
    kids = [c for cs in tree.values() for c in cs]
    return [c for c in kids if c not in tree]
