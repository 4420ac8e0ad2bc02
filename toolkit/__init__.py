"""Toolkit for evaluating Shandong's 产业大脑 (Industrial Brain) programme.

The public API is re-exported here; each step of the pipeline lives in its own module. Names
are imported lazily (PEP 562), so that ``import toolkit.report_view`` in a report kernel does
not pay for scipy, scikit-learn and pandera, which only the computations need.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sd-brain-toolkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from .errors import DataError, FrameworkError, SpecError, ToolkitError  # noqa: E402

_NAMES = {
    "Framework": "framework", "available_frameworks": "framework", "load_framework": "framework",
    "IndicatorData": "io", "read_indicators": "io",
    "Problem": "problems", "ValidationError": "problems",
    "IndexSpec": "spec", "load_spec": "spec",
    "IndexResult": "index", "build_index": "index",
}
_MODULES = {"aggregate", "audit", "bundle", "demo", "diagnose", "normalise", "plots", "reports", "robustness",
            "treat", "typology", "weights"}


def __getattr__(name: str):
    if name in _NAMES:
        value = getattr(import_module(f".{_NAMES[name]}", __name__), name)
    elif name in _MODULES:
        value = import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_NAMES) | _MODULES)


__all__ = [
    "__version__", "DataError", "Framework", "FrameworkError", "IndexResult", "IndexSpec",
    "IndicatorData", "Problem", "SpecError", "ToolkitError", "ValidationError", "aggregate",
    "available_frameworks", "build_index", "diagnose", "load_framework", "load_spec", "normalise",
    "read_indicators", "treat", "weights",
]
