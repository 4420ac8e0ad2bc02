"""The index: its declarative specification, the pure function that builds it, and its export (step 4).

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'IndexSpec': 'spec',
    'load_spec': 'spec',
    'IndexResult': 'build',
    'build_index': 'build',
    'write_results': 'export',
    'result_tables': 'export',
}
_MODULES = ['spec', 'steps', 'build', 'export']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
