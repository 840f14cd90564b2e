/**
 * The erase fill's kernels (engine/tools/erase/kernels.ts) run over index ranges that the parallel
 * runner hands out in blocks, to whichever thread is free (parallel.ts). The promise that makes the
 * browser's erase give the same bytes on any number of threads: a kernel writes only its own
 * indices' outputs and reads nothing another index of the same kernel writes. Here that is checked
 * by running whole fills with runners that split every kernel differently — blocks of every size,
 * run in shuffled orders — against the one-pass LocalRunner.
 */

import { describe, expect, it } from 'vitest';
import { FILL_DEFAULTS, type FillParams, erasePixels } from '../src/engine/tools/erase/fill';
import { type KernelState, LocalRunner, type Runner, runKernel } from '../src/engine/tools/erase/kernels';

/** Runs each kernel as blocks of `block` indices, in an order shuffled by `seed`. */
class ShuffledRunner implements Runner {
  readonly threads = 1;
  readonly shared = false;
  private S: KernelState | null = null;
  private state: number;
  blocksRun = 0;

  constructor(
    private readonly block: number,
    seed: number,
  ) {
    this.state = seed;
  }

  level(S: KernelState): void {
    this.S = S;
  }

  run(op: number, sel: number, a: number, b: number, count: number): void {
    const starts: number[] = [];
    for (let i = 0; i < count; i += this.block) starts.push(i);
    for (let i = starts.length - 1; i > 0; i--) {
      this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
      const j = this.state % (i + 1);
      [starts[i], starts[j]] = [starts[j]!, starts[i]!];
    }
    for (const i0 of starts) runKernel(this.S!, op, sel, a, b, i0, Math.min(count, i0 + this.block));
    this.blocksRun += starts.length;
  }

  done(): void {
    this.S = null;
  }
}

/** A textured RGB test picture (stripes and a gradient, seeded noise) and a mask over part of it. */
function picture(width: number, height: number, seed: number): { rgb: Uint8Array; mask: Uint8Array } {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 22695477) + 1) >>> 0;
      const i = (y * width + x) * 3;
      rgb[i] = ((x >> 2) & 1) * 160 + (s >>> 28);
      rgb[i + 1] = (y * 255) / height;
      rgb[i + 2] = ((x + y) * 3) & 255;
    }
  }
  const mask = new Uint8Array(width * height);
  for (let y = Math.floor(height * 0.3); y < Math.floor(height * 0.6); y++) {
    for (let x = Math.floor(width * 0.4); x < Math.floor(width * 0.7); x++) mask[y * width + x] = 1;
  }
  return { rgb, mask };
}

const params = (seed: number): FillParams => ({ ...FILL_DEFAULTS, grow: 4, feather: 2, seed });

describe('every split of the kernels gives the same fill', () => {
  for (const [width, height, seed] of [
    [64, 48, 1],
    [120, 90, 2],
  ] as const) {
    it(`${width}×${height}, seed ${seed}`, () => {
      const { rgb, mask } = picture(width, height, seed);
      const reference = erasePixels(rgb, mask, width, height, params(seed), { runner: new LocalRunner() });
      expect(reference).not.toEqual(rgb); // the fill did change the hole
      for (const [block, order] of [
        [1, 11],
        [7, 12],
        [64, 13],
        [1000, 14],
      ] as const) {
        const runner = new ShuffledRunner(block, order);
        expect(erasePixels(rgb, mask, width, height, params(seed), { runner })).toEqual(reference);
        expect(runner.blocksRun).toBeGreaterThan(0);
      }
    });
  }

  it('is deterministic for a seed, and another seed fills differently', () => {
    const { rgb, mask } = picture(80, 60, 5);
    const a = erasePixels(rgb, mask, 80, 60, params(5));
    expect(erasePixels(rgb, mask, 80, 60, params(5))).toEqual(a);
    expect(erasePixels(rgb, mask, 80, 60, params(6))).not.toEqual(a);
  });

  it('leaves every pixel outside the grown and feathered mask as it was', () => {
    const { rgb, mask } = picture(80, 60, 9);
    const out = erasePixels(rgb, mask, 80, 60, params(9));
    const reach = 4 + 2; // grow + feather
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 80; x++) {
        let near = false;
        for (let dy = -reach; dy <= reach && !near; dy++) for (let dx = -reach; dx <= reach && !near; dx++) near = mask[(y + dy) * 80 + (x + dx)] === 1 && y + dy >= 0 && y + dy < 60 && x + dx >= 0 && x + dx < 80;
        if (!near) expect([...out.subarray((y * 80 + x) * 3, (y * 80 + x) * 3 + 3)]).toEqual([...rgb.subarray((y * 80 + x) * 3, (y * 80 + x) * 3 + 3)]);
      }
    }
  });
});
