import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { firstLoadBudget } from './scripts/first-load-budget.ts';

/**
 * The page's Content-Security-Policy (ARCHITECTURE.md, "Rules that hold everywhere"). The server sends
 * it as a header; the same policy also goes into index.html as a <meta> so the page keeps it when it is
 * opened some other way. A <meta> policy cannot carry frame-ancestors (nor report-uri, sandbox), so
 * those are dropped here; the header keeps them.
 */
export const CSP =
  "default-src 'self'; connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const META_FORBIDDEN = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

export function metaPolicy(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !META_FORBIDDEN.has(d.split(/\s+/)[0]!.toLowerCase()))
    .join('; ');
}

function cspMeta(): Plugin {
  return {
    name: 'privpix-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      // Right after <meta charset>: a policy applies only to what comes after it.
      const meta = `<meta http-equiv="Content-Security-Policy" content="${metaPolicy(CSP)}" />`;
      const at = html.search(/<meta charset[^>]*>/i);
      if (at < 0) throw new Error('index.html needs <meta charset> first in <head>');
      const end = html.indexOf('>', at) + 1;
      return `${html.slice(0, end)}\n    ${meta}${html.slice(end)}`;
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the site works wherever it is served from (privpix serve, a sub-path, a file share).
  base: './',
  plugins: [
    svelte(),
    cspMeta(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false, // src/app/privacy/offline.svelte.ts registers it with workbox-window
      manifest: {
        name: 'privpix — private image tools',
        short_name: 'privpix',
        description: 'Image tools that run on your own device. Your photos never leave it.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f6f7f5',
        theme_color: '#1f6f5c',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      injectManifest: {
        rollupFormat: 'iife',
        // mjs: onnxruntime's Emscripten glue (remove background), loaded by URL, so it must be precached.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,webmanifest,wasm,json}'],
        // Models (models/*.onnx, 44-88 MB) are not precached: a person downloads one on first use and
        // it is kept in Cache Storage. Nor is onnxruntime's WebGPU build (27 MB): it is kept with the
        // model on devices that offer WebGPU (src/engine/tools/remove-bg/store.ts, src/sw.ts).
        globIgnores: ['models/**', '**/ort-wasm-simd-threaded.asyncify*.{wasm,mjs}'],
        // Codecs and engines added later are several MiB each; models are cached separately, not here.
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
    firstLoadBudget({ limitBytes: 200 * 1024 }),
  ],
  build: {
    outDir: '../src/privpix/site',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0, // no data: URLs for assets; everything is a file the service worker can precache
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  worker: { format: 'es' },
});
