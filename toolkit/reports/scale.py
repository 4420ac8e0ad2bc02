"""The scale of a run's scores: the range their axes span and the decimals they are shown with.

Both come from the built index, never from a fixed 0–100: the range is the normalisation's
(0–1, 0–10 or 0–100, the smallest that holds every normalised value and every aggregated score),
or — when the scores leave those ranges (a z-score normalisation, an aggregation that changes the
range) — the observed range widened to round numbers. The decimals are the precision the
specification asks ranks to use (``ranking: {round: 3}`` for the HDI), else enough to tell
scores apart on that range (3 on 0–1, 2 on 0–10, 1 on 0–100). Every chart axis and every
displayed score of a report reads them from here (:func:`toolkit.reports.facts.scale`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["Scale", "score_scale", "result_scale"]

#: the normalisation ranges a score scale snaps to, smallest first
RANGES = ((0.0, 1.0), (0.0, 10.0), (0.0, 100.0))


@dataclass(frozen=True)
class Scale:
    """An axis range ``lo``–``hi`` and the decimals scores are shown with.

    Examples
    --------
    >>> s = Scale(0.0, 1.0, 3)
    >>> s.fmt(0.7881), s.frac(0.25), s.ticks(4)
    ('0.788', 0.25, [0.0, 0.25, 0.5, 0.75, 1.0])
    >>> Scale(0.0, 100.0, 1).fmt(float("nan"))
    '—'
    """

    lo: float = 0.0
    hi: float = 100.0
    digits: int = 1

    def fmt(self, x) -> str:
        """A score at this scale's precision ("—" when missing)."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "—"
        return f"{float(x):.{self.digits}f}"

    def frac(self, x) -> float:
        """Where ``x`` lies on the axis, 0 at ``lo`` and 1 at ``hi`` (clipped)."""
        return min(max((float(x) - self.lo) / (self.hi - self.lo), 0.0), 1.0)

    def ticks(self, n: int = 4) -> list[float]:
        return [round(self.lo + (self.hi - self.lo) * i / n, 10) for i in range(n + 1)]

    def to_dict(self) -> dict:
        return asdict(self)


def _nice(lo: float, hi: float) -> tuple[float, float]:
    span = hi - lo if hi > lo else abs(hi) or 1.0
    step = 10 ** math.floor(math.log10(span))
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def score_scale(values, decimals: int | None = None) -> Scale:
    """The scale that holds ``values`` (scores of any level), shown with ``decimals``.

    Parameters
    ----------
    values : array-like of the run's scores (normalised values, dimension and composite scores).
    decimals : the specification's ``ranking.round``; None: 3, 2 or 1 by the range's width.

    Examples
    --------
    >>> score_scale([0.41, 0.788, 0.96], 3)
    Scale(lo=0.0, hi=1.0, digits=3)
    >>> score_scale([12.0, 87.5])
    Scale(lo=0.0, hi=100.0, digits=1)
    >>> score_scale([-1.8, 2.3])      # z-scores: the observed range, widened to round numbers
    Scale(lo=-2.0, hi=3.0, digits=2)
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    lo_obs, hi_obs = (float(v.min()), float(v.max())) if v.size else (0.0, 100.0)
    eps = 1e-9
    for lo, hi in RANGES:
        if lo_obs >= lo - eps and hi_obs <= hi + eps:
            break
    else:
        lo, hi = _nice(lo_obs, hi_obs)
    if decimals is None:
        width = hi - lo
        decimals = 3 if width <= 1 else 2 if width <= 10 else 1
    return Scale(float(lo), float(hi), int(decimals))


def result_scale(result) -> Scale:
    """The scale of a built index (:class:`~toolkit.index.build.IndexResult`): its normalised
    values and every level's scores, at the precision its specification ranks with."""
    parts = [np.asarray(result.normalised, float).ravel(), np.asarray(result.composite, float).ravel()]
    for level in result.framework.levels[1:-1]:
        try:
            parts.append(np.asarray(result.level_scores(level), float).ravel())
        except (KeyError, ValueError):
            continue
    return score_scale(np.concatenate(parts), result.spec["ranking"]["round"])
