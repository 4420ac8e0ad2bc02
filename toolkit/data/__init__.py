"""Returns as offices fill them in: reading, parsing, validating, preparing, collecting a round of
many returns, the blank template and the synthetic demo (step 2).

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'IndicatorData': 'read',
    'read_indicators': 'read',
    'read_raw': 'sources',
    'Problem': 'problems',
    'ValidationError': 'problems',
    'problems_frame': 'problems',
    'load_processed': 'prepare',
    'write_template': 'template',
    'write_demo': 'demo',
    'generate': 'demo',
    'build_schema': 'validate',
    'check_frame': 'validate',
    'collect': 'round',
    'read_roster': 'roster',
}
_MODULES = ['sources', 'read', 'parsing', 'validate', 'problems', 'prepare', 'template', 'demo', 'collect', 'merge',
            'roster', 'round']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
