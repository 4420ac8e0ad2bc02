"""Exception types raised by the toolkit.

Every error the toolkit raises on bad input derives from :class:`ToolkitError`, so callers
(the CLI, the report runner) can catch toolkit errors without swallowing programming bugs.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class DataError(ToolkitError, ValueError):
    """Input data that a method cannot work with (too few units, negative values, …).

    The message names the offending indicator/unit and the rule that was broken.
    """


class SpecError(ToolkitError, ValueError):
    """An index or uncertainty specification that is malformed or inconsistent."""


class FrameworkError(ToolkitError, ValueError):
    """A framework file that does not follow the framework schema."""


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
