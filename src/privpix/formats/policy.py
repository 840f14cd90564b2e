"""The strip policy's options: what a strip may keep besides the picture.

Defined here, in the format layer that applies them, so that the container parsers depend on nothing
above ``privpix.formats``; ``privpix.options`` re-exports ``StripOptions`` and builds the CLI flags and
the web app's option export from it. ``web/src/engine/formats/policy.ts`` mirrors this file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .exif import KEEP_GROUP_NAMES

KEEP_ICC_DEFAULT = True
"""An ICC profile describes colours, not people (its free-text tags are neutralised, see icc.py): kept
unless asked otherwise, so that colours do not shift."""


@dataclass(frozen=True)
class StripOptions:
    """Options of the lossless metadata strip.

    ``keep_icc``: keep the colour profile (with its free-text tags neutralised); ``keep``: EXIF groups
    to carry over (``exif.KEEP_GROUP_NAMES``: camera, time, rights, location, blurred-location — the
    position rounded to about 11 km, the town but not the house).
    """

    keep_icc: bool = KEEP_ICC_DEFAULT
    keep: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.keep) - set(KEEP_GROUP_NAMES)
        if unknown:
            raise ValueError(f"unknown keep group(s): {', '.join(sorted(unknown))}; choose from {', '.join(KEEP_GROUP_NAMES)}")
        if {"location", "blurred-location"} <= set(self.keep):
            raise ValueError("keep either location or blurred-location, not both")
        object.__setattr__(self, "keep", frozenset(self.keep))
