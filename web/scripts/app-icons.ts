/**
 * Build step: the PNG icons an installed app needs, rendered from public/icon.svg with resvg (so they
 * never drift from the SVG):
 *
 * - icon-192.png, icon-512.png: the icon as drawn (rounded square, transparent corners), purpose "any";
 * - icon-maskable-512.png: full bleed (square corners) for launchers that cut their own shape; the
 *   picture inside stays within the central 80 % circle every mask keeps;
 * - apple-touch-icon.png (180×180): full bleed too, since iOS rounds the corners itself and paints
 *   transparent ones black.
 */
import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import type { Plugin } from 'vite';

export interface AppIcon {
  fileName: string;
  size: number;
  /** Square corners (the background fills the whole canvas). */
  fullBleed: boolean;
}

export const APP_ICONS: readonly AppIcon[] = [
  { fileName: 'icon-192.png', size: 192, fullBleed: false },
  { fileName: 'icon-512.png', size: 512, fullBleed: false },
  { fileName: 'icon-maskable-512.png', size: 512, fullBleed: true },
  { fileName: 'apple-touch-icon.png', size: 180, fullBleed: true },
];

/** The SVG with its background's rounded corners squared off. */
export function fullBleed(svg: string): string {
  const squared = svg.replace(/(<rect width="64" height="64") rx="[\d.]+"/, '$1');
  if (squared === svg) throw new Error('icon.svg: expected its background as <rect width="64" height="64" rx="…"> to make the full-bleed icons');
  return squared;
}

export function renderIcon(svg: string, icon: AppIcon): Buffer {
  const source = icon.fullBleed ? fullBleed(svg) : svg;
  return new Resvg(source, { fitTo: { mode: 'width', value: icon.size } }).render().asPng();
}

export function appIcons(svgPath: URL): Plugin {
  return {
    name: 'privpix-app-icons',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      if (!('index.html' in bundle)) return; // a worker build
      const svg = readFileSync(svgPath, 'utf8');
      for (const icon of APP_ICONS) this.emitFile({ type: 'asset', fileName: icon.fileName, source: renderIcon(svg, icon) });
    },
  };
}
