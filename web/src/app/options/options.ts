/**
 * Tool options as exported from Python (src/privpix/options.py -> web/src/generated/options.ts, typed;
 * the engine's options.ts reads it). The UI reads names, labels, defaults, choices and CLI flags from
 * there; nothing is hard-coded here.
 */
import { DEFAULT_QUALITY, MAX_PIXELS, TOOLS as ENGINE_TOOLS, type OptionSpec, type OptionValue, type ToolSpec } from '../../engine/options';

export { DEFAULT_QUALITY, MAX_PIXELS, type OptionSpec, type OptionValue, type ToolSpec };

export type OptionValues = Record<string, OptionValue>;

/** How a tool wants one option shown right now (see OptionsForm). */
export interface OptionHint {
  hidden?: boolean;
  /** Why the option does nothing right now; its control is disabled and the reason shown. */
  disabled?: string;
  /** Shown in an empty field (for options whose value is null: "not set"). */
  placeholder?: string;
  /** The value in effect while the option is not set; a slider sits there. */
  implicit?: number;
  /** Draw a number with a range slider (and a field for the exact value). */
  slider?: boolean;
}

/** Every tool's spec, by the tool's name in the export ("remove_bg", …). */
export const TOOLS: Readonly<Record<string, ToolSpec | undefined>> = ENGINE_TOOLS;

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

export function sameValue(a: OptionValue | undefined, b: OptionValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x) => b.includes(x));
  return a === b;
}

const CHOICE_LABELS: Record<string, string> = {
  jpeg: 'JPEG',
  webp: 'WebP',
  avif: 'AVIF',
  png: 'PNG',
  srgb: 'sRGB',
  'blurred-location': 'Location, blurred to ~10 km',
};

/** Choices of a multiple-choice option that exclude each other: the GPS position kept as it is, or
 *  kept blurred to the town (the engines refuse both at once). */
const EXCLUSIVE_CHOICES: readonly (readonly string[])[] = [['location', 'blurred-location']];

/** `current` with `choice` turned on: the choices it excludes go. */
export function withChoice(current: readonly string[], choice: string): string[] {
  const excluded = new Set(EXCLUSIVE_CHOICES.filter((set) => set.includes(choice)).flat());
  return [...current.filter((c) => c !== choice && !excluded.has(c)), choice];
}

/** A choice as people write it: "JPEG", "WebP", "sRGB", "Keep". */
export function choiceLabel(choice: string): string {
  return CHOICE_LABELS[choice] ?? choice.charAt(0).toUpperCase() + choice.slice(1);
}

/** Quote one word for a POSIX shell, only when needed. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1000, kib: 1024, m: 1000 ** 2, mb: 1000 ** 2, mib: 1024 ** 2 };

/**
 * "500KB" -> 500000, "1.5MB" -> 1500000, "800k" -> 800000, "2MiB" -> 2097152, "1200" -> 1200: the
 * same reading as Python's privpix.options.parse_size. Throws a message for people otherwise.
 */
export function parseSize(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? m[2]!.toLowerCase() : '';
  if (!m || !(unit in SIZE_UNITS)) throw new Error(`Not a size: write e.g. 500KB, 1.5MB or 800000.`);
  const value = Math.floor(parseFloat(m[1]!) * SIZE_UNITS[unit]!);
  if (value < 1) throw new Error('Too small: a size is at least 1 byte.');
  return value;
}

/** The CLI arguments equivalent to `values`: options that differ from their defaults, and those named
 * in `always` (e.g. convert's --to, so the command says what it makes). */
export function cliArgs(spec: ToolSpec, values: OptionValues, always: readonly string[] = []): string[] {
  const args: string[] = [];
  for (const o of spec.options) {
    const v = values[o.name];
    if (v === undefined || v === null || (sameValue(v, o.default) && !always.includes(o.name))) continue;
    if (o.kind === 'bool') {
      const [on, off] = o.flag.split('/');
      const flag = v ? on : off;
      if (flag) args.push(flag);
    } else {
      // "-q/--quality": the first spelling (the short one) is the one to print.
      const flag = o.flag.split('/')[0]!;
      if (o.kind === 'multi' && Array.isArray(v)) {
        const order = o.choices ?? [];
        for (const choice of [...v].sort((a, b) => order.indexOf(a) - order.indexOf(b))) args.push(flag, choice);
      } else {
        args.push(flag, String(v));
      }
    }
  }
  return args;
}

/** Whether two sets of values mean the same thing (every option of `spec` compared). */
export function sameValues(spec: ToolSpec, a: OptionValues, b: OptionValues): boolean {
  return spec.options.every((o) => {
    const x = a[o.name] ?? null;
    const y = b[o.name] ?? null;
    return x === null || y === null ? x === y : sameValue(x, y);
  });
}

/** `privpix <command> FILE... -o DIR [options]`, with the given file names when there are a few. */
export function cliCommand(
  spec: ToolSpec,
  values: OptionValues,
  fileNames: string[],
  outDir = 'stripped',
  always: readonly string[] = [],
): string {
  const files = fileNames.length > 0 && fileNames.length <= 6 ? fileNames.map(shellQuote) : ['FILE...'];
  return ['privpix', spec.command, ...files, '-o', outDir, ...cliArgs(spec, values, always).map(shellQuote)].join(' ');
}
