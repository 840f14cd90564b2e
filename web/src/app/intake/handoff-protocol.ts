/**
 * Photos handed to privpix by the operating system: the share sheet (Web Share Target: the browser
 * POSTs the files to SHARE_ACTION, where the service worker takes them) and "Open with" (File
 * Handling: the files arrive through window.launchQueue). Shared by the manifest (vite.config.ts),
 * the service worker (src/sw.ts) and the page (handoff.svelte.ts). No DOM here: the build reads it.
 */

/** The share target's action, relative to the app's scope. Never reaches a server: the service worker answers it. */
export const SHARE_ACTION = 'share-target';

/** The multipart field the shared files arrive in. */
export const SHARE_FIELD = 'photos';

/** Query parameter of the page the service worker sends a share to: the id of the stored hand-off. */
export const SHARE_PARAM = 'share';

/** Where the service worker keeps shared files until the page takes them (then they are deleted). */
export const SHARE_CACHE = 'privpix-share-v1';

/** What privpix takes, by type and by name (files from a phone's gallery may come without a type). */
export const IMAGE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'image/jpeg': ['.jpg', '.jpeg', '.jfif'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
  'image/gif': ['.gif'],
  'image/avif': ['.avif'],
  'image/heic': ['.heic'],
  'image/heif': ['.heif'],
  'image/tiff': ['.tif', '.tiff'],
  'image/bmp': ['.bmp'],
};

/** What the service worker stores about a share, beside its files; the privacy panel shows it. */
export interface ShareRecord {
  /** Epoch milliseconds when the service worker received the share. */
  at: number;
  url: string;
  method: string;
  /** The files, in order, as `${SHARE_CACHE}` entries `<scope>__share/<id>/<index>`. */
  files: { name: string; type: string; size: number; lastModified: number }[];
}

/** The Cache Storage key of a shared file (`index`) or of the record (`index` null). */
export function shareKey(scope: string, id: string, index: number | null): string {
  return new URL(`__share/${id}/${index === null ? 'record' : index}`, scope).href;
}
