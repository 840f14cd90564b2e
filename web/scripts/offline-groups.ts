/**
 * Build step: which files of the site each tool needs, so the service worker can save the shell up
 * front and each tool's files (its workers, codecs, libheif, onnxruntime) only once that tool is used,
 * or when the person asks for every tool (src/sw.ts; docs/hosting.md, "What a visit downloads").
 *
 * The graph is the bundle's: a chunk's static imports, CSS and assets from Rollup's metadata; its
 * dynamic imports; and, for what the metadata does not link (Web Worker bundles, which Vite builds
 * separately, and the WebAssembly and scripts they load by URL), the file names that appear in a
 * file's text. File names carry content hashes, so a name in the text is a reference.
 *
 * - A tool's root is a chunk the app imports dynamically whose module is src/tools/<id>/…; <id> is
 *   the tool's route (#/<id>), which is the name of its folder.
 * - The shell: everything reachable from index.html without entering a tool's root.
 * - A tool's files: everything reachable from its root that is not in the shell. A file two tools
 *   use (libheif, the encoders) belongs to both and is stored once.
 *
 * `annotate` then marks each entry of the service worker's precache manifest with the tools that need
 * it (`tools`) and its size (`bytes`); entries without `tools` are the shell.
 */
import type { Plugin } from 'vite';

interface ChunkLike {
  type: 'chunk';
  fileName: string;
  code: string;
  imports: string[];
  dynamicImports: string[];
  facadeModuleId: string | null;
  viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> };
}
interface AssetLike {
  type: 'asset';
  fileName: string;
  source: string | Uint8Array;
}
type OutputLike = ChunkLike | AssetLike;

export interface OfflineGroups {
  /** tool id -> files (relative to the site root) that tool needs beyond the shell */
  tools: Map<string, Set<string>>;
  shell: Set<string>;
}

const TEXT = /\.(m?js|css|html|json|webmanifest)$/;
const TOOL_MODULE = /\/src\/tools\/([^/]+)\//;

function basename(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

function textOf(file: OutputLike): string | null {
  if (file.type === 'chunk') return file.code;
  if (!TEXT.test(file.fileName)) return null;
  return typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);
}

/** Files named in `text`, among `candidates`. */
function named(text: string, candidates: string[]): string[] {
  return candidates.filter((name) => text.includes(basename(name)));
}

export function computeGroups(bundle: Record<string, OutputLike>): OfflineGroups {
  const files = Object.values(bundle);
  const chunks = new Set(files.filter((f) => f.type === 'chunk').map((f) => f.fileName));
  const css = new Set(files.filter((f) => f.fileName.endsWith('.css')).map((f) => f.fileName));
  const all = files.map((f) => f.fileName);
  // Chunks link chunks and CSS through the metadata; the text of a chunk also lists the preload
  // dependencies of every dynamic import (which would make everything reachable), so from a chunk's
  // text only names that no metadata can give are taken: workers and files loaded by URL.
  const byText = all.filter((n) => !chunks.has(n) && !css.has(n));
  const statics = new Map<string, string[]>();
  const dynamics = new Map<string, string[]>();
  for (const f of files) {
    const text = textOf(f);
    const refs = new Set<string>();
    if (f.type === 'chunk') {
      f.imports.forEach((n) => refs.add(n));
      f.viteMetadata?.importedCss.forEach((n) => refs.add(n));
      f.viteMetadata?.importedAssets.forEach((n) => refs.add(n));
      if (text !== null) named(text, byText).forEach((n) => refs.add(n));
      dynamics.set(f.fileName, f.dynamicImports);
    } else if (text !== null) {
      named(text, all).forEach((n) => refs.add(n));
    }
    refs.delete(f.fileName);
    statics.set(f.fileName, [...refs]);
  }

  const roots = new Map<string, string>(); // chunk -> tool id
  for (const f of files) {
    if (f.type !== 'chunk' || !f.facadeModuleId) continue;
    const m = TOOL_MODULE.exec(f.facadeModuleId.replace(/\\/g, '/'));
    const importedDynamically = files.some((g) => g.type === 'chunk' && g.dynamicImports.includes(f.fileName));
    if (m && importedDynamically) roots.set(f.fileName, m[1]!);
  }

  /** Everything reachable from `start`, not expanding `stop` and entering no tool root but `own`. */
  const reach = (start: string, stop: Set<string>, own: string | null): Set<string> => {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length) {
      const name = todo.pop()!;
      if (seen.has(name) || !(name in bundle)) continue;
      seen.add(name);
      if (stop.has(name)) continue;
      todo.push(...(statics.get(name) ?? []));
      for (const d of dynamics.get(name) ?? []) if (d === own || !roots.has(d)) todo.push(d);
    }
    return seen;
  };

  const shell = reach('index.html', new Set(), null);
  const tools = new Map<string, Set<string>>();
  for (const [root, id] of roots) {
    const own = tools.get(id) ?? new Set<string>();
    for (const name of reach(root, shell, root)) if (!shell.has(name)) own.add(name);
    tools.set(id, own);
  }
  return { tools, shell };
}

export interface ManifestEntryLike {
  url: string;
  revision: string | null;
  size: number;
}

/** The manifest entries marked with the tools that need them; a tool's files must have hashed names. */
export function annotate(entries: ManifestEntryLike[], groups: OfflineGroups): { manifest: (ManifestEntryLike & { bytes: number; tools?: string[] })[]; warnings: string[] } {
  const warnings: string[] = [];
  const manifest = entries.map((entry) => {
    const tools = [...groups.tools].filter(([, names]) => names.has(entry.url)).map(([id]) => id).sort();
    if (!tools.length) return { ...entry, bytes: entry.size };
    if (entry.revision !== null) warnings.push(`${entry.url}: a tool's file without a content hash in its name`);
    return { ...entry, bytes: entry.size, tools };
  });
  return { manifest, warnings };
}

/** Computes the groups when the app's bundle is complete; `groups()` hands them to the manifest step. */
export function offlineGroups(): Plugin & { groups(): OfflineGroups } {
  let found: OfflineGroups | null = null;
  return {
    name: 'privpix-offline-groups',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      if (!('index.html' in bundle)) return; // a worker build
      found = computeGroups(bundle as unknown as Record<string, OutputLike>);
      const lines = [...found.tools].map(([id, names]) => `  ${id}: ${names.size} files`);
      this.info(`offline groups: shell ${found.shell.size} files\n${lines.join('\n')}`);
      if (!found.tools.size) this.error('offline groups: no tool chunk found under src/tools/');
    },
    groups() {
      if (!found) throw new Error('offline groups: the app bundle has not been generated yet');
      return found;
    },
  };
}
