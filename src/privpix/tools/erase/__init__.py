"""Erase objects, the engine: multi-scale PatchMatch image completion (Wexler et al. 2007, Barnes et al. 2009),
numpy only, deterministic for a seed (design: /work/research/erase/REPORT.md §8, "normative").

``web/src/engine/erase/`` implements the same specification and gives the same bytes::

    masks.py       3-4 chamfer distance, dilation, the grown + feathered fill region
    pyramid.py     texture channels, 2×2 downsampling, the levels
    patchmatch.py  the counter-based RNG, level geometry, exact patch SSD, propagation, random search
    vote.py        confidence weights, mean vote, best vote
    fill.py        the parameters, onion-peel init, the coarse-to-fine loop, crop and composite

The tool around it (decode, mask, options, encode, report) is ``privpix.tools.erase``, exported as
``privpix.erase`` (which is why this package is not called ``erase``: the name would clash). A model-based
filler can later take the place of ``fill.complete`` (same inputs: crop, hole, seed).
"""

from .fill import PARAMS, Fill, Params, TooLarge, fill_mask, inpaint

__all__ = ["PARAMS", "Fill", "Params", "TooLarge", "fill_mask", "inpaint"]
