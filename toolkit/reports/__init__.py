"""Reports: the results bundle, the report notebook's views (brain profile, city report), SVG charts, rendering in reused kernels, the batch runner, the overview page, PDF and results.xlsx (step 6).

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
    'index_tables': 'bundle',
    'write_workbook': 'workbook',
    'write_result_workbook': 'workbook',
    'write_problems': 'problem_workbook',
    'html_to_pdf': 'pdf',
    'document': 'page',
    'collect': 'collection',
}
_MODULES = ['batch', 'plan', 'workers', 'bundle', 'render', 'views', 'city_views', 'index_page', 'screenshot', 'charts', 'facts',
            'page', 'pdf', 'region_trend', 'summary', 'text', 'workbook', 'xlsx', 'problem_workbook', 'workbook_dynamics', 'chain',
            'collection']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
