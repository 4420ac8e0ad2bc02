"""The factors of an uncertainty specification (:mod:`toolkit.robustness.spec`): what one is
(:class:`Factor`: its options, their labels, how a design value u ∈ [0, 1) decodes to one), and
how each is read and checked against the nominal index specification (:func:`parse_factor`,
:func:`check_together`). The file format is documented in :mod:`toolkit.robustness.spec`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import SpecError
from ..index.spec import IndexSpec
from ..methods.registry import declared_params
from .address import DATA_PATH_ROOTS, METHOD_ROOTS, apply_values, get_at

__all__ = ["KINDS", "NONE_LABEL", "Factor", "check_together", "factors_to_docs", "parse_factor"]

KINDS = ("choice", "weight_noise", "exclude_indicator", "exclude_dimension", "exclude")
NOISE_DISTRIBUTIONS = ("uniform", "dirichlet")
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

    >>> from toolkit.robustness.spec import load_uncertainty_spec
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


def factors_to_docs(factors) -> list[dict]:
    """The factors as the mappings of an uncertainty file (to bind them to another nominal spec)."""
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


def parse_factor(doc, i: int, where: str, nominal: IndexSpec, fw) -> Factor:
    """``factors[i]`` of the file ``where`` as a checked :class:`Factor` bound to ``nominal``."""
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


def check_together(factors: list[Factor], where: str, nominal: IndexSpec, fw) -> None:
    """The checks across factors: names and addresses used once, a level perturbed once, no
    factor varying a step the nominal spec switches off, a parameter some method in play takes."""
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
