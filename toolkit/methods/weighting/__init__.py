"""Weighting: objective (entropy, CRITIC, CV, std, PCA, optimal), subjective (AHP, BWM, group AHP) and their combinations.

Modules are imported lazily (:mod:`toolkit.lazy`), so importing one does not import the others.
"""

from ...lazy import lazy_attributes

_MODULES = ['weights', 'weight_kernels', 'subjective', 'bwm', 'group_ahp', 'optimal_weights']

__getattr__, __dir__ = lazy_attributes(__name__, {}, _MODULES)
__all__: list[str] = []
