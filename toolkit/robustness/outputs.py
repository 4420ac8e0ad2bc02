"""Writing an uncertainty analysis to a folder (``python -m toolkit uncertainty``): the rank
statistics, the Sobol indices and how the run went, published together."""

from __future__ import annotations

import json
from pathlib import Path

from ..files import neutralise_formulas, write_many_atomic

__all__ = ["how_it_ran", "write_uncertainty"]


def how_it_ran(info: dict) -> str:
    """One line saying which executor ran the replications, why, and how long each part took.

    Parameters
    ----------
    info : dict
        ``UncertaintyResult.info``.

    Returns
    -------
    str

    Examples
    --------
    >>> how_it_ran({"executor": "serial", "workers": 1, "executor_reason": "auto: 1.0 free CPU(s) of 2",
    ...             "batch_size": 58, "n_batches": 195, "seconds_prepare": 1.5, "seconds_replications": 9.25})
    'executor serial (1 worker; auto: 1.0 free CPU(s) of 2); 195 batches of ≤ 58 replications; prepare 1.5 s, replications 9.2 s'
    """
    workers = info["workers"]
    return (f"executor {info['executor']} ({workers} worker{'s' if workers != 1 else ''}; {info['executor_reason']}); "
            f"{info['n_batches']} batch{'es' if info['n_batches'] != 1 else ''} of ≤ {info['batch_size']} replications; "
            f"prepare {info['seconds_prepare']:.1f} s, replications {info['seconds_replications']:.1f} s")


def write_uncertainty(result, out) -> list[Path]:
    """Write ``rank_stats.csv``, ``sobol.csv`` (a Saltelli design only) and ``run.json`` (seed,
    replications, the factors, and ``info``: the executor chosen and why, the batches, the
    seconds of each part) into ``out``, all or none.

    Parameters
    ----------
    result : UncertaintyResult
    out : str or Path
        The folder (created if missing).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> from toolkit import read_indicators
    >>> from toolkit.robustness import uncertainty
    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> small = {"factors": [{"name": "agg", "address": "aggregation.index.method",
    ...                       "options": ["arithmetic", "geometric"]}]}
    >>> ua = uncertainty(data, "configs/default.yaml", small, n=8, seed=1, executor="serial")
    >>> [p.name for p in write_uncertainty(ua, tempfile.mkdtemp())]
    ['rank_stats.csv', 'sobol.csv', 'run.json']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    run = {"seed": result.seed, "replications": result.n, "n_base": result.n_base, "factors": result.uspec.names,
           "info": {k: v for k, v in result.info.items() if isinstance(v, int | float | str | bool)}}
    writers = {out / "rank_stats.csv": lambda p: neutralise_formulas(result.rank_stats.reset_index()).to_csv(
        p, index=False, encoding="utf-8")}
    if result.sobol is not None:
        writers[out / "sobol.csv"] = lambda p: neutralise_formulas(result.sobol).to_csv(p, index=False, encoding="utf-8")
    writers[out / "run.json"] = lambda p: p.write_text(json.dumps(run, ensure_ascii=False, indent=1), "utf-8")
    return write_many_atomic(writers)
