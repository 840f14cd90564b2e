/** Svelte compiler options shared by Vite and svelte-check. */
export default {
  compilerOptions: {
    // Component CSS goes to .css files loaded with <link>: no <style> injection, which the page's
    // CSP (default-src 'self', no 'unsafe-inline') would block.
    css: 'external',
    runes: true,
  },
};
