"""Reports: the results bundle, the report notebook's views, rendering in reused kernels, the batch runner and the index page (step 6).

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'run_reports': 'batch',
    'RunSummary': 'batch',
    'Bundle': 'bundle',
    'compute_bundle': 'bundle',
    'load_bundle': 'bundle',
    'save_bundle': 'bundle',
}
_MODULES = ['batch', 'bundle', 'render', 'views', 'index_page', 'screenshot']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
