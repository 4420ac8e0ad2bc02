"""The methods of each step, grouped by step: ``preparation/`` (denomination, screening),
``imputation/``, ``treatment/`` (outliers), ``normalisation/``, ``weighting/`` and ``aggregation/``;
beside them the registry that dispatches every step (:mod:`toolkit.methods.registry`), the
declarations it is made of (:mod:`toolkit.methods.declared`), the shared input checks
(:mod:`toolkit.methods.checks`) and the diagnostics (:mod:`toolkit.methods.diagnose`).

A researcher adds a method of their own with :func:`toolkit.methods.register` (docs/methods-registry.md).

The step modules stay reachable under their short names (``toolkit.methods.weights``,
``toolkit.methods.aggregate`` …). Names are imported lazily (:mod:`toolkit.lazy`), so importing one
module of this package does not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'screen_units': 'preparation.screen',
    'register': 'registry', 'unregister': 'registry', 'table': 'registry', 'registry_of': 'registry',
    'methods_of': 'registry',
}
# short name → module, so ``toolkit.methods.weights`` still names ``toolkit.methods.weighting.weights``
_STEP_MODULES = {
    'preparation': ['denominate', 'screen'],
    'imputation': ['impute', 'impute_panel', 'impute_result'],
    'treatment': ['moments', 'outliers', 'treat'],
    'normalisation': ['normalise', 'normalise_kernels'],
    'weighting': ['weights', 'weight_kernels', 'subjective', 'bwm', 'group_ahp', 'optimal_weights'],
    'aggregation': ['aggregate', 'aggregate_batch', 'bod', 'copeland'],
}
_MODULES = ['checks', 'changelog', 'declared', 'registry', 'diagnose', *_STEP_MODULES,
            *(f'{m}={step}.{m}' for step, mods in _STEP_MODULES.items() for m in mods)]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
