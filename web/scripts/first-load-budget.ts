/**
 * Build guard: what index.html makes the browser download before any tool is used, gzip-compressed,
 * must stay under a budget. Counted: the entry chunk and its static imports, every chunk the entry
 * imports dynamically (the tool screens and the service-worker client, of which the page loads only the
 * current route's; counting all of them is an upper bound), their static imports, and all CSS they pull
 * in. Not counted: Web Worker bundles (the engine), which load only when a file is added.
 */
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

interface ChunkLike {
  type: 'chunk';
  fileName: string;
  code: string;
  isEntry: boolean;
  imports: string[];
  dynamicImports: string[];
  viteMetadata?: { importedCss: Set<string> };
}
interface AssetLike {
  type: 'asset';
  fileName: string;
  source: string | Uint8Array;
}

export function firstLoadBudget({ limitBytes }: { limitBytes: number }): Plugin {
  return {
    name: 'privpix-first-load-budget',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = bundle as unknown as Record<string, ChunkLike | AssetLike>;
      if (!files['index.html']) return; // a worker or service-worker build
      const entry = Object.values(files).find(
        (f): f is ChunkLike => f.type === 'chunk' && f.isEntry,
      );
      if (!entry) return;
      const js = new Set<string>();
      const css = new Set<string>();
      const visit = (name: string): void => {
        const chunk = files[name];
        if (!chunk || chunk.type !== 'chunk' || js.has(name)) return;
        js.add(name);
        chunk.viteMetadata?.importedCss.forEach((c) => css.add(c));
        chunk.imports.forEach(visit);
      };
      visit(entry.fileName);
      for (const name of entry.dynamicImports) visit(name);
      const rows: [string, number][] = [];
      for (const name of [...js, ...css]) {
        const f = files[name];
        if (!f) continue;
        const body = f.type === 'chunk' ? f.code : f.source;
        rows.push([name, gzipSync(typeof body === 'string' ? Buffer.from(body) : body).length]);
      }
      const total = rows.reduce((s, [, n]) => s + n, 0);
      const kb = (n: number): string => (n / 1024).toFixed(1) + ' KiB';
      const lines = rows.map(([n, s]) => `  ${kb(s).padStart(10)}  ${n}`);
      this.info(
        `first load (gzip, JS+CSS before a tool is used): ${kb(total)} of ${kb(limitBytes)}\n${lines.join('\n')}`,
      );
      if (total > limitBytes) this.error(`first-load budget exceeded: ${kb(total)} > ${kb(limitBytes)}`);
    },
  };
}
