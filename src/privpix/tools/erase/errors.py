"""What erase refuses, and why (both are ``privpix.Error`` and ``ValueError``).

Kept apart from the numpy code that raises them, so that ``privpix`` can export them without
loading numpy.
"""

from __future__ import annotations

from ...errors import Error


class MaskError(Error, ValueError):
    """A mask or box that does not fit the photo (wrong size, outside it, empty), or an area that
    cannot be filled (too small a photo, nothing left to fill from)."""


class TooLargeError(Error, ValueError):
    """The crop the fill would work on is larger than the caller's budget (``options.ERASE_MAX_CROP``)."""
