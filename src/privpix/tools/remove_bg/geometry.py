"""Sizes: the model input (aspect kept, padded, never stretched) and the guide (refinement grid).

All in integers, identical in both engines (``floor(x + 0.5)`` is round-half-up; ``//`` floors).

- **Guide**: ``gs = min(1, GUIDE_MAX / max(H, W))``; ``gh = max(1, floor(H·gs + 0.5))``,
  ``gw = max(1, floor(W·gs + 0.5))``. The guided filter, the foreground estimate and the blurred
  background work on this grid; only their last step runs at full resolution.
- **Model input**: ``s = MODEL_SIDE / max(H, W)`` (also above 1: small images are upscaled, ISNet
  wants the subject at about its own scale); ``h = max(1, floor(H·s + 0.5))``,
  ``w = max(1, floor(W·s + 0.5))``; the tensor is ``Hp = ceil(h/64)·64`` by ``Wp = ceil(w/64)·64``
  with the picture centred at ``top = (Hp - h) // 2``, ``left = (Wp - w) // 2`` (a 4:3 photo:
  640×480 in a 640×512 tensor).

Measured and not taken: padding to a 640² square (as ISNet was trained). On the evaluation sets
(bench/remove_bg_native.py, fast model) it scored dev IoU 0.978 / MAE 0.0104 and held-out 0.909 /
0.0286 against 0.977 / 0.0112 and 0.868 / 0.0396 here, but it costs 25% more inference on a 4:3
photo (12 MP in the browser: 2.9-3.1 s instead of 2.6-2.7 s, over the 3 s budget), and on a real
12 MP photo (mei_Oppo_R7_Plus.jpg) it kept a ghost of the subject's reflection that this size drops.
The held-out gain comes from 3 of 10 small composites with a second salient object.

The browser engine has no module of its own for this: its sizes are in pipeline.ts (``fit``, ``guideSize``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MODEL_SIDE = 640  # model input long side; docs/remove-bg.md, "Sizes considered": 640 fits the browser's 3 s budget
SECOND_SIDE = 1024  # the second look's long side, when the model is unsure at MODEL_SIDE (pipeline.model_mask)
GUIDE_MAX = 1024  # guide long side cap
MULTIPLE = 64  # ISNet halves the resolution six times


@dataclass(frozen=True)
class ModelGeometry:
    H: int  # full image
    W: int
    h: int  # the picture inside the model input
    w: int
    Hp: int  # the model input (padded)
    Wp: int
    top: int
    left: int


def _round(x: float) -> int:
    return int(math.floor(x + 0.5))


def guide_size(H: int, W: int, guide_max: int = GUIDE_MAX) -> tuple[int, int]:
    """(gh, gw)."""
    s = min(1.0, guide_max / max(H, W))
    return max(1, _round(H * s)), max(1, _round(W * s))


def model_geometry(H: int, W: int, side: int = MODEL_SIDE, multiple: int = MULTIPLE) -> ModelGeometry:
    s = side / max(H, W)
    h, w = max(1, _round(H * s)), max(1, _round(W * s))
    Hp, Wp = -(-h // multiple) * multiple, -(-w // multiple) * multiple
    return ModelGeometry(H, W, h, w, Hp, Wp, (Hp - h) // 2, (Wp - w) // 2)
