"""Lazy attributes for the toolkit's packages (PEP 562).

A package's ``__init__`` names what it exports and in which module each name lives; the module is
imported the first time the name is used. This keeps ``import toolkit.reports.views`` in a report
kernel from paying for scipy, scikit-learn and pandera, which only the computations need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module


def lazy_attributes(package: str, names: Mapping[str, str], modules: Iterable[str] = ()
                    ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping of str to str
        Exported name → the module (relative to ``package``, e.g. ``"read"`` or ``"methods.weights"``)
        that defines it.
    modules : iterable of str
        Attribute name → module exposed as a whole. ``"weights=methods.weights"`` exposes
        ``package.methods.weights`` as ``package.weights``; a bare ``"read"`` exposes ``package.read``.

    Returns
    -------
    (getattr, dir)
        Functions to assign to the package's ``__getattr__`` and ``__dir__``.

    Examples
    --------
    >>> import toolkit
    >>> toolkit.load_framework.__module__
    'toolkit.framework.loader'
    """
    aliases = {}
    for item in modules:
        attr, _, target = item.partition("=")
        aliases[attr] = target or attr

    def __getattr__(name: str):
        if name in names:
            value = getattr(import_module(f"{package}.{names[name]}"), name)
        elif name in aliases:
            value = import_module(f"{package}.{aliases[name]}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import_module(package).__dict__[name] = value  # cache: the next access is a plain lookup
        return value

    def __dir__() -> list[str]:
        return sorted(set(import_module(package).__dict__) | set(names) | set(aliases))

    return __getattr__, __dir__
