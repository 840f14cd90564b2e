/**
 * The tools, one hash route each (#/metadata, ...). Adding a tool is one entry here: its path, its
 * label and summary (from the exported options when it has some), and a lazy import of its screen.
 */
import type { Component } from 'svelte';
import { toolSpec } from './options';

export interface ToolRoute {
  /** The hash route: #/<path>. */
  path: string;
  label: string;
  summary: string;
  load: () => Promise<{ default: Component }>;
}

const strip = toolSpec('strip');

export const ROUTES: readonly ToolRoute[] = [
  {
    path: 'metadata',
    label: strip.label,
    summary: strip.summary,
    load: () => import('../tools/metadata/MetadataTool.svelte'),
  },
  // { path: 'compress', label: ..., summary: ..., load: () => import('../tools/compress/CompressTool.svelte') },
];

export const DEFAULT_ROUTE = ROUTES[0]!;
