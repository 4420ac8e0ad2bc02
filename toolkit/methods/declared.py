"""The declarations the registries are made of (:mod:`toolkit.methods.registry`): a
:class:`Param` (a parameter a spec may set: type, range, default, and whether it may vary by
indicator or by node), a :class:`Method` (one registry entry) and a :class:`Registry` (the
methods of one step).

Per-indicator and per-node parameters (docs/methods-registry.md, "Per-indicator parameters"):

* ``Param(per_indicator=True)`` on an entry declared ``Method(columnwise=True)`` — a method that
  treats each column on its own (outlier treatment, every normaliser) — may be given as one
  value or as a mapping indicator code → value. The step resolves the mapping against the
  columns of its block, groups the columns whose resolved parameters are equal and calls the
  method once per group (:func:`toolkit.index.params.column_groups`), so no method has a second
  implementation and one indicator's value cannot reach another column.
* ``Param(per_node=True)`` (aggregation and data-driven weighting) may be a mapping node code →
  value, resolved for each node of the level (:func:`toolkit.index.plan.node_choice`).
* Any other parameter takes one value for all: a mapping is a :class:`SpecError` that says why
  (``Param.shared``: e.g. kNN's ``n_neighbors``, one neighbourhood found over all indicators).

Examples
--------
>>> p = Param("winmax", "integer", 5, "points winsorised", low=0, per_indicator=True)
>>> p.check({"A": 0, "B": 1}, "outliers", "coinr") is None
True
>>> Param("n_neighbors", "integer", 5, low=1, shared="donors are found over all indicators at once"
...       ).check({"A": 3}, "imputation.params", "knn")
Traceback (most recent call last):
...
toolkit.errors.SpecError: imputation.params: parameter 'n_neighbors' of knn takes one value for every indicator, not a mapping: donors are found over all indicators at once
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import SpecError
from .checks import check_data

__all__ = ["Method", "Param", "Registry", "as_number"]

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
    the spec must give it (for every indicator, when given as a mapping). ``per_indicator``
    allows a mapping indicator code → value instead of one value for all (only on a
    ``columnwise`` method); ``per_node`` a mapping node code → value (aggregation, weighting).
    ``shared`` says why a parameter cannot vary by indicator (the message of the error a
    mapping gets).

    Examples
    --------
    >>> Param("p", "number", 1.0, per_node=True).describe()
    'a number (or a mapping node code → value)'
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
    per_node: bool = False
    shared: str = ""

    def __post_init__(self):
        if self.type not in _TYPES:
            raise ValueError(f"Param {self.name}: unknown type {self.type!r}")
        if self.per_indicator and self.per_node:
            raise ValueError(f"Param {self.name}: per_indicator or per_node, not both")
        if (self.per_indicator or self.per_node) and self.type in ("mapping", "coefficients", "any"):
            raise ValueError(f"Param {self.name}: a {self.type} value cannot also be a per-code mapping")

    @property
    def mappable(self) -> bool:
        """May the value be a mapping code → value (per indicator or per node)?"""
        return self.per_indicator or self.per_node

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
        text += " or null" if self.nullable else ""
        if self.per_indicator:
            text += " (or a mapping indicator code → value)"
        elif self.per_node:
            text += " (or a mapping node code → value)"
        return text

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
        if isinstance(value, Mapping) and not self.mappable and self.type not in ("mapping", "coefficients", "any"):
            why = self.shared or ("it is one setting of the method, not one per indicator" if self.type != "boolean"
                                  else "it switches the method's behaviour for all indicators together")
            raise SpecError(f"{where}: parameter {self.name!r} of {method} takes one value for every indicator, "
                            f"not a mapping: {why}")
        if self.mappable and isinstance(value, Mapping):
            bad = [k for k, v in value.items()
                   if not isinstance(k, str) or not ((v is None and self.nullable) or self._ok(v))]
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
        ``validate(params, where)``: checks across parameters (``lower < upper``); with
        per-indicator mappings it runs once per group of columns with equal parameters.
    columnwise : bool
        The method treats every column on its own (its result for one column depends on that
        column only), so its ``per_indicator`` parameters may be mappings indicator → value.
    grouped : bool
        An imputation that takes the units' groups (``imputation.by``) as its second argument.
    label_en, label_zh : str
        The method's name in English and Chinese, as menus show it (default: ``name``).
    doc, doc_zh : str
        One line on what the method does, in English and Chinese (menus, the docs table).
    kind : str
        A family within the step, for the menus and lists that show one family (weighting:
        ``fixed``, ``subjective``, ``objective``, ``optimised``, ``combination``).
    plugin : bool
        Registered from outside the toolkit (:func:`toolkit.methods.registry.register`).
    checks : tuple of DataCheck
        The rules the data must keep (:class:`toolkit.methods.checks.DataCheck`), declared here
        once and run by the pandas function and by the engine's stacks alike
        (:meth:`check_data`), with ``min_rows``.

    Examples
    --------
    >>> from toolkit.methods.registry import TREATMENT
    >>> TREATMENT["coinr"].columnwise, TREATMENT["coinr"].param("winmax").per_indicator
    (True, True)
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
    columnwise: bool = False
    grouped: bool = False
    label_en: str = ""
    label_zh: str = ""
    doc_zh: str = ""
    kind: str = ""
    plugin: bool = False
    checks: tuple = ()

    def __post_init__(self):
        odd = [p.name for p in self.params if p.per_indicator and not self.columnwise]
        if odd:
            raise ValueError(f"{self.step} method {self.name}: per-indicator parameter(s) {odd} on a method "
                             "that is not columnwise")

    def label(self, language: str = "en") -> str:
        """The method's name as a menu shows it: ``label_zh`` or ``label_en`` (else ``name``)."""
        return (self.label_zh if language == "zh" else self.label_en) or self.label_en or self.name

    def summary(self, language: str = "en") -> str:
        """One line on what the method does (``doc_zh`` or ``doc``; the other language when one is empty)."""
        return (self.doc_zh if language == "zh" else self.doc) or self.doc or self.doc_zh

    def check_params(self, params, where: str = "") -> None:
        """Check ``params``: every key declared, every value in its range, the required ones
        given, the cross-parameter rule kept. Raises :class:`SpecError` naming ``where``.

        Examples
        --------
        >>> m = Method("m", "aggregation", print, params=(Param("p", "number", 1.0, low=0),))
        >>> m.check_params({"q": 1}, "here")
        Traceback (most recent call last):
        ...
        toolkit.errors.SpecError: here: unknown parameter(s) ['q'] for aggregation method 'm'; it takes ['p']
        """
        where = where or self.step
        if params is None:
            params = {}
        if not isinstance(params, Mapping):
            raise SpecError(f"{where}: params must be a mapping, got {params!r}")
        declared = {p.name: p for p in self.params}
        unknown = [k for k in params if k not in declared]
        if unknown:
            takes = f"it takes {sorted(declared)}" if declared else "it takes no params"
            raise SpecError(f"{where}: unknown parameter(s) {unknown} for {self.step} method {self.name!r}; {takes}")
        for p in self.params:
            if p.name in params:
                p.check(params[p.name], where, self.name)
            elif p.required:
                raise SpecError(f"{where}: {self.step} method {self.name!r} needs parameter {p.name!r} "
                                f"({p.describe()})")
        if self.validate is not None:
            resolved = self.resolve(params)
            if any(isinstance(resolved.get(p.name), Mapping) for p in self.params if p.mappable):
                return  # checked per group of columns with equal values (toolkit.index.params)
            self.validate(resolved, where)

    def check_data(self, values, params=None, **labels) -> None:
        """Run the declared data checks and ``min_rows`` on ``values`` (a stack (G, m, k); a
        single matrix is ``X[None]``): the one call both paths make, so that build_index and the
        engine stop on the same value with the same message
        (:func:`toolkit.methods.checks.check_data`; ``labels``: ``weights``, ``excluded``,
        ``units``, ``columns``).

        Examples
        --------
        >>> import numpy as np
        >>> from toolkit.methods.registry import AGGREGATION
        >>> AGGREGATION["geometric"].check_data(np.array([[[1.0, 0.0]]]), {"na": "error"}, units=["u"],
        ...                                     columns=["a", "b"])
        Traceback (most recent call last):
        ...
        toolkit.methods.checks.BatchError: geometric: unit 'u', indicator 'b' has value 0; needs values > 0: normalise to a positive range such as minmax [1, 100] first
        """
        check_data(self.name, self.checks, values, params, min_rows=self.min_rows, **labels)

    @property
    def defaults(self) -> dict:
        """Default value of every declared parameter."""
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param | None:
        """The declared parameter ``name`` (None if the method has none of that name)."""
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
        """Add ``method``; a name registered twice is an error."""
        if method.name in self.methods:
            raise ValueError(f"{self.step}: method {method.name!r} is registered twice")
        self.methods[method.name] = method
        return method

    @property
    def names(self) -> tuple[str, ...]:
        """The method names, in registration order."""
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
        """Check ``params`` of method ``name`` (:meth:`Method.check_params`; an unknown method is a
        :class:`SpecError` listing the known ones)."""
        self.get(name, where).check_params(params, where or self.address)
