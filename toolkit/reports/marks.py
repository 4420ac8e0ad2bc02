"""Marks on what a page shows of a score: which built value a number on the page is.

Every element that shows a score carries ``data-score="KEY"``, and every chart the keys of its
plotted values (``data-keys``, beside ``data-values``), so a test can compare what the reader
sees with the built index (``tests/reports/audit.py``). A key is ``unit|node|year``:

* ``unit`` is a unit id, or a group of units: ``@mean`` / ``@max`` (all units of the year),
  ``@region=VALUE`` (the mean of the units of one region), ``@grouping=NAME:VALUE`` (of the
  regions a grouping of the framework maps to VALUE), ``@others-region=UNIT`` and
  ``@others-peer=UNIT`` (the mean of the *other* units of the unit's region or peer group);
* ``node`` is a code of the framework (the composite, a dimension: the unit's score; a leaf:
  its normalised value) or ``rank``;
* a change is two keys joined by ``~`` (the first minus the second); the page shows its size.

Every other number a page shows is marked too, so a number cannot slip in unchecked:

* ``data-value="SOURCE|KEY…"`` (:func:`value`, :func:`vspan`, :func:`vcell`) is a value of one of
  the run's results other than a score: ``weight|SPEC|NODE`` (a specification's effective weight
  of a node, shown as a percentage), ``agreement|A|B|spearman`` (or ``kendall``),
  ``spread|UNIT`` (the places a unit moves across the specifications), ``probability|UNIT`` and
  ``screened|UNIT`` (its selection probability, the share of replications that screen it out),
  ``sobol|UNIT|FACTOR|ST`` (or ``S1``), ``coupling|UNIT|YEAR|D`` (or ``C``, ``T``), an
  indicator's ``percentile|UNIT|CODE|YEAR``, ``indicator_weight|…`` and ``obstacle|…``; the audit
  recomputes it from the results and knows the precision it is shown at;
* ``data-plain="KIND"`` (:func:`plain`) declares a number that is not a result: a ``year``, a
  ``count``, an axis ``tick``, a ``quota``, a number of ``runs``, a ``threshold`` the page
  states, a number in a ``label`` ("1 = selected").

Examples
--------
>>> key("CHN", "HDI", 2022), change(key("CHN", "HDI", 2022), key("@mean", "HDI", 2022))
('CHN|HDI|2022', 'CHN|HDI|2022~@mean|HDI|2022')
>>> score(key("a<b", "L1", 2025), "45.1")
'<span data-score="a&lt;b|L1|2025">45.1</span>'
>>> vspan(value("weight", "nominal", "L1"), "20.0%"), plain("year", 2025)
('<span data-value="weight|nominal|L1">20.0%</span>', '<span data-plain="year">2025</span>')
"""

from __future__ import annotations

import re

from .text import esc

__all__ = ["key", "change", "score", "cell", "MARK", "unmark", "value", "vspan", "vcell", "plain", "PLAIN"]


def key(unit, node, year) -> str:
    """The key of one built value (see the module's docstring)."""
    return f"{unit}|{node}|{int(year)}"


def change(a: str, b: str) -> str:
    """The key of ``a`` minus ``b`` (a change since last year, a gap to the mean)."""
    return f"{a}~{b}"


def score(k: str, text: str) -> str:
    """``text`` (escaped) marked as showing the value of key ``k``."""
    return f'<span data-score="{esc(k)}">{esc(text)}</span>'


def cell(k: str, text: str) -> tuple[str, str]:
    """A table cell (:func:`toolkit.reports.views.table_html`) marked as showing key ``k``."""
    return ("html", score(k, text))


def value(source: str, *keys) -> str:
    """The key of a result that is not a score (see the module's docstring)."""
    return "|".join([source, *map(str, keys)])


def vspan(k: str, text: str) -> str:
    """``text`` (escaped) marked as showing result ``k`` (:func:`value`)."""
    return f'<span data-value="{esc(k)}">{esc(text)}</span>'


def vcell(k: str, text: str) -> tuple[str, str]:
    """A table cell marked as showing result ``k`` (:func:`value`)."""
    return ("html", vspan(k, text))


#: the kinds of number a page may show that are not results
PLAIN = ("year", "count", "tick", "quota", "runs", "threshold", "label")


def plain(kind: str, text) -> str:
    """``text`` declared as a number that is not a result (one of :data:`PLAIN`)."""
    if kind not in PLAIN:
        raise ValueError(f"plain: kind {kind!r} is not one of {PLAIN}")
    return f'<span data-plain="{kind}">{esc(str(text))}</span>'


#: a mark inside plain text (sentences written before they are escaped): ``MARK.format(k, text)``
MARK = "\x02{}\x03{}\x04"
_MARKED = re.compile("\x02([^\x03]*)\x03([^\x04]*)\x04")


def unmark(escaped: str, html: bool = True) -> str:
    """Turn the marks of already escaped text into ``data-score`` spans (``html=False``: drop them).

    >>> unmark("score " + MARK.format("a|L1|2025", "45.1") + ".")
    'score <span data-score="a|L1|2025">45.1</span>.'
    >>> unmark("score " + MARK.format("a|L1|2025", "45.1"), html=False)
    'score 45.1'
    """
    return _MARKED.sub((lambda m: f'<span data-score="{m.group(1)}">{m.group(2)}</span>') if html
                       else (lambda m: m.group(2)), escaped)
