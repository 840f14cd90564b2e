import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { firstLoadBudget } from './scripts/first-load-budget.ts';
import { APP_ICONS, appIcons } from './scripts/app-icons.ts';
import { annotate, offlineGroups } from './scripts/offline-groups.ts';
import { IMAGE_TYPES, SHARE_ACTION, SHARE_FIELD } from './src/app/intake/handoff-protocol.ts';
import { CSP } from './src/app/privacy/security-headers.ts';

/**
 * The page's Content-Security-Policy (src/app/privacy/security-headers.ts) also goes into index.html as a
 * <meta>, so the page keeps it when it is opened some other way. A <meta> policy cannot carry
 * frame-ancestors (nor report-uri, sandbox), so those are dropped here; the header keeps them.
 */
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

/** What an installed app reads from the page: the bar colour for light and dark, and the iOS icon. */
function installMeta(): Plugin {
  return {
    name: 'privpix-install-meta',
    transformIndexHtml() {
      return [
        { tag: 'meta', attrs: { name: 'theme-color', media: '(prefers-color-scheme: light)', content: THEME.light }, injectTo: 'head' },
        { tag: 'meta', attrs: { name: 'theme-color', media: '(prefers-color-scheme: dark)', content: THEME.dark }, injectTo: 'head' },
        { tag: 'link', attrs: { rel: 'apple-touch-icon', href: './apple-touch-icon.png' }, injectTo: 'head' },
      ];
    },
  };
}

/** No file of the site may be larger than a static host such as Cloudflare Pages stores (25 MiB). */
function fileSizeLimit(limitBytes: number): Plugin {
  return {
    name: 'privpix-file-size-limit',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const f of Object.values(bundle)) {
        const size = f.type === 'chunk' ? Buffer.byteLength(f.code) : typeof f.source === 'string' ? Buffer.byteLength(f.source) : f.source.length;
        if (size > limitBytes) this.error(`${f.fileName} is ${(size / 2 ** 20).toFixed(1)} MiB, over the ${limitBytes / 2 ** 20} MiB a static host accepts per file`);
      }
    },
  };
}

const groups = offlineGroups();

/** Colours of the header (the browser's bar around an installed app): --surface in light and dark. */
export const THEME = { light: '#ffffff', dark: '#171c1b', background: '#f5f6f4' } as const;

export default defineConfig({
  // Relative asset URLs: the site works wherever it is served from (privpix serve, a sub-path, a file share).
  base: './',
  plugins: [
    svelte(),
    cspMeta(),
    installMeta(),
    appIcons(new URL('./public/icon.svg', import.meta.url)),
    groups,
    fileSizeLimit(25 * 2 ** 20),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false, // src/app/privacy/offline.svelte.ts registers it with workbox-window
      manifest: {
        id: './',
        name: 'privpix — private image tools',
        short_name: 'privpix',
        description: 'Image tools that run on your own device. Your photos never leave it.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: THEME.background,
        theme_color: THEME.light, // index.html carries the dark one too (<meta name="theme-color" media=…>)
        icons: [
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          ...APP_ICONS.filter((i) => i.fileName.startsWith('icon-')).map((i) => ({
            src: i.fileName,
            sizes: `${i.size}x${i.size}`,
            type: 'image/png',
            purpose: i.fullBleed ? 'maskable' : 'any',
          })),
        ],
        // Android's share sheet: the browser POSTs the files here; the service worker takes them and
        // opens a tool with them (src/sw.ts, src/app/handoff.svelte.ts). Nothing reaches a server.
        share_target: {
          action: `./${SHARE_ACTION}`,
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: SHARE_FIELD, accept: [...Object.keys(IMAGE_TYPES), ...Object.values(IMAGE_TYPES).flat()] }] },
        },
        // Desktop "Open with": the files arrive through window.launchQueue.
        file_handlers: [{ action: './', accept: Object.fromEntries(Object.entries(IMAGE_TYPES).map(([t, e]) => [t, [...e]])) }],
        // A second share or "Open with" goes to the window already open instead of a new one.
        launch_handler: { client_mode: ['navigate-existing', 'auto'] },
      },
      injectManifest: {
        rollupFormat: 'iife',
        // mjs: onnxruntime's Emscripten glue (remove background), loaded by URL, so it must be listed.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,webmanifest,wasm,json}'],
        // onnxruntime's WebGPU build (JSPI, 16.8 MB) is not kept with the tool: it is cached with the
        // model on devices that can use it (src/engine/tools/remove-bg/store.ts, src/sw.ts).
        globIgnores: ['**/ort-wasm-simd-threaded.jspi*.{wasm,mjs}'],
        // The largest file kept is onnxruntime's WebAssembly build (14 MB), with remove background.
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        // The shell is saved up front; each tool's files when it is first used (scripts/offline-groups.ts).
        manifestTransforms: [(entries) => annotate(entries, groups.groups())],
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
