/**
 * The tools, one hash route each (#/strip, ...), named by the tool's id. Adding a tool is one entry here: its
 * path, its label and summary (from the exported options when it has some), and a lazy import of its screen.
 */
import type { Component } from 'svelte';
import { toolSpec } from '../options/options';

export interface ToolRoute {
  /** The hash route: #/<path>. */
  path: string;
  /** Earlier paths that still open this tool (bookmarks), replaced by `path` in the address bar. */
  aliases?: readonly string[];
  label: string;
  summary: string;
  load: () => Promise<{ default: Component }>;
  /** Works only with a background-removal model on this device (for the offline status). */
  needsModel?: boolean;
}

const strip = toolSpec('strip');
const compress = toolSpec('compress');
const convert = toolSpec('convert');
const removeBg = toolSpec('remove_bg');
const erase = toolSpec('erase');

export const ROUTES: readonly ToolRoute[] = [
  {
    path: 'strip',
    aliases: ['metadata'],
    label: strip.label,
    summary: strip.summary,
    load: () => import('../../tools/strip/StripTool.svelte'),
  },
  {
    path: 'compress',
    label: compress.label,
    summary: compress.summary,
    load: () => import('../../tools/compress/CompressTool.svelte'),
  },
  {
    path: 'convert',
    label: convert.label,
    summary: convert.summary,
    load: () => import('../../tools/convert/ConvertTool.svelte'),
  },
  {
    path: 'remove-bg',
    aliases: ['remove-background'],
    label: removeBg.label,
    summary: removeBg.summary,
    load: () => import('../../tools/remove-bg/RemoveBgTool.svelte'),
    needsModel: true,
  },
  {
    path: 'erase',
    label: erase.label,
    summary: erase.summary,
    load: () => import('../../tools/erase/EraseTool.svelte'),
  },
  {
    // No options of its own (it cleans with the Metadata tool's), so its words live here.
    path: 'audit',
    label: 'Audit',
    summary: 'See what a whole folder of photos gives away together: places, names, serial numbers, hidden pictures.',
    load: () => import('../../tools/audit/AuditTool.svelte'),
  },
];

export const DEFAULT_ROUTE = ROUTES[0]!;
