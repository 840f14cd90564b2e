/**
 * The photos of a folder, however the person hands it over: the folder picker of the File System Access
 * API (`showDirectoryPicker`, Chromium on desktops), an `<input webkitdirectory>` (every browser, phones
 * included), a folder or many files dropped on the page (`DataTransferItem.webkitGetAsEntry`). Each photo
 * comes with its path inside what was picked ("Trip/IMG_1034.heic"), which the report and the ZIP show.
 *
 * Only handles are gathered here: a File is a reference to bytes on disk, so 10,000 of them cost a few
 * hundred bytes each, not 10,000 photos in memory.
 */

export interface PickedFile {
  file: File;
  /** Path inside the picked folder, "/"-separated; the bare name for a file picked on its own. */
  path: string;
}

/** What a folder held: its photos, and how many other files were passed over. */
export interface Picked {
  files: PickedFile[];
  skipped: number;
}

/** Endings of the files the engine reads (the Metadata tool's formats). */
const PHOTO = /\.(jpe?g|jfif|jpe|png|webp|heic|heif|hif|avif|gif|tiff?|dng|mpo|jxl)$/i;

/** A photo the audit reads: by ending or by the type the browser gives it; hidden files (".DS_Store",
 *  "._IMG_1.jpg" from macOS) never are. */
export function isPhoto(name: string, type = ''): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (base.startsWith('.')) return false;
  return PHOTO.test(base) || type.startsWith('image/');
}

function keep(out: Picked, file: File, path: string): void {
  if (isPhoto(path, file.type)) out.files.push({ file, path });
  else out.skipped += 1;
}

/** Sorted by path, so a report and its ZIP list a folder in the order a file manager does. */
function sorted(out: Picked): Picked {
  out.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** The files of an `<input type=file>` (with `webkitdirectory`, each knows its path in the folder). */
export function fromInput(list: FileList | File[]): Picked {
  const out: Picked = { files: [], skipped: 0 };
  for (const file of Array.from(list)) keep(out, file, file.webkitRelativePath || file.name);
  return sorted(out);
}

// ---- File System Access API ------------------------------------------------------------------------

interface DirectoryHandleLike {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}
interface FileHandleLike {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}
type PickerWindow = Window & { showDirectoryPicker?: (options?: { mode?: 'read'; id?: string }) => Promise<DirectoryHandleLike> };

/** Whether this browser has a folder picker of its own (the File System Access API). */
export function hasDirectoryPicker(): boolean {
  return typeof (window as PickerWindow).showDirectoryPicker === 'function';
}

/**
 * Ask for a folder with the browser's folder picker and gather its photos (every sub-folder too).
 * Resolves with null when the person closes the picker.
 */
export async function pickDirectory(): Promise<Picked | null> {
  const picker = (window as PickerWindow).showDirectoryPicker;
  if (!picker) throw new Error('This browser has no folder picker.');
  let root: DirectoryHandleLike;
  try {
    root = await picker.call(window, { mode: 'read', id: 'privpix-audit' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
  const out: Picked = { files: [], skipped: 0 };
  await walkHandle(root, `${root.name}/`, out);
  return sorted(out);
}

async function walkHandle(dir: DirectoryHandleLike, prefix: string, out: Picked): Promise<void> {
  for await (const entry of dir.values()) {
    const path = prefix + entry.name;
    if (entry.kind === 'directory') {
      if (!entry.name.startsWith('.')) await walkHandle(entry, `${path}/`, out);
    } else if (isPhoto(path)) {
      out.files.push({ file: await entry.getFile(), path });
    } else {
      out.skipped += 1;
    }
  }
}

// ---- drag and drop -----------------------------------------------------------------------------------

/**
 * What was dropped: files, folders (walked to the bottom) or both. The entries must be taken from the
 * DataTransfer during the drop event itself; the walk may go on afterwards.
 */
export function droppedEntries(data: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
  }
  // A browser without entries still gives the files (folders then cannot be read).
  return { entries, files: entries.length ? [] : Array.from(data.files) };
}

export async function fromDrop(dropped: { entries: FileSystemEntry[]; files: File[] }): Promise<Picked> {
  const out: Picked = { files: [], skipped: 0 };
  for (const file of dropped.files) keep(out, file, file.name);
  for (const entry of dropped.entries) await walkEntry(entry, '', out);
  return sorted(out);
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** A directory's entries: readEntries answers a batch at a time (100 in Chromium) until an empty one. */
async function entriesOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return all;
    all.push(...batch);
  }
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: Picked): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isDirectory) {
    if (entry.name.startsWith('.')) return;
    for (const child of await entriesOf(entry as FileSystemDirectoryEntry)) await walkEntry(child, `${path}/`, out);
  } else if (isPhoto(path)) {
    out.files.push({ file: await fileOf(entry as FileSystemFileEntry), path });
  } else {
    out.skipped += 1;
  }
}
