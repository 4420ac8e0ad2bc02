"""Aggregation: power means, TOPSIS, grey relational analysis, benefit of the doubt, Copeland.

Modules are imported lazily (:mod:`toolkit.lazy`), so importing one does not import the others.
"""

from ...lazy import lazy_attributes

_MODULES = ['aggregate', 'aggregate_batch', 'bod', 'copeland']

__getattr__, __dir__ = lazy_attributes(__name__, {}, _MODULES)
__all__: list[str] = []
