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

/** "ISNet, 44 MB, MIT weights in AGPL-3.0 package @imgly/background-removal-data" */
export function licenceLine(m: ModelSummary): string {
  const name = m.label.replace(/^[^(]*\(([^,)]+).*$/, '$1') || 'ISNet';
  return `${name}, ${Math.round(m.size / 1_000_000)} MB, ${m.licence} weights in ${m.packageLicence} package ${m.packageName}`;
}
