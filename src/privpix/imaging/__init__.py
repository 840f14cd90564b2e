"""Pixels: decode any supported image upright with its colour profile, convert colour, resize, encode.

The lossless strip never comes here (it rewrites containers); compress and convert do:

    decode.decode(data)           -> Decoded (upright pixels, ICC profile, EXIF block, warnings)
    colour.prepare(...)           -> pixels in the output's colour space + the profile to embed
    resize.fit(image, max_side)   -> downscaled (never upscaled)
    encode.encode(image, fmt, …)  -> bytes (JPEG, WebP, AVIF or PNG) carrying only what was asked

``web/src/engine/imaging/`` mirrors these modules file for file.
"""
