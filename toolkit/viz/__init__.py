"""Figures (matplotlib in plots, seaborn in distributions), and the bundled CJK font they use.

Names are imported lazily (:mod:`toolkit.lazy`), so importing one module of this package does
not import the others.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'register_cjk_font': 'fonts',
}
_MODULES = ['plots', 'typology_plots', 'robustness_plots', 'dynamics_plots', 'canvas', 'distributions', 'fonts']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
