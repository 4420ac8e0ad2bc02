"""The studio's state and its one computation, without widgets (testable, reusable).

:class:`StudioModel` holds a base specification and the weighting and aggregation choices the
user has made; :attr:`StudioModel.spec` is the full specification those choices give (it is
what "save" writes), and :meth:`StudioModel.evaluate` builds the index under it with
:func:`toolkit.build_index` itself.

Speed without a second implementation: weighting and aggregation do not change the denominated,
imputed, screened and outlier-treated data, so the model builds the nominal index once and
afterwards calls ``build_index`` on the *treated* data with those steps switched off. The
normalisation, weights and aggregation then run exactly as in a full build (the tests check
that the ranks equal ``build_index(data, model.spec)``), in about a third of the time.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.read import IndicatorData
from ..errors import SpecError
from ..index.build import IndexResult, build_index
from ..index.spec import IndexSpec, load_spec
from .rankings import agreement, rank_table, top_n_kept

__all__ = ["Comparison", "StudioModel"]

_FAST = {"denomination": {"method": "none", "by": {}},
         "imputation": {"panel": "none", "method": "none", "by": None, "params": {}},
         "screening": {"method": "none"},
         "outliers": {"method": "none"}}


@dataclass(frozen=True)
class Comparison:
    """The current ranking against the nominal one (one year).

    Attributes
    ----------
    table : DataFrame
        Index unit_id; the units' names (the framework's name column, ``brain_name`` for
        Shandong), ``nominal``, ``current``, ``change`` (positive = up),
        ``composite``; sorted by current rank.
    spearman, kendall : float
    top_n : int
    kept : int
        How many of the nominal top N are still in the top N.
    left, entered : list
    """

    table: pd.DataFrame
    spearman: float
    kendall: float
    top_n: int
    kept: int
    left: list
    entered: list


class StudioModel:
    """Weighting and aggregation choices on top of a base specification.

    Parameters
    ----------
    data : IndicatorData
        A checked return (:func:`toolkit.read_indicators`).
    spec : IndexSpec, path, mapping or None
        The base (nominal) specification.
    year : int, optional
        The year shown (default the latest).
    top_n : int
        The N of "top N kept".

    Examples
    --------
    >>> from toolkit import read_indicators  # doctest: +SKIP
    >>> m = StudioModel(read_indicators("data/raw/demo_synthetic_returns.csv"), "configs/default.yaml")  # doctest: +SKIP
    >>> m.set_weights("index", {"method": "equal"}); m.comparison().kept  # doctest: +SKIP
    """

    def __init__(self, data: IndicatorData, spec=None, year: int | None = None, top_n: int = 10):
        if not isinstance(data, IndicatorData):
            raise SpecError("StudioModel: data must be an IndicatorData (toolkit.read_indicators)")
        self.data = data
        self.base = load_spec(spec, data.framework)
        self.nominal = build_index(data, self.base)
        self.framework = self.nominal.framework
        self.year = self.nominal.years[-1] if year is None else int(year)
        if self.year not in self.nominal.years:
            raise SpecError(f"StudioModel: no year {year}; years are {self.nominal.years}")
        self.top_n = int(top_n)
        table = self.nominal.treated.join(self.nominal.units).reset_index()
        self._treated = IndicatorData(table=table, framework=self.framework, source=data.source,
                                      sha256=data.sha256, notes=getattr(data, "notes", ()))
        doc = self.base.to_dict()
        self.choices: dict = {"weights": copy.deepcopy(doc["weights"]),
                              "aggregation": copy.deepcopy(doc["aggregation"])}
        self._cache: dict[str, IndexResult] = {}

    # -- choices -------------------------------------------------------------------------------
    @property
    def levels(self) -> list[str]:
        """Levels that have children, top first (``index``, ``dimension``, …)."""
        return list(self.framework.levels[:-1])

    @property
    def aggregation_levels(self) -> list[str]:
        """The levels the index aggregates (a parent level with at least one block in the nominal
        build), top first: ``index, dimension, indicator`` for Shandong, ``index, sub-index,
        pillar`` for COINr's ASEM."""
        present = set(self.nominal.weights["level"])
        return [lv for lv in self.levels if lv in present]

    def blocks(self, level: str | None = None) -> list[str]:
        """The parents the index aggregates at ``level`` (all levels below the index if None),
        in framework order: the blocks whose children's weights the studio's sliders show."""
        levels = [lv for lv in self.aggregation_levels[1:] if level is None or lv == level]
        if level is not None and level == self.framework.levels[0]:
            levels = [level]
        parents = set(self.nominal.weights["parent"])
        return [n for lv in levels for n in self.nodes(lv) if n in parents]

    def block_children(self, node: str) -> list[str]:
        """The children of ``node`` that the index aggregates (as in the nominal build)."""
        w = self.nominal.weights
        kids = list(dict.fromkeys(w.loc[w["parent"] == node, "child"]))
        return kids or self.children(node)

    def current_weights(self, node: str, result: IndexResult | None = None) -> pd.Series:
        """The effective weights of ``node``'s children under the current choices (sum 1),
        from the weights table of the build (the studio's year, or the pooled block)."""
        result = self.evaluate() if result is None else result
        w = result.weights[result.weights["parent"] == node]
        blocks = list(dict.fromkeys(w["block"]))
        block = next((b for b in blocks if str(b) == str(self.year)), blocks[0] if blocks else None)
        w = w[w["block"] == block]
        return w.set_index("child")["weight"].reindex(self.block_children(node)).astype(float)

    def children(self, node: str) -> list[str]:
        """The children ``node`` aggregates."""
        return list(self.framework.node(node).children)

    def nodes(self, level: str) -> list[str]:
        """Codes of the nodes of ``level``."""
        return [n.code for n in self.framework.nodes(level)]

    def weights_choice(self, level: str) -> dict:
        return copy.deepcopy(self.choices["weights"].get(level, {"method": "framework"}))

    def aggregation_choice(self, level: str) -> dict:
        return copy.deepcopy(self.choices["aggregation"].get(level, {"method": "arithmetic"}))

    def set_weights(self, level: str, choice: Mapping, keep_overrides: bool = True) -> None:
        """Set the weighting choice of a level (e.g. ``{"method": "manual", "values": {…}}``)."""
        old = self.choices["weights"].get(level, {})
        new = copy.deepcopy(dict(choice))
        if keep_overrides and old.get("overrides") and "overrides" not in new:
            new["overrides"] = copy.deepcopy(old["overrides"])
        self.choices["weights"][level] = new

    def set_node_weights(self, node: str, choice: Mapping | None) -> None:
        """Override the weighting of one node (e.g. manual weights of one dimension's
        indicators); ``None`` removes the override."""
        level = self.framework.node(node).level
        cur = self.choices["weights"].setdefault(level, {"method": "framework"})
        overrides = dict(cur.get("overrides") or {})
        if choice is None:
            overrides.pop(node, None)
        else:
            overrides[node] = copy.deepcopy(dict(choice))
        if overrides:
            cur["overrides"] = overrides
        else:
            cur.pop("overrides", None)

    def set_aggregation(self, level: str, method: str, params: Mapping | None = None) -> None:
        choice = {"method": method}
        if params:
            choice["params"] = dict(params)
        self.choices["aggregation"][level] = choice

    def reset(self) -> None:
        doc = self.base.to_dict()
        self.choices = {"weights": copy.deepcopy(doc["weights"]), "aggregation": copy.deepcopy(doc["aggregation"])}

    # -- results -------------------------------------------------------------------------------
    @property
    def spec(self) -> IndexSpec:
        """The full specification of the current choices (checked; raises SpecError if not valid)."""
        doc = self.base.to_dict()
        doc["weights"] = copy.deepcopy(self.choices["weights"])
        doc["aggregation"] = copy.deepcopy(self.choices["aggregation"])
        doc["name"] = f"{self.base.name}_studio"
        doc["description"] = (f"Saved from the weighting studio: the weights and aggregation chosen there, every "
                              f"other step as in the specification {self.base.name!r}.")
        return IndexSpec.from_dict(doc, source=self.base.source, framework=self.framework)

    def evaluate(self) -> IndexResult:
        """The index under the current choices (``build_index`` on the treated data)."""
        spec = self.spec
        key = spec.sha256
        if key not in self._cache:
            fast = spec.to_dict()
            for section, choice in _FAST.items():  # done once, in the nominal build
                fast[section] = copy.deepcopy(choice)
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = build_index(self._treated, IndexSpec.from_dict(fast, framework=self.framework))
        return self._cache[key]

    @property
    def name_column(self) -> str:
        """The unit column holding the units' names (``brain_name`` in the Shandong framework)."""
        return self.framework.name_column or "name"

    def clear_cache(self) -> None:
        """Forget the indices built so far (the next :meth:`evaluate` builds afresh)."""
        self._cache.clear()

    def comparison(self, result: IndexResult | None = None) -> Comparison:
        """The current ranks against the nominal ones, for :attr:`year`."""
        result = self.evaluate() if result is None else result
        ranks = rank_table({"nominal": self.nominal, "current": result}, self.year)
        name = self.name_column
        units = self.nominal.units.xs(self.year, level="year")
        names = units[name] if name in units.columns else pd.Series("", index=units.index)
        comp = result.composite.xs(self.year, level="year")
        table = pd.DataFrame({name: names.reindex(ranks.index), "nominal": ranks["nominal"],
                              "current": ranks["current"],
                              "change": ranks["nominal"] - ranks["current"],
                              "composite": comp.reindex(ranks.index)}).sort_values(["current", "nominal"])
        agr = agreement(ranks[["nominal", "current"]]).iloc[0]
        kept, left, entered = top_n_kept(ranks["nominal"], ranks["current"], self.top_n)
        return Comparison(table=table, spearman=float(agr["spearman"]), kendall=float(agr["kendall"]),
                          top_n=self.top_n, kept=kept, left=left, entered=entered)

    def save(self, path) -> Path:
        """Write the current specification as YAML (atomically); ``index`` and ``reports`` accept it."""
        from ..files import write_many_atomic

        path = Path(path)
        text = ("# Saved from the weighting studio (toolkit.studio); a specification for\n"
                "# `python -m toolkit index … --spec` and `python -m toolkit reports … --spec`.\n" + self.spec.to_yaml())
        write_many_atomic({path: lambda tmp: Path(tmp).write_text(text, encoding="utf-8")})
        return path
