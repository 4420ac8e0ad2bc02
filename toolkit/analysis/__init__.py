"""Analysis of a built index: the statistical audit and typologies of brains (step 5).

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'AuditReport': 'audit',
    'TypologyResult': 'typology',
}
_MODULES = ['audit', 'statistics', 'flags', 'typology', 'clustering']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
