/**
 * Build the JPEG scan walker (wasm/jpeg-scan.ts, AssemblyScript) into src/privpix/formats/jpeg_scan.wasm,
 * the one module both engines run. It is committed: the Python package ships it, so a Python-only
 * install needs no Node. The TypeScript engine takes the same bytes from src/generated/jpeg-scan-wasm.ts
 * (base64, written from the committed file by scripts/setup): its strip and inspect are synchronous,
 * so the module is compiled synchronously from the app's own JavaScript, in any worker and under Node.
 *
 *   npm run wasm                compile, write the .wasm and the generated module
 *   npm run wasm -- --module    write the generated module from the committed .wasm (scripts/setup)
 *   npm run wasm -- --check     exit 1 unless the committed .wasm is what the source compiles to (asc
 *                               is deterministic; tests/formats/test_jpeg_scan_wasm.py runs this in CI)
 */

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = 'wasm/jpeg-scan.ts';
const WASM = fileURLToPath(new URL('../../src/privpix/formats/jpeg_scan.wasm', import.meta.url));
const MODULE = fileURLToPath(new URL('../src/generated/jpeg-scan-wasm.ts', import.meta.url));

// --runtime stub: the walker never allocates; --use abort=: no imports at all
const FLAGS = ['-O3', '--runtime', 'stub', '--use', 'abort=', '--noAssert'];

async function compile(): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const { error, stderr } = await asc.main([SOURCE, ...FLAGS, '--outFile', 'jpeg-scan.wasm'], {
    writeFile: (_name, contents) => {
      binary = typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
    },
  });
  if (error || binary === null) throw new Error(`asc failed: ${error?.message ?? ''}\n${stderr.toString()}`);
  return binary;
}

function moduleText(binary: Uint8Array): string {
  return (
    '// Generated from src/privpix/formats/jpeg_scan.wasm (built from web/wasm/jpeg-scan.ts) by\n' +
    '// web/scripts/build-wasm.ts, which scripts/setup runs. Do not edit: change the AssemblyScript source\n' +
    '// and run `npm run wasm` in web/.\n\n' +
    `export const JPEG_SCAN_WASM = '${Buffer.from(binary).toString('base64')}';\n`
  );
}

async function main(mode: string | undefined): Promise<number> {
  process.chdir(WEB);
  if (mode === '--module') {
    await writeFile(MODULE, moduleText(readFileSync(WASM)));
    return 0;
  }
  const binary = await compile();
  if (mode === '--check') {
    if (Buffer.compare(readFileSync(WASM), binary) === 0) return 0;
    process.stderr.write(`${WASM} is not what ${SOURCE} compiles to: run \`npm run wasm\` in web/\n`);
    return 1;
  }
  await writeFile(WASM, binary);
  await writeFile(MODULE, moduleText(binary));
  process.stdout.write(`wrote ${WASM} (${binary.length} bytes) and ${MODULE}\n`);
  return 0;
}

process.exitCode = await main(process.argv[2]);
