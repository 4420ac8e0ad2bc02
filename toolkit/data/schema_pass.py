"""Whether a typed frame passes a pandera schema, decided without pandera when it does.

pandera's lazy validation collects every failure, which is what a broken return needs; a valid
return (the usual case) only needs to know that every check holds. :func:`quick_pass` runs the
schema's own check functions directly, a few milliseconds where pandera takes several times that
(issue 25); :func:`failing_part` narrows a broken frame to the columns and frame-wide checks that do
not hold, so pandera reports on those only. pandera itself is imported here, once, with the optional
extras the toolkit never uses hidden (:func:`without_modules`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

#: what pandera imports, when installed, for features the toolkit never uses: hypothesis for
#: generating data from a schema, geopandas (and pyproj) for GeoDataFrame schemas; about 0.5 s of
#: CPU in every process that validates (issue 25). Both are optional to pandera, which carries on
#: without them when their import fails.
PANDERA_EXTRAS = ("hypothesis", "geopandas")


@contextmanager
def without_modules(names) -> Iterator[None]:
    """Make ``import name`` fail (ImportError) for each of ``names`` not imported yet, inside the block.

    A ``None`` in ``sys.modules`` is Python's documented way of making an import fail; the entries
    are removed afterwards, so a later ``import geopandas`` works as usual. A module imported
    already is left as it is.

    Examples
    --------
    >>> with without_modules(["not_imported_yet_xyz"]):
    ...     try:
    ...         import not_imported_yet_xyz
    ...     except ImportError:
    ...         print("refused")
    refused
    >>> "not_imported_yet_xyz" in sys.modules
    False
    """
    hidden = [n for n in names if n not in sys.modules]
    for n in hidden:
        sys.modules[n] = None
    try:
        yield
    finally:
        for n in hidden:
            if n in sys.modules and sys.modules[n] is None:
                del sys.modules[n]


with without_modules(PANDERA_EXTRAS):
    import pandera.pandas as pa


def schema_check(fn, name: str) -> pa.Check:
    """A vectorised check that passes missing values itself: pandera hands it the whole column
    (or frame), without dropping the missing values first (a copy of each column per check)."""
    return pa.Check(fn, name=name, ignore_na=False)


def quick_pass(df: pd.DataFrame, schema: pa.DataFrameSchema) -> bool:
    """True only when pandera would find nothing: ``df`` has exactly the schema's columns, each of
    the schema's dtype (pandera's own dtype test), and every check of every column and of the frame
    holds on every row (the schema's own check functions). That costs a few milliseconds where
    pandera's lazy validation costs several times that (issue 25). Anything else — a check that
    fails, one whose result is missing or ambiguous, one that cannot run — leaves the verdict, and
    the problems, to pandera (:func:`check_frame`, on :func:`failing_part`).

    Examples
    --------
    >>> schema = pa.DataFrameSchema({"a": pa.Column(float, schema_check(lambda s: s >= 0, "non_negative"))},
    ...                             strict=True)
    >>> quick_pass(pd.DataFrame({"a": [1.0, 2.0]}), schema), quick_pass(pd.DataFrame({"a": [1.0, -2.0]}), schema)
    (True, False)
    >>> quick_pass(pd.DataFrame({"a": [1, 2]}), schema)  # integers where the schema says float
    False
    """
    return failing_part(df, schema) is None


def failing_part(df: pd.DataFrame, schema: pa.DataFrameSchema) -> pa.DataFrameSchema | None:
    """The part of ``schema`` that pandera could report anything on for ``df``: None when every
    check holds (:func:`quick_pass`); else the columns and frame-wide checks that do not all hold,
    as a schema of their own (pandera reports nothing on the others: their checks hold and their
    dtype is right); the whole schema when ``df``'s columns are not exactly the schema's.

    Examples
    --------
    >>> schema = pa.DataFrameSchema({c: pa.Column(float, schema_check(lambda s: s >= 0, "non_negative"))
    ...                              for c in "abc"}, strict=True)
    >>> list(failing_part(pd.DataFrame({"a": [1.0], "b": [-1.0], "c": [2.0]}), schema).columns)
    ['b']
    >>> failing_part(pd.DataFrame({"a": [1.0], "b": [-1.0]}), schema) is schema  # c missing
    True
    """
    try:
        if not df.columns.is_unique or set(df.columns) != set(schema.columns):
            return schema
        columns = {name: column for name, column in schema.columns.items() if not _column_holds(column, df[name])}
        frame = [check for check in schema.checks if not _check_holds(check, df)]
    except Exception:  # noqa: BLE001 - whatever went wrong, pandera decides and reports it
        return schema
    if not columns and not frame:
        return None
    if len(columns) == len(schema.columns) and len(frame) == len(schema.checks):
        return schema
    with without_modules(PANDERA_EXTRAS):  # as build_schema: pandera looks for geopandas' dtype here
        return pa.DataFrameSchema(columns, checks=frame, strict=False, ordered=False)


def _column_holds(column, series: pd.Series) -> bool:
    """The column's dtype is the schema's and each of its checks holds on every row."""
    from pandera.engines.pandas_engine import Engine

    try:
        if column.dtype is not None and not _holds(column.dtype.check(Engine.dtype(series.dtype), series)):
            return False
        return all(_check_holds(check, series) for check in column.checks)
    except Exception:  # noqa: BLE001 - pandera runs it and reports what went wrong
        return False


def _check_holds(check, data) -> bool:
    try:
        return _holds(check._check_fn(data))
    except Exception:  # noqa: BLE001 - pandera runs it and reports what went wrong
        return False


def _holds(result) -> bool:
    """A check's result is True everywhere (a missing value in it is not True)."""
    if isinstance(result, bool | np.bool_):
        return bool(result)
    if isinstance(result, pd.Series | pd.DataFrame):
        return bool(result.to_numpy(dtype=bool, na_value=False).all())
    return False
