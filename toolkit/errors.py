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
