"""The weighting studio: explore weights interactively (ipywidgets), compare specifications.

:class:`StudioModel` holds the choices and computes (no widgets); :class:`Studio` is the
ipywidgets front end (notebooks/06_weighting_studio); :mod:`toolkit.studio.compare` writes the
HTML page of ``python -m toolkit compare``; :mod:`toolkit.studio.rankings` the shared tables.
"""

from ..lazy import lazy_attributes

_EXPORTS = {
    "StudioModel": "model", "Comparison": "model",
    "Studio": "app", "AHPEditor": "ahp_editor", "inconsistent_pairs": "ahp_editor",
    "compare_specs": "compare", "write_compare": "compare",
    "agreement": "rankings", "bump_svg": "rankings", "movers": "rankings", "rank_table": "rankings",
    "top_n_kept": "rankings",
}

__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
