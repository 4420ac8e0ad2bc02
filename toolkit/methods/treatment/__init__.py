"""Outlier treatment (COINr-style winsorisation and log transforms), and the `treat` façade over imputation and outliers.

Modules are imported lazily (:mod:`toolkit.lazy`), so importing one does not import the others.
"""

from ...lazy import lazy_attributes

_MODULES = ['moments', 'outliers', 'treat']

__getattr__, __dir__ = lazy_attributes(__name__, {}, _MODULES)
__all__: list[str] = []
