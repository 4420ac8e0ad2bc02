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

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..index.spec import IndexSpec, load_spec
from ..methods.registry import declared_params
from .address import DATA_PATH_ROOTS, METHOD_ROOTS, apply_values, get_at, set_at
from .factors import NONE_LABEL, Factor, check_together, factors_to_docs, parse_factor

__all__ = ["Factor", "UncertaintySpec", "load_uncertainty_spec", "DATA_PATH_ROOTS", "METHOD_ROOTS"]

_TOP_KEYS = {"uncertainty_version", "name", "description", "spec", "factors"}


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
                  "factors": factors_to_docs(source.factors)}
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
    factors = [parse_factor(f, i, where, nominal, fw) for i, f in enumerate(raw)]
    check_together(factors, where, nominal, fw)
    return UncertaintySpec(tuple(factors), nominal, str(doc.get("name", "uncertainty")),
                           str(doc.get("description", "") or ""), where, fw)
