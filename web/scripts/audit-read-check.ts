/**
 * The audit's sparse read (src/tools/audit/read.ts) against the whole file, under Node, for
 * tests/test_audit_web_read.py: for each FILE, whether the audit of the sparse read equals the audit
 * of the whole file, and how many bytes each read.
 *
 *   tsx scripts/audit-read-check.ts FILE...
 *
 * Prints one JSON document: {"files": [{"path", "same", "size", "bytes_read", "sparse"}]}.
 */

import { readFileSync } from 'node:fs';
import { auditPhoto } from '../src/engine/tools/audit/photo';
import { auditFile, readForAudit } from '../src/tools/audit/read';

async function main(files: string[]): Promise<void> {
  const out: unknown[] = [];
  for (const path of files) {
    const bytes = readFileSync(path);
    const blob = new Blob([bytes]);
    const whole = auditPhoto(new Uint8Array(bytes), path);
    const { photo, bytesRead } = await auditFile(blob, path, auditPhoto);
    const { sparse } = await readForAudit(blob);
    out.push({ path, same: JSON.stringify(photo) === JSON.stringify(whole), size: bytes.length, bytes_read: bytesRead, sparse });
  }
  process.stdout.write(JSON.stringify({ files: out }) + '\n');
}

void main(process.argv.slice(2));
