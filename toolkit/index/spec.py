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
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from ..errors import SpecError
from .spec_checks import check_sections, suggest_key

# The methods of each step, their parameters and defaults are declared in toolkit.methods.registry.

_SECTIONS = {"spec_version", "name", "description", "framework", "years", "exclude", "panel", "denomination",
             "imputation", "screening", "outliers", "normalisation", "weights", "aggregation", "ranking"}
# ``exclude`` (indicators or aggregates left out, toolkit.framework.exclude) has no default entry, so
# that a spec without it keeps the hash it always had

DEFAULTS: dict = {
    "spec_version": 1,
    "name": "default",
    "description": "",
    "framework": "shandong_industrial_brain",
    "years": None,
    "panel": {"scope": "pooled"},
    "denomination": {"method": "none", "by": {}},
    "imputation": {"panel": "none", "method": "median", "by": None, "params": {}},
    "screening": {"method": "none", "dat_thresh": 2 / 3, "nonzero_thresh": 0.05, "force_include": [],
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


def _kept_on_method_change(path: tuple, method) -> set:
    """The keys of a block that outlive a change of its ``method``: everything else (``params``,
    a weighting's settings) belonged to the old method, and the new one starts from its own
    defaults (``spec.replace({"normalisation": {"method": "rank"}})`` drops min–max's bounds)."""
    if path in (("weights",), ("aggregation",)) or (len(path) == 3 and path[1] == "overrides"):
        return set()  # a parent level's choice, or one node's override: nothing outlives the method
    if path[:1] in (("weights",), ("aggregation",)):
        return {"overrides"}
    if path == ("normalisation",):
        return {"overrides"}
    if path == ("imputation",):
        from ..methods.registry import IMPUTATION

        return {"panel", "by"} if method in IMPUTATION and IMPUTATION[method].grouped else {"panel"}
    if path == ("denomination",):
        return set() if method == "none" else {"by"}
    return None  # every other block merges key by key


def _merge(base: dict, over: Mapping, path: tuple = ()) -> dict:
    out = copy.deepcopy(base)
    method = over.get("method") if isinstance(over, Mapping) else None
    if path and method is not None and "method" in out and method != out["method"]:
        keep = _kept_on_method_change(path, method)
        if keep is not None:
            blank = {"normalisation": {"params": {}}, "imputation": {"by": None, "params": {}},
                     "denomination": {"by": {}}}.get(path[0], {}) if len(path) == 1 else {}
            out = {k: (v if k in keep or k == "method" else copy.deepcopy(blank[k])) for k, v in out.items()
                   if k in keep or k in blank or k == "method"}
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict) and k not in ("params", "overrides", "by"):
            out[k] = _merge(out[k], v, (*path, k))
        else:
            out[k] = copy.deepcopy(_thaw(v))
    return out


@dataclass(frozen=True)
class IndexSpec:
    """A checked, immutable index specification. Build with :func:`load_spec` or
    :meth:`from_dict`; change with :meth:`replace` (returns a new spec).

    Examples
    --------
    >>> spec = load_spec()  # configs/default.yaml
    >>> spec.name, spec["normalisation"]["method"]
    ('default', 'minmax')
    >>> variant = spec.replace({"aggregation": {"index": {"method": "geometric"}}})
    >>> variant["aggregation"]["index"]["method"], "index" in spec["aggregation"]  # spec is unchanged
    ('geometric', False)
    >>> variant.sha256 == spec.sha256, load_spec().sha256 == spec.sha256  # same choices, same hash
    (False, True)
    """

    data: Mapping = field(repr=False)
    source: str = ""
    fw: object = field(default=None, repr=False, compare=False)

    def __getitem__(self, key):
        return self.data[key]

    def __reduce__(self):
        # the frozen mappings do not pickle: a spec travels as its plain dict and is frozen again
        # (already checked: not re-checked), so a plan holding it reaches worker processes
        return (_refreeze, (self.to_dict(), self.source, self.fw))

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def excluded(self) -> tuple[str, ...]:
        """The codes the spec leaves out (``exclude:``; empty when it names none)."""
        return tuple(self.data.get("exclude") or ())

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
        from ..framework.loader import load_framework

        return load_framework(self.data["framework"])

    @property
    def index_framework(self):
        """The framework the index is built on: :attr:`framework` less the codes the spec
        leaves out (``exclude:``; :func:`toolkit.framework.exclude.without`).

        Examples
        --------
        >>> spec = load_spec({"framework": "undp_hdi", "exclude": ["MYS"]})
        >>> spec.framework.node("EDUCATION").children, spec.index_framework.node("EDUCATION").children
        (('EYS', 'MYS'), ('EYS',))
        """
        if not self.excluded:
            return self.framework
        from ..framework.exclude import without

        return without(self.framework, self.excluded, self.source or "spec")

    def replace(self, changes: Mapping) -> IndexSpec:
        """A new spec with ``changes`` merged in (nested mappings merge key by key).

        A block whose ``method`` changes starts from the new method's defaults: the old
        method's ``params`` (and a weighting's settings) are dropped, while what does not belong
        to the method stays (``overrides``, ``imputation.panel``).

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
        from ..framework.loader import load_framework
        from ..framework.model import Framework

        doc = dict(doc or {})
        where = source or "spec"
        unknown = set(doc) - _SECTIONS
        if unknown:
            hints = "".join(f"; {k!r}{suggest_key(k, _SECTIONS)}" for k in sorted(unknown) if suggest_key(k, _SECTIONS))
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
        check_sections(merged, where, fw)
        return cls(_freeze(merged), source, fw)


def _refreeze(doc: dict, source: str, fw) -> IndexSpec:
    return IndexSpec(_freeze(doc), source, fw)


def load_spec(source: str | Path | Mapping | IndexSpec | None = None, framework=None) -> IndexSpec:
    """Load and check a specification (a YAML path, a mapping, or None for the defaults).

    ``configs/default.yaml`` is the project's nominal specification; with no argument the
    built-in defaults of :data:`DEFAULTS` apply.

    Parameters
    ----------
    source : str, Path, mapping, IndexSpec or None
        A YAML file, a mapping with the same sections, an already loaded specification (returned
        as it is) or None for the defaults.
    framework : Framework, optional
        The framework whose levels and nodes the specification names (default: the one the
        specification names).

    Returns
    -------
    IndexSpec
        The checked, frozen specification; ``spec.replace({...})`` gives a variant.

    Raises
    ------
    SpecError
        When a section, key, method, level or node is unknown or a parameter is invalid; the
        message names it.

    Examples
    --------
    >>> import toolkit
    >>> spec = toolkit.load_spec("configs/default.yaml")
    >>> spec.name, spec["weights"]["dimension"]["method"]
    ('default', 'entropy')
    >>> spec.replace({"aggregation": {"index": {"method": "geometric"}}})["aggregation"]["index"]["method"]
    'geometric'
    """
    if isinstance(source, IndexSpec):
        return source
    if source is None or isinstance(source, Mapping):
        return IndexSpec.from_dict(source or {}, "<dict>", framework)
    from ..safe_yaml import read_yaml_mapping

    doc = read_yaml_mapping(source, "specification", SpecError)
    return IndexSpec.from_dict(doc, str(source), framework)


# -- checks ---------------------------------------------------------------------------------------
def _is_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def _shipped() -> list[str]:
    from ..framework.loader import available_frameworks

    return available_frameworks()


def check_spec(doc: Mapping, framework=None, where: str = "spec") -> None:
    """Check a spec dict (with every section, e.g. ``IndexSpec.to_dict()``) against the registries;
    raises :class:`SpecError` naming the key. :meth:`IndexSpec.from_dict` runs this on load.

    Examples
    --------
    >>> from toolkit.index.spec import DEFAULTS
    >>> check_spec({**DEFAULTS, "aggregation": {"index": {"method": "topsis", "params": {"p": 2}}}})
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: spec: aggregation.index.params: unknown parameter(s) ['p'] for aggregation method 'topsis'; it takes ['normalisation']
    """
    from ..framework.loader import load_framework

    check_sections(_thaw(doc), where, load_framework(framework or doc["framework"]))
