/**
 * What the screen shows about the tool and its models, from the Python export (generated/options.ts): the
 * options of `remove-bg` and the model registry (size, licence, where the weights come from).
 */
import { TOOLS, type ToolSpec } from '../../engine/options';
import { DEFAULT_MODEL, MODELS } from '../../engine/tools/remove-bg/catalog';

export interface ModelSummary {
  name: string;
  label: string;
  size: number;
  licence: string;
  packageName: string;
  packageVersion: string;
  packageLicence: string;
  precision: string;
}

export const models: ModelSummary[] = Object.values(MODELS)
  .map((m) => ({
    name: m.name,
    label: m.label,
    size: m.size,
    licence: m.licence,
    packageName: m.package.name,
    packageVersion: m.package.version,
    packageLicence: m.package.licence,
    precision: m.precision,
  }))
  .sort((a, b) => (a.name === DEFAULT_MODEL ? -1 : b.name === DEFAULT_MODEL ? 1 : a.size - b.size));

export const spec: ToolSpec = TOOLS.remove_bg;

/** "ISNet: MIT weights in the AGPL-3.0 package @imgly/background-removal-data" */
export function licenceLine(m: ModelSummary): string {
  const name = m.label.replace(/^[^(]*\(([^,)]+).*$/, '$1') || 'ISNet';
  return `${name}: ${m.licence} weights in the ${m.packageLicence} package ${m.packageName}`;
}

/** A model's size, said the one way the page says it: "44 MB". */
export function modelSize(m: ModelSummary): string {
  return `${Math.round(m.size / 1_000_000)} MB`;
}

/** Bytes of a download in progress, in the unit of `modelSize`: "12.3 of 44.3 MB". */
export function downloadedText(received: number, total: number): string {
  return `${(received / 1_000_000).toFixed(1)} of ${(total / 1_000_000).toFixed(1)} MB`;
}
