/** "Download all": the ZIP's headers, made off the page (zip.ts; the page joins them with the files). */
import * as Comlink from 'comlink';
import { reportNetwork } from '../privacy/worker-net';
import { zipLayout, type ZipLayout } from './zip';

reportNetwork('zip worker');

const api = {
  async layout(files: { name: string; blob: Blob }[]): Promise<ZipLayout> {
    const { headers, end } = await zipLayout(files);
    return Comlink.transfer({ headers, end }, [...headers.map((h) => h.buffer as ArrayBuffer), end.buffer as ArrayBuffer]);
  },
};

export type ZipApi = typeof api;
Comlink.expose(api);
