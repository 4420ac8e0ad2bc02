"""Every choice of a typology in one object (:class:`TypologyOptions`), checked when it is made.

:func:`toolkit.analysis.typology.typology` takes one (or its fields by keyword); the result keeps
it (:attr:`toolkit.analysis.typology_result.TypologyResult.options`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import numpy as np

from ..errors import SpecError
from .clustering import GAP_MODES, METHODS
from .labels import BASES, Z_THRESHOLD, as_phrases

__all__ = ["SPACES", "TypologyOptions"]

#: the feature spaces a typology may cluster in (:func:`toolkit.analysis.typology.features`)
SPACES = ("z", "pca", "raw")


@dataclass(frozen=True)
class TypologyOptions:
    """Every choice of a typology, with its default (one object instead of fifteen arguments).

    Attributes
    ----------
    method : {"kmeans", "ward", "gmm"}
    k : int, optional; None uses the k recommended by the vote of
        :func:`~toolkit.analysis.clustering.choose_k` (the criteria are computed either way).
    k_range : (k_min, k_max), inclusive, default (2, 8).
    basis : {"level", "shape"}, what the types describe (module docstring).
    space, n_components : the feature space (:func:`features`); default the basis' z-scores.
    n_boot : int, bootstrap replicates for stability (0 skips it).
    n_ref : int, gap reference sets B; reference : {"pca", "uniform"} their distribution.
    gap : {"decide", "full"}, compute the gap statistic only as far as its vote needs (the
        same decision, cheaper), or for every k (for a full table).
    threshold : float, |z| of a strong/weak dimension in the labels (default 0.5).
    unstable_below : float, mean Jaccard under which a cluster is flagged unstable (default 0.6).
    phrases, max_terms : label vocabulary and length (:func:`~toolkit.analysis.labels.profile_label`).

    Examples
    --------
    >>> opts = TypologyOptions(method="ward", k=3)
    >>> opts.replace(basis="shape").basis, opts.k_range
    ('shape', (2, 8))
    >>> TypologyOptions(method="dbscan")
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: clustering method 'dbscan' is unknown; use one of ['kmeans', 'ward', 'gmm']
    """

    method: str = "kmeans"
    k: int | None = None
    k_range: tuple = (2, 8)
    basis: str = "level"
    space: str = "z"
    n_components: int | None = None
    n_boot: int = 100
    n_ref: int = 50
    reference: str = "pca"
    gap: str = "decide"
    threshold: float = Z_THRESHOLD
    unstable_below: float = 0.6
    phrases: Mapping | None = None
    max_terms: int = 3

    def __post_init__(self):
        for name, allowed in (("method", METHODS), ("basis", BASES), ("space", SPACES),
                              ("reference", ("pca", "uniform")), ("gap", GAP_MODES)):
            value = getattr(self, name)
            if value not in allowed:
                what = {"method": "clustering method", "basis": "typology basis", "space": "feature space",
                        "reference": "gap reference", "gap": "gap mode"}[name]
                raise SpecError(f"{what} {value!r} is unknown; use one of {list(allowed)}")
        for name in ("n_boot", "n_ref", "max_terms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise SpecError(f"typology: {name} must be a non-negative integer, got {value!r}")
        object.__setattr__(self, "k_range", tuple(self.k_range))
        as_phrases(self.phrases)

    def replace(self, **changes) -> TypologyOptions:
        """A copy with ``changes`` applied (unknown names raise :class:`~toolkit.errors.SpecError`)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SpecError(f"typology: unknown option(s) {unknown}; known: {sorted(known)}")
        return replace(self, **changes)
