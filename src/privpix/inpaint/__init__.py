"""Erase objects, the engine: multi-scale PatchMatch image completion (Wexler et al. 2007, Barnes et al. 2009),
numpy only, deterministic for a seed; the specification both engines follow is docs/erase.md.

``web/src/engine/erase/`` implements the same specification and gives the same bytes::

    masks.py       3-4 chamfer distance, dilation, the grown + feathered fill region
    pyramid.py     texture channels, 2×2 downsampling, the levels
    patchmatch.py  the counter-based RNG, level geometry, exact patch SSD, propagation, random search
    vote.py        confidence weights, mean vote, best vote
    seam.py        the seam check: the fill moved to meet the photo along the hole's border
    fill.py        the parameters, onion-peel and diffusion start, the coarse-to-fine loop, crop and composite

The tool around it (decode, mask, options, encode, report) is ``privpix.tools.erase``, exported as
``privpix.erase`` (which is why this package is not called ``erase``: the name would clash). A model-based
filler can later take the place of ``fill.complete`` (same inputs: crop, hole, seed).
"""

from .fill import PARAMS, Fill, Params, TooLarge, fill_mask, inpaint

__all__ = ["PARAMS", "Fill", "Params", "TooLarge", "fill_mask", "inpaint"]
