/**
 * The headers every response of the site carries (docs/hosting.md, "Headers"): the same policy as
 * `privpix serve` and the static hosts' files that `privpix build-site` writes (src/privpix/server.py,
 * SECURITY_HEADERS; a test holds the two to the same values). The page also carries the CSP as a
 * <meta> (vite.config.ts), and the service worker adds any of these a host did not send to what it
 * serves from its caches, so a host without custom headers still gets an isolated page, with threads,
 * from the second visit on (src/sw.ts). No DOM here: the build reads it.
 */

export const CSP =
  "default-src 'self'; connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};
