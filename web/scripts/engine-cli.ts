/**
 * Run the TypeScript engine under Node, for the conformance tests that hold it to the Python engine.
 *
 *   tsx scripts/engine-cli.ts strip OUT_DIR [--no-keep-icc] [--keep GROUP]... FILE...
 *   tsx scripts/engine-cli.ts inspect FILE...
 *   tsx scripts/engine-cli.ts audit FILE...
 *   tsx scripts/engine-cli.ts summarise RECORDS.json
 *
 * Prints one JSON document: {"files": [{"path", "ok", "error", "result"}]} shaped like the Python
 * CLI's `--json` output; `strip` also writes OUT_DIR/<file name>. `audit` prints
 * {"photos": [PhotoAudit…], "report": AuditReport}, the files named as given; `summarise` reads
 * [[index, PhotoAudit]…] (records made up by a test) and prints {"report": AuditReport}.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, inspect, strip, type StripOptions } from '../src/engine/index';
import { auditPhoto, AuditSummary, loadGazetteer, type PhotoAudit } from '../src/engine/tools/audit/index';

async function newSummary(): Promise<AuditSummary> {
  return new AuditSummary(await loadGazetteer(async (url) => readFileSync(fileURLToPath(url), 'utf8')));
}

async function summarise(records: string): Promise<number> {
  const summary = await newSummary();
  for (const [index, photo] of JSON.parse(readFileSync(records, 'utf8')) as Array<[number, PhotoAudit]>) summary.add(photo, index);
  process.stdout.write(JSON.stringify({ report: summary.report() }, null, 2) + '\n');
  return 0;
}

async function audit(files: string[]): Promise<number> {
  const summary = await newSummary();
  const photos = files.map((path) => auditPhoto(new Uint8Array(readFileSync(path)), path));
  for (const photo of photos) summary.add(photo);
  process.stdout.write(JSON.stringify({ photos, report: summary.report() }, null, 2) + '\n');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'audit') return audit(rest);
  if (command === 'summarise') return summarise(rest[0] ?? '');
  const options: StripOptions = { keep_icc: true, keep: [] };
  let outDir = '';
  const files: string[] = [];
  if (command === 'strip') outDir = rest.shift() ?? '';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--no-keep-icc') options.keep_icc = false;
    else if (arg === '--keep') options.keep.push(...(rest[++i] ?? '').split(','));
    else files.push(arg);
  }
  if ((command !== 'strip' && command !== 'inspect') || (command === 'strip' && !outDir)) {
    process.stderr.write('usage: engine-cli.ts strip OUT_DIR [--no-keep-icc] [--keep G] FILE... | inspect FILE... | audit FILE... | summarise RECORDS.json\n');
    return 2;
  }
  if (outDir) mkdirSync(outDir, { recursive: true });
  const entries: unknown[] = [];
  for (const path of files) {
    const data = new Uint8Array(readFileSync(path));
    try {
      if (command === 'inspect') {
        entries.push({ path, ok: true, error: null, result: inspect(data) });
      } else {
        const result = strip(data, options);
        writeFileSync(join(outDir, basename(path)), result.data);
        const { data: _bytes, ...report } = result;
        entries.push({ path, ok: true, error: null, result: report });
      }
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      entries.push({ path, ok: false, error: err.message, result: null });
    }
  }
  process.stdout.write(JSON.stringify({ files: entries }, null, 2) + '\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
