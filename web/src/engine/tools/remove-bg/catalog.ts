// Browser only: Python reads the model registry itself (src/privpix/models/registry.py).
/**
 * The background models, as the Python registry (src/privpix/models/registry.py) exports them into
 * src/generated/options.ts under `models`: name, file, size, sha256, licences and the input spec.
 * Nothing about a model is restated here.
 */

import { EXPORT } from '../../../generated/options';

export interface ModelInput {
  name: string;
  layout: string;
  channels: string;
  dtype: string;
  mean: number;
  std: number;
  multiple: number;
}

export interface ModelInfo {
  name: string;
  label: string;
  file: string;
  size: number;
  sha256: string;
  precision: string;
  licence: string;
  package: { name: string; version: string; licence: string; resource?: string; integrity?: string; tarball?: string };
  source: string;
  input: ModelInput;
  output: string;
}

export const MODELS: Readonly<Record<string, ModelInfo>> = EXPORT.models.models;
export const DEFAULT_MODEL: string = EXPORT.models.default;

export function modelInfo(name: string): ModelInfo {
  const info = MODELS[name];
  if (!info) throw new RangeError(`unknown model "${name}"; choose from ${Object.keys(MODELS).join(', ')}`);
  return info;
}

/** Where a model is kept on this device (the service worker answers this URL offline): `models/<file>`
 *  under the app's base URL. The site serves it as the chunks `modelManifestUrl` lists. */
export function modelUrl(info: ModelInfo, base: string): string {
  return new URL(`models/${info.file}`, base).href;
}

/** The list of chunks the site serves a model in (src/privpix/models/site.py). */
export function modelManifestUrl(info: ModelInfo, base: string): string {
  return new URL(`models/${info.file}.json`, base).href;
}
