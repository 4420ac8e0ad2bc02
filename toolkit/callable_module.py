"""A module that can be called as its main function, so that the function never hides it.

``toolkit.robustness`` exports the functions ``smaa`` and ``selection``, which live in modules of
the same names. Re-exporting a function under its module's name replaces the package attribute
that Python sets to the module, so ``import toolkit.robustness.smaa as m`` gave the *function*,
and ``toolkit.robustness.smaa.smaa_index`` failed. Making the module callable keeps both: the
package attribute stays the module, and calling it calls the function of the same name.
"""

from __future__ import annotations

import inspect
import sys
import types

__all__ = ["CallableModule", "make_callable"]


class CallableModule(types.ModuleType):
    """A module whose call is its function of the same name (``pkg.smaa(...)`` → ``pkg.smaa.smaa(...)``)."""

    def __call__(self, *args, **kwargs):
        return getattr(self, self.__name__.rpartition(".")[2])(*args, **kwargs)


def make_callable(name: str) -> None:
    """Make the imported module ``name`` callable as its function of the same (last) name.

    Parameters
    ----------
    name : str
        The module's ``__name__``; it must define a function named like its last part.

    Examples
    --------
    >>> import types
    >>> import toolkit.robustness.smaa as m
    >>> isinstance(m, types.ModuleType), callable(m), m.smaa_index.__name__
    (True, True, 'smaa_index')
    >>> str(inspect.signature(m)).startswith("(X, n: 'int' = 10000")
    True
    """
    module = sys.modules[name]
    function = getattr(module, name.rpartition(".")[2])
    module.__class__ = CallableModule
    module.__signature__ = inspect.signature(function)
