"""Imputation of missing values (single-year and panel), each change logged.

Modules are imported lazily (:mod:`toolkit.lazy`), so importing one does not import the others.
"""

from ...lazy import lazy_attributes

_MODULES = ['impute', 'impute_panel', 'impute_result']

__getattr__, __dir__ = lazy_attributes(__name__, {}, _MODULES)
__all__: list[str] = []
