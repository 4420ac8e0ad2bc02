"""The uncertainty specification: which methodological choices vary, and how.

A small YAML file (``configs/uncertainty.yaml``) lists *factors*. Each factor has a ``name`` and
is one of:

``choice`` (the default; has ``address``)
    An address into the nominal index specification (:mod:`toolkit.index.spec`) and either a discrete
    list of ``options`` or a continuous ``distribution: {uniform: [low, high]}``::

        - {name: normalisation, address: normalisation.method, options: [minmax, rank]}
        - name: dimension_weights
          address: weights.index            # a whole choice: options are mappings
          options: [{method: equal}, {method: ahp, matrix: {...}}]
        - {name: power, address: aggregation.index.params.p, distribution: {uniform: [0, 1]}}

    Addresses start with ``panel``, ``imputation``, ``outliers`` or ``normalisation`` (the *data
    path*: treatment and normalisation, discrete options only) or with ``weights.<level>`` /
    ``aggregation.<level>`` (optionally ``.overrides.<node>``), ending in ``method``, a
    ``params`` entry, or nothing (the whole choice). Setting ``….method`` to a *different*
    method drops the nominal method's own settings (its ``params``, AHP matrix, …; a group
    imputation keeps ``by``); a whole-choice option replaces the nominal choice but keeps its
    per-node ``overrides``.

``weight_noise``
    Multiplicative noise on the weights of one or more ``levels`` (named after the parent being
    built, as in the spec): ``distribution: {uniform: 0.25}`` multiplies each weight by
    U(0.75, 1.25) and renormalises (COINr ``get_noisy_weights``); ``{dirichlet: 50}`` draws
    Dirichlet(50·w) around the weights w. As in COINr, the factor's values are ``sets``
    pre-drawn noise replicates (drawn from the run's seed), chosen by the sample as a discrete
    factor.

``exclude_indicator`` / ``exclude_dimension`` / ``exclude``
    Leave one element out: ``candidates: all`` (every indicator, or every dimension) or a list of
    codes (``exclude`` needs a list; any node of the index tree whose parent has another child).
    With ``include_none: true`` (default) "exclude nothing" is one more option. The element's
    weight becomes 0 at its parent; data-driven weights (entropy, CRITIC, CV, std, PCA) are
    recomputed on the remaining children, fixed weights (equal, framework, manual, file, AHP)
    are renormalised over them.

Checks are loud (:class:`toolkit.errors.SpecError` naming the factor): an address the nominal
specification lacks — a missing level, an unknown key, a parameter of a step it does not run
(``outliers.winmax`` with ``outliers.method: none``; COINr issue #60) or a parameter that no
method in play accepts — is an error, never silently ignored; every option is checked by
building the specification it gives (methods from :mod:`toolkit.index.spec`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..index.spec import IndexSpec, load_spec
from ..methods.registry import declared_params
from .address import DATA_PATH_ROOTS, METHOD_ROOTS, apply_values, get_at, set_at

__all__ = ["Factor", "UncertaintySpec", "load_uncertainty_spec", "DATA_PATH_ROOTS", "METHOD_ROOTS"]

KINDS = ("choice", "weight_noise", "exclude_indicator", "exclude_dimension", "exclude")
NOISE_DISTRIBUTIONS = ("uniform", "dirichlet")
_TOP_KEYS = {"uncertainty_version", "name", "description", "spec", "factors"}
_FACTOR_KEYS = {
    "choice": {"name", "type", "address", "options", "labels", "distribution", "description"},
    "weight_noise": {"name", "type", "level", "levels", "distribution", "sets", "description"},
    "exclude": {"name", "type", "candidates", "include_none", "description"},
}
NONE_LABEL = "none"


def _label(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        rest = {k: v for k, v in value.items() if k != "method"}
        inner = json.dumps(rest, sort_keys=True, ensure_ascii=False, default=str)[1:-1]
        return f"{value.get('method', '')}({inner})" if rest else str(value.get("method", inner))
    return repr(value) if not isinstance(value, float) else f"{value:g}"


@dataclass(frozen=True)
class Factor:
    """One uncertain factor. ``kind`` is ``choice``, ``weight_noise`` or ``exclude``.

    Discrete factors map u ∈ [0, 1) to option ``floor(u·n)``; continuous ones (``low``/
    ``high`` set) to ``low + u·(high − low)``.

    Examples
    --------
    Factors come from an uncertainty specification:

    >>> factor = load_uncertainty_spec("configs/uncertainty.yaml").factors[0]
    >>> factor.name, factor.address, factor.options
    ('imputation', 'imputation.method', ('group_median', 'median', 'mean'))
    >>> factor.decode([0.1, 0.5, 0.9]).tolist(), factor.encode("median")
    ([0, 1, 2], 0.5)
    """

    name: str
    kind: str = "choice"
    address: str | None = None
    options: tuple = ()
    labels: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    levels: tuple[str, ...] = ()
    distribution: str = ""
    amount: float = 0.0
    sets: int = 0
    description: str = ""

    @property
    def discrete(self) -> bool:
        return self.low is None

    @property
    def n_options(self) -> int:
        return len(self.options)

    @property
    def root(self) -> str | None:
        return self.address.split(".")[0] if self.address else None

    @property
    def data_path(self) -> bool:
        """True for a choice of treatment or normalisation (one pipeline run per option)."""
        return self.kind == "choice" and self.root in DATA_PATH_ROOTS

    def decode(self, u) -> np.ndarray:
        """Option indices (discrete; int) or values (continuous; float) for u ∈ [0, 1)."""
        u = np.asarray(u, dtype=float)
        if self.discrete:
            return np.minimum((u * self.n_options).astype(np.int64), self.n_options - 1)
        return self.low + u * (self.high - self.low)

    def encode(self, value) -> float:
        """The u ∈ [0, 1) that decodes to ``value`` (an option, its label or its index)."""
        if not self.discrete:
            v = float(value)
            if not self.low <= v <= self.high:
                raise SpecError(f"factor {self.name!r}: {v} is outside [{self.low}, {self.high}]")
            return min((v - self.low) / (self.high - self.low), np.nextafter(1.0, 0.0))
        return (self.index(value) + 0.5) / self.n_options

    def index(self, value) -> int:
        if isinstance(value, int | np.integer) and not isinstance(value, bool) and self.kind != "choice":
            if 0 <= value < self.n_options:
                return int(value)
        if value in self.labels:
            return self.labels.index(value)
        for i, opt in enumerate(self.options):
            if opt == value:
                return i
        raise SpecError(f"factor {self.name!r} has no option {value!r}; options are {list(self.labels)}")

    def value_labels(self, decoded) -> np.ndarray:
        """Readable values: option labels (discrete) or the numbers themselves."""
        if self.discrete:
            return np.asarray(self.labels, dtype=object)[np.asarray(decoded, dtype=np.int64)]
        return np.asarray(decoded, dtype=float)


@dataclass(frozen=True)
class UncertaintySpec:
    """A checked uncertainty specification bound to its nominal :class:`IndexSpec`.

    Build with :func:`load_uncertainty_spec`. ``factors`` are in file order (the columns of the
    design and of the Sobol tables).

    Examples
    --------
    >>> uspec = load_uncertainty_spec("configs/uncertainty.yaml")
    >>> len(uspec.factors), uspec.names[:3], uspec.nominal.name
    (9, ['imputation', 'outliers', 'normalisation'], 'default')
    """

    factors: tuple[Factor, ...]
    nominal: IndexSpec = field(repr=False)
    name: str = "uncertainty"
    description: str = ""
    source: str = ""
    framework: object = field(default=None, repr=False, compare=False)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.factors]

    def factor(self, name: str) -> Factor:
        for f in self.factors:
            if f.name == name:
                return f
        raise KeyError(f"no factor {name!r}; factors are {self.names}")

    def encode(self, values: Mapping) -> np.ndarray:
        """A design row u for ``{factor: value}``; factors not given take their nominal value
        (choices: the nominal spec's own setting, which must be one of the options; noise: set 0;
        exclusion: none)."""
        unknown = set(values) - set(self.names)
        if unknown:
            raise SpecError(f"unknown factor(s) {sorted(unknown)}; factors are {self.names}")
        return np.array([f.encode(values[f.name] if f.name in values else self.nominal_value(f))
                         for f in self.factors])

    def nominal_value(self, f: Factor):
        """The factor's value in the nominal specification (a choice's own setting — for an
        absent parameter, its default declared in the registry; exclusion: ``"none"``; noise:
        set 0, since noise has no nominal: leave the factor out to reproduce the nominal)."""
        if f.kind == "exclude":
            if None not in f.options:
                raise SpecError(f"factor {f.name!r} has no 'none' option; give the excluded code")
            return NONE_LABEL
        if f.kind != "choice":
            return 0
        nom = self.nominal.to_dict()
        parts = f.address.split(".")
        try:
            value = get_at(nom, parts)
        except KeyError:  # a parameter the nominal spec leaves at its declared default
            choice = get_at(nom, parts[:-2])
            param = (declared_params(parts[0], choice.get("method")) or {}).get(parts[-1])
            if param is None or param.required:
                raise SpecError(f"factor {f.name!r}: the nominal specification does not set {f.address}; "
                                "give its value explicitly") from None
            value = param.default
        if isinstance(value, Mapping):
            for opt in f.options:
                if isinstance(opt, Mapping) and set_at(nom, f.address, opt) == nom:
                    return opt
            raise SpecError(f"factor {f.name!r}: the nominal setting of {f.address} is not one of its "
                            "options; give its value explicitly")
        return value

    def decode(self, u: np.ndarray) -> pd.DataFrame:
        """Readable factor values of design rows u (replications × factors)."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        return pd.DataFrame({f.name: f.value_labels(f.decode(u[:, j])) for j, f in enumerate(self.factors)})

    def spec_for(self, values: Mapping) -> IndexSpec:
        """The index specification of one replication: ``values`` maps factor names to option
        indices (discrete) or values (continuous); only ``choice`` factors change the spec."""
        doc = apply_values(self.nominal.to_dict(), [(f, values[f.name]) for f in self.factors
                                                    if f.kind == "choice" and f.name in values])
        return IndexSpec.from_dict(doc, source=self.nominal.source, framework=self.framework)


# -- loading and checks ---------------------------------------------------------------------------
def load_uncertainty_spec(source, spec=None, framework=None) -> UncertaintySpec:
    """Load and check an uncertainty specification.

    Parameters
    ----------
    source : path to a YAML file, a mapping, or an :class:`UncertaintySpec` (returned as is when
        ``spec`` is None or the same).
    spec : the nominal index specification (IndexSpec, path, mapping). Default: the file's
        ``spec:`` entry (a path, relative to the file or the working directory), else the
        built-in defaults.
    framework : Framework, optional (default: the spec's).

    Returns
    -------
    UncertaintySpec
        The checked factors, bound to the nominal specification (each factor's address must
        exist in it).

    Examples
    --------
    >>> uspec = load_uncertainty_spec({"name": "small", "factors": [
    ...     {"name": "index_aggregation", "address": "aggregation.index.method",
    ...      "options": ["arithmetic", "geometric"]}]}, spec="configs/default.yaml")
    >>> uspec.names, uspec.factors[0].n_options
    (['index_aggregation'], 2)
    >>> load_uncertainty_spec("configs/uncertainty.yaml").names[-1]
    'exclude_indicator'
    """
    from ..framework.loader import load_framework

    if isinstance(source, UncertaintySpec):
        if spec is None or (isinstance(spec, IndexSpec) and spec.sha256 == source.nominal.sha256):
            return source
        source = {"name": source.name, "description": source.description,
                  "factors": _factors_to_docs(source.factors)}
    where, base = "uncertainty spec", Path.cwd()
    if isinstance(source, str | Path):
        from ..safe_yaml import read_yaml_mapping

        path = Path(source)
        doc = read_yaml_mapping(path, "uncertainty specification", SpecError)
        where, base = str(path), path.parent
    elif isinstance(source, Mapping):
        doc = source
    else:
        raise SpecError(f"uncertainty spec: expected a path or a mapping, got {type(source).__name__}")
    if not isinstance(doc, Mapping):
        raise SpecError(f"{where}: an uncertainty specification must be a mapping")
    extra = set(doc) - _TOP_KEYS
    if extra:
        raise SpecError(f"{where}: unknown key(s) {sorted(extra)}; allowed: {sorted(_TOP_KEYS)}")
    if doc.get("uncertainty_version", 1) != 1:
        raise SpecError(f"{where}: unsupported uncertainty_version {doc['uncertainty_version']!r} (expected 1)")
    if spec is None and doc.get("spec"):
        p = Path(doc["spec"])
        cands = [p] if p.is_absolute() else [base / p, Path.cwd() / p]
        found = next((c for c in cands if c.is_file()), None)
        if found is None:
            raise SpecError(f"{where}: spec {doc['spec']!r} not found (looked in {[str(c) for c in cands]})")
        spec = found
    nominal = spec if isinstance(spec, IndexSpec) else load_spec(spec, framework)  # loaded once, by the caller
    fw = framework or load_framework(nominal["framework"])
    raw = doc.get("factors")
    if not isinstance(raw, list) or not raw:
        raise SpecError(f"{where}: `factors` must be a non-empty list of factors")
    factors = [_parse_factor(f, i, where, nominal, fw) for i, f in enumerate(raw)]
    _check_together(factors, where, nominal, fw)
    return UncertaintySpec(tuple(factors), nominal, str(doc.get("name", "uncertainty")),
                           str(doc.get("description", "") or ""), where, fw)


def _factors_to_docs(factors) -> list[dict]:
    out = []
    for f in factors:
        d = {"name": f.name, "type": f.kind}
        if f.kind == "choice":
            d["address"] = f.address
            if f.discrete:
                d["options"], d["labels"] = list(f.options), list(f.labels)
            else:
                d["distribution"] = {"uniform": [f.low, f.high]}
        elif f.kind == "weight_noise":
            d.update(levels=list(f.levels), distribution={f.distribution: f.amount}, sets=f.sets)
        else:
            d.update(type="exclude", candidates=[o for o in f.options if o is not None],
                     include_none=None in f.options)
        out.append(d)
    return out


def _parse_factor(doc, i: int, where: str, nominal: IndexSpec, fw) -> Factor:
    from ..framework.tree import index_tree

    if not isinstance(doc, Mapping):
        raise SpecError(f"{where}: factors[{i}] must be a mapping, got {doc!r}")
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        raise SpecError(f"{where}: factors[{i}] needs a `name`")
    kind = doc.get("type", "choice")
    at = f"{where}: factor {name!r}"
    if kind not in KINDS:
        raise SpecError(f"{at}: type must be one of {list(KINDS)}, got {kind!r}")
    group = "exclude" if kind.startswith("exclude") else kind
    extra = set(doc) - _FACTOR_KEYS[group]
    if extra:
        raise SpecError(f"{at}: unknown key(s) {sorted(extra)} for a {kind} factor; allowed: "
                        f"{sorted(_FACTOR_KEYS[group])}")
    desc = str(doc.get("description", "") or "")
    tree = index_tree(fw)
    if kind == "weight_noise":
        levels = doc.get("levels", doc.get("level"))
        levels = [levels] if isinstance(levels, str) else levels
        if not levels or not isinstance(levels, list):
            raise SpecError(f"{at}: weight_noise needs `level` or `levels` (e.g. [dimension, index])")
        parent_levels = {fw.node(p).level for p in tree}
        for lv in levels:
            if lv not in parent_levels:
                raise SpecError(f"{at}: level {lv!r} has no parents in the index tree; levels with "
                                f"children are {sorted(parent_levels)}")
            if lv not in nominal["weights"]:
                raise SpecError(f"{at}: the nominal specification has no weights.{lv}, so there are no "
                                f"nominal {lv} weights to perturb (add weights.{lv} to the spec)")
        dist = doc.get("distribution")
        if not isinstance(dist, Mapping) or len(dist) != 1 or next(iter(dist)) not in NOISE_DISTRIBUTIONS:
            raise SpecError(f"{at}: distribution must be {{uniform: x}} (±x, 0 ≤ x < 1) or "
                            f"{{dirichlet: concentration}}, got {dist!r}")
        kind_d, amount = next(iter(dist.items()))
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            raise SpecError(f"{at}: the {kind_d} noise amount must be a number, got {amount!r}")
        amount = float(amount)
        if kind_d == "uniform" and not 0 <= amount < 1:
            raise SpecError(f"{at}: uniform noise ±x needs 0 ≤ x < 1, got {amount}")
        if kind_d == "dirichlet" and not amount > 0:
            raise SpecError(f"{at}: the Dirichlet concentration must be positive, got {amount}")
        sets = doc.get("sets", 100)
        if not isinstance(sets, int) or isinstance(sets, bool) or sets < 1:
            raise SpecError(f"{at}: sets must be a positive integer, got {sets!r}")
        return Factor(name, "weight_noise", levels=tuple(levels), distribution=kind_d, amount=amount,
                      sets=sets, options=tuple(range(sets)), labels=tuple(str(s) for s in range(sets)),
                      description=desc)
    if group == "exclude":
        cands = doc.get("candidates", "all")
        children = {c: p for p, cs in tree.items() for c in cs}
        if cands == "all":
            if kind == "exclude":
                raise SpecError(f"{at}: `exclude` needs a list of candidates (or use exclude_indicator "
                                "/ exclude_dimension with candidates: all)")
            level = kind.split("_", 1)[1]
            cands = [n.code for n in fw.nodes(level) if n.code in children]
        if not isinstance(cands, list) or not cands or not all(isinstance(c, str) for c in cands):
            raise SpecError(f"{at}: candidates must be `all` or a non-empty list of codes, got {cands!r}")
        for c in cands:
            if c not in children:
                raise SpecError(f"{at}: {c!r} is not an element of the index tree of framework {fw.id}")
            if kind != "exclude" and fw.node(c).level != kind.split("_", 1)[1]:
                raise SpecError(f"{at}: {c!r} is a {fw.node(c).level}, not a {kind.split('_', 1)[1]}")
            if len(tree[children[c]]) < 2:
                raise SpecError(f"{at}: {c!r} is the only child of {children[c]}; it cannot be left out")
        if len(set(cands)) != len(cands):
            raise SpecError(f"{at}: candidates list a code twice")
        include_none = doc.get("include_none", True)
        if not isinstance(include_none, bool):
            raise SpecError(f"{at}: include_none must be true or false")
        options = ([None] if include_none else []) + list(cands)
        return Factor(name, "exclude", options=tuple(options),
                      labels=tuple(NONE_LABEL if o is None else o for o in options), description=desc)
    return _parse_choice(doc, name, at, nominal, fw, desc)


def _parse_choice(doc, name, at, nominal: IndexSpec, fw, desc) -> Factor:
    address = doc.get("address")
    if not isinstance(address, str) or not address:
        raise SpecError(f"{at}: a choice factor needs an `address` such as normalisation.method")
    parts = address.split(".")
    roots = DATA_PATH_ROOTS + METHOD_ROOTS
    if parts[0] not in roots:
        raise SpecError(f"{at}: address {address!r} must start with one of {list(roots)}")
    nom = nominal.to_dict()
    in_params = len(parts) >= 3 and parts[-2] == "params"
    try:
        get_at(nom, parts[:-2] if in_params else parts)
    except KeyError as exc:
        raise SpecError(f"{at}: the nominal specification{' ' + nominal.source if nominal.source else ''} "
                        f"has no {address!r} (no {exc.args[0]!r}); a factor may only vary a step the "
                        "nominal specification has") from None
    if parts[0] in METHOD_ROOTS and len(parts) >= 2 and parts[1] not in fw.levels:
        raise SpecError(f"{at}: {parts[1]!r} is not a level of framework {fw.id}")
    has_opts, has_dist = "options" in doc, "distribution" in doc
    if has_opts == has_dist:
        raise SpecError(f"{at}: give either `options` (a discrete list) or `distribution` "
                        "({uniform: [low, high]}), not both or neither")
    if has_dist:
        dist = doc["distribution"]
        if parts[0] in DATA_PATH_ROOTS:
            raise SpecError(f"{at}: {address} is a data-path choice (treatment or normalisation); each "
                            "value re-runs the pipeline, so give a discrete list of options")
        if not in_params:
            raise SpecError(f"{at}: only a numeric `params` entry can have a continuous distribution")
        ok = isinstance(dist, Mapping) and list(dist) == ["uniform"] and isinstance(dist["uniform"], list) \
            and len(dist["uniform"]) == 2 and all(isinstance(v, int | float) for v in dist["uniform"])
        if not ok or not dist["uniform"][0] < dist["uniform"][1]:
            raise SpecError(f"{at}: distribution must be {{uniform: [low, high]}} with low < high, got {dist!r}")
        low, high = (float(v) for v in dist["uniform"])
        for v in (low, high):
            _check_option(nom, address, v, at, nominal, fw)
        return Factor(name, "choice", address=address, low=low, high=high, description=desc)
    options = doc["options"]
    if not isinstance(options, list) or not options:
        raise SpecError(f"{at}: options must be a non-empty list")
    if address.endswith(".method") and not all(isinstance(o, str) for o in options):
        raise SpecError(f"{at}: options of {address} must be method names, got {options!r}")
    labels = doc.get("labels")
    if labels is None:
        labels = [_label(o) for o in options]
    if not isinstance(labels, list) or len(labels) != len(options) or not all(isinstance(x, str) for x in labels):
        raise SpecError(f"{at}: labels must be a list of {len(options)} strings")
    if len(set(labels)) != len(labels):
        raise SpecError(f"{at}: option labels must be unique, got {labels}; add `labels:`")
    for o in options:
        _check_option(nom, address, o, at, nominal, fw)
    return Factor(name, "choice", address=address, options=tuple(copy.deepcopy(o) for o in options),
                  labels=tuple(labels), description=desc)


def _check_option(nom: dict, address: str, value, at: str, nominal: IndexSpec, fw) -> None:
    try:
        probe = Factor("probe", address=address, options=(value,), labels=("probe",))
        doc = apply_values(nom, [(probe, 0)])
        IndexSpec.from_dict(doc, source=nominal.source, framework=fw)  # checks every choice and parameter
    except SpecError as exc:
        raise SpecError(f"{at}: option {_label(value)!r} is not valid: {exc}") from None
    except (TypeError, AttributeError, KeyError) as exc:
        raise SpecError(f"{at}: option {_label(value)!r} does not fit {address}: {exc}") from None


def _check_together(factors: list[Factor], where: str, nominal: IndexSpec, fw) -> None:
    names = [f.name for f in factors]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecError(f"{where}: factor name(s) {dup} used twice")
    addresses = [f.address for f in factors if f.kind == "choice"]
    dup = sorted({a for a in addresses if addresses.count(a) > 1})
    if dup:
        raise SpecError(f"{where}: address(es) {dup} varied by two factors")
    noisy = [lv for f in factors if f.kind == "weight_noise" for lv in f.levels]
    dup = sorted({lv for lv in noisy if noisy.count(lv) > 1})
    if dup:
        raise SpecError(f"{where}: weights of level(s) {dup} perturbed by two weight_noise factors")
    nom = nominal.to_dict()

    def methods_at(choice_parts) -> set:
        found = {get_at(nom, choice_parts).get("method")}
        for g in factors:
            if g.kind != "choice" or not g.discrete:
                continue
            gp = g.address.split(".")
            if gp == list(choice_parts) + ["method"]:
                found |= set(g.options)
            elif gp == list(choice_parts):
                found |= {o if isinstance(o, str) else o.get("method") for o in g.options}
        return found

    for f in factors:
        if f.kind != "choice":
            continue
        parts = f.address.split(".")
        at = f"{where}: factor {f.name!r}"
        # a setting of a step that the nominal spec switches off, and no factor switches on
        for step, off in (("outliers", "none"), ("imputation", "none")):
            if parts[0] == step and len(parts) >= 2 and parts[1] not in ("method", "panel") and \
                    methods_at([step]) == {off}:
                raise SpecError(f"{at}: varies {f.address}, but the nominal specification has no "
                                f"{step} step ({step}.method: {off}) and no factor switches it on; the "
                                "choice would be silently ignored (COINr issue #60)")
        if len(parts) >= 2 and parts[-2] == "params" and parts[0] != "imputation":
            choice = parts[:-2]
            pname = parts[-1]
            methods = methods_at(choice)
            takers = [m for m in methods if pname in (declared_params(parts[0], m) or {})]
            if not takers:
                raise SpecError(f"{at}: varies {f.address}, but no method in play at {'.'.join(choice)} "
                                f"({sorted(map(str, methods))}) takes a parameter {pname!r}")
