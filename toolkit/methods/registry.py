"""The registries: one per pipeline step, one entry per method (docs/methods-registry.md).

Each step declares its entries beside its functions (a :class:`Method`: the function
``build_index`` calls, the batch kernel the Monte Carlo engine calls, the declared parameters,
names in English and Chinese and one line on what it does); this module only assembles them,
and is where a researcher adds a method of their own (:func:`register`). The specification
checks, ``build_index``, the engine, ``compare``, the studio's selectors, the CLI help and the
docs table all read these registries, so a method is one function, one entry and its tests.

========================  ==========================  ==============================================
registry                  spec address                declared in
========================  ==========================  ==============================================
:data:`DENOMINATION`      ``denomination.method``     :mod:`toolkit.methods.preparation.denominate`
:data:`IMPUTATION`        ``imputation.method``       :mod:`toolkit.methods.imputation.impute`
:data:`PANEL`             ``imputation.panel``        :mod:`toolkit.methods.imputation.impute`
:data:`SCREENING`         ``screening.method``        :mod:`toolkit.methods.preparation.screen`
:data:`TREATMENT`         ``outliers.method``         :mod:`toolkit.methods.treatment.outliers`
:data:`NORMALISATION`     ``normalisation.method``    :mod:`toolkit.methods.normalisation.normalise`
:data:`WEIGHTING`         ``weights.<level>.method``  :mod:`toolkit.methods.weighting.weights`
:data:`COMBINATION`       ``weights.<level>.combine`` :mod:`toolkit.methods.weighting.weights`
:data:`AGGREGATION`       ``aggregation.<level>``     :mod:`toolkit.methods.aggregation.aggregate`
========================  ==========================  ==============================================

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

import pandas as pd

from .aggregation.aggregate import AGGREGATION
from .declared import Method, Param, Registry, as_number
from .imputation.impute import IMPUTATION, PANEL
from .normalisation.normalise import NORMALISATION
from .plugins import STEPS, plugin_entry
from .preparation.denominate import DENOMINATION
from .preparation.screen import SCREENING
from .treatment.outliers import TREATMENT
from .weighting.weights import COMBINATION, WEIGHTING

__all__ = ["AGGREGATION", "COMBINATION", "DENOMINATION", "IMPUTATION", "Method", "NORMALISATION", "PANEL", "Param",
           "REGISTRIES", "Registry", "SCREENING", "STEPS", "TREATMENT", "WEIGHTING", "as_number", "declared_params",
           "install_plugins", "markdown_table", "methods_of", "pack_plugins", "register", "registry_of", "table",
           "unregister"]

#: spec root → registry of the method chosen there
REGISTRIES = {"denomination": DENOMINATION, "imputation": IMPUTATION, "panel": PANEL, "screening": SCREENING,
              "outliers": TREATMENT, "normalisation": NORMALISATION, "weights": WEIGHTING, "combine": COMBINATION,
              "aggregation": AGGREGATION}
#: the four steps a researcher may add a method to → their registry
_PLUGGABLE = {"imputation": IMPUTATION, "normalisation": NORMALISATION, "weighting": WEIGHTING,
              "aggregation": AGGREGATION}


def registry_of(step: str) -> Registry:
    """The registry of ``step``: ``"imputation"``, ``"normalisation"``, ``"weighting"``,
    ``"aggregation"`` (or a spec root such as ``"weights"``, ``"outliers"``).

    Parameters
    ----------
    step : str

    Returns
    -------
    Registry

    Examples
    --------
    >>> registry_of("weighting") is WEIGHTING, registry_of("weights") is WEIGHTING
    (True, True)
    """
    reg = _PLUGGABLE.get(step) or REGISTRIES.get(step) or next((r for r in REGISTRIES.values() if r.step == step), None)
    if reg is None:
        raise ValueError(f"no step {step!r}; the steps are {sorted(_PLUGGABLE)} (and the spec roots "
                         f"{sorted(REGISTRIES)})")
    return reg


def register(step: str, name: str, function, *, kernel=None, params=(), label_en: str = "", label_zh: str = "",
             doc: str = "", doc_zh: str = "", replace: bool = False, **declarations) -> Method:
    """Register a method of one's own, from a notebook or a script; no fork of the toolkit.

    Once registered, the method is a valid choice everywhere a built-in one is: a spec's
    ``normalisation.method`` (etc.), :func:`toolkit.build_index`, an uncertain factor of the
    Monte Carlo engine, ``compare``, the studio's selectors and :func:`table`.

    Parameters
    ----------
    step : {"imputation", "normalisation", "weighting", "aggregation"}
    name : str
        The name a spec uses.
    function : callable
        Follows the step's pandas convention:

        * imputation, normalisation: ``function(X, **params)``, a DataFrame units × indicators in,
          a DataFrame of the same shape out (imputation may fill missing cells only; normalisation
          gets cost indicators multiplied by −1 first, COINr's convention, unless it is declared
          ``directional=True``: then it is called ``function(X, directions, **params)``);
        * weighting: ``function(X, **params)``, a DataFrame in, a Series of weights over its
          columns out (non-negative; rescaled to sum 1);
        * aggregation: ``function(X, weights, **params)``, a DataFrame and a Series of weights in,
          a Series over the units out.
    kernel : callable, optional
        A batch kernel on stacks (weighting: ``kernel(X[G, m, k], **params)`` → (G, k);
        aggregation: ``kernel(C[G, m, k], W[G, k], **params)`` → (G, m)). Without one the engine
        calls ``function`` once per matrix.
    params : tuple of Param, optional
        The parameters a spec may set; a key not declared here is an error in a spec.
    label_en, label_zh, doc, doc_zh : str
        Names and one line on what the method does (menus, the docs table).
    replace : bool
        Replace a plugin of the same name (re-running a notebook cell); a built-in method is never
        replaced.
    **declarations
        Further :class:`Method` fields: ``min_rows``, ``columnwise``, ``directional``.

    Returns
    -------
    Method
        The registry entry.

    Examples
    --------
    >>> import pandas as pd
    >>> def halves(X, weights, **_):  # the mean of each unit's two halves
    ...     return X.mean(axis=1)
    >>> entry = register("aggregation", "doc_example_mean", halves, doc="the plain mean")
    >>> from toolkit.methods.aggregation.aggregate import aggregate
    >>> aggregate(pd.DataFrame({"a": [1.0, 3.0], "b": [3.0, 5.0]}), "doc_example_mean").tolist()
    [2.0, 4.0]
    >>> unregister("aggregation", "doc_example_mean")
    """
    reg = registry_of(step)
    if step not in _PLUGGABLE:
        raise ValueError(f"register: methods of one's own go in {sorted(_PLUGGABLE)}, not {step!r}")
    if name in reg:
        if not (replace and reg[name].plugin):
            raise ValueError(f"register: {step} method {name!r} exists already"
                             + ("" if reg[name].plugin else " (a built-in method)")
                             + ("; pass replace=True to replace your own" if reg[name].plugin else ""))
        del reg.methods[name]
    return reg.register(plugin_entry(step, name, function, kernel=kernel, params=tuple(params), label_en=label_en,
                                     label_zh=label_zh, doc=doc, doc_zh=doc_zh, **declarations))


def unregister(step: str, name: str) -> None:
    """Remove a method registered with :func:`register` (built-in methods stay).

    Parameters
    ----------
    step, name : str

    Returns
    -------
    None

    Examples
    --------
    >>> unregister("aggregation", "arithmetic")
    Traceback (most recent call last):
    ...
    ValueError: unregister: aggregation method 'arithmetic' is built in
    """
    reg = registry_of(step)
    if name in reg and not reg[name].plugin:
        raise ValueError(f"unregister: {step} method {name!r} is built in")
    reg.methods.pop(name, None)


def pack_plugins() -> bytes | None:
    """The methods registered with :func:`register`, pickled by value with cloudpickle (what
    joblib's loky workers and Dask pickle with: installed with them), or None when there are none.

    A spawned worker process (loky, ``multiprocessing`` with ``spawn``, Dask) starts from a
    fresh import of the toolkit, whose registries hold the built-in methods only; a method
    defined in a notebook or in a script's ``__main__`` cannot even be imported there by name.
    Whatever runs in a worker ships these bytes with its work and calls :func:`install_plugins`
    on arrival (:class:`toolkit.robustness.engine.Engine` does, when it is unpickled).

    Returns
    -------
    bytes or None

    Examples
    --------
    >>> pack_plugins() is None  # only built-in methods
    True
    >>> _ = register("aggregation", "doc_example_max", lambda X, weights, **_: X.max(axis=1))
    >>> blob = pack_plugins()
    >>> unregister("aggregation", "doc_example_max")
    >>> install_plugins(blob)
    ['doc_example_max']
    >>> AGGREGATION["doc_example_max"].plugin
    True
    >>> unregister("aggregation", "doc_example_max")
    """
    entries = [m for reg in _PLUGGABLE.values() for m in reg if m.plugin]
    if not entries:
        return None
    import cloudpickle

    return cloudpickle.dumps(entries)


def install_plugins(blob: bytes | None) -> list[str]:
    """Register the methods :func:`pack_plugins` shipped (in a worker process). A plugin of the
    same name is replaced (the parent may have re-registered it with ``replace=True``); a built-in
    method is never replaced.

    Parameters
    ----------
    blob : bytes or None

    Returns
    -------
    list of str
        The names installed.

    Examples
    --------
    >>> install_plugins(None)
    []
    """
    if blob is None:
        return []
    import pickle

    installed = []
    for entry in pickle.loads(blob):  # noqa: S301 - bytes this process's parent made (pack_plugins)
        reg = registry_of(entry.step)
        if entry.name in reg and not reg[entry.name].plugin:
            continue
        reg.methods[entry.name] = entry
        installed.append(entry.name)
    return installed


def methods_of(step: str, **declared) -> list[str]:
    """The names of the methods of ``step`` whose declarations equal ``declared``, in registration
    order (the lists notebooks and menus show are read here, never written by hand).

    Parameters
    ----------
    step : str
        A step or spec root (:func:`registry_of`).
    **declared
        :class:`Method` fields and their wanted values (``kind="objective"``, ``data_driven=True``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> methods_of("weighting", kind="objective")
    ['entropy', 'critic', 'cv', 'std', 'pca']
    """
    return [m.name for m in registry_of(step) if all(getattr(m, k) == v for k, v in declared.items())]


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


def _kernel_name(kernel) -> str:
    if kernel is None:
        return ""
    return getattr(kernel, "__name__", getattr(getattr(kernel, "func", None), "__name__", ""))


def table(language: str = "en") -> pd.DataFrame:
    """Every entry as a row: step, method, label, what it does, data-driven, kernel, parameters
    (name=default), plugin.

    Parameters
    ----------
    language : {"en", "zh"}
        The language of ``label`` and ``does``.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> t = table()
    >>> t.loc[t["method"] == "entropy", ["step", "label", "data_driven"]].to_numpy().tolist()
    [['weighting', 'entropy', True]]
    >>> table("zh").set_index("method").loc["entropy", "label"]
    '熵权法'
    """
    rows = []
    for reg in (DENOMINATION, IMPUTATION, PANEL, SCREENING, TREATMENT, NORMALISATION, WEIGHTING, COMBINATION,
                AGGREGATION):
        for m in reg:
            rows.append({"step": reg.step, "method": m.name, "label": m.label(language), "does": m.summary(language),
                         "data_driven": m.data_driven, "kernel": _kernel_name(m.kernel),
                         "params": ", ".join(f"{p.name}={p.default!r}" for p in m.params), "plugin": m.plugin})
    return pd.DataFrame(rows)


def _shown(value) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value)


def markdown_table() -> str:
    """The table of every built-in method as docs/methods-registry.md shows it (Markdown), so that
    the page is generated from the registry (``tests/methods/test_registry_docs.py`` fails when the
    page drifts from it).

    Returns
    -------
    str

    Examples
    --------
    >>> markdown_table().splitlines()[0]
    '| step | method | name | 中文 | what it does | parameters (default) |'
    """
    lines = ["| step | method | name | 中文 | what it does | parameters (default) |",
             "|------|--------|------|------|--------------|----------------------|"]
    for reg in (DENOMINATION, IMPUTATION, PANEL, SCREENING, TREATMENT, NORMALISATION, WEIGHTING, COMBINATION,
                AGGREGATION):
        for m in reg:
            if m.plugin:
                continue
            params = ", ".join(f"`{p.name}`" + ("" if p.required else f" ({_shown(p.default)})")
                               for p in (*m.params, *m.settings))
            cells = [reg.step, f"`{m.name}`", m.label("en"), m.label("zh"), m.summary("en"), params]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
