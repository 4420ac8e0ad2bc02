"""Exception types raised by the toolkit.

Every error the toolkit raises on bad input derives from :class:`ToolkitError`, so callers
(the CLI, the report runner) can catch toolkit errors without swallowing programming bugs.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class of every error the toolkit raises on purpose.

    Examples
    --------
    Catch any deliberate toolkit error without swallowing programming bugs:

    >>> from toolkit import SpecError, ToolkitError
    >>> try:
    ...     raise SpecError("normalisation.method: 'zscroe' is not a known method")
    ... except ToolkitError as err:
    ...     print(type(err).__name__, "-", err)
    SpecError - normalisation.method: 'zscroe' is not a known method
    """


class DataError(ToolkitError, ValueError):
    """Input data that a method cannot work with (too few units, negative values, …).

    The message names the offending indicator/unit and the rule that was broken.

    Examples
    --------
    >>> from toolkit import DataError, ToolkitError
    >>> err = DataError("indicator L1P1: constant across all 50 units; cannot normalise")
    >>> isinstance(err, ToolkitError), isinstance(err, ValueError)
    (True, True)
    """


class SpecError(ToolkitError, ValueError):
    """An index or uncertainty specification that is malformed or inconsistent.

    Examples
    --------
    An invalid choice in a spec is known before any data is looked at:

    >>> from toolkit import SpecError, load_spec
    >>> try:
    ...     load_spec({"normalisation": {"method": "no-such-method"}})
    ... except SpecError:
    ...     print("rejected")
    rejected
    """


class FrameworkError(ToolkitError, ValueError):
    """A framework file that does not follow the framework schema.

    Examples
    --------
    >>> from toolkit import FrameworkError, load_framework
    >>> try:
    ...     load_framework("no_such_framework")
    ... except FrameworkError:
    ...     print("rejected")
    rejected
    """


class UsageError(ToolkitError, ValueError):
    """A command-line option or function argument that names something that does not exist
    (``--only NOPE-404``, ``--year 1999``). The command line exits with code 2."""

    def __init__(self, en: str, zh: str | None = None):
        super().__init__(en)
        self.zh = zh or en


def message_in(err: BaseException, lang: str = "en") -> str:
    """The message of a toolkit error in ``lang`` (``zh`` or ``en``), where the error has one.

    Examples
    --------
    >>> message_in(UsageError("no such year", "没有该年份"), "zh")
    '没有该年份'
    >>> message_in(SpecError("bad key"), "zh")
    'bad key'
    """
    if lang == "zh" and getattr(err, "zh", None):
        return err.zh
    return str(err)
