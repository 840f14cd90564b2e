/**
 * The audit's sparse read (src/tools/audit/read.ts) against the whole file, under Node, for
 * tests/test_audit_web_read.py: for each FILE, whether the audit of the sparse read (`same`) and the
 * audit's metadata walk over the whole file (`head_same`) equal the audit from `inspect`'s full walk
 * of the whole file, and how many bytes the sparse read read.
 *
 *   tsx scripts/audit-read-check.ts FILE...
 *
 * Prints one JSON document: {"files": [{"path", "same", "head_same", "size", "bytes_read", "sparse"}]}.
 */

import { readFileSync } from 'node:fs';
import { auditPhoto } from '../src/engine/tools/audit/photo';
import { inspect } from '../src/engine/tools/inspect';
import { auditFile, readForAudit } from '../src/tools/audit/read';

async function main(files: string[]): Promise<void> {
  const out: unknown[] = [];
  for (const path of files) {
    const bytes = readFileSync(path);
    const blob = new Blob([bytes]);
    const whole = JSON.stringify(auditPhoto(new Uint8Array(bytes), path, inspect));
    const head = JSON.stringify(auditPhoto(new Uint8Array(bytes), path));
    const { photo, bytesRead } = await auditFile(blob, path, auditPhoto);
    const { sparse } = await readForAudit(blob);
    out.push({ path, same: JSON.stringify(photo) === whole, head_same: head === whole, size: bytes.length, bytes_read: bytesRead, sparse });
  }
  process.stdout.write(JSON.stringify({ files: out }) + '\n');
}

void main(process.argv.slice(2));
