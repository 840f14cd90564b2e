/** Saving results: one file by its original name, or many as one ZIP (headers from a worker). */
import type { ZipApi } from './zip.worker';
import { lazyWorker } from '../workers/lazy-worker';

const zipper = lazyWorker<ZipApi>(
  () => new Worker(new URL('./zip.worker.ts', import.meta.url), { type: 'module', name: 'zip' }),
  'zip worker',
);

/**
 * Names made unique inside one archive: "a.jpg", "a (2).jpg", ... With `folders`, "/" separates
 * folders inside the archive ("Trip/a.jpg"); segments that would climb out of it ("..", ".", empty)
 * are dropped. Without, a "/" or "\\" in a name becomes "_".
 */
export function uniqueNames(names: string[], folders = false): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const safe =
      (folders
        ? name
            .split(/[\\/]/)
            .filter((part) => part !== '' && part !== '.' && part !== '..')
            .join('/')
        : name.replace(/[\\/]/g, '_')) || 'image';
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

/**
 * One stored ZIP of `files` (unique names inside; with `folders`, names may hold folders: "Trip/a.jpg").
 * The archive is a Blob of parts: the worker's headers and the files' own Blobs, so no copy of the
 * batch is made in memory (see zip.worker.ts).
 */
export async function zipFiles(files: { name: string; blob: Blob }[], folders = false): Promise<Blob> {
  const names = uniqueNames(files.map((f) => f.name), folders);
  const remote = zipper.get();
  const layout = await Promise.race([
    remote.layout(files.map((f, i) => ({ name: names[i]!, blob: f.blob }))),
    zipper.failure(),
  ]);
  const parts: BlobPart[] = [];
  files.forEach((f, i) => parts.push(layout.headers[i] as Uint8Array<ArrayBuffer>, f.blob));
  parts.push(layout.end as Uint8Array<ArrayBuffer>);
  return new Blob(parts, { type: 'application/zip' });
}
