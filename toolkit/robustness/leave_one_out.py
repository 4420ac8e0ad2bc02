"""Leave one out: the rank shifts when each indicator or dimension is left out in turn,
every other choice nominal (run by the uncertainty engine, one replication per element)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..callable_module import make_callable
from ..errors import SpecError
from ..index.build import build_index
from .engine import Engine
from .spec import load_uncertainty_spec
from .uncertainty import seed_streams

__all__ = ["LeaveOneOutResult", "leave_one_out"]


@dataclass(frozen=True, eq=False)
class LeaveOneOutResult:
    """Outcome of :func:`leave_one_out`.

    ``ranks`` and ``shift`` have index (unit_id, year) and one column per excluded element;
    ``shift`` = rank without the element − nominal rank (positive: the unit falls).
    ``summary`` has one row per element: ``mean_abs_shift, max_abs_shift, units_moved``.

    Examples
    --------
    :func:`leave_one_out` returns one:

    >>> from toolkit import read_indicators
    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> loo = leave_one_out(data, "configs/default.yaml", level="dimension")
    >>> loo.shift.shape, loo.summary.index.tolist()  # 250 (unit, year) × 5 dimensions left out
    ((250, 5), ['L1', 'L2', 'L3', 'L4', 'L5'])
    >>> bool((loo.ranks.sub(loo.nominal_rank, axis=0) == loo.shift).all().all())
    True
    """

    ranks: pd.DataFrame
    shift: pd.DataFrame
    summary: pd.DataFrame
    nominal_rank: pd.Series = field(repr=False)
    level: str = "indicator"


def leave_one_out(data, spec=None, level: str = "indicator", candidates="all", framework=None
                  ) -> LeaveOneOutResult:
    """Rank shifts when each element of ``level`` (``"indicator"`` or ``"dimension"``, or any
    list of tree elements with ``level="element"``) is left out in turn, every other choice
    nominal. The element's weight becomes 0 at its parent (data-driven weights recomputed on the
    rest, fixed weights renormalised).

    Parameters
    ----------
    data : IndicatorData or DataFrame
    spec : the index specification (IndexSpec, path or mapping); None: the built-in defaults.
    level : {"indicator", "dimension", "element"}
    candidates : ``"all"`` or a list of codes to leave out in turn.
    framework : Framework, optional

    Returns
    -------
    LeaveOneOutResult

    Examples
    --------
    >>> from toolkit import read_indicators
    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> loo = leave_one_out(data, "configs/default.yaml", level="dimension")
    >>> loo.summary.columns.tolist()
    ['mean_abs_shift', 'max_abs_shift', 'units_moved']
    >>> int(loo.summary["units_moved"].min()) > 0  # leaving out any dimension moves some brains
    True
    """
    kind = {"indicator": "exclude_indicator", "dimension": "exclude_dimension", "element": "exclude"}.get(level)
    if kind is None:
        raise SpecError(f"leave_one_out: level must be indicator, dimension or element, got {level!r}")
    res = build_index(data, spec, framework=framework)
    us = load_uncertainty_spec({"name": f"leave one {level} out", "factors": [
        {"name": "excluded", "type": kind, "candidates": candidates, "include_none": False}]},
        spec=res.spec, framework=res.framework)
    f = us.factors[0]
    u = ((np.arange(f.n_options) + 0.5) / f.n_options)[:, None]
    engine = Engine(res, us, seed_streams(0)[1])
    engine.prepare(u)
    _, ranks = engine.run(u)
    codes = list(f.labels)
    R = pd.DataFrame(ranks.T, index=engine.rows, columns=pd.Index(codes, name="excluded"))
    shift = R.sub(res.rank, axis=0)
    summary = pd.DataFrame({"mean_abs_shift": shift.abs().mean(), "max_abs_shift": shift.abs().max(),
                            "units_moved": (shift != 0).sum()})
    return LeaveOneOutResult(ranks=R, shift=shift, summary=summary.rename_axis("excluded"),
                             nominal_rank=res.rank, level=level)


make_callable(__name__)  # toolkit.robustness.leave_one_out is this module, and calling it calls leave_one_out()
