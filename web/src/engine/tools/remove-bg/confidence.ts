/**
 * How sure the model is of the subject: the "subject may be incomplete" signal (mirrors
 * src/privpix/tools/remove_bg/confidence.py; docs/remove-bg.md, "Confidence"). From the model's un-padded
 * mask m (w×h, [0, 1]): subject = m ≥ 0.5; outline = subject pixels with a 4-neighbour inside the picture that
 * is not subject; undecided = lo ≤ m < hi (the curve's ramp); band = undecided / max(1, outline), the mean
 * width of the undecided band in model pixels. A sure model leaves a band a pixel or two wide; whole parts
 * left in between (the lower stones of a cairn, the thing a person holds) widen it.
 */

/** A band this wide or narrower: confidence 1. */
export const BAND_SURE = 2;
/** Wider than this: the subject may be incomplete. */
export const BAND_UNSURE = 8;

/** The words the tool adds to its warnings (Python's remove_bg/tool.py INCOMPLETE). */
export const INCOMPLETE = 'the subject may be incomplete: the model was unsure which parts belong to it; check the cut-out';

export interface Subject {
  /** 0..1: 1 = the model is sure of the whole subject. */
  confidence: number;
  mayBeIncomplete: boolean;
  /** Mean width of the undecided band, model pixels. */
  band: number;
  /** The mask is the average of two looks (pipeline.ts, `secondN`). */
  secondLook: boolean;
}

export function assess(mask: Float32Array, w: number, h: number, lo: number, hi: number): Subject {
  const half = Math.fround(0.5);
  const flo = Math.fround(lo);
  const fhi = Math.fround(hi);
  let outline = 0;
  let undecided = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = mask[i]!;
      if (v >= flo && v < fhi) undecided++;
      if (v < half) continue;
      if ((y > 0 && mask[i - w]! < half) || (y < h - 1 && mask[i + w]! < half) || (x > 0 && mask[i - 1]! < half) || (x < w - 1 && mask[i + 1]! < half)) outline++;
    }
  }
  const band = undecided / Math.max(1, outline);
  // No outline: no subject was found (or the whole picture was kept), nothing to be sure of.
  const confidence = outline === 0 ? 0 : Math.min(1, Math.max(0, 1 - (band - BAND_SURE) / (BAND_UNSURE - BAND_SURE)));
  return { confidence, mayBeIncomplete: band > BAND_UNSURE || outline === 0, band, secondLook: false };
}
