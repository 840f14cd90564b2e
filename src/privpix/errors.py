"""The base of every error privpix raises on purpose, so that a program can catch them all at once.

Every error class subclasses ``privpix.Error`` and, where one fits, the built-in error a Python
programmer would expect (``FormatError`` is a ``ValueError``, ``OptionError`` too), so code written
against either keeps working. The classes live beside what raises them (``formats.errors``,
``models.errors``, ``tools.erase.errors``; here those of no layer of their own) and are all exported
from ``privpix``.

This module imports nothing, so every layer, the format layer included, may build on it.
"""

from __future__ import annotations


class Error(Exception):
    """Something privpix cannot do with this input or setting; the message says what and why."""


class OptionError(Error, ValueError):
    """An option value outside what its specification allows (``privpix.options``)."""


class BuildSiteError(Error):
    """``privpix build-site`` cannot do what was asked; the message says why and what to do."""


class SiteMissingError(Error, RuntimeError):
    """``privpix serve`` or ``build-site`` without the built web app (it ships in the package; a
    checkout builds it with scripts/setup)."""
