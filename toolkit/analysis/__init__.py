"""Analysis of a built index (step 5): the statistical audit, typologies of brains, and the tables
that read results side by side (explore, variants, results).

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'AuditReport': 'audit',
    'TypologyOptions': 'typology_options',
    'TypologyResult': 'typology_result',
}
_MODULES = ['audit', 'statistics', 'flags', 'explore', 'variants', 'results', 'typology', 'typology_options', 'typology_result', 'labels', 'clustering', 'stability']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
