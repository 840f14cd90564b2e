/**
 * Files handed to the page from outside it (the PWA's share target or "open with", via the service
 * worker): whoever receives them dispatches `deliverFiles(files)` once the tool's route is open, and
 * the tool on screen takes them exactly as if they had been chosen (Intake.svelte, and the erase editor
 * while a photo is open).
 */
export const FILES_EVENT = 'privpix:files';

export function deliverFiles(files: File[]): void {
  window.dispatchEvent(new CustomEvent<File[]>(FILES_EVENT, { detail: files }));
}

/** Listen for handed-over files; returns the cleanup. */
export function onDeliveredFiles(take: (files: File[]) => void): () => void {
  const listener = (event: Event): void => {
    const files = (event as CustomEvent<File[]>).detail;
    if (Array.isArray(files) && files.length) take(files);
  };
  window.addEventListener(FILES_EVENT, listener);
  return () => window.removeEventListener(FILES_EVENT, listener);
}
