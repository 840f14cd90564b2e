"""Erase objects: the tool and its engine, multi-scale PatchMatch image completion (Wexler et al. 2007,
Barnes et al. 2009), numpy only, deterministic for a seed (the specification: docs/erase.md).

``web/src/engine/tools/erase/`` implements the same specification and gives the same bytes; a
module here and its TypeScript twin share a base name::

    tool.py        the tool: decode, the mask (image or boxes), options, fill, encode, report  (tool.ts)
    errors.py      MaskError, TooLargeError                                           (in tool.ts, fill.ts)
    masks.py       3-4 chamfer distance, dilation, the grown + feathered fill region  (in pyramid.ts, fill.ts)
    pyramid.py     texture channels, 2×2 downsampling, the levels                     (pyramid.ts)
    patchmatch.py  the counter-based RNG, level geometry, exact patch SSD, propagation, random search
                   (patchmatch.ts)
    vote.py        confidence weights, mean vote, best vote                           (vote.ts)
    seam.py        the seam check: the fill moved to meet the photo along the hole's border  (seam.ts)
    fill.py        the parameters, onion-peel and diffusion start, the coarse-to-fine loop, crop and
                   composite  (fill.ts)

The package exports the tool (``erase`` is also ``privpix.erase``); the engine is imported from its
modules (``fill.fill_mask``, ``fill.erase_pixels``), so that importing privpix does not load numpy. A
model-based filler can later take the place of ``fill.complete`` (same inputs: crop, hole, seed).
"""

from .errors import MaskError, TooLargeError
from .tool import EraseResult, Region, erase, mask_from_boxes, mask_from_image

__all__ = ["EraseResult", "MaskError", "Region", "TooLargeError", "erase", "mask_from_boxes", "mask_from_image"]
