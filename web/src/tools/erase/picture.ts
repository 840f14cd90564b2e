/**
 * A photo for the screen: full resolution plus halvings down to about 512 px (a mip chain), so any
 * view draws from a level at most 2× larger than what it shows — smooth at "fit" on a 50 MP photo,
 * and a view of a few hundred thousand pixels whatever the photo's size. Erases update a rectangle
 * of the full level and the same rectangle of every halving.
 */

type Source = ImageBitmap | OffscreenCanvas;

function canvas2d(c: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = c.getContext('2d', { alpha: true });
  if (!ctx) throw new Error('this browser cannot draw into a canvas');
  return ctx;
}

export interface View {
  /** CSS pixels per image pixel, and where the image's top-left corner is on the stage (CSS px). */
  scale: number;
  x: number;
  y: number;
}

export class Picture {
  readonly width: number;
  readonly height: number;
  private readonly levels: Source[];

  /**
   * `editable`: the full level is a canvas of its own (erases draw into it); otherwise `bitmap` is
   * used as it is (the original, never changed).
   */
  constructor(bitmap: ImageBitmap, editable: boolean) {
    this.width = bitmap.width;
    this.height = bitmap.height;
    let top: Source = bitmap;
    if (editable) {
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas2d(c).drawImage(bitmap, 0, 0);
      top = c;
    }
    this.levels = [top];
    let w = this.width;
    let h = this.height;
    while (Math.max(w, h) > 512) {
      const prev = this.levels[this.levels.length - 1]!;
      w = Math.max(1, Math.ceil(w / 2));
      h = Math.max(1, Math.ceil(h / 2));
      const c = new OffscreenCanvas(w, h);
      const ctx = canvas2d(c);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'medium';
      ctx.drawImage(prev, 0, 0, prev.width, prev.height, 0, 0, w, h);
      this.levels.push(c);
    }
  }

  /** Put `rgba` (the pixels of rect x0, y0, x1, y1) into the picture. */
  update(rect: [number, number, number, number], rgba: Uint8Array): void {
    const [x0, y0, x1, y1] = rect;
    const w = x1 - x0;
    const h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    const top = this.levels[0];
    if (!(top instanceof OffscreenCanvas)) throw new Error('this picture cannot be changed');
    const pixels = new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, w * h * 4);
    canvas2d(top).putImageData(new ImageData(pixels, w, h), x0, y0);
    // Each halving: the rectangle grown to even bounds (and one more pixel for the filter), redrawn.
    let [ax, ay, bx, by] = [x0, y0, x1, y1];
    for (let k = 1; k < this.levels.length; k++) {
      const prev = this.levels[k - 1]!;
      const cur = this.levels[k] as OffscreenCanvas;
      ax = Math.max(0, (ax >> 1) - 1);
      ay = Math.max(0, (ay >> 1) - 1);
      bx = Math.min(cur.width, ((bx + 1) >> 1) + 1);
      by = Math.min(cur.height, ((by + 1) >> 1) + 1);
      const ctx = canvas2d(cur);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'medium';
      const sx = prev.width / cur.width;
      const sy = prev.height / cur.height;
      ctx.clearRect(ax, ay, bx - ax, by - ay);
      ctx.drawImage(prev, ax * sx, ay * sy, (bx - ax) * sx, (by - ay) * sy, ax, ay, bx - ax, by - ay);
    }
  }

  /**
   * Draw `view` into `ctx` (a canvas of cw × ch device pixels; `dpr` device pixels per CSS pixel):
   * only the visible part, from the smallest level that still has at least one pixel per device pixel.
   */
  draw(ctx: CanvasRenderingContext2D, view: View, dpr: number, cw: number, ch: number): void {
    const s = view.scale * dpr; // device pixels per image pixel
    let k = 0;
    while (k + 1 < this.levels.length && s <= 0.5 / 2 ** k) k++;
    const level = this.levels[k]!;
    const f = level.width / this.width; // level pixels per image pixel
    // Visible image rectangle (image pixels), clipped.
    const ix0 = Math.max(0, -view.x / view.scale);
    const iy0 = Math.max(0, -view.y / view.scale);
    const ix1 = Math.min(this.width, (cw / dpr - view.x) / view.scale);
    const iy1 = Math.min(this.height, (ch / dpr - view.y) / view.scale);
    if (ix1 <= ix0 || iy1 <= iy0) return;
    ctx.imageSmoothingEnabled = s < 2;
    ctx.imageSmoothingQuality = 'medium';
    ctx.drawImage(
      level,
      ix0 * f,
      iy0 * f,
      (ix1 - ix0) * f,
      (iy1 - iy0) * f,
      (view.x + ix0 * view.scale) * dpr,
      (view.y + iy0 * view.scale) * dpr,
      (ix1 - ix0) * s,
      (iy1 - iy0) * s,
    );
  }

  /** A copy of the whole picture as a bitmap (for the compare view, which takes it over). */
  snapshot(): Promise<ImageBitmap> {
    return createImageBitmap(this.levels[0]!);
  }

  /** Free the canvases (the original's bitmap is closed too). */
  close(): void {
    for (const l of this.levels) {
      if (l instanceof ImageBitmap) l.close();
      else {
        l.width = 0;
        l.height = 0;
      }
    }
    this.levels.length = 0;
  }
}
