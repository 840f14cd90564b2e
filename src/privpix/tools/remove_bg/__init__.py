"""Remove background: the tool, and the steps between upright pixels and a straight-alpha cut-out
(the specification: docs/remove-bg.md).

``web/src/engine/tools/remove-bg/`` has the same steps, so that both engines give the same mask for
the same decoded pixels; a module here and its TypeScript twin share a base name::

    tool.py        the tool: decode, options, the pipeline, encode, metadata, report   (tool.ts)
    pipeline.py    the whole chain, row strip by row strip at full resolution           (pipeline.ts)
    geometry.py    model input size (long side 640, padded to multiples of 64; 1024 for a second
                   look), guide size (<= 1024)  (in pipeline.ts)
    confidence.py  how sure the model is of the subject: the "may be incomplete" signal  (confidence.ts)
    resample.py    the two resamplers: Pillow-exact triangle ("BILINEAR") and plain bilinear  (resample.ts)
    refine.py      box mean, RGB guided filter at guide resolution, full-resolution alpha, the curve
                   (refine.ts)
    foreground.py  blur-fusion colour decontamination (Forte & Pitié 2021)              (in refine.ts)
    compose.py     what goes behind the subject: nothing, a colour, a blurred copy, another image
                   (in refine.ts: the browser fuses alpha, foreground and composite into one pass)

The model (its input tensor and output) is described in ``privpix.models.registry``. ``remove_bg``
is exported as ``privpix.remove_bg`` (and ``privpix.remove_background``).

Conventions both engines share: ``round(x)`` is ``floor(x + 0.5)`` (JavaScript's ``Math.round``,
not Python's banker's rounding, which rounds halves to even: the guided-filter radius of a
680-pixel-wide image would be 8 in one engine and 9 in the other); float32 storage, float64 sums in
``box`` and in the 3×3 solve. Beyond the steps docs/remove-bg.md specifies: the output's RGB is 0
wherever its alpha is 0 (the old background must not survive under transparency); an input's own
alpha caps the output alpha (``min``); composites use the 8-bit cut-out exactly (``compose.over``);
the blurred background (``compose.blurred``); PNG or WebP q90 with lossless alpha (``tool.py``).
"""

from .tool import RemoveBgResult, remove_bg, upright_rgb

__all__ = ["RemoveBgResult", "remove_bg", "upright_rgb"]
