/**
 * Tool options as exported from Python (src/privpix/options.py -> web/src/generated/options.json).
 * The UI reads names, labels, defaults, choices and CLI flags from there; nothing is hard-coded here.
 */
import exported from '../generated/options.json';

export type OptionValue = boolean | number | string | string[];
export type OptionValues = Record<string, OptionValue>;

export interface OptionSpec {
  name: string;
  flag: string;
  kind: 'bool' | 'int' | 'float' | 'choice' | 'multi' | 'string';
  default: OptionValue;
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

export const TOOLS = (exported as unknown as { tools: Record<string, ToolSpec> }).tools;

export function toolSpec(name: string): ToolSpec {
  const spec = TOOLS[name];
  if (!spec) throw new Error(`no options exported for tool "${name}"`);
  return spec;
}

export function defaultValues(spec: ToolSpec): OptionValues {
  const out: OptionValues = {};
  for (const o of spec.options) out[o.name] = Array.isArray(o.default) ? [...o.default] : o.default;
  return out;
}

function sameValue(a: OptionValue | undefined, b: OptionValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x) => b.includes(x));
  return a === b;
}

/** Quote one word for a POSIX shell, only when needed. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The CLI arguments equivalent to `values` (only options that differ from their defaults). */
export function cliArgs(spec: ToolSpec, values: OptionValues): string[] {
  const args: string[] = [];
  for (const o of spec.options) {
    const v = values[o.name];
    if (v === undefined || sameValue(v, o.default)) continue;
    if (o.kind === 'bool') {
      const [on, off] = o.flag.split('/');
      const flag = v ? on : off;
      if (flag) args.push(flag);
    } else if (o.kind === 'multi' && Array.isArray(v)) {
      const order = o.choices ?? [];
      for (const choice of [...v].sort((a, b) => order.indexOf(a) - order.indexOf(b))) args.push(o.flag, choice);
    } else {
      args.push(o.flag, String(v));
    }
  }
  return args;
}

/** `privpix <command> FILE... -o DIR [options]`, with the given file names when there are a few. */
export function cliCommand(spec: ToolSpec, values: OptionValues, fileNames: string[], outDir = 'stripped'): string {
  const files = fileNames.length > 0 && fileNames.length <= 6 ? fileNames.map(shellQuote) : ['FILE...'];
  return ['privpix', spec.command, ...files, '-o', outDir, ...cliArgs(spec, values).map(shellQuote)].join(' ');
}
