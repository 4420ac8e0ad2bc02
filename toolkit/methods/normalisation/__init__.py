"""Normalisation: min–max, z-score, ranks, goalposts, distances … (a column in, a column out).

Modules are imported lazily (:mod:`toolkit.lazy`), so importing one does not import the others.
"""

from ...lazy import lazy_attributes

_MODULES = ['normalise', 'normalise_kernels']

__getattr__, __dir__ = lazy_attributes(__name__, {}, _MODULES)
__all__: list[str] = []
