/**
 * The audit's offline data (mirrors src/privpix/tools/audit/data.py): the gazetteer that names places
 * and the country outlines the map is drawn from. Both files are made by web/scripts/audit-data.ts
 * from pinned npm packages and live in src/privpix/data/audit/, which the Python package ships and
 * the web build copies as assets of the audit tool (loaded only when the audit runs).
 */

/** Towns as columns, sorted by latitude then longitude; positions in 1/`scale` degree. */
export interface Gazetteer {
  source: string;
  scale: number;
  /** ISO 3166-1 alpha-2 code → English name. */
  countries: Record<string, string>;
  name: string[];
  country: string[];
  lat: number[];
  lon: number[];
}

/** One country: SVG path data in an equirectangular projection, x = longitude / unit, y = −latitude / unit. */
export interface CountryOutline {
  id: string;
  name: string;
  d: string;
}

export interface WorldOutlines {
  source: string;
  /** Degrees per path unit. */
  unit: number;
  countries: CountryOutline[];
}

/** Reads a data file's text; the web app fetches it (same origin), Node passes a file reader. */
export type ReadText = (url: URL) => Promise<string>;

const GAZETTEER_URL = new URL('../../../../../src/privpix/data/audit/gazetteer.json', import.meta.url);
const WORLD_URL = new URL('../../../../../src/privpix/data/audit/world.json', import.meta.url);

async function fetchText(url: URL): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url.pathname}: HTTP ${response.status}`);
  return response.text();
}

export async function loadGazetteer(read: ReadText = fetchText): Promise<Gazetteer> {
  return JSON.parse(await read(GAZETTEER_URL)) as Gazetteer;
}

export async function loadWorld(read: ReadText = fetchText): Promise<WorldOutlines> {
  return JSON.parse(await read(WORLD_URL)) as WorldOutlines;
}
