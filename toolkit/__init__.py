"""Toolkit for evaluating Shandong's 产业大脑 (Industrial Brain) programme.

The subpackages follow the flow of an evaluation::

    framework → data → methods → index → analysis / robustness → reports   (figures: viz)

The public API is re-exported here. Names are imported lazily (PEP 562, :mod:`toolkit.lazy`), so
that ``import toolkit.reports.views`` in a report kernel does not pay for scipy, scikit-learn and
pandera, which only the computations need. The step modules stay reachable under their short
names (``toolkit.weights``, ``toolkit.aggregate``, ``toolkit.audit`` …).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sd-brain-toolkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from .errors import DataError, FrameworkError, SpecError, ToolkitError  # noqa: E402
from .lazy import lazy_attributes  # noqa: E402

_NAMES = {
    "Framework": "framework.model", "available_frameworks": "framework.loader",
    "load_framework": "framework.loader",
    "IndicatorData": "data.read", "read_indicators": "data.read",
    "Problem": "data.problems", "ValidationError": "data.problems",
    "IndexSpec": "index.spec", "load_spec": "index.spec",
    "IndexResult": "index.build", "build_index": "index.build",
}
# short names of the step modules (the public API of the first releases), and the subpackages
_MODULES = [
    "aggregate=methods.aggregation.aggregate", "diagnose=methods.diagnose",
    "normalise=methods.normalisation.normalise", "treat=methods.treatment.treat",
    "weights=methods.weighting.weights", "subjective=methods.weighting.subjective",
    "audit=analysis.audit", "typology=analysis.typology", "demo=data.demo",
    "bundle=reports.bundle", "plots=viz.plots",
    "framework", "data", "methods", "index", "analysis", "robustness", "dynamics", "reports", "viz", "notebooks",
]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)

__all__ = [
    "__version__", "DataError", "Framework", "FrameworkError", "IndexResult", "IndexSpec",
    "IndicatorData", "Problem", "SpecError", "ToolkitError", "ValidationError", "aggregate",
    "available_frameworks", "build_index", "diagnose", "load_framework", "load_spec", "normalise",
    "read_indicators", "treat", "weights",
]
