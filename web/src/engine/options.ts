/**
 * Tool options as defined once in Python (src/privpix/options.py) and exported to
 * src/generated/options.json at build time. Nothing here restates a default or a range.
 */

import exported from '../generated/options.json';

export interface OptionSpec {
  name: string;
  flag: string;
  kind: 'bool' | 'int' | 'float' | 'choice' | 'multi' | 'string';
  default: unknown;
  label: string;
  help: string;
  choices?: string[];
  minimum?: number;
  maximum?: number;
}

export interface ToolSpec {
  command: string;
  label: string;
  summary: string;
  options: OptionSpec[];
}

export const TOOLS = exported.tools as unknown as Record<string, ToolSpec>;

/** Options of the lossless metadata strip; field names are the Python names. */
export interface StripOptions {
  keep_icc: boolean;
  keep: string[];
}

function defaults(tool: string): Record<string, unknown> {
  const spec = TOOLS[tool];
  if (!spec) throw new Error(`no options exported for tool ${tool}`);
  return Object.fromEntries(spec.options.map((o) => [o.name, o.default]));
}

export function defaultStripOptions(): StripOptions {
  const d = defaults('strip');
  return { keep_icc: d['keep_icc'] as boolean, keep: [...(d['keep'] as string[])] };
}
