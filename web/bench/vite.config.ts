// Builds the benchmark pages (not part of the product): each page runs engine code in a Worker and
// reports timings to the Playwright driver in bench/*.py.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../../bench/out/browser'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        strip: resolve(import.meta.dirname, 'strip.html'),
        encode: resolve(import.meta.dirname, 'encode.html'),
        'remove-bg': resolve(import.meta.dirname, 'remove-bg.html'),
        erase: resolve(import.meta.dirname, 'erase.html'),
      },
    },
  },
  worker: { format: 'es' },
});
