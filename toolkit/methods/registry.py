"""The registries: one per pipeline step, one entry per method (docs/methods-registry.md).

Each :class:`Method` entry names the method, its function (what :func:`toolkit.build_index`
calls), its batch kernel (what the Monte Carlo engine calls on stacks of matrices; the function
calls the same kernel on a batch of one), whether it is data-driven, and the parameters a
specification may set — **declared** as :class:`Param` objects with a type, a valid range and a
default, never found by reflecting on signatures. The specification checks
(:mod:`toolkit.index.spec`), ``build_index`` (through :mod:`toolkit.index.steps`) and the engine
all read these tables, so adding a method is one entry here plus its tests.

========================  ==========================  ======================================
registry                  spec address                entries
========================  ==========================  ======================================
:data:`IMPUTATION`        ``imputation.method``       none, mean, median, group_*, knn, iterative
:data:`PANEL`             ``imputation.panel``        none, ffill, bfill, ffill_bfill, linear, …
:data:`TREATMENT`         ``outliers.method``         none, coinr
:data:`NORMALISATION`     ``normalisation.method``    minmax, zscore, rank, … (11)
:data:`WEIGHTING`         ``weights.<level>.method``  equal, framework, manual, file, entropy, …
:data:`COMBINATION`       ``weights.<level>.combine`` linear, multiplicative, min_info, game_theory
:data:`AGGREGATION`       ``aggregation.<level>``     arithmetic, geometric, harmonic, …
========================  ==========================  ======================================

Examples
--------
>>> WEIGHTING["entropy"].data_driven
True
>>> WEIGHTING.check_params("pca", {"min_share": 1.5}, where="weights.dimension")
Traceback (most recent call last):
...
toolkit.errors.SpecError: weights.dimension: parameter 'min_share' of pca must be a number in [0, 1) or null, got 1.5
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial

import pandas as pd

from ..errors import DataError, SpecError
from . import aggregate as agg
from . import aggregate_batch as aggb
from . import impute as imp
from . import normalise as norm
from . import outliers as out
from . import weight_kernels as wk
from . import weights as wts
from .subjective import RI_TABLES, combine_kernel

__all__ = ["AGGREGATION", "COMBINATION", "IMPUTATION", "Method", "NORMALISATION", "PANEL", "Param", "REGISTRIES",
           "Registry", "TREATMENT", "WEIGHTING", "as_number"]

_TYPES = ("number", "integer", "boolean", "choice", "label", "text", "mapping", "list", "coefficients", "any")


def as_number(value):
    """A weight or judgement as a float: a number, or a simple fraction written as text (``"1/3"``).

    Returns None when ``value`` is neither.

    Examples
    --------
    >>> as_number("1/3") == 1 / 3, as_number(2), as_number("x")
    (True, 2.0, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            return None
    return None


@dataclass(frozen=True)
class Param:
    """A parameter a specification may set: its type, valid range, default and meaning.

    ``type`` is one of ``number``, ``integer``, ``boolean``, ``choice`` (one of ``choices``),
    ``label`` (a unit label: text or integer), ``text``, ``mapping``, ``list``, ``coefficients``
    (a list or mapping of non-negative numbers) or ``any``. ``low``/``high`` bound numbers
    (``low_open``/``high_open`` exclude the bound). ``nullable`` allows null; ``required`` means
    the spec must give it. ``per_indicator`` allows a mapping indicator code → value instead of
    one value for all.
    """

    name: str
    type: str
    default: object = None
    doc: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple = ()
    nullable: bool = False
    required: bool = False
    per_indicator: bool = False

    def __post_init__(self):
        if self.type not in _TYPES:
            raise ValueError(f"Param {self.name}: unknown type {self.type!r}")

    def describe(self) -> str:
        """The rule in words: ``a number in (0, 1)``, ``one of ['vector', 'minmax']`` …"""
        if self.type in ("number", "integer"):
            text = "a number" if self.type == "number" else "an integer"
            if self.low is not None and self.high is not None:
                text += f" in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"
            elif self.low is not None:
                text += f" {'>' if self.low_open else '≥'} {self.low:g}"
            elif self.high is not None:
                text += f" {'<' if self.high_open else '≤'} {self.high:g}"
        elif self.type == "boolean":
            text = "true or false"
        elif self.type == "choice":
            text = f"one of {list(self.choices)}"
        elif self.type == "label":
            text = "a unit label (text or integer)"
        elif self.type == "coefficients":
            text = "a list or a mapping of non-negative numbers"
        else:
            text = {"text": "a text", "mapping": "a mapping", "list": "a list", "any": "a value"}[self.type]
        if self.per_indicator:
            text += " (or a mapping indicator code → value)"
        return text + (" or null" if self.nullable else "")

    def _ok(self, v) -> bool:
        t = self.type
        if t in ("number", "integer"):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                return False
            if t == "integer" and not isinstance(v, int):
                return False
            if self.low is not None and (v < self.low or (self.low_open and v == self.low)):
                return False
            return not (self.high is not None and (v > self.high or (self.high_open and v == self.high)))
        if t == "boolean":
            return isinstance(v, bool)
        if t == "choice":
            try:
                return v in self.choices
            except TypeError:
                return False
        if t == "label":
            return isinstance(v, str | int) and not isinstance(v, bool)
        if t == "text":
            return isinstance(v, str) and bool(v)
        if t == "mapping":
            return isinstance(v, Mapping)
        if t == "list":
            return isinstance(v, list | tuple)
        if t == "coefficients":
            vals = list(v.values()) if isinstance(v, Mapping) else list(v) if isinstance(v, list | tuple) else None
            return vals is not None and len(vals) > 0 and all(
                (x := as_number(y)) is not None and x >= 0 for y in vals)
        return True

    def check(self, value, where: str, method: str) -> None:
        """Raise :class:`SpecError` naming ``where``, the parameter and the rule if ``value``
        breaks it."""
        if value is None and self.nullable:
            return
        if self.per_indicator and isinstance(value, Mapping):
            bad = [k for k, v in value.items() if not isinstance(k, str) or not self._ok(v)]
            if not value or bad:
                raise SpecError(f"{where}: parameter {self.name!r} of {method} must be {self.describe()}; "
                                f"bad entry {bad[0] if bad else '(empty mapping)'!r}: "
                                f"{value.get(bad[0]) if bad else value!r}")
            return
        if not self._ok(value):
            raise SpecError(f"{where}: parameter {self.name!r} of {method} must be {self.describe()}, got {value!r}")

    def bad_values(self) -> list:
        """Values that break the rule (the contract test feeds each to the spec loader)."""
        t = self.type
        out: list = []
        if t in ("number", "integer"):
            out.append("text")
            if self.low is not None:
                out.append(self.low if self.low_open else self.low - 1)
            if self.high is not None:
                out.append(self.high if self.high_open else self.high + 1)
            if t == "integer":
                out.append(1.5)
        elif t == "boolean":
            out.append("yes")
        elif t == "choice":
            out.append("no_such_option")
        elif t in ("label", "text"):
            out.append([1, 2])
        elif t in ("mapping", "list"):
            out.append(7)
        elif t == "coefficients":
            out.append([-1, 2])
        if not self.nullable and not self.required and t != "any":
            out.append(None)
        return out


@dataclass(frozen=True)
class Method:
    """One registry entry.

    Attributes
    ----------
    name, step : str
    function : callable
        What ``build_index`` calls (pandas in, pandas out).
    kernel : callable or None
        The batch kernel on stacks (G, units, children), the one implementation of the formula
        (the function calls it on a batch of one). None for steps run once per data path.
    data_driven : bool
        Computed from the data (weights: recomputed in every replication of the engine).
    params : tuple of Param
        What the spec may set under ``params``.
    settings : tuple of Param
        Keys of the choice itself (``values`` of manual weights, ``matrix`` of AHP, ``on`` …).
    directional : bool
        The kernel takes directions (used when data-driven weights are computed ``on: raw``).
    on : str
        Default input of data-driven weights: ``normalised`` or ``raw``.
    min_rows : int
        Units a data-driven method needs.
    validate : callable or None
        ``validate(params, where)``: checks across parameters (``lower < upper``).
    """

    name: str
    step: str
    function: Callable
    kernel: Callable | None = None
    data_driven: bool = False
    params: tuple[Param, ...] = ()
    settings: tuple[Param, ...] = ()
    directional: bool = False
    on: str = "normalised"
    min_rows: int = 1
    validate: Callable | None = None
    doc: str = ""

    @property
    def defaults(self) -> dict:
        """Default value of every declared parameter."""
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def resolve(self, params: Mapping | None) -> dict:
        """``params`` with the declared defaults filled in (the call ``build_index`` makes)."""
        return {**self.defaults, **dict(params or {})}


@dataclass
class Registry:
    """The methods of one step, by name. ``default`` is the method a spec gets when it names none."""

    step: str
    address: str
    default: str | None = None
    methods: dict[str, Method] = field(default_factory=dict)

    def register(self, method: Method) -> Method:
        if method.name in self.methods:
            raise ValueError(f"{self.step}: method {method.name!r} is registered twice")
        self.methods[method.name] = method
        return method

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.methods)

    def __contains__(self, name) -> bool:
        try:
            return name in self.methods
        except TypeError:
            return False

    def __getitem__(self, name) -> Method:
        return self.methods[name]

    def __iter__(self):
        return iter(self.methods.values())

    def get(self, name, where: str = "", what: str | None = None) -> Method:
        """The entry ``name``; a :class:`SpecError` listing the known methods otherwise (``where``
        names the file, ``what`` the key, default :attr:`address`)."""
        if name not in self:
            prefix = f"{where}: " if where else ""
            raise SpecError(f"{prefix}{what or self.address} must be one of {list(self.names)}, got {name!r}")
        return self.methods[name]

    def check_params(self, name, params, where: str = "") -> None:
        """Check ``params`` of method ``name``: every key declared, every value in its range,
        the required ones given, the cross-parameter rule kept. Raises :class:`SpecError`."""
        method = self.get(name, where)
        where = where or self.address
        if params is None:
            params = {}
        if not isinstance(params, Mapping):
            raise SpecError(f"{where}: params must be a mapping, got {params!r}")
        declared = {p.name: p for p in method.params}
        unknown = [k for k in params if k not in declared]
        if unknown:
            takes = f"it takes {sorted(declared)}" if declared else "it takes no params"
            raise SpecError(f"{where}: unknown parameter(s) {unknown} for {self.step} method {name!r}; {takes}")
        for p in method.params:
            if p.name in params:
                p.check(params[p.name], where, name)
            elif p.required:
                raise SpecError(f"{where}: {self.step} method {name!r} needs parameter {p.name!r} "
                                f"({p.describe()})")
        if method.validate is not None:
            method.validate(method.resolve(params), where)


# ----------------------------------------------------------------------------- imputation
IMPUTATION = Registry("imputation", "imputation.method", "median")
PANEL = Registry("panel imputation", "imputation.panel", "none")
for _name in ("none", "mean", "median"):
    IMPUTATION.register(Method(_name, "imputation", getattr(imp, f"impute_{_name}")))
for _name in ("group_mean", "group_median"):
    IMPUTATION.register(Method(_name, "imputation", getattr(imp, f"impute_{_name}"),
                               doc="needs `imputation.by` (a unit column)"))
IMPUTATION.register(Method("knn", "imputation", imp.impute_knn, params=(
    Param("n_neighbors", "integer", 5, "donor units", low=1),
    Param("weights", "choice", "uniform", "donor weighting", choices=("uniform", "distance")),
    Param("standardise", "boolean", True, "z-score before the neighbour search"))))
IMPUTATION.register(Method("iterative", "imputation", imp.impute_iterative, params=(
    Param("max_iter", "integer", 10, "imputation rounds", low=1),
    Param("seed", "integer", 0, "seed of the chained regressions", low=0),
    Param("standardise", "boolean", True, "z-score before fitting"),
    Param("tol", "number", 1e-3, "convergence tolerance", low=0, low_open=True))))
PANEL.register(Method("none", "panel imputation", imp.impute_none))
for _name in ("ffill", "bfill", "ffill_bfill", "linear", "linear_constant"):
    PANEL.register(Method(_name, "panel imputation", partial(imp.impute_panel, method=_name)))

# ----------------------------------------------------------------------------- outliers
TREATMENT = Registry("outlier treatment", "outliers.method", "coinr")
TREATMENT.register(Method("none", "outlier treatment", lambda X, **_: X))
TREATMENT.register(Method("coinr", "outlier treatment", out.treat_outliers, params=(
    Param("winmax", "integer", 5, "maximum points winsorised per indicator", low=0),
    Param("skew_thresh", "number", 2.0, "|skewness| threshold", low=0, low_open=True),
    Param("kurt_thresh", "number", 3.5, "excess kurtosis threshold", low=0, low_open=True),
    Param("log_transform", "choice", "log_CT", "transform when winsorising fails",
          choices=("log_CT", "log_CT_orig", "none")))))


# ----------------------------------------------------------------------------- normalisation
def _lower_upper(params, where):
    lo, hi = params.get("lower"), params.get("upper")
    if isinstance(lo, int | float) and isinstance(hi, int | float) and not hi > lo:
        raise SpecError(f"{where}: upper ({hi}) must be greater than lower ({lo})")


NORMALISATION = Registry("normalisation", "normalisation.method", "minmax")
_CAP = Param("cap", "boolean", True, "truncate to the target range")
for _entry in (
    Method("minmax", "normalisation", norm.minmax, norm.minmax_kernel, params=(
        Param("lower", "number", 0.0, "bottom of the target range"),
        Param("upper", "number", 1.0, "top of the target range")), validate=_lower_upper),
    Method("zscore", "normalisation", norm.zscore, norm.zscore_kernel, params=(
        Param("mean", "number", 0.0, "target mean"),
        Param("sd", "number", 1.0, "target standard deviation", low=0, low_open=True),
        Param("ddof", "integer", 1, "delta degrees of freedom", low=0))),
    Method("rank", "normalisation", norm.rank, norm.rank_kernel),
    Method("percentile_rank", "normalisation", norm.percentile_rank, norm.percentile_rank_kernel),
    Method("vector", "normalisation", norm.vector, norm.vector_kernel, params=(
        Param("reverse_cost", "boolean", False, "cost columns become 1 − r"),)),
    Method("sum", "normalisation", norm.sum_, norm.sum_kernel),
    Method("goalposts", "normalisation", norm.goalposts, norm.goalposts_kernel, params=(
        Param("lower", "number", None, "lower goalpost", required=True, per_indicator=True),
        Param("upper", "number", None, "upper goalpost", required=True, per_indicator=True),
        _CAP,
        Param("log", "boolean", False, "take logs first", per_indicator=True),
        Param("scale", "number", 1.0, "multiply the result", low=0, low_open=True)), validate=_lower_upper),
    Method("distance_to_target", "normalisation", norm.distance_to_target, norm.distance_to_target_kernel,
           params=(Param("target", "number", None, "target value", required=True, per_indicator=True), _CAP)),
    Method("distance_to_reference", "normalisation", norm.distance_to_reference,
           norm.distance_to_reference_kernel,
           params=(Param("reference_unit", "label", None, "the reference unit", required=True),
                   Param("cap", "boolean", False, "truncate at 1"))),
    Method("distance_to_best", "normalisation", norm.distance_to_best, norm.minmax_kernel),
    Method("fraction_of_max", "normalisation", norm.fraction_of_max, norm.fraction_of_max_kernel),
):
    NORMALISATION.register(_entry)


# ----------------------------------------------------------------------------- weighting
def _framework_weights(kids, parent, choice, framework):
    return {k: framework.node(k).weight for k in kids}


def _manual_weights(kids, parent, choice, framework):
    values = choice["values"]
    absent = [k for k in kids if k not in values]
    if absent:
        raise SpecError(f"manual weights for {parent}: no weight for {absent}")
    return {k: as_number(values[k]) for k in kids}


def _file_weights(kids, parent, choice, framework):
    weights = wts.from_file(choice["path"])  # one file may hold the weights of every parent of the level
    absent = [k for k in kids if k not in weights.index]
    if absent:
        raise DataError(f"file weights for {parent}: {choice['path']} has no weight for {absent}")
    return weights.reindex(kids).to_dict()


def _ahp_weights(kids, parent, choice, framework):
    matrix = choice["matrix"].get(parent)
    if matrix is None:
        raise SpecError(f"AHP weights: no pairwise matrix for {parent} (children {kids})")
    A = [[as_number(v) for v in row] for row in matrix]
    return wts.ahp(A, labels=kids, ri=choice.get("ri", "saaty1980"),
                   allow_inconsistent=bool(choice.get("allow_inconsistent", False))).weights.to_dict()


_ON = Param("on", "choice", "normalised", "weight the normalised or the treated (raw) values",
            choices=("normalised", "raw"))
WEIGHTING = Registry("weighting", "weights.<level>.method", "framework")
for _entry in (
    Method("equal", "weighting", lambda kids, parent, choice, framework: dict.fromkeys(kids, 1.0)),
    Method("framework", "weighting", _framework_weights, doc="the weights written in the framework file"),
    Method("manual", "weighting", _manual_weights, settings=(
        Param("values", "mapping", None, "code → weight (a number or a fraction such as 1/3)", required=True),)),
    Method("file", "weighting", _file_weights, settings=(
        Param("path", "text", None, "CSV or YAML file of code, weight", required=True),)),
    Method("ahp", "weighting", _ahp_weights, settings=(
        Param("matrix", "mapping", None, "a pairwise matrix per parent: {parent code: [[…], …]}",
              required=True),
        Param("ri", "choice", "saaty1980", "random consistency index table", choices=tuple(RI_TABLES)),
        Param("allow_inconsistent", "boolean", False, "accept CR ≥ 0.1"))),
    Method("entropy", "weighting", wts.entropy_minmax, wk.entropy_kernel, True, params=(
        Param("shift", "number", 0.0, "added after min–max (avoids ln 0)", low=0),),
        settings=(_ON,), directional=True, min_rows=2),
    Method("critic", "weighting", wts.critic, wk.critic_kernel, True, params=(
        Param("normalise", "boolean", True, "min–max first (as in the paper)"),),
        settings=(_ON,), directional=True, min_rows=2),
    Method("cv", "weighting", wts.cv, wk.cv_kernel, True, settings=(
        Param("on", "choice", "raw", _ON.doc, choices=_ON.choices),), on="raw", min_rows=2),
    Method("std", "weighting", wts.std, wk.std_kernel, True, params=(
        Param("normalise", "boolean", True, "min–max first"),), settings=(_ON,), directional=True, min_rows=2),
    Method("pca", "weighting", wts.pca, wk.pca_kernel, True, params=(
        Param("method", "choice", "nicoletti", "Nicoletti factor weights or |PC1|",
              choices=("nicoletti", "first_component")),
        Param("min_eigenvalue", "number", 1.0, "Kaiser threshold", low=0),
        Param("min_share", "number", None, "each factor's minimum share of variance", low=0, high=1,
              high_open=True, nullable=True),
        Param("min_cumulative", "number", None, "cumulative share to reach", low=0, high=1, low_open=True,
              nullable=True),
        Param("n_factors", "integer", None, "fixed number of factors", low=1, nullable=True)),
        settings=(_ON,), min_rows=3),
):
    WEIGHTING.register(_entry)

COMBINATION = Registry("combination", "weights.<level>.combine", "linear")
for _name in ("linear", "multiplicative", "min_info", "game_theory"):
    COMBINATION.register(Method(_name, "combination", partial(wts.combine, method=_name),
                                partial(combine_kernel, method=_name)))
WEIGHTING.register(Method("combine", "weighting", wts.combine, combine_kernel, settings=(
    Param("of", "list", None, "the weight choices to combine (at least two)", required=True),
    Param("combine", "choice", "linear", "combination rule", choices=COMBINATION.names),
    Param("coefficients", "coefficients", None, "β of a linear combination", nullable=True))))


# ----------------------------------------------------------------------------- aggregation
_NA = Param("na", "choice", None, "missing children: error, or skip (default: skip when imputation is none)",
            choices=("error", "skip"), nullable=True)
AGGREGATION = Registry("aggregation", "aggregation.<level>.method", "arithmetic")
for _entry in (
    Method("arithmetic", "aggregation", agg.arithmetic, partial(aggb.power_mean_batch, p=1.0, name="arithmetic"),
           params=(_NA,)),
    Method("geometric", "aggregation", agg.geometric, partial(aggb.power_mean_batch, p=0.0, name="geometric"),
           params=(_NA,)),
    Method("harmonic", "aggregation", agg.harmonic, partial(aggb.power_mean_batch, p=-1.0, name="harmonic"),
           params=(_NA,)),
    Method("generalised_mean", "aggregation", agg.generalised_mean, aggb.power_mean_batch,
           params=(Param("p", "number", 1.0, "power (1 arithmetic, 0 geometric, −1 harmonic)"), _NA)),
    Method("topsis", "aggregation", agg.topsis, aggb.topsis_batch, params=(
        Param("normalisation", "choice", "vector", "TOPSIS's own normalisation", choices=("vector", "minmax")),)),
    Method("grey_relational", "aggregation", agg.grey_relational, aggb.grey_relational_batch, params=(
        Param("rho", "number", 0.5, "resolution coefficient", low=0, high=1, low_open=True, high_open=True),
        Param("reference", "label", "best", "'best' or a reference unit"),
        Param("normalisation", "choice", "minmax", "min–max first, or none", choices=("minmax", "none")))),
):
    AGGREGATION.register(_entry)


# ----------------------------------------------------------------------------- issue 14 (docs/studio.md)
def _bwm_weights(kids, parent, choice, framework):
    from .bwm import bwm
    from .subjective import InconsistentJudgementError

    b, o = (choice[key].get(parent) for key in ("best_to_others", "others_to_worst"))
    if b is None or o is None:
        raise SpecError(f"BWM weights: no best_to_others/others_to_worst vectors for {parent} (children {kids})")
    r = bwm({k: as_number(b[k]) if k in b else None for k in kids}, {k: as_number(o[k]) if k in o else None
                                                                     for k in kids})
    if not r.consistent and not choice.get("allow_inconsistent", False):
        raise InconsistentJudgementError(
            f"BWM weights for {parent}: input-based CR = {r.cr:.4f} exceeds the threshold {r.threshold:g} "
            f"(Liang et al. 2020); revise the judgement of {r.cr_by_criterion.idxmax()!r} or set "
            "allow_inconsistent: true")
    return r.weights.to_dict()


def _group_ahp_weights(kids, parent, choice, framework):
    from .group_ahp import group_ahp
    from .subjective import InconsistentJudgementError

    panel = choice["matrices"].get(parent)
    if not panel:
        raise SpecError(f"group AHP weights: no expert matrices for {parent} (children {kids})")
    mats = {e: [[as_number(v) for v in row] for row in A] for e, A in panel.items()}
    r = group_ahp(mats, labels=kids, aggregation=choice.get("aggregation", "aij"),
                  expert_weights=choice.get("expert_weights"), ri=choice.get("ri", "saaty1980"))
    if r.inconsistent and not choice.get("allow_inconsistent", False):
        crs = ", ".join(f"{e} (CR {r.experts.loc[e, 'cr']:.3f})" for e in r.inconsistent)
        raise InconsistentJudgementError(f"group AHP weights for {parent}: inconsistent expert matrices: {crs}; "
                                         "revise them or set allow_inconsistent: true")
    return r.weights.to_dict()


def _bod_bounds(params, where):
    lo, hi = params.get("lower"), params.get("upper")
    if lo is not None and hi is not None and not lo <= hi:
        raise SpecError(f"{where}: lower share bound ({lo}) must not exceed upper ({hi})")


def _register_issue14():
    from . import bod as bod_mod
    from . import copeland as cop
    from . import optimal_weights as opt

    WEIGHTING.register(Method("bwm", "weighting", _bwm_weights, settings=(
        Param("best_to_others", "mapping", None, "per parent: {child code: a_Bj} (1 for the best)", required=True),
        Param("others_to_worst", "mapping", None, "per parent: {child code: a_jW} (1 for the worst)", required=True),
        Param("allow_inconsistent", "boolean", False, "accept CRᴵ above the Liang et al. (2020) threshold")),
        doc="Best–Worst Method, linear model (Rezaei 2016)"))
    WEIGHTING.register(Method("group_ahp", "weighting", _group_ahp_weights, settings=(
        Param("matrices", "mapping", None, "per parent: {expert: pairwise matrix}", required=True),
        Param("aggregation", "choice", "aij", "AIJ or AIP", choices=("aij", "aip_geometric", "aip_arithmetic")),
        Param("expert_weights", "mapping", None, "expert → weight (default equal)", nullable=True),
        Param("ri", "choice", "saaty1980", "random consistency index table", choices=tuple(RI_TABLES)),
        Param("allow_inconsistent", "boolean", False, "accept experts with CR ≥ 0.1")),
        doc="several experts' AHP matrices combined (Forman & Peniwati 1998)"))
    WEIGHTING.register(Method("optimal", "weighting", opt.optimal, opt.optimal_kernel, True, params=(
        Param("objective", "choice", "balance", "equal influence, or the largest total correlation",
              choices=opt.OBJECTIVES),
        Param("correlation", "choice", "pearson", "importance measure", choices=opt.CORRELATIONS)),
        min_rows=3, doc="COINr get_opt_weights: each child's correlation with the parent equal"))
    AGGREGATION.register(Method("bod", "aggregation", bod_mod.bod_scores, bod_mod.bod_kernel, params=(
        Param("lower", "number", None, "each unit's minimum weight share per child", low=0, high=1, nullable=True),
        Param("upper", "number", None, "each unit's maximum weight share per child", low=0, high=1, nullable=True)),
        validate=_bod_bounds, doc="Benefit of the Doubt (Cherchye et al. 2007); the weights are ignored"))
    AGGREGATION.register(Method("copeland", "aggregation", cop.copeland, cop.copeland_kernel,
                                doc="pairwise outranking (COINr a_copeland)"))


_register_issue14()

#: spec root → registry of the method chosen there
REGISTRIES = {"imputation": IMPUTATION, "panel": PANEL, "outliers": TREATMENT, "normalisation": NORMALISATION,
              "weights": WEIGHTING, "combine": COMBINATION, "aggregation": AGGREGATION}


def declared_params(root: str, method) -> dict[str, Param] | None:
    """The declared parameters of ``method`` at spec root ``root`` (None: no such method).

    Examples
    --------
    >>> sorted(declared_params("aggregation", "generalised_mean"))
    ['na', 'p']
    """
    reg = REGISTRIES.get(root)
    if reg is None or method not in reg:
        return None
    return {p.name: p for p in reg[method].params}


def table() -> pd.DataFrame:
    """Every entry as a row: step, method, data-driven, kernel, parameters (name=default)."""
    rows = []
    for reg in (IMPUTATION, PANEL, TREATMENT, NORMALISATION, WEIGHTING, COMBINATION, AGGREGATION):
        for m in reg:
            rows.append({"step": reg.step, "method": m.name, "data_driven": m.data_driven,
                         "kernel": getattr(m.kernel, "__name__", getattr(getattr(m.kernel, "func", None),
                                                                       "__name__", "")) if m.kernel else "",
                         "params": ", ".join(f"{p.name}={p.default!r}" for p in m.params)})
    return pd.DataFrame(rows)
