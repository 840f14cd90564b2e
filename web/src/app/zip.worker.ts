/** Packs finished files into one ZIP for "Download all". Store-only: images are already compressed. */
import * as Comlink from 'comlink';
import { zipSync, type Zippable } from 'fflate';
import { reportNetwork } from './worker-net';

reportNetwork('zip worker');

const api = {
  async zip(files: { name: string; blob: Blob }[]): Promise<Uint8Array> {
    const entries: Zippable = {};
    for (const f of files) entries[f.name] = [new Uint8Array(await f.blob.arrayBuffer()), { level: 0 }];
    const out = zipSync(entries, { level: 0 });
    return Comlink.transfer(out, [out.buffer as ArrayBuffer]);
  },
};

export type ZipApi = typeof api;
Comlink.expose(api);
