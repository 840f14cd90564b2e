"""Small deterministic erase cases shared by the Python tests and the browser agreement test.

Each case is a corpus photo, upright and downscaled (Pillow BOX) to a small size and handed over as
PNG bytes (so both engines decode exactly the same pixels), a mask drawn from shapes (PNG bytes:
white = erase, or the same as a boolean array), a seed and the grow/feather options (None = the
automatic values of ``privpix.options.auto_grow`` / ``auto_feather``). Between them the cases cover
both automatic formulas, explicit and zero grow/feather, seeds up to 2^32 - 1, a mask touching the
image border, two shapes at once, and a hole longer than 100 px at full resolution (the cheap
schedule).

``python_fill(case)`` is the Python engine's raw result for the case: the upright RGB pixels after
the fill and before any encoding, ``height × width × 3`` bytes. The browser engine, given
``case.image_png()``, ``case.mask_png()`` and ``case.options()``, must produce exactly these bytes
(docs/erase.md: the algorithm is specified down to integer arithmetic, the RNG and the float summation
order, so the expected difference is zero).

``EXPECTED`` pins the Python engine: the SHA-256 of each case's input pixels and of ``python_fill``'s
bytes. They change only when docs/erase.md changes (the locality prior, diffusion start and seam check
of issue 14 and the detail step set the present ones); the browser engine must give the same
bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import numpy as np

from privpix.options import EraseOptions

from .erase_holes import load

Shape = tuple  # ("poly", ((x, y), ...)) | ("box", x0, y0, x1, y1) | ("circle", cx, cy, r), in full-size pixels


@dataclass(frozen=True)
class EraseCase:
    name: str
    photo: str  # corpus file name
    max_side: int  # the photo is downscaled so its long side is at most this
    shapes: tuple[Shape, ...]  # what to erase, in the full-size upright photo's pixels
    seed: int
    grow: int | None
    feather: int | None

    def image(self) -> np.ndarray:
        return _image(self.photo, self.max_side)

    def image_png(self) -> bytes:
        return _png(self.image())

    def scale(self) -> float:
        full = load(self.photo)
        return self.image().shape[1] / full.shape[1]

    def mask(self) -> np.ndarray:
        """bool H×W, True = erase (the shapes scaled to the small image, drawn by Pillow)."""
        from PIL import Image, ImageDraw

        h, w = self.image().shape[:2]
        s = self.scale()
        canvas = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(canvas)
        for shape in self.shapes:
            if shape[0] == "poly":
                draw.polygon([(round(x * s), round(y * s)) for x, y in shape[1]], fill=255)
            elif shape[0] == "box":
                x0, y0, x1, y1 = (round(v * s) for v in shape[1:])
                draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=255)
            else:
                cx, cy, r = (v * s for v in shape[1:])
                draw.ellipse((round(cx - r), round(cy - r), round(cx + r), round(cy + r)), fill=255)
        return np.asarray(canvas) >= 128

    def mask_png(self) -> bytes:
        return _png(self.mask().astype(np.uint8) * 255)

    def options(self) -> EraseOptions:
        return EraseOptions(grow=self.grow, feather=self.feather, seed=self.seed)


@cache
def _image(photo: str, max_side: int) -> np.ndarray:
    return load(photo, max_side)


def _png(pixels: np.ndarray) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG", compress_level=6)
    return out.getvalue()


EGRET = (
    "poly",
    (
        (885, 654),
        (1145, 594),
        (1165, 510),
        (1065, 450),
        (1145, 410),
        (1325, 370),
        (1355, 460),
        (1435, 460),
        (1425, 530),
        (1465, 560),
        (1600, 584),
        (1525, 622),
        (1485, 672),
        (1425, 704),
        (1265, 690),
        (1145, 674),
        (895, 714),
    ),
)
ROCKET = ("poly", ((318, 120), (330, 120), (338, 180), (342, 410), (300, 410), (304, 180)))

CASES = [
    # automatic grow and feather (320 px: grow = max(4, ...) = 4, feather = 2)
    EraseCase("egret", "mei_Sony_DSC-H9.jpg", 320, (EGRET,), seed=0, grow=None, feather=None),
    EraseCase("coin", "mei_Nikon_D60.jpg", 320, (("circle", 1320, 1050, 215),), seed=1, grow=2, feather=3),
    EraseCase("rocket", "skimage_rocket.jpg", 320, (ROCKET,), seed=7, grow=0, feather=0),
    # the mask touches the left border; two shapes
    EraseCase(
        "border",
        "exifsamples_DSCN0010.jpg",
        256,
        (("box", 0, 300, 90, 380), ("box", 400, 60, 470, 120)),
        seed=12345,
        grow=3,
        feather=5,
    ),
    # a 116 px hole at full resolution: the cheap schedule at level 0
    EraseCase("large", "skimage_astronaut.png", 512, (("box", 300, 330, 410, 440),), seed=0xFFFFFFFF, grow=3, feather=0),
]


def by_name(name: str) -> EraseCase:
    return next(c for c in CASES if c.name == name)


def python_fill(case: EraseCase) -> bytes:
    """The Python engine's upright RGB result for ``case`` before encoding (H × W × 3 bytes), through
    the whole tool: PNG decode, mask image, automatic options, crop, fill, composite."""
    from privpix.tools.erase import erase

    result = erase(case.image_png(), case.mask_png(), case.options(), keep_pixels=True)
    assert result.pixels is not None
    return result.pixels.tobytes()


# name -> (sha256 of the input RGB pixels, sha256 of python_fill's bytes).
EXPECTED: dict[str, tuple[str, str]] = {
    "egret": (
        "37c681cbba495da65b57d9ec9e06788d2284362f56424d986a8e722e02db10a4",
        "b5284195fc229514d644de4529d459b6f8f1891068b178e293f17a8cafa32177",
    ),
    "coin": (
        "dd67ac273ea41feca30da2c8241273d17d1d59648fd84feb43b65ad63f55aa38",
        "17f0bc6b3377b2c0268d81fb544af377fa2f5e9d5f2f3914fbb8f3b6bc25b403",
    ),
    "rocket": (
        "4dc578681452c002962a8ec3516c88bf6115db3bbf47736a9da07dd27a885b7b",
        "15ea76d7c68efe0974ad944e7bb9978e2702dfc1fd8d733b55625d19b448dddf",
    ),
    "border": (
        "7fa5f9121d742bd89fc717f6ddeee7a4c9c501c543a037b2024b83ca1372440d",
        "540d0e06807151e460b08055824c88bb8552a4e529523fa4fb4f6eb67e62cefc",
    ),
    "large": (
        "a8c429c18afa7b0fd5673e598d73a21225d94c864a71bbb3885126fdecb41071",
        "96566fc4a59d3f94e881766337cab95403e3104b583a982e16441cf235a49c13",
    ),
}
