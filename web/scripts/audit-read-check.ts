/**
 * The audit's sparse read (src/tools/audit/read.ts) against the whole file, under Node, for
 * tests/test_audit_web_read.py. Each FILE is opened as a file-backed Blob (`fs.openAsBlob`, like a
 * File the browser hands over: read part by part from disk) and audited three ways, each compared
 * with the audit from `inspect`'s full walk of the whole file:
 *
 * - `same`: read on its own, as a File with its name (a HEIF's name asks for the HEIF head first);
 * - `unnamed_same`: read on its own, as a Blob without a name (the JPEG head first, then the rest);
 * - `grouped_same`: read with every other FILE at once through one BlobBatch (blob-batch.ts), the
 *   way the audit's worker reads; `grouped_error` is the error that read gave, if any.
 *
 * and `head_same`: whether the audit's metadata walk over the whole file equals the full walk's.
 *
 *   tsx scripts/audit-read-check.ts [--change FILE]... FILE...
 *
 * `--change FILE`: FILE (one of the FILEs) is changed on disk after it was opened and before it is
 * read, as a file edited after it was picked: its reads fail, and only its own.
 *
 * Prints one JSON document: {"grouped_reads": N, "files": [{"path", "same", "unnamed_same",
 * "grouped_same", "grouped_error", "head_same", "size", "bytes_read", "sparse"}]}.
 */

import { appendFileSync, openAsBlob, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { auditPhoto } from '../src/engine/tools/audit/photo';
import { inspect } from '../src/engine/tools/inspect';
import { BlobBatch } from '../src/tools/audit/blob-batch';
import { auditFile, readForAudit } from '../src/tools/audit/read';

function args(argv: string[]): { files: string[]; change: Set<string> } {
  const files: string[] = [];
  const change = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--change') change.add(argv[++i]!);
    else files.push(argv[i]!);
  }
  return { files, change };
}

async function main(argv: string[]): Promise<void> {
  const { files, change } = args(argv);
  const wholes = files.map((path) => {
    const bytes = readFileSync(path);
    return {
      whole: JSON.stringify(auditPhoto(new Uint8Array(bytes), path, inspect)),
      head: JSON.stringify(auditPhoto(new Uint8Array(bytes), path)),
      size: bytes.length,
    };
  });
  const opened = await Promise.all(files.map((path) => openAsBlob(path)));
  const named = opened.map((blob, i) => new File([blob], basename(files[i]!)));
  for (const path of change) appendFileSync(path, 'changed since it was picked');

  const batch = new BlobBatch();
  const grouped = await Promise.all(
    named.map((file, i) =>
      auditFile(file, files[i]!, auditPhoto, batch.read).then(
        ({ photo }) => ({ same: JSON.stringify(photo) === wholes[i]!.whole, error: null }),
        (e: unknown) => ({ same: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
      ),
    ),
  );

  const out: unknown[] = [];
  for (const [i, path] of files.entries()) {
    const { whole, head, size } = wholes[i]!;
    const ok = !change.has(path);
    const alone = ok ? await auditFile(named[i]!, path, auditPhoto) : null;
    const unnamed = ok ? await auditFile(opened[i]!, path, auditPhoto) : null;
    const sparse = ok ? (await readForAudit(named[i]!)).sparse : null;
    out.push({
      path,
      same: alone !== null && JSON.stringify(alone.photo) === whole,
      unnamed_same: unnamed !== null && JSON.stringify(unnamed.photo) === whole,
      grouped_same: grouped[i]!.same,
      grouped_error: grouped[i]!.error,
      head_same: head === whole,
      size,
      bytes_read: alone?.bytesRead ?? 0,
      sparse,
    });
  }
  process.stdout.write(JSON.stringify({ grouped_reads: batch.reads, files: out }) + '\n');
}

void main(process.argv.slice(2));
