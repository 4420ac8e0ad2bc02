"""The index specification: every methodological choice in one declarative, frozen object.

A specification is a small YAML file (``configs/default.yaml``). :func:`load_spec` reads and
checks it loudly — an unknown key, method or node is an error that names it, never silently
ignored — and returns an :class:`IndexSpec`. :func:`toolkit.build_index` turns data and a spec
into results; uncertainty analysis re-runs it with perturbed specs (:meth:`IndexSpec.replace`).

Levels in ``weights`` and ``aggregation`` are named after the *parent* being built: with the
levels ``[index, dimension, indicator, measure]``, ``aggregation.dimension`` says how
indicators become a dimension score, and ``aggregation.index`` how dimension scores become the
composite. ``overrides`` change the choice for single nodes (``L5: {method: geometric}``).
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from ..errors import SpecError

IMPUTATION_METHODS = ("none", "mean", "median", "group_mean", "group_median", "knn", "iterative")
PANEL_METHODS = ("none", "ffill", "bfill", "ffill_bfill", "linear", "linear_constant")
OUTLIER_METHODS = ("none", "coinr")
NORMALISATION_METHODS = ("minmax", "zscore", "rank", "percentile_rank", "vector", "sum", "goalposts",
                         "distance_to_target", "distance_to_reference", "distance_to_best", "fraction_of_max")
WEIGHT_METHODS = ("equal", "framework", "manual", "file", "entropy", "critic", "cv", "std", "pca", "ahp",
                  "combine")
AGGREGATION_METHODS = ("arithmetic", "geometric", "harmonic", "generalised_mean", "topsis", "grey_relational")
COMBINE_METHODS = ("linear", "multiplicative", "min_info", "game_theory")
#: the Shandong framework's group columns (any framework declares its own: ``Framework.group_columns``)
GROUP_COLUMNS = ("industry", "city", "city_code", "county")
DENOMINATION_METHODS = ("none", "framework", "spec")
SCREEN_RULES = ("none", "byNA", "byzeros", "byNAandzeros")

_SECTIONS = {"spec_version", "name", "description", "framework", "years", "panel", "denomination", "imputation",
             "screening", "outliers", "normalisation", "weights", "aggregation", "ranking"}

DEFAULTS: dict = {
    "spec_version": 1,
    "name": "default",
    "description": "",
    "framework": "shandong_industrial_brain",
    "years": None,
    "panel": {"scope": "pooled"},
    "denomination": {"method": "none", "by": {}},
    "imputation": {"panel": "none", "method": "median", "by": None, "params": {}},
    "screening": {"rule": "none", "dat_thresh": 2 / 3, "nonzero_thresh": 0.05, "force_include": [],
                  "force_exclude": []},
    "outliers": {"method": "coinr", "winmax": 5, "skew_thresh": 2.0, "kurt_thresh": 3.5,
                 "log_transform": "log_CT", "skip_types": ["binary", "ordinal"], "skip": []},
    "normalisation": {"method": "minmax", "params": {"lower": 0, "upper": 100}, "overrides": {}},
    "weights": {},
    "aggregation": {},
    "ranking": {"round": None},
}


def _freeze(obj):
    if isinstance(obj, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in obj.items()})
    if isinstance(obj, list | tuple):
        return tuple(_freeze(v) for v in obj)
    return obj


def _thaw(obj):
    if isinstance(obj, Mapping):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return [_thaw(v) for v in obj]
    return obj


def _merge(base: dict, over: Mapping) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict) and k not in ("params", "overrides", "by"):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(_thaw(v))
    return out


@dataclass(frozen=True)
class IndexSpec:
    """A checked, immutable index specification. Build with :func:`load_spec` or
    :meth:`from_dict`; change with :meth:`replace` (returns a new spec)."""

    data: Mapping = field(repr=False)
    source: str = ""
    fw: object = field(default=None, repr=False, compare=False)

    def __getitem__(self, key):
        return self.data[key]

    @property
    def name(self) -> str:
        return self.data["name"]

    def to_dict(self) -> dict:
        return _thaw(self.data)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    @property
    def sha256(self) -> str:
        """Hash of the canonical JSON form: the same choices give the same hash."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def level_choice(self, section: str, level: str, node: str | None = None) -> dict:
        """The weighting or aggregation choice for ``level`` (and a node override, if any)."""
        sec = self.data[section]
        choice = dict(_thaw(sec.get(level, {})))
        overrides = choice.pop("overrides", {}) or {}
        if node is not None and node in overrides:
            choice = {**choice, **overrides[node]}
        return choice

    @property
    def framework(self):
        """The :class:`~toolkit.framework.model.Framework` this spec is for: the one it was
        checked against (a user's file travels with the spec), else the one it names."""
        if self.fw is not None:
            return self.fw
        from ..framework.model import load_framework

        return load_framework(self.data["framework"])

    def replace(self, changes: Mapping) -> IndexSpec:
        """A new spec with ``changes`` merged in (nested mappings merge key by key).

        The framework the spec was checked against travels with it, so a spec for a user's
        framework file can be varied too.

        Examples
        --------
        >>> spec = load_spec({"framework": "undp_hdi", "imputation": {"method": "none"}})
        >>> spec.replace({"ranking": {"round": 3}})["ranking"]["round"], spec.framework.id
        (3, 'undp_hdi')
        """
        return IndexSpec.from_dict(_merge(self.to_dict(), changes), source=self.source, framework=self.fw)

    @classmethod
    def from_dict(cls, doc: Mapping, source: str = "", framework=None) -> IndexSpec:
        """Check ``doc`` (merged over :data:`DEFAULTS`) and freeze it.

        ``framework`` (a Framework, a shipped name or a file) is what the spec is checked
        against; when it is given and ``doc`` names no framework, the spec takes its id. A
        ``framework:`` naming a ``.yaml`` file is read relative to the spec file (``source``).
        """
        from ..framework.model import Framework, load_framework

        doc = dict(doc or {})
        where = source or "spec"
        unknown = set(doc) - _SECTIONS
        if unknown:
            hints = "".join(_suggest(k, _SECTIONS) for k in sorted(unknown))
            raise SpecError(f"{where}: unknown section(s) {sorted(unknown)}{hints}; known: {sorted(_SECTIONS)}")
        if framework is not None and not isinstance(framework, Framework):
            framework = load_framework(framework)
        named = doc.get("framework")
        if isinstance(named, str) and _is_file(named):
            path = Path(named)
            if not path.is_absolute() and source and not source.startswith("<"):
                path = Path(source).resolve().parent / path
            doc["framework"] = str(path.resolve()) if path.exists() else named
            file_fw = load_framework(doc["framework"])
            if framework is not None and framework.id != file_fw.id:
                raise SpecError(f"{where}: the spec names framework file {named} ({file_fw.id}), "
                                f"but framework {framework.id!r} was given")
            framework = framework or file_fw
        elif named is None and framework is not None:
            doc["framework"] = str(framework.path) if framework.path and framework.id not in _shipped() \
                else framework.id
        elif framework is not None and named != framework.id:
            raise SpecError(f"{where}: the spec is for framework {named!r}, but framework {framework.id!r} was given")
        merged = _merge(DEFAULTS, doc)
        fw = framework or load_framework(merged["framework"])
        _check(merged, where, fw)
        return cls(_freeze(merged), source, fw)


def load_spec(source: str | Path | Mapping | IndexSpec | None = None, framework=None) -> IndexSpec:
    """Load and check a specification (a YAML path, a mapping, or None for the defaults).

    ``configs/default.yaml`` is the project's nominal specification; with no argument the
    built-in defaults of :data:`DEFAULTS` apply.
    """
    if isinstance(source, IndexSpec):
        return source
    if source is None or isinstance(source, Mapping):
        return IndexSpec.from_dict(source or {}, "<dict>", framework)
    from ..files import read_yaml_mapping

    doc = read_yaml_mapping(source, "specification", SpecError)
    return IndexSpec.from_dict(doc, str(source), framework)


# -- checks ---------------------------------------------------------------------------------------
def _is_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def _shipped() -> list[str]:
    from ..framework.model import available_frameworks

    return available_frameworks()


def _suggest(key, allowed) -> str:
    from ..framework.units import suggest

    hint = suggest(key, allowed)
    return f" ({key!r}:{hint[1:-1]})" if hint else ""


def _one_of(value, allowed, what: str, where: str) -> None:
    if value not in allowed:
        raise SpecError(f"{where}: {what} must be one of {list(allowed)}, got {value!r}")


def _keys(d: Mapping, allowed: set, what: str, where: str) -> None:
    extra = set(d) - allowed
    if extra:
        raise SpecError(f"{where}: unknown key(s) {sorted(extra)} in {what}; allowed: {sorted(allowed)}")


def _check(s: dict, where: str, fw) -> None:
    if s["spec_version"] != 1:
        raise SpecError(f"{where}: unsupported spec_version {s['spec_version']!r} (expected 1)")
    _keys(s["panel"], {"scope"}, "panel", where)
    _one_of(s["panel"]["scope"], ("pooled", "per_year"), "panel.scope", where)
    if s["years"] is not None and not (isinstance(s["years"], list) and all(isinstance(y, int) for y in s["years"])):
        raise SpecError(f"{where}: years must be a list of integers or null, got {s['years']!r}")
    imp = s["imputation"]
    _keys(imp, {"panel", "method", "by", "params"}, "imputation", where)
    _one_of(imp["panel"], PANEL_METHODS, "imputation.panel", where)
    _one_of(imp["method"], IMPUTATION_METHODS, "imputation.method", where)
    if imp["method"].startswith("group_"):
        _one_of(imp["by"], tuple(fw.group_columns), f"imputation.by (needed by group methods; the group "
                f"columns framework {fw.id} declares)", where)
    elif imp["by"] is not None:
        raise SpecError(f"{where}: imputation.by is only used by group_mean/group_median, not {imp['method']!r}")
    _check_denomination(s["denomination"], fw, where)
    scr = s["screening"]
    _keys(scr, {"rule", "dat_thresh", "nonzero_thresh", "force_include", "force_exclude"}, "screening", where)
    _one_of(scr["rule"], SCREEN_RULES, "screening.rule", where)
    for key in ("dat_thresh", "nonzero_thresh"):
        v = scr[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise SpecError(f"{where}: screening.{key} must be a number within [0, 1], got {v!r}")
    for key in ("force_include", "force_exclude"):
        if not isinstance(scr[key], list):
            raise SpecError(f"{where}: screening.{key} must be a list of unit ids, got {scr[key]!r}")
    rk = s["ranking"]
    _keys(rk, {"round"}, "ranking", where)
    if rk["round"] is not None and (isinstance(rk["round"], bool) or not isinstance(rk["round"], int)
                                    or rk["round"] < 0):
        raise SpecError(f"{where}: ranking.round must be a number of decimals (0, 1, 2, …) or null, "
                        f"got {rk['round']!r}")
    out = s["outliers"]
    _keys(out, {"method", "winmax", "skew_thresh", "kurt_thresh", "log_transform", "skip_types", "skip"},
          "outliers", where)
    _one_of(out["method"], OUTLIER_METHODS, "outliers.method", where)
    _one_of(out["log_transform"], ("log_CT", "log_CT_orig", "none"), "outliers.log_transform", where)
    for code in out["skip"]:
        if code not in fw:
            raise SpecError(f"{where}: outliers.skip names {code!r}, which is not in framework {fw.id}")
    norm = s["normalisation"]
    _keys(norm, {"method", "params", "overrides"}, "normalisation", where)
    _one_of(norm["method"], NORMALISATION_METHODS, "normalisation.method", where)
    for code, o in (norm["overrides"] or {}).items():
        if code not in fw:
            raise SpecError(f"{where}: normalisation.overrides names {code!r}, which is not in framework {fw.id}")
        _keys(o, {"method", "params"}, f"normalisation.overrides.{code}", where)
        _one_of(o.get("method", norm["method"]), NORMALISATION_METHODS, f"normalisation.overrides.{code}.method", where)
    parents = fw.levels[:-1]
    for section, allowed in (("weights", WEIGHT_METHODS), ("aggregation", AGGREGATION_METHODS)):
        for level, choice in s[section].items():
            if level not in parents:
                raise SpecError(f"{where}: {section}.{level}: no such parent level; the framework's "
                                f"levels that have children are {list(parents)}")
            _check_choice(choice, allowed, f"{section}.{level}", where, section, fw, level)
            for node, o in (choice.get("overrides") or {}).items():
                if node not in fw or fw.node(node).level != level:
                    raise SpecError(f"{where}: {section}.{level}.overrides names {node!r}, which is not "
                                    f"a {level} of framework {fw.id}")
                _check_choice({**{k: v for k, v in choice.items() if k != "overrides"}, **o}, allowed,
                              f"{section}.{level}.overrides.{node}", where, section, fw, level)
    try:
        check_params(s, fw)
        from .params import check_indicator_params

        check_indicator_params(s, fw)
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from None


def _check_denomination(den, fw, where: str) -> None:
    _keys(den, {"method", "by"}, "denomination", where)
    _one_of(den["method"], DENOMINATION_METHODS, "denomination.method", where)
    by = den["by"] or {}
    if not isinstance(by, Mapping):
        raise SpecError(f"{where}: denomination.by must map indicator → denominator column, got {by!r}")
    if by and den["method"] == "none":
        raise SpecError(f"{where}: denomination.by is given but denomination.method is none")
    columns = set(fw.unit_role("denominator"))
    for code, d in by.items():
        if code not in fw.columns:
            raise SpecError(f"{where}: denomination.by names {code!r}, which is not a data column of framework "
                            f"{fw.id}{_suggest(code, fw.columns)}")
        column = d.get("denominator") if isinstance(d, Mapping) else d
        if d is not None and column not in columns:
            raise SpecError(f"{where}: denomination.by.{code}: {column!r} is not a denominator column of framework "
                            f"{fw.id}; declared: {sorted(columns)}")


def denominators_for(spec, fw) -> dict:
    """Indicator → (denominator column, scale) that the spec's ``denomination`` asks for:
    the framework's declarations (method ``framework``) with ``by`` overriding them (a null
    entry turns one off), or ``by`` alone (method ``spec``)."""
    den = spec["denomination"]
    if den["method"] == "none":
        return {}
    out = dict(fw.denominators) if den["method"] == "framework" else {}
    for code, d in (den["by"] or {}).items():
        if d is None:
            out.pop(code, None)
        elif isinstance(d, Mapping):
            out[code] = (d["denominator"], float(d.get("scale", 1.0)))
        else:
            out[code] = (d, 1.0)
    return out


def _check_choice(choice, allowed, what, where, section, fw, level) -> None:
    if not isinstance(choice, Mapping):
        raise SpecError(f"{where}: {what} must be a mapping such as {{method: equal}}, got {choice!r}")
    method = choice.get("method")
    _one_of(method, allowed, f"{what}.method", where)
    if section == "aggregation":
        _keys(choice, {"method", "params", "overrides"}, what, where)
        return
    _keys(choice, {"method", "params", "overrides", "on", "values", "path", "matrix", "ri", "allow_inconsistent",
                   "of", "combine", "coefficients"}, what, where)
    if choice.get("on", "normalised") not in ("normalised", "raw"):
        raise SpecError(f"{where}: {what}.on must be normalised or raw, got {choice.get('on')!r}")
    if method == "manual" and not isinstance(choice.get("values"), Mapping):
        raise SpecError(f"{where}: {what}: manual weights need `values: {{code: weight, …}}`")
    if method == "file" and not choice.get("path"):
        raise SpecError(f"{where}: {what}: file weights need `path`")
    if method == "ahp" and not isinstance(choice.get("matrix"), Mapping):
        raise SpecError(f"{where}: {what}: AHP needs `matrix: {{parent code: [[…], …]}}` or a per-parent "
                        "pairwise matrix under overrides")
    if method == "combine":
        of = choice.get("of")
        if not isinstance(of, list) or len(of) < 2:
            raise SpecError(f"{where}: {what}: combine needs `of:` with at least two weight choices")
        _one_of(choice.get("combine", "linear"), COMBINE_METHODS, f"{what}.combine", where)
        for i, sub in enumerate(of):
            _check_choice(sub, tuple(m for m in allowed if m != "combine"), f"{what}.of[{i}]", where, section, fw, level)


def param_function(root: str, method: str):
    from ..methods import aggregate as agg
    from ..methods import normalise as norm
    from ..methods import weights as wts

    if root == "normalisation":
        return norm.NORMALISERS.get(method)
    if root == "aggregation":
        return agg.AGGREGATORS.get(method)
    if root == "weights":
        return {"entropy": wts.entropy_minmax, "critic": wts.critic, "cv": wts.cv, "std": wts.std,
                "pca": wts.pca}.get(method)
    return None


def check_params(doc: dict, fw) -> None:
    """Every ``params`` entry names a parameter of its method's function, so a typo is a
    SpecError at load time rather than a TypeError inside build_index."""
    def check(root, where, choice):
        method, params = choice.get("method"), choice.get("params") or {}
        fn = param_function(root, method)
        if fn is None:
            if params and root in ("weights", "aggregation"):
                raise SpecError(f"{where}: method {method!r} takes no params, got {sorted(params)}")
            return
        sig = inspect.signature(fn).parameters
        extra = [k for k in params if k not in sig or k in ("X", "directions", "weights")]
        if extra:
            raise SpecError(f"{where}: method {method!r} takes no parameter(s) {extra}")

    norm = doc["normalisation"]
    check("normalisation", "normalisation", norm)
    for code, o in (norm.get("overrides") or {}).items():
        m = o.get("method", norm["method"])
        check("normalisation", f"normalisation.overrides.{code}",
              {"method": m, "params": o.get("params", norm["params"] if m == norm["method"] else {})})
    for root in ("weights", "aggregation"):
        for level, choice in doc[root].items():
            base = {k: v for k, v in choice.items() if k != "overrides"}
            if not (root == "weights" and base.get("method") == "combine"):
                check(root, f"{root}.{level}", base)
            for sub in base.get("of", []) if root == "weights" else []:
                check(root, f"{root}.{level}.of", sub)
            for node, o in (choice.get("overrides") or {}).items():
                check(root, f"{root}.{level}.overrides.{node}", {**base, **o})
