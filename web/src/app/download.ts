/** Saving results: one file by its original name, or many as a ZIP built in a worker. */
import type { ZipApi } from './zip.worker';
import { lazyWorker } from './lazy-worker';

const zipper = lazyWorker<ZipApi>(
  () => new Worker(new URL('./zip.worker.ts', import.meta.url), { type: 'module', name: 'zip' }),
  'zip worker',
);

/** Names made unique inside one archive: "a.jpg", "a (2).jpg", ... */
export function uniqueNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const safe = name.replace(/[\\/]/g, '_') || 'image';
    let candidate = safe;
    const dot = safe.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ''];
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function zipFiles(files: { name: string; blob: Blob }[]): Promise<Blob> {
  const names = uniqueNames(files.map((f) => f.name));
  const remote = zipper.get();
  const bytes = await Promise.race([
    remote.zip(files.map((f, i) => ({ name: names[i]!, blob: f.blob }))),
    zipper.failure(),
  ]);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
}
