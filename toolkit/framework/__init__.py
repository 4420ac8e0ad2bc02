"""The framework: indicators, hierarchy, directions, units and labels, read from a YAML file (step 1 of the flow).

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'Framework': 'model',
    'Node': 'schema',
    'available_frameworks': 'loader',
    'load_framework': 'loader',
    'framework_from_bytes': 'loader',
    'UnitColumn': 'units',
    'cities': 'geo',
    'city_code': 'geo',
    'city_name': 'geo',
    'index_tree': 'tree',
    'index_leaves': 'tree',
    'Grouping': 'groupings',
    'with_groupings': 'groupings',
}
_MODULES = ['model', 'schema', 'loader', 'units', 'wording', 'geo', 'tree', 'groupings']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
