"""How sure the model is of the subject: the "subject may be incomplete" signal (docs/remove-bg.md).

The model's mask at model resolution (the un-padded picture, float in [0, 1]) is, for a subject it is
sure of, near 1 on the subject, near 0 on the background, and in between only along the outline: a band
a pixel or two wide. When the model hesitates over whole parts (the lower stones of a cairn, the object
a person holds, the far wheel of a bicycle) it leaves them in between, where the curve (refine.py,
0.2 → 0, 0.8 → 1) makes them half transparent or drops them. So the signal measures the undecided band:

    subject   = pixels with m ≥ 0.5
    outline   = subject pixels with a 4-neighbour (inside the picture) that is not subject
    undecided = pixels with CURVE_LO ≤ m < CURVE_HI
    band      = undecided / max(1, outline)        (the band's mean width, in model pixels)
    confidence = clamp(1 - (band - BAND_SURE) / (BAND_UNSURE - BAND_SURE), 0, 1)

and the subject *may be incomplete* when ``band > BAND_UNSURE`` (confidence 0), or when there is no
subject at all (no outline: nothing was found, or the whole picture was kept; confidence 0 too).
Both engines compute it from the same mask, in float64 over integer counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .refine import CURVE_HI, CURVE_LO

BAND_SURE = 2.0  # a band this wide or narrower: confidence 1
BAND_UNSURE = 8.0  # wider than this: the subject may be incomplete


@dataclass(frozen=True)
class Subject:
    confidence: float  # 0..1
    may_be_incomplete: bool
    band: float  # mean width of the undecided band, model pixels
    second_look: bool = False  # the mask is the average of two looks (pipeline.model_mask)


def assess(mask: np.ndarray, second_look: bool = False) -> Subject:
    """The signal for the model's un-padded mask (float32 h×w in [0, 1])."""
    subject = mask >= np.float32(0.5)
    inner = subject.copy()
    inner[1:] &= subject[:-1]
    inner[:-1] &= subject[1:]
    inner[:, 1:] &= subject[:, :-1]
    inner[:, :-1] &= subject[:, 1:]
    outline = int(np.count_nonzero(subject & ~inner))
    undecided = int(np.count_nonzero((mask >= np.float32(CURVE_LO)) & (mask < np.float32(CURVE_HI))))
    band = undecided / max(1, outline)
    confidence = min(1.0, max(0.0, 1.0 - (band - BAND_SURE) / (BAND_UNSURE - BAND_SURE))) if outline else 0.0
    return Subject(confidence, band > BAND_UNSURE or outline == 0, band, second_look)
