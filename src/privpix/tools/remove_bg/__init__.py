"""Background removal: the steps between upright pixels and a straight-alpha cut-out.

``web/src/engine/background/`` mirrors these modules file for file, so that both engines give the
same mask for the same decoded pixels (design research: /work/research/bg/REPORT.md §6-§7)::

    geometry.py    model input size (long side 640, padded to multiples of 64), guide size (<= 1024)
    resample.py    the two resamplers: Pillow-exact triangle ("BILINEAR") and plain bilinear
    refine.py      box mean, RGB guided filter at guide resolution, full-resolution alpha, the curve
    foreground.py  blur-fusion colour decontamination (Forte & Pitié 2021)
    compose.py     what goes behind the subject: nothing, a colour, a blurred copy, another image
    pipeline.py    the whole chain, row strip by row strip at full resolution

The model (its input tensor and output) is described in ``privpix.models.registry``; the tool
(decode, options, encode, metadata, report) is ``privpix.tools.background``.

Conventions both engines share: ``round(x)`` is ``floor(x + 0.5)`` (JavaScript's ``Math.round``,
not Python's banker's rounding: the research prototype used the latter, which made the guided-filter
radius of a 680-pixel-wide image 8 instead of 9); float32 storage, float64 sums in ``box`` and in
the 3×3 solve. What this adds to REPORT §7: the output's RGB is 0 wherever its alpha is 0 (the old
background must not survive under transparency); an input's own alpha caps the output alpha
(``min``); composites use the 8-bit cut-out exactly (``compose.over``); the blurred background
(``compose.blurred``); PNG or WebP q90 with lossless alpha (``tools/background.py``).
"""
