"""Preparing the data before imputation: denomination (per-capita, per-GDP …) and unit screening.

Modules are imported lazily (:mod:`toolkit.lazy`), so importing one does not import the others.
"""

from ...lazy import lazy_attributes

_MODULES = ['denominate', 'screen']

__getattr__, __dir__ = lazy_attributes(__name__, {}, _MODULES)
__all__: list[str] = []
