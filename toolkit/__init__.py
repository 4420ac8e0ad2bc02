"""Toolkit for evaluating Shandong's 产业大脑 (Industrial Brain) programme.

The public API is re-exported here; each step of the pipeline lives in its own module.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sd-brain-toolkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from . import aggregate, diagnose, normalise, treat, weights  # noqa: E402
from .errors import DataError, FrameworkError, SpecError, ToolkitError  # noqa: E402
from .framework import Framework, available_frameworks, load_framework  # noqa: E402
from .index import IndexResult, build_index  # noqa: E402
from .io import IndicatorData, read_indicators  # noqa: E402
from .problems import Problem, ValidationError  # noqa: E402
from .spec import IndexSpec, load_spec  # noqa: E402

__all__ = [
    "__version__", "DataError", "Framework", "FrameworkError", "IndexResult", "IndexSpec",
    "IndicatorData", "Problem", "SpecError", "ToolkitError", "ValidationError", "aggregate",
    "available_frameworks", "build_index", "diagnose", "load_framework", "load_spec", "normalise",
    "read_indicators", "treat", "weights",
]
