"""The fill: crop around the mask, complete the hole coarse to fine, composite back (docs/erase.md).

    region  = painted mask grown by ``grow`` px, plus a ``feather`` px ring        (masks.py)
    crop    = region bbox ± ceil(context · its longer side) + patch, clipped to the image
    levels  = R, G, B, Tx, Ty pyramid of the crop, coarsest hole side <= 24 px    (pyramid.py)
    coarsest level: onion-peel and diffusion start of the hole, random NNF, 10 EM iterations
    finer levels:   NNF upsampled, mean vote, 5 EM iterations (2 at level 0); levels whose hole is
                    longer than 100 px use the cheap schedule (1 EM iteration, 1 pass, search
                    radius 8); every vote is the mean vote (``final_vote_cheap``: the best vote last)
    EM iteration:   distance refresh, passes × (propagation + random search), vote (patchmatch.py, vote.py)
    seams:          the fill moved to meet the photo along the hole's border      (seam.py)
    detail:         the fill's finest detail at half amplitude, when level 0 was cheap (detail.py)
    composite:      RGB only, region pixels only, alpha 256 on the core and a linear ramp over the ring

Every pixel outside the region is returned bit for bit. The whole computation is integer arithmetic
plus float64 vote sums in a specified order, so it is deterministic for a seed and the browser
engine (web/src/engine/tools/erase/) gives the same bytes; tests/erase_cases.py pins them with SHA-256
digests. Differences from the specification's wording in how, never in what:

* the chamfer distances of the mask are computed in a window around it (masks.grow_and_feather:
  the same numbers wherever they can matter);
* the votes gather per hole pixel over the 49 offsets; an offset whose centre is not a target adds
  +0.0 to the float64 sums, which leaves them bit for bit as the specification's sums;
* the SSD adds the channels of a pixel before weighting it (|a - b| in uint8, squared in uint16,
  then the integer dot product with the pixel weights: the same integer);
* two refusals before any work: a hole that leaves no source patch at all (the specification
  would fail later, in the first random draw) and, when the caller gives ``max_crop``, a crop
  larger than that (``TooLargeError``; the tool passes options.ERASE_MAX_CROP).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import detail, pyramid, seam, vote
from . import patchmatch as pm
from .errors import TooLargeError
from .masks import Region, bbox, grow_and_feather


@dataclass(frozen=True)
class Params:
    """The parameters of docs/erase.md (chosen on the tune split of tests/erase_holes.py; change one
    only with the browser engine's FILL_DEFAULTS and a new held-out run of bench/erase_native.py)."""

    patch: int = 7  # patch side P (r = 3)
    coarse: int = 24  # the coarsest level's hole bbox is at most this long
    context: float = 1.5  # crop margin, in units of the region bbox's longer side
    em_coarse: int = 10  # EM iterations at the coarsest level,
    em_mid: int = 5  # at the levels in between,
    em_fine: int = 2  # at level 0
    pm_passes: int = 2  # propagation + random-search passes per EM iteration,
    pm_first: int = 4  # in the very first one (random NNF)
    cheap_side: int = 100  # levels whose hole bbox is longer than this use the cheap schedule:
    em_cheap: int = 1  # EM iterations,
    pm_cheap: int = 1  # passes per EM iteration,
    search_cheap: int = 8  # random-search start radius
    final_vote_cheap: bool = False  # the last vote of a cheap level 0 copies the best patch (else the mean)
    known_w: int = 32  # SSD weight of known pixels in a target patch (hole pixels: 1)
    tex_w: int = 1  # SSD weight of the two texture channels
    near_w: int = 60  # locality prior: a source d px from its target costs near_w · Σpix_w · d² // side² more
    diffuse: int = 2  # diffusion steps after the onion peel at the coarsest level, per px of its hole side
    seam: bool = True  # match the fill to the border (seam.py)
    soften: bool = True  # the fill's finest detail at half amplitude when level 0 is cheap (detail.py)
    vote_sim: int = 0  # votes after an EM iteration weigh conf / (1 + e / vote_sim)², e = d / Σpix_w (0: conf only)


PARAMS = Params()


@dataclass
class Fill:
    """What ``fill_mask`` did: the crop it worked on, the composited crop, and where pixels may differ."""

    crop: tuple[int, int, int, int]  # y0, y1, x0, x1 of the crop in the image
    pixels: np.ndarray  # the crop after compositing, H×W×3 uint8
    region: np.ndarray  # bool, crop-sized: the pixels that were written
    levels: list[tuple[int, int, int, int]] = field(default_factory=list)  # (level, h, w, targets), coarse first

    @property
    def region_box(self) -> tuple[int, int, int, int]:
        """y0, y1, x0, x1 of the written region in the image."""
        box = bbox(self.region)
        assert box is not None
        return self.crop[0] + box[0], self.crop[0] + box[1], self.crop[2] + box[2], self.crop[2] + box[3]

    def apply(self, image: np.ndarray) -> None:
        """Write the fill into ``image`` (the one it was computed from), in place."""
        y0, y1, x0, x1 = self.crop
        image[y0:y1, x0:x1][self.region] = self.pixels[self.region]


def onion_init(img: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """Fill the hole layer by layer from its border (docs/erase.md step 7). A layer is every unfilled
    hole pixel with n >= 1 known-or-filled 8-neighbours, judged on the state before the layer; each
    gets (2·Σ + n) div (2n) per channel of those neighbours. A hole with no known pixel is 128."""
    out = img.astype(np.int32)
    known = ~hole
    h, w = hole.shape
    while not known.all():
        acc = np.zeros_like(out)
        cnt = np.zeros((h, w), np.int32)
        kp = np.pad(known, 1)
        ip = np.pad(out * known[..., None], ((1, 1), (1, 1), (0, 0)))
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                if dy or dx:
                    acc += ip[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
                    cnt += kp[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
        layer = ~known & (cnt > 0)
        if not layer.any():
            out[~known] = 128
            break
        n = cnt[layer][:, None]
        out[layer] = (2 * acc[layer] + n) // (2 * n)
        known |= layer
    return out.astype(np.uint8)


def diffuse(img: np.ndarray, hole: np.ndarray, iterations: int) -> np.ndarray:
    """``iterations`` Jacobi steps in which every hole pixel takes (up + down + left + right + 2) >> 2
    per channel of the previous step, a neighbour outside the image counting as the pixel itself.
    After the onion peel this turns its streaks into a smooth membrane between the hole's borders,
    so the first patch search starts from colours that continue the surroundings (docs/erase.md)."""
    box = bbox(hole)
    if box is None or iterations <= 0:
        return img
    h, w = hole.shape
    # the hole's bbox grown by 1 px: every neighbour a hole pixel reads
    y0, y1, x0, x1 = max(0, box[0] - 1), min(h, box[1] + 1), max(0, box[2] - 1), min(w, box[3] + 1)
    out = img.copy()
    win = out[y0:y1, x0:x1].astype(np.int32)
    m = hole[y0:y1, x0:x1, None]
    for _ in range(iterations):
        p = np.pad(win, ((1, 1), (1, 1), (0, 0)), mode="edge")
        s = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
        win = np.where(m, (s + 2) >> 2, win)
    out[y0:y1, x0:x1] = win
    return out


def complete(
    crop: np.ndarray, hole: np.ndarray, seed: int, p: Params = PARAMS, levels_out: list[tuple[int, int, int, int]] | None = None
) -> np.ndarray:
    """Fill ``hole`` (bool) in ``crop`` (H×W×3 uint8): the finest level's R, G, B, Tx, Ty (uint8).
    Known pixels keep their values. ``levels_out`` collects (level, h, w, targets) per level."""
    r = p.patch // 2
    rng = pm.Stream(seed)
    hole = np.ascontiguousarray(hole)
    if pm.count_valid(hole, r) == 0:
        raise ValueError("the area to erase leaves too little of the photo to fill it from")
    levels = pyramid.build(np.ascontiguousarray(pyramid.texture_features(crop, hole)), hole, p.patch, p.coarse)
    coarsest = len(levels) - 1
    prev: tuple[pm.Level, np.ndarray, np.ndarray] | None = None
    img = levels[0][0]
    for lev in range(coarsest, -1, -1):
        img = levels[lev][0].copy()
        level = pm.setup_level(levels[lev][1], r, p.known_w)
        conf = vote.confidence(level)
        img[level.hole] = 0
        cheap = p.cheap_side > 0 and pyramid.hole_side(level.hole) > p.cheap_side
        if prev is None:  # the coarsest level: initial colours and a random NNF
            img = diffuse(onion_init(img, level.hole), level.hole, p.diffuse * level.side)
            sy, sx = pm.random_sources(level, rng.next_base())
            em_iters, radius = p.em_coarse, max(level.h, level.w)
        else:  # a finer level: the coarser NNF upsampled, then a mean vote
            sy, sx = pm.upsample(prev[0], prev[1], prev[2], level, rng.next_base())
            img = vote.mean(img, level, sy, sx, conf)
            em_iters, radius = (p.em_fine if lev == 0 else p.em_mid), max(level.h, level.w)
            if cheap:
                em_iters, radius = p.em_cheap, p.search_cheap
        dist = pm.PatchDistance(img, level, p.tex_w, p.near_w)
        d = dist.all(sy, sx)
        for it in range(em_iters):
            passes = p.pm_first if (lev == coarsest and it == 0) else p.pm_passes
            if cheap and lev != coarsest:
                passes = p.pm_cheap
            for _ in range(passes):
                sy, sx, d = pm.propagate(dist, sy, sx, d)
                sy, sx, d = pm.random_search(dist, sy, sx, d, radius, rng.next_base())
            if lev == 0 and it == em_iters - 1 and cheap and p.final_vote_cheap:
                img = vote.best(img, level, sy, sx, d)
            else:
                weights = vote.similarity(conf, d, level.patch_weights(), p.vote_sim) if p.vote_sim else conf
                img = vote.mean(img, level, sy, sx, weights)
            dist = pm.PatchDistance(img, level, p.tex_w, p.near_w)  # the distances of the new image state
            d = dist.all(sy, sx)
        prev = (level, sy, sx)
        if levels_out is not None:
            levels_out.append((lev, level.h, level.w, level.n))
    return img


def crop_box(region: Region, shape: tuple[int, int], p: Params = PARAMS) -> tuple[int, int, int, int]:
    """The region's bbox ± m, m = ceil(context · longer bbox side) + patch, clipped to the image."""
    wy0, _, wx0, _ = region.window
    box = bbox(region.region)
    assert box is not None
    y0, y1, x0, x1 = box[0] + wy0, box[1] + wy0, box[2] + wx0, box[3] + wx0
    m = int(math.ceil(p.context * max(y1 - y0, x1 - x0))) + p.patch
    H, W = shape
    return max(0, y0 - m), min(H, y1 + m), max(0, x0 - m), min(W, x1 + m)


def composite(filled: np.ndarray, original: np.ndarray, core: np.ndarray, dist: np.ndarray | None, feather: int) -> np.ndarray:
    """out = (a·F + (256 - a)·I + 128) >> 8 with a = 256 on the core, else
    clamp(floor((3·feather - chamfer(core)) · 256 / (3·feather)), 0, 256)."""
    if dist is None or feather <= 0:
        return np.where(core[..., None], filled, original)
    a = np.clip((3 * feather - dist) * 256 // (3 * feather), 0, 256)
    a = np.where(core, 256, a)[..., None]
    return ((a * filled.astype(np.int32) + (256 - a) * original.astype(np.int32) + 128) >> 8).astype(np.uint8)


def fill_mask(
    image: np.ndarray,
    mask: np.ndarray,
    *,
    grow: int,
    feather: int,
    seed: int,
    p: Params = PARAMS,
    max_crop: int | None = None,
) -> Fill:
    """Erase ``mask`` (bool, True = erase) from ``image`` (H×W×3 uint8): the fill of the crop around
    it, to be written back with ``Fill.apply``. ``image`` itself is not modified. Raises ValueError
    for an empty mask or one that leaves no source patch, TooLargeError when the crop has more than
    ``max_crop`` pixels."""
    H, W = mask.shape
    if min(H, W) < p.patch:
        raise ValueError(f"the image is {W}×{H}: at least {p.patch}×{p.patch} pixels are needed")
    region = grow_and_feather(mask, grow, feather)
    cy0, cy1, cx0, cx1 = crop_box(region, (H, W), p)
    if max_crop is not None and (cy1 - cy0) * (cx1 - cx0) > max_crop:
        raise TooLargeError(
            f"the area to erase is too large: filling it works on {cx1 - cx0}×{cy1 - cy0} pixels, more than the "
            f"{max_crop / 1e6:g} megapixels privpix fills at once; erase a smaller area or downscale the photo"
        )
    wy0, wy1, wx0, wx1 = region.window

    def in_crop(a: np.ndarray, fill_value: object) -> np.ndarray:
        """A window-sized array placed in a crop-sized one (the window may reach past the crop)."""
        out = np.full((cy1 - cy0, cx1 - cx0), fill_value, a.dtype)
        ya, yb, xa, xb = max(wy0, cy0), min(wy1, cy1), max(wx0, cx0), min(wx1, cx1)
        out[ya - cy0 : yb - cy0, xa - cx0 : xb - cx0] = a[ya - wy0 : yb - wy0, xa - wx0 : xb - wx0]
        return out

    hole = in_crop(region.region, False)
    core = in_crop(region.core, False)
    dist = in_crop(region.dist, 1 << 28) if region.dist is not None else None
    crop = np.ascontiguousarray(image[cy0:cy1, cx0:cx1, :3])
    levels: list[tuple[int, int, int, int]] = []
    filled = complete(crop, hole, seed, p, levels)[..., :3]
    if p.seam:
        filled = seam.correct(filled, hole)
    if p.soften and p.cheap_side > 0 and pyramid.hole_side(hole) > p.cheap_side:  # level 0 at texture scale
        filled = detail.soften(filled, hole)
    pixels = composite(filled, crop, core, dist, feather)
    pixels[~hole] = crop[~hole]
    return Fill((cy0, cy1, cx0, cx1), pixels, hole, levels)


def erase_pixels(
    image: np.ndarray, mask: np.ndarray, *, grow: int = 0, feather: int = 0, seed: int = 0, p: Params = PARAMS
) -> np.ndarray:
    """``image`` with ``mask`` erased, as a new array (see ``fill_mask``)."""
    out = np.array(image[..., :3], copy=True)
    if mask.any():
        fill_mask(out, mask, grow=grow, feather=feather, seed=seed, p=p).apply(out)
    return out
