"""The methods of each step, one small unit each: imputation, outliers, normalisation, weighting (objective and subjective), aggregation and diagnostics (step 3).

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'screen_units': 'screen',
}
_MODULES = ['checks', 'changelog', 'denominate', 'impute', 'impute_panel', 'impute_result', 'screen', 'outliers', 'treat', 'normalise', 'weight_kernels', 'weights', 'subjective',
            'aggregate', 'aggregate_batch', 'registry', 'diagnose',
            'bod', 'copeland', 'bwm', 'group_ahp', 'optimal_weights']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
