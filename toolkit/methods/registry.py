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
:data:`DENOMINATION`      ``denomination.method``     none, framework, spec
:data:`IMPUTATION`        ``imputation.method``       none, mean, median, group_*, knn, iterative
:data:`PANEL`             ``imputation.panel``        none, ffill, bfill, ffill_bfill, linear, …
:data:`SCREENING`         ``screening.method``        none, byNA, byzeros, byNAandzeros
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
toolkit.errors.SpecError: weights.dimension: parameter 'min_share' of pca must be a number in [0, 1) or null (or a mapping node code → value), got 1.5
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from ..errors import DataError, SpecError
from .aggregation import aggregate as agg
from .aggregation import aggregate_batch as aggb
from .declared import Method, Param, Registry, as_number
from .imputation import impute as imp
from .normalisation import normalise as norm
from .preparation import denominate as den
from .preparation import screen as scr
from .treatment import outliers as out
from .weighting import weight_kernels as wk
from .weighting import weights as wts
from .weighting.subjective import RI_TABLES, combine_kernel

__all__ = ["AGGREGATION", "COMBINATION", "DENOMINATION", "IMPUTATION", "Method", "NORMALISATION", "PANEL", "Param",
           "REGISTRIES", "Registry", "SCREENING", "TREATMENT", "WEIGHTING", "as_number"]

# ----------------------------------------------------------------------------- imputation
IMPUTATION = Registry("imputation", "imputation.method", "median")
PANEL = Registry("panel imputation", "imputation.panel", "none")
for _name in ("none", "mean", "median"):
    IMPUTATION.register(Method(_name, "imputation", getattr(imp, f"impute_{_name}"), columnwise=True))
for _name in ("group_mean", "group_median"):
    IMPUTATION.register(Method(_name, "imputation", getattr(imp, f"impute_{_name}"),
                               doc="needs `imputation.by` (a unit column)", columnwise=True))
# kNN and the chained regressions look at every indicator at once: their settings are one per run
_KNN = "kNN finds each unit's donors by its distance over all indicators at once, so one neighbourhood serves every column"
_ITER = ("the chained regressions predict each indicator from all the others in one model, so its settings "
         "apply to every column together")
IMPUTATION.register(Method("knn", "imputation", imp.impute_knn, params=(
    Param("n_neighbors", "integer", 5, "donor units (one value: " + _KNN + ")", low=1, shared=_KNN),
    Param("weights", "choice", "uniform", "donor weighting", choices=("uniform", "distance"), shared=_KNN),
    Param("standardise", "boolean", True, "z-score before the neighbour search", shared=_KNN))))
IMPUTATION.register(Method("iterative", "imputation", imp.impute_iterative, params=(
    Param("max_iter", "integer", 10, "imputation rounds", low=1, shared=_ITER),
    Param("seed", "integer", 0, "seed of the chained regressions", low=0, shared=_ITER),
    Param("standardise", "boolean", True, "z-score before fitting", shared=_ITER),
    Param("tol", "number", 1e-3, "convergence tolerance", low=0, low_open=True, shared=_ITER))))
PANEL.register(Method("none", "panel imputation", imp.impute_none, columnwise=True))
for _name in ("ffill", "bfill", "ffill_bfill", "linear", "linear_constant"):
    PANEL.register(Method(_name, "panel imputation", partial(imp.impute_panel, method=_name), columnwise=True))

# ----------------------------------------------------------------------------- denomination, screening
_BY = Param("by", "mapping", None, "indicator → denominator column, {denominator, scale}, or null (none)",
            nullable=True)
DENOMINATION = Registry("denomination", "denomination.method", "none")
DENOMINATION.register(Method("none", "denomination", lambda X, *_a, **_k: X, doc="no denomination"))
DENOMINATION.register(Method("framework", "denomination", den.denominate, settings=(_BY,),
                             doc="the denominators the framework declares, `by` overriding them"))
DENOMINATION.register(Method("spec", "denomination", den.denominate, settings=(_BY,),
                             doc="only the denominators given in `by`"))
SCREENING = Registry("unit screening", "screening.method", "none")
_SCREEN = "screening judges each unit on its values over all indicators together (a share of them)"
_SCREEN_PARAMS = (
    Param("dat_thresh", "number", 2 / 3, "least share of indicators observed", low=0, high=1, shared=_SCREEN),
    Param("nonzero_thresh", "number", 0.05, "least share of non-zero observed values", low=0, high=1,
          shared=_SCREEN),
    Param("force_include", "list", [], "unit ids kept whatever the rule"),
    Param("force_exclude", "list", [], "unit ids dropped whatever the rule"))
for _name in scr.SCREEN_RULES:
    SCREENING.register(Method(_name, "unit screening", partial(scr.screen_units, rule=_name),
                              params=() if _name == "none" else _SCREEN_PARAMS))

# ----------------------------------------------------------------------------- outliers
TREATMENT = Registry("outlier treatment", "outliers.method", "coinr")
TREATMENT.register(Method("none", "outlier treatment", lambda X, **_: X, columnwise=True))
TREATMENT.register(Method("coinr", "outlier treatment", out.treat_outliers, columnwise=True, params=(
    Param("winmax", "integer", 5, "maximum points winsorised per indicator", low=0, per_indicator=True),
    Param("skew_thresh", "number", 2.0, "|skewness| threshold", low=0, low_open=True, per_indicator=True),
    Param("kurt_thresh", "number", 3.5, "excess kurtosis threshold", low=0, low_open=True, per_indicator=True),
    Param("log_transform", "choice", "log_CT", "transform when winsorising fails",
          choices=("log_CT", "log_CT_orig", "none"), per_indicator=True))))


# ----------------------------------------------------------------------------- normalisation
def _lower_upper(params, where):
    lo, hi = params.get("lower"), params.get("upper")
    if isinstance(lo, int | float) and isinstance(hi, int | float) and not hi > lo:
        raise SpecError(f"{where}: upper ({hi}) must be greater than lower ({lo})")


NORMALISATION = Registry("normalisation", "normalisation.method", "minmax")
def _normaliser(name, function, kernel, **kw) -> Method:
    return Method(name, "normalisation", function, kernel, columnwise=True, **kw)


# every normaliser treats each column on its own: all their parameters may vary by indicator
_CAP = Param("cap", "boolean", True, "truncate to the target range", per_indicator=True)
for _entry in (
    _normaliser("minmax", norm.minmax, norm.minmax_kernel, params=(
        Param("lower", "number", 0.0, "bottom of the target range", per_indicator=True),
        Param("upper", "number", 1.0, "top of the target range", per_indicator=True)), validate=_lower_upper),
    _normaliser("zscore", norm.zscore, norm.zscore_kernel, params=(
        Param("mean", "number", 0.0, "target mean", per_indicator=True),
        Param("sd", "number", 1.0, "target standard deviation", low=0, low_open=True, per_indicator=True),
        Param("ddof", "integer", 1, "delta degrees of freedom", low=0, per_indicator=True))),
    _normaliser("rank", norm.rank, norm.rank_kernel),
    _normaliser("percentile_rank", norm.percentile_rank, norm.percentile_rank_kernel),
    _normaliser("vector", norm.vector, norm.vector_kernel, params=(
        Param("reverse_cost", "boolean", False, "cost columns become 1 − r", per_indicator=True),)),
    _normaliser("sum", norm.sum_, norm.sum_kernel),
    _normaliser("goalposts", norm.goalposts, norm.goalposts_kernel, params=(
        Param("lower", "number", None, "lower goalpost", required=True, per_indicator=True),
        Param("upper", "number", None, "upper goalpost", required=True, per_indicator=True),
        _CAP,
        Param("log", "boolean", False, "take logs first", per_indicator=True),
        Param("scale", "number", 1.0, "multiply the result", low=0, low_open=True, per_indicator=True)),
        validate=_lower_upper),
    _normaliser("distance_to_target", norm.distance_to_target, norm.distance_to_target_kernel,
           params=(Param("target", "number", None, "target value", required=True, per_indicator=True), _CAP)),
    _normaliser("distance_to_reference", norm.distance_to_reference,
           norm.distance_to_reference_kernel,
           params=(Param("reference_unit", "label", None, "the reference unit", required=True, per_indicator=True),
                   Param("cap", "boolean", False, "truncate at 1", per_indicator=True))),
    _normaliser("distance_to_best", norm.distance_to_best, norm.minmax_kernel),
    _normaliser("fraction_of_max", norm.fraction_of_max, norm.fraction_of_max_kernel),
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
        Param("shift", "number", 0.0, "added after min–max (avoids ln 0)", low=0, per_node=True),),
        settings=(_ON,), directional=True, min_rows=2),
    Method("critic", "weighting", wts.critic, wk.critic_kernel, True, params=(
        Param("normalise", "boolean", True, "min–max first (as in the paper)", per_node=True),),
        settings=(_ON,), directional=True, min_rows=2),
    Method("cv", "weighting", wts.cv, wk.cv_kernel, True, settings=(
        Param("on", "choice", "raw", _ON.doc, choices=_ON.choices),), on="raw", min_rows=2),
    Method("std", "weighting", wts.std, wk.std_kernel, True, params=(
        Param("normalise", "boolean", True, "min–max first", per_node=True),), settings=(_ON,), directional=True, min_rows=2),
    Method("pca", "weighting", wts.pca, wk.pca_kernel, True, params=(
        Param("method", "choice", "nicoletti", "Nicoletti factor weights or |PC1|",
              choices=("nicoletti", "first_component"), per_node=True),
        Param("min_eigenvalue", "number", 1.0, "Kaiser threshold", low=0, per_node=True),
        Param("min_share", "number", None, "each factor's minimum share of variance", low=0, high=1,
              high_open=True, nullable=True, per_node=True),
        Param("min_cumulative", "number", None, "cumulative share to reach", low=0, high=1, low_open=True,
              nullable=True, per_node=True),
        Param("n_factors", "integer", None, "fixed number of factors", low=1, nullable=True, per_node=True)),
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
            choices=("error", "skip"), nullable=True, per_node=True)
AGGREGATION = Registry("aggregation", "aggregation.<level>.method", "arithmetic")
for _entry in (
    Method("arithmetic", "aggregation", agg.arithmetic, partial(aggb.power_mean_batch, p=1.0, name="arithmetic"),
           params=(_NA,)),
    Method("geometric", "aggregation", agg.geometric, partial(aggb.power_mean_batch, p=0.0, name="geometric"),
           params=(_NA,)),
    Method("harmonic", "aggregation", agg.harmonic, partial(aggb.power_mean_batch, p=-1.0, name="harmonic"),
           params=(_NA,)),
    Method("generalised_mean", "aggregation", agg.generalised_mean, aggb.power_mean_batch,
           params=(Param("p", "number", 1.0, "power (1 arithmetic, 0 geometric, −1 harmonic)", per_node=True), _NA)),
    Method("topsis", "aggregation", agg.topsis, aggb.topsis_batch, params=(
        Param("normalisation", "choice", "vector", "TOPSIS's own normalisation", choices=("vector", "minmax"),
              per_node=True),)),
    Method("grey_relational", "aggregation", agg.grey_relational, aggb.grey_relational_batch, params=(
        Param("rho", "number", 0.5, "resolution coefficient", low=0, high=1, low_open=True, high_open=True,
              per_node=True),
        Param("reference", "label", "best", "'best' or a reference unit", per_node=True),
        Param("normalisation", "choice", "minmax", "min–max first, or none", choices=("minmax", "none"),
              per_node=True))),
):
    AGGREGATION.register(_entry)


# ----------------------------------------------------------------------------- issue 14 (docs/studio.md)
def _bwm_weights(kids, parent, choice, framework):
    from .weighting.bwm import bwm
    from .weighting.subjective import InconsistentJudgementError

    b, o = (choice[key].get(parent) for key in ("best_to_others", "others_to_worst"))
    if b is None or o is None:
        raise SpecError(f"BWM weights: no best_to_others/others_to_worst vectors for {parent} (children {kids})")
    r = bwm({k: as_number(b[k]) if k in b else None for k in kids}, {k: as_number(o[k]) if k in o else None
                                                                     for k in kids},
            model=choice.get("model", "linear"))
    if not r.consistent and not choice.get("allow_inconsistent", False):
        raise InconsistentJudgementError(
            f"BWM weights for {parent}: input-based CR = {r.cr:.4f} exceeds the threshold {r.threshold:g} "
            f"(Liang et al. 2020); revise the judgement of {r.cr_by_criterion.idxmax()!r} or set "
            "allow_inconsistent: true")
    return r.weights.to_dict()


def _group_ahp_weights(kids, parent, choice, framework):
    from .weighting.group_ahp import group_ahp
    from .weighting.subjective import InconsistentJudgementError

    panel = choice["matrices"].get(parent)
    if not panel:
        raise SpecError(f"group AHP weights: no expert matrices for {parent} (children {kids})")
    mats = {e: [[as_number(v) for v in row] for row in A] for e, A in panel.items()}
    r = group_ahp(mats, labels=kids, aggregation=choice.get("aggregation", "aij"),
                  expert_weights=choice.get("expert_weights"), ri=choice.get("ri", "saaty1980"))
    if (r.inconsistent or not r.group_consistent) and not choice.get("allow_inconsistent", False):
        crs = ", ".join(f"{e} (CR {r.experts.loc[e, 'cr']:.3f})" for e in r.inconsistent)
        group = "" if r.group_consistent else f"the aggregated (AIJ) matrix has CR {r.group_cr:.3f} ≥ {r.threshold:g}"
        raise InconsistentJudgementError(f"group AHP weights for {parent}: "
                                         + "; ".join(x for x in (crs and f"inconsistent expert matrices: {crs}", group)
                                                     if x) + "; revise them or set allow_inconsistent: true")
    return r.weights.to_dict()


def _bod_bounds(params, where):
    lo, hi = params.get("lower"), params.get("upper")
    if lo is not None and hi is not None and not lo <= hi:
        raise SpecError(f"{where}: lower share bound ({lo}) must not exceed upper ({hi})")


def _register_issue14():
    from .aggregation import bod as bod_mod
    from .aggregation import copeland as cop
    from .weighting import optimal_weights as opt

    WEIGHTING.register(Method("bwm", "weighting", _bwm_weights, settings=(
        Param("best_to_others", "mapping", None, "per parent: {child code: a_Bj} (1 for the best)", required=True),
        Param("others_to_worst", "mapping", None, "per parent: {child code: a_jW} (1 for the worst)", required=True),
        Param("model", "choice", "linear", "linear (Rezaei 2016, unique weights) or nonlinear (Rezaei 2015)",
              choices=("linear", "nonlinear")),
        Param("allow_inconsistent", "boolean", False, "accept CRᴵ above the Liang et al. (2020) threshold")),
        doc="Best–Worst Method, linear model (Rezaei 2016) by default, `model: nonlinear` for Rezaei (2015)"))
    WEIGHTING.register(Method("group_ahp", "weighting", _group_ahp_weights, settings=(
        Param("matrices", "mapping", None, "per parent: {expert: pairwise matrix}", required=True),
        Param("aggregation", "choice", "aij", "AIJ or AIP", choices=("aij", "aip_geometric", "aip_arithmetic")),
        Param("expert_weights", "mapping", None, "expert → weight (default equal)", nullable=True),
        Param("ri", "choice", "saaty1980", "random consistency index table", choices=tuple(RI_TABLES)),
        Param("allow_inconsistent", "boolean", False, "accept experts with CR ≥ 0.1")),
        doc="several experts' AHP matrices combined (Forman & Peniwati 1998)"))
    WEIGHTING.register(Method("optimal", "weighting", opt.optimal, opt.optimal_kernel, True, params=(
        Param("objective", "choice", "balance", "equal influence, or the largest total correlation",
              choices=opt.OBJECTIVES, per_node=True),
        Param("correlation", "choice", "pearson", "importance measure", choices=opt.CORRELATIONS, per_node=True)),
        min_rows=3, doc="COINr get_opt_weights: each child's correlation with the parent equal"))
    AGGREGATION.register(Method("bod", "aggregation", bod_mod.bod_scores, bod_mod.bod_kernel, params=(
        Param("lower", "number", None, "each unit's minimum weight share per child", low=0, high=1, nullable=True,
              per_node=True),
        Param("upper", "number", None, "each unit's maximum weight share per child", low=0, high=1, nullable=True,
              per_node=True)),
        validate=_bod_bounds, doc="Benefit of the Doubt (Cherchye et al. 2007); the weights are ignored"))
    AGGREGATION.register(Method("copeland", "aggregation", cop.copeland, cop.copeland_kernel,
                                doc="pairwise outranking (COINr a_copeland)"))


_register_issue14()

#: spec root → registry of the method chosen there
REGISTRIES = {"denomination": DENOMINATION, "imputation": IMPUTATION, "panel": PANEL, "screening": SCREENING,
              "outliers": TREATMENT, "normalisation": NORMALISATION, "weights": WEIGHTING, "combine": COMBINATION,
              "aggregation": AGGREGATION}


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
    for reg in (DENOMINATION, IMPUTATION, PANEL, SCREENING, TREATMENT, NORMALISATION, WEIGHTING, COMBINATION,
                AGGREGATION):
        for m in reg:
            rows.append({"step": reg.step, "method": m.name, "data_driven": m.data_driven,
                         "kernel": getattr(m.kernel, "__name__", getattr(getattr(m.kernel, "func", None),
                                                                       "__name__", "")) if m.kernel else "",
                         "params": ", ".join(f"{p.name}={p.default!r}" for p in m.params)})
    return pd.DataFrame(rows)
