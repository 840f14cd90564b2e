/**
 * Zoom and pan of a picture in a stage (the compare view, the erase editor): the scale, and where the
 * picture's top-left corner is in stage pixels. A picture smaller than the stage is centred; a larger one
 * keeps covering it (up to `margin` past its edge). Zooming keeps the point under the pointer, or the
 * stage's centre, where it is. The components keep their own pointer handling and drawing.
 */

export interface Point {
  x: number;
  y: number;
}

export interface ZoomPanOptions {
  /** The picture's size in image pixels. */
  size: () => { width: number; height: number };
  maxScale: number;
  /** The largest scale "fit" uses (1: a small picture is not enlarged). */
  maxFit: number;
  /** How far a zoomed picture may be pulled past its edge, stage pixels. */
  margin?: number;
}

/** Stage pixels an arrow key pans. */
const KEY_PAN = 60;

export class ZoomPan {
  scale = $state(1);
  x = $state(0);
  y = $state(0);
  /** Whether the view is "fit", and refits when the stage or the picture changes size. */
  fitted = $state(true);
  stageW = $state(0);
  stageH = $state(0);

  readonly maxScale: number;
  private readonly size: () => { width: number; height: number };
  private readonly maxFit: number;
  private readonly margin: number;

  constructor(options: ZoomPanOptions) {
    this.size = options.size;
    this.maxScale = options.maxScale;
    this.maxFit = options.maxFit;
    this.margin = options.margin ?? 0;
  }

  readonly fitScale = $derived.by(() => {
    const { width, height } = this.size();
    return this.stageW && this.stageH && width && height ? Math.min(this.stageW / width, this.stageH / height, this.maxFit) : 1;
  });
  readonly minScale = $derived(Math.min(this.fitScale, 1) / 2);
  readonly zoomText = $derived(`${this.scale >= 0.995 ? Math.round(this.scale * 100) : (this.scale * 100).toFixed(this.scale < 0.1 ? 1 : 0)}%`);

  clampPan(): void {
    const { width, height } = this.size();
    const cw = width * this.scale;
    const ch = height * this.scale;
    const m = this.margin;
    this.x = cw <= this.stageW ? (this.stageW - cw) / 2 : Math.min(m, Math.max(this.stageW - cw - m, this.x));
    this.y = ch <= this.stageH ? (this.stageH - ch) / 2 : Math.min(m, Math.max(this.stageH - ch - m, this.y));
  }

  /** The whole picture, centred. */
  fit(): void {
    const { width, height } = this.size();
    this.scale = this.fitScale;
    this.x = (this.stageW - width * this.scale) / 2;
    this.y = (this.stageH - height * this.scale) / 2;
    this.fitted = true;
  }

  /** Zoom by `factor` keeping the image point under (px, py) (stage coordinates) where it is. */
  zoomAt(px: number, py: number, factor: number): void {
    const next = Math.min(this.maxScale, Math.max(this.minScale, this.scale * factor));
    if (next === this.scale) return;
    this.x = px - ((px - this.x) * next) / this.scale;
    this.y = py - ((py - this.y) * next) / this.scale;
    this.scale = next;
    this.fitted = Math.abs(next - this.fitScale) < 1e-6;
    this.clampPan();
  }

  /** Zoom by `factor` around the stage's centre. */
  zoomBy(factor: number): void {
    this.zoomAt(this.stageW / 2, this.stageH / 2, factor);
  }

  /** Zoom to `scale` around the stage's centre (1: one image pixel per CSS pixel). */
  zoomTo(scale: number): void {
    this.zoomBy(scale / this.scale);
  }

  pan(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    this.fitted = false;
    this.clampPan();
  }

  /** Stage (CSS px) to image coordinates. */
  toImage(sx: number, sy: number): Point {
    return { x: (sx - this.x) / this.scale, y: (sy - this.y) / this.scale };
  }

  /** The arrow keys pan (the picture moves the other way, as a map does); false for any other key. */
  keyPan(key: string): boolean {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [KEY_PAN, 0],
      ArrowRight: [-KEY_PAN, 0],
      ArrowUp: [0, KEY_PAN],
      ArrowDown: [0, -KEY_PAN],
    };
    const m = moves[key];
    if (m) this.pan(m[0], m[1]);
    return !!m;
  }

  /**
   * Two fingers moved: zoom by the change in their distance around their midpoint, pan with the
   * midpoint. `pointers` holds the fingers' last stage positions; the one that moved (`id`) goes to `p`.
   */
  pinch(pointers: Map<number, Point>, id: number, p: Point): void {
    const [a, b] = [...pointers.values()];
    const oldCentre = { x: (a!.x + b!.x) / 2, y: (a!.y + b!.y) / 2 };
    const oldDist = Math.hypot(a!.x - b!.x, a!.y - b!.y);
    pointers.set(id, p);
    const [c, d] = [...pointers.values()];
    const newCentre = { x: (c!.x + d!.x) / 2, y: (c!.y + d!.y) / 2 };
    const newDist = Math.hypot(c!.x - d!.x, c!.y - d!.y);
    if (oldDist > 0 && newDist > 0) this.zoomAt(newCentre.x, newCentre.y, newDist / oldDist);
    this.pan(newCentre.x - oldCentre.x, newCentre.y - oldCentre.y);
  }

  /**
   * Follow the stage: its size (then `onresize`), and the wheel (and trackpad pinch, which arrives as
   * wheel + ctrlKey) zooming around the pointer, through a non-passive listener that keeps the page from
   * scrolling. `local` gives a pointer's stage position. Returns the cleanup.
   */
  attach(stage: HTMLElement, local: (event: MouseEvent) => Point, onresize?: () => void): () => void {
    const ro = new ResizeObserver(() => {
      this.stageW = stage.clientWidth;
      this.stageH = stage.clientHeight;
      onresize?.();
    });
    ro.observe(stage);
    const onwheel = (event: WheelEvent): void => {
      event.preventDefault();
      const unit = event.deltaMode === 1 ? 0.05 : event.deltaMode === 2 ? 1 : event.ctrlKey ? 0.01 : 0.0015;
      const p = local(event);
      this.zoomAt(p.x, p.y, Math.exp(-event.deltaY * unit));
    };
    stage.addEventListener('wheel', onwheel, { passive: false });
    return () => {
      ro.disconnect();
      stage.removeEventListener('wheel', onwheel);
    };
  }
}
