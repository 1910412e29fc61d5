"""The one exception family the library raises for problems a user can fix.

The CLI turns any :class:`ToolkitError` into a one-line message on stderr and exit
code 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """A problem with the user's input, data or model, described in one line."""


class InputError(ToolkitError):
    """An input file or stream cannot be read as text or has a malformed line."""


class CorpusError(ToolkitError):
    """Training data breaks the corpus rules (unknown label, too few examples, ...)."""


class ModelError(ToolkitError):
    """A model directory is missing, corrupt, tampered with or incompatible."""
